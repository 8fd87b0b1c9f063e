"""Issue 23, a dropped link: a request kept in the kiosk's outbox arrives once when the link
returns; a replayed item makes one request; a tampered or foreign item is refused."""

from __future__ import annotations

import json
import re

import pytest
from django.core import signing

from balai.desk.models import Complaint
from balai.devices.outbox import SALT, grant_make, grant_read, ticket_code
from balai.kiosk.models import CorrectionReport
from balai.kiosk.tests.conftest import device_client, enrol
from balai.letters.models import Letter

pytestmark = pytest.mark.django_db
URL = "/anjungan/kotak-keluar/"


def _grant_from(html: str) -> str:
    return re.search(r'name="outbox_grant" value="([^"]+)"', html).group(1)


def _token_from(html: str, name: str = "token") -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def _send(client, grant, fields):
    return client.post(URL, json.dumps({"grant": grant, "fields": fields}), content_type="application/json")


def test_letter_form_carries_a_grant_and_a_replayed_item_makes_one_letter(resident_client_a, resident_a):
    html = resident_client_a.get("/anjungan/saya/surat/minta/domisili/").content.decode()
    grant, token = _grant_from(html), _token_from(html)
    assert resident_a.nik not in grant
    assert grant_read(grant).resident == resident_a.public_id
    # the resident has left (session ended) before the link returns
    resident_client_a.post("/anjungan/keluar/")
    fields = {"token": token, "keperluan": "Melamar pekerjaan"}
    first = _send(resident_client_a, grant, fields)
    second = _send(resident_client_a, grant, fields)
    assert first.status_code == 200, first.content
    assert second.status_code == 200
    assert first.json()["code"] == ticket_code(token)
    letters = Letter.objects.filter(subject=resident_a, type_code="domisili")
    assert letters.count() == 1
    assert letters.get().fields["keperluan"] == "Melamar pekerjaan"


def test_tampered_grant_is_refused(resident_client_a):
    html = resident_client_a.get("/anjungan/saya/surat/minta/domisili/").content.decode()
    grant = _grant_from(html)
    data = signing.loads(grant, salt=SALT)
    forged = signing.dumps({**data, "x": "sktm"}, salt="another-salt", compress=True)
    assert _send(resident_client_a, forged, {"token": data["t"]}).status_code == 400
    assert _send(resident_client_a, grant[:-3] + "AAA", {"token": data["t"]}).status_code == 400
    assert _send(resident_client_a, "", {}).status_code == 400
    assert Letter.objects.count() == 0


def test_item_of_another_device_is_refused(resident_client_a, resident_a, operator_a, village_a):
    html = resident_client_a.get("/anjungan/saya/surat/minta/domisili/").content.decode()
    _device, credential = enrol(operator_a, village_a, label="Anjungan dua")
    other = device_client(credential)
    assert _send(other, _grant_from(html), {"token": _token_from(html), "keperluan": "x"}).status_code == 403


def test_grant_naming_another_villages_resident_is_404(kiosk_device_a, kiosk_client_a, resident_b):
    grant = grant_make(
        kind="letter", device=kiosk_device_a[0], resident=resident_b, key="a" * 32, target="domisili"
    )
    assert _send(kiosk_client_a, grant, {"keperluan": "x"}).status_code == 404
    assert Letter.objects.count() == 0


def test_complaint_and_correction_from_the_outbox(resident_client_a, resident_a):
    html = resident_client_a.get("/anjungan/layanan/pengaduan/").content.decode()
    grant, key = _grant_from(html), _token_from(html, "submit_key")
    fields = {
        "kind": "pengaduan",
        "subject": "Lampu jalan mati",
        "body": "Di RT 01 sejak seminggu.",
        "submit_key": key,
    }
    assert _send(resident_client_a, grant, fields).status_code == 200
    assert _send(resident_client_a, grant, fields).status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.resident == resident_a
    html = resident_client_a.get("/anjungan/saya/keluarga/lapor/").content.decode()
    grant = _grant_from(html)
    assert _send(resident_client_a, grant, {"text": "Tanggal lahir salah"}).status_code == 200
    assert CorrectionReport.objects.get().reporter == resident_a


def test_invalid_fields_are_refused_not_500(resident_client_a):
    html = resident_client_a.get("/anjungan/layanan/pengaduan/").content.decode()
    response = _send(resident_client_a, _grant_from(html), {"kind": "pengaduan", "subject": "", "body": ""})
    assert response.status_code == 422
    assert "wajib" in response.json()["error"]


def test_not_json_is_refused(kiosk_client_a):
    response = kiosk_client_a.post(URL, "bukan json", content_type="application/json")
    assert response.status_code == 400
