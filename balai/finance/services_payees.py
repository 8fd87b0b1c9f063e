"""Who is paid (issue 17 item 7, "single data"): a payee is a resident of the registry or a
vendor (penyedia) registered by the village; only imported Siskeudes rows keep their payee as
the text they came with. A payment to a resident who is no longer a living resident of the
village is refused, and an unpaid SPP to a resident who dies or moves away is held for review
(finance/life_events.py)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from balai.core.errors import ApplicationError
from balai.finance.guards import _allow, _audit, _own
from balai.finance.models import BudgetLine, PaymentRequest, Vendor
from balai.people.codes import STATUS_ALIVE
from balai.people.models import Resident
from balai.regions.models import Village

if TYPE_CHECKING:
    from balai.accounts.models import User
    from balai.staff.models import Official

VENDOR_FIELDS = ("name", "npwp", "bank_name", "bank_account", "address")


def _clean_vendor(values: dict[str, object]) -> dict[str, str]:
    name = " ".join(str(values.get("name") or "").split())
    if not name:
        raise ValidationError({"name": _("Nama penyedia wajib diisi.")})
    if len(name) > 160:
        raise ValidationError({"name": _("Nama penyedia paling panjang 160 karakter.")})
    npwp = re.sub(r"[\s.\-]", "", str(values.get("npwp") or ""))
    if npwp and not re.fullmatch(r"\d{15}|\d{16}", npwp):
        raise ValidationError({"npwp": _("NPWP 15 atau 16 angka (titik dan tanda hubung boleh).")})
    account = re.sub(r"[\s.\-]", "", str(values.get("bank_account") or ""))
    if account and not re.fullmatch(r"\d{5,25}", account):
        raise ValidationError({"bank_account": _("Nomor rekening 5–25 angka.")})
    bank = " ".join(str(values.get("bank_name") or "").split())[:60]
    if account and not bank:
        raise ValidationError({"bank_name": _("Sebutkan bank untuk nomor rekening ini.")})
    return {
        "name": name,
        "npwp": npwp,
        "bank_name": bank,
        "bank_account": account,
        "address": " ".join(str(values.get("address") or "").split())[:255],
    }


@transaction.atomic
def vendor_create(*, actor: User | None, village: Village, **values: object) -> Vendor:
    _allow(actor, "finance.budget")
    clean = _clean_vendor(values)
    if Vendor.objects.filter(village=village, name__iexact=clean["name"]).exists():
        raise ValidationError({"name": _("Penyedia %(n)s sudah terdaftar.") % {"n": clean["name"]}})
    vendor = Vendor.objects.create(village=village, **clean)
    # The NPWP and account number are not written into the audit trail, only that they were set.
    _audit(
        actor,
        village,
        "vendor.create",
        vendor,
        {"name": vendor.name, "npwp": bool(vendor.npwp), "bank_account": bool(vendor.bank_account)},
    )
    return vendor


@transaction.atomic
def vendor_update(
    *, actor: User | None, village: Village, vendor: Vendor, is_active: bool = True, **values: object
) -> Vendor:
    _allow(actor, "finance.budget")
    _own(village, vendor)
    clean = _clean_vendor(values)
    if Vendor.objects.filter(village=village, name__iexact=clean["name"]).exclude(pk=vendor.pk).exists():
        raise ValidationError({"name": _("Penyedia %(n)s sudah terdaftar.") % {"n": clean["name"]}})
    changed = {k: True for k, v in clean.items() if getattr(vendor, k) != v}
    if vendor.is_active != bool(is_active):
        changed["is_active"] = True
    for key, value in clean.items():
        setattr(vendor, key, value)
    vendor.is_active = bool(is_active)
    vendor.save()
    _audit(actor, village, "vendor.update", vendor, {"name": vendor.name, "changed": sorted(changed)})
    return vendor


def resident_payable(resident: Resident, village: Village) -> bool:
    """A resident may be paid while they are a living resident of this village."""
    return resident.village_id == village.pk and resident.status == STATUS_ALIVE


def payee_resolve(
    *, village: Village, resident: Resident | None, vendor: Vendor | None
) -> tuple[str, Resident | None, Vendor | None]:
    """The payee's name and link for a new SPP: exactly one resident or one active vendor."""
    if resident is not None and vendor is not None:
        raise ValidationError({"payee": _("Pilih satu penerima: warga atau penyedia, tidak keduanya.")})
    if resident is None and vendor is None:
        raise ValidationError(
            {"payee": _("Pilih penerima dari data penduduk (cari nama) atau dari daftar penyedia desa.")}
        )
    if resident is not None:
        if resident.village_id != village.pk:
            raise Resident.DoesNotExist
        if not resident_payable(resident, village):
            raise ValidationError(
                {
                    "payee": _("%(n)s tidak lagi tercatat sebagai penduduk hidup desa ini; SPP ditolak.")
                    % {"n": resident.name}
                }
            )
        return resident.name, resident, None
    assert vendor is not None
    if vendor.village_id != village.pk:
        raise Vendor.DoesNotExist
    if not vendor.is_active:
        raise ValidationError({"payee": _("Penyedia %(n)s sudah tidak aktif.") % {"n": vendor.name}})
    return vendor.name, None, vendor


def payee_check_before_payment(spp: PaymentRequest) -> None:
    """Refuse to pay an SPP held for review, or to a resident who is not a living resident."""
    if spp.hold_reason:
        raise ApplicationError(
            _("SPP ditahan: %(r)s Tolak SPP ini atau tunggu peristiwanya dibatalkan.")
            % {"r": spp.hold_reason}
        )
    if spp.payee_resident_id is not None:
        resident = Resident.objects.get(pk=spp.payee_resident_id)
        if not resident_payable(resident, spp.village):
            raise ApplicationError(
                _("%(n)s tidak lagi tercatat sebagai penduduk hidup desa ini; pembayaran ditolak.")
                % {"n": resident.name}
            )


def spp_hold(*, actor: User | None, spp: PaymentRequest, reason: str) -> PaymentRequest:
    """Hold an unpaid SPP (a life event of its payee); a review item points to it."""
    PaymentRequest.objects.filter(pk=spp.pk).update(hold_reason=reason[:255])
    spp.hold_reason = reason[:255]
    _audit(actor, spp.village, "spp.hold", spp, {"reason": reason})
    return spp


def spp_release(*, actor: User | None, spp: PaymentRequest) -> PaymentRequest:
    PaymentRequest.objects.filter(pk=spp.pk).update(hold_reason="")
    spp.hold_reason = ""
    _audit(actor, spp.village, "spp.release", spp, {})
    return spp


@transaction.atomic
def line_official_set(
    *, actor: User | None, village: Village, line: BudgetLine, official: Official | None
) -> BudgetLine:
    """Link a 5.1 line (fixed income, allowance) to the official it pays, or unlink it."""
    _allow(actor, "finance.budget")
    _own(village, line, official)
    if not line.account_code.startswith("5.1"):
        raise ValidationError({"line": _("Hanya rincian Belanja Pegawai (5.1) yang ditautkan ke perangkat.")})
    old = line.official_id
    BudgetLine.objects.filter(pk=line.pk).update(official=official)
    line.official = official
    _audit(
        actor,
        village,
        "line.official",
        line,
        {"official": [old, official.public_id if official is not None else None]},
    )
    return line
