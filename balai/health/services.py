"""Writes to posyandu data. Every change is audited on the village chain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core.audit import audit_record
from balai.core.errors import ApplicationError
from balai.health.classify import classify
from balai.health.models import ChildMeasurement, Posyandu, PosyanduSession
from balai.health.who import growth_z
from balai.people import codes
from balai.people.models import Resident
from balai.regions.models import Village

if TYPE_CHECKING:
    from balai.accounts.models import User

# Children do not shrink; beyond measuring error (about 1 cm) a drop means a wrong entry.
SHRINK_TOLERANCE_CM = 2.0
FLAG_LABELS = {
    "lhfa": "PB/U atau TB/U",
    "wfa": "BB/U",
    "wflh": "BB/PB atau BB/TB",
    "bmi": "IMT/U",
    "hcfa": "lingkar kepala",
    "acfa": "LiLA",
    "position": "cara ukur (berdiri di bawah 9 bulan)",
    "shrink": "panjang/tinggi turun dari pengukuran sebelumnya",
}
_LIMITS = {
    "weight_kg": (Decimal("0.5"), Decimal("80"), 2),
    "lenhei_cm": (Decimal("30"), Decimal("200"), 1),
    "head_cm": (Decimal("20"), Decimal("70"), 1),
    "muac_cm": (Decimal("5"), Decimal("40"), 1),
}


def _decimal(name: str, value: object, errors: dict[str, str]) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        errors[name] = _("Harus berupa angka.")
        return None
    low, high, places = _LIMITS[name]
    if not number.is_finite() or not low <= number <= high:
        errors[name] = _("Di luar rentang %(low)s–%(high)s.") % {"low": low, "high": high}
        return None
    return number.quantize(Decimal(1).scaleb(-places))


@transaction.atomic
def measurement_record(
    *,
    actor: User | None,
    village: Village,
    child: Resident,
    measured_on: dt.date,
    weight_kg: object = None,
    lenhei_cm: object = None,
    position: str = "",
    head_cm: object = None,
    muac_cm: object = None,
    oedema: bool = False,
    session: PosyanduSession | None = None,
    confirm_implausible: bool = False,
) -> ChildMeasurement:
    """Record one child measurement with its z-scores and Permenkes categories.

    Refuses a child of another village or one no longer alive (ApplicationError). Values WHO
    flags as implausible (or a length shrinking from the last visit) raise a ValidationError
    with code "implausible" unless `confirm_implausible`: the cadre looks again, then confirms.
    """
    if child.village_id != village.pk:
        raise ApplicationError(_("Anak ini bukan penduduk desa ini."))
    if child.status != codes.STATUS_ALIVE:
        raise ApplicationError(_("Anak ini tidak tercatat hidup; pengukuran tidak dapat dicatat."))
    if session is not None and session.village_id != village.pk:
        raise ApplicationError(_("Sesi posyandu ini bukan milik desa ini."))

    errors: dict[str, str] = {}
    weight = _decimal("weight_kg", weight_kg, errors)
    lenhei = _decimal("lenhei_cm", lenhei_cm, errors)
    head = _decimal("head_cm", head_cm, errors)
    muac = _decimal("muac_cm", muac_cm, errors)
    if position not in {"", "l", "h"}:
        errors["position"] = _("Cara ukur harus terlentang atau berdiri.")
    if lenhei is not None and not position:
        errors["position"] = _("Pilih cara ukur: terlentang atau berdiri.")
    if child.birth_date is None:
        errors["measured_on"] = _("Tanggal lahir anak belum tercatat; umur tidak dapat dihitung.")
    elif measured_on < child.birth_date:
        errors["measured_on"] = _("Tanggal ukur sebelum tanggal lahir anak.")
    elif measured_on > timezone.localdate():
        errors["measured_on"] = _("Tanggal ukur di masa depan.")
    if weight is None and lenhei is None and head is None and muac is None:
        errors.setdefault("weight_kg", _("Isi paling tidak berat atau panjang/tinggi badan."))
    if errors:
        raise ValidationError(errors)
    assert child.birth_date is not None
    age_days = (measured_on - child.birth_date).days

    z = growth_z(
        sex=child.sex,
        age_days=age_days,
        weight_kg=float(weight) if weight is not None else None,
        lenhei_cm=float(lenhei) if lenhei is not None else None,
        measured=position or None,
        oedema=oedema,
        head_cm=float(head) if head is not None else None,
        muac_cm=float(muac) if muac is not None else None,
    )
    flags = set(z.flags)
    if z.lenhei_cm is not None:
        previous = (
            ChildMeasurement.objects.filter(
                village=village, child=child, measured_on__lt=measured_on, lenhei_scored_cm__isnull=False
            )
            .order_by("-measured_on", "-id")
            .values_list("lenhei_scored_cm", flat=True)
            .first()
        )
        if previous is not None and z.lenhei_cm < previous - SHRINK_TOLERANCE_CM:
            flags.add("shrink")
    if flags and not confirm_implausible:
        names = ", ".join(FLAG_LABELS.get(flag, flag) for flag in sorted(flags))
        raise ValidationError(
            _("Nilai tidak wajar (%(names)s): periksa lagi pengukuran, lalu konfirmasi.") % {"names": names},
            code="implausible",
        )

    cats = classify(z)
    measurement = ChildMeasurement.objects.create(
        village=village,
        child=child,
        session=session,
        measured_on=measured_on,
        age_days=age_days,
        weight_kg=weight,
        lenhei_cm=lenhei,
        position=position,
        head_cm=head,
        muac_cm=muac,
        oedema=oedema,
        lenhei_scored_cm=z.lenhei_cm,
        z_lhfa=z.lhfa,
        z_wfa=z.wfa,
        z_wflh=z.wflh,
        z_bmi=z.bmifa,
        z_hcfa=z.hcfa,
        z_acfa=z.acfa,
        cat_lhfa=cats.lhfa or "",
        cat_wfa=cats.wfa or "",
        cat_wflh=cats.wflh or "",
        cat_bmi=cats.bmi or "",
        flags=";".join(sorted(flags)),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        village=village,
        action="child_measurement.recorded",
        object_type="child_measurement",
        object_id=measurement.public_id,
        changes={
            "child": child.public_id,
            "measured_on": measured_on.isoformat(),
            "weight_kg": str(weight) if weight is not None else None,
            "lenhei_cm": str(lenhei) if lenhei is not None else None,
            "position": position,
            "head_cm": str(head) if head is not None else None,
            "muac_cm": str(muac) if muac is not None else None,
            "oedema": oedema,
            "flags_confirmed": sorted(flags),
        },
    )
    return measurement


@transaction.atomic
def posyandu_create(
    *, actor: User | None, village: Village, name: str, dusun: str = "", schedule: str = ""
) -> Posyandu:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Nama posyandu wajib diisi.")})
    if Posyandu.objects.filter(village=village, name__iexact=name).exists():
        raise ValidationError({"name": _("Posyandu dengan nama ini sudah ada.")})
    posyandu = Posyandu.objects.create(
        village=village, name=name, dusun=" ".join(dusun.split()), schedule=" ".join(schedule.split())
    )
    audit_record(
        actor=actor,
        village=village,
        action="posyandu.created",
        object_type="posyandu",
        object_id=posyandu.public_id,
        changes={"name": posyandu.name, "dusun": posyandu.dusun, "schedule": posyandu.schedule},
    )
    return posyandu


@transaction.atomic
def session_open(
    *, actor: User | None, village: Village, posyandu: Posyandu, held_on: dt.date
) -> PosyanduSession:
    """The session of a posyandu on a day, created on first use."""
    if posyandu.village_id != village.pk:
        raise ApplicationError(_("Posyandu ini bukan milik desa ini."))
    session, created = PosyanduSession.objects.get_or_create(
        village=village, posyandu=posyandu, held_on=held_on
    )
    if created:
        audit_record(
            actor=actor,
            village=village,
            action="posyandu_session.opened",
            object_type="posyandu_session",
            object_id=session.public_id,
            changes={"posyandu": posyandu.public_id, "held_on": held_on.isoformat()},
        )
    return session
