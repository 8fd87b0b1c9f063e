"""Reads of the economy module. Every selector takes the village; the books' statements are
two grouped queries over the journal lines (per account, optionally per unit)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from balai.economy import chart, rules
from balai.economy.models import (
    Account,
    Bumdes,
    BumdesManager,
    Business,
    BusinessUnit,
    CapitalParticipation,
    JournalEntry,
    JournalLine,
    MarketPrice,
    Potential,
    Product,
    ProfitDistribution,
)
from balai.regions.models import Village

# --- BUMDes --------------------------------------------------------------------------------


def bumdes_for(*, village: Village) -> Bumdes | None:
    return Bumdes.objects.filter(village=village).first()


def unit_list(*, village: Village) -> QuerySet[BusinessUnit]:
    return BusinessUnit.objects.filter(village=village)


def unit_get(*, village: Village, public_id: str) -> BusinessUnit:
    return BusinessUnit.objects.select_related("bumdes").get(village=village, public_id=public_id)


def manager_list(*, village: Village) -> QuerySet[BumdesManager]:
    return BumdesManager.objects.filter(village=village).select_related("resident", "unit")


def manager_get(*, village: Village, public_id: str) -> BumdesManager:
    return BumdesManager.objects.select_related("resident").get(village=village, public_id=public_id)


def account_list(*, village: Village) -> QuerySet[Account]:
    return Account.objects.filter(village=village)


def entry_list(*, village: Village, unit: BusinessUnit | None = None) -> QuerySet[JournalEntry]:
    qs = JournalEntry.objects.filter(village=village).select_related("unit").order_by("-date", "-number")
    return qs.filter(unit=unit) if unit is not None else qs


def entry_get(*, village: Village, public_id: str) -> JournalEntry:
    return JournalEntry.objects.select_related("unit", "posted_by").get(village=village, public_id=public_id)


def entry_lines(*, entry: JournalEntry) -> QuerySet[JournalLine]:
    return entry.lines.select_related("account").order_by("-debit", "account__code")


def capital_list(*, village: Village) -> QuerySet[CapitalParticipation]:
    return CapitalParticipation.objects.filter(village=village).select_related("unit")


def distribution_list(*, village: Village) -> QuerySet[ProfitDistribution]:
    return ProfitDistribution.objects.filter(village=village).select_related("unit")


def _infos(village: Village) -> list[rules.AccountInfo]:
    return [
        rules.AccountInfo(code, name, type_, contra)
        for code, name, type_, contra in Account.objects.filter(village=village).values_list(
            "code", "name", "type", "is_contra"
        )
    ]


def _sums(
    village: Village,
    *,
    unit: BusinessUnit | None,
    start: dt.date | None,
    end: dt.date,
    without_closing: bool = False,
) -> dict[str, tuple[int, int]]:
    """Each account's (debits, credits): grouped by account id on the line table alone (no
    join), the closing entries' lines taken out afterwards (they are few)."""
    codes = dict(Account.objects.filter(village=village).values_list("pk", "code"))
    qs = JournalLine.objects.filter(village=village, date__lte=end)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if start is not None:
        qs = qs.filter(date__gte=start)
    sums = {
        codes[r["account_id"]]: [r["d"] or 0, r["c"] or 0]
        for r in qs.values("account_id").annotate(d=Sum("debit"), c=Sum("credit")).order_by()
    }
    if without_closing:
        closing = JournalEntry.objects.filter(village=village, kind=JournalEntry.Kind.CLOSING, date__lte=end)
        if unit is not None:
            closing = closing.filter(unit=unit)
        if start is not None:
            closing = closing.filter(date__gte=start)
        ids = list(closing.values_list("pk", flat=True))
        if ids:
            for r in (
                JournalLine.objects.filter(entry_id__in=ids)
                .values("account_id")
                .annotate(d=Sum("debit"), c=Sum("credit"))
                .order_by()
            ):
                acc = sums[codes[r["account_id"]]]
                acc[0] -= r["d"] or 0
                acc[1] -= r["c"] or 0
    return {code: (d, c) for code, (d, c) in sums.items()}


@dataclass
class Books:
    """A unit's (or the BUMDes's, consolidated) statements for a year up to a date."""

    start: dt.date
    end: dt.date
    position: rules.Statements  # trial balance and balance sheet at `end`
    income: rules.Statements  # profit and loss from `start` to `end`
    cash_flow: dict[str, int]
    opening_cash: int
    closing_cash: int


def books(*, village: Village, unit: BusinessUnit | None, year: int, end: dt.date | None = None) -> Books:
    start = dt.date(year, 1, 1)
    end = min(end or dt.date(year, 12, 31), dt.date(year, 12, 31))
    infos = _infos(village)
    position = rules.statements(infos, _sums(village, unit=unit, start=None, end=end))
    income = rules.statements(infos, _sums(village, unit=unit, start=start, end=end, without_closing=True))
    flow, opening, closing = _cash_flow(village, unit=unit, start=start, end=end)
    return Books(start, end, position, income, flow, opening, closing)


def _cash_flow(
    village: Village, *, unit: BusinessUnit | None, start: dt.date, end: dt.date
) -> tuple[dict[str, int], int, int]:
    """Direct method, from each entry's cash movement and activity stored at posting."""
    entries = JournalEntry.objects.filter(village=village, date__lte=end)
    if unit is not None:
        entries = entries.filter(unit=unit)
    before = entries.filter(date__lt=start).aggregate(c=Sum("cash_change"))
    opening = before["c"] or 0
    flow = {"operasi": 0, "investasi": 0, "pendanaan": 0}
    for row in entries.filter(date__gte=start).values("flow").annotate(c=Sum("cash_change")).order_by():
        flow[row["flow"]] = flow.get(row["flow"], 0) + (row["c"] or 0)
    return flow, opening, opening + sum(flow.values())


def ledger(
    *, village: Village, account: Account, unit: BusinessUnit | None, year: int
) -> tuple[int, list[dict[str, Any]]]:
    """Buku besar: the opening balance and each line of the year with its running balance."""
    sign = 1 if account.debit_normal else -1
    qs = JournalLine.objects.filter(village=village, account=account)
    if unit is not None:
        qs = qs.filter(unit=unit)
    before = qs.filter(date__lt=dt.date(year, 1, 1)).aggregate(d=Sum("debit"), c=Sum("credit"))
    balance = sign * ((before["d"] or 0) - (before["c"] or 0))
    opening = balance
    rows = []
    for line in qs.filter(date__year=year).select_related("entry", "unit").order_by("date", "entry__number"):
        balance += sign * (line.debit - line.credit)
        rows.append({"line": line, "balance": balance})
    return opening, rows


def account_get(*, village: Village, code: str) -> Account:
    return Account.objects.get(village=village, code=code)


def village_revenue_from_bumdes(*, village: Village, year: int | None = None) -> QuerySet[ProfitDistribution]:
    qs = distribution_list(village=village)
    return qs.filter(date__year=year) if year else qs


# --- UMKM ----------------------------------------------------------------------------------


def business_list(*, village: Village, query: str = "", sector: str = "") -> QuerySet[Business]:
    qs = (
        Business.objects.filter(village=village)
        .select_related("owner")
        .annotate(products_n=Count("products"))
    )
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(products__name__icontains=query)).distinct()
    if sector:
        qs = qs.filter(sector=sector)
    return qs.order_by("-is_active", "name")


def business_get(*, village: Village, public_id: str) -> Business:
    return Business.objects.select_related("owner").get(village=village, public_id=public_id)


def business_of_owner(*, village: Village, owner_id: int) -> QuerySet[Business]:
    return Business.objects.filter(village=village, owner_id=owner_id, is_active=True)


def product_get(*, village: Village, public_id: str) -> Product:
    return Product.objects.select_related("business").get(village=village, public_id=public_id)


@dataclass(frozen=True)
class PublicBusiness:
    """What the public page and the kiosk may show of a business: never the owner's NIK or
    address, the phone only with consent."""

    public_id: str
    name: str
    sector: str
    sector_label: str
    description: str
    address: str
    phone: str
    permits: list[str]
    products: list[dict[str, Any]]
    photo: str  # a product's photo id for the list's thumbnail, or ""


def public_businesses(*, village: Village, query: str = "", sector: str = "") -> list[PublicBusiness]:
    qs = Business.objects.filter(village=village, is_active=True, listed=True)
    if query:
        qs = qs.filter(
            Q(name__icontains=query) | Q(description__icontains=query) | Q(products__name__icontains=query)
        ).distinct()
    if sector:
        qs = qs.filter(sector=sector)
    businesses = list(
        qs.order_by("name").values(
            "pk",
            "public_id",
            "name",
            "sector",
            "description",
            "address",
            "phone",
            "contact_public",
            "nib",
            "pirt",
            "halal",
        )
    )
    products: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for p in Product.objects.filter(business_id__in=[b["pk"] for b in businesses]).values(
        "business_id", "public_id", "name", "price", "unit", "photo"
    ):
        products[p["business_id"]].append(dict(p))
    out = []
    for b in businesses:
        prods = sorted(products[b["pk"]], key=lambda p: p["name"])
        permits = [
            label
            for label, value in (("NIB", b["nib"]), ("P-IRT", b["pirt"]), ("Halal", b["halal"]))
            if value
        ]
        out.append(
            PublicBusiness(
                public_id=b["public_id"],
                name=b["name"],
                sector=b["sector"],
                sector_label=str(chart.SECTORS.get(b["sector"], "")),
                description=b["description"],
                address=b["address"],
                phone=b["phone"] if b["contact_public"] else "",
                permits=permits,
                products=prods,
                photo=next((p["public_id"] for p in prods if p["photo"]), ""),
            )
        )
    return out


def public_business(*, village: Village, public_id: str) -> PublicBusiness:
    found = [b for b in public_businesses(village=village) if b.public_id == public_id]
    if not found:
        raise Business.DoesNotExist
    return found[0]


def public_photo(*, village: Village, public_id: str) -> str:
    """The stored name of a listed business's product photo, or DoesNotExist."""
    product = Product.objects.get(
        village=village, public_id=public_id, business__is_active=True, business__listed=True
    )
    if not product.photo:
        raise Product.DoesNotExist
    return product.photo


def sector_counts(*, villages: QuerySet[Village] | list[Village]) -> dict[int, dict[str, int]]:
    """village pk → sector → active businesses (the district and regency view)."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Business.objects.filter(village__in=villages, is_active=True)
        .values("village_id", "sector")
        .annotate(n=Count("id"))
        .order_by()
    ):
        out[row["village_id"]][row["sector"]] = row["n"]
    return out


# --- Potential and prices ------------------------------------------------------------------


def potential_list(*, village: Village) -> QuerySet[Potential]:
    return Potential.objects.filter(village=village)


def potential_get(*, village: Village, public_id: str) -> Potential:
    return Potential.objects.get(village=village, public_id=public_id)


def price_series(
    *, village: Village, weeks: int = 12, today: dt.date
) -> dict[str, list[tuple[dt.date, int]]]:
    since = today - dt.timedelta(weeks=weeks)
    series: dict[str, list[tuple[dt.date, int]]] = defaultdict(list)
    for code, week, price in MarketPrice.objects.filter(village=village, week__gte=since).values_list(
        "commodity", "week", "price"
    ):
        series[code].append((week, price))
    return dict(series)


def potential_by_category(*, villages: QuerySet[Village] | list[Village]) -> dict[int, dict[str, int]]:
    """village pk → potential category → entries (the district and regency view)."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Potential.objects.filter(village__in=villages)
        .values("village_id", "category")
        .annotate(n=Count("id"))
        .order_by()
    ):
        out[row["village_id"]][row["category"]] = row["n"]
    return out


def price_medians(
    *, villages: QuerySet[Village] | list[Village], today: dt.date, weeks: int = 4
) -> list[tuple[str, int, int]]:
    """(commodity code, median of each village's latest price in the last `weeks`, villages
    reporting): what a staple costs across the area this month."""
    latest: dict[tuple[str, int], tuple[dt.date, int]] = {}
    for code, village_id, week, price in MarketPrice.objects.filter(
        village__in=villages, week__gte=today - dt.timedelta(weeks=weeks)
    ).values_list("commodity", "village_id", "week", "price"):
        if (code, village_id) not in latest or latest[(code, village_id)][0] < week:
            latest[(code, village_id)] = (week, price)
    by_code: dict[str, list[int]] = defaultdict(list)
    for (code, _village_id), (_week, price) in latest.items():
        by_code[code].append(price)
    return [(code, int(statistics.median(prices)), len(prices)) for code, prices in sorted(by_code.items())]
