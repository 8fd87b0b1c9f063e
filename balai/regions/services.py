from __future__ import annotations

import csv
import io
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from balai.audit.services import audit_record
from balai.core.digits import ascii_digits
from balai.core.services import model_update
from balai.regions.models import Dusun, Region, Rt, Village
from balai.regions.selectors import DATA_DIR, _read_codes, deployment_regency_code, region_names

if TYPE_CHECKING:
    # The user model lives in accounts, a layer above; actors are only handed to the audit trail.
    from django.contrib.auth.base_user import AbstractBaseUser as User


def _level(code: str) -> int:
    return code.count(".") + 1


def _parent(code: str) -> str:
    return code.rsplit(".", 1)[0] if "." in code else ""


@transaction.atomic
def regions_load() -> int:
    """(Re)load every region code, current and historic, from the shipped CSV files."""
    rows = {
        code: Region(code=code, name=name, level=_level(code), parent_code=_parent(code))
        for code, name in _read_codes("wilayah.csv")
    }
    with (DATA_DIR / "wilayah_historic.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["kode"]
            if code not in rows:
                rows[code] = Region(
                    code=code,
                    name=row["nama"],
                    level=_level(code),
                    parent_code=_parent(code),
                    is_current=False,
                    last_seen=int(row["last_seen"]) if row.get("last_seen") else None,
                )
    Region.objects.all().delete()
    Region.objects.bulk_create(rows.values(), batch_size=5000)
    return len(rows)


@transaction.atomic
def village_create(*, code: str, actor: User | None = None, **profile: str) -> Village:
    names = region_names()
    regency = deployment_regency_code()
    if code not in names or code.count(".") != 3:
        raise ValidationError({"code": _("Kode desa %(code)s tidak dikenal.") % {"code": code}})
    if not code.startswith(regency + "."):
        raise ValidationError(
            {"code": _("Desa %(code)s tidak berada di kabupaten deployment ini.") % {"code": code}}
        )
    district = _parent(code)
    province = code.split(".")[0]
    village = Village.objects.create(
        code=code,
        name=names[code],
        district_code=district,
        district_name=names.get(district, ""),
        regency_code=regency,
        regency_name=names.get(regency, ""),
        province_name=names.get(province, ""),
        **profile,
    )
    audit_record(
        actor=actor,
        village=village,
        action="village.created",
        object_type="village",
        object_id=village.code,
        changes={"name": village.name},
    )
    return village


def dusun_get_or_create(*, village: Village, name: str) -> Dusun:
    dusun, _created = Dusun.objects.get_or_create(village=village, name=name)
    return dusun


def rt_get_or_create(*, village: Village, dusun_name: str, rw: str, rt: str) -> Rt:
    dusun = dusun_get_or_create(village=village, name=dusun_name)
    obj, _created = Rt.objects.get_or_create(village=village, dusun=dusun, rw=rw, rt=rt)
    return obj


# --- Villages of the deployment (Dispermades) and each village's profile -------------------

LOGO_MAX_BYTES = 1024 * 1024
# A 1 MB PNG can hold an image of hundreds of megapixels; a logo needs far fewer.
LOGO_MAX_PIXELS = 5000 * 5000
# Formats a letterhead renderer can embed; SVG is left out (it can carry scripts).
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
PROFILE_FIELDS = {"address": 255, "postal_code": 5, "phone": 32, "email": 254, "head_name": 120}


@transaction.atomic
def village_add(*, actor: User | None, code: str) -> Village:
    """Serve a village of the regency: create it, or reactivate it if it was deactivated."""
    code = code.strip()
    existing = Village.objects.filter(code=code).first()
    if existing is None:
        return village_create(code=code, actor=actor)
    if existing.is_active:
        raise ValidationError(
            {"code": _("Desa %(name)s (%(code)s) sudah terdaftar.") % {"name": existing.name, "code": code}}
        )
    existing.is_active = True
    existing.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        village=existing,
        action="village.reactivated",
        object_type="village",
        object_id=existing.code,
    )
    return existing


@transaction.atomic
def village_deactivate(*, actor: User | None, village: Village) -> Village:
    """Stop serving a village: its users lose access, its data stays (and can come back)."""
    if not village.is_active:
        return village
    village.is_active = False
    village.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        village=village,
        action="village.deactivated",
        object_type="village",
        object_id=village.code,
    )
    return village


# Indonesia from Sabang to Merauke, Miangas to Rote, with a margin: a point outside is a typo
# (swapped fields, a missing minus sign), not a village.
COORDINATE_FIELDS = ("latitude", "longitude")
INDONESIA_LAT = (Decimal("-11.5"), Decimal("6.5"))
INDONESIA_LON = (Decimal("94.5"), Decimal("141.5"))


def _comma(number: Decimal) -> str:
    """A degree value written the Indonesian way, as the form's hint does ("-6,95")."""
    return str(number).replace(".", ",")


def _coordinate(value: object, *, field: str, low: Decimal, high: Decimal, name: str) -> Decimal | None:
    """A degree value from the form or the API: "-6,95" and "-6.95" alike; blank is None."""
    text = ascii_digits(_clean_text(value)).replace(",", ".").replace("−", "-")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise ValidationError(
            {field: _("%(name)s harus berupa angka derajat, misalnya -6,9512.") % {"name": name}}
        )
    limit = Decimal(90 if field == "latitude" else 180)
    if abs(number) > limit:
        raise ValidationError(
            {
                field: _("%(name)s harus di antara -%(limit)s dan %(limit)s derajat.")
                % {"name": name, "limit": limit}
            }
        )
    if not low <= number <= high:
        raise ValidationError(
            {
                field: _("%(name)s %(value)s di luar wilayah Indonesia (%(low)s sampai %(high)s).")
                % {"name": name, "value": _comma(number), "low": _comma(low), "high": _comma(high)}
            }
        )
    return number.quantize(Decimal("0.000001"))


def village_coordinates(data: dict[str, Any]) -> dict[str, Decimal | None]:
    """The office point from `data` ("latitude"/"longitude"): both or neither, each in range."""
    errors: dict[str, str] = {}
    values: dict[str, Decimal | None] = {}
    for field, name, (low, high) in (
        ("latitude", _("Lintang"), INDONESIA_LAT),
        ("longitude", _("Bujur"), INDONESIA_LON),
    ):
        try:
            values[field] = _coordinate(data.get(field), field=field, low=low, high=high, name=name)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if not errors and (values["latitude"] is None) != (values["longitude"] is None):
        missing = "latitude" if values["latitude"] is None else "longitude"
        errors[missing] = _("Isi lintang dan bujur bersama-sama, atau kosongkan keduanya.")
    if errors:
        raise ValidationError(errors)
    return values


def village_public_changed(*, village: Village) -> None:
    """Something on the village's public page changed (profile, officials, posts, services):
    its stamp moves, so every app server's cached copy of the page is stale at once.

    The stamp is `updated_at`, read by the public page on each view (one indexed row), so it
    works with a per-process cache; no separate column to keep in step."""
    from django.utils import timezone

    Village.objects.filter(pk=village.pk).update(updated_at=timezone.now())


def _clean_text(value: object) -> str:
    return " ".join(str(value or "").split())


def _reencoded_logo(logo: UploadedFile) -> tuple[bytes, str]:
    """The logo drawn again into a new file, and its extension; ValidationError otherwise.

    Only the pixels are kept: a photo's EXIF (GPS position, camera), text chunks and
    colour profiles are not copied. JPEG stays JPEG; PNG, GIF and WebP become PNG (the
    first frame of an animation), transparency kept.
    """
    not_an_image = ValidationError({"logo": _("Logo harus berupa berkas gambar (PNG, JPEG, GIF atau WebP).")})
    if logo.size is not None and logo.size > LOGO_MAX_BYTES:
        raise ValidationError(
            {"logo": _("Logo paling besar 1 MB (berkas ini %(kb)d KB).") % {"kb": logo.size // 1024}}
        )
    try:
        logo.seek(0)
        data = logo.read(LOGO_MAX_BYTES + 1)
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
            fmt = probe.format or ""
            width, height = probe.size
        if fmt not in LOGO_FORMATS:
            raise not_an_image
        if width * height > LOGO_MAX_PIXELS:
            raise ValidationError(
                {"logo": _("Logo terlalu besar ukurannya (paling banyak 5000 × 5000 piksel).")}
            )
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image) or image
            out = io.BytesIO()
            if fmt == "JPEG":
                upright.convert("RGB").save(out, format="JPEG", quality=92)
                return out.getvalue(), "jpg"
            has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
            upright.convert("RGBA" if has_alpha else "RGB").save(out, format="PNG", optimize=True)
            return out.getvalue(), "png"
    except ValidationError:
        raise
    except Exception:  # Pillow raises many kinds of errors for a damaged or foreign file
        raise not_an_image
    finally:
        logo.seek(0)


@transaction.atomic
def village_profile_update(
    *,
    actor: User | None,
    village: Village,
    data: dict[str, Any],
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
) -> Village:
    """Edit the identity printed on letterheads: office address, contacts, head's name, logo;
    and the office's point on the map (latitude/longitude, both or neither)."""
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, limit in PROFILE_FIELDS.items():
        if name not in data:
            continue
        value = _clean_text(data[name])
        if len(value) > limit:
            errors[name] = _("Paling banyak %(n)d karakter.") % {"n": limit}
        cleaned[name] = value
    for name in ("postal_code", "phone"):
        if cleaned.get(name):
            cleaned[name] = ascii_digits(cleaned[name])
    if cleaned.get("postal_code") and not re.fullmatch(r"[0-9]{5}", cleaned["postal_code"]):
        errors["postal_code"] = _("Kode pos harus 5 angka.")
    if cleaned.get("phone") and not re.fullmatch(r"[0-9+()\- ]{5,32}", cleaned["phone"]):
        errors["phone"] = _("Nomor telepon hanya boleh berisi angka, spasi, +, - dan tanda kurung.")
    if cleaned.get("email"):
        cleaned["email"] = cleaned["email"].lower()
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            errors["email"] = _("Alamat email tidak valid.")
    coordinates: dict[str, Decimal | None] = {}
    if "latitude" in data or "longitude" in data:
        try:
            coordinates = village_coordinates(data)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    extension, logo_data = "", b""
    if logo is not None:
        try:
            logo_data, extension = _reencoded_logo(logo)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    data = {**cleaned, **coordinates}
    old_logo = village.logo.name if village.logo else ""
    if logo is not None:
        data["logo"] = _logo_store(village, ContentFile(logo_data), extension)
    elif remove_logo:
        data["logo"] = ""
    changes = model_update(instance=village, fields=[*cleaned, *coordinates, "logo"], data=data)
    if not changes:
        return village
    if "logo" in changes and old_logo:
        # Issued letters print the copy kept when they were issued (balai.letters.logos), so the old file can go.
        transaction.on_commit(lambda: default_storage.delete(old_logo))
    audit_record(
        actor=actor,
        village=village,
        action="village.profile_updated",
        object_type="village",
        object_id=village.code,
        changes=changes.for_audit(),
    )
    return village


def _logo_store(village: Village, content: ContentFile[bytes], extension: str) -> str:
    """Write the (re-encoded) logo under the village's code; the stored file's name."""
    field = village.logo.field
    name = field.generate_filename(village, f"{village.code_digits}.{extension}")
    return field.storage.save(name, content, max_length=field.max_length)


def _dusun_name(value: object) -> str:
    # Same spelling rule as the OpenSID importer, so an import finds the dusun made here.
    name = _clean_text(value).upper()
    if name.startswith("DUSUN "):
        name = name[6:].strip()
    return name


def _check_dusun_name(*, village: Village, name: str, exclude_pk: int | None = None) -> None:
    if not name:
        raise ValidationError({"name": _("Nama dusun wajib diisi.")})
    if len(name) > 100:
        raise ValidationError({"name": _("Nama dusun paling banyak 100 karakter.")})
    clash = Dusun.objects.filter(village=village, name=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": _("Dusun %(name)s sudah ada di desa ini.") % {"name": name}})


def _check_head_name(value: object) -> str:
    head = _clean_text(value)
    if len(head) > 120:
        raise ValidationError({"head_name": _("Nama kepala paling banyak 120 karakter.")})
    return head


@transaction.atomic
def dusun_create(*, actor: User | None, village: Village, name: str, head_name: str = "") -> Dusun:
    clean_name = _dusun_name(name)
    _check_dusun_name(village=village, name=clean_name)
    head = _check_head_name(head_name)
    dusun = Dusun.objects.create(village=village, name=clean_name, head_name=head)
    audit_record(
        actor=actor,
        village=village,
        action="dusun.created",
        object_type="dusun",
        object_id=dusun.pk,
        changes={"name": clean_name, "head_name": head},
    )
    return dusun


@transaction.atomic
def dusun_update(*, actor: User | None, dusun: Dusun, name: str, head_name: str | None = None) -> Dusun:
    """`head_name` None keeps the typed name: the kepala dusun is whoever holds the dusun's
    kadus post (staff); the typed name is only what an import brought and nobody linked yet."""
    clean_name = _dusun_name(name)
    _check_dusun_name(village=dusun.village, name=clean_name, exclude_pk=dusun.pk)
    values = {"name": clean_name}
    if head_name is not None:
        values["head_name"] = _check_head_name(head_name)
    changes = model_update(instance=dusun, fields=list(values), data=values)
    if not changes:
        return dusun
    audit_record(
        actor=actor,
        village=dusun.village,
        action="dusun.updated",
        object_type="dusun",
        object_id=dusun.pk,
        changes=changes.for_audit(),
    )
    return dusun


def _unit_number(field: str, value: object) -> str:
    text = _clean_text(value)
    label = field.upper()
    if not text:
        raise ValidationError({field: _("Nomor %(unit)s wajib diisi.") % {"unit": label}})
    if text.isdigit():
        text = text.zfill(3)
    if len(text) > 3:
        raise ValidationError({field: _("Nomor %(unit)s paling banyak 3 karakter.") % {"unit": label}})
    return text


def _check_rt(*, village: Village, dusun: Dusun, rw: str, rt: str, exclude_pk: int | None = None) -> None:
    if dusun.village_id != village.pk:
        raise ValidationError({"dusun": _("Dusun bukan milik desa ini.")})
    clash = Rt.objects.filter(village=village, dusun=dusun, rw=rw, rt=rt)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {
                "rt": _("RT %(rt)s / RW %(rw)s sudah ada di dusun %(dusun)s.")
                % {"rt": rt, "rw": rw, "dusun": dusun.name}
            }
        )


@transaction.atomic
def rt_create(
    *, actor: User | None, village: Village, dusun: Dusun, rw: str, rt: str, head_name: str = ""
) -> Rt:
    rw_no, rt_no = _unit_number("rw", rw), _unit_number("rt", rt)
    _check_rt(village=village, dusun=dusun, rw=rw_no, rt=rt_no)
    head = _check_head_name(head_name)
    unit = Rt.objects.create(village=village, dusun=dusun, rw=rw_no, rt=rt_no, head_name=head)
    audit_record(
        actor=actor,
        village=village,
        action="rt.created",
        object_type="rt",
        object_id=unit.public_id,
        changes={"dusun": dusun.name, "rw": rw_no, "rt": rt_no, "head_name": head},
    )
    return unit


@transaction.atomic
def rt_update(*, actor: User | None, unit: Rt, dusun: Dusun, rw: str, rt: str, head_name: str = "") -> Rt:
    """Rename an RT/RW or move it to another dusun; its residents and families move with it."""
    rw_no, rt_no = _unit_number("rw", rw), _unit_number("rt", rt)
    _check_rt(village=unit.village, dusun=dusun, rw=rw_no, rt=rt_no, exclude_pk=unit.pk)
    head = _check_head_name(head_name)
    values = {"dusun": dusun, "rw": rw_no, "rt": rt_no, "head_name": head}
    changes = model_update(instance=unit, fields=list(values), data=values)
    if not changes:
        return unit
    audit_record(
        actor=actor,
        village=unit.village,
        action="rt.updated",
        object_type="rt",
        object_id=unit.public_id,
        # The dusun by its name, as people know it.
        changes=changes.for_audit(lambda v: v.name if isinstance(v, Dusun) else v),
    )
    return unit
