"""`CompiledQuery` runs the ORM's own SQL with new values and returns what the ORM returns."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db.models.functions import Lower
from django.utils import timezone

from balai.core.db.compiled import CompiledQuery
from balai.people.models import Resident
from balai.people.tests.factories import FamilyFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def _by_age(_shape, village_id, born_after, sex):
    qs = Resident.objects.filter(village_id=village_id, birth_date__gt=born_after)
    if sex is not None:
        qs = qs.filter(sex=sex)
    return qs.order_by("birth_date", "id").values_list("public_id", "birth_date", "family__kk_number")


def test_rows_are_the_orms_rows_for_every_value_and_shape(village_a, village_b):
    family = FamilyFactory(village=village_a)
    for year, sex in [(1950, 1), (1970, 2), (1990, 1), (2010, 2)]:
        ResidentFactory(village=village_a, family=family, birth_date=dt.date(year, 5, 6), sex=sex)
    ResidentFactory(village=village_b, birth_date=dt.date(1999, 1, 1))
    query = CompiledQuery(Resident, _by_age)
    for village in (village_a, village_b):
        for born_after in (dt.date(1900, 1, 1), dt.date(1960, 1, 1), dt.date(2000, 1, 1)):
            for sex in (None, 1, 2):
                got = query.rows(village.pk, born_after, sex, shape=sex is None)
                assert got == list(_by_age(None, village.pk, born_after, sex))
    # Dates come back as dates (the SQLite converter applied), as from the ORM.
    assert all(isinstance(row[1], dt.date) for row in query.rows(village_a.pk, dt.date(1900, 1, 1), None))


def test_datetimes_are_converted_as_the_orm_converts_them():
    now = timezone.now()
    Session.objects.create(session_key="k" * 32, session_data="x", expire_date=now + dt.timedelta(hours=1))
    query = CompiledQuery(
        Session,
        lambda _shape, key, at: Session.objects.filter(session_key=key, expire_date__gt=at).values_list(
            "session_key", "expire_date"
        ),
    )
    assert query.rows("k" * 32, now) == list(
        Session.objects.filter(session_key="k" * 32).values_list("session_key", "expire_date")
    )
    assert query.rows("k" * 32, now + dt.timedelta(hours=2)) == []


def test_an_argument_the_query_transforms_is_refused(village_a):
    # A LIKE pattern or a function of the value is not the value: compiled, it would be wrong.
    query = CompiledQuery(
        Resident, lambda _shape, text: Resident.objects.filter(name__contains=text).values_list("id")
    )
    with pytest.raises(ValueError, match="CompiledQuery"):
        query.rows("BUDI")
    lowered = CompiledQuery(
        Resident,
        lambda _shape, text: Resident.objects.annotate(low=Lower("name")).filter(low=text).values_list("id"),
    )
    assert lowered.rows("budi") == []  # the value itself reaches the SQL: fine


def test_a_constant_equal_to_a_marker_is_not_taken_for_an_argument(village_a):
    # 30_011 is the first integer marker of one of the two compilations.
    query = CompiledQuery(
        Resident,
        lambda _shape, village_id: (
            Resident.objects.filter(village_id=village_id).exclude(pk=30_011).values_list("id")
        ),
    )
    ResidentFactory(village=village_a)
    assert query.rows(village_a.pk) == list(Resident.objects.filter(village=village_a).values_list("id"))
