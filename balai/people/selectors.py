"""Reads of the registry. Every selector takes the village: scoping lives here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Any, NamedTuple

from django.db import connections, router
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from rapidfuzz import fuzz

from balai.audit.models import AuditEvent
from balai.core.db.compiled import CompiledQuery
from balai.core.db.expressions import Unindexed
from balai.core.digits import only_digits
from balai.people import codes
from balai.people.models import DuplicateDecision, Family, LifeEvent, Resident, ReviewItem, normalize_name
from balai.regions.models import Village

CURRENT = codes.STATUS_ALIVE


def resident_qs(*, village: Village) -> QuerySet[Resident]:
    return Resident.objects.filter(village=village)


def family_qs(*, village: Village) -> QuerySet[Family]:
    return Family.objects.filter(village=village)


def resident_get(*, village: Village, public_id: str) -> Resident:
    """Raises Resident.DoesNotExist for another village's resident, exactly as for none."""
    return (
        resident_qs(village=village)
        .select_related("family", "rt__dusun", "household")
        .get(public_id=public_id)
    )


def family_get(*, village: Village, public_id: str) -> Family:
    return family_qs(village=village).select_related("rt__dusun", "head").get(public_id=public_id)


@dataclass
class ResidentFilters:
    q: str = ""
    dusun_id: int | None = None
    rt_id: int | None = None
    sex: int | None = None
    age_min: int | None = None
    age_max: int | None = None
    status: int | None = CURRENT


def _years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def resident_filter(
    *, village: Village, filters: ResidentFilters, today: dt.date | None = None, name_order: bool = False
) -> QuerySet[Resident]:
    """`name_order`: the caller reads a page in name order; the age and sex filters are then
    answered from the list index as it is walked (`Unindexed`), not by another index whose
    matches would all be sorted first (measured on SQLite at 50,000 residents: a deep filtered
    page's query 8.9 ms CPU at p50, 24.6 at p95 that way; 0.6 and 1.3 walking the index)."""
    terms = _ListTerms.of(village.pk, filters, today)
    qs = _filtered(resident_qs(village=village), terms, name_order=name_order)
    q = filters.q.strip()
    if q:
        digits = only_digits(q)
        if digits and len(digits) == len(q.replace(" ", "")):
            # A number: NIK or KK, exact when complete, prefix otherwise.
            # The KK side as a subquery of the village's families: an OR across the join made
            # PostgreSQL hash-join every family of the regency (110 ms at 1,000,000 residents).
            families = Family.objects.filter(village=village)
            if len(digits) == 16:
                kk = families.filter(kk_number=digits)
                qs = qs.filter(Q(nik=digits) | Q(family__in=kk.values("pk")))
            else:
                kk = families.filter(kk_number__startswith=digits)
                qs = qs.filter(Q(nik__startswith=digits) | Q(family__in=kk.values("pk")))
        else:
            qs = qs.filter(name_key__contains=normalize_name(q))
    return qs


class _ListTerms(NamedTuple):
    """The list filters other than the search box, as the values the query compares with."""

    village_id: int
    status: int | None
    rt_id: int | None
    dusun_id: int | None
    sex: int | None
    born_until: dt.date | None  # born on or before (age_min)
    born_after: dt.date | None  # born after (age_max)

    @classmethod
    def of(cls, village_id: int, filters: ResidentFilters, today: dt.date | None) -> _ListTerms:
        today = today or timezone.localdate()
        return cls(
            village_id,
            filters.status,
            filters.rt_id or None,
            None if filters.rt_id else filters.dusun_id or None,
            filters.sex if filters.sex in (1, 2) else None,
            None if filters.age_min is None else _years_ago(today, filters.age_min),
            None if filters.age_max is None else _years_ago(today, filters.age_max + 1),
        )


def _filtered(qs: QuerySet[Resident], terms: _ListTerms, *, name_order: bool) -> QuerySet[Resident]:
    sex, birth = "sex", "birth_date"
    if name_order:
        qs = qs.alias(list_sex=Unindexed("sex"), list_birth=Unindexed("birth_date"))
        sex, birth = "list_sex", "list_birth"
    if terms.status is not None:
        qs = qs.filter(status=terms.status)
    if terms.rt_id is not None:
        qs = qs.filter(rt_id=terms.rt_id)
    elif terms.dusun_id is not None:
        qs = qs.filter(rt__dusun_id=terms.dusun_id)
    if terms.sex is not None:
        qs = qs.filter(**{sex: terms.sex})
    if terms.born_until is not None:
        qs = qs.filter(**{f"{birth}__lte": terms.born_until})
    if terms.born_after is not None:
        qs = qs.filter(**{f"{birth}__gt": terms.born_after})
    return qs


@dataclass
class Page:
    items: list[Any]  # Residents, or dicts when the caller asked for `fields`
    next_cursor: str | None
    prev_cursor: str | None


def _cursor(r: Resident | dict[str, Any]) -> str:
    if isinstance(r, dict):
        return f"{r['name_key']}\x1f{r['id']}"
    return f"{r.name_key}\x1f{r.pk}"


def _parse_cursor(cursor: str) -> tuple[str, int] | None:
    try:
        name, pk = cursor.rsplit("\x1f", 1)
        return name, int(pk)
    except ValueError:
        return None


def resident_page(
    *,
    village: Village,
    filters: ResidentFilters,
    after: str | None = None,
    before: str | None = None,
    limit: int = 50,
    fields: tuple[str, ...] | None = None,
) -> Page:
    """Keyset pagination on (name_key, id): every page costs the same, however deep.

    With `fields` (as for `.values()`) the items are plain dicts of just those columns:
    a busy list page then builds no model instances at all.
    """
    parsed_after = _parse_cursor(after) if after else None
    parsed_before = _parse_cursor(before) if before else None
    if fields and not filters.q.strip():
        return _listed_page(village, filters, parsed_after, parsed_before, limit, fields)
    qs: Any = resident_filter(village=village, filters=filters, name_order=True)
    qs = qs.values("id", "name_key", *fields) if fields else qs.select_related("rt__dusun", "family")
    if parsed_before:
        name, pk = parsed_before
        rows = list(
            qs.filter(name_key__lte=name)
            .filter(Q(name_key__lt=name) | Q(name_key=name, id__lt=pk))
            .order_by("-name_key", "-id")[: limit + 1]
        )
        has_more = len(rows) > limit
        items = list(reversed(rows[:limit]))
        return Page(
            items, _cursor(items[-1]) if items else None, _cursor(items[0]) if has_more and items else None
        )
    if parsed_after:
        name, pk = parsed_after
        # The plain range first: SQLite then starts the index walk at the cursor (with the OR
        # alone and bound parameters it walked the village from its first name).
        qs = qs.filter(name_key__gte=name).filter(Q(name_key__gt=name) | Q(name_key=name, id__gt=pk))
    rows = list(qs.order_by("name_key", "id")[: limit + 1])
    items = rows[:limit]
    next_cursor = _cursor(items[-1]) if len(rows) > limit else None
    prev_cursor = _cursor(items[0]) if parsed_after and items else None
    return Page(items, next_cursor, prev_cursor)


def _list_query(
    fields: tuple[str, ...], limit: int, direction: str, terms: _ListTerms, name: str | None, pk: int | None
) -> QuerySet[Any]:
    """`resident_page`'s query for the list (no search text), as `_LIST_PAGE` compiles it."""
    qs: Any = _filtered(Resident.objects.filter(village_id=terms.village_id), terms, name_order=True)
    order = ("name_key", "id")
    if direction == "before":
        qs = qs.filter(name_key__lte=name).filter(Q(name_key__lt=name) | Q(name_key=name, id__lt=pk))
        order = ("-name_key", "-id")
    elif direction == "after":
        # The plain range first: SQLite then starts the index walk at the cursor (with the OR
        # alone and bound parameters it walked the village from its first name).
        qs = qs.filter(name_key__gte=name).filter(Q(name_key__gt=name) | Q(name_key=name, id__gt=pk))
    if connections[router.db_for_read(Resident)].vendor == "postgresql":
        # The page's ids first, then their rows. PostgreSQL underestimates how many residents
        # pass an age range and a name range together (a few dozen, where a deep page finds
        # hundreds), so it read the whole village by its village index, joined every match
        # to its family and sorted them: ~2-3 ms of the server's CPU a page. Alone, the ids
        # come from resident_list_cover_idx in name order (an index-only scan that stops at
        # the page's end), and only the page's rows are fetched and joined.
        qs = Resident.objects.filter(id__in=qs.order_by(*order).values("id")[: limit + 1])
    return qs.values_list("id", "name_key", *fields).order_by(*order)[: limit + 1]


# The resident list's pages are the busiest query of the registry: the same SQL as the ORM
# builds for them, compiled once per combination of filters (balai/core/db/compiled.py).
_LIST_PAGE = CompiledQuery(
    Resident,
    lambda shape, village_id, status, rt_id, dusun_id, sex, born_until, born_after, name, pk: _list_query(
        shape[0],
        shape[1],
        shape[2],
        _ListTerms(village_id, status, rt_id, dusun_id, sex, born_until, born_after),
        name,
        pk,
    ),
)


def _listed_page(
    village: Village,
    filters: ResidentFilters,
    after: tuple[str, int] | None,
    before: tuple[str, int] | None,
    limit: int,
    fields: tuple[str, ...],
) -> Page:
    terms = _ListTerms.of(village.pk, filters, None)
    direction, cursor = ("before", before) if before else ("after", after) if after else ("first", None)
    name, pk = cursor if cursor else (None, None)
    values = (*terms, name, pk)
    shape = (fields, limit, direction, *(v is None for v in values))
    rows = _LIST_PAGE.rows(*values, shape=shape)
    names = ("id", "name_key", *fields)
    items = [dict(zip(names, row, strict=True)) for row in rows]
    if direction == "before":
        has_more = len(items) > limit
        items = list(reversed(items[:limit]))
        return Page(
            items, _cursor(items[-1]) if items else None, _cursor(items[0]) if has_more and items else None
        )
    page = items[:limit]
    next_cursor = _cursor(page[-1]) if len(items) > limit else None
    prev_cursor = _cursor(page[0]) if direction == "after" and page else None
    return Page(page, next_cursor, prev_cursor)


def family_members(*, family: Family) -> QuerySet[Resident]:
    return family.members.select_related("household").order_by("family_relation", "birth_date", "id")


def resident_events(*, resident: Resident) -> QuerySet[LifeEvent]:
    return resident.events.select_related("recorded_by", "village").order_by("-event_date", "-id")


def resident_audit_trail(*, resident: Resident, limit: int = 100) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(object_type="resident", object_id=resident.public_id)
        .exclude(action="resident.viewed")
        .order_by("-occurred_at", "-id")[:limit]
    )


def life_event_list(*, village: Village, kind: int | None = None) -> QuerySet[LifeEvent]:
    qs = LifeEvent.objects.filter(village=village).select_related("resident", "recorded_by")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-event_date", "-id")


@dataclass
class DuplicatePair:
    first: Resident
    second: Resident
    score: float


_DUPLICATE_FIELDS = (
    "id",
    "public_id",
    "village_id",
    "nik",
    "name",
    "name_key",
    "birth_date",
    "sex",
    "father_name",
    "mother_name",
    "family_id",
)


def possible_duplicates(*, village: Village, threshold: float = 85.0) -> list[DuplicatePair]:
    """Same birth date, names alike and parents alike (where known), different NIKs."""
    residents = (
        resident_qs(village=village)
        .filter(status=CURRENT, birth_date__isnull=False)
        .only(*_DUPLICATE_FIELDS)
        .order_by("birth_date", "id")
    )
    decided = set(DuplicateDecision.objects.filter(village=village).values_list("first_id", "second_id"))
    pairs = [DuplicatePair(a, b, score) for a, b, score in _duplicate_pairs(residents, decided, threshold)]
    pairs.sort(key=lambda p: -p.score)
    return pairs


class _DuplicateRow(NamedTuple):
    pk: int
    village_id: int
    birth_date: dt.date
    nik: str
    name_key: str
    father_name: str
    mother_name: str


def duplicate_counts(*, village_ids: list[int], threshold: float = 85.0) -> dict[int, int]:
    """Pending possible-duplicate pairs per village — for each, len(possible_duplicates(...)) —
    for many villages at once: only residents sharing their birth date with another of their
    village reach Python (a window count in the database), so the regency's villages cost one
    query and a few hundred name comparisons each."""
    # EXISTS another current resident of the village born that day: one probe of
    # resident_dup_idx per resident, a third of the CPU of a window count over every row
    # (which sorts the whole table and reads each row's columns).
    same_day = Resident.objects.filter(
        status=CURRENT, village_id=OuterRef("village_id"), birth_date=OuterRef("birth_date")
    ).exclude(pk=OuterRef("pk"))
    rows = (
        Resident.objects.filter(status=CURRENT, village_id__in=village_ids, birth_date__isnull=False)
        .filter(Exists(same_day))
        .order_by("village_id", "birth_date", "id")
        .values_list(*_DuplicateRow._fields)
    )
    decided = set(
        DuplicateDecision.objects.filter(village_id__in=village_ids).values_list("first_id", "second_id")
    )
    counts = dict.fromkeys(village_ids, 0)
    # Plain tuples, not model instances: a third of the time at 20,000 residents.
    residents = (_DuplicateRow._make(row) for row in rows.iterator(chunk_size=5000))
    for first, _second, _score in _duplicate_pairs(residents, decided, threshold):
        counts[first.village_id] += 1
    return counts


def _duplicate_pairs(
    residents: Iterable[Any], decided: set[tuple[int, int]], threshold: float
) -> list[tuple[Any, Any, float]]:
    """The alike pairs among `residents` (residents or rows with their fields), which come
    ordered by village and birth date."""
    pairs: list[tuple[Any, Any, float]] = []
    for _key, grouped in groupby(residents, key=lambda r: (r.village_id, r.birth_date)):
        group = list(grouped)
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if a.nik == b.nik or (a.pk, b.pk) in decided:
                    continue
                score = fuzz.token_sort_ratio(a.name_key, b.name_key)
                if score < threshold:
                    continue
                if not _parents_alike(a, b):
                    continue
                pairs.append((a, b, score))
    return pairs


def _parents_alike(a: Resident, b: Resident) -> bool:
    for field in ("mother_name", "father_name"):
        x, y = normalize_name(getattr(a, field)), normalize_name(getattr(b, field))
        if x and y and fuzz.token_sort_ratio(x, y) < 80:
            return False
    return True


def stats_counts(*, villages: QuerySet[Village] | list[Village]) -> dict[str, Any]:
    """Residents and families per village (current residents only)."""
    from django.db.models import Count

    village_ids = [v.pk for v in villages]
    residents = dict(
        Resident.objects.filter(status=CURRENT, village_id__in=village_ids)
        .values_list("village_id")
        .annotate(n=Count("id"))
        .values_list("village_id", "n")
    )
    families = dict(
        Family.objects.filter(village_id__in=village_ids, is_active=True)
        .values_list("village_id")
        .annotate(n=Count("id"))
        .values_list("village_id", "n")
    )
    return {"residents": residents, "families": families}


# --- Web UI pages ------------------------------------------------------------------------
# The UI pages by public ids rather than the selectors' (name, id) cursors, so no resident's
# name ends up in URLs, browser history or access logs. Resolving the anchor costs one
# indexed query.


_CURSOR = CompiledQuery(
    Resident,
    lambda _shape, village_id, public_id: (
        Resident.objects.filter(village_id=village_id, public_id=public_id)
        .order_by("name_key", "id")
        .values_list("name_key", "id")[:1]
    ),
)


def resident_cursor(*, village: Village, public_id: str) -> str | None:
    """`resident_page`'s cursor positioned at one resident of the village (None if unknown)."""
    rows = _CURSOR.rows(village.pk, public_id)
    row = rows[0] if rows else None
    return f"{row[0]}\x1f{row[1]}" if row else None


@dataclass
class KeysetPage:
    items: list[Any]
    next_id: str | None  # public id to pass as `after`
    prev_id: str | None  # public id to pass as `before`


def _keyset_page(
    qs: QuerySet[Any],
    *,
    keys: tuple[str, str],
    after: Any | None,
    before: Any | None,
    limit: int,
    descending: bool = False,
) -> KeysetPage:
    """Page `qs` on two keys (the second unique); `after`/`before` are rows of `qs` or None."""
    first, second = keys
    forward_op, back_op = ("lt", "gt") if descending else ("gt", "lt")
    forward = [f"-{first}", f"-{second}"] if descending else [first, second]
    backward = [first, second] if descending else [f"-{first}", f"-{second}"]

    def beyond(row: Any, op: str) -> Q:
        a, b = getattr(row, first), getattr(row, second)
        return Q(**{f"{first}__{op}": a}) | Q(**{first: a, f"{second}__{op}": b})

    if before is not None:
        rows = list(qs.filter(beyond(before, back_op)).order_by(*backward)[: limit + 1])
        items = list(reversed(rows[:limit]))
        has_prev = len(rows) > limit
        return KeysetPage(
            items, items[-1].public_id if items else None, items[0].public_id if has_prev and items else None
        )
    if after is not None:
        qs = qs.filter(beyond(after, forward_op))
    rows = list(qs.order_by(*forward)[: limit + 1])
    items = rows[:limit]
    return KeysetPage(
        items,
        items[-1].public_id if len(rows) > limit else None,
        items[0].public_id if after is not None and items else None,
    )


def family_page(
    *,
    village: Village,
    q: str = "",
    after: str | None = None,
    before: str | None = None,
    limit: int = 50,
) -> KeysetPage:
    """Families by KK number; `q` is a KK number (prefix) or part of the head's name.

    Each family gets `member_count` (current residents), counted for the page only.
    """
    qs = family_qs(village=village).filter(is_active=True)
    q = q.strip()
    if q:
        digits = only_digits(q)
        if digits and len(digits) == len(q.replace(" ", "")):
            qs = qs.filter(kk_number__startswith=digits)
        else:
            qs = qs.filter(head__name_key__contains=normalize_name(q))

    def anchor(public_id: str | None) -> Family | None:
        if not public_id:
            return None
        return family_qs(village=village).filter(public_id=public_id).only("kk_number", "id").first()

    page = _keyset_page(
        qs.select_related("head", "rt__dusun"),
        keys=("kk_number", "id"),
        after=anchor(after),
        before=anchor(before),
        limit=limit,
    )
    counts = dict(
        Resident.objects.filter(family_id__in=[f.pk for f in page.items], status=CURRENT)
        .values_list("family_id")
        .annotate(n=Count("id"))
        .values_list("family_id", "n")
    )
    for family in page.items:
        family.member_count = counts.get(family.pk, 0)
    return page


def family_events(*, family: Family, limit: int = 50) -> QuerySet[LifeEvent]:
    return family.events.select_related("resident", "recorded_by").order_by("-event_date", "-id")[:limit]


def life_event_page(
    *,
    village: Village,
    kind: int | None = None,
    after: str | None = None,
    before: str | None = None,
    limit: int = 50,
) -> KeysetPage:
    """The village's life events, newest first."""

    def anchor(public_id: str | None) -> LifeEvent | None:
        if not public_id:
            return None
        return LifeEvent.objects.filter(village=village, public_id=public_id).only("event_date", "id").first()

    return _keyset_page(
        life_event_list(village=village, kind=kind),
        keys=("event_date", "id"),
        after=anchor(after),
        before=anchor(before),
        limit=limit,
        descending=True,
    )


# --- Life event consequences and the review queue (data tunggal) -------------------------


def life_event_get(*, village: Village, public_id: str) -> LifeEvent:
    """Raises LifeEvent.DoesNotExist for another village's event, exactly as for none."""
    return LifeEvent.objects.select_related("resident", "recorded_by", "cancelled_by", "village").get(
        village=village, public_id=public_id
    )


def review_queue(*, village: Village, state: str = "open") -> QuerySet[ReviewItem]:
    return (
        ReviewItem.objects.filter(village=village, state=state)
        .select_related("event", "resident", "resolved_by")
        .order_by("-created_at", "-id")
    )


def review_item_get(*, village: Village, public_id: str) -> ReviewItem:
    return ReviewItem.objects.get(village=village, public_id=public_id)


def review_open_count(*, village: Village) -> int:
    return ReviewItem.objects.filter(village=village, state=ReviewItem.State.OPEN).count()
