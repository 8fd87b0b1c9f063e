import datetime as dt

import pytest

from balai.health import selectors, services
from balai.health.services import measurement_record
from balai.health.tests.conftest import make_child


def _month_back(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, min(day.day, 28))


@pytest.fixture
def weigh(kader_a, village_a, today):
    def weigh(child, months_ago: int, kg: str, **kw):
        return measurement_record(
            actor=kader_a,
            village=village_a,
            child=child,
            measured_on=_month_back(today, months_ago),
            weight_kg=kg,
            **kw,
        )

    return weigh


def _kinds(village, **kw):
    return {(a.kind, a.child.name) for a in selectors.growth_alerts(village=village, **kw)}


def test_two_weighings_below_the_minimum_gain_give_2t(village_a, family_a1, weigh):
    # given: a 20-month-old gaining 100 g a month (KBM 200 g)
    faltering = make_child(village_a, family_a1, days=610, name="TIDAK NAIK", sex=1)
    growing = make_child(village_a, family_a1, days=610, name="NAIK", sex=1)
    once = make_child(village_a, family_a1, days=610, name="SEKALI", sex=1)
    for child, kgs in (
        (faltering, ("10.0", "10.1", "10.2")),
        (growing, ("10.0", "10.3", "10.6")),
        (once, ("10.0", "10.5", "10.6")),
    ):
        for months_ago, kg in zip((2, 1, 0), kgs, strict=True):
            weigh(child, months_ago, kg)

    # when
    found = _kinds(village_a, kinds={"2t"})

    # then
    assert found == {("2t", "TIDAK NAIK")}


def test_crossing_below_minus_2_sd_alerts_once(village_a, family_a1, weigh):
    # given: a 12-month-old girl (median ~8.9 kg, −2 SD ~7.0 kg)
    crossing = make_child(village_a, family_a1, days=365, name="TURUN")
    always_low = make_child(village_a, family_a1, days=365, name="SELALU RENDAH")
    weigh(crossing, 1, "7.6")
    weigh(crossing, 0, "6.6")
    weigh(always_low, 1, "6.4")
    weigh(always_low, 0, "6.6")

    alerts = selectors.growth_alerts(village=village_a, kinds={"below_2sd"})

    assert [(a.child.name, a.detail.split()[0]) for a in alerts] == [("TURUN", "BB/U")]


def test_no_measurement_in_the_last_two_sessions_is_a_missed_visit(
    kader_a, village_a, posyandu_a, family_a1, today, weigh
):
    # given: two sessions; one child came to the older one, one came to none
    came = make_child(village_a, family_a1, days=500, name="DATANG")
    missing = make_child(village_a, family_a1, days=500, name="TIDAK DATANG")
    newborn = make_child(village_a, family_a1, days=10, name="BARU LAHIR")
    older = services.session_open(
        actor=kader_a, village=village_a, posyandu=posyandu_a, held_on=today - dt.timedelta(days=30)
    )
    services.session_open(actor=kader_a, village=village_a, posyandu=posyandu_a, held_on=today)
    measurement_record(
        actor=kader_a, village=village_a, child=came, session=older, measured_on=older.held_on, weight_kg="10"
    )

    # when
    found = _kinds(village_a, kinds={"missed"})

    # then: the newborn was not born at the older session
    assert found == {("missed", missing.name)}
    assert newborn.name not in {name for _, name in found}


def test_alerts_filter_by_dusun_and_posyandu(village_a, posyandu_a, family_a1, rt_a2, weigh):
    from balai.people.tests.factories import FamilyFactory

    here = make_child(village_a, family_a1, days=365, name="KRAJAN")
    there = make_child(village_a, FamilyFactory(village=village_a, rt=rt_a2), days=365, name="SILEMAH")
    for child in (here, there):
        weigh(child, 1, "7.6")
        weigh(child, 0, "6.6")

    assert {n for _, n in _kinds(village_a, dusun="SILEMAH")} == {"SILEMAH"}
    assert {n for _, n in _kinds(village_a, posyandu=posyandu_a)} == {"KRAJAN"}
    assert {n for _, n in _kinds(village_a)} == {"KRAJAN", "SILEMAH"}


def test_alerts_are_of_the_village_only(village_a, village_b, family_b, kader_a):
    child_b = make_child(village_b, family_b, days=365, name="DESA LAIN")
    measurement_record(
        actor=None,
        village=village_b,
        child=child_b,
        measured_on=_month_back(dt.date.today(), 0),
        weight_kg="6.0",
    )

    assert selectors.growth_alerts(village=village_a) == []
