"""Advances (panjar) and their accountability (SPJ), deposits of cash receipts to the bank
(STS), and the two subsidiary books built on them: Buku Pembantu Panjar and Buku Pembantu
Kegiatan (Permendagri 20/2018).

How an advance runs through the ledger:
- paying an SPP UM posts `panjar` (money out to the executor, no account: not yet spending);
- its SPJ posts the advance back in (`spj`, no account) and the spending actually made out on
  the RAB line (realisation), plus any tax the executor withheld in on its PFK account. The
  net effect on cash is the remainder returned (advance − spent) or, when the executor spent
  more, the additional payment (spent − advance), which must be confirmed and fit the budget.
- one SPJ per advance; then the advance is closed (its hold on the line's budget is released).

An STS moves chosen cash receipts (TBP) to the bank: cash out, bank in, each receipt once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core.errors import ApplicationError
from balai.finance import rules, services
from balai.finance.models import (
    Activity,
    AdvanceSettlement,
    Budget,
    BudgetLine,
    DepositSlip,
    DepositSlipItem,
    Entry,
    Medium,
    PaymentRequest,
    Source,
    Tax,
)
from balai.regions.models import Village

if TYPE_CHECKING:
    from balai.accounts.models import User


# --- SPJ of an advance ------------------------------------------------------------------------


@transaction.atomic
def advance_settle(
    *,
    actor: User | None,
    village: Village,
    spp: PaymentRequest,
    number: str,
    date: dt.date,
    spent: object,
    description: str = "",
    extra_confirmed: bool = False,
    taxes: Iterable[services.TaxInput] = (),
) -> AdvanceSettlement:
    """Record the SPJ of a paid advance and close it. Refused for an SPP that is not a paid UM,
    a second SPJ, a date before the advance was paid or in a closed period, a duplicate
    number, spending over the advance without `extra_confirmed`, or over the line's budget."""
    services._allow(actor, "finance.pay")
    services._own(village, spp)
    budget = services._lock_for_posting(spp.budget, date)
    spp = PaymentRequest.objects.select_for_update().get(pk=spp.pk)
    if spp.kind != PaymentRequest.Kind.UM:
        raise ApplicationError(_("SPJ panjar hanya untuk SPP UM (panjar)."))
    if spp.status != PaymentRequest.Status.PAID:
        raise ApplicationError(_("Panjar belum dibayar; SPJ dicatat setelah panjar diberikan."))
    if spp.source == Source.SISKEUDES:
        # The import owns it: a re-import replaces the advance, and would lose an SPJ made here.
        raise ApplicationError(
            _("Panjar %(n)s diimpor dari Siskeudes: catat SPJ-nya di Siskeudes, lalu impor ulang.")
            % {"n": spp.number}
        )
    if AdvanceSettlement.objects.filter(payment_request=spp).exists():
        raise ApplicationError(_("Panjar %(n)s sudah dipertanggungjawabkan (SPJ).") % {"n": spp.number})
    if spp.paid_on and date < spp.paid_on:
        raise ValidationError({"date": _("Tanggal SPJ tidak boleh sebelum panjar dibayar.")})
    number = services._number(number)
    if AdvanceSettlement.objects.filter(payment_request__budget=budget, number=number).exists():
        raise ValidationError({"number": _("Nomor SPJ %(n)s sudah dipakai.") % {"n": number}})
    value = rules.rupiah(spent, field="spent", label=_("Belanja sesuai bukti"), allow_zero=True)
    line = BudgetLine.objects.get(pk=spp.budget_line_id)
    returned, extra = max(spp.amount - value, 0), max(value - spp.amount, 0)
    if extra and not extra_confirmed:
        raise ValidationError(
            {
                "spent": _(
                    "Belanja Rp%(s)s melebihi panjar Rp%(a)s. Centang 'bayar kekurangan' untuk "
                    "membayar kekurangan Rp%(e)s, atau perbaiki jumlahnya."
                )
                % {"s": services._fmt(value), "a": services._fmt(spp.amount), "e": services._fmt(extra)}
            }
        )
    room = services._remaining(line, exclude_spp=spp)
    if value > room:
        raise ValidationError(
            {
                "spent": _(
                    "Belanja melebihi sisa anggaran rincian ini (Rp%(r)s). Ajukan APBDes Perubahan dahulu."
                )
                % {"r": services._fmt(max(room, 0))}
            }
        )
    taxes = list(taxes)
    if taxes and not value:
        raise ValidationError({"spent": _("Tidak ada belanja yang dipungut pajaknya (belanja Rp0).")})
    clean_taxes = services._clean_taxes(taxes, value, gross_label=_("belanja SPJ")) if value else []
    if extra and extra > services._balance(budget, spp.medium):
        raise ApplicationError(
            _("Saldo %(m)s tidak cukup untuk membayar kekurangan.") % {"m": spp.get_medium_display().lower()}
        )
    settlement = AdvanceSettlement.objects.create(
        village=village,
        payment_request=spp,
        number=number,
        date=date,
        spent=value,
        returned=returned,
        extra=extra,
        description=" ".join(str(description or "").split())[:255],
        recorded_by=actor,
    )
    common: dict[str, Any] = {
        "village": village,
        "budget": budget,
        "date": date,
        "number": number,
        "medium": spp.medium,
        "payment_request": spp,
        "activity_id": line.activity_id,
        "posted_by": actor,
    }
    Entry.objects.create(
        **common,
        kind=Entry.Kind.ADVANCE_SPJ,
        direction=Entry.Direction.IN,
        funding_source=line.funding_source,
        amount=spp.amount,
        description=(_("SPJ panjar %(n)s") % {"n": spp.number})[:255],
    )
    if value:
        Entry.objects.create(
            **common,
            kind=Entry.Kind.PAYMENT,
            direction=Entry.Direction.OUT,
            account_code=line.account_code,
            budget_line=line,
            funding_source=line.funding_source,
            amount=value,
            description=(settlement.description or f"{spp.description} (SPJ {spp.number})")[:255],
        )
    for kind, base, amount, code in clean_taxes:
        tax = Tax.objects.create(
            village=village,
            payment_request=spp,
            settlement=settlement,
            kind=kind,
            base=base,
            amount=amount,
            billing_code=code,
        )
        rule = rules.TAXES[kind]
        Entry.objects.create(
            **common,
            kind=Entry.Kind.TAX_WITHHELD,
            direction=Entry.Direction.IN,
            account_code=rule.account_code,
            amount=amount,
            tax=tax,
            description=_("%(t)s dipungut atas SPJ %(n)s") % {"t": rule.label, "n": number},
        )
    services._audit(
        actor,
        village,
        "spj.record",
        settlement,
        {
            "spp": spp.number,
            "advance": spp.amount,
            "spent": value,
            "returned": returned,
            "extra": extra,
            "taxes": {k: a for k, _b, a, _c in clean_taxes},
        },
    )
    return settlement


# --- STS --------------------------------------------------------------------------------------


def undeposited_receipts(*, village: Village, budget: Budget) -> list[Entry]:
    """Cash receipts (TBP) of the year not yet on an STS nor reversed."""
    return list(
        Entry.objects.filter(
            village=village,
            budget=budget,
            kind=Entry.Kind.RECEIPT,
            medium=Medium.CASH,
            deposit_item__isnull=True,
            reversed_by__isnull=True,
        ).order_by("date", "id")
    )


@transaction.atomic
def deposit_slip_create(
    *,
    actor: User | None,
    village: Village,
    budget: Budget,
    number: str,
    date: dt.date,
    receipts: Sequence[Entry],
    bank_reference: str = "",
) -> DepositSlip:
    """Deposit cash receipts into the village bank account with an STS."""
    services._allow(actor, "finance.pay")
    services._own(village, budget, *receipts)
    budget = services._lock_for_posting(budget, date)
    number = services._number(number)
    if DepositSlip.objects.filter(budget=budget, number=number).exists():
        raise ValidationError({"number": _("Nomor STS %(n)s sudah dipakai.") % {"n": number}})
    if not receipts:
        raise ValidationError({"receipts": _("Pilih paling sedikit satu penerimaan tunai yang disetor.")})
    rows = list(
        Entry.objects.select_for_update().filter(pk__in=[r.pk for r in receipts]).order_by("date", "id")
    )
    for r in rows:
        label = r.number
        if r.budget_id != budget.pk or r.kind != Entry.Kind.RECEIPT:
            raise ValidationError({"receipts": _("%(n)s bukan penerimaan (TBP) tahun ini.") % {"n": label}})
        if r.medium != Medium.CASH:
            raise ValidationError(
                {"receipts": _("Penerimaan %(n)s sudah masuk bank, bukan tunai.") % {"n": label}}
            )
        if DepositSlipItem.objects.filter(receipt=r).exists():
            raise ValidationError(
                {"receipts": _("Penerimaan %(n)s sudah disetor dengan STS lain.") % {"n": label}}
            )
        if Entry.objects.filter(reverses=r).exists():
            raise ValidationError({"receipts": _("Penerimaan %(n)s sudah dikoreksi.") % {"n": label}})
        if r.date > date:
            raise ValidationError({"date": _("Tanggal STS sebelum tanggal penerimaan %(n)s.") % {"n": label}})
    total = sum(r.amount for r in rows)
    if total > services._balance(budget, Medium.CASH):
        raise ApplicationError(_("Saldo kas tunai tidak cukup untuk setoran ini."))
    reference = " ".join(str(bank_reference or "").split())[:40]
    slip = DepositSlip.objects.create(
        village=village,
        budget=budget,
        number=number,
        date=date,
        amount=total,
        bank_reference=reference,
        recorded_by=actor,
    )
    try:
        DepositSlipItem.objects.bulk_create(
            [DepositSlipItem(village=village, slip=slip, receipt=r, amount=r.amount) for r in rows]
        )
    except IntegrityError:  # a concurrent STS took one of them first
        raise ValidationError(
            {"receipts": _("Sebagian penerimaan baru saja disetor dengan STS lain.")}
        ) from None
    label = _("Setoran penerimaan ke rekening kas desa (STS %(n)s)") % {"n": number}
    for direction, medium in ((Entry.Direction.OUT, Medium.CASH), (Entry.Direction.IN, Medium.BANK)):
        Entry.objects.create(
            village=village,
            budget=budget,
            date=date,
            number=number,
            kind=Entry.Kind.DEPOSIT,
            direction=direction,
            medium=medium,
            amount=total,
            description=label[:255],
            posted_by=actor,
        )
    services._audit(
        actor,
        village,
        "sts.record",
        slip,
        {"number": number, "amount": total, "receipts": [r.number for r in rows]},
    )
    return slip


def deposit_slip_list(*, village: Village, budget: Budget) -> Any:
    return DepositSlip.objects.filter(village=village, budget=budget).prefetch_related("items__receipt")


def deposit_slip_get(*, village: Village, public_id: str) -> DepositSlip:
    return DepositSlip.objects.select_related("budget").get(village=village, public_id=public_id)


# --- Subsidiary books ------------------------------------------------------------------------------


@dataclass
class SubRow:
    date: dt.date
    number: str
    description: str
    columns: dict[str, int] = field(default_factory=dict)
    balance: int = 0
    account_code: str = ""
    cells: list[int] = field(default_factory=list)  # the columns' values in the book's order
    # Set by `format_rows` for the rows a page shows.
    date_text: str = ""
    texts: list[str] = field(default_factory=list)
    balance_text: str = ""


@dataclass
class SubBook:
    title: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[SubRow]
    totals: dict[str, int]
    closing: int
    subtitle: str = ""

    def __post_init__(self) -> None:
        for row in self.rows:
            row.cells = [row.columns.get(k, 0) for k, _label in self.columns]

    @property
    def total_cells(self) -> list[int]:
        return [self.totals.get(k, 0) for k, _label in self.columns]


def _advances(village: Village, budget: Budget) -> list[PaymentRequest]:
    return list(
        PaymentRequest.objects.filter(
            village=village, budget=budget, kind=PaymentRequest.Kind.UM, status=PaymentRequest.Status.PAID
        )
        .select_related("budget_line__activity")
        .order_by("paid_on", "id")
    )


@dataclass
class AdvanceState:
    spp: PaymentRequest
    settlement: AdvanceSettlement | None

    @property
    def outstanding(self) -> int:
        return 0 if self.settlement else self.spp.amount


def advance_list(*, village: Village, budget: Budget) -> list[AdvanceState]:
    settled = {
        s.payment_request_id: s for s in AdvanceSettlement.objects.filter(payment_request__budget=budget)
    }
    return [AdvanceState(s, settled.get(s.pk)) for s in _advances(village, budget)]


def _holder_posts(village: Village, resident_ids: set[int]) -> dict[int, str]:
    """The current post in the staff records of each advance holder who is an official: the
    activity's executor field names a post, not the person the money went to."""
    from balai.staff.models import Official

    posts: dict[int, str] = {}
    officials = (
        Official.objects.filter(village=village, resident_id__in=resident_ids, is_active=True)
        .select_related("profile__post", "profile__acting_post")
        .order_by("order", "pk")
    )
    for o in officials:
        profile = getattr(o, "profile", None)
        if profile is not None and profile.post is not None:
            title = profile.post.title
        elif profile is not None and profile.acting_post is not None:
            acting = {"plt": "Plt.", "pj": "Pj."}.get(profile.acting, "")
            title = f"{acting} {profile.acting_post.title}".strip()
        else:
            title = o.position
        posts.setdefault(o.resident_id or 0, title)
    return posts


def advance_book(*, village: Village, budget: Budget) -> SubBook:
    """Buku Pembantu Panjar: each advance given, its SPJ and the remainder returned, with the
    outstanding balance of advances running down to zero when every advance is accounted for."""
    events: list[tuple[dt.date, int, SubRow]] = []
    states = advance_list(village=village, budget=budget)
    posts = _holder_posts(village, {s.spp.payee_resident_id for s in states if s.spp.payee_resident_id})
    for state in states:
        spp, spj = state.spp, state.settlement
        who = posts.get(spp.payee_resident_id or 0, "")
        events.append(
            (
                spp.paid_on or spp.date,
                spp.pk * 3,
                SubRow(
                    spp.paid_on or spp.date,
                    spp.number,
                    _("Panjar kepada %(p)s: %(d)s")
                    % {
                        "p": f"{spp.payee} ({who})" if who and spp.payee else (spp.payee or who),
                        "d": spp.description,
                    },
                    {"given": spp.amount},
                ),
            )
        )
        if spj is not None:
            accounted = min(spj.spent, spp.amount)
            text = _("SPJ atas panjar %(n)s") % {"n": spp.number}
            if spj.extra:
                text += " " + _("(kekurangan Rp%(e)s dibayar)") % {"e": services._fmt(spj.extra)}
            events.append((spj.date, spp.pk * 3 + 1, SubRow(spj.date, spj.number, text, {"spj": accounted})))
            if spj.returned:
                events.append(
                    (
                        spj.date,
                        spp.pk * 3 + 2,
                        SubRow(
                            spj.date, spj.number, _("Pengembalian sisa panjar"), {"returned": spj.returned}
                        ),
                    )
                )
    events.sort(key=lambda e: (e[0], e[1]))
    balance, totals = 0, {"given": 0, "spj": 0, "returned": 0}
    rows = []
    for _d, _k, row in events:
        for key in totals:
            totals[key] += row.columns.get(key, 0)
        balance += row.columns.get("given", 0) - row.columns.get("spj", 0) - row.columns.get("returned", 0)
        row.balance = balance
        rows.append(row)
    return SubBook(
        title=_("Buku Pembantu Panjar"),
        columns=[
            ("given", _("Pemberian panjar")),
            ("spj", _("Pertanggungjawaban (SPJ)")),
            ("returned", _("Pengembalian sisa")),
        ],
        rows=rows,
        totals=totals,
        closing=balance,
    )


# The rows of one activity's book: each entry that makes a row, with what it adds to the three
# columns computed by the database. Plain SQL, two statements per page (the ORM took
# longer to build these CASE expressions than the database to run them, and one statement
# with window functions for the running balance sorted every column of every row). Only an LS
# payment can be reversed by hand (`services.entry_reverse` refuses advances, SPJs and entries
# of an SPP UM), so a reversal here is the opposite of an LS payment.
_BOOK_CTE = """
WITH book AS (
    SELECT e.id, e.{date} AS day, CASE WHEN e.kind = {spj_kind} THEN 1 ELSE 0 END AS spj_last,
        e.number, e.description, e.account_code, e.kind, pr.number AS spp_number,
        CASE
            WHEN e.kind = {advance} THEN e.amount
            WHEN e.kind = {spj_kind} THEN COALESCE(s.extra, 0)
            WHEN e.kind = {payment} AND pr.kind = {um} THEN 0
            WHEN e.kind = {payment} THEN e.amount
            WHEN e.kind = {reversal} THEN -e.amount
            ELSE 0
        END AS received,
        CASE WHEN e.kind = {payment} THEN e.amount WHEN e.kind = {reversal} THEN -e.amount ELSE 0 END AS spent,
        CASE WHEN e.kind = {spj_kind} THEN COALESCE(s.returned, 0) ELSE 0 END AS returned
    FROM {entry} e
    LEFT JOIN {spp} pr ON pr.id = e.payment_request_id
    LEFT JOIN {spj} s ON s.payment_request_id = e.payment_request_id
    LEFT JOIN {entry} r ON r.id = e.reverses_id
    WHERE e.village_id = %s AND e.budget_id = %s AND e.activity_id = %s
        AND (e.kind IN ({advance}, {payment})
             OR (e.kind = {spj_kind} AND (s.extra > 0 OR s.returned > 0))
             OR (e.kind = {reversal} AND r.kind = {payment}))
)
"""
# As the book reads: by date, an SPJ's return after that day's spending, then as posted.
_ORDER = " ORDER BY day, spj_last, id"
_SHOWN = (
    "SELECT day, number, description, account_code, kind, spp_number, received, spent, returned FROM book"
)


def _cte() -> str:
    quote = connection.ops.quote_name
    # The kinds are the models' own constant values (never input), written in as literals.
    return _BOOK_CTE.format(
        date=quote("date"),
        entry=quote(Entry._meta.db_table),
        spp=quote(PaymentRequest._meta.db_table),
        spj=quote(AdvanceSettlement._meta.db_table),
        advance=f"'{Entry.Kind.ADVANCE.value}'",
        spj_kind=f"'{Entry.Kind.ADVANCE_SPJ.value}'",
        payment=f"'{Entry.Kind.PAYMENT.value}'",
        reversal=f"'{Entry.Kind.REVERSAL.value}'",
        um=f"'{PaymentRequest.Kind.UM.value}'",
    )


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _activity_rows(found: Iterable[tuple[Any, ...]], balance: int) -> list[SubRow]:
    rows = []
    for day, number, text, account, kind, spp_number, received, spent, returned in found:
        if kind == Entry.Kind.ADVANCE_SPJ:
            label = _("Pengembalian sisa panjar %(n)s") if returned else _("Kekurangan panjar %(n)s dibayar")
            text = label % {"n": spp_number or ""}
        if isinstance(day, str):  # SQLite gives a CTE's date column as text
            day = dt.date.fromisoformat(day)
        cols = {k: int(v) for k, v in (("received", received), ("spent", spent), ("returned", returned)) if v}
        balance += cols.get("received", 0) - cols.get("spent", 0) - cols.get("returned", 0)
        rows.append(SubRow(day, number, text, cols, balance, account))
    return rows


def _activity_subbook(activity: Activity, rows: list[SubRow], totals: dict[str, int]) -> SubBook:
    return SubBook(
        title=_("Buku Pembantu Kegiatan"),
        subtitle=f"{activity.code} {activity.name}"
        + (f" · {_('Pelaksana')}: {activity.executor}" if activity.executor else ""),
        columns=[
            ("received", _("Penerimaan dari Bendahara")),
            ("spent", _("Belanja")),
            ("returned", _("Pengembalian ke Bendahara")),
        ],
        rows=rows,
        totals=totals,
        closing=totals["received"] - totals["spent"] - totals["returned"],
    )


def activity_book(*, village: Village, budget: Budget, activity: Activity) -> SubBook:
    """Buku Pembantu Kegiatan of one activity, every row (for the XLSX and PDF): money the
    executor received from the treasurer (advances, additional payments, LS payments made on
    the activity's behalf), spending by account, and remainders returned, with the executor's
    running balance."""
    services._own(village, activity)
    rows = _activity_rows(_fetch(_cte() + _SHOWN + _ORDER, [village.pk, budget.pk, activity.pk]), 0)
    totals = {k: sum(r.columns.get(k, 0) for r in rows) for k in ("received", "spent", "returned")}
    return _activity_subbook(activity, rows, totals)


@dataclass
class BookPaging:
    rows: list[SubRow]
    page: int
    pages: int
    carried: int | None


def activity_book_page(
    *, village: Village, budget: Budget, activity: Activity, page: int = 1, per_page: int = 100
) -> tuple[SubBook, BookPaging]:
    """One page of the Buku Pembantu Kegiatan in one statement: the book's count and totals,
    and the page's rows with the balance carried into the page (the sum over the rows before
    it, a window over the book), read and formatted alone; so any page of a busy activity
    costs the same. A page past the end is the last page (a second statement).

    Two statements (the totals and carried balance, then the rows) each built the book of a
    busy activity again: on PostgreSQL ~10 ms each for 5,000 entries."""
    services._own(village, activity)
    key = [village.pk, budget.pk, activity.pk]
    sql = (
        _cte().rstrip()
        + """, ordered AS (
    SELECT day, number, description, account_code, kind, spp_number, received, spent, returned,
        ROW_NUMBER() OVER w AS rn,
        SUM(received - spent - returned) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prior
    FROM book WINDOW w AS ("""
        + _ORDER.strip()
        + """)
), totals AS (SELECT COUNT(*) AS n, SUM(received) AS r, SUM(spent) AS s, SUM(returned) AS t FROM book)
SELECT totals.n, totals.r, totals.s, totals.t, o.prior,
    o.day, o.number, o.description, o.account_code, o.kind, o.spp_number, o.received, o.spent, o.returned
FROM totals LEFT JOIN ordered o ON o.rn > %s AND o.rn <= %s
ORDER BY o.rn"""
    )

    def read(n: int) -> list[tuple[Any, ...]]:
        return _fetch(sql, [*key, (n - 1) * per_page, n * per_page])

    page = max(1, page)
    found = read(page)
    count = int(found[0][0])
    pages = max(1, -(-count // per_page))
    if page > pages:  # past the end: the last page
        page = pages
        found = read(page)
    _count, received, spent, returned, prior = found[0][:5]
    totals = {"received": int(received or 0), "spent": int(spent or 0), "returned": int(returned or 0)}
    carried = int(prior or 0) if page > 1 else None
    shown = [row[5:] for row in found if row[5] is not None]
    rows = _activity_rows(shown, carried or 0)
    book = _activity_subbook(activity, [], totals)
    format_rows(rows, book.columns)
    return book, BookPaging(rows, page, pages, carried)


def format_rows(rows: list[SubRow], columns: list[tuple[str, str]]) -> None:
    """Date and amounts as text, once for the rows a page shows (template filters per cell
    cost more than the queries)."""
    for row in rows:
        row.cells = [row.columns.get(k, 0) for k, _label in columns]
        row.date_text = row.date.strftime("%d-%m-%Y")
        row.texts = [services._fmt(v) if v else "" for v in row.cells]
        row.balance_text = services._fmt(row.balance)


def activity_list(*, village: Village, budget: Budget) -> Any:
    return Activity.objects.filter(village=village, budget=budget).order_by("code")


def today_in(budget: Budget) -> dt.date:
    today = timezone.localdate()
    return max(dt.date(budget.year, 1, 1), min(today, dt.date(budget.year, 12, 31)))
