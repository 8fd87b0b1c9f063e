"""Reads of posyandu data; always scoped by village. Individual records are for health roles
(capability "health.read"); callers check it before calling."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.accounts.models import Role, User
from balai.core.dates import Month
from balai.health import immunization
from balai.health.classify import LABELS, is_stunted
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
from balai.health.who import DAYS_PER_MONTH, UNDER5_MAX_DAYS
from balai.people import codes
from balai.people.models import Family, Resident
from balai.regions.models import Rt, Village


def posyandu_list(*, village: Village) -> QuerySet[Posyandu]:
    return Posyandu.objects.filter(village=village, is_active=True)


def posyandu_all(*, village: Village) -> QuerySet[Posyandu]:
    """Active and inactive, for the list of the village's posyandu."""
    return Posyandu.objects.filter(village=village).order_by("-is_active", "name")


def posyandu_get(*, village: Village, public_id: str) -> Posyandu:
    """Raises Posyandu.DoesNotExist for another village's posyandu, like a missing one."""
    return Posyandu.objects.filter(village=village).get(public_id=public_id)


def posyandu_rts(*, village: Village, posyandu: Posyandu) -> list[Rt]:
    ids = PosyanduArea.objects.filter(village=village, posyandu=posyandu).values("rt_id")
    return list(Rt.objects.filter(village=village, pk__in=ids).select_related("dusun").order_by("rw", "rt"))


def posyandu_cadres(*, village: Village, posyandu: Posyandu) -> list[User]:
    ids = PosyanduCadre.objects.filter(village=village, posyandu=posyandu).values("user_id")
    return list(User.objects.filter(village=village, pk__in=ids).order_by("username"))


def cadre_choices(*, village: Village) -> QuerySet[User]:
    """Users who may be a posyandu's cadres: active kader of this village."""
    return User.objects.filter(village=village, role=Role.KADER_POSYANDU, is_active=True).order_by("username")


def area_q(*, village: Village, posyandu: Posyandu, prefix: str = "") -> Q:
    """Residents (or rows with `prefix` + "rt") in a posyandu's area: its RTs; if it has none,
    the RTs of its dusun; if it names no dusun either, the whole village."""
    rt_ids = list(
        PosyanduArea.objects.filter(village=village, posyandu=posyandu).values_list("rt_id", flat=True)
    )
    if rt_ids:
        return Q(**{f"{prefix}rt_id__in": rt_ids})
    if posyandu.dusun:
        return Q(**{f"{prefix}rt__dusun__name__iexact": posyandu.dusun})
    return Q()


def session_list(*, village: Village, posyandu: Posyandu) -> QuerySet[PosyanduSession]:
    return PosyanduSession.objects.filter(village=village, posyandu=posyandu).order_by("-held_on")


def session_get(*, village: Village, public_id: str) -> PosyanduSession:
    """Raises PosyanduSession.DoesNotExist for another village's session, like a missing one."""
    return PosyanduSession.objects.filter(village=village).select_related("posyandu").get(public_id=public_id)


def resident_of_village(*, village: Village, public_id: str) -> Resident:
    """Any resident of the village by public id (dead ones too: the services refuse them with
    a message); another village's raises Resident.DoesNotExist."""
    return Resident.objects.filter(village=village).select_related("rt__dusun").get(public_id=public_id)


def expected_children(*, village: Village, posyandu: Posyandu, on: dt.date) -> QuerySet[Resident]:
    """Living children 0–59 months on `on` in the posyandu's area, by RT then name."""
    earliest = on - dt.timedelta(days=UNDER5_MAX_DAYS)
    return (
        Resident.objects.filter(
            area_q(village=village, posyandu=posyandu),
            village=village,
            status=codes.STATUS_ALIVE,
            birth_date__gt=earliest,
            birth_date__lte=on,
        )
        .select_related("rt__dusun")
        .order_by("rt__dusun__name", "rt__rw", "rt__rt", "name_key", "id")
    )


@dataclass
class SheetRow:
    """One child's row on a session sheet."""

    child: Resident
    age_days: int
    current: ChildMeasurement | None  # this session's measurement, if entered
    previous: ChildMeasurement | None  # the last one before the session day
    given: frozenset[str]  # vaccine codes given before (other visits)
    due: list[immunization.Vaccine]  # due at this age and not given before

    @property
    def age_months(self) -> int:
        return int(self.age_days / DAYS_PER_MONTH)

    @property
    def suggested_position(self) -> str:
        return "l" if self.age_days < 731 else "h"


def sheet_row(*, village: Village, session: PosyanduSession, child: Resident) -> SheetRow:
    return sheet_rows(village=village, session=session, children=[child])[0]


def sheet_rows(
    *, village: Village, session: PosyanduSession, children: list[Resident] | None = None
) -> list[SheetRow]:
    """The rows of a session sheet: the expected children, then any child measured at the
    session from outside the area (moved, or brought by a relative)."""
    if children is None:
        children = list(expected_children(village=village, posyandu=session.posyandu, on=session.held_on))
        known = {c.pk for c in children}
        extra_ids = (
            ChildMeasurement.objects.filter(village=village, session=session)
            .exclude(child_id__in=known)
            .values("child_id")
        )
        children += list(
            Resident.objects.filter(village=village, pk__in=extra_ids).select_related("rt__dusun")
        )
    ids = [c.pk for c in children]
    current: dict[int, ChildMeasurement] = {}
    previous: dict[int, ChildMeasurement] = {}
    given: dict[int, set[str]] = defaultdict(set)
    for m in ChildMeasurement.objects.filter(village=village, child_id__in=ids).order_by("measured_on", "id"):
        if m.session_id == session.pk:
            current[m.child_id] = m
            continue
        given[m.child_id].update(m.immunizations or [])
        if m.measured_on <= session.held_on:
            previous[m.child_id] = m
    rows = []
    for c in children:
        age = (session.held_on - c.birth_date).days if c.birth_date else 0
        before = frozenset(given[c.pk])
        rows.append(
            SheetRow(
                child=c,
                age_days=age,
                current=current.get(c.pk),
                previous=previous.get(c.pk),
                given=before,
                due=immunization.due(age_days=age, given=before),
            )
        )
    return rows


@dataclass(frozen=True)
class AttendeeRow:
    resident: Resident
    present: bool
    note: str = ""


def session_attendees(*, village: Village, session: PosyanduSession, target: str) -> list[AttendeeRow]:
    """Pregnant women (ongoing pregnancy) or elderly (60+) of the posyandu's area, with their
    attendance at the session."""
    area = area_q(village=village, posyandu=session.posyandu)
    people = Resident.objects.filter(area, village=village, status=codes.STATUS_ALIVE)
    notes: dict[int, str] = {}
    if target == Attendance.Target.PREGNANT:
        open_ = Pregnancy.objects.filter(village=village, outcome="").values_list("mother_id", "due_date")
        notes = {mother: str(due) for mother, due in open_}
        people = people.filter(pk__in=list(notes))
    elif target == Attendance.Target.ELDERLY:
        on = session.held_on
        cutoff = dt.date(on.year - 60, on.month, 28 if (on.month, on.day) == (2, 29) else on.day)
        people = people.filter(birth_date__lte=cutoff)
    else:
        return []
    present = set(
        Attendance.objects.filter(village=village, session=session).values_list("resident_id", flat=True)
    )
    return [
        AttendeeRow(r, r.pk in present, notes.get(r.pk, ""))
        for r in people.select_related("rt__dusun").order_by("rt__rw", "rt__rt", "name_key", "id")
    ]


def session_counts(*, village: Village, session: PosyanduSession) -> dict[str, int]:
    counts = dict.fromkeys(Attendance.Target.values, 0)
    for target in Attendance.objects.filter(village=village, session=session).values_list(
        "target", flat=True
    ):
        counts[target] += 1
    counts["measured"] = ChildMeasurement.objects.filter(village=village, session=session).count()
    return counts


def child_measurements(*, village: Village, child: Resident) -> QuerySet[ChildMeasurement]:
    """One child's measurements, oldest first (the order of a growth chart)."""
    return ChildMeasurement.objects.filter(village=village, child=child).order_by("measured_on", "id")


def measurement_get(*, village: Village, public_id: str) -> ChildMeasurement:
    return ChildMeasurement.objects.filter(village=village).select_related("child").get(public_id=public_id)


@dataclass(frozen=True)
class StuntingRow:
    dusun: str
    measured: int  # children with a length/height-for-age z that month
    stunted: int  # z < −2 (pendek + sangat pendek)
    severely_stunted: int  # z < −3

    @property
    def prevalence(self) -> float | None:
        return self.stunted / self.measured if self.measured else None


def stunting_by_dusun(*, village: Village, year: int, month: int) -> list[StuntingRow]:
    """Stunting counts per dusun for one month: each child counted once, by the last
    measurement of the month. Aggregates only: no individual data leaves this function."""
    shown = Month(year, month)
    first, after = shown.first, shown.after
    rows = (
        ChildMeasurement.objects.filter(
            village=village, measured_on__gte=first, measured_on__lt=after, z_lhfa__isnull=False
        )
        .order_by("child_id", "measured_on", "id")
        .values_list("child_id", "z_lhfa", "child__rt__dusun__name")
    )
    latest: dict[int, tuple[float, str]] = {}
    for child_id, z, dusun in rows:
        if z is not None:
            latest[child_id] = (z, dusun or "")
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for z, dusun in latest.values():
        bucket = counts[dusun]
        bucket[0] += 1
        bucket[1] += is_stunted(z)
        bucket[2] += z < -3
    return [StuntingRow(dusun, *bucket) for dusun, bucket in sorted(counts.items())]


# --- One child's growth (child page, kiosk) ------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeasurementRow:
    """One measurement as the child page, the chart and the kiosk show it."""

    public_id: str
    measured_on: dt.date
    age_days: int
    weight_kg: float | None
    lenhei_cm: float | None  # as measured
    lenhei_scored_cm: float | None  # after WHO's lying/standing correction (chart scale)
    position: str
    z_lhfa: float | None
    z_wfa: float | None
    z_wflh: float | None
    cat_lhfa: str
    cat_wfa: str
    cat_wflh: str
    flags: str
    weight_trend: str  # N naik, T tidak naik, O tidak ditimbang bulan lalu, B baru, "" n/a

    @property
    def labels(self) -> dict[str, str]:
        """Permenkes category labels by index ("" where not applicable)."""
        return {
            "lhfa": LABELS.get(self.cat_lhfa, ""),
            "wfa": LABELS.get(self.cat_wfa, ""),
            "wflh": LABELS.get(self.cat_wflh, ""),
        }


@dataclass(frozen=True, slots=True)
class ChildGrowth:
    public_id: str
    name: str
    sex: int  # 1 boy, 2 girl
    birth_date: dt.date
    measurements: list[MeasurementRow]  # oldest first

    @property
    def latest(self) -> MeasurementRow | None:
        return self.measurements[-1] if self.measurements else None

    def age_days(self, on: dt.date | None = None) -> int:
        return ((on or timezone.localdate()) - self.birth_date).days


_ROW_FIELDS = (
    "child_id",
    "public_id",
    "measured_on",
    "age_days",
    "weight_kg",
    "lenhei_cm",
    "lenhei_scored_cm",
    "position",
    "z_lhfa",
    "z_wfa",
    "z_wflh",
    "cat_lhfa",
    "cat_wfa",
    "cat_wflh",
    "flags",
    "weight_trend",
)


def _rows_by_child(*, village: Village, child_ids: list[int]) -> dict[int, list[MeasurementRow]]:
    out: dict[int, list[MeasurementRow]] = defaultdict(list)
    if not child_ids:
        return out
    rows = (
        ChildMeasurement.objects.filter(village=village, child_id__in=child_ids)
        .order_by("child_id", "measured_on", "id")
        .values_list(*_ROW_FIELDS)
    )
    for child_id, *rest in rows:
        values = dict(zip(_ROW_FIELDS[1:], rest, strict=True))
        for key in ("weight_kg", "lenhei_cm"):
            values[key] = float(values[key]) if values[key] is not None else None
        out[child_id].append(MeasurementRow(**values))
    return out


def child_growth(*, village: Village, child: Resident) -> ChildGrowth:
    """One child's measurements, oldest first. The caller checked health.read (or, at the
    kiosk, that the child belongs to the signed-in parent's family)."""
    if child.village_id != village.pk or child.birth_date is None:
        raise Resident.DoesNotExist
    rows = _rows_by_child(village=village, child_ids=[child.pk]).get(child.pk, [])
    return ChildGrowth(child.public_id, child.name, child.sex, child.birth_date, rows)


def children_growth_of_family(*, village: Village, family: Family) -> list[ChildGrowth]:
    """The living children under five of one family (KK) with their measurements, youngest
    last. For the kiosk: the signed-in parent sees their own family's children only, so the
    family must come from the parent's own record, never from a request parameter."""
    if family.village_id != village.pk:
        return []
    today = timezone.localdate()
    earliest = today - dt.timedelta(days=UNDER5_MAX_DAYS)
    # Looked up by family alone (a handful of rows) and filtered here: with village and status
    # in the query, SQLite without statistics walks the village's (status, village) index.
    children = [
        (pk, public_id, name, sex, born)
        for pk, public_id, name, sex, born, village_id, status in Resident.objects.filter(family_id=family.pk)
        .order_by("birth_date", "id")
        .values_list("pk", "public_id", "name", "sex", "birth_date", "village_id", "status")
        if village_id == village.pk
        and status == codes.STATUS_ALIVE
        and born is not None
        and earliest < born <= today
    ]
    rows = _rows_by_child(village=village, child_ids=[c[0] for c in children])
    return [
        ChildGrowth(public_id, name, sex, birth_date, rows.get(pk, []))
        for pk, public_id, name, sex, birth_date in children
        if birth_date is not None
    ]


# --- Alerts for the midwife and the stunting-convergence team ------------------------------

ALERT_KINDS = {
    "2t": _("Berat badan tidak naik 2 kali berturut-turut (2T)"),
    "below_2sd": _("Baru turun di bawah −2 SD"),
    "missed": _("Tidak datang 2 sesi terakhir"),
}
ALERT_SHORT = {"2t": "2T", "below_2sd": "< −2 SD", "missed": _("Tidak datang")}


def _kg(value: object) -> str:
    return f"{float(value):.1f}".replace(".", ",")  # type: ignore[arg-type]


# An alert on growth speaks about the present: measurements older than this are stale.
ALERT_RECENT_DAYS = 62
_CROSS_INDICES = (("z_wfa", "BB/U"), ("z_lhfa", "PB/U atau TB/U"), ("z_wflh", "BB/PB atau BB/TB"))


@dataclass(frozen=True)
class Alert:
    kind: str
    child: Resident
    detail: str
    since: dt.date | None

    @property
    def label(self) -> str:
        return str(ALERT_KINDS[self.kind])

    @property
    def short(self) -> str:
        return str(ALERT_SHORT[self.kind])

    @property
    def age_months(self) -> int | None:
        born = self.child.birth_date
        return int((timezone.localdate() - born).days / DAYS_PER_MONTH) if born else None


def _posyandu_of_children(*, village: Village, children: list[Resident]) -> dict[int, Posyandu]:
    """The (first, by name) active posyandu whose area holds each child."""
    found: dict[int, Posyandu] = {}
    for posyandu in posyandu_list(village=village):
        area = area_q(village=village, posyandu=posyandu)
        ids = set(Resident.objects.filter(area, pk__in=[c.pk for c in children]).values_list("pk", flat=True))
        for pk in ids:
            found.setdefault(pk, posyandu)
    return found


def growth_alerts(
    *,
    village: Village,
    kinds: set[str] | None = None,
    posyandu: Posyandu | None = None,
    dusun: str = "",
    today: dt.date | None = None,
) -> list[Alert]:
    """Children under five needing follow-up, most urgent kinds first.

    - "2t": the last two weighings were both "T" (gain below the KBM, see
      services.MIN_GAIN_G), the last within ALERT_RECENT_DAYS.
    - "below_2sd": the last measurement (recent) is below −2 SD on BB/U, PB/TB/U or BB/PB/TB
      while the one before was not.
    - "missed": the posyandu serving the child held two sessions (up to today) since the
      child was born and the child has no measurement since the older of the two.
    """
    today = today or timezone.localdate()
    kinds = kinds or set(ALERT_KINDS)
    children_qs = Resident.objects.filter(
        village=village,
        status=codes.STATUS_ALIVE,
        birth_date__gt=today - dt.timedelta(days=UNDER5_MAX_DAYS),
        birth_date__lte=today,
    ).select_related("rt__dusun")
    if posyandu is not None:
        children_qs = children_qs.filter(area_q(village=village, posyandu=posyandu))
    if dusun:
        children_qs = children_qs.filter(rt__dusun__name=dusun)
    children = {c.pk: c for c in children_qs.order_by("rt__rw", "rt__rt", "name_key", "id")}
    recent: dict[int, list[ChildMeasurement]] = defaultdict(list)
    for m in (
        ChildMeasurement.objects.filter(
            village=village, child_id__in=list(children), measured_on__gte=today - dt.timedelta(days=400)
        )
        .only("child_id", "measured_on", "weight_kg", "weight_trend", "z_wfa", "z_lhfa", "z_wflh")
        .order_by("measured_on", "id")
    ):
        recent[m.child_id].append(m)
    alerts: list[Alert] = []
    fresh = today - dt.timedelta(days=ALERT_RECENT_DAYS)
    for pk, child in children.items():
        rows = recent.get(pk, [])
        if "2t" in kinds:
            weighed = [m for m in rows if m.weight_kg is not None]
            if len(weighed) >= 2 and weighed[-1].measured_on >= fresh:
                last, before = weighed[-1], weighed[-2]
                if last.weight_trend == "T" and before.weight_trend == "T":
                    shown = weighed[-3:]
                    detail = " → ".join(_kg(m.weight_kg) for m in shown) + " kg"
                    alerts.append(Alert("2t", child, detail, before.measured_on))
        if "below_2sd" in kinds and len(rows) >= 1 and rows[-1].measured_on >= fresh:
            last = rows[-1]
            crossed = []
            for field_name, label in _CROSS_INDICES:
                now = getattr(last, field_name)
                earlier = [getattr(m, field_name) for m in rows[:-1] if getattr(m, field_name) is not None]
                if now is not None and now < -2 and (not earlier or earlier[-1] >= -2):
                    crossed.append(f"{label} {now:.2f}".replace(".", ","))
            if crossed:
                alerts.append(Alert("below_2sd", child, "; ".join(crossed), last.measured_on))
    if "missed" in kinds:
        alerts += _missed_alerts(village=village, children=children, recent=recent, today=today)
    order = {kind: i for i, kind in enumerate(ALERT_KINDS)}
    return sorted(alerts, key=lambda a: order[a.kind])


def _missed_alerts(
    *,
    village: Village,
    children: dict[int, Resident],
    recent: dict[int, list[ChildMeasurement]],
    today: dt.date,
) -> list[Alert]:
    alerts = []
    served = _posyandu_of_children(village=village, children=list(children.values()))
    last_two: dict[int, list[dt.date]] = defaultdict(list)
    for posyandu_id, held_on in (
        PosyanduSession.objects.filter(village=village, held_on__lte=today)
        .order_by("posyandu_id", "-held_on")
        .values_list("posyandu_id", "held_on")
    ):
        if len(last_two[posyandu_id]) < 2:
            last_two[posyandu_id].append(held_on)
    for pk, child in children.items():
        posyandu = served.get(pk)
        sessions = last_two.get(posyandu.pk, []) if posyandu is not None else []
        if len(sessions) < 2 or child.birth_date is None or child.birth_date > sessions[1]:
            continue
        since = sessions[1]
        if not any(m.measured_on >= since for m in recent.get(pk, [])):
            assert posyandu is not None
            detail = (
                f"{posyandu.name}: {sessions[1].strftime('%d-%m-%Y')}, {sessions[0].strftime('%d-%m-%Y')}"
            )
            alerts.append(Alert("missed", child, detail, since))
    return alerts


# --- Mothers ------------------------------------------------------------------------------

RISK_LABELS = {
    "kek": _("KEK (LiLA < 23,5 cm)"),
    "anemia": _("Anemia (Hb < 11 g/dL)"),
    "hipertensi": _("Hipertensi (≥ 140/90 mmHg)"),
    "terlalu_muda": _("Umur ibu < 20 tahun"),
    "terlalu_tua": _("Umur ibu > 35 tahun"),
    "terlalu_banyak": _("Kehamilan ke-4 atau lebih"),
}


def pregnancy_list(*, village: Village, ongoing: bool = True) -> QuerySet[Pregnancy]:
    qs = Pregnancy.objects.filter(village=village).select_related("mother__rt__dusun")
    if ongoing:
        return qs.filter(outcome="").order_by("due_date", "id")
    return qs.exclude(outcome="").order_by("-outcome_date", "-id")


def pregnancy_get(*, village: Village, public_id: str) -> Pregnancy:
    """Raises Pregnancy.DoesNotExist for another village's pregnancy, like a missing one."""
    return Pregnancy.objects.filter(village=village).select_related("mother", "baby").get(public_id=public_id)


def pregnancy_visits(*, village: Village, pregnancy: Pregnancy) -> QuerySet[AntenatalVisit]:
    return AntenatalVisit.objects.filter(village=village, pregnancy=pregnancy).order_by("visited_on", "id")


def pregnancy_risks(*, pregnancy: Pregnancy, visits: list[AntenatalVisit] | None = None) -> list[str]:
    """Risk flags of a pregnancy: from the mother's age and parity, and any found at a visit."""
    flags: list[str] = []
    birth = pregnancy.mother.birth_date
    if birth is not None:
        age = (
            pregnancy.lmp_date.year
            - birth.year
            - ((pregnancy.lmp_date.month, pregnancy.lmp_date.day) < (birth.month, birth.day))
        )
        if age < 20:
            flags.append("terlalu_muda")
        elif age > 35:
            flags.append("terlalu_tua")
    if pregnancy.gravida is not None and pregnancy.gravida >= 4:
        flags.append("terlalu_banyak")
    for visit in visits if visits is not None else pregnancy.visits.all():
        for flag in filter(None, visit.flags.split(";")):
            if flag not in flags:
                flags.append(flag)
    return flags


def gestational_weeks(pregnancy: Pregnancy, on: dt.date | None = None) -> int:
    return ((on or timezone.localdate()) - pregnancy.lmp_date).days // 7


def women_search(*, village: Village, q: str, limit: int = 20) -> list[Resident]:
    """Living women 10–55 of the village whose name contains `q` (for a pregnancy record)."""
    q = " ".join(q.split())
    if len(q) < 2:
        return []
    today = timezone.localdate()
    return list(
        Resident.objects.filter(
            village=village,
            status=codes.STATUS_ALIVE,
            sex=2,
            name__icontains=q,
            birth_date__lte=dt.date(today.year - 10, 1, 1),
            birth_date__gte=dt.date(today.year - 56, 1, 1),
        )
        .select_related("rt__dusun")
        .order_by("name_key", "id")[:limit]
    )


def birth_candidates(*, village: Village, pregnancy: Pregnancy) -> list[Resident]:
    """Babies in the registry who may be this pregnancy's: children of this mother (her NIK as
    the mother's, or born into her family) born from 20 weeks after the HPHT, not yet linked."""
    mother = pregnancy.mother
    linked = (
        Pregnancy.objects.filter(village=village, baby__isnull=False)
        .exclude(pk=pregnancy.pk)
        .values("baby_id")
    )
    whose = Q(mother_nik=mother.nik) if mother.nik else Q(pk__in=[])
    if mother.family_id is not None:
        whose |= Q(family_id=mother.family_id, family_relation=4)
    return list(
        Resident.objects.filter(
            whose,
            village=village,
            birth_date__gte=pregnancy.lmp_date + dt.timedelta(weeks=20),
            birth_date__lte=pregnancy.lmp_date + dt.timedelta(weeks=46),
        )
        .exclude(pk__in=linked)
        .exclude(pk=mother.pk)
        .order_by("birth_date", "id")
    )


# --- At the kiosk: a family's own pregnancies ---------------------------------------------------

# The latest week of pregnancy for each antenatal visit, as the KIA book (2020 edition,
# Permenkes 21/2021) schedules six: two in the first trimester, one in the second, three in
# the third. The kiosk says when the next one is due; it judges nothing clinical.
ANC_DUE_WEEKS = {1: 12, 2: 12, 3: 24, 4: 32, 5: 36, 6: 40}


@dataclass(frozen=True)
class KioskVisit:
    number: int
    visited_on: dt.date
    weight_kg: object
    muac_cm: object
    hb_g_dl: object
    blood_pressure: str
    iron_tablets: int
    warnings: list[str]


@dataclass(frozen=True)
class KioskPregnancy:
    """A mother's pregnancy as her KIA book shows it, for the family at the kiosk."""

    public_id: str
    mother: str
    lmp_date: dt.date
    due_date: dt.date
    weeks: int
    visits: list[KioskVisit]
    next_number: int | None
    next_due: dt.date | None
    next_overdue: bool
    warnings: list[str]


def family_pregnancies(
    *, village: Village, family: Family, on: dt.date | None = None
) -> list[KioskPregnancy]:
    """Ongoing pregnancies of the family's living women, with their visits (two queries)."""
    on = on or timezone.localdate()
    pregnancies = list(
        Pregnancy.objects.filter(
            village=village, outcome="", mother__family_id=family.pk, mother__status=codes.STATUS_ALIVE
        )
        .select_related("mother")
        .order_by("due_date", "pk")
    )
    visits: dict[int, list[AntenatalVisit]] = defaultdict(list)
    for v in AntenatalVisit.objects.filter(village=village, pregnancy__in=pregnancies).order_by(
        "visited_on", "pk"
    ):
        visits[v.pregnancy_id].append(v)
    result = []
    for p in pregnancies:
        done = visits.get(p.pk, [])
        number = max((v.number for v in done), default=0) + 1
        due = p.lmp_date + dt.timedelta(weeks=ANC_DUE_WEEKS[number]) if number in ANC_DUE_WEEKS else None
        if due is not None and due > p.due_date:
            due = p.due_date
        result.append(
            KioskPregnancy(
                public_id=p.public_id,
                mother=p.mother.name,
                lmp_date=p.lmp_date,
                due_date=p.due_date,
                weeks=gestational_weeks(p, on),
                visits=[
                    KioskVisit(
                        number=v.number,
                        visited_on=v.visited_on,
                        weight_kg=v.weight_kg,
                        muac_cm=v.muac_cm,
                        hb_g_dl=v.hb_g_dl,
                        blood_pressure=f"{v.bp_systolic}/{v.bp_diastolic}" if v.bp_systolic else "",
                        iron_tablets=v.iron_tablets,
                        warnings=[str(RISK_LABELS.get(f, f)) for f in filter(None, v.flags.split(";"))],
                    )
                    for v in done
                ],
                next_number=number if due is not None else None,
                next_due=due,
                next_overdue=due is not None and due < on,
                warnings=[str(RISK_LABELS.get(f, f)) for f in pregnancy_risks(pregnancy=p, visits=done)],
            )
        )
    return result


@dataclass(frozen=True)
class ScheduleRow:
    name: str
    dusun: str
    schedule: str

    @property
    def dusun_label(self) -> str:
        """The dusun as a visitor reads it: the registry keeps names in capitals ("KRAJAN LOR")."""
        return self.dusun.title() if self.dusun.isupper() else self.dusun


def posyandu_schedule(*, village: Village) -> list[ScheduleRow]:
    """The opening days of the village's active posyandu: the one schedule the health pages,
    the village's public page and the kiosk all show (kept on the posyandu, edited by the
    health module), so an announcement typed elsewhere can no longer disagree with it."""
    rows = Posyandu.objects.filter(village=village, is_active=True).order_by("name")
    return [ScheduleRow(p.name, p.dusun, p.schedule) for p in rows.only("name", "dusun", "schedule")]
