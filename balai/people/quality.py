"""Data quality of the registry per village: empty fields, NIK warnings, residents without a
family, families without a living head, stale and implausible records, possible duplicates no
operator has decided, and a score (0–100)
to rank the villages of a district or the regency. One grouped pass over the residents for
all villages at once (the ranking of 248 villages reads the table once)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.people import codes
from balai.people.models import Family, Resident
from balai.people.selectors import duplicate_counts
from balai.regions.models import Village

# Fields every living resident should have (Dukcapil's biodata), with their labels.
COMPLETENESS_FIELDS: list[tuple[str, Any, Q]] = [
    ("birth_date", _("tanggal lahir"), Q(birth_date__isnull=True)),
    ("birth_place", _("tempat lahir"), Q(birth_place="")),
    ("religion", _("agama"), Q(religion__isnull=True)),
    ("education_kk", _("pendidikan"), Q(education_kk__isnull=True)),
    ("occupation", _("pekerjaan"), Q(occupation__isnull=True)),
    ("marital_status", _("status perkawinan"), Q(marital_status__isnull=True)),
    ("family_relation", _("hubungan keluarga"), Q(family_relation__isnull=True)),
    ("rt", _("RT"), Q(rt__isnull=True)),
    ("mother_name", _("nama ibu"), Q(mother_name="")),
]
STALE_YEARS = 5
OLDEST_PLAUSIBLE = 100


def _years_ago(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass
class Quality:
    village: Village | None = None
    residents: int = 0
    empty: dict[str, int] = field(default_factory=dict)
    temporary_nik: int = 0
    nik_mismatch: int = 0
    no_family: int = 0
    families: int = 0
    families_without_head: int = 0
    stale: int = 0
    over_100: int = 0
    duplicates: int = 0  # possible-duplicate pairs no operator has decided yet

    @property
    def empty_rows(self) -> list[tuple[Any, int]]:
        return [(label, self.empty.get(name, 0)) for name, label, _q in COMPLETENESS_FIELDS]

    @property
    def completeness(self) -> float:
        cells = self.residents * len(COMPLETENESS_FIELDS)
        return 1.0 if cells == 0 else 1 - sum(self.empty.values()) / cells

    @property
    def issues(self) -> int:
        return (
            self.temporary_nik
            + self.nik_mismatch
            + self.no_family
            + self.stale
            + self.over_100
            + self.duplicates
        )

    @property
    def score(self) -> float:
        if self.residents == 0:
            return 0.0
        issue_rate = min(1.0, self.issues / self.residents)
        headless = self.families_without_head / self.families if self.families else 0.0
        return round(100 * (0.5 * self.completeness + 0.3 * (1 - issue_rate) + 0.2 * (1 - headless)), 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "village": self.village.code if self.village else None,
            "residents": self.residents,
            "score": self.score,
            "completeness": round(self.completeness * 100, 1),
            "empty": self.empty,
            "temporary_nik": self.temporary_nik,
            "nik_mismatch": self.nik_mismatch,
            "no_family": self.no_family,
            "families": self.families,
            "families_without_head": self.families_without_head,
            "stale": self.stale,
            "over_100": self.over_100,
            "duplicates": self.duplicates,
        }


def _measure(village_ids: list[int]) -> dict[int, Quality]:
    today = timezone.localdate()
    stale_before = timezone.now() - dt.timedelta(days=365 * STALE_YEARS)
    aggregates: dict[str, Any] = {"n": Count("id")}
    for name, _label, condition in COMPLETENESS_FIELDS:
        aggregates[f"empty_{name}"] = Count("id", filter=condition)
    aggregates |= {
        "temporary_nik": Count("id", filter=Q(nik__startswith="0")),
        "nik_mismatch": Count("id", filter=Q(nik_mismatch_accepted=True)),
        "no_family": Count("id", filter=Q(family__isnull=True)),
        "stale": Count("id", filter=Q(updated_at__lt=stale_before)),
        "over_100": Count("id", filter=Q(birth_date__lt=_years_ago(today, OLDEST_PLAUSIBLE))),
    }
    result: dict[int, Quality] = {vid: Quality() for vid in village_ids}
    rows = (
        Resident.objects.filter(status=codes.STATUS_ALIVE, village_id__in=village_ids)
        .order_by()
        .values("village_id")
        .annotate(**aggregates)
    )
    for row in rows:
        q = result[row["village_id"]]
        q.residents = row["n"]
        q.empty = {name: row[f"empty_{name}"] for name, _l, _q in COMPLETENESS_FIELDS}
        for key in ("temporary_nik", "nik_mismatch", "no_family", "stale", "over_100"):
            setattr(q, key, row[key])
    # Families with a living member: one probe of the family's members per family (EXISTS), not
    # a join of every living resident to their family de-duplicated afterwards (a third of
    # the cost).
    living_member = Resident.objects.filter(family_id=OuterRef("pk"), status=codes.STATUS_ALIVE)
    families = (
        Family.objects.filter(village_id__in=village_ids, is_active=True)
        .filter(Exists(living_member))
        .order_by()
        .values("village_id")
        .annotate(
            n=Count("id"),
            headless=Count("id", filter=Q(head__isnull=True) | ~Q(head__status=codes.STATUS_ALIVE)),
        )
    )
    for row in families:
        result[row["village_id"]].families = row["n"]
        result[row["village_id"]].families_without_head = row["headless"]
    for vid, n in duplicate_counts(village_ids=village_ids).items():
        result[vid].duplicates = n
    return result


def village_quality(*, village: Village) -> Quality:
    q = _measure([village.pk])[village.pk]
    q.village = village
    return q


def ranking(*, villages: list[Village]) -> list[Quality]:
    measured = _measure([v.pk for v in villages])
    out = []
    for v in villages:
        q = measured[v.pk]
        q.village = v
        out.append(q)
    return sorted(out, key=lambda q: (-q.score, q.village.code if q.village else ""))
