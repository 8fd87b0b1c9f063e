"""Demo advances and deposits, after the bulk-inserted year (`demo.extend_village`): through the
services, so they leave SPPs, SPJ, STS and audit events as a real treasurer would.

Per village: the cash rent of the village land (TBP of 1 February) deposited to the bank with
an STS two days later; an advance (SPP UM) for the road works paid in March and accounted for
by its SPJ with the remainder returned; and a second advance paid in May still waiting for its
SPJ (the walkthrough records it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from balai.finance import advances, services
from balai.finance.models import Budget, BudgetLine, Entry, PaymentRequest
from balai.people.models import Resident
from balai.regions.models import Village

_NOT_EXECUTORS = ("Kepala Desa", "Lurah", "Sekretaris", "Kaur Keuangan", "Bendahara")


def _executor(village: Village, line: BudgetLine | None = None) -> Resident | None:
    """The advance goes to the activity's executor: the living resident who holds the
    activity's executor post (e.g. Kasi Pembangunan), else another kasi or kaur (never the
    kades, the sekdes, who verifies it, or the treasurer, who pays it), else a living resident
    who is not an official."""
    from django.db.models import Q

    from balai.staff.models import Official

    officials = Official.objects.filter(village=village, is_active=True, resident__status=1).select_related(
        "resident"
    )
    for title in _NOT_EXECUTORS:
        officials = officials.exclude(position__istartswith=title)
    executor = line.activity.executor if line is not None and line.activity else ""
    if executor:
        holder = (
            officials.filter(
                Q(profile__post__title__iexact=executor)
                | Q(profile__acting_post__title__iexact=executor)
                | Q(position__istartswith=executor)
            )
            .order_by("pk")
            .first()
        )
        if holder is not None:
            return holder.resident
    other = (
        officials.filter(Q(position__istartswith="Kasi") | Q(position__istartswith="Kaur"))
        .order_by("pk")
        .first()
    )
    if other is not None:
        return other.resident
    return (
        Resident.objects.filter(village=village, status=1)
        .exclude(
            pk__in=Official.objects.filter(village=village, resident__isnull=False).values("resident_id")
        )
        .order_by("pk")
        .first()
    )


def _payee(village: Village, line: BudgetLine | None = None) -> dict[str, Any]:
    """The executor as a resident; a village without residents (a test's) pays a vendor."""
    from balai.finance.models import Vendor

    resident = _executor(village, line)
    if resident is not None:
        return {"payee_resident": resident}
    return {"payee_vendor": Vendor.objects.filter(village=village, is_active=True).order_by("pk").first()}


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _advance(
    village: Village, budget: Budget, line: BudgetLine, number: str, day: dt.date, amount: int, text: str
) -> PaymentRequest:
    spp = services.payment_request_create(
        actor=None,
        village=village,
        budget=budget,
        line=line,
        number=number,
        date=day,
        amount=amount,
        description=text,
        **_payee(village, line),
        kind=PaymentRequest.Kind.UM,
    )
    for step in ("verify", "approve"):
        services.payment_request_act(actor=None, village=village, spp=spp, step=step)
    paid_on = day + dt.timedelta(days=1)
    paid = services.payment_request_pay(actor=None, village=village, spp=spp, paid_on=paid_on)
    # The steps took place on the SPP's dates, not when the demo was built.
    PaymentRequest.objects.filter(pk=spp.pk).update(
        created_at=_at(day, 8),
        verified_at=_at(day, 10),
        approved_at=_at(day, 14),
        paid_at=_at(paid_on, 9),
    )
    sign_steps(village=village)
    paid.refresh_from_db()
    return paid


def sign_steps(*, village: Village) -> int:
    """Name the village's demo accounts on the demo advances' steps (raised and paid by the
    bendahara, verified by the sekdes, approved by the kades). `balai demo` calls this again
    once the accounts exist. Returns the SPPs updated."""
    from balai.accounts.models import Role, User

    users = {
        role: User.objects.filter(village=village, role=role, is_active=True).order_by("pk").first()
        for role in (Role.BENDAHARA, Role.SEKDES, Role.KADES)
    }
    updated = 0
    demo = PaymentRequest.objects.filter(
        village=village, kind=PaymentRequest.Kind.UM, number__contains="/UM/"
    )
    for field, role in (
        ("raised_by", Role.BENDAHARA),
        ("verified_by", Role.SEKDES),
        ("approved_by", Role.KADES),
        ("paid_by", Role.BENDAHARA),
    ):
        user = users[role]
        if user is not None:
            qs = demo.filter(**{f"{field}__isnull": True})
            if field != "raised_by":
                qs = qs.filter(**{f"{field[:-3]}_at__isnull": False})
            updated += qs.update(**{field: user})
    return updated


def extend(*, village: Village, budget: Budget, spending: list[BudgetLine], today: dt.date) -> int:
    """Returns the number of ledger entries added."""
    year, before = budget.year, Entry.objects.filter(budget=budget).count()
    cash = advances.undeposited_receipts(village=village, budget=budget)
    if cash and today >= dt.date(year, 2, 3):
        advances.deposit_slip_create(
            actor=None,
            village=village,
            budget=budget,
            number=f"0001/STS/{village.code_digits[-6:]}/{year}",
            date=max(r.date for r in cash) + dt.timedelta(days=2),
            receipts=cash,
            bank_reference="BRI-VAL-0001",
        )
    if _executor(village) is None:  # an SPP is paid to a living resident or a registered vendor
        return Entry.objects.filter(budget=budget).count() - before
    road = [
        ln
        for ln in spending
        if ln.activity and ln.activity.code == "02.03.01" and ln.account_code != "5.2.2.03"
    ]
    room = sorted(((services._remaining(ln), ln) for ln in road), key=lambda x: -x[0])
    if not room or room[0][0] < 8_000_000:
        return Entry.objects.filter(budget=budget).count() - before
    line = room[0][1]
    code = village.code_digits[-6:]
    if today >= dt.date(year, 3, 25):
        spp = _advance(village, budget, line, f"0001/UM/{code}/{year}", dt.date(year, 3, 2), 5_000_000,
                       "Panjar kerja bakti perbaikan jalan dusun")  # fmt: skip
        advances.advance_settle(
            actor=None,
            village=village,
            spp=spp,
            number=f"0001/SPJ/{code}/{year}",
            date=dt.date(year, 3, 24),
            spent=4_650_000,
            description="Belanja kerja bakti perbaikan jalan dusun (bukti terlampir)",
        )
    if today >= dt.date(year, 5, 12):
        _advance(village, budget, line, f"0002/UM/{code}/{year}", dt.date(year, 5, 11), 3_000_000,
                 "Panjar pembelian material talud")  # fmt: skip
    return Entry.objects.filter(budget=budget).count() - before
