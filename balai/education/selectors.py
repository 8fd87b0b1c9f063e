"""Reads of the education module; every selector takes the village (or the readable villages).

Children are the registry's living residents whose age on the reference date is in range.
Their newest enrolment comes with them in one query (a join on the `is_latest` row), so a
village list is three small queries and the regency counts one grouped query.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast, overload

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    Exists,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from balai.core.db.parallel import split_read
from balai.core.masking import mask_number
from balai.education import rules
from balai.education.models import (
    AbsenceReport,
    Enrolment,
    FollowUp,
    Level,
    Scholarship,
    School,
    VillageSummary,
)
from balai.people import codes
from balai.people.models import Resident
from balai.people.selectors import resident_get
from balai.regions.models import Village

# --- Schools and one child's records ---------------------------------------------------------


def school_list(*, village: Village, active_only: bool = False) -> QuerySet[School]:
    qs = School.objects.filter(village=village)
    return qs.filter(is_active=True) if active_only else qs


def school_get(*, village: Village, public_id: str) -> School:
    return School.objects.get(village=village, public_id=public_id)


def child_get(*, village: Village, public_id: str) -> Resident:
    """A living resident of the village; another village's id raises DoesNotExist as a missing one."""
    resident = resident_get(village=village, public_id=public_id)
    if resident.status != codes.STATUS_ALIVE:
        raise Resident.DoesNotExist
    return resident


def enrolment_get(*, village: Village, public_id: str) -> Enrolment:
    return Enrolment.objects.select_related("resident", "school").get(village=village, public_id=public_id)


def child_enrolments(*, village: Village, resident: Resident) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(village=village, resident=resident).select_related(
        "school", "recorded_by"
    )


def child_absences(*, village: Village, resident: Resident) -> QuerySet[AbsenceReport]:
    return AbsenceReport.objects.filter(village=village, resident=resident)


def child_scholarships(*, village: Village, resident: Resident) -> QuerySet[Scholarship]:
    return Scholarship.objects.filter(village=village, resident=resident)


def child_followups(*, village: Village, resident: Resident) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(village=village, resident=resident).select_related("recorded_by")


# --- Children of a village, classified -------------------------------------------------------

CHILD_FIELDS = (
    "pk",
    "public_id",
    "name",
    "nik",
    "sex",
    "birth_date",
    "education_current",
    "education_kk",
    "rt__dusun_id",
    "rt__dusun__name",
    "rt__rw",
    "rt__rt",
    "le__status",
    "le__level",
    "le__school_year",
    "le__grade",
    "le__repeated",
    "le__school_id",
)


def _with_latest(qs: QuerySet[Resident]) -> QuerySet[Resident]:
    return qs.annotate(le=FilteredRelation("enrolments", condition=Q(enrolments__is_latest=True)))


def _aged(qs: QuerySet[Resident], day: dt.date, youngest: int, oldest: int) -> QuerySet[Resident]:
    after, on_or_before = rules.birth_range(day, youngest, oldest)
    return qs.filter(status=codes.STATUS_ALIVE, birth_date__gt=after, birth_date__lte=on_or_before)


def _latest(row: dict[str, Any]) -> rules.Latest | None:
    if row["le__status"] is None:
        return None
    return rules.Latest(
        status=row["le__status"],
        level=row["le__level"],
        school_year=row["le__school_year"],
        repeated=bool(row["le__repeated"]),
    )


@dataclass
class Child:
    pk: int
    public_id: str
    name: str
    nik_masked: str
    sex: str
    age: int
    dusun_id: int | None
    place: str
    status: str
    reason: str
    risks: list[str]
    school: str = ""
    grade: int | None = None
    school_year: int | None = None
    registry_education: str = ""
    pip: str = ""
    followup: str = ""
    followup_on: dt.date | None = None

    @property
    def status_label(self) -> str:
        return str(rules.Status(self.status).label)

    @property
    def reason_label(self) -> str:
        return str(rules.Reason(self.reason).label) if self.reason else ""

    @property
    def risk_labels(self) -> list[str]:
        return [str(rules.Risk(r).label) for r in self.risks]

    @property
    def needs_follow_up(self) -> bool:
        return self.status == rules.Status.OUT or bool(self.risks)


def recent_absences(*, villages: Iterable[int], day: dt.date) -> set[int]:
    """Residents with a long-absence report in the `ABSENCE_DAYS` before `day`."""
    since = day - dt.timedelta(days=rules.ABSENCE_DAYS)
    return set(
        AbsenceReport.objects.filter(
            village_id__in=list(villages), reported_on__gt=since, reported_on__lte=day
        )
        .order_by()
        .values_list("resident_id", flat=True)
        .distinct()
    )


def _children_qs(*, village: Village, day: dt.date, filters: ChildFilters | None) -> QuerySet[Resident]:
    """Children aged 7–18 on `day` (narrowed by the filters' dusun and ages), by name."""
    youngest, oldest = rules.SCHOOL_AGE
    if filters is not None and filters.age_min is not None:
        youngest = max(youngest, filters.age_min)
    if filters is not None and filters.age_max is not None:
        oldest = min(oldest, filters.age_max)
    qs = _aged(_with_latest(Resident.objects.filter(village=village)), day, youngest, oldest)
    if filters is not None and filters.dusun is not None:
        qs = qs.filter(rt__dusun_id=filters.dusun)
    return qs.order_by("name_key", "pk")


def school_age_children(
    *, village: Village, day: dt.date, filters: ChildFilters | None = None
) -> list[Child]:
    """Every living resident aged 7–18 on `day`, with status, reason, risks, PIP and the
    latest follow-up, ordered by name; narrowed by `filters`."""
    rows = list(_children_qs(village=village, day=day, filters=filters).values(*CHILD_FIELDS))
    children = _classified(village=village, day=day, rows=rows)
    return filter_children(children, filters) if filters is not None else children


class SchoolAgeChildren(Sequence[Child]):
    """`school_age_children` as a pager reads it: its length, then one slice. Without a status
    or reason filter the database counts and pages (only the page's children are classified);
    with one, every child is classified, once."""

    def __init__(self, *, village: Village, day: dt.date, filters: ChildFilters) -> None:
        self.village, self.day, self.filters = village, day, filters
        self._everyone: list[Child] | None = None
        self._count: int | None = None

    def _all_classified(self) -> list[Child] | None:
        if not (self.filters.status or self.filters.reason):
            return None
        if self._everyone is None:
            self._everyone = school_age_children(village=self.village, day=self.day, filters=self.filters)
        return self._everyone

    def _qs(self) -> QuerySet[Resident]:
        return _children_qs(village=self.village, day=self.day, filters=self.filters)

    def __len__(self) -> int:
        everyone = self._all_classified()
        if everyone is not None:
            return len(everyone)
        if self._count is None:
            self._count = self._qs().count()
        return self._count

    @overload
    def __getitem__(self, index: int) -> Child: ...
    @overload
    def __getitem__(self, index: slice) -> list[Child]: ...
    def __getitem__(self, index: int | slice) -> Child | list[Child]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        everyone = self._all_classified()
        if everyone is not None:
            return everyone[index]
        rows = list(self._qs()[index].values(*CHILD_FIELDS))
        return _classified(village=self.village, day=self.day, rows=rows)


def school_age_page(
    *, village: Village, day: dt.date, filters: ChildFilters, offset: int, limit: int
) -> tuple[list[Child], int]:
    """One page of `school_age_children` and the total."""
    children = SchoolAgeChildren(village=village, day=day, filters=filters)
    return children[offset : offset + limit], len(children)


def _classified(*, village: Village, day: dt.date, rows: list[dict[str, Any]]) -> list[Child]:
    school_year = rules.school_year_of(day)
    schools = dict(School.objects.filter(village=village).values_list("pk", "name"))
    absent = recent_absences(villages=[village.pk], day=day)
    pip = dict(
        Scholarship.objects.filter(village=village, year=day.year).values_list("resident_id", "status")
    )
    pip_labels = dict(Scholarship.Status.choices)
    notes: dict[int, tuple[str, dt.date]] = {}
    for resident_id, outcome, noted_on in (
        FollowUp.objects.filter(village=village)
        .order_by("noted_on", "pk")
        .values_list("resident_id", "outcome", "noted_on")
    ):
        notes[resident_id] = (outcome, noted_on)  # the newest wins
    outcome_labels = dict(FollowUp.Outcome.choices)
    children = []
    for r in rows:
        latest = _latest(r)
        status, reason = rules.classify(
            latest=latest,
            education_current=r["education_current"],
            education_kk=r["education_kk"],
            school_year=school_year,
        )
        note = notes.get(r["pk"])
        children.append(
            Child(
                pk=r["pk"],
                public_id=r["public_id"],
                name=r["name"],
                nik_masked=mask_number(r["nik"]),
                sex="L" if r["sex"] == 1 else "P",
                age=rules.age_on(r["birth_date"], day),
                dusun_id=r["rt__dusun_id"],
                place=f"{r['rt__dusun__name']} · {r['rt__rw']}/{r['rt__rt']}" if r["rt__rw"] else "",
                status=status,
                reason=reason,
                risks=rules.risks(
                    status=status, latest=latest, absent_reported=r["pk"] in absent, school_year=school_year
                ),
                school=schools.get(r["le__school_id"], ""),
                grade=r["le__grade"],
                school_year=r["le__school_year"],
                registry_education=codes.EDUCATION_CURRENT.get(r["education_current"] or 0, ""),
                pip=str(pip_labels.get(pip.get(r["pk"], ""), "")),
                followup=str(outcome_labels.get(note[0], "")) if note else "",
                followup_on=note[1] if note else None,
            )
        )
    return children


@dataclass(frozen=True)
class ChildFilters:
    dusun: int | None = None
    age_min: int | None = None
    age_max: int | None = None
    reason: str = ""  # a Reason, a Risk, or "" for all
    status: str = ""


def filter_children(children: list[Child], f: ChildFilters) -> list[Child]:
    out = []
    for c in children:
        if f.dusun is not None and c.dusun_id != f.dusun:
            continue
        if f.age_min is not None and c.age < f.age_min:
            continue
        if f.age_max is not None and c.age > f.age_max:
            continue
        if f.status and c.status != f.status:
            continue
        if f.reason and f.reason != c.reason and f.reason not in c.risks:
            continue
        out.append(c)
    return out


def follow_up_list(*, village: Village, day: dt.date, filters: ChildFilters | None = None) -> list[Child]:
    """Out-of-school (ATS) and at-risk children of the village, ATS first.

    The database first drops the children whose newest enrolment is this year's, active,
    not a repeat and without a reported absence (most of them), so only the candidates are
    classified; the rules then decide, as everywhere else.
    """
    school_year = rules.school_year_of(day)
    absent = recent_absences(villages=[village.pk], day=day)
    candidates = (
        Q(le__status__isnull=True) & ~Q(education_current__in=rules.REGISTRY_IN_SCHOOL)
        | Q(le__status__in=["putus", "lulus", "pindah"])
        | Q(le__school_year__lt=school_year)
        | Q(le__repeated=True)
        | Q(pk__in=absent)
    )
    # Unordered: the few candidates are sorted below; the database need not sort them.
    qs = _children_qs(village=village, day=day, filters=filters).filter(candidates).order_by()
    rows = list(qs.values(*CHILD_FIELDS))
    children = [c for c in _classified(village=village, day=day, rows=rows) if c.needs_follow_up]
    if filters is not None:
        children = filter_children(children, filters)
    return sorted(children, key=lambda c: (c.status != rules.Status.OUT, c.name))


# --- PAUD (3–6) ------------------------------------------------------------------------------


@dataclass
class PaudChild:
    public_id: str
    name: str
    nik_masked: str
    age: int
    place: str
    recorded: bool
    registry: bool
    school: str


def paud_children(*, village: Village, day: dt.date) -> list[PaudChild]:
    school_year = rules.school_year_of(day)
    schools = dict(School.objects.filter(village=village).values_list("pk", "name"))
    rows = (
        _aged(_with_latest(Resident.objects.filter(village=village)), day, *rules.PAUD_AGE)
        .order_by("name_key", "pk")
        .values(*CHILD_FIELDS)
    )
    return [
        PaudChild(
            public_id=r["public_id"],
            name=r["name"],
            nik_masked=mask_number(r["nik"]),
            age=rules.age_on(r["birth_date"], day),
            place=f"{r['rt__dusun__name']} · {r['rt__rw']}/{r['rt__rt']}" if r["rt__rw"] else "",
            recorded=_paud_recorded(r["le__status"], r["le__school_year"], school_year),
            registry=r["education_current"] in (2, 4),
            school=schools.get(r["le__school_id"], ""),
        )
        for r in rows
    ]


def _paud_recorded(status: str | None, year: int | None, school_year: int) -> bool:
    return status in ("aktif", "pindah") and year is not None and year >= school_year


# --- Counts ----------------------------------------------------------------------------------


@dataclass
class Counts:
    """Counts of one village (or a total): no names."""

    children: int = 0
    by_band: list[dict[str, int]] = field(default_factory=lambda: [defaultdict(int) for _ in rules.AGE_BANDS])
    reasons: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    risks: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    at_risk: int = 0
    paud_children: int = 0
    paud_recorded: int = 0
    paud_registry: int = 0
    pip_recipients: int = 0

    def status_total(self, status: str) -> int:
        return sum(b.get(status, 0) for b in self.by_band)

    @property
    def out_of_school(self) -> int:
        return self.status_total(rules.Status.OUT)

    @property
    def in_school(self) -> int:
        return self.status_total(rules.Status.IN_SCHOOL) + self.status_total(rules.Status.REGISTRY_ONLY)

    @property
    def out_rate(self) -> float | None:
        return 100 * self.out_of_school / self.children if self.children else None

    @property
    def reason_cells(self) -> list[int]:
        return [self.reasons.get(v, 0) for v in rules.Reason.values]

    @property
    def paud_rate(self) -> float | None:
        return 100 * self.paud_recorded / self.paud_children if self.paud_children else None

    def as_data(self) -> dict[str, Any]:
        return {
            "children": self.children,
            "by_band": [dict(b) for b in self.by_band],
            "reasons": dict(self.reasons),
            "risks": dict(self.risks),
            "at_risk": self.at_risk,
            "paud_children": self.paud_children,
            "paud_recorded": self.paud_recorded,
            "paud_registry": self.paud_registry,
            "pip_recipients": self.pip_recipients,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Counts:
        counts = cls()
        for key in (
            "children",
            "at_risk",
            "paud_children",
            "paud_recorded",
            "paud_registry",
            "pip_recipients",
        ):
            setattr(counts, key, int(data.get(key, 0)))
        for mine, stored in zip(counts.by_band, data.get("by_band", []), strict=False):
            mine.update({str(k): int(v) for k, v in stored.items()})
        counts.reasons.update({str(k): int(v) for k, v in data.get("reasons", {}).items()})
        counts.risks.update({str(k): int(v) for k, v in data.get("risks", {}).items()})
        return counts

    def add(self, other: Counts) -> None:
        self.children += other.children
        for mine, theirs in zip(self.by_band, other.by_band, strict=True):
            for k, v in theirs.items():
                mine[k] += v
        for k, v in other.reasons.items():
            self.reasons[k] += v
        for k, v in other.risks.items():
            self.risks[k] += v
        self.at_risk += other.at_risk
        self.paud_children += other.paud_children
        self.paud_recorded += other.paud_recorded
        self.paud_registry += other.paud_registry
        self.pip_recipients += other.pip_recipients


# The regional count reads the residents once for both the school-age and the PAUD counts:
# each grouped row's `band` says which it goes to (an index of AGE_BANDS, or one of these).
PAUD_BAND = -1
NO_BAND = -2  # school age, in no band of AGE_BANDS


def _band_case(day: dt.date) -> Case:
    """The row's band on `day`: PAUD_BAND, an AGE_BANDS index, NO_BAND, or NULL (neither age).
    PAUD comes first: were the ranges to overlap, a child would count as PAUD only (a rule
    test keeps them apart)."""

    def aged(youngest: int, oldest: int) -> Q:
        after, on_or_before = rules.birth_range(day, youngest, oldest)
        return Q(birth_date__gt=after, birth_date__lte=on_or_before)

    whens = [When(aged(*rules.PAUD_AGE), then=Value(PAUD_BAND))]
    whens += [When(aged(lo, hi), then=Value(i)) for i, (_label, lo, hi) in enumerate(rules.AGE_BANDS)]
    whens.append(When(aged(*rules.SCHOOL_AGE), then=Value(NO_BAND)))
    return Case(*whens, default=None, output_field=IntegerField())


GROUP_FIELDS = (
    "village_id",
    "education_current",
    "education_kk",
    "le__status",
    "le__level",
    "le__school_year",
    "le__repeated",
)


def counts_by_village(*, villages: Iterable[Village], day: dt.date) -> dict[int, Counts]:
    """Counts per village id, from grouped rows: the database returns one row per distinct
    (village, age band, registry codes, newest enrolment's status/level/year) and the rules
    classify each group once, exactly as they classify one child on the village list.

    A district's or the regency's villages are counted half in a second connection on
    PostgreSQL (`split_read`)."""
    result: dict[int, Counts] = {}
    for part in split_read(
        Resident,
        [v.pk for v in villages],
        lambda ids: _counts_by_village(list(ids), day),
        min_items=SPLIT_READ_VILLAGES,
    ):
        result.update(part)
    return result


# From this many villages the regional count is split over two connections (PostgreSQL).
SPLIT_READ_VILLAGES = 100


def _counts_by_village(ids: list[int], day: dt.date) -> dict[int, Counts]:
    school_year = rules.school_year_of(day)
    result: dict[int, Counts] = {pk: Counts() for pk in ids}
    # One grouped query from the youngest PAUD age to the oldest school age: the living
    # residents are walked once (SQLite reads every one of the regency's in the index to find
    # the ages), not once for the school-age children and again for PAUD.
    youngest = min(rules.PAUD_AGE[0], rules.SCHOOL_AGE[0])
    oldest = max(rules.PAUD_AGE[1], rules.SCHOOL_AGE[1])
    groups = (
        _aged(_with_latest(Resident.objects.filter(village_id__in=ids)), day, youngest, oldest)
        .order_by()
        .values(*GROUP_FIELDS)
        .annotate(band=_band_case(day))
        .values(*GROUP_FIELDS, "band")
        .annotate(n=Count("*"))
    )
    for g in groups:
        band, n = g["band"], g["n"]
        if band is None:
            continue
        counts = result[g["village_id"]]
        if band == PAUD_BAND:
            counts.paud_children += n
            if _paud_recorded(g["le__status"], g["le__school_year"], school_year):
                counts.paud_recorded += n
            if g["education_current"] in (2, 4):
                counts.paud_registry += n
            continue
        latest = _latest(g)
        status, reason = rules.classify(
            latest=latest,
            education_current=g["education_current"],
            education_kk=g["education_kk"],
            school_year=school_year,
        )
        counts.children += n
        if band != NO_BAND:
            counts.by_band[band][status] += n
        if reason:
            counts.reasons[reason] += n
        found = rules.risks(status=status, latest=latest, absent_reported=False, school_year=school_year)
        for risk in found:
            counts.risks[risk] += n
        if found:
            counts.at_risk += n
    _add_absences(result, ids=ids, day=day, school_year=school_year)
    _add_pip(result, ids=ids, day=day)
    return result


def _add_pip(result: dict[int, Counts], *, ids: list[int], day: dt.date) -> None:
    # Regency PIP counts are of living children (data tunggal), asked as "no resident of that
    # id who is not alive": SQLite looks each recipient up by id, PostgreSQL hashes the few
    # residents who are not alive (an index range on the status each side of alive; `<>` is no
    # range and read the whole table). Joined to the living residents instead, both walked
    # every living resident of the regency: 0.25–0.35 s of a regency count of ~1 s. The
    # recipient's village too, so that PostgreSQL reads the non-living of the villages only
    # (tests/test_query_plans.py).
    alive = codes.STATUS_ALIVE
    not_alive = Resident.objects.filter(
        Q(status__lt=alive) | Q(status__gt=alive),
        pk=OuterRef("resident_id"),
        village_id=OuterRef("village_id"),
    )
    for village_id, n in (
        Scholarship.objects.filter(
            ~Exists(not_alive),
            village_id__in=ids,
            year=day.year,
            status__in=[Scholarship.Status.RECIPIENT, Scholarship.Status.DISBURSED],
        )
        .order_by()
        .values("village_id")
        .annotate(n=Count("*"))
        .values_list("village_id", "n")
    ):
        result[village_id].pip_recipients = n


def _add_absences(result: dict[int, Counts], *, ids: list[int], day: dt.date, school_year: int) -> None:
    """Children at risk only through a reported absence: few rows, classified one by one."""
    absent = recent_absences(villages=ids, day=day)
    if not absent:
        return
    # Looked up by id, the age and status (`_aged`) checked here: given them, SQLite walked the
    # status index over every living resident of the regency (a million entries) rather than
    # look a few thousand ids up. A row of another village cannot come from
    # `recent_absences(villages=ids)`; it is skipped all the same.
    after, on_or_before = rules.birth_range(day, *rules.SCHOOL_AGE)
    rows = _with_latest(Resident.objects.filter(pk__in=absent)).values(*GROUP_FIELDS, "status", "birth_date")
    for r in rows:
        if r["village_id"] not in result or r["status"] != codes.STATUS_ALIVE:
            continue
        if r["birth_date"] is None or not after < r["birth_date"] <= on_or_before:
            continue
        latest = _latest(r)
        status, _reason = rules.classify(
            latest=latest,
            education_current=r["education_current"],
            education_kk=r["education_kk"],
            school_year=school_year,
        )
        if status != rules.Status.IN_SCHOOL:
            continue
        counts = result[r["village_id"]]
        counts.risks[rules.Risk.ABSENT] += 1
        if not rules.risks(status=status, latest=latest, absent_reported=False, school_year=school_year):
            counts.at_risk += 1


def village_counts(*, village: Village, day: dt.date) -> Counts:
    return counts_by_village(villages=[village], day=day)[village.pk]


@dataclass
class RegionalRow:
    code: str
    name: str
    district_name: str
    counts: Counts


@dataclass
class Regional:
    day: dt.date
    rows: list[RegionalRow]
    total: Counts
    computed_at: dt.datetime | None = None


def regional(*, villages: Iterable[Village], day: dt.date) -> Regional:
    """Counts per village and in total, from the villages' stored summaries for `day`;
    villages without one are counted now (in one grouped query) and stored."""
    village_list = sorted(villages, key=lambda v: v.code)
    ids = [v.pk for v in village_list]
    by_id: dict[int, Counts] = {}
    oldest: dt.datetime | None = None
    for village_id, data, computed_at in VillageSummary.objects.filter(
        village_id__in=ids, day=day
    ).values_list("village_id", "data", "computed_at"):
        by_id[village_id] = Counts.from_data(data)
        oldest = computed_at if oldest is None else min(oldest, computed_at)
    missing = [v for v in village_list if v.pk not in by_id]
    if missing:
        fresh = counts_by_village(villages=missing, day=day)
        now = timezone.now()
        VillageSummary.objects.bulk_create(
            [
                VillageSummary(village_id=pk, day=day, computed_at=now, data=c.as_data())
                for pk, c in fresh.items()
            ],
            ignore_conflicts=True,
        )
        by_id.update(fresh)
        oldest = oldest or now
    total = Counts()
    rows = []
    for v in village_list:
        rows.append(RegionalRow(v.code, v.name, v.district_name, by_id[v.pk]))
        total.add(by_id[v.pk])
    return Regional(day=day, rows=rows, total=total, computed_at=oldest)


def summaries_refresh(*, villages: Iterable[Village], day: dt.date) -> int:
    """Recount and store the summaries of `villages` for `day` (the nightly job)."""
    village_list = list(villages)
    VillageSummary.objects.filter(village__in=village_list, day=day).delete()
    return len(regional(villages=village_list, day=day).rows)


def level_choices() -> list[tuple[str, str]]:
    return [(str(k), str(v)) for k, v in Level.choices]


def regional_cached(*, villages: Iterable[Village], day: dt.date) -> Regional:
    """`regional`, kept for a minute per set of villages and day (one set per scope), like
    the dashboard's overview: a camat reloading the page does not recount the district."""
    village_list = list(villages)
    ids = ",".join(str(v.pk) for v in sorted(village_list, key=lambda v: v.pk))
    key = f"education:regional:{day.isoformat()}:{hashlib.sha256(ids.encode()).hexdigest()[:32]}"
    seconds = int(getattr(settings, "BALAI_DASHBOARD_CACHE_SECONDS", 60))
    return cast(Regional, cache.get_or_set(key, lambda: regional(villages=village_list, day=day), seconds))


# --- At the kiosk: a family's own children -----------------------------------------------------


@dataclass(frozen=True)
class KioskSchooling:
    """What a parent sees of a child at the kiosk: school, class, status, PIP (KIP masked)."""

    public_id: str
    name: str
    age: int | None
    school: str
    level: str
    grade: int | None
    school_year: str
    status: str
    status_code: str
    pip_year: int | None
    pip_status: str
    pip_status_code: str
    kip: str


KIOSK_MIN_AGE, KIOSK_MAX_AGE = 4, 21


def family_schooling(*, village: Village, family: Any, day: dt.date | None = None) -> list[KioskSchooling]:
    """The family's living children aged 4–21, or anyone of it with a school record: three
    queries however large the village (all from the family's few members)."""
    day = day or timezone.localdate()
    members = [
        m
        for m in Resident.objects.filter(family_id=family.pk).order_by("birth_date", "pk")
        if m.village_id == village.pk and m.status == codes.STATUS_ALIVE
    ]
    ids = [m.pk for m in members]
    latest = {
        e.resident_id: e
        for e in Enrolment.objects.filter(
            village=village, resident_id__in=ids, is_latest=True
        ).select_related("school")
    }
    pip: dict[int, Scholarship] = {}
    for scholarship in Scholarship.objects.filter(village=village, resident_id__in=ids).order_by(
        "resident_id", "-year"
    ):
        pip.setdefault(scholarship.resident_id, scholarship)
    rows = []
    for m in members:
        age = rules.age_on(m.birth_date, day) if m.birth_date else None
        e, s = latest.get(m.pk), pip.get(m.pk)
        if e is None and s is None and (age is None or not KIOSK_MIN_AGE <= age <= KIOSK_MAX_AGE):
            continue
        rows.append(
            KioskSchooling(
                public_id=m.public_id,
                name=m.name,
                age=age,
                school=e.school.name if e else "",
                level=e.get_level_display() if e else "",
                grade=e.grade if e else None,
                school_year=e.school_year_label if e else "",
                status=e.get_status_display() if e else "",
                status_code=e.status if e else "",
                pip_year=s.year if s else None,
                pip_status=s.get_status_display() if s else "",
                pip_status_code=s.status if s else "",
                kip=mask_number(s.kip_number) if s else "",
            )
        )
    return rows
