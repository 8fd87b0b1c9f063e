"""Isolation entries for the front desk (see "Modules' own checks" in tests/test_isolation.py).

Kiosk-facing pages refuse an operator's browser (no device credential): 403. How kiosk devices
of one village are kept from another's tickets, complaints and cards is tested in this app's
own tests (`test_queue.py`, `test_complaints.py`, `test_attendance_kiosk.py`). The calling
display also opens for the village's operator, so it is checked here as a listing.
"""

from __future__ import annotations

from typing import Any

from balai.desk import services
from balai.desk.models import (
    Complaint,
    Counter,
    GuestEntry,
    PrinterConfig,
    QueueCall,
    SatisfactionResponse,
    ServiceCategory,
    Ticket,
)
from balai.devices import services as device_services
from tests.isolation_checks import Listing, Obj

DEVICE_ONLY = Listing(refused=(403,))

UI_CHECKS = {
    "desk:home": Listing(),
    "desk:category_list": Listing(),
    "desk:category_edit": Obj({"public_id": "desk_category"}),
    "desk:counter_list": Listing(),
    "desk:counter_edit": Obj({"public_id": "desk_counter"}),
    "desk:counter_desk": Obj({"public_id": "desk_counter"}),
    "desk:complaint_list": Listing(),
    "desk:complaint_create": Listing(),
    "desk:complaint_detail": Obj({"public_id": "complaint"}),
    "desk:guest_list": Listing(),
    "desk:ikm_report": Listing(),
    "desk:printer_list": Listing(),
    "desk:printer_test": Obj({"public_id": "desk_printer"}),
    # At the kiosk.
    "desk_kiosk:home": DEVICE_ONLY,
    "desk_kiosk:ticket_take": DEVICE_ONLY,
    "desk_kiosk:ticket_show": Obj({"public_id": "desk_ticket"}, refused=(403,)),
    "desk_kiosk:ticket_print": Obj({"public_id": "desk_ticket"}, refused=(403,)),
    "desk_kiosk:complaint_create": DEVICE_ONLY,
    "desk_kiosk:complaint_status": DEVICE_ONLY,
    "desk_kiosk:guestbook": DEVICE_ONLY,
    "desk_kiosk:ikm": DEVICE_ONLY,
    "desk_kiosk:attendance": DEVICE_ONLY,
    # The TV display: an enrolled device, or the village's own operator.
    "desk_kiosk:display": Listing(),
    "desk_kiosk:display_feed": Listing(),
}

API = "/api/v1/desk"
API_CHECKS = {
    ("GET", f"{API}/queue"): Listing(),
    ("GET", f"{API}/complaints"): Listing(),
    ("GET", f"{API}/complaints/{{public_id}}"): Obj({"public_id": "complaint"}),
    ("GET", f"{API}/ikm"): Listing(),
    ("GET", f"{API}/on-duty"): Listing(),
}

MISSING = {
    "desk_category": "tidakada23456789",
    "desk_counter": "tidakada23456789",
    "desk_ticket": "tidakada23456789",
    "desk_printer": "tidakada23456789",
    "complaint": "tidakada23456789",
}


def populate(*, village, operator, family, resident, tag: str) -> dict[str, Any]:
    category = services.category_save(
        actor=operator, village=village, data={"name": f"LAYANAN {tag}", "code": "Q"}
    )
    counter = services.counter_save(
        actor=operator, village=village, data={"name": f"LOKET {tag[:8]}", "categories": [category]}
    )
    ticket, _ = services.ticket_take(village=village, category=category)
    services.ticket_take(village=village, category=category)
    services.ticket_call_next(actor=operator, village=village, counter=counter)
    complaint, _ = services.complaint_submit(
        actor=operator,
        village=village,
        data={"subject": f"ADUAN {tag}", "body": f"ISI ADUAN {tag}", "name": f"PELAPOR {tag}"},
        resident=resident,
    )
    services.guest_sign(
        actor=None,
        village=village,
        data={"name": f"TAMU {tag}", "origin": f"ASAL {tag}", "purpose": f"KEPERLUAN {tag}"},
    )
    services.ikm_submit(village=village, answers={f"u{n}": 3 for n in range(1, 10)}, service=f"LAYANAN {tag}")
    device, _code = device_services.device_create(
        actor=operator, village=village, label=f"KIOS LAYANAN {tag}"
    )
    printer = services.printer_save(
        actor=operator,
        village=village,
        device_id=device.public_id,
        data={"host": f"printer-{tag.lower()}.lan"},
    )
    return {
        "desk_category": category.public_id,
        "desk_counter": counter.public_id,
        "desk_ticket": ticket.public_id,
        "desk_printer": printer.public_id,
        "complaint": complaint.public_id,
        "desk_device": device.public_id,
    }


def markers(village) -> list[str]:
    found: list[str] = []
    for model in (
        ServiceCategory,
        Counter,
        Ticket,
        Complaint,
        GuestEntry,
        SatisfactionResponse,
        PrinterConfig,
    ):
        found += list(model.objects.filter(village=village).values_list("public_id", flat=True))
    found += list(ServiceCategory.objects.filter(village=village).values_list("name", flat=True))
    found += list(Counter.objects.filter(village=village).values_list("name", flat=True))
    for c in Complaint.objects.filter(village=village):
        found += [c.tracking_number, c.tracking_display, c.subject, c.name]
    for row in GuestEntry.objects.filter(village=village).values_list("name", "origin", "purpose"):
        found += list(row)
    found += list(PrinterConfig.objects.filter(village=village).values_list("host", flat=True))
    return found


def fingerprint(village) -> dict[str, Any]:
    return {
        "categories": list(ServiceCategory.objects.filter(village=village).order_by("pk").values_list()),
        "counters": list(Counter.objects.filter(village=village).order_by("pk").values_list()),
        "tickets": list(
            Ticket.objects.filter(village=village)
            .order_by("pk")
            .values_list("pk", "state", "counter_id", "calls")
        ),
        "calls": QueueCall.objects.filter(village=village).count(),
        "complaints": list(
            Complaint.objects.filter(village=village).order_by("pk").values_list("pk", "state", "response")
        ),
        "guests": GuestEntry.objects.filter(village=village).count(),
        "ikm": SatisfactionResponse.objects.filter(village=village).count(),
        "printers": list(PrinterConfig.objects.filter(village=village).order_by("pk").values_list()),
    }


def form_refs(other) -> dict[str, Any]:
    """Form fields of desk pages naming objects (a counter's categories, a printer's device)."""
    return {
        "categories": [other.id_of("desk_category")],
        "device_id": other.id_of("desk_device"),
    }
