import datetime as dt

import pytest

from balai.health import charts, selectors
from balai.health.services import measurement_record
from balai.health.tests.conftest import make_child
from balai.people import codes
from balai.people.models import Resident


def test_children_growth_of_family_gives_living_under_fives_with_measurements(
    kader_a, village_a, family_a1, today
):
    # given
    toddler = make_child(village_a, family_a1, days=700, name="ADIK")
    make_child(village_a, family_a1, days=2200, name="KAKAK")  # past five
    make_child(village_a, family_a1, days=300, name="ALM", status=codes.STATUS_DEAD)
    baby = make_child(village_a, family_a1, days=40, name="BAYI")
    measurement_record(
        actor=kader_a,
        village=village_a,
        child=toddler,
        measured_on=today - dt.timedelta(days=30),
        weight_kg="10.5",
        lenhei_cm="82",
        position="l",
    )
    measurement_record(
        actor=kader_a,
        village=village_a,
        child=toddler,
        measured_on=today,
        weight_kg="10.9",
        lenhei_cm="83",
        position="h",
    )

    # when
    growths = selectors.children_growth_of_family(village=village_a, family=family_a1)

    # then
    assert [g.name for g in growths] == ["ADIK", "BAYI"]
    adik = growths[0]
    assert [m.weight_kg for m in adik.measurements] == [10.5, 10.9]
    assert adik.latest.lenhei_scored_cm == pytest.approx(83.7)  # standing under 2 years: +0.7 cm
    assert adik.latest.labels["wfa"] == "Berat badan normal"
    assert growths[1].public_id == baby.public_id
    assert growths[1].measurements == []
    svgs = charts.growth_charts(adik)
    assert svgs["wfa"].count("<circle") == 2


def test_another_villages_family_gives_nothing(village_a, family_b):
    make_child(family_b.village, family_b, days=300)

    assert selectors.children_growth_of_family(village=village_a, family=family_b) == []


def test_child_growth_refuses_another_villages_child(village_a, family_b):
    other = make_child(family_b.village, family_b, days=300)

    with pytest.raises(Resident.DoesNotExist):
        selectors.child_growth(village=village_a, child=other)
