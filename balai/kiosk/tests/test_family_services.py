"""Issue 23: the signed-in resident's children at school (with PIP) and a pregnant mother's
KIA schedule, for their own family only, masked, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from balai.audit.models import AuditEvent
from balai.education import services as education
from balai.education.models import Level, Scholarship
from balai.health import services as health
from balai.people.tests.factories import FamilyFactory, ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_a(village_a):
    return education.school_create(
        actor=None,
        village=village_a,
        data={"name": "SD NEGERI 1 BROKOH", "npsn": "20312345", "level": Level.SD, "status": "negeri"},
    )


def _child(village, family, name, years):
    today = timezone.localdate()
    return ResidentFactory(
        village=village,
        family=family,
        rt=family.rt,
        name=name,
        birth_date=today.replace(year=today.year - years),
    )


def test_school_shows_own_children_school_class_and_pip_masked(
    resident_client_a, resident_a, village_a, school_a
):
    kid = _child(village_a, resident_a.family, "ANDI PRATAMA", 9)
    year = timezone.localdate().year
    education.enrolment_record(
        actor=None,
        village=village_a,
        resident=kid,
        school=school_a,
        school_year=year,
        grade=3,
        enrolled_year=year - 2,
    )
    education.scholarship_set(
        actor=None, village=village_a, resident=kid, year=year, status=Scholarship.Status.DISBURSED,
        kip_number="KIP1234567890",
    )  # fmt: skip
    neighbour = _child(village_a, FamilyFactory(village=village_a), "TETANGGA SEBELAH", 9)
    page = resident_client_a.get("/anjungan/saya/sekolah/").content.decode()
    assert "ANDI PRATAMA" in page
    assert "SD NEGERI 1 BROKOH" in page
    assert "Sudah cair" in page
    assert "KIP1234567890" not in page  # masked
    assert neighbour.name not in page
    assert AuditEvent.objects.filter(action="kiosk.school_view").count() == 1


def test_school_child_without_record_says_so(resident_client_a, resident_a, village_a):
    _child(village_a, resident_a.family, "BELUM SEKOLAH", 8)
    page = resident_client_a.get("/anjungan/saya/sekolah/").content.decode()
    assert "BELUM SEKOLAH" in page
    assert "Belum tercatat bersekolah" in page


def test_school_needs_sign_in(kiosk_client_a):
    assert kiosk_client_a.get("/anjungan/saya/sekolah/").status_code == 302


def test_pregnancy_shows_visits_next_due_and_warnings(resident_client_a, resident_a, village_a):
    today = timezone.localdate()
    mother = ResidentFactory(
        village=village_a, family=resident_a.family, rt=resident_a.rt, name="DEWI LESTARI", sex=2,
        birth_date=today.replace(year=today.year - 26),
    )  # fmt: skip
    pregnancy = health.pregnancy_register(
        actor=None, village=village_a, mother=mother, lmp_date=today - dt.timedelta(weeks=14)
    )
    health.antenatal_visit_record(
        actor=None, pregnancy=pregnancy, visited_on=today - dt.timedelta(weeks=6), weight_kg="52.5",
        muac_cm="22.0", hb_g_dl="12.1", iron_tablets=30,
    )  # fmt: skip
    page = resident_client_a.get("/anjungan/saya/kehamilan/").content.decode()
    assert "DEWI LESTARI" in page
    assert "14 minggu" in page
    assert "K2" in page  # the next visit: K2 was due by week 12, so it is late
    assert "segera periksa" in page
    assert "KEK" in page  # the midwife's wording for LiLA < 23.5
    assert AuditEvent.objects.filter(action="health.kiosk_pregnancy_viewed").count() == 1


def test_pregnancy_of_another_family_is_not_shown(resident_client_a, village_a):
    other = ResidentFactory(village=village_a, family=FamilyFactory(village=village_a), name="IBU LAIN", sex=2,
                            birth_date=dt.date(1995, 1, 1))  # fmt: skip
    health.pregnancy_register(
        actor=None, village=village_a, mother=other, lmp_date=timezone.localdate() - dt.timedelta(weeks=10)
    )
    page = resident_client_a.get("/anjungan/saya/kehamilan/").content.decode()
    assert "IBU LAIN" not in page
    assert "Tidak ada kehamilan" in page
