import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from balai.audit.models import AuditEvent
from balai.core.errors import ApplicationError
from balai.health import services
from balai.health.models import Attendance, ChildMeasurement
from balai.health.services import measurement_record, weight_trend
from balai.health.tests.conftest import make_child
from balai.people import codes

D = dt.date


# --- KMS weighing result (N/T/O/B) -------------------------------------------------------


@pytest.mark.parametrize(
    ("age_days", "gain_kg", "expected"),
    [
        (61, 0.9, "N"),  # 2 months: KBM 900 g
        (61, 0.8, "T"),
        (122, 0.6, "N"),  # 4 months: KBM 600 g
        (122, 0.5, "T"),
        (400, 0.2, "N"),  # 13 months: KBM 200 g
        (400, 0.1, "T"),
        (400, -0.3, "T"),  # weight lost
        (1500, 0.2, "N"),
    ],
)
def test_weight_trend_compares_the_gain_with_the_minimum_for_age(age_days, gain_kg, expected):
    got = weight_trend(
        weight_kg=round(8.0 + gain_kg, 2),
        age_days=age_days,
        measured_on=D(2026, 5, 10),
        previous=(D(2026, 4, 12), 8.0),
    )

    assert got == expected


def test_weight_trend_new_not_weighed_last_month_or_no_weight():
    assert weight_trend(weight_kg=8.0, age_days=300, measured_on=D(2026, 5, 10), previous=None) == "B"
    assert (
        weight_trend(weight_kg=9.0, age_days=300, measured_on=D(2026, 5, 10), previous=(D(2026, 3, 10), 8.0))
        == "O"
    )
    assert weight_trend(weight_kg=None, age_days=300, measured_on=D(2026, 5, 10), previous=None) == ""


def test_min_gain_table_follows_the_kms():
    assert [round(services.min_gain_kg(int(m * 30.4375) + 1) * 1000) for m in range(1, 14)] == [
        800, 900, 800, 600, 500, 400, 400, 300, 300, 300, 200, 200, 200,
    ]  # fmt: skip


def test_measurement_stores_trend_from_last_months_weighing(kader_a, village_a, family_a1, today):
    # given: weighed last month
    child = make_child(village_a, family_a1, days=300)
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=min(today.day, 28))
    measurement_record(actor=kader_a, village=village_a, child=child, measured_on=last_month, weight_kg="8.0")

    # when: 100 g more (KBM at ~10 months is 300 g)
    m = measurement_record(actor=kader_a, village=village_a, child=child, measured_on=today, weight_kg="8.1")

    # then
    assert m.weight_trend == "T"


# --- New fields ---------------------------------------------------------------------------


def test_session_measurement_records_extras_and_attendance(kader_a, village_a, session_a, family_a1):
    # given: a 5-month-old
    child = make_child(village_a, family_a1, days=155)

    # when
    m = measurement_record(
        actor=kader_a,
        village=village_a,
        child=child,
        session=session_a,
        measured_on=session_a.held_on,
        weight_kg="6,9",
        lenhei_cm="64.5",
        position="l",
        exclusive_breastfeeding=True,
        immunizations=["pcv2", "dpt1", "opv2"],
    )

    # then
    m.refresh_from_db()
    assert m.exclusive_breastfeeding is True
    assert m.immunizations == ["dpt1", "opv2", "pcv2"]  # schedule order
    assert Attendance.objects.get(session=session_a, resident=child).target == "child"
    assert AuditEvent.objects.filter(action="child_measurement.recorded", object_id=m.public_id).exists()


def test_breastfeeding_is_not_kept_past_six_months(kader_a, village_a, child_a, today):
    m = measurement_record(
        actor=kader_a,
        village=village_a,
        child=child_a,
        measured_on=today,
        weight_kg="9",
        exclusive_breastfeeding=True,
    )

    assert m.exclusive_breastfeeding is None


@pytest.mark.parametrize(
    ("days", "vitamin_a", "ok"),
    [
        (200, "biru", True),
        (200, "merah", False),
        (400, "merah", True),
        (400, "biru", False),
        (100, "biru", False),
    ],
)
def test_vitamin_a_capsule_must_fit_the_age(kader_a, village_a, family_a1, today, days, vitamin_a, ok):
    child = make_child(village_a, family_a1, days=days)

    def record():
        return measurement_record(
            actor=kader_a,
            village=village_a,
            child=child,
            measured_on=today,
            weight_kg="8",
            vitamin_a=vitamin_a,
        )

    if ok:
        assert record().vitamin_a == vitamin_a
    else:
        with pytest.raises(ValidationError) as exc:
            record()
        assert "vitamin_a" in exc.value.message_dict


def test_a_vaccine_given_before_or_unknown_is_refused(kader_a, village_a, family_a1, today):
    child = make_child(village_a, family_a1, days=200)
    measurement_record(
        actor=kader_a,
        village=village_a,
        child=child,
        measured_on=today - dt.timedelta(days=30),
        weight_kg="7",
        immunizations=["dpt1"],
    )

    with pytest.raises(ValidationError) as again:
        measurement_record(
            actor=kader_a,
            village=village_a,
            child=child,
            measured_on=today,
            weight_kg="7.5",
            immunizations=["dpt1"],
        )
    with pytest.raises(ValidationError) as unknown:
        measurement_record(
            actor=kader_a,
            village=village_a,
            child=child,
            measured_on=today,
            weight_kg="7.5",
            immunizations=["covid"],
        )

    assert "DPT-HB-Hib 1" in again.value.message_dict["immunizations"][0]
    assert "covid" in unknown.value.message_dict["immunizations"][0]


def test_recording_again_in_a_session_corrects_the_entry(kader_a, village_a, session_a, child_a):
    # given
    first = measurement_record(
        actor=kader_a,
        village=village_a,
        child=child_a,
        session=session_a,
        measured_on=session_a.held_on,
        weight_kg="9.8",
    )

    # when: the cadre fixes a typo, with a vaccine given at the same visit
    second = measurement_record(
        actor=kader_a,
        village=village_a,
        child=child_a,
        session=session_a,
        measured_on=session_a.held_on,
        weight_kg="8.9",
        immunizations=["mr1"],
    )

    # then: one row, corrected, both changes audited
    assert second.pk == first.pk
    assert ChildMeasurement.objects.filter(child=child_a).count() == 1
    assert float(ChildMeasurement.objects.get(pk=first.pk).weight_kg) == 8.9
    assert (
        AuditEvent.objects.filter(action="child_measurement.corrected", object_id=first.public_id).count()
        == 1
    )
    assert Attendance.objects.filter(session=session_a, resident=child_a).count() == 1


# --- Implausible values: flagged, confirmed, never silently accepted or rejected ----------


def test_2_kg_at_24_months_needs_confirmation(kader_a, village_a, family_a1, today):
    child = make_child(village_a, family_a1, days=731, sex=1)

    with pytest.raises(ValidationError) as exc:
        measurement_record(actor=kader_a, village=village_a, child=child, measured_on=today, weight_kg="2")
    assert exc.value.code == "implausible"
    assert not ChildMeasurement.objects.filter(child=child).exists()

    m = measurement_record(
        actor=kader_a,
        village=village_a,
        child=child,
        measured_on=today,
        weight_kg="2",
        confirm_implausible=True,
    )
    assert "wfa" in m.flags.split(";")
    assert m.z_wfa is not None


def test_height_shrinking_more_than_1_5_cm_needs_confirmation(kader_a, village_a, child_a, today):
    measurement_record(
        actor=kader_a,
        village=village_a,
        child=child_a,
        measured_on=today - dt.timedelta(days=30),
        lenhei_cm="76.0",
        position="l",
    )

    # 1.4 cm less: within measuring error
    measurement_record(
        actor=kader_a,
        village=village_a,
        child=child_a,
        measured_on=today - dt.timedelta(days=1),
        lenhei_cm="74.6",
        position="l",
    )
    # 1.6 cm less than that: flagged
    with pytest.raises(ValidationError) as exc:
        measurement_record(
            actor=kader_a, village=village_a, child=child_a, measured_on=today, lenhei_cm="73.0", position="l"
        )

    assert exc.value.code == "implausible"
    assert "1,5 cm" in exc.value.messages[0]


def test_standing_under_nine_months_needs_confirmation(kader_a, village_a, family_a1, today):
    child = make_child(village_a, family_a1, days=150)

    with pytest.raises(ValidationError) as exc:
        measurement_record(
            actor=kader_a, village=village_a, child=child, measured_on=today, lenhei_cm="63", position="h"
        )

    assert exc.value.code == "implausible"
    assert "cara ukur" in exc.value.messages[0]


def test_child_past_five_years_is_not_applicable_not_a_crash(kader_a, village_a, family_a1, today):
    child = make_child(village_a, family_a1, days=365 * 6)

    m = measurement_record(
        actor=kader_a,
        village=village_a,
        child=child,
        measured_on=today,
        weight_kg="20",
        lenhei_cm="115",
        position="h",
    )

    # then: WHO 2007 scores weight and height; no weight-for-height past five, and
    # Permenkes classifies only IMT/U from five years on
    assert m.z_wflh is None
    assert (m.cat_wfa, m.cat_lhfa, m.cat_wflh) == ("", "", "")
    assert m.cat_bmi


def test_dead_child_and_other_village_child_are_refused(
    kader_a, village_a, village_b, family_a1, family_b, today
):
    dead = make_child(village_a, family_a1, days=300, status=codes.STATUS_DEAD)
    other = make_child(village_b, family_b, days=300)

    with pytest.raises(ApplicationError, match="tidak tercatat hidup"):
        measurement_record(actor=kader_a, village=village_a, child=dead, measured_on=today, weight_kg="8")
    with pytest.raises(ApplicationError, match="bukan penduduk desa ini"):
        measurement_record(actor=kader_a, village=village_a, child=other, measured_on=today, weight_kg="8")
    assert not ChildMeasurement.objects.exists()


# --- Posyandu, area, attendance -----------------------------------------------------------


def test_posyandu_area_and_cadres_must_be_of_the_village(kader_a, operator_a, village_a, village_b, rt_a1):
    from balai.people.tests.factories import RtFactory

    rt_b = RtFactory(village=village_b)

    with pytest.raises(ValidationError) as exc:
        services.posyandu_create(
            actor=kader_a, village=village_a, name="MELATI", rts=[rt_b], cadres=[operator_a]
        )

    assert set(exc.value.message_dict) == {"rts", "cadres"}


def test_posyandu_update_sets_area_cadres_and_audits(kader_a, village_a, posyandu_a, rt_a2):
    services.posyandu_update(
        actor=kader_a,
        posyandu=posyandu_a,
        name="MAWAR INDAH",
        dusun="SILEMAH",
        schedule="Tanggal 5",
        rts=[rt_a2],
        cadres=[kader_a],
    )

    from balai.health import selectors

    assert selectors.posyandu_rts(village=village_a, posyandu=posyandu_a) == [rt_a2]
    assert selectors.posyandu_cadres(village=village_a, posyandu=posyandu_a) == [kader_a]
    assert AuditEvent.objects.filter(action="posyandu.updated", object_id=posyandu_a.public_id).exists()


def test_expected_children_are_the_under_fives_of_the_area(village_a, posyandu_a, family_a1, rt_a2, today):
    from balai.health import selectors
    from balai.people.tests.factories import FamilyFactory

    inside = make_child(village_a, family_a1, days=100, name="DI WILAYAH")
    make_child(village_a, family_a1, days=1900, name="SUDAH LIMA TAHUN")
    make_child(village_a, family_a1, days=200, name="MENINGGAL", status=codes.STATUS_DEAD)
    make_child(village_a, FamilyFactory(village=village_a, rt=rt_a2), days=100, name="RT LAIN")

    names = [c.name for c in selectors.expected_children(village=village_a, posyandu=posyandu_a, on=today)]

    assert names == [inside.name]


def test_attendance_of_elderly_and_pregnant_women(kader_a, village_a, session_a, family_a1, today):
    from balai.people.tests.factories import ResidentFactory

    elder = ResidentFactory(village=village_a, family=family_a1, rt=family_a1.rt, birth_date=D(1950, 1, 1))
    young = ResidentFactory(
        village=village_a, family=family_a1, rt=family_a1.rt, birth_date=D(1990, 1, 1), sex=2
    )

    assert services.attendance_set(
        actor=kader_a, session=session_a, resident=elder, target="elderly", present=True
    )
    assert not services.attendance_set(
        actor=kader_a, session=session_a, resident=elder, target="elderly", present=True
    )
    with pytest.raises(ValidationError):
        services.attendance_set(
            actor=kader_a, session=session_a, resident=young, target="elderly", present=True
        )
    with pytest.raises(ValidationError):  # no pregnancy record
        services.attendance_set(
            actor=kader_a, session=session_a, resident=young, target="pregnant", present=True
        )
    services.pregnancy_register(
        actor=kader_a, village=village_a, mother=young, lmp_date=today - dt.timedelta(days=60)
    )
    assert services.attendance_set(
        actor=kader_a, session=session_a, resident=young, target="pregnant", present=True
    )
    assert services.attendance_set(
        actor=kader_a, session=session_a, resident=elder, target="elderly", present=False
    )
    assert list(Attendance.objects.filter(session=session_a).values_list("target", flat=True)) == ["pregnant"]


def test_a_weighing_entered_late_updates_the_next_months_result(kader_a, village_a, family_a1, today):
    # given: this month's weighing was entered first ("B", nothing before it)
    child = make_child(village_a, family_a1, days=400)
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=min(today.day, 28))
    now = measurement_record(
        actor=kader_a, village=village_a, child=child, measured_on=today, weight_kg="9.0"
    )
    assert now.weight_trend == "B"

    # when: last month's weighing is entered afterwards, 100 g less (KBM at 13 months: 200 g)
    measurement_record(actor=kader_a, village=village_a, child=child, measured_on=last_month, weight_kg="8.9")

    # then
    now.refresh_from_db()
    assert now.weight_trend == "T"
