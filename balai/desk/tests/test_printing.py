from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.urls import reverse

from balai.desk import printing, services
from balai.desk.models import PrinterConfig, Ticket

if TYPE_CHECKING:
    from escpos.printer import Dummy


@pytest.fixture
def printer_a(village_a, device_a):
    device, _credential = device_a
    return PrinterConfig.objects.create(
        village=village_a, device_id=device.public_id, kind="network", host="127.0.0.1", port=9100
    )


@pytest.fixture
def dummy(monkeypatch):
    # Imported here, as balai.desk.printing does: python-escpos parses its printer database
    # (YAML, ~0.5 s) on import, which every test process would pay while collecting.
    from escpos.printer import Dummy

    printed: list[Dummy] = []

    def open_dummy(config):
        printer = Dummy()
        printed.append(printer)
        return printer

    monkeypatch.setattr(printing, "open_printer", open_dummy)
    return printed


def test_ticket_receipt_bytes(village_a, surat_a, printer_a):
    ticket, _ = services.ticket_take(village=village_a, category=surat_a)
    payload = printing.compose(printer_a, printing.ticket_blocks(printer_a, ticket, village_a.name, 3))
    assert b"A-001" in payload
    assert b"NOMOR ANTREAN ANDA" in payload
    assert b"Desa Brokoh" in payload
    assert payload.endswith(b"\x1dV\x00")  # paper cut


def test_kiosk_ticket_prints_on_the_devices_printer(kiosk_a, surat_a, printer_a, dummy):
    # when
    response = kiosk_a.post(
        reverse("desk_kiosk:ticket_take"), {"category": surat_a.public_id, "submit_key": "p1"}
    )
    page = kiosk_a.get(response["Location"])
    # then
    assert len(dummy) == 1
    assert b"A-001" in dummy[0].output
    assert "Struk sedang dicetak" in page.content.decode()


def test_a_printer_that_cannot_be_reached_leaves_the_ticket_valid(kiosk_a, village_a, surat_a, printer_a):
    # given: nothing listens on the configured port
    PrinterConfig.objects.filter(pk=printer_a.pk).update(port=1)
    # when
    response = kiosk_a.post(
        reverse("desk_kiosk:ticket_take"), {"category": surat_a.public_id, "submit_key": "p2"}
    )
    page = kiosk_a.get(response["Location"]).content.decode()
    # then
    assert "?cetak=gagal" in response["Location"]
    assert "Printer tidak dapat mencetak" in page
    assert "A-001" in page
    assert Ticket.objects.get().state == Ticket.State.WAITING


def test_a_missing_usb_printer_is_reported(village_a, printer_a):
    PrinterConfig.objects.filter(pk=printer_a.pk).update(kind="usb", device_path="/dev/usb/tidak-ada")
    printer_a.refresh_from_db()
    result = printing.send(printer_a, b"x")
    assert not result.ok
    assert "Printer" in result.message


def test_reprint_after_a_failure(kiosk_a, village_a, surat_a, printer_a, dummy):
    ticket, _ = services.ticket_take(village=village_a, category=surat_a)
    response = kiosk_a.post(reverse("desk_kiosk:ticket_print", args=[ticket.public_id]))
    assert response.status_code == 302
    assert "cetak=ok" in response["Location"]
    assert b"A-001" in dummy[0].output


def test_complaint_receipt_prints_the_tracking_number_only(kiosk_a, printer_a, dummy):
    kiosk_a.post(
        reverse("desk_kiosk:complaint_create"),
        {"subject": "Sampah", "body": "Menumpuk.", "name": "SITI WAHYUNI", "submit_key": "c1"},
    )
    out = dummy[0].output
    from balai.desk.models import Complaint

    c = Complaint.objects.get()
    assert c.tracking_display.encode() in out
    assert b"SITI" not in out
    assert b"Sampah" not in out


def test_no_printer_configured_prints_nothing_and_says_nothing(kiosk_a, surat_a, dummy):
    response = kiosk_a.post(
        reverse("desk_kiosk:ticket_take"), {"category": surat_a.public_id, "submit_key": "p3"}
    )
    assert "cetak=tidak" in response["Location"]
    assert dummy == []


def test_operator_configures_a_printer_for_a_device_of_the_village(client_a, device_a, device_b, village_a):
    device, _ = device_a
    other, _ = device_b
    form = {"kind": "network", "host": "192.168.1.50", "port": "9100", "paper_width": "80"}
    ok = client_a.post(reverse("desk:printer_list"), form | {"device_id": device.public_id})
    foreign = client_a.post(reverse("desk:printer_list"), form | {"device_id": other.public_id})
    assert ok.status_code == 302
    assert foreign.status_code == 404
    config = PrinterConfig.objects.get()
    assert (config.device_id, config.paper_width, config.columns) == (device.public_id, 80, 48)


def test_printer_test_page_uses_the_dummy(client_a, printer_a, dummy):
    response = client_a.post(reverse("desk:printer_test", args=[printer_a.public_id]))
    assert response.status_code == 302
    assert b"A-000" in dummy[0].output
