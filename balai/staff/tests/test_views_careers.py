"""The careers pages: every page answers, the decree form records and refuses, the kades decides."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from balai.staff import bpd, careers, leave
from balai.staff.models import Decree, Leave, Position
from balai.staff.tests.factories import OfficialFactory


@pytest.fixture
def setup(village_a, operator_a):
    careers.positions_seed_standard(actor=operator_a, village=village_a)
    official = OfficialFactory(village=village_a, name="RINA WATI", position="Staf")
    bpd.bpd_member_create(
        actor=operator_a,
        village=village_a,
        data={"name": "HARTONO", "role": "ketua", "term_start": "2022-01-01"},
    )
    return official


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_every_page_answers_for_the_operator(setup, operator_a):
    c = _client(operator_a)
    for name in [
        "org_chart",
        "positions",
        "buku_aparat",
        "buku_aparat_xlsx",
        "buku_keputusan",
        "buku_keputusan_xlsx",
        "leave_list",
        "bpd_list",
    ]:
        assert c.get(reverse(f"staff:{name}")).status_code == 200, name
    assert c.get(reverse("staff:official_career", args=[setup.public_id])).status_code == 200
    assert c.get(reverse("staff:official_profile", args=[setup.public_id])).status_code == 200


def test_decree_with_a_scan_is_recorded_and_listed_in_the_book(setup, operator_a, village_a):
    c = _client(operator_a)
    post = Position.objects.get(village=village_a, title="Kasi Pelayanan")
    response = c.post(
        reverse("staff:official_career", args=[setup.public_id]),
        {
            "kind": "angkat",
            "number": "141/07/2025",
            "date": "2025-03-01",
            "signer": "Kepala Desa",
            "position": post.public_id,
            "scan": SimpleUploadedFile("sk.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    decree = Decree.objects.get()
    assert "141/07/2025" in c.get(reverse("staff:buku_aparat")).content.decode()
    scan = c.get(reverse("staff:decree_scan", args=[decree.public_id]))
    assert scan["Content-Type"] == "application/pdf"
    assert "RINA WATI" in c.get(reverse("staff:org_chart")).content.decode()


def test_a_scan_that_is_not_a_pdf_or_image_is_refused(setup, operator_a, village_a):
    c = _client(operator_a)
    post = Position.objects.get(village=village_a, title="Kasi Pelayanan")
    response = c.post(
        reverse("staff:official_career", args=[setup.public_id]),
        {
            "kind": "angkat",
            "number": "141/07/2025",
            "date": "2025-03-01",
            "signer": "Kepala Desa",
            "position": post.public_id,
            "scan": SimpleUploadedFile("sk.pdf", b"<html>not</html>", content_type="application/pdf"),
        },
    )
    assert response.status_code == 400
    assert "PDF, PNG atau JPEG" in response.content.decode()
    assert not Decree.objects.exists()


def test_kades_approves_and_the_operator_cannot(setup, operator_a, kades_a, village_a):
    item = leave.leave_request(
        actor=operator_a,
        village=village_a,
        official=setup,
        data={"kind": "cuti", "start": "2026-11-02", "end": "2026-11-03", "reason": "Keluarga"},
    )
    url = reverse("staff:leave_decide", args=[item.public_id])
    assert _client(operator_a).post(url, {"action": "approve"}).status_code == 403
    assert _client(kades_a).post(url, {"action": "approve"}).status_code == 302
    item.refresh_from_db()
    assert item.status == Leave.Status.APPROVED
    recap = _client(kades_a).get(reverse("staff:attendance_recap") + "?bulan=2026-11").content.decode()
    assert ">C<" in recap


def test_regency_sees_terms_ending_soon(setup, regency_viewer, village_a):
    setup.term_end = dt.date.today() + dt.timedelta(days=40)
    setup.save()
    c = _client(regency_viewer)
    page = c.get(reverse("staff:regional")).content.decode()
    assert "RINA WATI" in page
    assert c.get(reverse("staff:regional_xlsx")).status_code == 200
    pdf = c.get(reverse("staff:regional_pdf"))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    # and the village pages stay closed to the regency
    assert c.get(reverse("staff:org_chart")).status_code == 403


def test_camat_decides_the_heads_leave(village_a, kades_a, camat_a):
    from balai.staff.models import Official

    head = OfficialFactory(village=village_a, signs_letters=True, signs_as=Official.SignsAs.OWN, user=kades_a)
    item = leave.leave_request(
        actor=kades_a,
        village=village_a,
        official=head,
        data={"kind": "izin", "start": "2026-11-02", "reason": "Keluarga"},
    )
    c = _client(camat_a)
    assert "Keluarga" in c.get(reverse("staff:head_leave_list")).content.decode()
    assert (
        c.post(reverse("staff:head_leave_decide", args=[item.public_id]), {"action": "approve"}).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.status == Leave.Status.APPROVED


def test_pdfs_of_the_chart_the_book_and_an_approved_sppd(setup, operator_a, kades_a, village_a):
    item = leave.leave_request(
        actor=operator_a,
        village=village_a,
        official=setup,
        data={"kind": "dinas", "start": "2026-11-02", "reason": "Rakor", "destination": "Batang"},
    )
    sppd = reverse("staff:leave_sppd_pdf", args=[item.public_id])
    c = _client(kades_a)
    assert c.get(sppd).status_code == 404  # not approved yet
    leave.leave_decide(actor=kades_a, leave=item, approve=True)
    pdfs = [reverse(f"staff:{n}") for n in ("org_chart_pdf", "buku_aparat_pdf", "buku_keputusan_pdf")]
    for url in [sppd, *pdfs]:
        response = c.get(url)
        assert response.status_code == 200, url
        assert response.content.startswith(b"%PDF")
