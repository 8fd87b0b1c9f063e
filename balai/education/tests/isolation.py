"""Isolation entries of the education module (see "Modules' own checks" in tests/test_isolation.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from balai.education import rules, services
from balai.education.models import AbsenceReport, Enrolment, FollowUp, Scholarship, School
from balai.people.models import Resident
from balai.people.tests.factories import ResidentFactory
from tests.isolation_checks import API, Listing, Obj

_CHILD = {"public_id": "edu_child"}

UI_CHECKS: dict[str, Any] = {
    "education:home": Listing(),
    "education:children": Listing(),
    "education:follow_up": Listing(),
    "education:follow_up_xlsx": Listing(),
    "education:paud": Listing(),
    "education:child": Obj(_CHILD),
    "education:child_enrol": Obj(_CHILD),
    "education:child_absence": Obj(_CHILD),
    "education:child_pip": Obj(_CHILD),
    "education:child_followup": Obj(_CHILD),
    "education:enrolment_status": Obj({"public_id": "enrolment"}),
    "education:schools": Listing(),
    "education:school_edit": Obj({"public_id": "school"}),
    "education:regional": Listing(),
    "education:regional_xlsx": Listing(),
    "education:regional_pdf": Listing(),
}
API_CHECKS: dict[tuple[str, str], Any] = {
    ("GET", f"{API}/education/children"): Listing(),
    ("GET", f"{API}/education/follow-up"): Listing(),
    ("GET", f"{API}/education/summary"): Listing(),
    ("GET", f"{API}/education/villages"): Listing(),
}


MISSING = {"edu_child": "tidakada23456789", "school": "tidakada23456789", "enrolment": "tidakada23456789"}
MISSING_FORM_IDS = {"school": "tidakada23456789"}


def populate(*, village: Any, operator: Any, family: Any, resident: Any, tag: str) -> dict[str, Any]:
    today = timezone.localdate()
    school_year = rules.school_year_of(today)
    child = ResidentFactory(
        village=village,
        family=family,
        rt=family.rt,
        name=f"ANAK SEKOLAH {tag}",
        birth_date=today - dt.timedelta(days=365 * 12),
        family_relation=4,
        marital_status=1,
        education_kk=2,
        education_current=4,
    )
    school = services.school_create(
        actor=operator,
        village=village,
        data={"name": f"SD NEGERI {tag}", "npsn": "20300001", "level": "sd", "status": "negeri"},
    )
    services.enrolment_record(
        actor=operator,
        village=village,
        resident=child,
        school=school,
        school_year=school_year - 1,
        grade=5,
        enrolled_year=school_year - 5,
        today=today,
    )
    enrolment = services.enrolment_record(
        actor=operator,
        village=village,
        resident=child,
        school=school,
        school_year=school_year,
        grade=5,  # not progressing: on the follow-up list
        enrolled_year=school_year - 5,
        today=today,
    )
    services.absence_report(
        actor=operator,
        village=village,
        resident=child,
        reported_on=today,
        reporter=f"WALI KELAS {tag}",
        days_absent=12,
    )
    services.scholarship_set(
        actor=operator, village=village, resident=child, year=today.year, status="penerima"
    )
    services.followup_add(
        actor=operator,
        village=village,
        resident=child,
        noted_on=today,
        outcome="dihubungi",
        note=f"CATATAN {tag}",
    )
    return {"edu_child": child.public_id, "school": school.public_id, "enrolment": enrolment.public_id}


def markers(village: Any) -> list[str]:
    found: list[str] = []
    for row in School.objects.filter(village=village).values_list("public_id", "name"):
        found += list(row)
    found += list(Enrolment.objects.filter(village=village).values_list("public_id", flat=True))
    found += list(AbsenceReport.objects.filter(village=village).values_list("reporter", flat=True))
    found += list(FollowUp.objects.filter(village=village).values_list("note", flat=True))
    return [m for m in found if m]


def fingerprint(village: Any) -> dict[str, Any]:
    return {
        "schools": list(School.objects.filter(village=village).order_by("pk").values_list()),
        "enrolments": list(Enrolment.objects.filter(village=village).order_by("pk").values_list()),
        "absences": AbsenceReport.objects.filter(village=village).count(),
        "pip": list(Scholarship.objects.filter(village=village).order_by("pk").values_list()),
        "followups": FollowUp.objects.filter(village=village).count(),
        "children": list(
            Resident.objects.filter(village=village, family_relation=4).values_list("pk", "education_current")
        ),
    }


def form_refs(other: Any) -> dict[str, Any]:
    return {"school": other.id_of("school")}
