"""Reads of village finance: the APBDes with realisation, the books with running balances, the
LRA, the transparency summary and the regional roll-up. Every read takes the village (or, for
the regional roll-up, the villages the scope may read)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.finance import chart
from balai.finance.models import Activity, Budget, BudgetLine, Entry, Medium, PaymentRequest, Tax
from balai.regions.models import Village

# The SiLPA carried from the year before (financing receipt): realised by the opening balance.
SILPA_ACCOUNT = "6.1.1"

BOOK_LABELS = {
    "bku": "Buku Kas Umum",
    "bank": "Buku Pembantu Bank",
    "tunai": "Buku Pembantu Kas Tunai",
    "pajak": "Buku Pembantu Pajak",
}


def budget_list(*, village: Village) -> QuerySet[Budget]:
    return Budget.objects.filter(village=village).order_by("-year")


def budget_get(*, village: Village, year: int) -> Budget:
    return Budget.objects.get(village=village, year=year)


def budget_current(*, village: Village, today: dt.date | None = None) -> Budget | None:
    """This year's APBDes, else the newest one."""
    year = (today or timezone.localdate()).year
    return Budget.objects.filter(village=village, year=year).first() or budget_list(village=village).first()


def activity_get(*, village: Village, public_id: str) -> Activity:
    return Activity.objects.get(village=village, public_id=public_id)


def line_get(*, village: Village, public_id: str) -> BudgetLine:
    return BudgetLine.objects.select_related("budget", "activity").get(village=village, public_id=public_id)


def spp_get(*, village: Village, public_id: str) -> PaymentRequest:
    return PaymentRequest.objects.select_related("budget", "budget_line", "budget_line__activity").get(
        village=village, public_id=public_id
    )


def spp_list(*, village: Village, budget: Budget, status: str = "") -> QuerySet[PaymentRequest]:
    qs = PaymentRequest.objects.filter(village=village, budget=budget).select_related("budget_line")
    return qs.filter(status=status) if status else qs


def tax_get(*, village: Village, public_id: str) -> Tax:
    return Tax.objects.select_related("payment_request").get(village=village, public_id=public_id)


def entry_get(*, village: Village, public_id: str) -> Entry:
    return Entry.objects.select_related("budget").get(village=village, public_id=public_id)


def _signed_realised() -> Any:
    """Realisation of an entry on its account: + for money in on 4/6.1, + for money out on 5/6.2."""
    outflow = Q(account_code__startswith="5") | Q(account_code__startswith="6.2")
    return Case(
        When(outflow & Q(direction=Entry.Direction.OUT), then=F("amount")),
        When(outflow & Q(direction=Entry.Direction.IN), then=-F("amount")),
        When(direction=Entry.Direction.IN, then=F("amount")),
        default=-F("amount"),
        output_field=IntegerField(),
    )


def realised_by_line(
    *, budget: Budget, until: dt.date | None = None, lines: list[int] | None = None
) -> dict[int, int]:
    qs = Entry.objects.filter(budget=budget, budget_line__isnull=False)
    if lines is not None:
        qs = qs.filter(budget_line_id__in=lines)
    if until:
        qs = qs.filter(date__lte=until)
    return dict(qs.values_list("budget_line_id").annotate(s=Sum(_signed_realised())).order_by())


@dataclass
class LineRow:
    line: BudgetLine
    realised: int

    @property
    def remaining(self) -> int:
        return self.line.in_force - self.realised

    @property
    def percent(self) -> int:
        return _pct(self.realised, self.line.in_force)


@dataclass
class ActivityBlock:
    activity: Activity | None
    title: str
    rows: list[LineRow] = field(default_factory=list)

    @property
    def budget(self) -> int:
        return sum(r.line.in_force for r in self.rows)

    @property
    def original(self) -> int:
        return sum(r.line.amount for r in self.rows)

    @property
    def realised(self) -> int:
        return sum(r.realised for r in self.rows)

    @property
    def percent(self) -> int:
        return _pct(self.realised, self.budget)


def _pct(part: int, whole: int) -> int:
    return round(part * 100 / whole) if whole else 0


def apbdes_blocks(*, budget: Budget) -> list[ActivityBlock]:
    """The APBDes (Buku APBDes / RAB): revenue, spending per activity, financing."""
    realised = realised_by_line(budget=budget)
    revenue = ActivityBlock(None, _("Pendapatan"))
    financing = ActivityBlock(None, _("Pembiayaan"))
    by_activity: dict[int, ActivityBlock] = {}
    for activity in Activity.objects.filter(budget=budget).order_by("code"):
        by_activity[activity.pk] = ActivityBlock(activity, f"{activity.code} {activity.name}")
    silpa_carried = budget.opening_cash + budget.opening_bank
    for line in BudgetLine.objects.filter(budget=budget).order_by("account_code", "id"):
        row = LineRow(line, realised.get(line.pk, 0))
        if silpa_carried and line.account_code.startswith(SILPA_ACCOUNT):
            # as in the LRA: the opening balance realises the SiLPA (on its first line)
            row.realised += silpa_carried
            silpa_carried = 0
        if line.activity_id:
            by_activity[line.activity_id].rows.append(row)
        elif line.account_code.startswith("4"):
            revenue.rows.append(row)
        else:
            financing.rows.append(row)
    return [revenue, *by_activity.values(), financing]


# --- Books --------------------------------------------------------------------------------------


def _rp(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def signed_rp(n: int) -> str:
    return f"−{_rp(-n)}" if n < 0 else _rp(n)


def _book_filter(book: str) -> Q:
    if book == "bank":
        return Q(medium=Medium.BANK)
    if book == "tunai":
        return Q(medium=Medium.CASH)
    if book == "pajak":
        return Q(account_code__startswith="7.")
    return Q()


def book_opening(*, budget: Budget, book: str) -> int:
    if book == "bank":
        return budget.opening_bank
    if book == "tunai":
        return budget.opening_cash
    if book == "pajak":
        return 0
    return budget.opening_cash + budget.opening_bank


@dataclass
class BookPage:
    rows: list[dict[str, Any]]
    opening: int
    total_in: int
    total_out: int
    closing: int
    count: int
    page: int
    pages: int


def book_page(*, budget: Budget, book: str, page: int = 1, per_page: int = 100) -> BookPage:
    """One page of a book with its running balance: the balance before the page is one
    aggregate over the earlier rows (index `finance_entry_book_idx`), so any page costs the
    same, and a balance is always recomputed from the postings (concurrent postings cannot
    leave a stale stored balance)."""
    base = Entry.objects.filter(budget=budget).filter(_book_filter(book))
    sums = dict(base.values_list("direction").annotate(s=Sum("amount")).order_by())
    total_in, total_out = sums.get("in", 0) or 0, sums.get("out", 0) or 0
    count = base.count()
    pages = max(1, -(-count // per_page))
    page = min(max(1, page), pages)
    opening = book_opening(budget=budget, book=book)
    rows_qs = base.order_by("date", "id").values(
        "id",
        "public_id",
        "date",
        "number",
        "kind",
        "direction",
        "medium",
        "account_code",
        "amount",
        "description",
        "source",
    )[(page - 1) * per_page : page * per_page]
    rows: list[dict[str, Any]] = [dict(r) for r in rows_qs]
    balance = opening
    if rows and page > 1:
        first = rows[0]
        before = base.filter(Q(date__lt=first["date"]) | Q(date=first["date"], id__lt=first["id"]))
        prior = dict(before.values_list("direction").annotate(s=Sum("amount")).order_by())
        balance += (prior.get("in", 0) or 0) - (prior.get("out", 0) or 0)
    kinds = dict(Entry.Kind.choices)
    for r in rows:
        signed = r["amount"] if r["direction"] == "in" else -r["amount"]
        balance += signed
        r["in"] = r["amount"] if signed > 0 else 0
        r["out"] = r["amount"] if signed < 0 else 0
        r["balance"] = balance
        r["kind_label"] = kinds.get(r["kind"], r["kind"])
        # Formatted once here: the page shows 100 rows and template filters per cell cost more
        # than the queries.
        r["date_text"] = r["date"].strftime("%d-%m-%Y")
        r["in_text"] = _rp(r["in"]) if r["in"] else ""
        r["out_text"] = _rp(r["out"]) if r["out"] else ""
        r["balance_text"] = _rp(balance)
    return BookPage(rows, opening, total_in, total_out, opening + total_in - total_out, count, page, pages)


def balances(*, budget: Budget) -> dict[str, int]:
    sums: dict[tuple[str, str], int] = {
        (m, d): s
        for m, d, s in Entry.objects.filter(budget=budget)
        .values_list("medium", "direction")
        .annotate(s=Sum("amount"))
        .order_by()
    }
    cash = budget.opening_cash + sums.get(("tunai", "in"), 0) - sums.get(("tunai", "out"), 0)
    bank = budget.opening_bank + sums.get(("bank", "in"), 0) - sums.get(("bank", "out"), 0)
    taxes = dict(
        Entry.objects.filter(budget=budget, account_code__startswith="7.")
        .values_list("direction")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    return {
        "cash": cash,
        "bank": bank,
        "total": cash + bank,
        "tax": (taxes.get("in", 0) or 0) - (taxes.get("out", 0) or 0),
    }


# --- LRA -----------------------------------------------------------------------------------------


@dataclass
class LraRow:
    code: str
    name: str
    level: int
    budget: int
    realised: int
    inflow: bool = False  # revenue (4) or financing receipts (6.1)

    @property
    def remaining(self) -> int:
        return self.budget - self.realised

    @property
    def difference(self) -> int:
        """Lebih/(kurang): revenue above its budget is more (realisation − budget); spending
        below its budget is a saving (budget − realisation). A negative figure is always a
        shortfall or an overspend."""
        return self.realised - self.budget if self.inflow else self.budget - self.realised

    @property
    def percent(self) -> int:
        return _pct(self.realised, self.budget)


@dataclass
class Lra:
    rows: list[LraRow]
    revenue: LraRow
    spending: LraRow
    financing_in: LraRow
    financing_out: LraRow
    # Cash held that is not LRA money, to reconcile the SiLPA with the closing cash: tax withheld
    # and not yet deposited (PFK, 7.x) and advances paid and not yet accounted for (as negative).
    cash_closing: int = 0
    tax_held: int = 0
    advances_out: int = 0

    @property
    def surplus_budget(self) -> int:
        return self.revenue.budget - self.spending.budget

    @property
    def surplus_realised(self) -> int:
        return self.revenue.realised - self.spending.realised

    @property
    def net_financing_budget(self) -> int:
        return self.financing_in.budget - self.financing_out.budget

    @property
    def net_financing_realised(self) -> int:
        return self.financing_in.realised - self.financing_out.realised

    @property
    def silpa_budget(self) -> int:
        return self.surplus_budget + self.net_financing_budget

    @property
    def silpa_realised(self) -> int:
        return self.surplus_realised + self.net_financing_realised

    @property
    def cash_reconciles(self) -> bool:
        return self.cash_closing == self.silpa_realised + self.tax_held - self.advances_out


def period_end(year: int, period: str) -> dt.date | None:
    return dt.date(year, 6, 30) if period == "s1" else None


def lra(
    *,
    budget: Budget,
    until: dt.date | None = None,
    group: str = "account",
    names: dict[str, str] | None = None,
) -> Lra:
    """Laporan Realisasi Anggaran: budget in force and realisation per account (levels 1–4, net
    financing 6.1 − 6.2), or per funding source, or per bidang. Realisation is every posting on
    4/5/6 accounts up to `until` (gross: taxes pass through PFK accounts), and the SiLPA carried
    in: the opening cash and bank are the realised financing receipt 6.1.1 (Permendagri 20/2018),
    at 1 January, so in every period."""
    names = names or chart.ACCOUNT_NAMES
    budget_by: dict[str, int] = defaultdict(int)
    real_by: dict[str, int] = defaultdict(int)
    lines = BudgetLine.objects.filter(budget=budget).values_list(
        "account_code", "funding_source", "activity__code", "amount", "revised_amount"
    )
    realised_q = Entry.objects.filter(budget=budget).filter(
        Q(account_code__startswith="4") | Q(account_code__startswith="5") | Q(account_code__startswith="6")
    )
    if until:
        realised_q = realised_q.filter(date__lte=until)
    # A plain SUM per direction (no join, no CASE): the sign is applied below in Python.
    act_codes = (
        dict(Activity.objects.filter(budget=budget).values_list("pk", "code")) if group == "bidang" else {}
    )
    real_rows: list[tuple[str, str, str | None, int]] = []
    for code, source, act_id, direction, total in (
        realised_q.values_list("account_code", "funding_source", "activity_id", "direction")
        .annotate(s=Sum("amount"))
        .order_by()
    ):
        outflow = code.startswith("5") or code.startswith("6.2")
        signed = (total or 0) if (direction == Entry.Direction.OUT) == outflow else -(total or 0)
        real_rows.append((code, source, act_codes.get(act_id), signed))
    opening = budget.opening_cash + budget.opening_bank
    if opening:
        silpa_line = (
            BudgetLine.objects.filter(budget=budget, account_code__startswith=SILPA_ACCOUNT)
            .values_list("account_code", "funding_source")
            .order_by("account_code", "id")
            .first()
        )
        code, source = silpa_line or (SILPA_ACCOUNT + ".01", "")
        real_rows.append((code, source, None, opening))

    def keys(code: str, source: str, activity_code: str | None) -> list[str]:
        if group == "source":
            return [code[0], f"{code[0]}|{source or '—'}"]
        if group == "bidang":
            return [code[0], f"{code[0]}|{(activity_code or '')[:2]}"] if code.startswith("5") else [code[0]]
        parts = code.split(".")
        out = [".".join(parts[: i + 1]) for i in range(len(parts))]
        if code.startswith("6.") and len(parts) > 1:
            out.insert(0, "6")
        return out[:4]

    # Financing receipts and expenditure whatever the grouping: the footer's SiLPA needs them.
    fin_budget: dict[str, int] = defaultdict(int)
    fin_real: dict[str, int] = defaultdict(int)
    for code, source, activity_code, amount, revised in lines:
        for k in keys(code, source, activity_code):
            budget_by[k] += amount if revised is None else revised
        if code.startswith("6."):
            fin_budget[code[:3]] += amount if revised is None else revised
    for code, source, entry_activity, s in real_rows:
        for k in keys(code, source, entry_activity):
            real_by[k] += s or 0
        if code.startswith("6."):
            fin_real[code[:3]] += s or 0
    sources = dict(chart.FUNDING_SOURCES)

    def label(k: str) -> tuple[str, str, int]:
        if "|" in k:
            top, sub = k.split("|")
            if group == "source":
                return sub, str(sources.get(sub, sub)), 2
            return sub, chart.bidang_name(sub) if sub else _("Tanpa kegiatan"), 2
        return k, names.get(k, chart.account_name(k)), chart.account_level(k)

    rows = []
    for k in sorted(
        set(budget_by) | set(real_by),
        key=lambda k: [int(p) if p.isdigit() else p for p in k.replace("|", ".").split(".")],
    ):
        if k == "6":
            continue
        code, name, level = label(k)
        head = k.split("|")[0]
        rows.append(
            LraRow(code, name, level, budget_by.get(k, 0), real_by.get(k, 0), head.startswith(("4", "6.1")))
        )

    def top(code: str) -> LraRow:
        financing = code.startswith("6.")
        return LraRow(
            code,
            names.get(code, chart.account_name(code)),
            chart.account_level(code),
            fin_budget[code] if financing else budget_by.get(code, 0),
            fin_real[code] if financing else real_by.get(code, 0),
            code.startswith(("4", "6.1")),
        )

    held = Entry.objects.filter(budget=budget).exclude(
        Q(account_code__startswith="4") | Q(account_code__startswith="5") | Q(account_code__startswith="6")
    )
    if until:
        held = held.filter(date__lte=until)
    # Transfers between cash and bank carry no account and cancel out; what else carries no
    # account is an advance paid out (or handed back).
    by_kind: dict[tuple[bool, str], int] = defaultdict(int)
    for tax, direction, total in (
        held.annotate(
            is_tax=Case(
                When(account_code__startswith="7", then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .values_list("is_tax", "direction")
        .annotate(s=Sum("amount"))
        .order_by()
    ):
        by_kind[(bool(tax), direction)] += total or 0
    report = Lra(rows, top("4"), top("5"), top("6.1"), top("6.2"))
    report.tax_held = by_kind[(True, "in")] - by_kind[(True, "out")]
    report.advances_out = by_kind[(False, "out")] - by_kind[(False, "in")]
    moved = Entry.objects.filter(budget=budget)
    if until:
        moved = moved.filter(date__lte=until)
    sums = dict(moved.values_list("direction").annotate(s=Sum("amount")).order_by())
    report.cash_closing = opening + (sums.get("in") or 0) - (sums.get("out") or 0)
    return report


# --- Transparency ---------------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    amount: int
    realised: int = 0
    share: int = 0  # of the largest bar, for the infographic's width

    @property
    def percent(self) -> int:
        return _pct(self.realised, self.amount)


@dataclass
class ApbdesSummary:
    year: int
    status: str
    rows: list[dict[str, Any]]  # what the kiosk home panel lists (label, amount)
    revenue: int
    spending: int
    financing: int
    revenue_realised: int
    spending_realised: int
    by_source: list[Bar]
    by_bidang: list[Bar]
    activities: list[Bar]
    dana_desa: Bar
    financing_in: int = 0
    financing_out: int = 0

    @property
    def financing_text(self) -> str:
        """The net financing as residents read it: "penerimaan Rp… − pengeluaran Rp… = Rp…",
        with a true minus sign."""
        return _("penerimaan Rp %(i)s − pengeluaran Rp %(o)s = Rp %(n)s") % {
            "i": _rp(self.financing_in),
            "o": _rp(self.financing_out),
            "n": signed_rp(self.financing),
        }

    @property
    def revenue_percent(self) -> int:
        return _pct(self.revenue_realised, self.revenue)

    @property
    def spending_percent(self) -> int:
        return _pct(self.spending_realised, self.spending)

    # Residents read "Rp -14.000.000" as a debt: a negative net financing is said as what it is.
    @property
    def financing_label(self) -> str:
        if self.financing < 0:
            return str(_("Pengeluaran pembiayaan (netto)"))
        return str(_("Penerimaan pembiayaan (netto)"))

    @property
    def financing_amount(self) -> int:
        return abs(self.financing)

    @property
    def financing_note(self) -> str:
        if self.financing < 0:
            return str(_("misalnya penyertaan modal BUMDes, dibayar dari sisa anggaran tahun lalu"))
        if self.financing > 0:
            return str(_("misalnya sisa anggaran tahun lalu (SiLPA) yang dipakai tahun ini"))
        return ""


def _scaled(bars: list[Bar]) -> list[Bar]:
    top = max((b.amount for b in bars), default=0)
    for b in bars:
        b.share = _pct(b.amount, top)
    return bars


def apbdes_summary(*, village: Village, year: int | None = None) -> ApbdesSummary | None:
    """The APBDes as residents see it (kiosk home, kiosk screen, public page): only a set
    APBDes, only aggregates (no payee names)."""
    budget = (
        Budget.objects.filter(village=village, year=year).first() if year else budget_current(village=village)
    )
    if budget is None or not budget.is_set:
        return None
    report = lra(budget=budget)
    by_source = lra(budget=budget, group="source")
    by_bidang = lra(budget=budget, group="bidang")
    sources = [
        Bar(r.name, r.budget, r.realised)
        for r in by_source.rows
        if r.level == 2 and r.code and by_source_is_revenue(r, by_source)
    ]
    bidang = [
        Bar(r.name, r.budget, r.realised)
        for r in by_bidang.rows
        if r.level == 2 and r.code and r in _children_of(by_bidang, "5")
    ]
    realised = realised_by_line(budget=budget)
    acts: dict[int, Bar] = {}
    for line in BudgetLine.objects.filter(budget=budget, activity__isnull=False).select_related("activity"):
        assert line.activity is not None
        bar = acts.setdefault(line.activity_id or 0, Bar(line.activity.name, 0, 0))
        bar.amount += line.in_force
        bar.realised += realised.get(line.pk, 0)
    dds_budget = dds_real = 0
    for line in BudgetLine.objects.filter(budget=budget, funding_source="DDS", account_code__startswith="5"):
        dds_budget += line.in_force
        dds_real += realised.get(line.pk, 0)
    financing = report.net_financing_budget
    return ApbdesSummary(
        year=budget.year,
        status=budget.get_status_display(),
        rows=[
            {"label": _("Pendapatan"), "amount": report.revenue.budget},
            {"label": _("Belanja"), "amount": report.spending.budget},
            {
                "label": _("Pembiayaan (penerimaan Rp %(i)s − pengeluaran Rp %(o)s)")
                % {"i": _rp(report.financing_in.budget), "o": _rp(report.financing_out.budget)},
                "amount": financing,
            },
            {"label": _("Realisasi belanja"), "amount": report.spending.realised},
        ],
        revenue=report.revenue.budget,
        spending=report.spending.budget,
        financing=financing,
        revenue_realised=report.revenue.realised,
        spending_realised=report.spending.realised,
        by_source=_scaled(sources),
        by_bidang=_scaled(bidang),
        activities=_scaled(sorted(acts.values(), key=lambda b: -b.amount)),
        dana_desa=Bar(_("Dana Desa untuk belanja"), dds_budget, dds_real, 100),
        financing_in=report.financing_in.budget,
        financing_out=report.financing_out.budget,
    )


def apbdes_spending(*, village: Village) -> tuple[int, int, int] | None:
    """(year, spending realised, percent of the budget) of the current set APBDes, from the
    same LRA as `apbdes_summary` (so the public page's line and the infographic agree)."""
    budget = budget_current(village=village)
    if budget is None or not budget.is_set:
        return None
    spending = lra(budget=budget).spending
    return budget.year, spending.realised, _pct(spending.realised, spending.budget)


def _children_of(report: Lra, top: str) -> list[LraRow]:
    # Rows come sorted with each group's children right after its top row.
    out: list[LraRow] = []
    inside = False
    for r in report.rows:
        if r.level == 1:
            inside = r.code == top
            continue
        if inside:
            out.append(r)
    return out


def by_source_is_revenue(row: LraRow, report: Lra) -> bool:
    return row in _children_of(report, "4")


# --- Regional -------------------------------------------------------------------------------------


@dataclass
class VillageRealisation:
    village: Village
    status: str
    revenue: int
    spending: int
    revenue_realised: int
    spending_realised: int
    behind: bool
    # Switched on after its APBDes was due and none recorded yet: its year still lives in
    # Siskeudes, so it is not late in Balai, it has not started.
    not_started: bool = False

    @property
    def behind_label(self) -> str:
        if self.not_started:
            return _("belum mulai")
        return _("terlambat") if self.behind else ""

    @property
    def spending_percent(self) -> int:
        return _pct(self.spending_realised, self.spending)

    @property
    def revenue_percent(self) -> int:
        return _pct(self.revenue_realised, self.revenue)


def expected_percent(year: int, today: dt.date) -> int:
    """Share of the year elapsed: the pace spending is compared with."""
    if today.year > year:
        return 100
    if today.year < year:
        return 0
    return round(today.timetuple().tm_yday * 100 / 365)


# Days a village switched on after its APBDes was due has to bring its APBDes into Balai
# (usually the Siskeudes import) before it counts as late.
START_GRACE_DAYS = 60


def regional_realisation(
    *, villages: QuerySet[Village], year: int, today: dt.date | None = None
) -> list[VillageRealisation]:
    """Realisation per village in two grouped queries (budget lines, ledger entries), whatever
    the number of villages. A village is behind schedule without a set APBDes, or when its
    spending realisation is under half the share of the year elapsed; one switched on after
    the APBDes was due (31 December of the year before), with no APBDes yet and within
    `START_GRACE_DAYS`, has not started."""
    today = today or timezone.localdate()
    pace = expected_percent(year, today)
    village_list_ = list(villages.order_by("district_code", "name"))
    ids = [v.pk for v in village_list_]
    status = dict(Budget.objects.filter(village_id__in=ids, year=year).values_list("village_id", "status"))
    budgets: dict[tuple[int, str], int] = defaultdict(int)
    for vid, top, s in (
        BudgetLine.objects.filter(budget__year=year, village_id__in=ids)
        .annotate(
            top=Case(
                When(account_code__startswith="4", then=Value("4")),
                When(account_code__startswith="5", then=Value("5")),
                default=Value("6"),
            )
        )
        .values_list("village_id", "top")
        .annotate(
            s=Sum(Case(When(revised_amount__isnull=True, then=F("amount")), default=F("revised_amount")))
        )
        .order_by()
    ):
        budgets[(vid, top)] += s or 0
    real: dict[tuple[int, str], int] = defaultdict(int)
    for vid, top, s in (
        Entry.objects.filter(budget__year=year, village_id__in=ids)
        .filter(Q(account_code__startswith="4") | Q(account_code__startswith="5"))
        .annotate(top=Case(When(account_code__startswith="4", then=Value("4")), default=Value("5")))
        .values_list("village_id", "top")
        .annotate(s=Sum(_signed_realised()))
        .order_by()
    ):
        real[(vid, top)] += s or 0
    out = []
    labels = dict(Budget.Status.choices)
    for v in village_list_:
        st = status.get(v.pk)
        row = VillageRealisation(
            village=v,
            status=str(labels.get(st, _("Belum ada APBDes"))) if st else _("Belum ada APBDes"),
            revenue=budgets[(v.pk, "4")],
            spending=budgets[(v.pk, "5")],
            revenue_realised=real[(v.pk, "4")],
            spending_realised=real[(v.pk, "5")],
            behind=False,
        )
        switched_on = timezone.localdate(v.created_at) if v.created_at else None
        if (
            st is None
            and switched_on is not None
            and switched_on > dt.date(year - 1, 12, 31)
            and (today - switched_on).days < START_GRACE_DAYS
        ):
            row.not_started = True
            row.status = _("Belum mulai memakai Balai")
            out.append(row)
            continue
        row.behind = st not in (Budget.Status.SET, Budget.Status.REVISED) or row.spending_percent * 2 < pace
        out.append(row)
    return out


def next_spp_number(*, village: Village, budget: Budget) -> str:
    """The next free SPP number of the village-year (`0001/SPP/<village>/<year>`): after the
    highest number in the SPP register (one series for every kind: LS, UM, PBY) and every
    `…/SPP/…` number the ledger already uses (an SPP paid before the register, or imported)."""
    import re

    register = set(
        PaymentRequest.objects.filter(village=village, budget=budget).values_list("number", flat=True)
    )
    ledger = set(
        Entry.objects.filter(village=village, budget=budget, number__contains="/SPP/").values_list(
            "number", flat=True
        )
    )
    used = register | ledger
    top = max(
        [int(m.group(1)) for n in register if (m := re.match(r"(\d+)/", n))]
        + [int(m.group(1)) for n in ledger if (m := re.match(r"(\d+)/SPP/", n))],
        default=0,
    )
    while True:
        top += 1
        candidate = f"{top:04d}/SPP/{village.code_digits[-6:]}/{budget.year}"
        if candidate not in used:
            return candidate


def next_spj_number(*, village: Village, budget: Budget) -> str:
    """The next free SPJ number of the village-year (`0001/SPJ/<village>/<year>`), after the
    highest SPJ of that year's advances."""
    import re

    from balai.finance.models import AdvanceSettlement

    used = set(
        AdvanceSettlement.objects.filter(village=village, payment_request__budget=budget).values_list(
            "number", flat=True
        )
    )
    top = max((int(m.group(1)) for n in used if (m := re.match(r"(\d+)/", n))), default=0)
    while True:
        top += 1
        candidate = f"{top:04d}/SPJ/{village.code_digits[-6:]}/{budget.year}"
        if candidate not in used:
            return candidate


def remaining_by_line(*, budget: Budget) -> dict[int, int]:
    """What each line may still spend: budget in force − realised − SPPs raised and not yet
    paid − advances not yet accounted for (the same rule as the SPP check, for every line at once)."""
    realised = realised_by_line(budget=budget)
    held = dict(
        PaymentRequest.objects.filter(budget=budget)
        .filter(
            ~Q(status__in=[PaymentRequest.Status.PAID, PaymentRequest.Status.REJECTED])
            | Q(kind=PaymentRequest.Kind.UM, status=PaymentRequest.Status.PAID, settlement__isnull=True)
        )
        .values_list("budget_line_id")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    return {
        line.pk: line.in_force - (realised.get(line.pk) or 0) - (held.get(line.pk) or 0)
        for line in BudgetLine.objects.filter(budget=budget)
    }
