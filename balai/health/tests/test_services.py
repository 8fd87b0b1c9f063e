import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from balai.accounts.scope import scope_for
from balai.audit.models import AuditEvent
from balai.core.errors import ApplicationError
from balai.health.models import ChildMeasurement, Posyandu
from balai.health.selectors import child_measurements, posyandu_get, stunting_by_dusun
from balai.health.services import measurement_record, posyandu_create, session_open
from balai.people import codes
from balai.people.tests.factories import ResidentFactory

TODAY = dt.date(2026, 11, 2)


@pytest.fixture
def child_a(village_a):
    # girl born so that TODAY is day 683 (WHO golden row 1)
    return ResidentFactory(
        village=village_a, sex=2, birth_date=TODAY - dt.timedelta(days=683), family_relation=4
    )


@pytest.fixture
def child_b(village_b):
    return ResidentFactory(
        village=village_b, sex=1, birth_date=TODAY - dt.timedelta(days=300), family_relation=4
    )


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("balai.health.services.timezone.localdate", lambda: TODAY)


def test_measurement_record_stores_zscores_categories_and_audits(kader_a, village_a, child_a):
    # when
    m = measurement_record(
        actor=kader_a,
        village=village_a,
        child=child_a,
        measured_on=TODAY,
        weight_kg="10,4",
        lenhei_cm="84.8",
        position="l",
    )

    # then: WHO's own z-scores for this row
    m.refresh_from_db()
    assert m.age_days == 683
    assert (m.z_lhfa, m.z_wfa, m.z_wflh, m.z_bmi) == (-0.07, -0.57, -0.81, -0.79)
    assert (m.cat_lhfa, m.cat_wfa, m.cat_wflh, m.cat_bmi) == ("normal", "bb_normal", "gizi_baik", "gizi_baik")
    assert m.flags == ""
    event = AuditEvent.objects.get(action="child_measurement.recorded")
    assert event.object_id == m.public_id
    assert event.village_id == village_a.pk
    assert event.changes["child"] == child_a.public_id


def test_measurement_of_another_villages_child_is_refused(kader_a, village_a, child_b):
    with pytest.raises(ApplicationError):
        measurement_record(actor=kader_a, village=village_a, child=child_b, measured_on=TODAY, weight_kg=8)
    assert not ChildMeasurement.objects.exists()


def test_measurement_of_a_dead_child_is_refused(kader_a, village_a, child_a):
    child_a.status = codes.STATUS_DEAD
    child_a.save()

    with pytest.raises(ApplicationError):
        measurement_record(actor=kader_a, village=village_a, child=child_a, measured_on=TODAY, weight_kg=8)


def test_implausible_measurement_needs_confirmation(kader_a, village_a, child_a):
    # given 2 kg at 22 months
    kwargs = {"actor": kader_a, "village": village_a, "child": child_a, "measured_on": TODAY}

    # when / then: refused first, naming the index
    with pytest.raises(ValidationError) as exc_info:
        measurement_record(**kwargs, weight_kg=2)
    assert exc_info.value.code == "implausible"
    assert "BB/U" in exc_info.value.messages[0]
    assert not ChildMeasurement.objects.exists()

    # and stored with the flag once confirmed
    m = measurement_record(**kwargs, weight_kg=2, confirm_implausible=True)
    assert "wfa" in m.flags.split(";")
    assert m.z_wfa < -6


def test_length_shrinking_needs_confirmation(kader_a, village_a, child_a):
    # given
    measurement_record(
        actor=kader_a,
        village=village_a,
        child=child_a,
        measured_on=TODAY - dt.timedelta(days=30),
        weight_kg=10,
        lenhei_cm=84,
        position="l",
    )

    # when a month later the child is 5 cm shorter
    with pytest.raises(ValidationError) as exc_info:
        measurement_record(
            actor=kader_a,
            village=village_a,
            child=child_a,
            measured_on=TODAY,
            weight_kg=10.2,
            lenhei_cm=79,
            position="l",
        )

    # then
    assert exc_info.value.code == "implausible"
    m = measurement_record(
        actor=kader_a,
        village=village_a,
        child=child_a,
        measured_on=TODAY,
        weight_kg=10.2,
        lenhei_cm=79,
        position="l",
        confirm_implausible=True,
    )
    assert m.flags == "shrink"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"weight_kg": "berat"}, "weight_kg"),
        ({"weight_kg": 0}, "weight_kg"),
        ({"weight_kg": 10, "lenhei_cm": 80}, "position"),
        ({"weight_kg": 10, "lenhei_cm": 80, "position": "x"}, "position"),
        ({}, "weight_kg"),
        ({"weight_kg": 10, "measured_on": TODAY + dt.timedelta(days=1)}, "measured_on"),
        ({"weight_kg": 10, "measured_on": dt.date(2020, 1, 1)}, "measured_on"),
    ],
)
def test_bad_input_names_the_field(kader_a, village_a, child_a, kwargs, field):
    kwargs = {"measured_on": TODAY, **kwargs}
    with pytest.raises(ValidationError) as exc_info:
        measurement_record(actor=kader_a, village=village_a, child=child_a, **kwargs)
    assert field in exc_info.value.message_dict


def test_child_past_five_gets_who2007_or_not_applicable(kader_a, village_a):
    child = ResidentFactory(village=village_a, sex=1, birth_date=TODAY - dt.timedelta(days=1840))
    m = measurement_record(
        actor=kader_a,
        village=village_a,
        child=child,
        measured_on=TODAY,
        weight_kg=18,
        lenhei_cm=108,
        position="h",
    )
    assert (m.z_lhfa, m.z_wfa, m.cat_lhfa) == (None, None, "")


def test_posyandu_session_and_selectors_are_scoped_by_village(kader_a, village_a, village_b, child_a):
    # given
    posyandu = posyandu_create(actor=kader_a, village=village_a, name="Melati 1", dusun="Krajan")
    session = session_open(actor=kader_a, village=village_a, posyandu=posyandu, held_on=TODAY)
    assert session_open(actor=kader_a, village=village_a, posyandu=posyandu, held_on=TODAY) == session
    measurement_record(
        actor=kader_a, village=village_a, child=child_a, measured_on=TODAY, weight_kg=10.4, session=session
    )

    # then: another village sees nothing, exactly like a missing object
    assert child_measurements(village=village_a, child=child_a).count() == 1
    assert child_measurements(village=village_b, child=child_a).count() == 0
    with pytest.raises(Posyandu.DoesNotExist):
        posyandu_get(village=village_b, public_id=posyandu.public_id)
    with pytest.raises(ApplicationError):
        session_open(actor=kader_a, village=village_b, posyandu=posyandu, held_on=TODAY)
    with pytest.raises(ValidationError):
        posyandu_create(actor=kader_a, village=village_a, name="melati 1")


def test_only_health_roles_read_individual_records(kader_a, operator_a, kades_a, camat_a):
    assert scope_for(kader_a).can("health.read")
    assert scope_for(kader_a).can("health.write")
    for user in (operator_a, kades_a, camat_a):
        assert not scope_for(user).can("health.read")


def test_stunting_by_dusun_counts_each_child_once_by_last_measurement(kader_a, village_a):
    # given two children in one dusun: one stunted at the month's last visit, one not
    short = ResidentFactory(village=village_a, sex=1, birth_date=TODAY - dt.timedelta(days=700))
    normal = ResidentFactory(village=village_a, sex=2, birth_date=TODAY - dt.timedelta(days=683))
    record = {"actor": kader_a, "village": village_a, "position": "l", "confirm_implausible": True}
    measurement_record(
        **record, child=short, measured_on=TODAY - dt.timedelta(days=1), weight_kg=10, lenhei_cm=84
    )
    measurement_record(**record, child=short, measured_on=TODAY, weight_kg=9, lenhei_cm=77)
    measurement_record(**record, child=normal, measured_on=TODAY, weight_kg=10.4, lenhei_cm=84.8)
    # and a measurement in another month that must not count
    measurement_record(**record, child=normal, measured_on=dt.date(2026, 10, 20), weight_kg=10, lenhei_cm=70)

    # when
    rows = stunting_by_dusun(village=village_a, year=2026, month=11)

    # then
    assert [(r.dusun, r.measured, r.stunted) for r in rows] == [("KRAJAN", 2, 1)]
    assert rows[0].prevalence == 0.5
