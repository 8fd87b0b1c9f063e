"""Aggregates for the overview pages: counts only, never individual records.

Every selector takes the villages the caller may read (`Scope.readable_villages()`), so a
camat's page cannot count another district's residents.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.core.db.parallel import split_read
from balai.people import codes
from balai.people.models import Family, Resident
from balai.regions.models import Dusun, Rt, Village

CURRENT = codes.STATUS_ALIVE
MALE, FEMALE = 1, 2
BAND_YEARS = 5
BAND_COUNT = 16  # 0–4, 5–9, …, 70–74, 75+
# From this many villages (a few hundred thousand residents) the overview's counts are read in
# two connections at once on PostgreSQL (`split_read`); below it a second connection costs more
# than it saves.
SPLIT_READ_VILLAGES = 100
BAND_LABELS = [f"{i * BAND_YEARS}–{i * BAND_YEARS + BAND_YEARS - 1}" for i in range(BAND_COUNT - 1)] + [
    f"{(BAND_COUNT - 1) * BAND_YEARS}+"
]
# Broad groups for the tables, as ranges of 5-year bands (BPS's dependency-ratio split,
# with under-fives apart because posyandu work counts them).
AGE_GROUPS: list[tuple[Any, int, int]] = [
    (_("0–4 th"), 0, 0),
    (_("5–14 th"), 1, 2),
    (_("15–64 th"), 3, 12),
    (_("65+ th"), 13, BAND_COUNT - 1),
]


def years_ago(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def band_filters(today: dt.date) -> list[Q]:
    """Birth-date ranges of the age bands on `today`, exact to the day (as `Resident.age_on`).

    Age ≥ n ⇔ born on or before `years_ago(today, n)`. Band 0 also takes birth dates after
    today and the last band has no lower end, so every known birth date falls in one band.
    """
    result = []
    for i in range(BAND_COUNT):
        q = Q()
        if i > 0:
            q &= Q(birth_date__lte=years_ago(today, i * BAND_YEARS))
        if i < BAND_COUNT - 1:
            q &= Q(birth_date__gt=years_ago(today, (i + 1) * BAND_YEARS))
        result.append(q)
    return result


@dataclass
class Counts:
    """Residents by sex and age band, plus families, of one unit (dusun, village, district…)."""

    male: list[int] = field(default_factory=lambda: [0] * BAND_COUNT)
    female: list[int] = field(default_factory=lambda: [0] * BAND_COUNT)
    male_unknown_age: int = 0
    female_unknown_age: int = 0
    families: int = 0

    @property
    def male_total(self) -> int:
        return sum(self.male) + self.male_unknown_age

    @property
    def female_total(self) -> int:
        return sum(self.female) + self.female_unknown_age

    @property
    def residents(self) -> int:
        return self.male_total + self.female_total

    @property
    def unknown_age(self) -> int:
        return self.male_unknown_age + self.female_unknown_age

    @property
    def groups(self) -> list[int]:
        return [sum(self.male[lo : hi + 1]) + sum(self.female[lo : hi + 1]) for _label, lo, hi in AGE_GROUPS]

    def add_band(self, sex: int, band: int | None, n: int) -> None:
        if sex == MALE:
            if band is None:
                self.male_unknown_age += n
            else:
                self.male[band] += n
        elif sex == FEMALE:
            if band is None:
                self.female_unknown_age += n
            else:
                self.female[band] += n

    def add(self, other: Counts) -> None:
        for i in range(BAND_COUNT):
            self.male[i] += other.male[i]
            self.female[i] += other.female[i]
        self.male_unknown_age += other.male_unknown_age
        self.female_unknown_age += other.female_unknown_age
        self.families += other.families


@dataclass
class VillageRow:
    code: str
    name: str
    district_code: str
    district_name: str
    counts: Counts


@dataclass
class DistrictRow:
    code: str
    name: str
    villages: list[VillageRow] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)


@dataclass
class Overview:
    today: dt.date
    districts: list[DistrictRow]
    counts: Counts

    @property
    def villages(self) -> list[VillageRow]:
        return [v for d in self.districts for v in d.villages]


def _resident_count(sex: int, band: Q | None) -> Coalesce:
    inner = Resident.objects.filter(status=CURRENT, village=OuterRef("pk"), sex=sex)
    inner = inner.filter(band) if band is not None else inner.filter(birth_date__isnull=True)
    counted = inner.order_by().values("village").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def regency_overview(*, villages: Iterable[Village], today: dt.date | None = None) -> Overview:
    """Residents by sex and age band and families, per village and district, with totals.

    One correlated count per (village, sex, band): each is a range seek on the covering
    index `resident_stats_idx (status, village, sex, birth_date)`, so the database reads
    every current resident's index entry once and never sorts them. A single GROUP BY over
    a computed band had to sort a million rows and took several times longer on SQLite.
    """
    today = today or timezone.localdate()
    village_list = list(villages)
    ids = [v.pk for v in village_list]
    bands = band_filters(today)
    columns: dict[str, Coalesce] = {}
    for sex in (MALE, FEMALE):
        for i, q in enumerate(bands):
            columns[f"s{sex}b{i}"] = _resident_count(sex, q)
        columns[f"s{sex}u"] = _resident_count(sex, None)

    def count(part: Sequence[int]) -> dict[int, dict[str, Any]]:
        return {
            r["pk"]: r
            for r in Village.objects.filter(pk__in=part).order_by().values("pk").annotate(**columns)
        }

    rows: dict[int, dict[str, Any]] = {}
    for part in split_read(Resident, ids, count, min_items=SPLIT_READ_VILLAGES):
        rows.update(part)
    families = dict(
        Family.objects.filter(village_id__in=ids, is_active=True)
        .order_by()
        .values("village_id")
        .annotate(n=Count("*"))
        .values_list("village_id", "n")
    )
    total = Counts()
    districts: dict[str, DistrictRow] = {}
    for village in sorted(village_list, key=lambda v: v.code):
        counts = Counts(families=families.get(village.pk, 0))
        row = rows.get(village.pk, {})
        for sex in (MALE, FEMALE):
            for i in range(BAND_COUNT):
                counts.add_band(sex, i, row.get(f"s{sex}b{i}", 0))
            counts.add_band(sex, None, row.get(f"s{sex}u", 0))
        district = districts.setdefault(
            village.district_code, DistrictRow(code=village.district_code, name=village.district_name)
        )
        district.villages.append(
            VillageRow(village.code, village.name, village.district_code, village.district_name, counts)
        )
        district.counts.add(counts)
        total.add(counts)
    return Overview(today=today, districts=list(districts.values()), counts=total)


@dataclass
class DusunRow:
    name: str
    counts: Counts


@dataclass
class VillageBreakdown:
    today: dt.date
    village: VillageRow
    dusuns: list[DusunRow]
    counts: Counts


def _band_case(today: dt.date) -> Case:
    return Case(
        *[When(q, then=Value(i)) for i, q in enumerate(band_filters(today))],
        default=None,
        output_field=IntegerField(),
    )


def village_breakdown(*, village: Village, today: dt.date | None = None) -> VillageBreakdown:
    """One village's counts per dusun; residents or families without an RT form their own row."""
    today = today or timezone.localdate()
    dusun_of_rt = dict(Rt.objects.filter(village=village).values_list("pk", "dusun_id"))
    dusuns = {
        d.pk: DusunRow(d.name, Counts()) for d in Dusun.objects.filter(village=village).order_by("name")
    }
    no_dusun = DusunRow(str(_("Tanpa dusun/RT")), Counts())

    def row_for(rt_id: int | None) -> DusunRow:
        dusun_id = dusun_of_rt.get(rt_id) if rt_id is not None else None
        return dusuns.get(dusun_id, no_dusun) if dusun_id is not None else no_dusun

    # One village is at most tens of thousands of rows: a GROUP BY over them is cheap.
    residents = (
        Resident.objects.filter(village=village, status=CURRENT)
        .order_by()
        .values("rt_id", "sex")
        .annotate(band=_band_case(today))
        .values("rt_id", "sex", "band")
        .annotate(n=Count("*"))
    )
    for r in residents:
        row_for(r["rt_id"]).counts.add_band(r["sex"], r["band"], r["n"])
    families = (
        Family.objects.filter(village=village, is_active=True)
        .order_by()
        .values("rt_id")
        .annotate(n=Count("*"))
    )
    for f in families:
        row_for(f["rt_id"]).counts.families += f["n"]
    rows = list(dusuns.values())
    if no_dusun.counts.residents or no_dusun.counts.families:
        rows.append(no_dusun)
    total = Counts()
    for row in rows:
        total.add(row.counts)
    head = VillageRow(village.code, village.name, village.district_code, village.district_name, total)
    return VillageBreakdown(today=today, village=head, dusuns=rows, counts=total)


def _cache_seconds() -> int:
    return int(getattr(settings, "BALAI_DASHBOARD_CACHE_SECONDS", 60))


def regency_overview_cached(*, villages: Iterable[Village]) -> Overview:
    """`regency_overview`, kept for a minute per set of villages (one set per scope).

    The key needs only the villages' ids: from a queryset they are read as ids, so a page
    served from the cache does not build a model instance per village (1,200 of them were
    a third of a cached regency page)."""
    today = timezone.localdate()
    if isinstance(villages, QuerySet):
        pks = sorted(villages.order_by().values_list("pk", flat=True))
    else:
        villages = list(villages)
        pks = sorted(v.pk for v in villages)
    ids = ",".join(str(pk) for pk in pks)
    key = f"dashboard:overview:{today.isoformat()}:{hashlib.sha256(ids.encode()).hexdigest()[:32]}"
    result = cache.get_or_set(key, lambda: regency_overview(villages=villages, today=today), _cache_seconds())
    return cast(Overview, result)


def village_breakdown_cached(*, village: Village) -> VillageBreakdown:
    today = timezone.localdate()
    key = f"dashboard:village:{today.isoformat()}:{village.pk}"
    result = cache.get_or_set(key, lambda: village_breakdown(village=village, today=today), _cache_seconds())
    return cast(VillageBreakdown, result)
