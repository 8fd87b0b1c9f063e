"""Reads for finance's links to the single data (issue 17 item 7): vendors, resident payees,
aid programmes paid from the APBDes, officials' fixed income; and the regency chart."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from balai.core.masking import mask_tail
from balai.finance.models import (
    Account,
    AidLink,
    AidPosting,
    Budget,
    BudgetLine,
    Entry,
    PaymentRequest,
    Vendor,
)
from balai.finance.selectors import realised_by_line
from balai.people.codes import STATUS_ALIVE
from balai.people.models import Resident
from balai.people.selectors import ResidentFilters, resident_filter
from balai.regions.models import Village


def vendor_list(*, village: Village, active_only: bool = False) -> QuerySet[Vendor]:
    qs = Vendor.objects.filter(village=village)
    return qs.filter(is_active=True) if active_only else qs


def vendor_get(*, village: Village, public_id: str) -> Vendor:
    return Vendor.objects.get(village=village, public_id=public_id)


def npwp_masked(npwp: str) -> str:
    """NPWP shown with its last four digits only (lists and pages; the full number is kept)."""
    return mask_tail(npwp, keep=4)


def account_masked(number: str) -> str:
    return mask_tail(number, keep=4)


@dataclass
class PayeeHit:
    public_id: str
    name: str
    nik_masked: str
    birth_date: dt.date | None
    rt: str


def payee_residents(*, village: Village, q: str, limit: int = 10) -> list[PayeeHit]:
    """Living residents of the village matching a name (or NIK digits), with masked NIKs."""
    q = " ".join(str(q or "").split())
    if len(q) < 3:
        return []
    qs = (
        resident_filter(village=village, filters=ResidentFilters(q=q, status=STATUS_ALIVE))
        .select_related("rt")
        .order_by("name", "id")[:limit]
    )
    return [
        PayeeHit(r.public_id, r.name, mask_tail(r.nik), r.birth_date, str(r.rt) if r.rt_id else "")
        for r in qs
    ]


def payee_resident_get(*, village: Village, public_id: str) -> Resident:
    return Resident.objects.select_related("rt").get(village=village, public_id=public_id)


# --- Aid programmes paid from the APBDes -----------------------------------------------------------


@dataclass
class AidLinkRow:
    link: AidLink
    posted_amount: int
    posted_count: int
    pending_amount: int
    pending_count: int
    budget: int
    realised: int


def aid_links(*, village: Village, budget: Budget) -> list[AidLinkRow]:
    from balai.finance.services_aid import pending_distributions

    realised = realised_by_line(budget=budget)
    rows = []
    for link in AidLink.objects.filter(village=village, budget_line__budget=budget).select_related(
        "budget_line__activity", "budget_line__budget", "programme", "village"
    ):
        posted = AidPosting.objects.filter(link=link).aggregate(s=Sum("amount"))["s"] or 0
        posted_n = AidPosting.objects.filter(link=link).count()
        pending = pending_distributions(link=link)
        rows.append(
            AidLinkRow(
                link,
                posted,
                posted_n,
                sum(a for _i, _d, a in pending),
                len(pending),
                link.budget_line.in_force,
                realised.get(link.budget_line_id, 0),
            )
        )
    return rows


def aid_link_get(*, village: Village, public_id: str) -> AidLink:
    return AidLink.objects.select_related("budget_line__budget", "programme").get(
        village=village, public_id=public_id
    )


def aid_link_for_programme(*, village: Village, programme: Any) -> list[AidLinkRow]:
    out = []
    for link in AidLink.objects.filter(village=village, programme=programme).select_related(
        "budget_line__budget"
    ):
        out += [r for r in aid_links(village=village, budget=link.budget_line.budget) if r.link.pk == link.pk]
    return out


def spending_lines(*, budget: Budget) -> QuerySet[BudgetLine]:
    return (
        BudgetLine.objects.filter(budget=budget, account_code__startswith="5")
        .select_related("activity")
        .order_by("activity__code", "account_code", "id")
    )


# --- Officials' fixed income -----------------------------------------------------------------------


@dataclass
class OfficialPay:
    year: int
    lines: list[tuple[BudgetLine, int]] = field(default_factory=list)  # (line, realised)
    shared_lines: list[tuple[BudgetLine, int]] = field(default_factory=list)
    paid_to_them: int = 0

    @property
    def budgeted(self) -> int:
        return sum(line.in_force for line, _r in self.lines)

    @property
    def realised(self) -> int:
        return sum(r for _line, r in self.lines)


def officials_pay(*, village: Village, year: int, officials: list[Any]) -> dict[int, OfficialPay] | None:
    """What the APBDes of `year` budgets and has paid for each official: the 5.1 lines linked
    to them; failing that, the lines of their record's siltap account code (shared with
    others); and SPPs paid to them as a resident on other 5.1 lines. A fixed number of queries
    whatever the number of officials (the officials' page lists them all)."""
    budget = Budget.objects.filter(village=village, year=year).first()
    if budget is None:
        return None
    lines = list(
        BudgetLine.objects.filter(budget=budget, account_code__startswith="5.1").order_by(
            "account_code", "id"
        )
    )
    realised = realised_by_line(budget=budget, lines=[line.pk for line in lines])
    by_official: dict[int, list[BudgetLine]] = {}
    by_code: dict[str, list[BudgetLine]] = {}
    for line in lines:
        if line.official_id:
            by_official.setdefault(line.official_id, []).append(line)
        else:
            by_code.setdefault(line.account_code, []).append(line)
    residents = [o.resident_id for o in officials if getattr(o, "resident_id", None)]
    paid = (
        dict(
            PaymentRequest.objects.filter(
                budget=budget,
                payee_resident_id__in=residents,
                status=PaymentRequest.Status.PAID,
                budget_line__account_code__startswith="5.1",
                budget_line__official__isnull=True,
            )
            .values_list("payee_resident_id")
            .annotate(s=Sum("amount"))
            .order_by()
        )
        if residents
        else {}
    )
    out: dict[int, OfficialPay] = {}
    for official in officials:
        pay = OfficialPay(year)
        pay.lines = [(line, realised.get(line.pk, 0)) for line in by_official.get(official.pk, [])]
        profile = getattr(official, "profile", None) if _has_profile(official) else None
        code = getattr(profile, "funding_line", "") or ""
        if not pay.lines and code:
            pay.shared_lines = [(line, realised.get(line.pk, 0)) for line in by_code.get(code, [])]
        pay.paid_to_them = paid.get(getattr(official, "resident_id", None), 0) or 0
        out[official.pk] = pay
    return out


def _has_profile(official: Any) -> bool:
    try:
        return official.profile is not None
    except Exception:  # RelatedObjectDoesNotExist: an official without a staffing record
        return False


def official_pay(*, official: Any, year: int) -> OfficialPay | None:
    found = officials_pay(village=official.village, year=year, officials=[official])
    return None if found is None else found[official.pk]


# --- The regency's chart ----------------------------------------------------------------------------


@dataclass
class ChartRow:
    account: Account
    used: int


def chart_rows(*, regency_code: str, year: int) -> list[ChartRow]:
    """The regency's accounts for the year, each with how many RAB lines and postings of the
    regency's villages use it (level 4 accounts; 0 for headings)."""
    from balai.finance.services import chart_ensure

    chart_ensure(year=year, regency_code=regency_code)
    accounts = list(Account.objects.filter(regency_code=regency_code, year=year))
    scope = Q(budget__year=year) & (Q(village__regency_code=regency_code) if regency_code else Q())
    used: dict[str, int] = {}
    for qs in (BudgetLine.objects.filter(scope), Entry.objects.filter(scope)):
        for code, n in qs.values_list("account_code").annotate(n=Count("id")).order_by():
            used[code] = used.get(code, 0) + (n or 0)
    accounts.sort(key=lambda a: [int(p) if p.isdigit() else 0 for p in a.code.split(".")])
    return [ChartRow(a, used.get(a.code, 0)) for a in accounts]


def regency_codes(*, villages: QuerySet[Village]) -> list[tuple[str, str]]:
    return list(villages.values_list("regency_code", "regency_name").distinct().order_by("regency_code"))
