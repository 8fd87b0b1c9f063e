"""Isolation entries for staff attendance (see "Modules' own checks" in tests/test_isolation.py).

The officials' own pages are checked in tests/test_isolation.py itself; these are the
attendance recap, working hours and each official's kiosk card + PIN.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from balai.staff import attendance
from balai.staff.models import Attendance, AttendanceSettings, Official, OfficialCredential
from balai.staff.services import official_create
from tests.isolation_checks import Listing, Obj

UI_CHECKS = {
    "staff:attendance_recap": Listing(),
    "staff:attendance_recap_xlsx": Listing(),
    "staff:attendance_settings": Listing(),
    "staff:official_credential": Obj({"public_id": "official"}),
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
    return {"attendance_official": official.public_id}


def fingerprint(village) -> dict[str, Any]:
    return {
        "attendance": list(Attendance.objects.filter(village=village).order_by("pk").values_list()),
        "credentials": list(OfficialCredential.objects.filter(village=village).order_by("pk").values_list()),
        "hours": list(AttendanceSettings.objects.filter(village=village).values_list()),
        "officials_attending": list(
            Official.objects.filter(village=village, attendance__isnull=False).values_list("pk", flat=True)
        ),
    }
