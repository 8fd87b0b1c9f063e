"""BLT Dana Desa and other cash aid paid from the APBDes (issue 17 item 7): the aid module
records who received what and when; finance books those distributions as the realisation of
the spending line the programme is linked to, one ledger entry per distribution day, without
anyone typing them again. Aid sits beside finance and never imports it: finance reads the
distributions through an aid selector.

No double counting: a distribution is posted once (`AidPosting.distribution` is unique), a
linked line takes no SPPs, and a line that already has SPPs or postings cannot be linked."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from balai.aid import selectors as aid_selectors
from balai.aid.models import Programme
from balai.core.errors import ApplicationError
from balai.finance.models import AidLink, AidPosting, BudgetLine, Entry, Medium, PaymentRequest, Source
from balai.finance.services import (
    _allow,
    _audit,
    _balance,
    _check_medium,
    _fmt,
    _lock_for_posting,
    _own,
    _remaining,
)
from balai.regions.models import Village

if TYPE_CHECKING:
    from balai.accounts.models import User


@transaction.atomic
def aid_link_create(
    *, actor: User | None, village: Village, line: BudgetLine, programme: Programme, medium: str = Medium.CASH
) -> AidLink:
    _allow(actor, "finance.budget")
    _own(village, line, programme)
    if not line.account_code.startswith("5"):
        raise ValidationError(
            {"line": _("Bantuan dibayar dari rekening belanja (5), mis. 5.4.1.02 BLT Dana Desa.")}
        )
    if programme.benefit_kind == Programme.BenefitKind.IN_KIND:
        raise ValidationError({"programme": _("Program ini memberi barang, bukan uang tunai.")})
    if AidLink.objects.filter(budget_line=line).exists():
        raise ValidationError({"line": _("Rincian ini sudah ditautkan ke program bantuan.")})
    if AidLink.objects.filter(programme=programme, budget_line__budget_id=line.budget_id).exists():
        raise ValidationError(
            {
                "programme": _("Program %(p)s sudah ditautkan ke rincian lain di APBDes ini.")
                % {"p": programme.name}
            }
        )
    if (
        PaymentRequest.objects.filter(budget_line=line)
        .exclude(status=PaymentRequest.Status.REJECTED)
        .exists()
    ):
        raise ValidationError(
            {
                "line": _(
                    "Rincian ini sudah memiliki SPP; penyaluran akan tercatat dua kali. Pilih rincian lain."
                )
            }
        )
    if Entry.objects.filter(budget_line=line).exists():
        raise ValidationError(
            {"line": _("Rincian ini sudah memiliki realisasi di buku; penyaluran akan tercatat dua kali.")}
        )
    link = AidLink.objects.create(
        village=village, budget_line=line, programme=programme, medium=_check_medium(medium), linked_by=actor
    )
    _audit(
        actor, village, "aid_link.create", link, {"line": line.public_id, "programme": programme.public_id}
    )
    return link


@transaction.atomic
def aid_link_remove(*, actor: User | None, village: Village, link: AidLink) -> None:
    _allow(actor, "finance.budget")
    _own(village, link)
    if AidPosting.objects.filter(link=link).exists():
        raise ApplicationError(_("Penyaluran sudah dibukukan dari tautan ini; tautan tidak dapat dilepas."))
    _audit(actor, village, "aid_link.remove", link, {"line": link.budget_line.public_id})
    link.delete()


def pending_distributions(*, link: AidLink) -> list[tuple[int, dt.date, int]]:
    """Distributions of the programme in the budget year not yet booked."""
    year = link.budget_line.budget.year
    rows = aid_selectors.programme_distributions(
        village=link.village, programme=link.programme, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)
    )
    posted = set(
        AidPosting.objects.filter(distribution_id__in=[r[0] for r in rows]).values_list(
            "distribution_id", flat=True
        )
    )
    return [r for r in rows if r[0] not in posted]


@transaction.atomic
def aid_distributions_post(*, actor: User | None, village: Village, link: AidLink) -> list[Entry]:
    """Book the programme's distributions not yet booked: one payment entry per day on the
    linked line. All or nothing: refused when a day is in a closed period, the line's budget
    or the cash would not cover them."""
    _allow(actor, "finance.pay")
    _own(village, link)
    link = AidLink.objects.select_related("budget_line__budget", "programme", "village").get(pk=link.pk)
    line = link.budget_line
    pending = pending_distributions(link=link)
    if not pending:
        raise ApplicationError(_("Tidak ada penyaluran baru yang belum dibukukan."))
    by_day: dict[dt.date, list[tuple[int, int]]] = defaultdict(list)
    for dist_id, day, amount in pending:
        by_day[day].append((dist_id, amount))
    budget = line.budget
    for day in sorted(by_day):
        budget = _lock_for_posting(budget, day, field="distributed_on")
    total = sum(a for _i, _d, a in pending)
    remaining = _remaining(line)
    if total > remaining:
        raise ApplicationError(
            _("Penyaluran Rp%(t)s melebihi sisa anggaran rincian Rp%(r)s. Ajukan APBDes Perubahan dahulu.")
            % {"t": _fmt(total), "r": _fmt(max(remaining, 0))}
        )
    available = _balance(budget, link.medium)
    if total > available:
        raise ApplicationError(
            _("Saldo %(m)s Rp%(b)s tidak cukup untuk membukukan penyaluran Rp%(t)s.")
            % {"m": link.get_medium_display().lower(), "b": _fmt(available), "t": _fmt(total)}
        )
    entries = []
    postings = []
    code = link.programme.code.upper()[:20]
    for day in sorted(by_day):
        items = by_day[day]
        number = f"{code}/{day:%Y%m%d}"
        taken = Entry.objects.filter(
            budget=budget, kind=Entry.Kind.PAYMENT, number__startswith=number
        ).count()
        if taken:  # more distributions of the same day booked later
            number = f"{number}-{taken + 1}"
        entry = Entry.objects.create(
            village=village,
            budget=budget,
            date=day,
            number=number,
            kind=Entry.Kind.PAYMENT,
            direction=Entry.Direction.OUT,
            medium=link.medium,
            account_code=line.account_code,
            activity_id=line.activity_id,
            budget_line=line,
            funding_source=line.funding_source,
            amount=sum(a for _i, a in items),
            description=(
                _("%(p)s: penyaluran %(d)s kepada %(n)d penerima (modul Bantuan)")
                % {"p": link.programme.name, "d": day.strftime("%d-%m-%Y"), "n": len(items)}
            )[:255],
            source=Source.BALAI,
            posted_by=actor,
        )
        entries.append(entry)
        postings += [
            AidPosting(village=village, link=link, distribution_id=i, entry=entry, amount=a) for i, a in items
        ]
    AidPosting.objects.bulk_create(postings)
    # One audit event for the batch: the distributions themselves were audited by the aid module.
    _audit(
        actor,
        village,
        "aid_link.post",
        link,
        {"entries": [e.public_id for e in entries], "distributions": len(postings), "amount": total},
    )
    return entries
