"""Who aid reaches, measured against the official welfare decile (DTSEN desil, as received).

Coverage is counted in families (KK): a person or household recipient reaches the family it
belongs to. A family is "reached" when it has an active recipient row in a programme that
is not closed. Bands: desil 1–4 (the usual target of bansos), 5–6, 7–10, and no decile yet.

- exclusion errors: families in desil 1–4 that no programme reaches;
- inclusion errors: families in desil 7–10 that receive aid.

The village sees names (audited lists); districts and the regency see counts per village only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet

from balai.aid.models import Programme, Recipient
from balai.aid.selectors import latest_deciles
from balai.core.masking import mask_number
from balai.people import codes
from balai.people.models import Family, Resident
from balai.regions.models import Village

BANDS = ("d1_4", "d5_6", "d7_10", "none")
BAND_LABELS = {"d1_4": "Desil 1–4", "d5_6": "Desil 5–6", "d7_10": "Desil 7–10", "none": "Belum ada desil"}


def band(decile: int | None) -> str:
    if decile is None:
        return "none"
    if decile <= 4:
        return "d1_4"
    if decile <= 6:
        return "d5_6"
    return "d7_10"


def _active_recipients(village_ids: Sequence[int], programme: Programme | None = None) -> QuerySet[Recipient]:
    qs = Recipient.objects.filter(village_id__in=list(village_ids), status=Recipient.Status.ACTIVE).exclude(
        programme__status=Programme.Status.CLOSED
    )
    if programme is not None:
        qs = qs.filter(programme=programme, period=programme.period)
    return qs


def reached_families(village_ids: Sequence[int], programme: Programme | None = None) -> dict[int, set[int]]:
    """Family id -> ids of the programmes reaching it."""
    reached: dict[int, set[int]] = defaultdict(set)
    households: dict[int, set[int]] = defaultdict(set)
    for pid, fid, person_family, hid in _active_recipients(village_ids, programme).values_list(
        "programme_id", "family_id", "resident__family_id", "household_id"
    ):
        if fid is not None:
            reached[fid].add(pid)
        elif person_family is not None:
            reached[person_family].add(pid)
        elif hid is not None:
            households[hid].add(pid)
    if households:
        members = (
            Resident.objects.filter(household_id__in=list(households), status=codes.STATUS_ALIVE)
            .filter(family__isnull=False)
            .values_list("household_id", "family_id")
            .distinct()
        )
        for hid, fid in members:
            reached[fid] |= households[hid]
    return reached


@dataclass
class BandRow:
    key: str
    label: str
    families: int = 0
    reached: int = 0

    @property
    def not_reached(self) -> int:
        return self.families - self.reached

    @property
    def percent(self) -> float | None:
        return round(100 * self.reached / self.families, 1) if self.families else None


@dataclass
class ProgrammeRow:
    programme: Programme
    families: int = 0
    by_band: dict[str, int] = field(default_factory=dict)


@dataclass
class VillageCoverage:
    families: int
    bands: list[BandRow]
    programmes: list[ProgrammeRow]

    def band(self, key: str) -> BandRow:
        return next(b for b in self.bands if b.key == key)


def village_coverage(*, village: Village) -> VillageCoverage:
    """Counts only; no names."""
    families = set(Family.objects.filter(village=village, is_active=True).values_list("id", flat=True))
    deciles = latest_deciles(village_ids=[village.pk])
    reached = reached_families([village.pk])
    bands = {k: BandRow(k, BAND_LABELS[k]) for k in BANDS}
    for fid in families:
        row = bands[band(deciles.get(fid))]
        row.families += 1
        if fid in reached:
            row.reached += 1
    programmes = {
        p.pk: ProgrammeRow(p, 0, dict.fromkeys(BANDS, 0))
        for p in Programme.objects.filter(village=village)
        .exclude(status=Programme.Status.CLOSED)
        .order_by("name")
    }
    for fid, pids in reached.items():
        if fid not in families:
            continue
        key = band(deciles.get(fid))
        for pid in pids:
            if pid in programmes:
                programmes[pid].families += 1
                programmes[pid].by_band[key] += 1
    return VillageCoverage(len(families), [bands[k] for k in BANDS], list(programmes.values()))


@dataclass
class FamilyLine:
    family_public_id: str
    head_name: str
    kk_masked: str
    address: str
    decile: int | None
    programmes: list[str]


def _lines(
    village: Village, ids: Iterable[int], deciles: dict[int, int], names: dict[int, list[str]]
) -> list[FamilyLine]:
    rows = (
        Family.objects.filter(village=village, pk__in=list(ids))
        .select_related("head", "rt__dusun")
        .order_by("rt__dusun__name", "rt__rw", "rt__rt", "id")
    )
    out = []
    for f in rows:
        rt = f.rt
        where = f"{rt.dusun.name} RW {rt.rw} RT {rt.rt}" if rt is not None else f.address
        out.append(
            FamilyLine(
                family_public_id=f.public_id,
                head_name=f.head.name if f.head else "",
                kk_masked=mask_number(f.kk_number),
                address=where,
                decile=deciles.get(f.pk),
                programmes=sorted(names.get(f.pk, [])),
            )
        )
    return out


def exclusion_errors(*, village: Village, programme: Programme | None = None) -> list[FamilyLine]:
    """Families in desil 1–4 not reached (by `programme`, or by any programme)."""
    families = set(Family.objects.filter(village=village, is_active=True).values_list("id", flat=True))
    deciles = latest_deciles(village_ids=[village.pk])
    reached = reached_families([village.pk], programme)
    ids = [f for f in families if band(deciles.get(f)) == "d1_4" and f not in reached]
    return _lines(village, ids, deciles, {})


def inclusion_errors(*, village: Village, programme: Programme | None = None) -> list[FamilyLine]:
    """Families in desil 7–10 that receive aid (from `programme`, or from any programme)."""
    deciles = latest_deciles(village_ids=[village.pk])
    reached = reached_families([village.pk], programme)
    names = dict(Programme.objects.filter(village=village).values_list("id", "name"))
    ids = [f for f in reached if band(deciles.get(f)) == "d7_10"]
    return _lines(village, ids, deciles, {f: [names[p] for p in reached[f] if p in names] for f in ids})


@dataclass
class VillageCounts:
    village: Village
    families: int = 0
    poor: int = 0  # desil 1–4
    poor_reached: int = 0
    reached: int = 0
    rich_reached: int = 0  # desil 7–10 receiving
    no_decile: int = 0

    @property
    def poor_not_reached(self) -> int:
        return self.poor - self.poor_reached

    @property
    def percent(self) -> float | None:
        return round(100 * self.poor_reached / self.poor, 1) if self.poor else None


def regional_coverage(*, villages: QuerySet[Village]) -> list[VillageCounts]:
    """Per village of the district/regency: counts, never names."""
    vs = list(villages.order_by("district_name", "name"))
    ids = [v.pk for v in vs]
    rows = {v.pk: VillageCounts(v) for v in vs}
    family_village = dict(
        Family.objects.filter(village_id__in=ids, is_active=True)
        .values_list("id", "village_id")
        .iterator(chunk_size=20_000)
    )
    deciles = latest_deciles(village_ids=ids)
    reached = reached_families(ids)
    for fid, vid in family_village.items():
        key = band(deciles.get(fid))
        row = rows[vid]
        row.families += 1
        hit = fid in reached
        if key == "d1_4":
            row.poor += 1
            row.poor_reached += hit
        elif key == "d7_10":
            row.rich_reached += hit
        elif key == "none":
            row.no_decile += 1
        row.reached += hit
    return [rows[v.pk] for v in vs]


def totals(rows: list[VillageCounts]) -> dict[str, int | float | None]:
    poor, reached = sum(r.poor for r in rows), sum(r.poor_reached for r in rows)
    return {
        "percent": round(100 * reached / poor, 1) if poor else None,
        "families": sum(r.families for r in rows),
        "poor": sum(r.poor for r in rows),
        "poor_reached": sum(r.poor_reached for r in rows),
        "poor_not_reached": sum(r.poor_not_reached for r in rows),
        "reached": sum(r.reached for r in rows),
        "rich_reached": sum(r.rich_reached for r in rows),
        "no_decile": sum(r.no_decile for r in rows),
    }
