"""A signed-in resident's services at the kiosk: family card, correction report, letters,
aid status, children's growth, tracking. Other families' ids answer 404."""

from __future__ import annotations

import re

import pytest

from balai.audit.models import AuditEvent
from balai.core.masking import mask_number
from balai.kiosk.models import CorrectionReport, KioskLetterRequest
from balai.kiosk.tests.conftest import office_issues
from balai.letters.models import Letter
from balai.people.tests.factories import FamilyFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def _token(response) -> str:
    return re.search(r'name="token" value="([0-9a-f]+)"', response.content.decode()).group(1)


# --- Family ------------------------------------------------------------------------------------


def test_family_page_masks_nik_and_kk(resident_client_a, resident_a, family_a):
    body = resident_client_a.get("/anjungan/saya/keluarga/").content.decode()
    assert resident_a.name in body
    assert mask_number(resident_a.nik) in body
    assert resident_a.nik not in body
    assert mask_number(family_a.kk_number) in body
    assert family_a.kk_number not in body
    assert AuditEvent.objects.filter(action="kiosk.family_view", object_id=family_a.public_id).exists()


def test_family_page_shows_only_own_family(resident_client_a, village_a):
    neighbour = ResidentFactory(
        village=village_a, family=FamilyFactory(village=village_a), name="TETANGGA SEBELAH"
    )
    assert neighbour.name not in resident_client_a.get("/anjungan/saya/keluarga/").content.decode()


def test_correction_report_goes_to_operator_queue_once(resident_client_a, resident_a, family_a, client_a):
    form = resident_client_a.get("/anjungan/saya/keluarga/lapor/")
    token = _token(form)
    data = {"token": token, "subject": resident_a.public_id, "text": "Tanggal lahir salah, seharusnya 1990"}
    # a double tap posts the same form twice
    first = resident_client_a.post("/anjungan/saya/keluarga/lapor/", data)
    second = resident_client_a.post("/anjungan/saya/keluarga/lapor/", data)
    assert first.status_code == second.status_code == 302
    report = CorrectionReport.objects.get()
    assert report.family == family_a
    assert report.subject == resident_a
    assert report.state == "open"
    assert AuditEvent.objects.filter(action="kiosk.correction_report").count() == 1
    # the operator sees it (audited) and handles it
    page = client_a.get("/anjungan/kelola/perbaikan/").content.decode()
    assert "Tanggal lahir salah" in page
    assert AuditEvent.objects.filter(action="kiosk.correction_list_view").exists()
    client_a.post(f"/anjungan/kelola/perbaikan/{report.public_id}/", {"state": "done", "note": "sudah"})
    report.refresh_from_db()
    assert report.state == "done"
    assert report.handled_by is not None


def test_correction_about_someone_outside_the_family_is_404(resident_client_a, resident_b, village_a):
    stranger = ResidentFactory(village=village_a, family=FamilyFactory(village=village_a))
    for other in (stranger, resident_b):
        data = {"token": "a" * 32, "subject": other.public_id, "text": "x"}
        assert resident_client_a.post("/anjungan/saya/keluarga/lapor/", data).status_code == 404
    assert not CorrectionReport.objects.exists()


def test_empty_correction_is_refused_in_indonesian(resident_client_a):
    response = resident_client_a.post("/anjungan/saya/keluarga/lapor/", {"token": "b" * 32, "text": "  "})
    assert response.status_code == 400
    assert "Tuliskan" in response.content.decode()


# --- Letters ------------------------------------------------------------------------------------


def test_letters_page_lists_allowed_types(resident_client_a):
    body = resident_client_a.get("/anjungan/saya/surat/").content.decode()
    assert "Keterangan Domisili" in body
    assert "Langsung jadi" in body


def test_self_service_letter_is_issued_at_once_with_pdf(resident_client_a, resident_a, head_official_a):
    form = resident_client_a.get("/anjungan/saya/surat/minta/penduduk/")
    data = {"token": _token(form), "keperluan": "Melamar pekerjaan"}
    response = resident_client_a.post("/anjungan/saya/surat/minta/penduduk/", data)
    letter = Letter.objects.get(subject=resident_a)
    assert response["Location"] == f"/anjungan/saya/surat/{letter.public_id}/"
    assert letter.state == "issued"
    assert letter.number
    page = resident_client_a.get(response["Location"]).content.decode()
    assert "sudah terbit" in page
    assert f"/anjungan/saya/surat/{letter.public_id}/pdf/" in page
    pdf = resident_client_a.get(f"/anjungan/saya/surat/{letter.public_id}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content[:4] == b"%PDF"
    assert "no-store" in pdf["Cache-Control"]


def test_double_tap_gives_one_letter(resident_client_a, resident_a, head_official_a):
    form = resident_client_a.get("/anjungan/saya/surat/minta/penduduk/")
    data = {"token": _token(form), "keperluan": "Melamar pekerjaan"}
    first = resident_client_a.post("/anjungan/saya/surat/minta/penduduk/", data)
    second = resident_client_a.post("/anjungan/saya/surat/minta/penduduk/", data)
    assert first["Location"] == second["Location"]
    assert Letter.objects.filter(subject=resident_a).count() == 1
    assert KioskLetterRequest.objects.count() == 1


def test_resend_after_lost_connection_loses_nothing(resident_client_a, resident_a, head_official_a):
    # The first POST reached the server but its answer was lost; the form (same token) is sent again.
    form = resident_client_a.get("/anjungan/saya/surat/minta/penduduk/")
    data = {"token": _token(form), "keperluan": "Melamar pekerjaan"}
    resident_client_a.post("/anjungan/saya/surat/minta/penduduk/", data)
    again = resident_client_a.post("/anjungan/saya/surat/minta/penduduk/", data)
    assert again.status_code == 302
    assert Letter.objects.filter(subject=resident_a).count() == 1


def test_missing_field_keeps_the_input_and_explains(resident_client_a, head_official_a):
    form = resident_client_a.get("/anjungan/saya/surat/minta/bepergian/")
    data = {"token": _token(form), "tujuan": "Semarang", "keperluan": ""}
    response = resident_client_a.post("/anjungan/saya/surat/minta/bepergian/", data)
    assert response.status_code == 400
    assert 'value="Semarang"' in response.content.decode()
    assert not Letter.objects.exists()


def test_queued_letter_gives_tracking_ticket_without_personal_data(resident_client_a, resident_a):
    form = resident_client_a.get("/anjungan/saya/surat/minta/domisili/")
    data = {"token": _token(form), "keperluan": "Pendaftaran sekolah anak"}
    response = resident_client_a.post("/anjungan/saya/surat/minta/domisili/", data)
    letter = Letter.objects.get(subject=resident_a)
    assert letter.state == "submitted"
    assert letter.channel == "kiosk"
    page = resident_client_a.get(response["Location"]).content.decode()
    ticket = page[page.index('id="k-ticket"') : page.index("</div>", page.index('id="k-ticket"'))]
    assert letter.tracking_code_display in ticket
    assert f"/v/lacak/{letter.tracking_code}" in ticket
    for personal in (resident_a.name, resident_a.nik, resident_a.public_id):
        assert personal not in ticket


def test_queued_letter_can_be_received_at_the_kiosk_once_issued(
    resident_client_a, resident_a, operator_a, kades_a, head_official_a
):
    form = resident_client_a.get("/anjungan/saya/surat/minta/domisili/")
    resident_client_a.post(
        "/anjungan/saya/surat/minta/domisili/", {"token": _token(form), "keperluan": "Sekolah"}
    )
    letter = Letter.objects.get(subject=resident_a)
    assert resident_client_a.get(f"/anjungan/saya/surat/{letter.public_id}/pdf/").status_code == 404
    office_issues(letter, operator=operator_a, kades=kades_a)
    pdf = resident_client_a.get(f"/anjungan/saya/surat/{letter.public_id}/pdf/")
    assert pdf.status_code == 200
    assert pdf.content[:4] == b"%PDF"


def test_tracking_code_lookup_at_the_kiosk(kiosk_client_a, resident_client_a, resident_a):
    form = resident_client_a.get("/anjungan/saya/surat/minta/domisili/")
    resident_client_a.post(
        "/anjungan/saya/surat/minta/domisili/", {"token": _token(form), "keperluan": "Sekolah"}
    )
    letter = Letter.objects.get(subject=resident_a)
    resident_client_a.post("/anjungan/keluar/")
    found = resident_client_a.post("/anjungan/status/", {"code": letter.tracking_code_display})
    body = found.content.decode()
    assert found.status_code == 200
    assert "Menunggu pemeriksaan" in body
    assert resident_a.name not in body
    assert resident_client_a.post("/anjungan/status/", {"code": "XXXXX-XXXXX"}).status_code == 404


def test_other_familys_letter_is_404(resident_client_a, village_a, operator_a):
    from balai.letters.services.workflow import letter_request_create

    stranger = ResidentFactory(village=village_a, family=FamilyFactory(village=village_a))
    letter = letter_request_create(
        actor=operator_a, village=village_a, type_code="penduduk", subject=stranger, fields={"keperluan": "x"}
    )
    for url in ("", "pdf/"):
        assert resident_client_a.get(f"/anjungan/saya/surat/{letter.public_id}/{url}").status_code == 404
    assert resident_client_a.post(f"/anjungan/saya/surat/{letter.public_id}/cetak-gagal/").status_code == 404


def test_unknown_letter_type_is_404(resident_client_a):
    assert resident_client_a.get("/anjungan/saya/surat/minta/tidakada/").status_code == 404


def test_printer_failure_keeps_letter_for_the_operator(
    resident_client_a, resident_a, head_official_a, client_a
):
    form = resident_client_a.get("/anjungan/saya/surat/minta/penduduk/")
    resident_client_a.post(
        "/anjungan/saya/surat/minta/penduduk/", {"token": _token(form), "keperluan": "Kerja"}
    )
    letter = Letter.objects.get(subject=resident_a)
    response = resident_client_a.post(f"/anjungan/saya/surat/{letter.public_id}/cetak-gagal/", follow=True)
    assert "petugas desa mencetaknya" in response.content.decode()
    page = client_a.get("/anjungan/kelola/surat-gagal-cetak/").content.decode()
    assert f"/surat/{letter.public_id}/" in page
    assert client_a.get(f"/surat/{letter.public_id}/pdf/").status_code == 200


# --- Aid and growth -----------------------------------------------------------------------------


def test_aid_page_without_aid_module_function_shows_none(resident_client_a, monkeypatch):
    from balai.kiosk import home

    monkeypatch.setattr(home, "optional_function", lambda module, name: None)
    body = resident_client_a.get("/anjungan/saya/bantuan/").content.decode()
    assert "belum tersedia" in body


def test_aid_page_uses_family_aid_status(resident_client_a, family_a, monkeypatch):
    from balai.kiosk import home

    seen = {}

    def family_aid_status(*, village, family):
        seen["args"] = (village, family)
        from balai.aid.selectors import FamilyAidStatus

        return [
            FamilyAidStatus(
                programme_name="PKH",
                programme_public_id="p1",
                period="2026",
                state="recipient",
                state_label="Penerima aktif",
                benefit_label="Rp750.000 per triwulan",
                next_distribution=None,
                next_amount=None,
            )
        ]

    monkeypatch.setattr(home, "optional_function", lambda module, name: family_aid_status)
    body = resident_client_a.get("/anjungan/saya/bantuan/").content.decode()
    assert "PKH" in body
    assert "Penerima aktif" in body
    assert "Rp750.000 per triwulan" in body
    assert seen["args"][1] == family_a


def test_growth_shows_only_own_children(resident_client_a, resident_a, village_a):
    import datetime as dt

    from django.utils import timezone

    child = ResidentFactory(
        village=village_a,
        family=resident_a.family,
        name="ANAK KITA",
        birth_date=timezone.localdate() - dt.timedelta(days=400),
    )
    other = ResidentFactory(
        village=village_a,
        family=FamilyFactory(village=village_a),
        birth_date=timezone.localdate() - dt.timedelta(days=400),
    )
    page = resident_client_a.get("/anjungan/saya/anak/").content.decode()
    assert "ANAK KITA" in page
    assert resident_client_a.get(f"/anjungan/saya/anak/{child.public_id}/").status_code == 200
    assert resident_client_a.get(f"/anjungan/saya/anak/{other.public_id}/").status_code == 404


def test_family_view_is_audited_once_per_session(resident_client_a, family_a):
    for _ in range(3):
        resident_client_a.get("/anjungan/saya/keluarga/")
    assert AuditEvent.objects.filter(action="kiosk.family_view", object_id=family_a.public_id).count() == 1
