"""Writes of officials' careers: the village's posts (SOTK), the personnel record, and the
decrees (SK) that appoint, transfer, appoint acting and dismiss. Every change is audited.

A decree is the only way a post changes hands: recording it moves the official (post, term,
active) in the same transaction, so the org chart and the Buku Aparat follow the decrees.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from balai.audit.services import audit_record
from balai.core.digits import ascii_digits
from balai.core.errors import ApplicationError
from balai.core.services import model_update
from balai.regions.models import Village
from balai.staff import rules
from balai.staff.models import Acting, Decree, DecreeScan, Official, OfficialProfile, Position

if TYPE_CHECKING:
    from balai.accounts.models import User

SCAN_MAX_BYTES = 10 * 1024 * 1024
# Checked on the bytes, not on the file name or the browser's content type.
SCAN_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def scan_type_of(data: bytes) -> str:
    for magic, content_type in SCAN_SIGNATURES:
        if data.startswith(magic):
            return content_type
    return ""


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


# --- Posts (SOTK) ------------------------------------------------------------------------------


@transaction.atomic
def positions_seed_standard(*, actor: User | None, village: Village) -> list[Position]:
    """Create the standard posts the village does not have yet, plus a kepala dusun per dusun."""
    from balai.regions.models import Dusun

    have = set(Position.objects.filter(village=village).values_list("title", flat=True))
    with_post = set(
        Position.objects.filter(village=village, kind=Position.Kind.KADUS).values_list("dusun_id", flat=True)
    )
    wanted: list[tuple[str, str, int, Any]] = [(k, t, o, None) for k, t, o in rules.STANDARD_SOTK]
    for n, dusun in enumerate(Dusun.objects.filter(village=village).order_by("pk")):
        if dusun.pk not in with_post:
            wanted.append(("kadus", f"Kepala Dusun {dusun.name}".strip()[:120], 30 + n, dusun))
    created = [
        Position.objects.create(village=village, kind=kind, title=title, order=order, dusun=dusun)
        for kind, title, order, dusun in wanted
        if title not in have
    ]
    if created:
        audit_record(
            actor=actor,
            village=village,
            action="position.seeded",
            object_type="village",
            object_id=village.code,
            changes={"titles": [p.title for p in created]},
        )
    return created


@transaction.atomic
def position_create(*, actor: User | None, village: Village, data: dict[str, Any]) -> Position:
    kind, title = str(data.get("kind") or ""), _text(data.get("title"))
    errors = {}
    if kind not in Position.Kind.values:
        errors["kind"] = _("Jenis jabatan tidak dikenal.")
    if not title:
        errors["title"] = _("Nama jabatan wajib diisi.")
    elif len(title) > 120:
        errors["title"] = _("Paling banyak %(n)d karakter.") % {"n": 120}
    elif Position.objects.filter(village=village, title__iexact=title).exists():
        errors["title"] = _("Jabatan %(title)s sudah ada.") % {"title": title}
    if kind == Position.Kind.HEAD and Position.objects.filter(village=village, kind=kind).exists():
        errors["kind"] = _("Desa hanya punya satu jabatan kepala desa.")
    dusun = _dusun_of(village=village, kind=kind, value=data.get("dusun"), errors=errors)
    if errors:
        raise ValidationError(errors)
    order = int(data.get("order") or 0)
    position = Position.objects.create(
        village=village, kind=kind, title=title, order=min(max(order, 0), 32767), dusun=dusun
    )
    audit_record(
        actor=actor,
        village=village,
        action="position.created",
        object_type="position",
        object_id=position.public_id,
        changes={"kind": kind, "title": title, "dusun": dusun.name if dusun else ""},
    )
    return position


def _dusun_of(*, village: Village, kind: str, value: object, errors: dict[str, str]) -> Any:
    """The dusun a kepala dusun's post belongs to: required for a kadus post, one per dusun."""
    from balai.regions.models import Dusun

    if kind != Position.Kind.KADUS:
        if value:
            errors["dusun"] = _("Hanya jabatan kepala dusun yang terkait dengan dusun.")
        return None
    dusun = (
        Dusun.objects.filter(village=village, pk=int(str(value))).first()
        if str(value or "").isdigit()
        else None
    )
    if dusun is None:
        errors["dusun"] = _("Pilih dusun yang dipimpin kepala dusun ini.")
    elif Position.objects.filter(village=village, kind=kind, dusun=dusun, is_active=True).exists():
        errors["dusun"] = _("Dusun %(d)s sudah punya jabatan kepala dusun.") % {"d": dusun.name}
    return dusun


# --- The personnel record ----------------------------------------------------------------------

PROFILE_TEXT = {
    "birth_place": 100,
    "religion": 30,
    "rank": 30,
    "education": 60,
    "allowance_grade": 60,
    "funding_line": 30,
}
PROFILE_FIELDS = [
    *PROFILE_TEXT,
    "sex",
    "birth_date",
    "trainings",
    "siltap",
    "bpjs_health",
    "bpjs_employment",
]


def profile_of(official: Official) -> OfficialProfile:
    """The official's record, created empty on first use (with birth data from the registry)."""
    profile = OfficialProfile.objects.filter(official=official).first()
    if profile is not None:
        return profile
    resident = official.resident
    return OfficialProfile.objects.create(
        village_id=official.village_id,
        official=official,
        sex=resident.sex if resident is not None and resident.sex in (1, 2) else None,
        birth_place=resident.birth_place[:100] if resident is not None else "",
        birth_date=resident.birth_date if resident is not None else None,
    )


@transaction.atomic
def profile_update(*, actor: User | None, official: Official, data: dict[str, Any]) -> OfficialProfile:
    profile = profile_of(official)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, limit in PROFILE_TEXT.items():
        if name in data:
            values[name] = _text(data[name])
            if len(values[name]) > limit:
                errors[name] = _("Paling banyak %(n)d karakter.") % {"n": limit}
    if "trainings" in data:
        values["trainings"] = str(data["trainings"] or "").strip()[:4000]
    if "sex" in data:
        sex = data["sex"]
        values["sex"] = int(sex) if str(sex) in ("1", "2") else None
    if "birth_date" in data:
        values["birth_date"] = _date(data["birth_date"])
        if data["birth_date"] not in (None, "") and values["birth_date"] is None:
            errors["birth_date"] = _("Tanggal tidak valid.")
        elif values["birth_date"] and values["birth_date"] > dt.date.today():
            errors["birth_date"] = _("Tanggal lahir tidak boleh setelah hari ini.")
    if "siltap" in data:
        raw = ascii_digits(str(data["siltap"] or "").replace(".", "").replace(",", "").strip())
        if raw and not raw.isdigit():
            errors["siltap"] = _("Penghasilan tetap diisi angka Rupiah, mis. 2500000.")
        values["siltap"] = int(raw) if raw.isdigit() else None
    for name in ("bpjs_health", "bpjs_employment"):
        if name in data:
            number = ascii_digits("".join(str(data[name] or "").split()))
            if number and not (number.isdigit() and 8 <= len(number) <= 20):
                errors[name] = _("Nomor BPJS diisi 8–20 angka.")
            values[name] = number
    if errors:
        raise ValidationError(errors)
    changes = model_update(instance=profile, fields=list(values), data=values)
    if changes:
        audit_record(
            actor=actor,
            village=official.village,
            action="official.profile_updated",
            object_type="official",
            object_id=official.public_id,
            # BPJS numbers are personal identifiers: the trail says they changed, not to what.
            changes=changes.for_audit()
            if not ({"bpjs_health", "bpjs_employment"} & set(values))
            else {"fields": sorted(values)},
        )
    return profile


# --- Decrees -----------------------------------------------------------------------------------

DECREE_TEXT = {"number": 80, "signer": 120, "subject": 300, "note": 300}


def _latest_start(official: Official) -> Decree | None:
    """The decree that put the official in their current post (appointment or transfer)."""
    return (
        Decree.objects.filter(official=official, kind__in=[Decree.Kind.APPOINTMENT, Decree.Kind.TRANSFER])
        .order_by("-effective_on", "-date", "-pk")
        .first()
    )


def _check_head_period(*, village: Village, official: Official, start: dt.date, end: dt.date | None) -> None:
    """A village has one definitive kepala desa at a time."""
    others = (
        OfficialProfile.objects.filter(
            village=village, post__kind=Position.Kind.HEAD, official__is_active=True
        )
        .exclude(official=official)
        .select_related("official")
    )
    for other in others:
        o = other.official
        o_start = o.term_start or dt.date.min
        o_end = o.term_end or dt.date.max
        if o_start <= (end or dt.date.max) and start <= o_end:
            raise ValidationError(
                {
                    "position": _(
                        "Sudah ada kepala desa pada periode ini: %(name)s (%(start)s s.d. %(end)s). "
                        "Catat dulu SK pemberhentiannya."
                    )
                    % {
                        "name": o.name,
                        "start": o.term_start.strftime("%d-%m-%Y") if o.term_start else "?",
                        "end": o.term_end.strftime("%d-%m-%Y") if o.term_end else "?",
                    }
                }
            )


def _check_post_free(*, position: Position, official: Official) -> None:
    holder = (
        OfficialProfile.objects.filter(post=position, official__is_active=True)
        .exclude(official=official)
        .select_related("official")
        .first()
    )
    if holder is not None and position.kind != Position.Kind.HEAD:
        raise ValidationError(
            {
                "position": _(
                    "Jabatan %(title)s masih dijabat %(name)s; catat dulu mutasi atau pemberhentiannya."
                )
                % {"title": position.title, "name": holder.official.name}
            }
        )


@transaction.atomic
def decree_record(
    *,
    actor: User | None,
    village: Village,
    official: Official,
    data: dict[str, Any],
    scan: bytes | None = None,
) -> Decree:
    """Record an SK and apply it to the official; refused whole (nothing written) on any error."""
    if official.village_id != village.pk:
        # Selectors already answer 404 for another village's official; this guards other callers.
        raise ApplicationError(_("Perangkat ini bukan perangkat desa ini."))
    errors: dict[str, str] = {}
    kind = str(data.get("kind") or "")
    if kind not in Decree.Kind.values:
        errors["kind"] = _("Jenis SK tidak dikenal.")
    values: dict[str, Any] = {}
    for name, limit in DECREE_TEXT.items():
        values[name] = _text(data.get(name))
        if len(values[name]) > limit:
            errors[name] = _("Paling banyak %(n)d karakter.") % {"n": limit}
    if not values["number"]:
        errors["number"] = _("Nomor SK wajib diisi.")
    elif Decree.objects.filter(village=village, number__iexact=values["number"]).exists():
        errors["number"] = _("SK nomor %(number)s sudah tercatat.") % {"number": values["number"]}
    if not values["signer"]:
        errors["signer"] = _("Penanda tangan SK wajib diisi, mis. Kepala Desa atau Bupati.")
    date = _date(data.get("date"))
    if date is None:
        errors["date"] = _("Tanggal SK wajib diisi dengan tanggal yang valid.")
    effective = _date(data.get("effective_on")) or date
    if data.get("effective_on") not in (None, "") and _date(data.get("effective_on")) is None:
        errors["effective_on"] = _("Tanggal berlaku tidak valid.")
    position = data.get("position")
    if position is not None and not isinstance(position, Position):
        position = Position.objects.filter(village=village, public_id=str(position)).first()
        if position is None:
            errors["position"] = _("Jabatan tidak ditemukan di desa ini.")
    if isinstance(position, Position) and position.village_id != village.pk:
        errors["position"] = _("Jabatan tidak ditemukan di desa ini.")
    if kind in (Decree.Kind.APPOINTMENT, Decree.Kind.TRANSFER, Decree.Kind.ACTING) and position is None:
        errors.setdefault("position", _("Pilih jabatan yang diangkat/dituju."))
    reason = str(data.get("reason") or "")
    if kind == Decree.Kind.DISMISSAL and reason not in Decree.Reason.values[1:]:
        errors["reason"] = _("Pilih alasan pemberhentian.")
    acting = str(data.get("acting") or Acting.PLT)
    if kind == Decree.Kind.ACTING and acting not in (Acting.PLT, Acting.PJ):
        errors["acting"] = _("Pilih Plt. atau Pj.")
    scan_type = ""
    if scan:
        scan_type = scan_type_of(scan)
        if len(scan) > SCAN_MAX_BYTES:
            errors["scan"] = _("Berkas pindaian paling besar 10 MB.")
        elif not scan_type:
            errors["scan"] = _(
                "Berkas pindaian harus PDF, PNG atau JPEG (isi berkas diperiksa, bukan namanya)."
            )
    if errors:
        raise ValidationError(errors)
    assert date is not None
    assert effective is not None
    if effective < date - dt.timedelta(days=366):
        raise ValidationError({"effective_on": _("Tanggal berlaku terlalu jauh sebelum tanggal SK.")})

    profile = profile_of(official)
    started = _latest_start(official)
    if kind in (Decree.Kind.TRANSFER, Decree.Kind.DISMISSAL, Decree.Kind.ACTING) and started is not None:
        if date < started.date or effective < started.effective_on:
            raise ValidationError(
                {
                    "date": _(
                        "SK ini bertanggal sebelum SK %(kind)s yang diakhirinya (nomor %(number)s, %(date)s)."
                    )
                    % {
                        "kind": started.get_kind_display().lower(),
                        "number": started.number,
                        "date": started.date.strftime("%d-%m-%Y"),
                    }
                }
            )
    if kind == Decree.Kind.DISMISSAL and not official.is_active:
        raise ValidationError({"kind": _("%(name)s sudah tidak menjabat.") % {"name": official.name}})
    if kind in (Decree.Kind.APPOINTMENT, Decree.Kind.TRANSFER):
        assert isinstance(position, Position)
        term_end = rules.term_end_for(kind=position.kind, start=effective, birth_date=profile.birth_date)
        if position.kind == Position.Kind.HEAD:
            _check_head_period(village=village, official=official, start=effective, end=term_end)
        else:
            _check_post_free(position=position, official=official)
            if term_end is not None and term_end <= effective:
                raise ValidationError(
                    {
                        "position": _("%(name)s sudah berusia %(age)d tahun pada tanggal berlaku SK.")
                        % {"name": official.name, "age": rules.PERANGKAT_AGE.age}
                    }
                )

    decree = Decree.objects.create(
        village=village,
        official=official,
        kind=kind,
        date=date,
        effective_on=effective,
        position=position if isinstance(position, Position) else None,
        position_title=position.title if isinstance(position, Position) else official.position,
        acting=acting if kind == Decree.Kind.ACTING else "",
        reason=reason if kind == Decree.Kind.DISMISSAL else "",
        scan_type=scan_type,
        recorded_by=actor,
        **values,
    )
    if scan:
        DecreeScan.objects.create(decree=decree, data=scan)

    # Apply the decree to the official.
    official_fields: dict[str, Any] = {}
    profile_fields: dict[str, Any] = {}
    if kind in (Decree.Kind.APPOINTMENT, Decree.Kind.TRANSFER):
        assert isinstance(position, Position)
        official_fields = {
            "position": position.title,
            "is_active": True,
            "order": position.order,
            "term_end": rules.term_end_for(
                kind=position.kind, start=effective, birth_date=profile.birth_date
            ),
        }
        if kind == Decree.Kind.APPOINTMENT or official.term_start is None:
            official_fields["term_start"] = effective
        profile_fields = {"post": position}
        if profile.acting_post_id == position.pk:
            profile_fields.update(acting_post=None, acting="")
    elif kind == Decree.Kind.ACTING:
        profile_fields = {"acting_post": position, "acting": acting}
    else:
        official_fields = {"is_active": False, "term_end": effective}
        profile_fields = {"post": None, "acting_post": None, "acting": ""}
    changed = model_update(instance=official, fields=list(official_fields), data=official_fields)
    model_update(instance=profile, fields=list(profile_fields), data=profile_fields)
    audit_record(
        actor=actor,
        village=village,
        action=f"decree.{kind}",
        object_type="official",
        object_id=official.public_id,
        changes={
            "decree": decree.public_id,
            "number": decree.number,
            "date": date.isoformat(),
            "effective_on": effective.isoformat(),
            "position": decree.position_title,
            "scan": bool(scan),
            **({"official": changed.for_audit()} if changed else {}),
        },
    )
    return decree
