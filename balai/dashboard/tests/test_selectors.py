import datetime as dt

import pytest

from balai.dashboard import selectors
from balai.dashboard.selectors import (
    BAND_COUNT,
    band_filters,
    regency_overview,
    village_breakdown,
    years_ago,
)
from balai.people import codes
from balai.people.models import Resident
from balai.people.tests.factories import DusunFactory, FamilyFactory, ResidentFactory, RtFactory

TODAY = dt.date(2025, 6, 15)


def _band(age):
    return min(age // 5, BAND_COUNT - 1)


def test_regency_overview_counts_by_sex_and_age_band(village_a, village_b, family_a):
    # given: residents of A around band edges, one dead, one without birth date; one of B
    born = [
        (1, dt.date(2025, 6, 15)),  # 0 today -> 0–4
        (2, dt.date(2020, 6, 16)),  # turns 5 tomorrow -> 0–4
        (2, dt.date(2020, 6, 15)),  # 5 today -> 5–9
        (1, dt.date(1990, 1, 1)),  # 35 -> 35–39
        (1, dt.date(1950, 6, 15)),  # 75 today -> 75+
        (2, dt.date(1930, 2, 2)),  # 95 -> 75+
        (2, None),
    ]
    for sex, birth_date in born:
        ResidentFactory(
            village=village_a, family=family_a, sex=sex, birth_date=birth_date or dt.date(2000, 1, 1)
        )
    Resident.objects.filter(village=village_a, birth_date=dt.date(2000, 1, 1)).update(birth_date=None)
    ResidentFactory(
        village=village_a, family=family_a, sex=1, birth_date=dt.date(1980, 1, 1), status=codes.STATUS_DEAD
    )
    ResidentFactory(village=village_b, sex=2, birth_date=dt.date(2001, 3, 3))

    # when
    overview = regency_overview(villages=[village_a, village_b], today=TODAY)

    # then
    a = next(v for v in overview.villages if v.code == village_a.code).counts
    assert a.male_total == 3
    assert a.female_total == 4
    assert a.residents == 7
    assert a.male[0] == 1
    assert a.female[0] == 1
    assert a.female[1] == 1
    assert a.male[7] == 1
    assert a.male[15] == 1
    assert a.female[15] == 1
    assert a.female_unknown_age == 1
    assert a.groups == [2, 1, 1, 2]
    assert a.families == 1
    b = next(v for v in overview.villages if v.code == village_b.code).counts
    assert b.female[_band(24)] == 1
    assert b.residents == 1
    assert overview.counts.residents == 8
    assert [d.code for d in overview.districts] == [village_a.district_code, village_b.district_code]


def test_regency_overview_agrees_with_age_on(village_a, family_a):
    # given: a spread of birth dates, including 29 February
    dates = [dt.date(1940 + i, 1 + i % 12, 1 + i % 28) for i in range(0, 85, 3)]
    dates += [dt.date(2000, 2, 29), dt.date(2020, 2, 29), dt.date(2015, 6, 15), dt.date(2015, 6, 16)]
    for i, d in enumerate(dates):
        ResidentFactory(village=village_a, family=family_a, sex=1 + i % 2, birth_date=d)
    day = dt.date(2024, 2, 29)

    # when
    counts = regency_overview(villages=[village_a], today=day).counts

    # then
    expected_m, expected_f = [0] * BAND_COUNT, [0] * BAND_COUNT
    for r in Resident.objects.filter(village=village_a):
        (expected_m if r.sex == 1 else expected_f)[_band(r.age_on(day))] += 1
    assert counts.male == expected_m
    assert counts.female == expected_f


def test_regency_overview_only_counts_the_villages_given(village_a, village_b, resident_a, resident_b):
    overview = regency_overview(villages=[village_a], today=TODAY)

    assert [v.code for v in overview.villages] == [village_a.code]
    assert overview.counts.residents == 1


def test_regency_overview_ignores_inactive_families(village_a, family_a):
    FamilyFactory(village=village_a, is_active=False)

    overview = regency_overview(villages=[village_a], today=TODAY)

    assert overview.counts.families == 1


def test_band_filters_cover_every_age_once():
    bands = band_filters(TODAY)
    assert len(bands) == BAND_COUNT
    assert years_ago(dt.date(2024, 2, 29), 1) == dt.date(2023, 2, 28)


def test_village_breakdown_counts_per_dusun(village_a):
    # given: two dusun, and a resident without RT
    krajan = RtFactory(village=village_a, dusun=DusunFactory(village=village_a, name="KRAJAN"))
    other = RtFactory(village=village_a, dusun=DusunFactory(village=village_a, name="SIDOREJO"), rw="002")
    family_k = FamilyFactory(village=village_a, rt=krajan)
    family_s = FamilyFactory(village=village_a, rt=other)
    ResidentFactory(village=village_a, family=family_k, rt=krajan, sex=1, birth_date=dt.date(2022, 1, 1))
    ResidentFactory(village=village_a, family=family_k, rt=krajan, sex=2, birth_date=dt.date(1960, 1, 1))
    ResidentFactory(village=village_a, family=family_s, rt=other, sex=2, birth_date=dt.date(1995, 1, 1))
    ResidentFactory(village=village_a, family=family_s, rt=None, sex=1, birth_date=dt.date(1995, 1, 1))

    # when
    data = village_breakdown(village=village_a, today=TODAY)

    # then
    rows = {d.name: d.counts for d in data.dusuns}
    assert rows["KRAJAN"].residents == 2
    assert rows["KRAJAN"].families == 1
    assert rows["KRAJAN"].male[0] == 1
    assert rows["KRAJAN"].female[13] == 1
    assert rows["SIDOREJO"].residents == 1
    assert rows["SIDOREJO"].families == 1
    assert rows["Tanpa dusun/RT"].male_total == 1
    assert data.counts.residents == 4
    assert data.counts.families == 2


def test_village_breakdown_of_empty_village_has_no_rows(village_b):
    data = village_breakdown(village=village_b, today=TODAY)

    assert data.dusuns == []
    assert data.counts.residents == 0


@pytest.mark.django_db(transaction=True)
def test_regency_overview_read_in_two_connections_counts_the_same(
    village_a, village_b, family_a, monkeypatch
):
    # given: residents in both villages, committed (the second connection sees committed rows only)
    for i in range(6):
        ResidentFactory(
            village=village_a, family=family_a, sex=1 + i % 2, birth_date=dt.date(1950 + 9 * i, 3, 1)
        )
    ResidentFactory(village=village_b, sex=2, birth_date=dt.date(2001, 3, 3))
    whole = regency_overview(villages=[village_a, village_b], today=TODAY)

    # when: split from two villages on (PostgreSQL reads the second half in another connection)
    monkeypatch.setattr(selectors, "SPLIT_READ_VILLAGES", 2)
    split = regency_overview(villages=[village_a, village_b], today=TODAY)

    # then
    assert split == whole
    assert split.counts.residents == 7
