"""Reads of posyandu data; always scoped by village. Individual records are for health roles
(capability "health.read"); callers check it before calling."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from balai.health.classify import is_stunted
from balai.health.models import ChildMeasurement, Posyandu
from balai.people.models import Resident
from balai.regions.models import Village


def posyandu_list(*, village: Village) -> QuerySet[Posyandu]:
    return Posyandu.objects.filter(village=village, is_active=True)


def posyandu_get(*, village: Village, public_id: str) -> Posyandu:
    """Raises Posyandu.DoesNotExist for another village's posyandu, like a missing one."""
    return Posyandu.objects.filter(village=village).get(public_id=public_id)


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
    first = dt.date(year, month, 1)
    after = dt.date(year + (month == 12), month % 12 + 1, 1)
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
