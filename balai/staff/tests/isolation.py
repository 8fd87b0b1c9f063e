"""Isolation entries for staff attendance (see "Modules' own checks" in tests/test_isolation.py).

The officials' own pages are checked in tests/test_isolation.py itself; these are the
attendance recap, working hours and each official's kiosk card + PIN.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from balai.staff import attendance, bpd, careers, leave
from balai.staff.models import (
    AbsenceReport,
    Attendance,
    AttendanceSettings,
    BpdMember,
    Decree,
    Leave,
    Official,
    OfficialCredential,
    OfficialProfile,
    Position,
)
from balai.staff.services import official_create
from tests.isolation_checks import API, Listing, Obj

PDF = b"%PDF-1.4 isolation"
_OFFICIAL = {"public_id": "official"}

UI_CHECKS = {
    "staff:attendance_recap": Listing(),
    "staff:attendance_recap_xlsx": Listing(),
    "staff:attendance_settings": Listing(),
    "staff:official_credential": Obj({"public_id": "official"}),
    # Careers, books, leave, BPD.
    "staff:attendance_correction": Listing(),
    "staff:attendance_calendar": Listing(),
    "staff:org_chart": Listing(),
    "staff:positions": Listing(),
    "staff:buku_aparat": Listing(),
    "staff:buku_aparat_xlsx": Listing(),
    "staff:buku_keputusan": Listing(),
    "staff:buku_keputusan_xlsx": Listing(),
    "staff:decree_scan": Obj({"public_id": "decree"}),
    "staff:official_career": Obj(_OFFICIAL),
    "staff:official_profile": Obj(_OFFICIAL),
    "staff:leave_list": Listing(),
    "staff:leave_decide": Obj({"public_id": "leave"}, refused=(403,)),
    "staff:leave_cancel": Obj({"public_id": "leave"}),
    "staff:leave_sppd": Obj({"public_id": "leave"}),
    "staff:leave_sppd_pdf": Obj({"public_id": "leave"}),
    "staff:org_chart_pdf": Listing(),
    "staff:buku_aparat_pdf": Listing(),
    "staff:buku_keputusan_pdf": Listing(),
    "staff:bpd_list": Listing(),
    "staff:bpd_edit": Obj({"public_id": "bpd_member"}),
    # The district's and regency's pages: an operator is refused whatever the object.
    "staff:head_leave_list": Listing(refused=(403,)),
    "staff:head_leave_decide": Obj({"public_id": "leave"}, refused=(403,)),
    "staff:regional": Listing(refused=(403,)),
    "staff:regional_xlsx": Listing(refused=(403,)),
    # Residents' reports of an absent official: the kepala desa's (an operator is refused); the
    # kiosk screen refuses a browser without a device (test_absence.py: another village's
    # official is refused as unknown).
    "staff:absence_list": Listing(refused=(403,)),
    "staff:absence_decide": Obj({"public_id": "absence_report"}, refused=(403, 405)),
    # Reports about a kepala desa: the camat of the district's (test_absence.py: another camat 404).
    "staff:head_absence_list": Listing(refused=(403,)),
    "staff:head_absence_decide": Obj({"public_id": "absence_report"}, refused=(403, 405)),
    "staff_kiosk:absence_report": Listing(refused=(403,)),
    "staff:regional_pdf": Listing(refused=(403,)),
    # Service performance per official (lives in the dashboard: it reads letters and desk).
    "dashboard:staff_performance": Listing(),
    "dashboard:staff_performance_xlsx": Listing(),
    "dashboard:staff_performance_pdf": Listing(),
}
API_CHECKS: dict[tuple[str, str], Any] = {
    ("GET", f"{API}/staff/officials"): Listing(),
    ("GET", f"{API}/staff/officials/{{public_id}}"): Obj(_OFFICIAL),
    ("GET", f"{API}/staff/positions"): Listing(),
    ("GET", f"{API}/staff/attendance"): Listing(),
    ("GET", f"{API}/staff/villages"): Listing(),
    # Read by the office (attendance.recap), decided on the page by the kepala desa; no reporter.
    ("GET", f"{API}/staff/absence-reports"): Listing(),
}
MISSING = {
    "absence_report": "tidakada23456789",
    "decree": "tidakada23456789",
    "leave": "tidakada23456789",
    "bpd_member": "tidakada23456789",
}


def populate(*, village, operator, family, resident, tag: str) -> dict[str, Any]:
    official = official_create(
        actor=operator, village=village, data={"name": f"KAUR HADIR {tag}", "position": "Kaur Umum"}
    )
    attendance.credential_set_card(actor=operator, official=official, card_uid=f"CARD{tag[:8]}")
    attendance.credential_issue_pin(actor=operator, official=official)
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time(7, 30)))
    Attendance.objects.create(
        village=village, official=official, day=today, check_in_at=start, check_in_method="card_pin"
    )
    careers.positions_seed_standard(actor=operator, village=village)
    post = Position.objects.get(village=village, title="Kasi Pelayanan")
    decree = careers.decree_record(
        actor=operator,
        village=village,
        official=official,
        data={
            "kind": "angkat",
            "number": f"141/{tag[:10]}/2025",
            "date": "2025-01-06",
            "signer": "Kepala Desa",
            "position": post.public_id,
        },
        scan=PDF,
    )
    # Travel, approved on the spot (the SPPD page shows it), and a request still open.
    trip = leave.leave_request(
        actor=operator,
        village=village,
        official=official,
        data={
            "kind": "dinas",
            "start": "2030-01-07",
            "end": "2030-01-08",
            "reason": f"RAKOR {tag}",
            "destination": "Batang",
        },
    )
    Leave.objects.filter(pk=trip.pk).update(status=Leave.Status.APPROVED, number=f"094/{tag[:6]}/SPPD")
    open_request = leave.leave_request(
        actor=operator,
        village=village,
        official=official,
        data={"kind": "izin", "start": "2030-02-04", "reason": f"IZIN {tag}"},
    )
    member = bpd.bpd_member_create(
        actor=operator, village=village, data={"name": f"ANGGOTA BPD {tag}", "term_start": "2022-01-01"}
    )
    report = AbsenceReport.objects.create(
        village=village,
        official=official,
        resident=resident,
        seen_at=timezone.now(),
        note=f"LAPORAN WARGA {tag}",
        submit_key=f"iso-{tag}"[:64],
    )
    return {
        "absence_report": report.public_id,
        "attendance_official": official.public_id,
        "decree": decree.public_id,
        "leave": open_request.public_id,
        "bpd_member": member.public_id,
    }


def markers(village) -> list[str]:
    found: list[str] = []
    for row in Decree.objects.filter(village=village).values_list("public_id", "number"):
        found += list(row)
    for row in Leave.objects.filter(village=village).values_list("public_id", "reason"):
        found += list(row)
    for row in BpdMember.objects.filter(village=village).values_list("public_id", "name"):
        found += list(row)
    for row in AbsenceReport.objects.filter(village=village).values_list("public_id", "note"):
        found += list(row)
    return found


def fingerprint(village) -> dict[str, Any]:
    return {
        "attendance": list(Attendance.objects.filter(village=village).order_by("pk").values_list()),
        "credentials": list(OfficialCredential.objects.filter(village=village).order_by("pk").values_list()),
        "decrees": list(Decree.objects.filter(village=village).order_by("pk").values_list()),
        "leave": list(Leave.objects.filter(village=village).order_by("pk").values_list()),
        "bpd": list(BpdMember.objects.filter(village=village).order_by("pk").values_list()),
        "absence_reports": list(AbsenceReport.objects.filter(village=village).order_by("pk").values_list()),
        "posts": list(Position.objects.filter(village=village).order_by("pk").values_list()),
        "profiles": list(OfficialProfile.objects.filter(village=village).order_by("pk").values_list()),
        "hours": list(AttendanceSettings.objects.filter(village=village).values_list()),
        "officials_attending": list(
            Official.objects.filter(village=village, attendance__isnull=False).values_list("pk", flat=True)
        ),
    }
