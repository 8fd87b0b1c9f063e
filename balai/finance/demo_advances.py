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

from balai.finance import advances, services
from balai.finance.models import Budget, BudgetLine, Entry, PaymentRequest
from balai.people.models import Resident
from balai.regions.models import Village


def _executor(village: Village) -> Resident | None:
    """The advance goes to the activity's executor: a village official who is a living resident
    (a kasi in the demo), or failing that any living resident."""
    from balai.staff.models import Official

    official = (
        Official.objects.filter(village=village, is_active=True, resident__status=1)
        .exclude(position__startswith="Kepala Desa")
        .select_related("resident")
        .order_by("pk")
        .first()
    )
    if official is not None:
        return official.resident
    return Resident.objects.filter(village=village, status=1).order_by("pk").first()


def _payee(village: Village) -> dict[str, Any]:
    """The executor as a resident; a village without residents (a test's) pays a vendor."""
    from balai.finance.models import Vendor

    resident = _executor(village)
    if resident is not None:
        return {"payee_resident": resident}
    return {"payee_vendor": Vendor.objects.filter(village=village, is_active=True).order_by("pk").first()}


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
        **_payee(village),
        kind=PaymentRequest.Kind.UM,
    )
    for step in ("verify", "approve"):
        services.payment_request_act(actor=None, village=village, spp=spp, step=step)
    return services.payment_request_pay(
        actor=None, village=village, spp=spp, paid_on=day + dt.timedelta(days=1)
    )


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
