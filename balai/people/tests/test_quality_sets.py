"""The data-quality ranking's (and the monthly report's) set-based queries (EXISTS probes instead of a window count over
every resident and a de-duplicated join of every resident to their family) give exactly the
figures of the queries they replaced, on a registry with every kind of problem."""

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q, Window

from balai.people import books, codes, quality, selectors, services
from balai.people.models import DuplicateDecision, Family, Resident
from balai.people.tests.factories import FamilyFactory, ResidentFactory


def _old_families(village_ids: list[int]) -> dict[int, tuple[int, int]]:
    rows = (
        Family.objects.filter(village_id__in=village_ids, is_active=True, members__status=codes.STATUS_ALIVE)
        .order_by()
        .values("village_id")
        .annotate(
            n=Count("id", distinct=True),
            headless=Count(
                "id", distinct=True, filter=Q(head__isnull=True) | ~Q(head__status=codes.STATUS_ALIVE)
            ),
        )
    )
    return {r["village_id"]: (r["n"], r["headless"]) for r in rows}


def _old_duplicate_counts(village_ids: list[int], threshold: float = 85.0) -> dict[int, int]:
    rows = (
        Resident.objects.filter(
            status=codes.STATUS_ALIVE, village_id__in=village_ids, birth_date__isnull=False
        )
        .annotate(same_day=Window(Count("id"), partition_by=[F("village_id"), F("birth_date")]))
        .filter(same_day__gt=1)
        .order_by("village_id", "birth_date", "id")
        .values_list(*selectors._DuplicateRow._fields)
    )
    decided = set(
        DuplicateDecision.objects.filter(village_id__in=village_ids).values_list("first_id", "second_id")
    )
    counts = dict.fromkeys(village_ids, 0)
    residents = (selectors._DuplicateRow._make(row) for row in rows)
    for first, _second, _score in selectors._duplicate_pairs(residents, decided, threshold):
        counts[first.village_id] += 1
    return counts


def _messy_registry(village: Any, operator: Any) -> None:
    born = dt.date(1980, 5, 17)
    headed = FamilyFactory(village=village)
    same = {"village": village, "family": headed, "rt": headed.rt, "birth_date": born, "sex": 1}
    head = ResidentFactory(name="SLAMET RIYADI", mother_name="SUMIRAH", **same)
    headed.head = head
    headed.save(update_fields=["head"])
    twin = ResidentFactory(name="SLAMET  RIYADI", mother_name="SUMIRAH", **same)  # pending duplicate
    ResidentFactory(name="SLAMET RIYADI", mother_name="PARTINAH", **same)  # other mother: not alike
    ResidentFactory(name="WARSINAH", **same)  # same day, another name
    decided = ResidentFactory(name="SLAMET RIYADY", mother_name="SUMIRAH", **same)
    services.duplicate_dismiss(actor=operator, first=head, second=decided)
    ResidentFactory(name="SLAMET RIYADI", birth_date=born, village=village, nik=twin.nik, family=headed,
                    rt=headed.rt, status=codes.STATUS_DEAD)  # fmt: skip
    # Empty fields, no birth date, no family, temporary NIK, over 100 years.
    nobirth = ResidentFactory(village=village, family=None, rt=None, birth_place="", religion=None)
    Resident.objects.filter(pk=nobirth.pk).update(birth_date=None)
    ResidentFactory(village=village, family=None, birth_date=dt.date(1900, 1, 1), mother_name="")
    ResidentFactory(village=village, nik=f"0{village.pk:015d}", occupation=None, marital_status=None)
    # Families: no head, a dead head, no living member, inactive, several living members.
    headless = FamilyFactory(village=village)
    ResidentFactory.create_batch(3, village=village, family=headless, rt=headless.rt)
    dead_head_family = FamilyFactory(village=village)
    dead = ResidentFactory(village=village, family=dead_head_family, rt=dead_head_family.rt)
    ResidentFactory(village=village, family=dead_head_family, rt=dead_head_family.rt)
    dead_head_family.head = dead
    dead_head_family.save(update_fields=["head"])
    Resident.objects.filter(pk=dead.pk).update(status=codes.STATUS_DEAD)
    gone = FamilyFactory(village=village)
    ResidentFactory(village=village, family=gone, rt=gone.rt, status=codes.STATUS_DEAD)
    inactive = FamilyFactory(village=village, is_active=False)
    ResidentFactory(village=village, family=inactive, rt=inactive.rt)


def test_set_based_quality_equals_the_old_queries(village_a, village_b, operator_a, operator_b):
    _messy_registry(village_a, operator_a)
    _messy_registry(village_b, operator_b)
    ResidentFactory(village=village_b, name="SLAMET RIYADI", birth_date=dt.date(1980, 5, 17))
    ids = [village_a.pk, village_b.pk]

    assert selectors.duplicate_counts(village_ids=ids) == _old_duplicate_counts(ids)
    # head–twin and twin–"RIYADY" pending; head–"RIYADY" dismissed; the other mother differs.
    assert selectors.duplicate_counts(village_ids=ids)[village_a.pk] == 2
    for vid in ids:
        assert selectors.duplicate_counts(village_ids=[vid])[vid] == len(
            selectors.possible_duplicates(village=village_a if vid == village_a.pk else village_b)
        )
    measured = quality._measure(ids)
    old_families = _old_families(ids)
    today = dt.date.today()
    reports = books.monthly_reports(village_ids=ids, year=today.year, month=today.month)
    for vid in ids:
        assert (measured[vid].families, measured[vid].families_without_head) == old_families[vid]
        assert reports[vid].families_end == old_families[vid][0]  # the monthly report's KK count
    a = measured[village_a.pk]
    assert a.families_without_head == 3  # no head (twice: the factory's own family too); a dead head
    assert a.no_family == 2
    assert a.temporary_nik == 1
    assert a.over_100 == 1
    assert a.empty["birth_date"] == 1
    assert [q.village.pk for q in quality.ranking(villages=[village_a, village_b]) if q.village]
