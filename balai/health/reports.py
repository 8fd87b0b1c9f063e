"""Aggregate health reports: the monthly posyandu report (SKDN) and stunting prevalence.

Every selector takes the villages it may read (one village for village users, the district's
or regency's villages for camat and Dispermades) and returns counts only: no name, NIK or
public id of a child leaves this module, so the same functions serve aggregate-only roles.

Definitions (the issue and DOMAIN.md §6 leave these to us; docs/eppgbm.md repeats them):

- Age is counted in completed months at the **last day of the report month**, for every
  letter of SKDN, so a child sits in one age band for the whole month.
- S (sasaran): children 0–59 months alive in the registry, in the posyandu's dusun.
- K (punya KMS): children of S with a growth record in Balai (any measurement up to the end
  of the month): Balai's record is their digital KMS.
- D (ditimbang): children weighed in the month (a measurement with a weight).
- N/T/O/B: the KMS result of the child's last weighing of the month, by the same rule as the
  session sheet (`services.weight_trend`: gain since last month ≥ KBM of Buku KIA → N, less
  → T; not weighed last month → O; first weighing → B). D = N + T + O + B.
- Prevalence: each child counted once per month, by the last measurement of the month;
  stunting = TB/U (PB/U) z < −2, wasting = BB/TB z < −2, underweight = BB/U z < −2.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connections, router, transaction
from django.db.models import Count, Exists, FloatField, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Cast

from balai.core.dates import Month, add_months
from balai.core.db.parallel import split_read
from balai.health.models import ChildMeasurement, Posyandu, PosyanduArea
from balai.health.services import weight_trend
from balai.people import codes
from balai.people.models import Resident
from balai.regions.models import Village

BANDS: tuple[tuple[str, int, int], ...] = (
    ("0-5", 0, 5),
    ("6-11", 6, 11),
    ("12-23", 12, 23),
    ("24-59", 24, 59),
)
METRICS = ("S", "K", "D", "N", "T", "O", "B")
SEXES = (1, 2)  # codes.SEX: laki-laki, perempuan
# Aggregates outside the village: a count of 1 or 2 children can point at a family the
# neighbours know, so district and regency pages show "<3" instead.
SUPPRESS_BELOW = 3
NO_POSYANDU = ""


# --- Months --------------------------------------------------------------------------------


def months_between(birth: dt.date, day: dt.date) -> int:
    """Completed months of age on `day`."""
    months = (day.year - birth.year) * 12 + day.month - birth.month
    if day.day < birth.day:
        months -= 1
    return months


def band_of(age_months: int) -> str | None:
    for name, low, high in BANDS:
        if low <= age_months <= high:
            return name
    return None


def latest_month(*, villages: QuerySet[Village] | Iterable[Village], today: dt.date) -> Month:
    """The month of the latest measurement (not after today) in these villages, else today's.
    (Not a report's default: reports open on the last complete month, `core.dates.Period`.)"""
    day = ChildMeasurement.objects.filter(village__in=_ids(villages), measured_on__lte=today).aggregate(
        last=Max("measured_on")
    )["last"]
    return Month.of(day or today)


def _ids(villages: QuerySet[Village] | Iterable[Village]) -> list[int] | QuerySet[Village]:
    if isinstance(villages, QuerySet):
        return villages.values("pk")  # type: ignore[return-value]
    return [v.pk for v in villages]


# From this many villages a district's or the regency's figures are read in two connections at
# once on PostgreSQL (`split_read`): half the villages, or half the trend's months, each.
SPLIT_READ_VILLAGES = 100

# --- SKDN ----------------------------------------------------------------------------------


@dataclass
class Skdn:
    """Counts of one area (a posyandu, a village, a district): (metric, band, sex) -> n."""

    name: str
    counts: Counter[tuple[str, str, int]] = field(default_factory=Counter)

    def add(self, metric: str, band: str, sex: int) -> None:
        self.counts[(metric, band, sex)] += 1

    def merge(self, other: Skdn) -> None:
        self.counts.update(other.counts)

    def n(self, metric: str, band: str | None = None, sex: int | None = None) -> int:
        return sum(
            v
            for (m, b, s), v in self.counts.items()
            if m == metric and (band is None or b == band) and (sex is None or s == sex)
        )

    @property
    def S(self) -> int:  # noqa: N802 - the programme's letters
        return self.n("S")

    @property
    def K(self) -> int:  # noqa: N802
        return self.n("K")

    @property
    def D(self) -> int:  # noqa: N802
        return self.n("D")

    @property
    def N(self) -> int:  # noqa: N802
        return self.n("N")

    @property
    def T(self) -> int:  # noqa: N802
        return self.n("T")

    @property
    def O(self) -> int:  # noqa: N802, E743
        return self.n("O")

    @property
    def B(self) -> int:  # noqa: N802
        return self.n("B")

    @property
    def d_s(self) -> float | None:
        return percent(self.D, self.S)

    @property
    def n_d(self) -> float | None:
        return percent(self.N, self.D)

    def table(self) -> list[dict[str, object]]:
        """Rows metric × columns (band, sex) plus totals, for templates and XLSX."""
        rows: list[dict[str, object]] = []
        for metric in METRICS:
            cells = [self.n(metric, band, sex) for band, _lo, _hi in BANDS for sex in SEXES]
            rows.append(
                {
                    "metric": metric,
                    "cells": cells,
                    "male": self.n(metric, sex=SEXES[0]),
                    "female": self.n(metric, sex=SEXES[1]),
                    "total": self.n(metric),
                }
            )
        return rows


def percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


@dataclass
class MonthlyReport:
    village: Village
    month: Month
    posyandus: list[Skdn]
    total: Skdn


@dataclass
class _Areas:
    """Which posyandu serves a child: its RT listed in a posyandu's area; else a posyandu of
    its dusun without listed RTs; else a posyandu with neither (the whole village)."""

    by_rt: dict[int, int]
    by_dusun: dict[tuple[int, str], int]
    village_wide: dict[int, int]
    names: dict[int, str]

    def home(self, village_id: int, rt_id: int | None, dusun: str | None) -> int | str:
        if rt_id is not None and rt_id in self.by_rt:
            return self.by_rt[rt_id]
        found = self.by_dusun.get((village_id, (dusun or "").strip().lower()))
        if found is not None:
            return found
        return self.village_wide.get(village_id, NO_POSYANDU)


def _areas(village_ids: list[int]) -> _Areas:
    areas = _Areas({}, {}, {}, {})
    with_rts: set[int] = set()
    for posyandu_id, rt_id in PosyanduArea.objects.filter(
        village_id__in=village_ids, posyandu__is_active=True
    ).values_list("posyandu_id", "rt_id"):
        areas.by_rt.setdefault(rt_id, posyandu_id)
        with_rts.add(posyandu_id)
    for pk, village_id, name, dusun in (
        Posyandu.objects.filter(village_id__in=village_ids, is_active=True)
        .order_by("name", "pk")
        .values_list("pk", "village_id", "name", "dusun")
    ):
        areas.names[pk] = name
        if pk in with_rts:
            continue
        if dusun:
            areas.by_dusun.setdefault((village_id, dusun.strip().lower()), pk)
        else:
            areas.village_wide.setdefault(village_id, pk)
    return areas


def _skdn_rows(*, village_ids: list[int], month: Month) -> dict[int, dict[int | str, Skdn]]:
    """village id -> posyandu id (or NO_POSYANDU) -> Skdn of that month."""
    last = month.last
    oldest = add_months(last, -60)  # born after this: at most 59 completed months on `last`
    areas = _areas(village_ids)
    names = areas.names
    result: dict[int, dict[int | str, Skdn]] = defaultdict(dict)

    def area(village_id: int, key: int | str) -> Skdn:
        areas = result[village_id]
        if key not in areas:
            areas[key] = Skdn(names.get(key, "") if isinstance(key, int) else NO_POSYANDU)
        return areas[key]

    children = (
        Resident.objects.filter(
            village_id__in=village_ids,
            status=codes.STATUS_ALIVE,
            birth_date__gt=oldest,
            birth_date__lte=last,
        )
        .annotate(
            has_record=Exists(
                ChildMeasurement.objects.filter(
                    village_id=OuterRef("village_id"), child=OuterRef("pk"), measured_on__lt=month.after
                )
            )
        )
        .values_list("pk", "village_id", "sex", "birth_date", "rt_id", "rt__dusun__name", "has_record")
    )
    home: dict[int, int | str] = {}
    info: dict[int, tuple[int, int, str]] = {}
    for pk, village_id, sex, birth, rt_id, dusun, has_record in children.iterator(chunk_size=5000):
        if birth is None:
            continue
        band = band_of(months_between(birth, last))
        if band is None:
            continue
        key = areas.home(village_id, rt_id, dusun)
        home[pk] = key
        info[pk] = (village_id, sex, band)
        cell = area(village_id, key)
        cell.add("S", band, sex)
        if has_record:
            cell.add("K", band, sex)

    previous = month.previous()
    weighed_before = ChildMeasurement.objects.filter(
        village_id=OuterRef("village_id"),
        child_id=OuterRef("child_id"),
        measured_on__lt=previous.first,
        weight_kg__isnull=False,
    )

    def weighed_in(m: Month) -> QuerySet[ChildMeasurement]:
        # Weights as floats in SQL: converting a quarter of a million Decimals and dates
        # in Python was most of the regency page's time.
        return (
            ChildMeasurement.objects.filter(
                village_id__in=village_ids,
                measured_on__gte=m.first,
                measured_on__lt=m.after,
                weight_kg__isnull=False,
            )
            .annotate(kg=Cast("weight_kg", FloatField()))
            .order_by("child_id", "measured_on", "id")
        )

    # The last weighing before the month of each child weighed in it (N/T need last month's
    # weight; an older one only makes it O).
    before: dict[int, tuple[dt.date, float]] = {}
    last_month = weighed_in(previous).values_list("child_id", "kg")  # type: ignore[misc]  # annotated
    for child_id, kg in last_month.iterator(chunk_size=5000):
        before[child_id] = (previous.first, kg)
    long_ago = (previous.previous().first, 0.0)
    this: dict[int, tuple[dt.date, int, float, int | None]] = {}
    for child_id, age_days, kg, posyandu_id, earlier in (
        weighed_in(month)
        .annotate(earlier=Exists(weighed_before))
        .values_list("child_id", "age_days", "kg", "session__posyandu_id", "earlier")
        .iterator(chunk_size=5000)
    ):
        this[child_id] = (month.first, age_days, kg, posyandu_id)
        if earlier and child_id not in before:
            before[child_id] = long_ago
    for kid, (day, age_days, kg, session_posyandu) in this.items():
        if kid not in info:  # not 0–59 months (or no longer alive): outside S, so outside D
            continue
        village_id, sex, band = info[kid]
        where = session_posyandu if session_posyandu is not None and session_posyandu in names else home[kid]
        cell = area(village_id, where)
        cell.add("D", band, sex)
        trend = weight_trend(weight_kg=kg, age_days=age_days, measured_on=day, previous=before.get(kid))
        cell.add(str(trend), band, sex)
    return result


def monthly_report(*, village: Village, month: Month) -> MonthlyReport:
    """The SKDN report of one village: a row per posyandu (and one for children of a dusun
    without posyandu, if any) and the village total."""
    rows = _skdn_rows(village_ids=[village.pk], month=month).get(village.pk, {})
    posyandus = [rows[key] for key in sorted(rows, key=lambda k: (k == NO_POSYANDU, rows[k].name))]
    for pk, name in Posyandu.objects.filter(village=village, is_active=True).values_list("pk", "name"):
        if pk not in rows:
            posyandus.append(Skdn(name))
    posyandus.sort(key=lambda s: (s.name == NO_POSYANDU, s.name))
    total = Skdn(village.name)
    for row in posyandus:
        total.merge(row)
    return MonthlyReport(village=village, month=month, posyandus=posyandus, total=total)


def skdn_by_village(*, villages: QuerySet[Village] | Iterable[Village], month: Month) -> dict[int, Skdn]:
    """village id -> the village's SKDN totals (for district and regency pages)."""
    ids = [v.pk for v in villages]
    rows: dict[int, dict[int | str, Skdn]] = {}
    for part in split_read(
        ChildMeasurement,
        ids,
        lambda part: _skdn_rows(village_ids=list(part), month=month),
        min_items=SPLIT_READ_VILLAGES,
    ):
        rows.update(part)
    totals: dict[int, Skdn] = {}
    for village_id in ids:
        total = Skdn(str(village_id))
        for cell in rows.get(village_id, {}).values():
            total.merge(cell)
        totals[village_id] = total
    return totals


# --- Prevalence ----------------------------------------------------------------------------


@dataclass
class Prevalence:
    """Children counted once in the month, by their last measurement of the month."""

    name: str
    measured: int = 0  # with a TB/U z
    stunted: int = 0  # TB/U z < −2
    severely_stunted: int = 0  # TB/U z < −3
    weighed_for_length: int = 0  # with a BB/TB z
    wasted: int = 0  # BB/TB z < −2
    weighed: int = 0  # with a BB/U z
    underweight: int = 0  # BB/U z < −2

    @property
    def stunting(self) -> float | None:
        return percent(self.stunted, self.measured)

    @property
    def wasting(self) -> float | None:
        return percent(self.wasted, self.weighed_for_length)

    @property
    def underweight_rate(self) -> float | None:
        return percent(self.underweight, self.weighed)

    def merge(self, other: Prevalence) -> None:
        for name in (
            "measured",
            "stunted",
            "severely_stunted",
            "weighed_for_length",
            "wasted",
            "weighed",
            "underweight",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _latest_of_month(village_ids: list[int] | QuerySet[Village], month: Month) -> QuerySet[ChildMeasurement]:
    in_month = ChildMeasurement.objects.filter(
        village_id__in=village_ids, measured_on__gte=month.first, measured_on__lt=month.after
    )
    later = (
        ChildMeasurement.objects.filter(
            village_id=OuterRef("village_id"),
            child_id=OuterRef("child_id"),
            # Implied by the condition below; said so that the look-up is a range of the child's
            # index from this measurement on, not the child's whole history (up to 60 months).
            measured_on__gte=OuterRef("measured_on"),
            measured_on__lt=month.after,
        )
        .filter(
            # Implied too, and a constant: a plan that reads the later measurements apart (a hash
            # anti-join over a district or the regency) reads the month's, not every one before
            # it (on PostgreSQL 0.2-0.4 s a month at a million residents, the trend twelve times).
            measured_on__gte=month.first
        )
        .filter(
            Q(measured_on__gt=OuterRef("measured_on"))
            | Q(measured_on=OuterRef("measured_on"), id__gt=OuterRef("id"))
        )
    )
    return in_month.filter(~Exists(later))


_PREVALENCE_COUNTS = {
    "measured": Count("id", filter=Q(z_lhfa__isnull=False)),
    "stunted": Count("id", filter=Q(z_lhfa__lt=-2)),
    "severely_stunted": Count("id", filter=Q(z_lhfa__lt=-3)),
    "weighed_for_length": Count("id", filter=Q(z_wflh__isnull=False)),
    "wasted": Count("id", filter=Q(z_wflh__lt=-2)),
    "weighed": Count("id", filter=Q(z_wfa__isnull=False)),
    "underweight": Count("id", filter=Q(z_wfa__lt=-2)),
}


def prevalence_by(
    *, villages: QuerySet[Village] | Iterable[Village], month: Month, by: str
) -> dict[object, Prevalence]:
    """Prevalence grouped by "village" (village id), "dusun" (dusun name) or "all" (None)."""
    return _prevalence(_ids(villages), month, by)


def _prevalence(ids: list[int] | QuerySet[Village], month: Month, by: str) -> dict[object, Prevalence]:
    column = {"village": "village_id", "dusun": "child__rt__dusun__name", "all": None}[by]
    qs = _latest_of_month(ids, month)
    result: dict[object, Prevalence] = {}
    if column is None:
        values = qs.aggregate(**_PREVALENCE_COUNTS)
        result[None] = Prevalence("", **values)
        return result
    for row in qs.values(column).annotate(**_PREVALENCE_COUNTS).order_by(column):
        key = row.pop(column)
        result[key] = Prevalence(str(key or ""), **row)
    return result


@dataclass
class TrendPoint:
    month: Month
    value: Prevalence


def prevalence_trend(
    *, villages: QuerySet[Village] | Iterable[Village], month: Month, by: str, months: int = 12
) -> dict[object, list[TrendPoint]]:
    """Per group, the `months` months ending with `month` (a Prevalence for every month)."""
    series: dict[object, list[TrendPoint]] = defaultdict(list)
    span = month.back(months)
    ids = _ids(villages)
    # A district's or the regency's months are read half in a second connection (PostgreSQL).
    many = isinstance(ids, QuerySet) or len(ids) >= SPLIT_READ_VILLAGES
    alias = router.db_for_read(ChildMeasurement)
    if by == "all" and many and connections[alias].vendor == "postgresql":
        per_month = _trend_in_one_pass(alias, ids, span)
    else:
        per_month = [
            values
            for part in split_read(
                ChildMeasurement,
                span,
                lambda months: [_prevalence(ids, m, by) for m in months],
                min_items=2 if many else len(span) + 1,
            )
            for values in part
        ]
    keys = {key for values in per_month for key in values}
    for key in keys:
        for m, values in zip(span, per_month, strict=True):
            series[key].append(TrendPoint(m, values.get(key) or Prevalence(str(key or ""))))
    return dict(series)


def _trend_in_one_pass(
    alias: str, ids: list[int] | QuerySet[Village], span: list[Month]
) -> list[dict[object, Prevalence]]:
    """`_prevalence(ids, m, "all")` of each month of `span`, from one read of the span's
    measurements on PostgreSQL: each child's last of each month by DISTINCT ON, counted by
    month. Twelve anti-joins (`_latest_of_month`) each read most of a district's or the
    regency's measurement pages again: 3.2 s at a million residents, against 0.6 s."""
    village_ids = list(ids.values_list("pk", flat=True)) if isinstance(ids, QuerySet) else list(ids)
    table = ChildMeasurement._meta.db_table
    month_of = "(EXTRACT(YEAR FROM measured_on)::int * 12 + EXTRACT(MONTH FROM measured_on)::int)"
    sql = f"""
        SELECT m, COUNT(*) FILTER (WHERE z_lhfa IS NOT NULL), COUNT(*) FILTER (WHERE z_lhfa < -2),
               COUNT(*) FILTER (WHERE z_lhfa < -3), COUNT(*) FILTER (WHERE z_wflh IS NOT NULL),
               COUNT(*) FILTER (WHERE z_wflh < -2), COUNT(*) FILTER (WHERE z_wfa IS NOT NULL),
               COUNT(*) FILTER (WHERE z_wfa < -2)
        FROM (
            SELECT DISTINCT ON (village_id, child_id, {month_of}) {month_of} AS m, z_lhfa, z_wflh, z_wfa
            FROM {table}
            WHERE village_id = ANY(%s) AND measured_on >= %s AND measured_on < %s
            ORDER BY village_id, child_id, {month_of}, measured_on DESC, id DESC
        ) AS latest
        GROUP BY m
    """  # noqa: S608 - the table's own name and a fixed expression; values are parameters
    counts: dict[int, tuple[int, ...]] = {}
    # The sort of a regency's year of measurements (some 900,000 at a million residents) in
    # memory instead of in temporary files.
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute(sql, [village_ids, span[0].first, span[-1].after])
        for m, *values in cursor.fetchall():
            counts[m] = tuple(values)
    names = list(_PREVALENCE_COUNTS)
    result: list[dict[object, Prevalence]] = []
    for m in span:
        values = counts.get(m.first.year * 12 + m.first.month, (0,) * len(names))
        result.append({None: Prevalence("", **dict(zip(names, values, strict=True)))})
    return result


def data_version(*, villages: QuerySet[Village] | Iterable[Village], first: dt.date, after: dt.date) -> str:
    """Changes whenever a measurement dated in [first, after) is added or removed: the key
    for caching aggregates of that period. Count and highest id only, which the index
    (village, measured_on) answers without reading rows; an edit in place is not seen, so
    callers also bound the cache's lifetime."""
    row = ChildMeasurement.objects.filter(
        village_id__in=_ids(villages), measured_on__gte=first, measured_on__lt=after
    ).aggregate(n=Count("id"), top=Max("id"))
    return f"{row['n']}:{row['top']}"


# --- Who has reported -----------------------------------------------------------------------


def posyandu_reporting(*, village: Village, month: Month) -> tuple[int, int]:
    """(active posyandu with a measurement of `month` recorded at one of their sessions,
    active posyandu) of one village: "5 dari 8 posyandu melapor"."""
    active = Posyandu.objects.filter(village=village, is_active=True)
    reported = (
        ChildMeasurement.objects.filter(
            village=village,
            measured_on__gte=month.first,
            measured_on__lt=month.after,
            session__posyandu__in=active,
        )
        .values("session__posyandu_id")
        .distinct()
        .count()
    )
    return reported, active.count()


def villages_reporting(*, villages: QuerySet[Village] | Iterable[Village], month: Month) -> set[int]:
    """Ids of the villages with at least one measurement dated in `month`."""
    return set(
        ChildMeasurement.objects.filter(
            village_id__in=_ids(villages), measured_on__gte=month.first, measured_on__lt=month.after
        )
        .values_list("village_id", flat=True)
        .distinct()
    )


def dusun_names(*, village: Village) -> list[str]:
    from balai.regions.models import Dusun

    return list(Dusun.objects.filter(village=village).order_by("name").values_list("name", flat=True))


def suppressed(count: int) -> str:
    """A count as shown outside the village: 1 and 2 become "<3"."""
    return f"<{SUPPRESS_BELOW}" if 0 < count < SUPPRESS_BELOW else str(count)
