"""Writes of village finance: the APBDes (draft → set → revised), SPP steps, receipts, taxes,
transfers, reversals and closing. Every posting goes through `_post`, which holds the budget's
row lock, so concurrent postings are serialised and the balance checks see every earlier one.

Refusals: `ValidationError` naming the field for bad input, `ApplicationError` for a step the
books refuse (over budget, before the APBDes is set, into a closed period), `NotAllowed` for a
role that may not take the step.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.accounts.scope import user_can
from balai.core.errors import ApplicationError, NotAllowed
from balai.finance import chart, rules
from balai.finance.guards import _allow, _audit, _own
from balai.finance.models import (
    Account,
    Activity,
    Budget,
    BudgetLine,
    Entry,
    Medium,
    PaymentRequest,
    Source,
    Tax,
)
from balai.regions.models import Village

if TYPE_CHECKING:
    from balai.accounts.models import User
    from balai.finance.models import Vendor
    from balai.people.models import Resident

ACTIVITY_CODE = re.compile(r"^0[1-5]\.\d{2}\.\d{2}$")
NUMBER_MAX = 60


def _number(value: str, field: str = "number") -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise ValidationError({field: _("Nomor bukti wajib diisi.")})
    if len(text) > NUMBER_MAX:
        raise ValidationError({field: _("Nomor bukti paling panjang %(n)d karakter.") % {"n": NUMBER_MAX}})
    return text


# --- Chart of accounts -------------------------------------------------------------------------


def chart_ensure(*, year: int, regency_code: str = "") -> int:
    """Seed the year's chart and return the number of accounts it has. The national chart
    (`regency_code` "") comes from the newest earlier year, else from `chart.ACCOUNTS`; a
    regency's chart from its own newest earlier year, else from the national chart of the year
    (so a regency's edits carry over to its next year, and the seed stays as published)."""
    existing = Account.objects.filter(year=year, regency_code=regency_code).count()
    if existing:
        return existing
    earlier = (
        Account.objects.filter(year__lt=year, regency_code=regency_code)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    rows: list[tuple[str, str, bool]]
    if earlier is not None:
        rows = list(
            Account.objects.filter(year=earlier, regency_code=regency_code).values_list(
                "code", "name", "is_active"
            )
        )
    elif regency_code:
        chart_ensure(year=year)
        rows = list(
            Account.objects.filter(year=year, regency_code="").values_list("code", "name", "is_active")
        )
    else:
        rows = [(c, n, True) for c, n in chart.ACCOUNTS]
    Account.objects.bulk_create(
        [
            Account(
                regency_code=regency_code,
                year=year,
                code=c,
                name=n,
                level=chart.account_level(c),
                is_active=active,
            )
            for c, n, active in rows
        ],
        ignore_conflicts=True,
    )
    return len(rows)


def account_names(*, year: int, regency_code: str = "") -> dict[str, str]:
    chart_ensure(year=year, regency_code=regency_code)
    return dict(Account.objects.filter(year=year, regency_code=regency_code).values_list("code", "name"))


def account_codes_active(*, year: int, regency_code: str = "") -> set[str]:
    chart_ensure(year=year, regency_code=regency_code)
    return set(
        Account.objects.filter(year=year, regency_code=regency_code, is_active=True).values_list(
            "code", flat=True
        )
    )


# --- APBDes --------------------------------------------------------------------------------------


@transaction.atomic
def budget_create(
    *, actor: User | None, village: Village, year: int, opening_cash: int = 0, opening_bank: int = 0
) -> Budget:
    _allow(actor, "finance.budget")
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Tahun anggaran tidak wajar.")})
    if Budget.objects.filter(village=village, year=year).exists():
        raise ValidationError({"year": _("APBDes tahun %(y)s sudah ada.") % {"y": year}})
    chart_ensure(year=year, regency_code=village.regency_code)
    budget = Budget.objects.create(
        village=village,
        year=year,
        opening_cash=rules.rupiah(opening_cash, field="opening_cash", allow_zero=True),
        opening_bank=rules.rupiah(opening_bank, field="opening_bank", allow_zero=True),
    )
    _audit(actor, village, "budget.create", budget, {"year": year})
    return budget


def _editable(budget: Budget) -> None:
    if budget.is_set and not budget.revising:
        raise ApplicationError(
            _("APBDes %(y)s sudah ditetapkan; ubah anggaran melalui APBDes Perubahan.") % {"y": budget.year}
        )


@transaction.atomic
def activity_create(
    *,
    actor: User | None,
    village: Village,
    budget: Budget,
    code: str,
    name: str,
    executor: str = "",
    location: str = "",
    output: str = "",
    source: str = Source.BALAI,
) -> Activity:
    _allow(actor, "finance.budget")
    _own(village, budget)
    _editable(budget)
    code = str(code or "").strip().rstrip(".")
    if not ACTIVITY_CODE.match(code):
        raise ValidationError(
            {"code": _("Kode kegiatan berbentuk bidang.sub-bidang.kegiatan, contoh 02.03.01 (bidang 01–05).")}
        )
    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationError({"name": _("Nama kegiatan wajib diisi.")})
    if Activity.objects.filter(budget=budget, code=code).exists():
        raise ValidationError({"code": _("Kegiatan %(c)s sudah ada di APBDes ini.") % {"c": code}})
    activity = Activity.objects.create(
        village=village,
        budget=budget,
        code=code,
        name=name[:255],
        executor=str(executor or "")[:120],
        location=str(location or "")[:160],
        output=str(output or "")[:200],
        source=source,
    )
    _audit(actor, village, "activity.create", activity, {"code": code, "name": name})
    return activity


def _line_amount(volume: object, unit_price: object) -> tuple[Decimal, int, int]:
    try:
        vol = Decimal(str(volume).replace(",", ".")) if volume not in (None, "") else Decimal(1)
    except InvalidOperation:
        raise ValidationError({"volume": _("Volume harus berupa angka, contoh 12 atau 2,5.")}) from None
    if not vol.is_finite() or vol <= 0 or vol > 10**9:
        raise ValidationError({"volume": _("Volume harus lebih dari nol.")})
    if vol != vol.quantize(Decimal("0.01")):
        raise ValidationError({"volume": _("Volume paling banyak dua angka di belakang koma.")})
    price = rules.rupiah(unit_price, field="unit_price", label=_("Harga satuan"))
    amount = vol * price
    if amount != amount.to_integral_value():
        raise ValidationError({"volume": _("Volume × harga satuan harus Rupiah bulat.")})
    return vol, price, int(amount)


def _check_account(
    *, budget: Budget, account_code: str, activity: Activity | None, regency_code: str = ""
) -> str:
    code = str(account_code or "").strip().rstrip(".")
    names = account_codes_active(year=budget.year, regency_code=regency_code)
    if code not in names or chart.account_level(code) != 4:
        raise ValidationError(
            {
                "account_code": _("Kode rekening %(c)s tidak ada di bagan akun %(y)s (contoh 5.2.1.07).")
                % {"c": code or "—", "y": budget.year}
            }
        )
    if code[0] not in "456":
        raise ValidationError(
            {"account_code": _("Rekening APBDes berawal 4 (pendapatan), 5 (belanja) atau 6 (pembiayaan).")}
        )
    if code.startswith("5") and activity is None:
        raise ValidationError({"activity": _("Belanja harus di bawah sebuah kegiatan.")})
    if not code.startswith("5") and activity is not None:
        raise ValidationError({"activity": _("Pendapatan dan pembiayaan tidak di bawah kegiatan.")})
    return code


@transaction.atomic
def budget_line_create(
    *,
    actor: User | None,
    village: Village,
    budget: Budget,
    account_code: str,
    funding_source: str,
    description: str,
    unit_price: object,
    volume: object = 1,
    unit: str = "",
    activity: Activity | None = None,
) -> BudgetLine:
    _allow(actor, "finance.budget")
    _own(village, budget, activity)
    _editable(budget)
    if activity is not None and activity.budget_id != budget.pk:
        raise Activity.DoesNotExist
    code = _check_account(
        budget=budget, account_code=account_code, activity=activity, regency_code=village.regency_code
    )
    if funding_source not in chart.FUNDING_CODES:
        raise ValidationError({"funding_source": _("Sumber dana tidak dikenal.")})
    description = " ".join(str(description or "").split()) or chart.account_name(code)
    vol, price, amount = _line_amount(volume, unit_price)
    line = BudgetLine.objects.create(
        village=village,
        budget=budget,
        activity=activity,
        account_code=code,
        funding_source=funding_source,
        description=description[:255],
        volume=vol,
        unit=str(unit or "")[:30],
        unit_price=price,
        amount=0 if budget.revising else amount,
        # A line added by a Perubahan had no original budget.
        revised_amount=amount if budget.revising else None,
    )
    _audit(actor, village, "line.create", line, {"account": code, "amount": amount})
    return line


@transaction.atomic
def budget_set(
    *, actor: User | None, village: Village, budget: Budget, perdes_number: str, perdes_date: dt.date
) -> Budget:
    """The kades sets the APBDes by Perdes; from now on lines change only through a Perubahan."""
    _allow(actor, "finance.budget_set")
    _own(village, budget)
    budget = Budget.objects.select_for_update().get(pk=budget.pk)
    if budget.status != Budget.Status.DRAFT:
        raise ApplicationError(_("APBDes ini sudah ditetapkan."))
    number = " ".join(str(perdes_number or "").split())
    if not number:
        raise ValidationError({"perdes_number": _("Nomor Perdes APBDes wajib diisi.")})
    if not isinstance(perdes_date, dt.date):
        raise ValidationError({"perdes_date": _("Tanggal Perdes wajib diisi.")})
    if not BudgetLine.objects.filter(budget=budget).exists():
        raise ApplicationError(_("APBDes belum berisi satu pun rincian anggaran."))
    budget.status = Budget.Status.SET
    budget.perdes_number, budget.perdes_date, budget.set_by = number[:60], perdes_date, actor
    budget.save(update_fields=["status", "perdes_number", "perdes_date", "set_by", "updated_at"])
    _audit(actor, village, "budget.set", budget, {"perdes": number, "date": perdes_date})
    return budget


@transaction.atomic
def budget_revision_start(*, actor: User | None, village: Village, budget: Budget) -> Budget:
    _allow(actor, "finance.budget")
    _own(village, budget)
    budget = Budget.objects.select_for_update().get(pk=budget.pk)
    if not budget.is_set:
        raise ApplicationError(_("APBDes yang belum ditetapkan diubah langsung, tanpa Perubahan."))
    if budget.revising:
        raise ApplicationError(_("APBDes Perubahan sedang disusun."))
    budget.revising = True
    budget.save(update_fields=["revising", "updated_at"])
    _audit(actor, village, "budget.revision_start", budget, {})
    return budget


@transaction.atomic
def budget_line_revise(
    *, actor: User | None, village: Village, line: BudgetLine, volume: object, unit_price: object
) -> BudgetLine:
    """A Perubahan figure for a line; the original amount stays beside it. A line cannot be
    revised below what has already been realised on it."""
    _allow(actor, "finance.budget")
    _own(village, line)
    budget = Budget.objects.select_for_update().get(pk=line.budget_id)
    if not budget.revising:
        raise ApplicationError(_("Mulai APBDes Perubahan dahulu."))
    vol, price, amount = _line_amount(volume, unit_price)
    realised = line_realised(line=line)
    if amount < realised:
        raise ValidationError(
            {
                "unit_price": _("Anggaran perubahan Rp%(a)s di bawah realisasi Rp%(r)s.")
                % {"a": f"{amount:,}".replace(",", "."), "r": f"{realised:,}".replace(",", ".")}
            }
        )
    old = line.in_force
    BudgetLine.objects.filter(pk=line.pk).update(volume=vol, unit_price=price, revised_amount=amount)
    line.refresh_from_db()
    _audit(actor, village, "line.revise", line, {"amount": [old, amount]})
    return line


@transaction.atomic
def budget_revision_set(
    *, actor: User | None, village: Village, budget: Budget, number: str, date: dt.date
) -> Budget:
    _allow(actor, "finance.budget_set")
    _own(village, budget)
    budget = Budget.objects.select_for_update().get(pk=budget.pk)
    if not budget.revising:
        raise ApplicationError(_("Tidak ada APBDes Perubahan yang sedang disusun."))
    number = " ".join(str(number or "").split())
    if not number:
        raise ValidationError({"revision_number": _("Nomor Perdes Perubahan wajib diisi.")})
    budget.revising, budget.status = False, Budget.Status.REVISED
    budget.revision_number, budget.revision_date = number[:60], date
    budget.save(update_fields=["revising", "status", "revision_number", "revision_date", "updated_at"])
    _audit(actor, village, "budget.revision_set", budget, {"perdes": number, "date": date})
    return budget


# --- Postings ---------------------------------------------------------------------------------


def line_realised(*, line: BudgetLine) -> int:
    """Realised on a line: revenue and financing receipts in, spending and financing out (net of
    reversals)."""
    sums = dict(
        Entry.objects.filter(budget_line=line).values_list("direction").annotate(s=Sum("amount")).order_by()
    )
    inflow, outflow = sums.get("in", 0) or 0, sums.get("out", 0) or 0
    return outflow - inflow if _is_outflow(line.account_code) else inflow - outflow


def _is_outflow(code: str) -> bool:
    return code.startswith("5") or code.startswith("6.2")


def _balance(budget: Budget, medium: str) -> int:
    sums = dict(
        Entry.objects.filter(budget=budget, medium=medium)
        .values_list("direction")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    opening = budget.opening_cash if medium == Medium.CASH else budget.opening_bank
    return opening + (sums.get("in", 0) or 0) - (sums.get("out", 0) or 0)


def _lock_for_posting(budget: Budget, date: object, field: str = "date") -> Budget:
    budget = Budget.objects.select_for_update().get(pk=budget.pk)
    if not budget.is_set:
        raise ApplicationError(
            _("APBDes %(y)s belum ditetapkan: belum ada transaksi yang boleh dicatat.") % {"y": budget.year}
        )
    if not isinstance(date, dt.date):
        raise ValidationError({field: _("Tanggal wajib diisi (dd-mm-yyyy).")})
    if date.year != budget.year:
        raise ValidationError({field: _("Tanggal harus di tahun anggaran %(y)s.") % {"y": budget.year}})
    if budget.closed_through and date <= budget.closed_through:
        raise ApplicationError(
            _("Periode sampai %(d)s sudah dikunci; transaksi tanggal %(t)s ditolak.")
            % {"d": budget.closed_through.strftime("%d-%m-%Y"), "t": date.strftime("%d-%m-%Y")}
        )
    return budget


def _duplicate(budget: Budget, kind: str, number: str, field: str = "number") -> None:
    if Entry.objects.filter(budget=budget, kind=kind, number=number, reverses__isnull=True).exists():
        raise ValidationError({field: _("Nomor bukti %(n)s sudah dipakai.") % {"n": number}})


def _check_medium(medium: str) -> str:
    if medium not in Medium.values:
        raise ValidationError({"medium": _("Pilih tunai atau bank.")})
    return medium


def _remaining(line: BudgetLine, *, exclude_spp: PaymentRequest | None = None) -> int:
    """Budget in force minus realised minus SPPs raised but not yet paid."""
    # An advance (UM) paid but not yet accounted for by its SPJ still holds its amount.
    pending = PaymentRequest.objects.filter(budget_line=line).filter(
        ~Q(status__in=[PaymentRequest.Status.PAID, PaymentRequest.Status.REJECTED])
        | Q(kind=PaymentRequest.Kind.UM, status=PaymentRequest.Status.PAID, settlement__isnull=True)
    )
    if exclude_spp is not None:
        pending = pending.exclude(pk=exclude_spp.pk)
    held = pending.aggregate(s=Sum("amount"))["s"] or 0
    return line.in_force - line_realised(line=line) - held


def _fmt(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@transaction.atomic
def receipt_record(
    *,
    actor: User | None,
    village: Village,
    budget: Budget,
    line: BudgetLine,
    number: str,
    date: dt.date,
    amount: object,
    medium: str = Medium.BANK,
    description: str = "",
    source: str = Source.BALAI,
) -> Entry:
    """A receipt (TBP) on a revenue (4.x) or financing-receipt (6.1) line."""
    _allow(actor, "finance.pay")
    return _receipt_post(
        actor=actor,
        village=village,
        budget=budget,
        line=line,
        number=number,
        date=date,
        amount=amount,
        medium=medium,
        description=description,
        source=source,
    )


def _receipt_post(
    *,
    actor: User | None,
    village: Village,
    budget: Budget,
    line: BudgetLine,
    number: str,
    date: dt.date,
    amount: object,
    medium: str,
    description: str,
    source: str,
) -> Entry:
    _own(village, budget, line)
    if line.budget_id != budget.pk:
        raise BudgetLine.DoesNotExist
    budget = _lock_for_posting(budget, date)
    if _is_outflow(line.account_code):
        raise ValidationError(
            {"line": _("Penerimaan dicatat pada rekening pendapatan (4) atau penerimaan pembiayaan (6.1).")}
        )
    if line.account_code.startswith("6.1.1"):
        # The SiLPA carried in is realised by the opening balance (saldo awal); a receipt on it
        # would count the same money twice.
        raise ValidationError(
            {
                "line": _(
                    "SiLPA tahun sebelumnya tercatat sebagai saldo awal kas dan bank, bukan sebagai "
                    "penerimaan; ubah saldo awal APBDes bila jumlahnya salah."
                )
            }
        )
    number = _number(number)
    _duplicate(budget, Entry.Kind.RECEIPT, number)
    value = rules.rupiah(amount)
    entry = Entry.objects.create(
        village=village,
        budget=budget,
        date=date,
        number=number,
        kind=Entry.Kind.RECEIPT,
        direction=Entry.Direction.IN,
        medium=_check_medium(medium),
        account_code=line.account_code,
        budget_line=line,
        funding_source=line.funding_source,
        amount=value,
        description=(" ".join(str(description or "").split()) or line.description)[:255],
        source=source,
        posted_by=actor,
    )
    _audit(
        actor,
        village,
        "receipt.record",
        entry,
        {"number": number, "account": line.account_code, "amount": value},
    )
    return entry


@dataclass(frozen=True)
class TaxInput:
    kind: str
    base: object
    amount: object = None  # None: computed from the base
    billing_code: str = ""
    # The form row it came from (1-based), when the form has blank rows in between: refusals
    # then name that row ("Pajak baris 3: …") and land on its field.
    row: int = 0


def _clean_taxes(
    taxes: Iterable[TaxInput], gross: int, *, gross_label: str = ""
) -> list[tuple[str, int, int, str]]:
    clean = []
    seen: dict[str, int] = {}
    for i, t in enumerate(taxes, start=1):
        n = t.row or i
        field = f"tax_{n}"
        where = (_("Pajak baris %(n)d: ") % {"n": n}) if t.row else ""
        if t.kind not in rules.TAXES:
            raise ValidationError({field: where + _("Jenis pajak tidak dikenal.")})
        if t.kind in seen:
            raise ValidationError(
                {field: where + _("%(t)s dicatat dua kali.") % {"t": rules.TAXES[t.kind].label}}
            )
        seen[t.kind] = n
        try:
            base = rules.rupiah(
                t.base, field=field, label=_("Dasar pengenaan %(t)s") % {"t": rules.TAXES[t.kind].label}
            )
        except ValidationError as exc:
            if not where:
                raise
            raise ValidationError({field: [where + m for m in exc.messages]}) from None
        if base > gross:
            raise ValidationError(
                {
                    field: where
                    + _("Dasar pengenaan pajak melebihi %(g)s.") % {"g": gross_label or _("jumlah SPP")}
                }
            )
        due = rules.tax_due(t.kind, base)
        try:
            amount = due if t.amount in (None, "") else rules.rupiah(t.amount, field=field, allow_zero=True)
        except ValidationError as exc:
            if not where:
                raise
            raise ValidationError({field: [where + m for m in exc.messages]}) from None
        if amount != due:
            rule = rules.TAXES[t.kind]
            raise ValidationError(
                {
                    field: where
                    + _("%(t)s atas dasar Rp%(b)s seharusnya Rp%(d)s (tarif %(r)s%%%(th)s), bukan Rp%(a)s.")
                    % {
                        "t": rule.label,
                        "b": _fmt(base),
                        "d": _fmt(due),
                        "r": f"{rule.rate * 100:g}".replace(".", ","),
                        "th": _(", di atas Rp%(x)s") % {"x": _fmt(rule.threshold)} if rule.threshold else "",
                        "a": _fmt(amount),
                    }
                }
            )
        if amount == 0:
            continue
        code = str(t.billing_code or "").strip()
        if code and not re.fullmatch(r"\d{15}", code):
            raise ValidationError({field: where + _("Kode billing pajak 15 angka.")})
        clean.append((t.kind, base, amount, code))
    if sum(a for _k, _b, a, _c in clean) >= gross:
        raise ValidationError(
            {
                "taxes": _("Potongan pajak tidak boleh sebesar atau melebihi %(g)s.")
                % {"g": gross_label or _("jumlah SPP")}
            }
        )
    return clean


@transaction.atomic
def payment_request_create(
    *,
    actor: User | None,
    village: Village,
    budget: Budget,
    line: BudgetLine,
    number: str,
    date: dt.date,
    amount: object,
    description: str,
    payee_resident: Resident | None = None,
    payee_vendor: Vendor | None = None,
    kind: str = PaymentRequest.Kind.LS,
    payee_npwp: str = "",
    medium: str = Medium.BANK,
    taxes: Iterable[TaxInput] = (),
) -> PaymentRequest:
    """Raise an SPP against one RAB line, to a resident (alive, of this village) or a registered
    vendor. Refused before the APBDes is set, over the line's remaining budget, with a
    duplicate number, a tax that does not match its base, or on a line paid by an aid
    programme (its realisation comes from the aid module's distributions)."""
    from balai.finance.models import AidLink
    from balai.finance.services_payees import payee_resolve

    _allow(actor, "finance.spp_raise")
    _own(village, budget, line)
    if line.budget_id != budget.pk:
        raise BudgetLine.DoesNotExist
    if AidLink.objects.filter(budget_line=line).exists():
        raise ValidationError(
            {
                "line": _(
                    "Rincian ini dibayar dari penyaluran bantuan yang dicatat di modul Bantuan; "
                    "bukukan penyalurannya, jangan ajukan SPP lagi (agar tidak tercatat dua kali)."
                )
            }
        )
    payee, payee_resident, payee_vendor = payee_resolve(
        village=village, resident=payee_resident, vendor=payee_vendor
    )
    budget = _lock_for_posting(budget, date)
    if kind not in PaymentRequest.Kind.values:
        raise ValidationError({"kind": _("Jenis SPP tidak dikenal.")})
    if kind == PaymentRequest.Kind.PBY and not line.account_code.startswith("6.2"):
        raise ValidationError({"line": _("SPP pembiayaan (PBY) hanya untuk rekening 6.2.")})
    if kind != PaymentRequest.Kind.PBY and not line.account_code.startswith("5"):
        raise ValidationError({"line": _("SPP LS/UM hanya untuk rekening belanja (5).")})
    if kind == PaymentRequest.Kind.UM and list(taxes):
        raise ValidationError(
            {"taxes": _("Pajak atas belanja dari panjar dipungut saat SPJ, bukan pada SPP UM.")}
        )
    number = _number(number)
    if PaymentRequest.objects.filter(budget=budget, number=number).exists():
        raise ValidationError({"number": _("Nomor SPP %(n)s sudah dipakai.") % {"n": number}})
    if Entry.objects.filter(budget=budget, number=number).exists():
        raise ValidationError(
            {
                "number": _("Nomor %(n)s sudah dipakai sebagai nomor bukti di Buku Kas Umum tahun ini.")
                % {"n": number}
            }
        )
    gross = rules.rupiah(amount)
    remaining = _remaining(line)
    if gross > remaining:
        raise ValidationError(
            {
                "amount": _("Melebihi sisa anggaran rincian ini (Rp%(r)s). Ajukan APBDes Perubahan dahulu.")
                % {"r": _fmt(max(remaining, 0))}
            }
        )
    clean_taxes = _clean_taxes(taxes, gross)
    spp = PaymentRequest.objects.create(
        village=village,
        budget=budget,
        number=number,
        kind=kind,
        date=date,
        budget_line=line,
        amount=gross,
        description=(" ".join(str(description or "").split()) or line.description)[:255],
        payee=payee[:160],
        payee_resident=payee_resident,
        payee_vendor=payee_vendor,
        payee_npwp=(str(payee_npwp or "").strip() or (payee_vendor.npwp if payee_vendor else ""))[:25],
        medium=_check_medium(medium),
        raised_by=actor,
    )
    for tax_kind, base, tax_amount, code in clean_taxes:
        Tax.objects.create(
            village=village,
            payment_request=spp,
            kind=tax_kind,
            base=base,
            amount=tax_amount,
            billing_code=code,
        )
    _audit(
        actor,
        village,
        "spp.create",
        spp,
        {"number": number, "amount": gross, "taxes": {k: a for k, _b, a, _c in clean_taxes}},
    )
    return spp


_STEPS = {
    # step: (capability, from status, to status, who/when fields)
    "verify": ("finance.spp_verify", PaymentRequest.Status.DRAFT, PaymentRequest.Status.VERIFIED, "verified"),
    "approve": (
        "finance.spp_approve",
        PaymentRequest.Status.VERIFIED,
        PaymentRequest.Status.APPROVED,
        "approved",
    ),
}


@transaction.atomic
def payment_request_act(
    *, actor: User | None, village: Village, spp: PaymentRequest, step: str, note: str = ""
) -> PaymentRequest:
    """verify (sekdes), approve (kades) or reject (either, before payment)."""
    _own(village, spp)
    spp = PaymentRequest.objects.select_for_update().get(pk=spp.pk)
    if step == "reject":
        if actor is not None and not (
            user_can(actor, "finance.spp_verify") or user_can(actor, "finance.spp_approve")
        ):
            raise NotAllowed(_("Peran Anda tidak boleh menolak SPP."))
        if spp.status in (PaymentRequest.Status.PAID, PaymentRequest.Status.REJECTED):
            raise ApplicationError(_("SPP ini sudah %(s)s.") % {"s": spp.get_status_display().lower()})
        if not str(note or "").strip():
            raise ValidationError({"note": _("Tuliskan alasan penolakan.")})
        spp.status, spp.note = PaymentRequest.Status.REJECTED, str(note).strip()[:255]
        spp.save(update_fields=["status", "note", "updated_at"])
        _audit(actor, village, "spp.reject", spp, {"note": spp.note})
        return spp
    if step not in _STEPS:
        raise ValidationError({"step": _("Langkah tidak dikenal.")})
    capability, before, after, who = _STEPS[step]
    _allow(actor, capability)
    if spp.status != before:
        raise ApplicationError(
            _("SPP berstatus %(s)s; langkah ini tidak dapat dilakukan.") % {"s": spp.get_status_display()}
        )
    spp.status = after
    setattr(spp, f"{who}_by", actor)
    setattr(spp, f"{who}_at", timezone.now())
    spp.save(update_fields=["status", f"{who}_by", f"{who}_at", "updated_at"])
    _audit(actor, village, f"spp.{step}", spp, {"status": [before, after]})
    return spp


@transaction.atomic
def payment_request_pay(
    *, actor: User | None, village: Village, spp: PaymentRequest, paid_on: dt.date
) -> PaymentRequest:
    """The treasurer pays an approved SPP: the gross amount goes out on the spending line, the
    taxes withheld come in on their PFK accounts (the payee gets the net)."""
    _allow(actor, "finance.pay")
    _own(village, spp)
    budget = _lock_for_posting(spp.budget, paid_on, field="paid_on")
    spp = PaymentRequest.objects.select_for_update().get(pk=spp.pk)
    if spp.status != PaymentRequest.Status.APPROVED:
        raise ApplicationError(_("SPP harus disetujui Kepala Desa sebelum dibayar."))
    from balai.finance.services_payees import payee_check_before_payment

    payee_check_before_payment(spp)
    if paid_on < spp.date:
        raise ValidationError({"paid_on": _("Tanggal bayar tidak boleh sebelum tanggal SPP.")})
    line = BudgetLine.objects.get(pk=spp.budget_line_id)
    if spp.amount > _remaining(line, exclude_spp=spp):
        raise ApplicationError(_("Melebihi sisa anggaran rincian ini. Ajukan APBDes Perubahan dahulu."))
    taxes = spp.voucher_taxes
    net = spp.amount - sum(t.amount for t in taxes)
    available = _balance(budget, spp.medium)
    if net > available:
        raise ApplicationError(
            _("Saldo %(m)s Rp%(b)s tidak cukup untuk membayar Rp%(n)s.")
            % {"m": spp.get_medium_display().lower(), "b": _fmt(available), "n": _fmt(net)}
        )
    common = {
        "village": village,
        "budget": budget,
        "date": paid_on,
        "number": spp.number,
        "medium": spp.medium,
        "payment_request": spp,
        "posted_by": actor,
    }
    if spp.kind == PaymentRequest.Kind.UM:
        # An advance is not yet spending: the money goes to the executor, without an account,
        # and the spending is realised by its SPJ (`advances.advance_settle`).
        Entry.objects.create(
            **common,
            kind=Entry.Kind.ADVANCE,
            direction=Entry.Direction.OUT,
            activity_id=line.activity_id,
            funding_source=line.funding_source,
            amount=spp.amount,
            description=(_("Panjar: %(d)s — %(p)s") % {"d": spp.description, "p": spp.payee})[:255],
        )
        taxes = []
    else:
        Entry.objects.create(
            **common,
            kind=Entry.Kind.PAYMENT,
            direction=Entry.Direction.OUT,
            account_code=line.account_code,
            activity_id=line.activity_id,
            budget_line=line,
            funding_source=line.funding_source,
            amount=spp.amount,
            description=f"{spp.description} — {spp.payee}"[:255],
        )
    for tax in taxes:
        rule = rules.TAXES[tax.kind]
        Entry.objects.create(
            **common,
            kind=Entry.Kind.TAX_WITHHELD,
            direction=Entry.Direction.IN,
            account_code=rule.account_code,
            activity_id=line.activity_id,
            amount=tax.amount,
            tax=tax,
            description=_("%(t)s dipungut atas %(n)s") % {"t": rule.label, "n": spp.number},
        )
    spp.status, spp.paid_by, spp.paid_at, spp.paid_on = (
        PaymentRequest.Status.PAID,
        actor,
        timezone.now(),
        paid_on,
    )
    spp.save(update_fields=["status", "paid_by", "paid_at", "paid_on", "updated_at"])
    _audit(actor, village, "spp.pay", spp, {"gross": spp.amount, "net": net, "date": paid_on})
    return spp


@transaction.atomic
def tax_deposit(
    *,
    actor: User | None,
    village: Village,
    tax: Tax,
    deposited_on: dt.date,
    billing_code: str,
    ntpn: str = "",
) -> Tax:
    """Deposit a withheld tax to the state (billing code; NTPN when the bank gives it)."""
    _allow(actor, "finance.pay")
    _own(village, tax)
    tax = Tax.objects.select_for_update().select_related("payment_request").get(pk=tax.pk)
    spp = tax.payment_request
    budget = _lock_for_posting(spp.budget, deposited_on, field="deposited_on")
    if spp.status != PaymentRequest.Status.PAID:
        raise ApplicationError(_("Pajak baru dapat disetor setelah SPP dibayar."))
    if tax.deposited_on is not None:
        raise ApplicationError(_("Pajak ini sudah disetor."))
    code = str(billing_code or "").strip()
    if not re.fullmatch(r"\d{15}", code):
        raise ValidationError({"billing_code": _("Kode billing pajak 15 angka.")})
    ntpn = str(ntpn or "").strip().upper()
    if ntpn and not re.fullmatch(r"[0-9A-F]{16}", ntpn):
        raise ValidationError({"ntpn": _("NTPN 16 karakter (angka dan huruf A–F).")})
    if deposited_on < (spp.paid_on or spp.date):
        raise ValidationError({"deposited_on": _("Tanggal setor tidak boleh sebelum SPP dibayar.")})
    rule = rules.TAXES[tax.kind]
    Entry.objects.create(
        village=village,
        budget=budget,
        date=deposited_on,
        number=code,
        kind=Entry.Kind.TAX_DEPOSIT,
        direction=Entry.Direction.OUT,
        medium=spp.medium,
        account_code=rule.account_code,
        amount=tax.amount,
        tax=tax,
        description=_("Setor %(t)s atas %(n)s") % {"t": rule.label, "n": spp.number},
        posted_by=actor,
    )
    Tax.objects.filter(pk=tax.pk).update(deposited_on=deposited_on, billing_code=code, ntpn=ntpn)
    tax.refresh_from_db()
    _audit(actor, village, "tax.deposit", tax, {"billing": code, "date": deposited_on, "amount": tax.amount})
    return tax


@transaction.atomic
def transfer_record(
    *,
    actor: User | None,
    village: Village,
    budget: Budget,
    number: str,
    date: dt.date,
    amount: object,
    to_medium: str,
) -> list[Entry]:
    """Cash to bank (deposit) or bank to cash (withdrawal): a pair of entries, no account."""
    _allow(actor, "finance.pay")
    _own(village, budget)
    budget = _lock_for_posting(budget, date)
    to_medium = _check_medium(to_medium)
    from_medium = Medium.CASH if to_medium == Medium.BANK else Medium.BANK
    number = _number(number)
    _duplicate(budget, Entry.Kind.TRANSFER, number)
    value = rules.rupiah(amount)
    if value > _balance(budget, from_medium):
        raise ApplicationError(_("Saldo %(m)s tidak cukup.") % {"m": Medium(from_medium).label.lower()})
    label = _("Setor tunai ke bank") if to_medium == Medium.BANK else _("Tarik tunai dari bank")
    rows = [
        Entry.objects.create(
            village=village,
            budget=budget,
            date=date,
            number=number,
            kind=Entry.Kind.TRANSFER,
            direction=d,
            medium=m,
            amount=value,
            description=label,
            posted_by=actor,
        )
        for d, m in ((Entry.Direction.OUT, from_medium), (Entry.Direction.IN, to_medium))
    ]
    _audit(actor, village, "transfer.record", rows[0], {"number": number, "amount": value, "to": to_medium})
    return rows


@transaction.atomic
def entry_reverse(*, actor: User | None, village: Village, entry: Entry, date: dt.date, reason: str) -> Entry:
    """Correct a posted entry with its mirror image (the original stays, both show in the books)."""
    _allow(actor, "finance.pay")
    _own(village, entry)
    budget = _lock_for_posting(entry.budget, date)
    if entry.reverses_id is not None:
        raise ApplicationError(_("Jurnal balik tidak dibalik lagi; catat transaksi baru."))
    if Entry.objects.filter(reverses=entry).exists():
        raise ApplicationError(_("Transaksi ini sudah dikoreksi."))
    if entry.source != Source.BALAI:
        raise ApplicationError(
            _("Transaksi hasil impor Siskeudes dikoreksi di Siskeudes, lalu diimpor ulang.")
        )
    if entry.kind in (Entry.Kind.ADVANCE, Entry.Kind.ADVANCE_SPJ, Entry.Kind.DEPOSIT) or (
        entry.payment_request is not None and entry.payment_request.kind == PaymentRequest.Kind.UM
    ):
        raise ApplicationError(_("Panjar, SPJ dan STS tidak dibalik; catat transaksi baru."))
    if Entry.objects.filter(pk=entry.pk, deposit_item__isnull=False).exists():
        raise ApplicationError(_("Penerimaan ini sudah disetor ke bank dengan STS."))
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Tuliskan alasan koreksi.")})
    flipped = Entry.Direction.OUT if entry.direction == Entry.Direction.IN else Entry.Direction.IN
    if flipped == Entry.Direction.OUT and entry.amount > _balance(budget, entry.medium):
        raise ApplicationError(_("Saldo tidak cukup untuk jurnal balik ini."))
    mirror = Entry.objects.create(
        village=village,
        budget=budget,
        date=date,
        number=entry.number,
        kind=Entry.Kind.REVERSAL,
        direction=flipped,
        medium=entry.medium,
        account_code=entry.account_code,
        activity_id=entry.activity_id,
        budget_line_id=entry.budget_line_id,
        funding_source=entry.funding_source,
        amount=entry.amount,
        tax_id=entry.tax_id,
        payment_request_id=entry.payment_request_id,
        reverses=entry,
        description=(_("Koreksi: %(r)s") % {"r": reason})[:255],
        posted_by=actor,
    )
    _audit(actor, village, "entry.reverse", mirror, {"reverses": entry.public_id, "reason": reason})
    return mirror


@transaction.atomic
def period_close(*, actor: User | None, village: Village, budget: Budget, through: dt.date) -> Budget:
    """Lock postings up to `through` (a month or semester closed by the treasurer)."""
    _allow(actor, "finance.pay")
    _own(village, budget)
    budget = Budget.objects.select_for_update().get(pk=budget.pk)
    if through.year != budget.year:
        raise ValidationError({"through": _("Tanggal harus di tahun anggaran %(y)s.") % {"y": budget.year}})
    if budget.closed_through and through < budget.closed_through:
        raise ApplicationError(_("Periode yang sudah dikunci tidak dibuka lagi."))
    budget.closed_through = through
    budget.save(update_fields=["closed_through", "updated_at"])
    _audit(actor, village, "budget.period_close", budget, {"through": through})
    return budget


@transaction.atomic
def year_close(*, actor: User | None, village: Village, budget: Budget) -> Budget:
    """Close the year: lock it through 31 December and carry cash and bank (the SiLPA) to next
    year's APBDes as its opening balances (creating its draft when none exists). Refused while
    an advance (SPP UM) paid that year is not yet accounted for by its SPJ."""
    open_advances = list(
        PaymentRequest.objects.filter(
            budget=budget,
            kind=PaymentRequest.Kind.UM,
            status=PaymentRequest.Status.PAID,
            settlement__isnull=True,
        ).values_list("number", flat=True)[:5]
    )
    if open_advances:
        raise ApplicationError(
            _("Panjar %(n)s belum dipertanggungjawabkan (SPJ); tahun belum dapat ditutup.")
            % {"n": ", ".join(open_advances)}
        )
    budget = period_close(actor=actor, village=village, budget=budget, through=dt.date(budget.year, 12, 31))
    cash, bank = _balance(budget, Medium.CASH), _balance(budget, Medium.BANK)
    withheld = tax_balance(budget=budget)
    nxt = Budget.objects.filter(village=village, year=budget.year + 1).first()
    if nxt is None:
        chart_ensure(year=budget.year + 1, regency_code=village.regency_code)
        nxt = Budget.objects.create(village=village, year=budget.year + 1)
    Budget.objects.filter(pk=nxt.pk).update(opening_cash=cash, opening_bank=bank)
    _audit(
        actor,
        village,
        "budget.year_close",
        budget,
        {"silpa": cash + bank - withheld, "cash": cash, "bank": bank},
    )
    return budget


def tax_balance(*, budget: Budget) -> int:
    sums = dict(
        Entry.objects.filter(budget=budget, account_code__startswith="7.")
        .values_list("direction")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    return (sums.get("in", 0) or 0) - (sums.get("out", 0) or 0)


# --- For other apps ------------------------------------------------------------------------------


@transaction.atomic
def realisation_record(
    *,
    actor: User | None,
    village: Village,
    year: int,
    account_code: str,
    amount: object,
    date: dt.date,
    number: str,
    description: str,
    activity_code: str = "",
    medium: str = Medium.BANK,
) -> Entry:
    """Record one realisation on the APBDes line of `account_code` — for another app (the BUMDes
    module records PADes receipts 4.1.1.x and capital participation 6.2.2.x through this).

    Revenue (4.x) and financing receipts (6.1) post a receipt; spending (5.x, under
    `activity_code`) and financing out (6.2) post a paid entry directly, within the line's
    remaining budget. Refused like any posting: before the APBDes is set, over budget, into a
    closed period, a duplicate number. `actor=None` records as the system."""
    budget = Budget.objects.filter(village=village, year=year).first()
    if budget is None:
        raise ApplicationError(_("APBDes %(y)s belum ada.") % {"y": year})
    code = str(account_code or "").strip().rstrip(".")
    lines = BudgetLine.objects.filter(budget=budget, account_code=code)
    if activity_code:
        lines = lines.filter(activity__code=activity_code)
    line = lines.order_by("id").first()
    if line is None:
        raise ValidationError(
            {"account_code": _("Rekening %(c)s tidak dianggarkan di APBDes %(y)s.") % {"c": code, "y": year}}
        )
    if not _is_outflow(code):
        return receipt_record(
            actor=actor,
            village=village,
            budget=budget,
            line=line,
            number=number,
            date=date,
            amount=amount,
            medium=medium,
            description=description,
        )
    _allow(actor, "finance.pay")
    budget = _lock_for_posting(budget, date)
    number = _number(number)
    _duplicate(budget, Entry.Kind.PAYMENT, number)
    value = rules.rupiah(amount)
    if value > _remaining(line):
        raise ValidationError({"amount": _("Melebihi sisa anggaran rekening %(c)s.") % {"c": code}})
    if value > _balance(budget, medium):
        raise ApplicationError(_("Saldo tidak cukup."))
    entry = Entry.objects.create(
        village=village,
        budget=budget,
        date=date,
        number=number,
        kind=Entry.Kind.PAYMENT,
        direction=Entry.Direction.OUT,
        medium=_check_medium(medium),
        account_code=code,
        activity_id=line.activity_id,
        budget_line=line,
        funding_source=line.funding_source,
        amount=value,
        description=(" ".join(str(description or "").split()) or line.description)[:255],
        posted_by=actor,
    )
    _audit(actor, village, "realisation.record", entry, {"account": code, "amount": value})
    return entry
