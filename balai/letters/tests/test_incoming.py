"""Incoming letters: recording with a scan, agenda numbers, disposition, registers."""

import datetime as dt
import io
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from balai.audit.models import AuditEvent
from balai.core.errors import ApplicationError
from balai.letters import selectors
from balai.letters.models import Disposition, IncomingLetter
from balai.letters.services import incoming as incoming_services
from balai.staff.models import Official

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def _data(**kw):
    today = timezone.localdate()
    return {
        "sender": "Camat Wonotunggal",
        "letter_number": "005/123/2026",
        "letter_date": (today - dt.timedelta(days=2)).isoformat(),
        "received_on": today.isoformat(),
        "subject": "Undangan rapat koordinasi",
        "summary": "Rapat di kecamatan",
    } | kw


@pytest.fixture
def kasi_a(village_a, operator_a):
    return Official.objects.create(
        village=village_a, user=operator_a, name="Bambang", position="Kasi Pemerintahan"
    )


def test_record_with_scan_numbers_and_audits(operator_a, village_a):
    # when
    first = incoming_services.incoming_create(
        actor=operator_a, village=village_a, data=_data(), scan=("surat.pdf", PDF)
    )
    second = incoming_services.incoming_create(
        actor=operator_a, village=village_a, data=_data(sender="Puskesmas")
    )
    # then
    assert (first.agenda_number, second.agenda_number) == (1, 2)
    assert first.scan_type == "application/pdf"
    assert selectors.incoming_scan(village=village_a, incoming=first) == PDF
    assert selectors.incoming_scan(village=village_a, incoming=second) is None
    event = AuditEvent.objects.get(action="incoming_letter.recorded", object_id=first.public_id)
    assert event.changes["agenda_number"] == 1


def test_outgoing_numbers_are_not_taken_by_incoming(
    operator_a, kades_a, kades_official_a, resident_a, village_a
):
    from balai.letters.tests.conftest import issue_domisili

    incoming_services.incoming_create(actor=operator_a, village=village_a, data=_data())
    letter = issue_domisili(operator_a, kades_a, resident_a)
    assert letter.sequence == 1


@pytest.mark.parametrize(
    ("kw", "scan", "field"),
    [
        ({"sender": ""}, None, "sender"),
        ({"letter_date": "kemarin"}, None, "letter_date"),
        ({"letter_date": "2999-01-01"}, None, "letter_date"),
        ({"subject": "x" * 301}, None, "subject"),
        ({}, ("virus.exe", b"MZ\x90\x00" * 10), "scan"),
        ({}, ("surat.pdf", b"<html>not a pdf</html>"), "scan"),
    ],
)
def test_bad_input_is_named_and_nothing_is_saved(operator_a, village_a, kw, scan, field):
    with pytest.raises(ValidationError) as e:
        incoming_services.incoming_create(actor=operator_a, village=village_a, data=_data(**kw), scan=scan)
    assert field in e.value.message_dict
    assert not IncomingLetter.objects.exists()


def test_scan_too_large_is_refused(operator_a, village_a, monkeypatch):
    monkeypatch.setattr(incoming_services, "SCAN_MAX_BYTES", 100)
    with pytest.raises(ValidationError) as e:
        incoming_services.incoming_create(
            actor=operator_a, village=village_a, data=_data(), scan=("s.png", PNG * 10)
        )
    assert "terlalu besar" in e.value.message_dict["scan"][0]


def test_other_village_and_role_cannot_record(operator_b, kader_a, village_a):
    for actor in (operator_b, kader_a):
        with pytest.raises(ApplicationError):
            incoming_services.incoming_create(actor=actor, village=village_a, data=_data())


def test_disposition_and_follow_up_change_status(operator_a, kades_a, village_a, kasi_a):
    # given
    incoming = incoming_services.incoming_create(actor=operator_a, village=village_a, data=_data())
    # when
    d = incoming_services.disposition_create(
        actor=kades_a,
        incoming=incoming,
        to_official=kasi_a,
        instruction="Hadiri dan laporkan",
        due_on=timezone.localdate() + dt.timedelta(days=3),
    )
    incoming.refresh_from_db()
    assert incoming.status == IncomingLetter.Status.DISPOSED
    with pytest.raises(ValidationError):
        incoming_services.disposition_update(actor=operator_a, disposition=d, status="done", follow_up="")
    incoming_services.disposition_update(
        actor=operator_a, disposition=d, status="done", follow_up="Sudah hadir"
    )
    # then
    incoming.refresh_from_db()
    d.refresh_from_db()
    assert incoming.status == IncomingLetter.Status.DONE
    assert d.done_at is not None
    actions = list(AuditEvent.objects.filter(object_id=incoming.public_id).values_list("action", flat=True))
    assert actions == ["incoming_letter.recorded", "incoming_letter.disposed", "incoming_letter.followed_up"]


def test_disposition_to_other_village_official_is_refused(operator_a, kades_a, village_a, village_b):
    incoming = incoming_services.incoming_create(actor=operator_a, village=village_a, data=_data())
    stranger = Official.objects.create(village=village_b, name="X", position="Kasi")
    with pytest.raises(ValidationError):
        incoming_services.disposition_create(
            actor=kades_a, incoming=incoming, to_official=stranger, instruction="x"
        )
    assert not Disposition.objects.exists()


def test_register_filters(operator_a, village_a):
    incoming_services.incoming_create(actor=operator_a, village=village_a, data=_data(sender="Camat"))
    incoming_services.incoming_create(
        actor=operator_a, village=village_a, data=_data(sender="Puskesmas Brokoh")
    )
    rows = selectors.incoming_register(village=village_a, year=timezone.localdate().year, query="puskes")
    assert [r.sender for r in rows] == ["Puskesmas Brokoh"]
    assert selectors.incoming_register(village=village_a, status="done").count() == 0


def test_browser_records_disposes_and_exports(client, operator_a, kades_a, village_a, kasi_a):
    # given
    client.force_login(operator_a)
    upload = SimpleUploadedFile("surat.pdf", PDF, content_type="application/pdf")
    # when
    got = client.post(reverse("letters:incoming_create"), _data() | {"scan": upload})
    incoming = IncomingLetter.objects.get()
    scan = client.get(reverse("letters:incoming_scan", args=[incoming.public_id]))
    client.force_login(kades_a)
    disposed = client.post(
        reverse("letters:incoming_dispose", args=[incoming.public_id]),
        {"to_official": kasi_a.public_id, "instruction": "Tindak lanjuti", "due_on": ""},
    )
    page = client.get(reverse("letters:incoming_list")).content.decode()
    xlsx = client.get(reverse("letters:incoming_xlsx"))
    pdf = client.get(reverse("letters:incoming_pdf"))
    # then
    assert got.status_code == 302
    assert scan.content == PDF
    assert scan["Content-Type"] == "application/pdf"
    assert disposed.status_code == 302
    assert "Camat Wonotunggal" in page
    rows = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0).to_python()
    assert rows[3][4] == "Camat Wonotunggal"
    assert "Bambang: Tindak lanjuti" in rows[3][6]
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "BUKU AGENDA SURAT MASUK" in text
    assert "Camat Wonotunggal" in text


def test_browser_form_errors_are_shown(client_a):
    got = client_a.post(reverse("letters:incoming_create"), _data(sender="", letter_date="x"))
    assert got.status_code == 400
    assert "Pengirim wajib diisi" in got.content.decode()


def test_outgoing_register_pdf_is_landscape_with_the_letters(client_a, issued_a):
    got = client_a.get(reverse("letters:register_pdf"))
    info = subprocess.run(
        ["pdfinfo", "-"], input=got.content, capture_output=True, check=True
    ).stdout.decode()
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=got.content, capture_output=True, check=True
    ).stdout.decode()
    assert "841.89 x 595.276" in info
    assert "BUKU AGENDA SURAT KELUAR" in text
    assert issued_a.number in text
    assert "SITI WAHYUNI" in text
    assert AuditEvent.objects.filter(action="letter.register_exported").exists()


def test_incoming_of_other_village_is_404(client, operator_b, operator_a, village_a):
    incoming = incoming_services.incoming_create(
        actor=operator_a, village=village_a, data=_data(), scan=("s.pdf", PDF)
    )
    client.force_login(operator_b)
    for name in ("incoming_detail", "incoming_scan"):
        assert client.get(reverse(f"letters:{name}", args=[incoming.public_id])).status_code == 404
