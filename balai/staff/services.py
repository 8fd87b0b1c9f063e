"""Writes to village officials (perangkat desa). Every change is audited on the village chain."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from balai.audit.services import audit_record
from balai.core.digits import ascii_digits
from balai.core.services import model_update
from balai.regions.models import Village
from balai.regions.services import village_public_changed
from balai.staff.models import Official

if TYPE_CHECKING:
    from balai.accounts.models import User

OFFICIAL_FIELDS = [
    "name",
    "position",
    "nipd",
    "nip",
    "term_start",
    "term_end",
    "signs_letters",
    "signs_as",
    "on_behalf_of",
    "order",
    "is_active",
    "user",
]
_TEXT_LIMITS = {"name": 120, "position": 120, "nipd": 30, "on_behalf_of": 120}
SIGNS_AS_VALUES = {value for value, _label in Official.SignsAs.choices}


def _clean(data: dict[str, Any], current: Official | None, village: Village) -> dict[str, Any]:
    """Normalise and check one official's fields; a missing key keeps the current value."""

    def get(name: str, default: Any) -> Any:
        if name in data:
            return data[name]
        return getattr(current, name) if current is not None else default

    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for name, limit in _TEXT_LIMITS.items():
        out[name] = " ".join(str(get(name, "") or "").split())
        if len(out[name]) > limit:
            errors[name] = _("Paling banyak %(n)d karakter.") % {"n": limit}
    if not out["name"]:
        errors["name"] = _("Nama wajib diisi.")
    if not out["position"]:
        errors["position"] = _("Jabatan wajib diisi.")
    # A PNS NIP is 18 digits; people often type it grouped with spaces (8 6 1 3).
    nip = ascii_digits("".join(str(get("nip", "") or "").split()))
    if nip and not (nip.isascii() and nip.isdigit() and len(nip) == 18):
        errors["nip"] = _("NIP harus 18 angka.")
    out["nip"] = nip
    start, end = get("term_start", None), get("term_end", None)
    for name, value in (("term_start", start), ("term_end", end)):
        if value is not None and not isinstance(value, dt.date):
            errors[name] = _("Tanggal tidak valid.")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        errors["term_end"] = _("Akhir masa jabatan tidak boleh sebelum awalnya.")
    out["term_start"], out["term_end"] = start, end
    order = get("order", 0)
    if order in (None, ""):
        order = 0
    try:
        out["order"] = int(order)
    except (TypeError, ValueError):
        out["order"] = 0
        errors["order"] = _("Urutan harus angka.")
    if not 0 <= out["order"] <= 32767:
        errors["order"] = _("Urutan harus antara 0 dan 32767.")
    out["is_active"] = bool(get("is_active", True))
    out["signs_letters"] = bool(get("signs_letters", False))
    signs_as = str(get("signs_as", "") or "")
    if signs_as not in SIGNS_AS_VALUES:
        errors["signs_as"] = _("Cara tanda tangan tidak dikenal.")
    if not out["signs_letters"]:
        # Someone who does not sign has no signing style to keep.
        signs_as, out["on_behalf_of"] = "", ""
    elif not signs_as:
        errors["signs_as"] = _("Pilih cara tanda tangan: atas nama sendiri, a.n. atau u.b.")
    elif signs_as == Official.SignsAs.OWN:
        out["on_behalf_of"] = ""
    elif not out["on_behalf_of"]:
        errors["on_behalf_of"] = _(
            "Isi jabatan yang diwakili, mis. \u201cKepala Desa\u201d (a.n.) atau \u201cSekretaris Desa\u201d (u.b.)."
        )
    out["signs_as"] = signs_as
    user = get("user", None)
    if user is not None:
        taken = Official.objects.filter(village=village, user=user, is_active=True)
        if current is not None:
            taken = taken.exclude(pk=current.pk)
        if not user.is_active or user.village_id != village.pk:
            errors["user"] = _("Akun ini bukan akun aktif desa ini.")
        elif out["is_active"] and (other := taken.first()) is not None:
            errors["user"] = _("Akun ini sudah terhubung dengan %(name)s.") % {"name": other.name}
    out["user"] = user
    if errors:
        raise ValidationError(errors)
    return out


def _check_single_head(*, village: Village, values: dict[str, Any], exclude_pk: int | None) -> None:
    # Only one person signs in their own name (the kepala desa or an acting head), or a
    # letter would not know whose name to print.
    if not (values["is_active"] and values["signs_letters"] and values["signs_as"] == Official.SignsAs.OWN):
        return
    other = Official.objects.filter(
        village=village, is_active=True, signs_letters=True, signs_as=Official.SignsAs.OWN
    )
    if exclude_pk is not None:
        other = other.exclude(pk=exclude_pk)
    first = other.first()
    if first is not None:
        raise ValidationError(
            {
                "signs_as": _(
                    "%(name)s sudah menandatangani atas nama sendiri; nonaktifkan atau ubah dia dulu."
                )
                % {"name": first.name}
            }
        )


def _jsonable(value: Any) -> Any:
    if hasattr(value, "get_username"):  # the linked account, audited by its username
        return value.get_username()
    return value.isoformat() if isinstance(value, dt.date) else value


@transaction.atomic
def official_create(*, actor: User | None, village: Village, data: dict[str, Any]) -> Official:
    values = _clean({k: v for k, v in data.items() if k in OFFICIAL_FIELDS}, None, village)
    _check_single_head(village=village, values=values, exclude_pk=None)
    official = Official.objects.create(village=village, **values)
    audit_record(
        actor=actor,
        village=village,
        action="official.created",
        object_type="official",
        object_id=official.public_id,
        changes={k: _jsonable(v) for k, v in values.items() if v not in ("", None)},
    )
    village_public_changed(village=village)
    return official


@transaction.atomic
def official_update(*, actor: User | None, official: Official, data: dict[str, Any]) -> Official:
    values = _clean({k: v for k, v in data.items() if k in OFFICIAL_FIELDS}, official, official.village)
    _check_single_head(village=official.village, values=values, exclude_pk=official.pk)
    changes = model_update(instance=official, fields=list(values), data=values)
    if not changes:
        return official
    audit_record(
        actor=actor,
        village=official.village,
        action="official.updated",
        object_type="official",
        object_id=official.public_id,
        changes=changes.for_audit(_jsonable),
    )
    village_public_changed(village=official.village)
    return official


@transaction.atomic
def official_deactivate(*, actor: User | None, official: Official) -> Official:
    """End an official's service; the record stays for letters they signed earlier."""
    if not official.is_active:
        return official
    official.is_active = False
    official.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        village=official.village,
        action="official.deactivated",
        object_type="official",
        object_id=official.public_id,
    )
    village_public_changed(village=official.village)
    return official
