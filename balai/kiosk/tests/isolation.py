"""Isolation entries for the kiosk app (see "Modules' own checks" in tests/test_isolation.py).

Pages for kiosk devices and residents refuse an operator's browser (no device credential):
403. How devices and residents of one village are kept from another's data is tested in
`balai/kiosk/tests/test_isolation_kiosk.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from balai.devices import services as device_services
from balai.devices.models import KioskDevice, ResidentCredential
from balai.kiosk import services
from balai.kiosk.models import Announcement, CorrectionReport
from tests.isolation_checks import FormRefs, Listing, Obj, Public

KIOSK_DEVICE_ONLY = Listing(refused=(403,))

UI_CHECKS = {
    # At the kiosk: an operator session has no device credential, so every page refuses.
    "kiosk:home": KIOSK_DEVICE_ONLY,
    "kiosk:enrol": Public("enrolment code form; shows no data"),
    "kiosk:sign_in": KIOSK_DEVICE_ONLY,
    "kiosk:sign_out": Listing(refused=(403, 405)),
    "kiosk:pin_change": KIOSK_DEVICE_ONLY,
    "kiosk:menu": KIOSK_DEVICE_ONLY,
    "kiosk:who_read": KIOSK_DEVICE_ONLY,
    "kiosk:family": KIOSK_DEVICE_ONLY,
    "kiosk:correction": KIOSK_DEVICE_ONLY,
    "kiosk:letters": KIOSK_DEVICE_ONLY,
    "kiosk:letter_request": Obj({}, variants=({"type_code": "domisili"},), refused=(403,)),
    "kiosk:letter_result": Obj({"public_id": "letter"}, refused=(403,)),
    "kiosk:letter_pdf": Obj({"public_id": "letter"}, refused=(403,)),
    "kiosk:letter_print_failed": Obj({"public_id": "letter"}, refused=(403,)),
    "kiosk:aid": KIOSK_DEVICE_ONLY,
    "kiosk:growth": KIOSK_DEVICE_ONLY,
    "kiosk:growth_child": Obj({"public_id": "resident"}, refused=(403,)),
    "kiosk:track": KIOSK_DEVICE_ONLY,
    "kiosk:school": KIOSK_DEVICE_ONLY,
    "kiosk:pregnancy": KIOSK_DEVICE_ONLY,
    "kiosk:outbox_receive": Listing(refused=(403, 405)),
    "kiosk:help_call": Listing(refused=(403, 405)),
    # Operator pages (kiosk.manage).
    "kiosk:manage": Listing(),
    "kiosk:settings": Listing(refused=(405,)),
    "kiosk:device_detail": Obj({"public_id": "kiosk_device"}),
    "kiosk:device_action": Obj(
        {"public_id": "kiosk_device"},
        variants=tuple({"action": a} for a in ("kode", "nonaktifkan", "aktifkan", "buka-blokir")),
    ),
    "kiosk:resident_find": FormRefs(),
    "kiosk:resident_access": Obj({"public_id": "resident"}),
    "kiosk:announcements": Listing(),
    "kiosk:announcement_edit": Obj({"public_id": "kiosk_announcement"}),
    "kiosk:corrections": Listing(),
    "kiosk:correction_handle": Obj({"public_id": "kiosk_correction"}),
    "kiosk:print_failures": Listing(),
    "kiosk:help_calls": Listing(),
}

MISSING = {
    "kiosk_device": "tidakada23456789",
    "kiosk_announcement": "tidakada23456789",
    "kiosk_correction": "tidakada23456789",
}

MISSING_FORM_IDS = {"kiosk_nik": "3325014101990001"}


def form_refs(other) -> dict[str, Any]:
    return {"kiosk_nik": other.nik}


def populate(*, village, operator, family, resident, tag: str) -> dict[str, Any]:
    device, _code = device_services.device_create(actor=operator, village=village, label=f"ANJUNGAN {tag}")
    device_services.pin_issue(actor=operator, resident=resident)
    device_services.card_register(actor=operator, resident=resident, uid=f"04A1{tag[:6]}")
    announcement = services.announcement_save(
        actor=operator,
        village=village,
        data={
            "title": f"KERJA BAKTI {tag}",
            "body": "Minggu pagi",
            "published_on": dt.date(2026, 1, 1),
            "expires_on": None,
            "is_active": True,
        },
    )
    report = services.correction_report(
        resident=resident,
        device=device,
        family=family,
        subject=None,
        text=f"NAMA IBU SALAH {tag}",
        submit_token=f"tok{tag.lower()}",
    )
    # Only kinds named in MISSING: the API checks swap every one of them for a missing id.
    return {
        "kiosk_device": device.public_id,
        "kiosk_announcement": announcement.public_id,
        "kiosk_correction": report.public_id,
    }


def markers(village) -> list[str]:
    found: list[str] = []
    for row in KioskDevice.objects.filter(village=village).values_list("public_id", "label"):
        found += list(row)
    for row in Announcement.objects.filter(village=village).values_list("public_id", "title"):
        found += list(row)
    for row in CorrectionReport.objects.filter(village=village).values_list("public_id", "text"):
        found += list(row)
    return found


def fingerprint(village) -> dict[str, Any]:
    return {
        "devices": list(KioskDevice.objects.filter(village=village).order_by("pk").values_list()),
        "credentials": list(ResidentCredential.objects.filter(village=village).order_by("pk").values_list()),
        "announcements": list(Announcement.objects.filter(village=village).order_by("pk").values_list()),
        "corrections": list(CorrectionReport.objects.filter(village=village).order_by("pk").values_list()),
    }
