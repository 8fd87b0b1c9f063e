"""Writes of the economy module: the BUMDes, its units, managers and books; UMKM; potential.

Books: an entry is refused whole (nothing written) when it does not balance, falls on or
before the date the books are closed through, names an account the chart lacks, or would drive
a cash account of its unit below zero. Every write records an audit event.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import secrets
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from balai.audit.services import audit_record
from balai.core.errors import ApplicationError
from balai.core.services import model_update
from balai.economy import chart, finance_link, rules
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
    PeriodClose,
    Potential,
    Product,
    ProfitDistribution,
)
from balai.people import codes
from balai.people.models import Resident
from balai.regions.models import Village

if TYPE_CHECKING:
    from balai.accounts.models import User

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_SIDE = 1200
PHOTO_DIR = "economy/products"


def _audit(actor: Any, village: Village, action: str, obj: Any, changes: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        village=village,
        action=f"economy.{action}",
        object_type=type(obj).__name__.lower(),
        object_id=getattr(obj, "public_id", obj.pk),
        changes=changes,
    )


def _text(data: dict[str, Any], key: str) -> str:
    return " ".join(str(data.get(key) or "").split())


def _check_resident(village: Village, resident: Resident) -> None:
    if resident.village_id != village.pk:
        raise Resident.DoesNotExist
    if resident.status != codes.STATUS_ALIVE:
        raise ApplicationError(_("Penduduk ini tidak berstatus hidup di desa ini."))


# --- The BUMDes ----------------------------------------------------------------------------

BUMDES_FIELDS = (
    "name",
    "legal_status",
    "perdes_number",
    "registration_number",
    "established_on",
    "address",
    "village_share_percent",
)


def _clean_bumdes(data: dict[str, Any]) -> dict[str, Any]:
    clean = {k: data.get(k) for k in BUMDES_FIELDS}
    for k in ("name", "perdes_number", "registration_number", "address"):
        clean[k] = _text(data, k)
    errors: dict[str, list[str]] = {}
    if not clean["name"]:
        errors["name"] = [_("Nama BUMDes wajib diisi.")]
    if clean["legal_status"] not in Bumdes.LegalStatus.values:
        errors["legal_status"] = [_("Status badan hukum tidak dikenal.")]
    elif clean["legal_status"] == Bumdes.LegalStatus.REGISTERED and not clean["registration_number"]:
        errors["registration_number"] = [
            _("BUMDes berbadan hukum harus punya nomor sertifikat pendaftaran dari Kemenkumham.")
        ]
    try:
        share = int(clean["village_share_percent"] if clean["village_share_percent"] is not None else 40)
    except (TypeError, ValueError):
        share = -1
    if not 0 <= share <= 100:
        errors["village_share_percent"] = [_("Bagian desa harus antara 0 dan 100 persen.")]
    clean["village_share_percent"] = share
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def bumdes_create(*, actor: User | None, village: Village, data: dict[str, Any]) -> Bumdes:
    if Bumdes.objects.filter(village=village).exists():
        raise ApplicationError(_("Desa ini sudah punya BUMDes (satu desa satu BUMDes, PP 11/2021)."))
    clean = _clean_bumdes(data)
    bumdes = Bumdes.objects.create(village=village, **clean)
    Account.objects.bulk_create(
        Account(village=village, bumdes=bumdes, code=c, name=n, type=t, is_cash=cash, is_contra=contra)
        for c, n, t, cash, contra in chart.CHART
    )
    _audit(actor, village, "bumdes_created", bumdes, {k: str(v) for k, v in clean.items()})
    return bumdes


@transaction.atomic
def bumdes_update(*, actor: User | None, bumdes: Bumdes, data: dict[str, Any]) -> Bumdes:
    clean = _clean_bumdes(data)
    changes = model_update(instance=bumdes, fields=list(clean), data=clean)
    if changes:
        _audit(actor, bumdes.village, "bumdes_updated", bumdes, changes.for_audit())
    return bumdes


@transaction.atomic
def unit_create(
    *, actor: User | None, bumdes: Bumdes, name: str, kind: str, started_on: dt.date | None = None
) -> BusinessUnit:
    name = " ".join(name.split())
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Nama unit wajib diisi.")]
    elif BusinessUnit.objects.filter(bumdes=bumdes, name__iexact=name).exists():
        errors["name"] = [_("Unit dengan nama ini sudah ada.")]
    if kind not in BusinessUnit.Kind.values:
        errors["kind"] = [_("Jenis usaha unit tidak dikenal.")]
    if errors:
        raise ValidationError(errors)
    unit = BusinessUnit.objects.create(
        village=bumdes.village, bumdes=bumdes, name=name, kind=kind, started_on=started_on
    )
    _audit(actor, bumdes.village, "unit_created", unit, {"name": name, "kind": kind})
    return unit


@transaction.atomic
def manager_appoint(
    *,
    actor: User | None,
    bumdes: Bumdes,
    resident: Resident,
    position: str,
    started_on: dt.date,
    unit: BusinessUnit | None = None,
) -> BumdesManager:
    _check_resident(bumdes.village, resident)
    if position not in BumdesManager.Position.values:
        raise ValidationError({"position": [_("Jabatan tidak dikenal.")]})
    if unit is not None and unit.bumdes_id != bumdes.pk:
        raise BusinessUnit.DoesNotExist
    manager = BumdesManager.objects.create(
        village=bumdes.village,
        bumdes=bumdes,
        resident=resident,
        position=position,
        unit=unit,
        started_on=started_on,
    )
    _audit(
        actor,
        bumdes.village,
        "manager_appointed",
        manager,
        {"resident": resident.public_id, "position": position, "started_on": started_on.isoformat()},
    )
    return manager


@transaction.atomic
def manager_end(
    *, actor: User | None, manager: BumdesManager, ended_on: dt.date, reason: str
) -> BumdesManager:
    if manager.ended_on is not None:
        return manager
    if ended_on < manager.started_on:
        raise ValidationError({"ended_on": [_("Tanggal berhenti tidak boleh sebelum mulai menjabat.")]})
    manager.ended_on = ended_on
    manager.end_reason = reason[:120]
    manager.save(update_fields=["ended_on", "end_reason", "updated_at"])
    _audit(
        actor,
        manager.village,
        "manager_ended",
        manager,
        {"ended_on": ended_on.isoformat(), "reason": manager.end_reason},
    )
    return manager


# --- Books ---------------------------------------------------------------------------------

Line = tuple[str, int, int] | tuple[str, int, int, str]


def _cash_balance(unit: BusinessUnit, account: Account, *, through: dt.date | None = None) -> int:
    qs = JournalLine.objects.filter(unit=unit, account=account)
    if through is not None:
        qs = qs.filter(date__lte=through)
    sums = qs.aggregate(d=Sum("debit"), c=Sum("credit"))
    return (sums["d"] or 0) - (sums["c"] or 0)


def _post(
    *,
    actor: Any,
    bumdes: Bumdes,
    unit: BusinessUnit,
    date: dt.date,
    description: str,
    lines: Sequence[Line],
    kind: str,
    closing: bool = False,
) -> JournalEntry:
    if unit.bumdes_id != bumdes.pk:
        raise BusinessUnit.DoesNotExist
    description = " ".join(description.split())
    errors: dict[str, list[str]] = {}
    if not description:
        errors["description"] = [_("Uraian jurnal wajib diisi.")]
    # Read under the row lock: the caller's copy may predate a closing, and the lock also
    # keeps two posters from taking the same entry number.
    closed_through = (
        Bumdes.objects.select_for_update().values_list("closed_through", flat=True).get(pk=bumdes.pk)
    )
    if not closing and closed_through is not None and date <= closed_through:
        errors["date"] = [
            _("Periode sudah ditutup sampai %(d)s; jurnal hanya boleh bertanggal sesudahnya.")
            % {"d": closed_through.strftime("%d-%m-%Y")}
        ]
    problems = rules.entry_problems((ln[0], int(ln[1]), int(ln[2])) for ln in lines)
    if problems:
        errors["lines"] = problems
    accounts = {a.code: a for a in Account.objects.filter(bumdes=bumdes, code__in=[ln[0] for ln in lines])}
    unknown = sorted({ln[0] for ln in lines} - set(accounts))
    if unknown:
        errors.setdefault("lines", []).append(
            _("Kode akun tidak ada di bagan akun: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    if errors:
        raise ValidationError(errors)
    # Cash may not go below zero, neither on the entry's date nor after it.
    for code, acct in accounts.items():
        if not acct.is_cash:
            continue
        change = sum(int(ln[1]) - int(ln[2]) for ln in lines if ln[0] == code)
        if change >= 0:
            continue
        on_date = _cash_balance(unit, acct, through=date)
        now = _cash_balance(unit, acct)
        if min(on_date, now) + change < 0:
            raise ValidationError(
                {
                    "lines": [
                        _(
                            "Saldo %(acct)s unit %(unit)s tidak cukup: Rp%(bal)s, dikeluarkan Rp%(out)s. "
                            "Saldo kas tidak boleh minus."
                        )
                        % {
                            "acct": acct.name,
                            "unit": unit.name,
                            "bal": f"{min(on_date, now):,}".replace(",", "."),
                            "out": f"{-change:,}".replace(",", "."),
                        }
                    ]
                }
            )
    number = (JournalEntry.objects.filter(bumdes=bumdes).aggregate(n=Max("number"))["n"] or 0) + 1
    entry = JournalEntry.objects.create(
        village=bumdes.village,
        bumdes=bumdes,
        unit=unit,
        number=number,
        date=date,
        description=description,
        kind=kind,
        posted_by=actor,
        cash_change=sum(int(ln[1]) - int(ln[2]) for ln in lines if accounts[ln[0]].is_cash),
        flow=rules.flow_of([ln[0] for ln in lines if not accounts[ln[0]].is_cash]),
    )
    JournalLine.objects.bulk_create(
        JournalLine(
            village=bumdes.village,
            entry=entry,
            unit=unit,
            account=accounts[ln[0]],
            date=date,
            debit=int(ln[1]),
            credit=int(ln[2]),
            memo=(str(ln[3]) if len(ln) > 3 else "")[:120],
        )
        for ln in lines
    )
    _audit(
        actor,
        bumdes.village,
        "entry_posted",
        entry,
        {
            "number": number,
            "unit": unit.public_id,
            "date": date.isoformat(),
            "kind": kind,
            "lines": [[ln[0], int(ln[1]), int(ln[2])] for ln in lines],
        },
    )
    return entry


@transaction.atomic
def entry_post(
    *,
    actor: User | None,
    bumdes: Bumdes,
    unit: BusinessUnit,
    date: dt.date,
    description: str,
    lines: Sequence[Line],
    kind: str = JournalEntry.Kind.GENERAL,
) -> JournalEntry:
    """Post a balanced entry into the unit's books (see the module docstring for refusals)."""
    if kind in (JournalEntry.Kind.CLOSING, JournalEntry.Kind.CAPITAL, JournalEntry.Kind.DISTRIBUTION):
        raise ApplicationError(_("Jurnal jenis ini dibuat oleh langkahnya sendiri, bukan dari jurnal umum."))
    return _post(
        actor=actor, bumdes=bumdes, unit=unit, date=date, description=description, lines=lines, kind=kind
    )


@transaction.atomic
def capital_participation_record(
    *,
    actor: User | None,
    bumdes: Bumdes,
    unit: BusinessUnit,
    date: dt.date,
    amount: int,
    fiscal_year: int,
    decree: str = "",
) -> CapitalParticipation:
    """Penyertaan modal desa: cash into the unit, equity of the village (APBDes 6.2.2)."""
    if amount <= 0:
        raise ValidationError({"amount": [_("Jumlah penyertaan modal harus lebih dari nol.")]})
    if not 2000 <= fiscal_year <= date.year + 1:
        raise ValidationError({"fiscal_year": [_("Tahun anggaran tidak masuk akal.")]})
    entry = _post(
        actor=actor,
        bumdes=bumdes,
        unit=unit,
        date=date,
        description=_("Penyertaan modal desa TA %(y)s") % {"y": fiscal_year},
        lines=[(chart.CASH, amount, 0), (chart.VILLAGE_CAPITAL, 0, amount)],
        kind=JournalEntry.Kind.CAPITAL,
    )
    ref, note = finance_link.record_village_realisation(
        actor=actor,
        village=bumdes.village,
        code=chart.APBDES_CAPITAL_PARTICIPATION,
        amount=amount,
        date=date,
        number=f"BUMDES-{entry.number}",
        description=_("Penyertaan modal desa ke %(b)s (%(u)s)") % {"b": bumdes.name, "u": unit.name},
    )
    capital = CapitalParticipation.objects.create(
        village=bumdes.village,
        bumdes=bumdes,
        unit=unit,
        date=date,
        amount=amount,
        fiscal_year=fiscal_year,
        decree=" ".join(decree.split())[:120],
        entry=entry,
        finance_ref=ref,
        finance_note=note,
    )
    _audit(
        actor,
        bumdes.village,
        "capital_recorded",
        capital,
        {"amount": amount, "fiscal_year": fiscal_year, "unit": unit.public_id, "finance_ref": ref},
    )
    return capital


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@transaction.atomic
def period_close(*, actor: User | None, bumdes: Bumdes, through: dt.date, today: dt.date) -> Bumdes:
    """Close the books through the end of a month. Closing a December also closes the year:
    each unit's revenue and expense of that year move into retained earnings (jurnal penutup)."""
    bumdes = Bumdes.objects.select_for_update().get(pk=bumdes.pk)
    through = month_end(through)
    if through >= today:
        raise ValidationError({"through": [_("Hanya bulan yang sudah berakhir yang dapat ditutup.")]})
    if bumdes.closed_through is not None and through <= bumdes.closed_through:
        raise ValidationError(
            {
                "through": [
                    _("Buku sudah ditutup sampai %(d)s.") % {"d": bumdes.closed_through.strftime("%d-%m-%Y")}
                ]
            }
        )
    first_open = (
        (bumdes.closed_through + dt.timedelta(days=1)) if bumdes.closed_through else dt.date(1900, 1, 1)
    )
    lines = JournalLine.objects.filter(entry__bumdes=bumdes, date__gte=first_open, date__lte=through)
    years = {d.year for d in lines.dates("date", "year") if dt.date(d.year, 12, 31) <= through}
    for year in sorted(years):
        _close_year(actor=actor, bumdes=bumdes, year=year)
    bumdes.closed_through = through
    bumdes.save(update_fields=["closed_through", "updated_at"])
    PeriodClose.objects.create(village=bumdes.village, bumdes=bumdes, through=through, closed_by=actor)
    _audit(actor, bumdes.village, "period_closed", bumdes, {"through": through.isoformat()})
    return bumdes


def _close_year(*, actor: Any, bumdes: Bumdes, year: int) -> None:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = (
        JournalLine.objects.filter(
            entry__bumdes=bumdes,
            date__gte=start,
            date__lte=end,
            account__type__in=[Account.Type.REVENUE, Account.Type.EXPENSE],
        )
        .values("unit", "account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    per_unit: dict[int, list[tuple[str, int, int]]] = {}
    for r in rows:
        net = (r["d"] or 0) - (r["c"] or 0)
        if net:
            # Reverse the balance: a credit balance (revenue) is debited away, and so on.
            per_unit.setdefault(r["unit"], []).append((r["account__code"], max(-net, 0), max(net, 0)))
    for unit_pk, lines in per_unit.items():
        profit = sum(d - c for _code, d, c in lines)  # debits to revenue minus credits to expense
        if profit > 0:
            lines.append((chart.RETAINED, 0, profit))
        elif profit < 0:
            lines.append((chart.RETAINED, -profit, 0))
        _post(
            actor=actor,
            bumdes=bumdes,
            unit=BusinessUnit.objects.get(pk=unit_pk),
            date=end,
            description=_("Jurnal penutup tahun buku %(y)s") % {"y": year},
            lines=lines,
            kind=JournalEntry.Kind.CLOSING,
            closing=True,
        )


def unit_year_profit(*, unit: BusinessUnit, year: int) -> int:
    """Net profit of the unit's year, from its revenue and expense lines (closing entries left out)."""
    sums = (
        JournalLine.objects.filter(
            unit=unit,
            date__year=year,
            account__type__in=[Account.Type.REVENUE, Account.Type.EXPENSE],
        )
        .exclude(entry__kind=JournalEntry.Kind.CLOSING)
        .aggregate(d=Sum("debit"), c=Sum("credit"))
    )
    return (sums["c"] or 0) - (sums["d"] or 0)


@transaction.atomic
def profit_distribute(
    *, actor: User | None, bumdes: Bumdes, unit: BusinessUnit, year: int, date: dt.date
) -> ProfitDistribution:
    """Pay the village its share of a closed year's profit: retained earnings out of cash, and
    the same amount as village revenue PADes 4.1.1."""
    bumdes = Bumdes.objects.select_for_update().get(pk=bumdes.pk)
    if bumdes.closed_through is None or bumdes.closed_through < dt.date(year, 12, 31):
        raise ApplicationError(
            _("Tahun buku %(y)s belum ditutup; tutup buku Desember %(y)s dulu sebelum membagi laba.")
            % {"y": year}
        )
    if ProfitDistribution.objects.filter(unit=unit, year=year).exists():
        raise ApplicationError(_("Laba tahun %(y)s unit ini sudah dibagi.") % {"y": year})
    profit = unit_year_profit(unit=unit, year=year)
    if profit <= 0:
        raise ApplicationError(
            _("Unit ini tidak membukukan laba pada tahun %(y)s; tidak ada yang dibagi.") % {"y": year}
        )
    share = profit * bumdes.village_share_percent // 100
    if share <= 0:
        raise ApplicationError(_("Bagian desa dari laba adalah nol."))
    entry = _post(
        actor=actor,
        bumdes=bumdes,
        unit=unit,
        date=date,
        description=_("Bagi hasil laba %(y)s untuk desa (PADes)") % {"y": year},
        lines=[(chart.RETAINED, share, 0), (chart.CASH, 0, share)],
        kind=JournalEntry.Kind.DISTRIBUTION,
    )
    ref, note = finance_link.record_village_realisation(
        actor=actor,
        village=bumdes.village,
        code=chart.APBDES_PADES_BUMDES,
        amount=share,
        date=date,
        number=f"BUMDES-{entry.number}",
        description=_("Bagi hasil BUMDes %(b)s unit %(u)s tahun %(y)s")
        % {"b": bumdes.name, "u": unit.name, "y": year},
    )
    dist = ProfitDistribution.objects.create(
        village=bumdes.village,
        bumdes=bumdes,
        unit=unit,
        year=year,
        date=date,
        net_profit=profit,
        village_share=share,
        entry=entry,
        finance_ref=ref,
        finance_note=note,
    )
    _audit(
        actor,
        bumdes.village,
        "profit_distributed",
        dist,
        {
            "year": year,
            "unit": unit.public_id,
            "net_profit": profit,
            "village_share": share,
            "finance_ref": ref,
        },
    )
    return dist


# --- UMKM ----------------------------------------------------------------------------------

BUSINESS_FIELDS = (
    "name",
    "sector",
    "kbli",
    "description",
    "address",
    "started_year",
    "phone",
    "contact_public",
    "listed",
    "nib",
    "pirt",
    "halal",
)


def _clean_business(data: dict[str, Any], *, today: dt.date) -> dict[str, Any]:
    clean: dict[str, Any] = {k: _text(data, k) for k in BUSINESS_FIELDS}
    clean["contact_public"] = bool(data.get("contact_public"))
    clean["listed"] = bool(data.get("listed", True))
    errors: dict[str, list[str]] = {}
    if not clean["name"]:
        errors["name"] = [_("Nama usaha wajib diisi.")]
    if clean["sector"] not in chart.SECTORS:
        errors["sector"] = [_("Pilih sektor usaha (kategori KBLI).")]
    if clean["kbli"] and not (clean["kbli"].isdigit() and len(clean["kbli"]) == 5):
        errors["kbli"] = [_("Kode KBLI harus 5 angka, contoh 10792.")]
    if not clean["address"]:
        errors["address"] = [_("Alamat usaha wajib diisi.")]
    year = clean["started_year"]
    if year:
        if not (year.isdigit() and 1950 <= int(year) <= today.year):
            errors["started_year"] = [_("Tahun berdiri harus antara 1950 dan %(y)s.") % {"y": today.year}]
        else:
            clean["started_year"] = int(year)
    else:
        clean["started_year"] = None
    phone = clean["phone"].replace(" ", "").replace("-", "")
    if phone and not (phone.lstrip("+").isdigit() and 9 <= len(phone.lstrip("+")) <= 15):
        errors["phone"] = [_("Nomor HP harus 9–15 angka, contoh 081234567890.")]
    clean["phone"] = phone
    if clean["contact_public"] and not phone:
        errors["contact_public"] = [_("Tidak ada nomor HP untuk ditampilkan.")]
    if clean["nib"] and not (clean["nib"].isdigit() and len(clean["nib"]) == 13):
        errors["nib"] = [_("NIB harus 13 angka (Nomor Induk Berusaha dari OSS).")]
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def business_create(
    *, actor: User | None, village: Village, owner: Resident, data: dict[str, Any], today: dt.date
) -> Business:
    _check_resident(village, owner)
    clean = _clean_business(data, today=today)
    business = Business.objects.create(village=village, owner=owner, **clean)
    _audit(actor, village, "business_created", business, {"owner": owner.public_id, **clean})
    return business


@transaction.atomic
def business_update(
    *, actor: User | None, business: Business, data: dict[str, Any], today: dt.date
) -> Business:
    clean = _clean_business(data, today=today)
    changes = model_update(instance=business, fields=list(clean), data=clean)
    if changes:
        _audit(actor, business.village, "business_updated", business, changes.for_audit())
    return business


@transaction.atomic
def business_close(*, actor: Any, business: Business, reason: str) -> Business:
    """Take the business off the public page and the kiosk (kept for the record)."""
    if not business.is_active:
        return business
    business.is_active = False
    business.closed_reason = reason[:120]
    business.save(update_fields=["is_active", "closed_reason", "updated_at"])
    _audit(actor, business.village, "business_closed", business, {"reason": business.closed_reason})
    return business


@transaction.atomic
def business_reopen(*, actor: Any, business: Business) -> Business:
    if business.is_active:
        return business
    business.is_active = True
    business.closed_reason = ""
    business.save(update_fields=["is_active", "closed_reason", "updated_at"])
    _audit(actor, business.village, "business_reopened", business, {})
    return business


def reencode_photo(data: bytes) -> bytes:
    """The photo drawn again as a JPEG (pixels only: no EXIF/GPS, no text chunks, nothing that
    could run); ValidationError for anything that is not an image or is too large."""
    if len(data) > PHOTO_MAX_BYTES:
        raise ValidationError(
            {"photo": [_("Foto paling besar 5 MB (berkas ini %(mb).1f MB).") % {"mb": len(data) / 1048576}]}
        )
    not_image = ValidationError({"photo": [_("Foto harus berupa gambar JPEG, PNG atau WebP.")]})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
            fmt = probe.format or ""
            width, height = probe.size
        if fmt not in ("JPEG", "PNG", "WEBP"):
            raise not_image
        if width * height > PHOTO_MAX_PIXELS:
            raise ValidationError({"photo": [_("Ukuran foto terlalu besar (paling banyak 40 megapiksel).")]})
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image) or image
            rgb = upright.convert("RGB")
            rgb.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
            out = io.BytesIO()
            rgb.save(out, format="JPEG", quality=85, optimize=True)
            return out.getvalue()
    except ValidationError:
        raise
    except Exception:  # Pillow raises many kinds of errors for a damaged or foreign file
        raise not_image


def _clean_product(data: dict[str, Any]) -> dict[str, Any]:
    name = _text(data, "name")
    unit = _text(data, "unit")
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Nama produk wajib diisi.")]
    raw = str(data.get("price") or "").replace(".", "").replace("Rp", "").strip()
    try:
        price = int(Decimal(raw))
    except (InvalidOperation, ValueError):
        price = -1
    if price < 0 or price > 10_000_000_000:
        errors["price"] = [_("Harga harus angka rupiah, contoh 15000.")]
    if errors:
        raise ValidationError(errors)
    return {"name": name, "unit": unit[:30], "price": price}


@transaction.atomic
def product_save(
    *,
    actor: User | None,
    business: Business,
    data: dict[str, Any],
    photo: bytes | None = None,
    product: Product | None = None,
) -> Product:
    clean = _clean_product(data)
    # Re-encode before anything is written, so a bad photo leaves the product as it was.
    jpeg = reencode_photo(photo) if photo else None
    if product is None:
        product = Product.objects.create(village=business.village, business=business, **clean)
        changes: dict[str, Any] = dict(clean)
    else:
        if product.business_id != business.pk:
            raise Product.DoesNotExist
        changes = model_update(instance=product, fields=list(clean), data=clean).for_audit()
    if jpeg is not None:
        old = product.photo
        name = default_storage.save(f"{PHOTO_DIR}/{secrets.token_hex(12)}.jpg", ContentFile(jpeg))
        product.photo = name
        product.save(update_fields=["photo", "updated_at"])
        changes["photo"] = [old, name]
        if old:
            transaction.on_commit(lambda: default_storage.delete(old))
    _audit(actor, business.village, "product_saved", product, changes)
    return product


@transaction.atomic
def product_delete(*, actor: User | None, product: Product) -> None:
    photo = product.photo
    _audit(actor, product.village, "product_deleted", product, {"name": product.name})
    product.delete()
    if photo:
        transaction.on_commit(lambda: default_storage.delete(photo))


# --- Potential and prices ------------------------------------------------------------------


@transaction.atomic
def potential_save(
    *, actor: User | None, village: Village, data: dict[str, Any], potential: Potential | None = None
) -> Potential:
    clean: dict[str, Any] = {
        "category": _text(data, "category"),
        "name": _text(data, "name"),
        "unit": _text(data, "unit"),
        "note": _text(data, "note"),
    }
    errors: dict[str, list[str]] = {}
    if clean["category"] not in Potential.Category.values:
        errors["category"] = [_("Kategori potensi tidak dikenal.")]
    if not clean["name"]:
        errors["name"] = [_("Nama potensi wajib diisi.")]
    if not clean["unit"]:
        errors["unit"] = [_("Satuan wajib diisi (contoh: ha, ekor, ton/tahun).")]
    try:
        clean["quantity"] = Decimal(str(data.get("quantity") or "").replace(",", "."))
        if clean["quantity"] < 0 or clean["quantity"] >= Decimal("1e12"):
            raise InvalidOperation
    except InvalidOperation:
        errors["quantity"] = [_("Jumlah harus angka, contoh 12,5.")]
    try:
        clean["year"] = int(str(data.get("year") or ""))
        if not 2000 <= clean["year"] <= 2100:
            raise ValueError
    except ValueError:
        errors["year"] = [_("Tahun data harus 4 angka.")]
    if errors:
        raise ValidationError(errors)
    if potential is None:
        potential = Potential.objects.create(village=village, **clean)
        changes: dict[str, Any] = {k: str(v) for k, v in clean.items()}
    else:
        changes = model_update(instance=potential, fields=list(clean), data=clean).for_audit()
    _audit(actor, village, "potential_saved", potential, changes)
    return potential


@transaction.atomic
def price_record(
    *, actor: User | None, village: Village, week: dt.date, prices: dict[str, Any]
) -> list[MarketPrice]:
    """The week's prices (any day of the week is taken to its Monday); one row per staple."""
    monday = week - dt.timedelta(days=week.weekday())
    errors: dict[str, list[str]] = {}
    clean: dict[str, int] = {}
    for code, value in prices.items():
        if code not in chart.COMMODITIES:
            errors[code] = [_("Komoditas tidak dikenal.")]
            continue
        text = str(value or "").replace(".", "").strip()
        if not text:
            continue
        if not text.isdigit() or not 0 < int(text) < 100_000_000:
            errors[code] = [_("Harga %(c)s harus angka rupiah.") % {"c": chart.COMMODITIES[code][0]}]
            continue
        clean[code] = int(text)
    if errors:
        raise ValidationError(errors)
    if not clean:
        raise ValidationError({"__all__": [_("Isi paling sedikit satu harga.")]})
    saved = []
    for code, price in clean.items():
        row, _created = MarketPrice.objects.update_or_create(
            village=village, commodity=code, week=monday, defaults={"price": price, "recorded_by": actor}
        )
        saved.append(row)
    audit_record(
        actor=actor,
        village=village,
        action="economy.prices_recorded",
        object_type="market_price",
        object_id=monday.isoformat(),
        changes=dict(clean),
    )
    return saved


def lines_from_rows(rows: Iterable[dict[str, Any]]) -> list[tuple[str, int, int, str]]:
    """Journal lines from a form's rows; blank rows skipped, bad amounts named by row."""
    lines: list[tuple[str, int, int, str]] = []
    errors: list[str] = []
    for i, row in enumerate(rows, start=1):
        code = str(row.get("account") or "").strip()
        d_raw = str(row.get("debit") or "").replace(".", "").strip() or "0"
        c_raw = str(row.get("credit") or "").replace(".", "").strip() or "0"
        if not code and d_raw == "0" and c_raw == "0":
            continue
        if not (d_raw.isdigit() and c_raw.isdigit()):
            errors.append(_("Baris %(i)s: jumlah harus angka rupiah tanpa tanda minus.") % {"i": i})
            continue
        lines.append((code, int(d_raw), int(c_raw), str(row.get("memo") or "")))
    if errors:
        raise ValidationError({"lines": errors})
    return lines


def business_viewed(*, actor: Any, business: Business) -> None:
    """A staff view of a business names its owner (a resident): logged like any record read."""
    audit_record(
        actor=actor,
        village=business.village,
        action="economy.business_viewed",
        object_type="business",
        object_id=business.public_id,
        changes={"owner": business.owner.public_id},
    )
