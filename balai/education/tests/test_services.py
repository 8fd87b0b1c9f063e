import pytest
from django.core.exceptions import ValidationError

from balai.audit.models import AuditEvent
from balai.core.errors import ApplicationError
from balai.education import services
from balai.education.models import Enrolment, School
from balai.people.models import Resident

from .conftest import DAY


@pytest.mark.parametrize("npsn", ["2031234", "203123456", "2031234A", "", "20 12345"])
def test_npsn_must_be_eight_digits_with_an_indonesian_message(operator_a, village_a, npsn):
    # when
    with pytest.raises(ValidationError) as exc:
        services.school_create(
            actor=operator_a,
            village=village_a,
            data={"name": "SD X", "npsn": npsn, "level": "sd", "status": "negeri"},
        )
    # then
    assert "NPSN harus 8 angka" in " ".join(exc.value.message_dict["npsn"])
    assert not School.objects.exists()


def test_npsn_once_per_village(operator_a, village_a, school_sd):
    with pytest.raises(ValidationError) as exc:
        services.school_create(
            actor=operator_a,
            village=village_a,
            data={"name": "SD LAIN", "npsn": school_sd.npsn, "level": "sd", "status": "swasta"},
        )
    assert "sudah tercatat" in exc.value.message_dict["npsn"][0]


def test_school_create_is_audited(school_sd):
    event = AuditEvent.objects.get(action="education.school_created")
    assert event.object_id == school_sd.public_id
    assert event.village_id == school_sd.village_id


def test_school_level_cannot_change_once_children_are_enrolled(operator_a, make_child, school_sd, enrol):
    enrol(make_child("ANAK"), school_sd, 2026, 4)
    with pytest.raises(ValidationError) as exc:
        services.school_update(
            actor=operator_a,
            school=school_sd,
            data={"name": school_sd.name, "npsn": school_sd.npsn, "level": "smp", "status": "negeri"},
        )
    assert "level" in exc.value.message_dict


def test_grade_must_belong_to_the_school_level(make_child, school_smp, enrol):
    child = make_child("ANAK", age=13)
    with pytest.raises(ValidationError) as exc:
        enrol(child, school_smp, 2026, 4)
    assert "Kelas 4 tidak ada di jenjang SMP/MTs" in exc.value.message_dict["grade"][0]


def test_enrolment_keeps_history_and_marks_the_latest_and_repeats(make_child, school_sd, enrol):
    # given a child in grade 3 last year
    child = make_child("ANAK", age=9)
    first = enrol(child, school_sd, 2025, 3)
    # when grade 3 again this year
    second = enrol(child, school_sd, 2026, 3)
    # then both rows are kept, the newer is the latest and flags the repeated grade
    first.refresh_from_db()
    assert (first.is_latest, first.repeated) == (False, False)
    assert (second.is_latest, second.repeated) == (True, True)
    # and an older year entered afterwards does not become the latest
    older = enrol(child, school_sd, 2024, 2)
    older.refresh_from_db()
    second.refresh_from_db()
    assert not older.is_latest
    assert second.is_latest
    assert Enrolment.objects.filter(resident=child).count() == 3


def test_same_school_same_year_twice_is_refused(make_child, school_sd, enrol):
    child = make_child("ANAK")
    enrol(child, school_sd, 2026, 4)
    with pytest.raises(ValidationError):
        enrol(child, school_sd, 2026, 4)


def test_enrolment_is_audited_on_the_child(make_child, school_sd, enrol):
    child = make_child("ANAK")
    enrol(child, school_sd, 2026, 4)
    event = AuditEvent.objects.get(action="education.enrolment_recorded")
    assert event.object_type == "resident"
    assert event.object_id == child.public_id
    assert event.changes["grade"] == 4


def test_other_villages_school_is_refused(operator_b, village_b, make_child, school_sd, family_b):
    child = make_child("ANAK B", family=family_b)
    with pytest.raises(School.DoesNotExist):
        services.enrolment_record(
            actor=operator_b,
            village=village_b,
            resident=child,
            school=school_sd,
            school_year=2026,
            grade=4,
            enrolled_year=2023,
            today=DAY,
        )


def test_other_villages_child_is_refused(operator_b, village_b, make_child):
    child = make_child("ANAK A")
    with pytest.raises(Resident.DoesNotExist):
        services.followup_add(
            actor=operator_b, village=village_b, resident=child, noted_on=DAY, outcome="dihubungi"
        )


def test_dead_child_is_refused(operator_a, village_a, make_child):
    child = make_child("ANAK", status=2)
    with pytest.raises(ApplicationError):
        services.absence_report(
            actor=operator_a, village=village_a, resident=child, reported_on=DAY, reporter="SD", days_absent=5
        )


def test_status_change_is_audited_with_before_and_after(operator_a, make_child, school_sd, enrol):
    e = enrol(make_child("ANAK"), school_sd, 2026, 4)
    services.enrolment_set_status(actor=operator_a, enrolment=e, status="putus", note="bekerja")
    event = AuditEvent.objects.get(action="education.enrolment_status")
    assert event.changes["status"] == ["aktif", "putus"]


def test_pip_is_one_row_per_child_and_year(operator_a, village_a, make_child):
    child = make_child("ANAK")
    services.scholarship_set(actor=operator_a, village=village_a, resident=child, year=2026, status="usulan")
    item = services.scholarship_set(
        actor=operator_a, village=village_a, resident=child, year=2026, status="penerima", kip_number="KIP123"
    )
    assert item.status == "penerima"
    assert AuditEvent.objects.filter(action="education.pip_set").count() == 2
    assert child.pk
    assert type(item).objects.filter(resident=child).count() == 1


def test_followup_validates_outcome(operator_a, village_a, make_child):
    with pytest.raises(ValidationError) as exc:
        services.followup_add(
            actor=operator_a, village=village_a, resident=make_child("ANAK"), noted_on=DAY, outcome="entah"
        )
    assert "outcome" in exc.value.message_dict
