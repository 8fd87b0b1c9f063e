"""Writes to posyandu data. Every change is audited on the village chain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_record
from balai.core.dates import Month, add_months
from balai.core.errors import ApplicationError
from balai.health import immunization
from balai.health.classify import classify
from balai.health.models import (
    AntenatalVisit,
    Attendance,
    ChildMeasurement,
    Posyandu,
    PosyanduArea,
    PosyanduCadre,
    PosyanduSession,
    Pregnancy,
)
from balai.health.who import DAYS_PER_MONTH, UNDER5_MAX_DAYS, growth_z
from balai.people import codes
from balai.people.models import Resident
from balai.regions.models import Rt, Village
from balai.regions.services import village_public_changed

if TYPE_CHECKING:
    from balai.accounts.models import User

# Children do not shrink; beyond measuring error (about 1 cm) a drop means a wrong entry.
SHRINK_TOLERANCE_CM = 1.5
# Kenaikan Berat badan Minimal (KBM, grams) by age in completed months, from the KMS and the
# Buku KIA: a weighing is "N" (naik) if the gain since last month's weighing is at least the
# KBM of the child's age, else "T" (tidak naik). From 12 months on the KBM stays 200 g.
MIN_GAIN_G = {1: 800, 2: 900, 3: 800, 4: 600, 5: 500, 6: 400, 7: 400, 8: 300, 9: 300, 10: 300, 11: 200}
MIN_GAIN_G_FROM_12 = 200
EXCLUSIVE_BREASTFEEDING_MAX_DAYS = 183  # asked for infants under 6 months
FLAG_LABELS = {
    "lhfa": "PB/U atau TB/U",
    "wfa": "BB/U",
    "wflh": "BB/PB atau BB/TB",
    "bmi": "IMT/U",
    "hcfa": "lingkar kepala",
    "acfa": "LiLA",
    "position": "cara ukur (berdiri di bawah 9 bulan)",
    "shrink": "panjang/tinggi turun lebih dari 1,5 cm dari pengukuran sebelumnya",
}
_LIMITS = {
    "weight_kg": (Decimal("0.5"), Decimal("80"), 2),
    "lenhei_cm": (Decimal("30"), Decimal("200"), 1),
    "head_cm": (Decimal("20"), Decimal("70"), 1),
    "muac_cm": (Decimal("5"), Decimal("40"), 1),
}


def _decimal(
    name: str,
    value: object,
    errors: dict[str, str],
    limits: dict[str, tuple[Decimal, Decimal, int]] = _LIMITS,
) -> Decimal | None:
    """A measurement typed with a comma or a point, within `limits[name]` (low, high, decimal
    places); a problem goes into `errors` under `name` and gives None."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        errors[name] = _("Harus berupa angka.")
        return None
    low, high, places = limits[name]
    if not number.is_finite() or not low <= number <= high:
        errors[name] = _("Di luar rentang %(low)s–%(high)s.") % {"low": low, "high": high}
        return None
    return number.quantize(Decimal(1).scaleb(-places))


def min_gain_kg(age_days: int) -> float:
    """KBM in kg for a child weighed at this age (completed months)."""
    months = int(age_days / DAYS_PER_MONTH)
    if months < 1:
        return MIN_GAIN_G[1] / 1000
    return MIN_GAIN_G.get(months, MIN_GAIN_G_FROM_12) / 1000


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def weight_trend(
    *, weight_kg: float | None, age_days: int, measured_on: dt.date, previous: tuple[dt.date, float] | None
) -> str:
    """KMS result of a weighing: "N" naik, "T" tidak naik (gain below the KBM, see
    MIN_GAIN_G), "O" no weighing the month before, "B" first weighing; "" without a weight.
    `previous` is the last earlier weighing from an earlier calendar month."""
    if weight_kg is None:
        return ""
    if previous is None:
        return ChildMeasurement.Trend.NEW
    on, weight = previous
    if _month_index(measured_on) - _month_index(on) != 1:
        return ChildMeasurement.Trend.NOT_WEIGHED_LAST_MONTH
    # Scale weights are read to 0.1 kg; compare in grams to avoid float noise.
    gained_g = round((weight_kg - weight) * 1000)
    needed_g = round(min_gain_kg(age_days) * 1000)
    return ChildMeasurement.Trend.UP if gained_g >= needed_g else ChildMeasurement.Trend.NOT_UP


def _previous_weighing(
    *, village: Village, child: Resident, before_month_of: dt.date
) -> tuple[dt.date, float] | None:
    first = before_month_of.replace(day=1)
    row = (
        ChildMeasurement.objects.filter(
            village=village, child=child, measured_on__lt=first, weight_kg__isnull=False
        )
        .order_by("-measured_on", "-id")
        .values_list("measured_on", "weight_kg")
        .first()
    )
    if row is None or row[1] is None:
        return None
    return row[0], float(row[1])


def _refresh_next_trend(*, village: Village, child: Resident, after: dt.date) -> None:
    """A weighing entered late (or corrected) changes the N/T of the next month's weighing."""
    first_next = Month.of(after).after
    following = (
        ChildMeasurement.objects.filter(
            village=village, child=child, measured_on__gte=first_next, weight_kg__isnull=False
        )
        .order_by("measured_on", "id")
        .first()
    )
    if following is None or following.weight_kg is None:
        return
    trend = weight_trend(
        weight_kg=float(following.weight_kg),
        age_days=following.age_days,
        measured_on=following.measured_on,
        previous=_previous_weighing(village=village, child=child, before_month_of=following.measured_on),
    )
    if trend != following.weight_trend:
        ChildMeasurement.objects.filter(pk=following.pk).update(weight_trend=trend)


def _check_extras(
    *,
    village: Village,
    child: Resident,
    age_days: int,
    vitamin_a: str,
    immunizations: list[str],
    replacing: ChildMeasurement | None,
    errors: dict[str, str],
) -> list[str]:
    if vitamin_a not in ChildMeasurement.VitaminA.values:
        errors["vitamin_a"] = _("Vitamin A harus kapsul biru atau merah.")
    elif vitamin_a == ChildMeasurement.VitaminA.BLUE and not 6 <= age_days / DAYS_PER_MONTH < 12:
        errors["vitamin_a"] = _("Kapsul biru untuk umur 6–11 bulan.")
    elif vitamin_a == ChildMeasurement.VitaminA.RED and not 12 <= age_days / DAYS_PER_MONTH < 60:
        errors["vitamin_a"] = _("Kapsul merah untuk umur 12–59 bulan.")
    order = {v.code: i for i, v in enumerate(immunization.SCHEDULE)}
    codes_given = sorted(set(immunizations), key=lambda c: order.get(c, len(order)))
    unknown = [c for c in codes_given if c not in immunization.BY_CODE]
    if unknown:
        errors["immunizations"] = _("Imunisasi tidak dikenal: %(codes)s.") % {"codes": ", ".join(unknown)}
        return []
    earlier = ChildMeasurement.objects.filter(village=village, child=child)
    if replacing is not None:
        earlier = earlier.exclude(pk=replacing.pk)
    before: set[str] = set()
    for given in earlier.exclude(immunizations=[]).values_list("immunizations", flat=True):
        before.update(given or [])
    again = [c for c in codes_given if c in before]
    if again:
        errors["immunizations"] = _("Sudah pernah diberikan: %(names)s.") % {
            "names": ", ".join(immunization.label(c) for c in again)
        }
    return codes_given


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
    exclusive_breastfeeding: bool | None = None,
    vitamin_a: str = "",
    immunizations: list[str] | None = None,
    session: PosyanduSession | None = None,
    confirm_implausible: bool = False,
) -> ChildMeasurement:
    """Record one child measurement with its z-scores, Permenkes categories and KMS result.

    Refuses a child of another village or one no longer alive (ApplicationError). Values WHO
    flags as implausible, a standing measurement under 9 months, or a length shrinking by
    more than 1.5 cm from the last visit raise a ValidationError with code "implausible"
    unless `confirm_implausible`: the cadre looks again, then confirms. Within a session a
    child has one measurement: recording again corrects it (audited as a correction). The
    child's attendance at the session is recorded with it.
    """
    if child.village_id != village.pk:
        raise ApplicationError(_("Anak ini bukan penduduk desa ini."))
    if child.status != codes.STATUS_ALIVE:
        raise ApplicationError(_("Anak ini tidak tercatat hidup; pengukuran tidak dapat dicatat."))
    if session is not None and session.village_id != village.pk:
        raise ApplicationError(_("Sesi posyandu ini bukan milik desa ini."))
    replacing = (
        ChildMeasurement.objects.select_for_update().filter(session=session, child=child).first()
        if session is not None
        else None
    )

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
    age_days = (measured_on - child.birth_date).days if child.birth_date else 0
    given = _check_extras(
        village=village,
        child=child,
        age_days=age_days,
        vitamin_a=vitamin_a,
        immunizations=list(immunizations or []),
        replacing=replacing,
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)
    assert child.birth_date is not None
    if age_days >= EXCLUSIVE_BREASTFEEDING_MAX_DAYS:
        exclusive_breastfeeding = None

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
        earlier = ChildMeasurement.objects.filter(
            village=village, child=child, measured_on__lt=measured_on, lenhei_scored_cm__isnull=False
        )
        if replacing is not None:
            earlier = earlier.exclude(pk=replacing.pk)
        previous = earlier.order_by("-measured_on", "-id").values_list("lenhei_scored_cm", flat=True).first()
        if previous is not None and z.lenhei_cm < previous - SHRINK_TOLERANCE_CM:
            flags.add("shrink")
    if flags and not confirm_implausible:
        names = ", ".join(FLAG_LABELS.get(flag, flag) for flag in sorted(flags))
        raise ValidationError(
            _("Nilai tidak wajar (%(names)s): periksa lagi pengukuran, lalu konfirmasi.") % {"names": names},
            code="implausible",
            params={"flags": sorted(flags)},
        )

    cats = classify(z)
    values = {
        "measured_on": measured_on,
        "age_days": age_days,
        "weight_kg": weight,
        "lenhei_cm": lenhei,
        "position": position,
        "head_cm": head,
        "muac_cm": muac,
        "oedema": oedema,
        "exclusive_breastfeeding": exclusive_breastfeeding,
        "vitamin_a": vitamin_a,
        "immunizations": given,
        "weight_trend": weight_trend(
            weight_kg=float(weight) if weight is not None else None,
            age_days=age_days,
            measured_on=measured_on,
            previous=_previous_weighing(village=village, child=child, before_month_of=measured_on),
        ),
        "lenhei_scored_cm": z.lenhei_cm,
        "z_lhfa": z.lhfa,
        "z_wfa": z.wfa,
        "z_wflh": z.wflh,
        "z_bmi": z.bmifa,
        "z_hcfa": z.hcfa,
        "z_acfa": z.acfa,
        "cat_lhfa": cats.lhfa or "",
        "cat_wfa": cats.wfa or "",
        "cat_wflh": cats.wflh or "",
        "cat_bmi": cats.bmi or "",
        "flags": ";".join(sorted(flags)),
        "recorded_by": actor,
    }
    if replacing is not None:
        for key, value in values.items():
            setattr(replacing, key, value)
        replacing.save()
        measurement = replacing
    else:
        measurement = ChildMeasurement.objects.create(village=village, child=child, session=session, **values)
    _refresh_next_trend(village=village, child=child, after=measured_on)
    if session is not None:
        Attendance.objects.get_or_create(
            village=village,
            session=session,
            resident=child,
            defaults={"target": Attendance.Target.CHILD, "recorded_by": actor},
        )
    audit_record(
        actor=actor,
        village=village,
        action="child_measurement.corrected" if replacing is not None else "child_measurement.recorded",
        object_type="child_measurement",
        object_id=measurement.public_id,
        changes={
            "child": child.public_id,
            "session": session.public_id if session is not None else None,
            "measured_on": measured_on.isoformat(),
            "weight_kg": str(weight) if weight is not None else None,
            "lenhei_cm": str(lenhei) if lenhei is not None else None,
            "position": position,
            "head_cm": str(head) if head is not None else None,
            "muac_cm": str(muac) if muac is not None else None,
            "oedema": oedema,
            "exclusive_breastfeeding": exclusive_breastfeeding,
            "vitamin_a": vitamin_a,
            "immunizations": given,
            "flags_confirmed": sorted(flags),
        },
    )
    return measurement


def _check_area_and_cadres(
    *, village: Village, rts: list[Rt], cadres: list[User], errors: dict[str, str]
) -> None:
    from balai.accounts.models import Role

    if any(rt.village_id != village.pk for rt in rts):
        errors["rts"] = _("RT harus RT desa ini.")
    if any(u.village_id != village.pk or u.role != Role.KADER_POSYANDU or not u.is_active for u in cadres):
        errors["cadres"] = _("Kader harus pengguna aktif berperan kader posyandu di desa ini.")


def _set_links(*, village: Village, posyandu: Posyandu, rts: list[Rt], cadres: list[User]) -> None:
    PosyanduArea.objects.filter(posyandu=posyandu).delete()
    PosyanduArea.objects.bulk_create(
        PosyanduArea(village=village, posyandu=posyandu, rt=rt) for rt in {r.pk: r for r in rts}.values()
    )
    PosyanduCadre.objects.filter(posyandu=posyandu).delete()
    PosyanduCadre.objects.bulk_create(
        PosyanduCadre(village=village, posyandu=posyandu, user=u) for u in {c.pk: c for c in cadres}.values()
    )


@transaction.atomic
def posyandu_create(
    *,
    actor: User | None,
    village: Village,
    name: str,
    dusun: str = "",
    schedule: str = "",
    rts: list[Rt] | None = None,
    cadres: list[User] | None = None,
) -> Posyandu:
    """A posyandu serving some RTs (none: the RTs of its dusun, else the whole village)."""
    name = " ".join(name.split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Nama posyandu wajib diisi.")
    elif Posyandu.objects.filter(village=village, name__iexact=name).exists():
        errors["name"] = _("Posyandu dengan nama ini sudah ada.")
    _check_area_and_cadres(village=village, rts=rts or [], cadres=cadres or [], errors=errors)
    if errors:
        raise ValidationError(errors)
    posyandu = Posyandu.objects.create(
        village=village, name=name, dusun=" ".join(dusun.split()), schedule=" ".join(schedule.split())
    )
    _set_links(village=village, posyandu=posyandu, rts=rts or [], cadres=cadres or [])
    # The village's public page shows the posyandu schedule.
    village_public_changed(village=village)
    audit_record(
        actor=actor,
        village=village,
        action="posyandu.created",
        object_type="posyandu",
        object_id=posyandu.public_id,
        changes={
            "name": posyandu.name,
            "dusun": posyandu.dusun,
            "schedule": posyandu.schedule,
            "rts": sorted(rt.public_id for rt in rts or []),
            "cadres": sorted(u.username for u in cadres or []),
        },
    )
    return posyandu


@transaction.atomic
def posyandu_update(
    *,
    actor: User | None,
    posyandu: Posyandu,
    name: str,
    dusun: str,
    schedule: str,
    rts: list[Rt],
    cadres: list[User],
    is_active: bool = True,
) -> Posyandu:
    village = posyandu.village
    name = " ".join(name.split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Nama posyandu wajib diisi.")
    elif Posyandu.objects.filter(village=village, name__iexact=name).exclude(pk=posyandu.pk).exists():
        errors["name"] = _("Posyandu dengan nama ini sudah ada.")
    _check_area_and_cadres(village=village, rts=rts, cadres=cadres, errors=errors)
    if errors:
        raise ValidationError(errors)
    posyandu.name = name
    posyandu.dusun = " ".join(dusun.split())
    posyandu.schedule = " ".join(schedule.split())
    posyandu.is_active = is_active
    posyandu.save()
    _set_links(village=village, posyandu=posyandu, rts=rts, cadres=cadres)
    village_public_changed(village=village)
    audit_record(
        actor=actor,
        village=village,
        action="posyandu.updated",
        object_type="posyandu",
        object_id=posyandu.public_id,
        changes={
            "name": posyandu.name,
            "dusun": posyandu.dusun,
            "schedule": posyandu.schedule,
            "is_active": is_active,
            "rts": sorted(rt.public_id for rt in rts),
            "cadres": sorted(u.username for u in cadres),
        },
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


# --- Attendance (children come with their measurement; mothers and elderly here) -----------

ELDERLY_MIN_YEARS = 60


def _age_years(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@transaction.atomic
def attendance_set(
    *,
    actor: User | None,
    session: PosyanduSession,
    resident: Resident,
    target: str,
    present: bool,
) -> bool:
    """Mark a target present at (or remove from) a session. Returns whether anything changed.

    A child's attendance is recorded with the measurement; this is for a child who came but
    was not measured, pregnant women (ongoing pregnancy record) and the elderly (60+, ILP).
    """
    village = session.village
    if resident.village_id != village.pk:
        raise ApplicationError(_("Orang ini bukan penduduk desa ini."))
    if resident.status != codes.STATUS_ALIVE:
        raise ApplicationError(_("Orang ini tidak tercatat hidup."))
    if target not in Attendance.Target.values:
        raise ValidationError({"target": _("Sasaran tidak dikenal.")})
    birth = resident.birth_date
    on = session.held_on
    if target == Attendance.Target.CHILD and (birth is None or not 0 <= (on - birth).days < UNDER5_MAX_DAYS):
        raise ValidationError({"target": _("Bukan balita (0–59 bulan) pada tanggal sesi.")})
    if target == Attendance.Target.ELDERLY and (birth is None or _age_years(birth, on) < ELDERLY_MIN_YEARS):
        raise ValidationError({"target": _("Bukan lansia (60 tahun ke atas).")})
    if (
        target == Attendance.Target.PREGNANT
        and not Pregnancy.objects.filter(village=village, mother=resident, outcome="").exists()
    ):
        raise ValidationError({"target": _("Tidak ada catatan kehamilan yang berjalan.")})
    existing = Attendance.objects.filter(session=session, resident=resident)
    if present == existing.exists():
        return False
    if present:
        Attendance.objects.create(
            village=village, session=session, resident=resident, target=target, recorded_by=actor
        )
    else:
        existing.delete()
    audit_record(
        actor=actor,
        village=village,
        action="posyandu_attendance.marked" if present else "posyandu_attendance.removed",
        object_type="posyandu_session",
        object_id=session.public_id,
        changes={"resident": resident.public_id, "target": target},
    )
    return True


# --- Mothers ------------------------------------------------------------------------------

KEK_MUAC_CM = Decimal("23.5")  # Kurang Energi Kronis: LiLA below 23.5 cm
ANAEMIA_HB_G_DL = Decimal("11")  # anaemia in pregnancy: Hb below 11 g/dL (WHO, Buku KIA)
HYPERTENSION = (140, 90)  # mmHg, systolic or diastolic at or above
PREGNANCY_MAX_DAYS = 44 * 7  # beyond 44 weeks since the HPHT no pregnancy is still ongoing
_ANC_LIMITS = {
    "weight_kg": (Decimal("25"), Decimal("200"), 1),
    "muac_cm": (Decimal("10"), Decimal("60"), 1),
    "hb_g_dl": (Decimal("3"), Decimal("20"), 1),
}
VISIT_FLAG_LABELS = {
    "kek": "KEK (LiLA < 23,5 cm)",
    "anemia": "Anemia (Hb < 11 g/dL)",
    "hipertensi": "Hipertensi (≥ 140/90 mmHg)",
}


def naegele_due_date(lmp: dt.date) -> dt.date:
    """Naegele's rule as Indonesian midwives apply it: HPHT day + 7, month − 3, year + 1
    (the day is added first, so it may carry into the next month)."""
    return add_months(lmp + dt.timedelta(days=7), 9)


@transaction.atomic
def pregnancy_register(
    *,
    actor: User | None,
    village: Village,
    mother: Resident,
    lmp_date: dt.date,
    gravida: int | None = None,
    risk_note: str = "",
) -> Pregnancy:
    """A pregnancy of a resident woman of this village; the due date by Naegele's rule."""
    if mother.village_id != village.pk:
        raise ApplicationError(_("Ibu ini bukan penduduk desa ini."))
    if mother.status != codes.STATUS_ALIVE:
        raise ApplicationError(_("Ibu ini tidak tercatat hidup."))
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if mother.sex != 2:
        errors["mother"] = _("Kehamilan hanya dapat dicatat untuk perempuan.")
    elif mother.birth_date is None or not 10 <= _age_years(mother.birth_date, lmp_date) <= 55:
        errors["mother"] = _("Umur ibu pada HPHT harus 10–55 tahun.")
    if lmp_date > today:
        errors["lmp_date"] = _("HPHT tidak boleh di masa depan.")
    elif (today - lmp_date).days > PREGNANCY_MAX_DAYS:
        errors["lmp_date"] = _("HPHT lebih dari 44 minggu yang lalu.")
    if gravida is not None and not 1 <= gravida <= 20:
        errors["gravida"] = _("Kehamilan ke- harus 1–20.")
    if Pregnancy.objects.filter(village=village, mother=mother, outcome="").exists():
        errors["mother"] = _("Ibu ini sudah punya catatan kehamilan yang berjalan.")
    if errors:
        raise ValidationError(errors)
    pregnancy = Pregnancy.objects.create(
        village=village,
        mother=mother,
        lmp_date=lmp_date,
        due_date=naegele_due_date(lmp_date),
        gravida=gravida,
        risk_note=" ".join(risk_note.split()),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        village=village,
        action="pregnancy.registered",
        object_type="pregnancy",
        object_id=pregnancy.public_id,
        changes={
            "mother": mother.public_id,
            "lmp_date": lmp_date.isoformat(),
            "due_date": pregnancy.due_date.isoformat(),
            "gravida": gravida,
            "risk_note": pregnancy.risk_note,
        },
    )
    return pregnancy


def visit_flags(
    *, muac_cm: Decimal | None, hb_g_dl: Decimal | None, bp_systolic: int | None, bp_diastolic: int | None
) -> list[str]:
    flags = []
    if muac_cm is not None and muac_cm < KEK_MUAC_CM:
        flags.append("kek")
    if hb_g_dl is not None and hb_g_dl < ANAEMIA_HB_G_DL:
        flags.append("anemia")
    if (bp_systolic or 0) >= HYPERTENSION[0] or (bp_diastolic or 0) >= HYPERTENSION[1]:
        flags.append("hipertensi")
    return flags


@transaction.atomic
def antenatal_visit_record(
    *,
    actor: User | None,
    pregnancy: Pregnancy,
    visited_on: dt.date,
    weight_kg: object = None,
    muac_cm: object = None,
    hb_g_dl: object = None,
    iron_tablets: int = 0,
    bp_systolic: int | None = None,
    bp_diastolic: int | None = None,
    note: str = "",
    session: PosyanduSession | None = None,
) -> AntenatalVisit:
    """A pregnancy check; numbered K1, K2, … in date order, with its risk flags."""
    village = pregnancy.village
    if pregnancy.outcome:
        raise ApplicationError(_("Kehamilan ini sudah berakhir; kunjungan tidak dapat dicatat."))
    if pregnancy.mother.status != codes.STATUS_ALIVE:
        raise ApplicationError(_("Ibu ini tidak tercatat hidup; kunjungan tidak dapat dicatat."))
    if session is not None and session.village_id != village.pk:
        raise ApplicationError(_("Sesi posyandu ini bukan milik desa ini."))
    errors: dict[str, str] = {}
    weight = _decimal("weight_kg", weight_kg, errors, _ANC_LIMITS)
    muac = _decimal("muac_cm", muac_cm, errors, _ANC_LIMITS)
    hb = _decimal("hb_g_dl", hb_g_dl, errors, _ANC_LIMITS)
    if visited_on > timezone.localdate():
        errors["visited_on"] = _("Tanggal kunjungan di masa depan.")
    elif visited_on < pregnancy.lmp_date:
        errors["visited_on"] = _("Tanggal kunjungan sebelum HPHT.")
    if not 0 <= iron_tablets <= 180:
        errors["iron_tablets"] = _("Jumlah tablet tambah darah harus 0–180.")
    if bp_systolic is not None and not 60 <= bp_systolic <= 260:
        errors["bp_systolic"] = _("Sistolik harus 60–260 mmHg.")
    if bp_diastolic is not None and not 30 <= bp_diastolic <= 160:
        errors["bp_diastolic"] = _("Diastolik harus 30–160 mmHg.")
    if (bp_systolic is None) != (bp_diastolic is None):
        errors["bp_diastolic"] = _("Isi sistolik dan diastolik bersama.")
    elif bp_systolic is not None and bp_diastolic is not None and bp_diastolic >= bp_systolic:
        errors["bp_diastolic"] = _("Diastolik harus lebih rendah dari sistolik.")
    if errors:
        raise ValidationError(errors)
    flags = visit_flags(muac_cm=muac, hb_g_dl=hb, bp_systolic=bp_systolic, bp_diastolic=bp_diastolic)
    visit = AntenatalVisit.objects.create(
        village=village,
        pregnancy=pregnancy,
        session=session,
        visited_on=visited_on,
        number=0,
        weight_kg=weight,
        muac_cm=muac,
        hb_g_dl=hb,
        iron_tablets=iron_tablets,
        bp_systolic=bp_systolic,
        bp_diastolic=bp_diastolic,
        flags=";".join(flags),
        note=" ".join(note.split()),
        recorded_by=actor,
    )
    # Visits entered late keep K-numbers in date order.
    for number, item in enumerate(pregnancy.visits.order_by("visited_on", "id"), start=1):
        if item.number != number:
            AntenatalVisit.objects.filter(pk=item.pk).update(number=number)
    visit.refresh_from_db(fields=["number"])
    if session is not None:
        Attendance.objects.get_or_create(
            village=village,
            session=session,
            resident=pregnancy.mother,
            defaults={"target": Attendance.Target.PREGNANT, "recorded_by": actor},
        )
    audit_record(
        actor=actor,
        village=village,
        action="antenatal_visit.recorded",
        object_type="pregnancy",
        object_id=pregnancy.public_id,
        changes={
            "visit": visit.public_id,
            "visited_on": visited_on.isoformat(),
            "weight_kg": str(weight) if weight is not None else None,
            "muac_cm": str(muac) if muac is not None else None,
            "hb_g_dl": str(hb) if hb is not None else None,
            "iron_tablets": iron_tablets,
            "bp": f"{bp_systolic}/{bp_diastolic}" if bp_systolic is not None else None,
            "flags": flags,
        },
    )
    return visit


@transaction.atomic
def pregnancy_close(
    *,
    actor: User | None,
    pregnancy: Pregnancy,
    outcome: str,
    outcome_date: dt.date,
    baby: Resident | None = None,
) -> Pregnancy:
    """Record how a pregnancy ended. A live birth may name the baby recorded in the registry
    (its birth event), which must be of this village, born on `outcome_date` or near it, and
    a child of this mother (her NIK as the mother's, or her family)."""
    village = pregnancy.village
    if outcome not in Pregnancy.Outcome.values or outcome == Pregnancy.Outcome.ONGOING:
        raise ValidationError({"outcome": _("Pilih hasil kehamilan.")})
    if baby is not None and baby.village_id != village.pk:
        raise ApplicationError(_("Bayi ini bukan penduduk desa ini."))
    errors: dict[str, str] = {}
    if outcome_date < pregnancy.lmp_date:
        errors["outcome_date"] = _("Tanggal sebelum HPHT.")
    elif outcome_date > timezone.localdate():
        errors["outcome_date"] = _("Tanggal di masa depan.")
    if baby is not None:
        mother = pregnancy.mother
        if outcome != Pregnancy.Outcome.LIVE_BIRTH:
            errors["baby"] = _("Bayi hanya ditautkan pada kelahiran hidup.")
        elif baby.birth_date is None or abs((baby.birth_date - outcome_date).days) > 3:
            errors["baby"] = _("Tanggal lahir bayi tidak sesuai tanggal persalinan.")
        elif baby.birth_date < pregnancy.lmp_date + dt.timedelta(weeks=20):
            errors["baby"] = _("Bayi lahir kurang dari 20 minggu setelah HPHT.")
        elif not (
            (baby.mother_nik and baby.mother_nik == mother.nik)
            or (baby.family_id is not None and baby.family_id == mother.family_id)
        ):
            errors["baby"] = _("Bayi ini tidak tercatat sebagai anak ibu ini.")
        elif Pregnancy.objects.filter(baby=baby).exclude(pk=pregnancy.pk).exists():
            errors["baby"] = _("Bayi ini sudah ditautkan ke kehamilan lain.")
    if errors:
        raise ValidationError(errors)
    pregnancy.outcome = outcome
    pregnancy.outcome_date = outcome_date
    pregnancy.baby = baby
    pregnancy.save(update_fields=["outcome", "outcome_date", "baby", "updated_at"])
    audit_record(
        actor=actor,
        village=village,
        action="pregnancy.closed",
        object_type="pregnancy",
        object_id=pregnancy.public_id,
        changes={
            "outcome": outcome,
            "outcome_date": outcome_date.isoformat(),
            "baby": baby.public_id if baby is not None else None,
        },
    )
    return pregnancy


@transaction.atomic
def pregnancy_link_birth(*, actor: User | None, pregnancy: Pregnancy, baby: Resident) -> Pregnancy:
    """Link the registry's birth record to the pregnancy (closing it as a live birth if open)."""
    if baby.birth_date is None:
        raise ValidationError({"baby": _("Tanggal lahir bayi belum tercatat.")})
    if pregnancy.outcome and pregnancy.outcome != Pregnancy.Outcome.LIVE_BIRTH:
        raise ApplicationError(_("Kehamilan ini tidak berakhir dengan kelahiran hidup."))
    return pregnancy_close(
        actor=actor,
        pregnancy=pregnancy,
        outcome=Pregnancy.Outcome.LIVE_BIRTH,
        outcome_date=pregnancy.outcome_date or baby.birth_date,
        baby=baby,
    )
