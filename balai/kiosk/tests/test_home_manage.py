"""Home screen without sign-in, and the operator's kiosk pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from balai.audit.models import AuditEvent
from balai.devices.models import KioskDevice
from balai.kiosk.models import Announcement
from balai.staff.services import official_create

pytestmark = pytest.mark.django_db


def _announce(client, title, published_on, expires_on=""):
    return client.post(
        "/anjungan/kelola/pengumuman/",
        {
            "title": title,
            "body": "Isi",
            "published_on": published_on,
            "expires_on": expires_on,
            "is_active": "on",
        },
    )


def test_home_shows_current_announcements_only(client_a, kiosk_client_a):
    today = timezone.localdate()
    _announce(client_a, "KERJA BAKTI", today.isoformat())
    _announce(
        client_a,
        "SUDAH LEWAT",
        (today - dt.timedelta(days=9)).isoformat(),
        (today - dt.timedelta(days=1)).isoformat(),
    )
    _announce(client_a, "BELUM TAYANG", (today + dt.timedelta(days=3)).isoformat())
    body = kiosk_client_a.get("/anjungan/").content.decode()
    assert "KERJA BAKTI" in body
    assert "SUDAH LEWAT" not in body
    assert "BELUM TAYANG" not in body
    assert Announcement.objects.count() == 3


def test_announcement_end_before_start_is_refused(client_a):
    response = _announce(client_a, "SALAH", "2026-05-02", "2026-05-01")
    assert response.status_code == 200
    assert "tidak boleh sebelum" in response.content.decode()
    assert not Announcement.objects.exists()


def test_announcement_edit_and_delete(client_a):
    _announce(client_a, "LAMA", "2026-01-01")
    item = Announcement.objects.get()
    client_a.post(
        f"/anjungan/kelola/pengumuman/{item.public_id}/",
        {"title": "BARU", "body": "x", "published_on": "2026-01-01", "expires_on": "", "is_active": "on"},
    )
    item.refresh_from_db()
    assert item.title == "BARU"
    client_a.post(f"/anjungan/kelola/pengumuman/{item.public_id}/", {"action": "delete"})
    assert not Announcement.objects.exists()
    assert AuditEvent.objects.filter(action="kiosk.announcement_delete").exists()


def test_home_lists_officials(kiosk_client_a, village_a):
    official_create(
        actor=None, village=village_a, data={"name": "SRI LESTARI", "position": "Sekretaris Desa"}
    )
    assert "SRI LESTARI" in kiosk_client_a.get("/anjungan/").content.decode()


def test_home_has_no_apbdes_summary_without_a_finance_module(kiosk_client_a, monkeypatch):
    # The finance module now exists (its tile names the APBDes); without its summary
    # function the home shows no summary panel.
    from balai.kiosk import home

    monkeypatch.setattr(home, "optional_function", lambda module, name: None)
    assert "Ringkasan APBDes" not in kiosk_client_a.get("/anjungan/").content.decode()


def test_operator_disables_and_enables_a_device(client_a, kiosk_device_a, kiosk_client_a):
    device, _ = kiosk_device_a
    client_a.post(f"/anjungan/kelola/perangkat/{device.public_id}/nonaktifkan/")
    assert kiosk_client_a.get("/anjungan/").status_code == 403
    client_a.post(f"/anjungan/kelola/perangkat/{device.public_id}/aktifkan/")
    assert kiosk_client_a.get("/anjungan/").status_code == 200


def test_new_enrolment_code_replaces_the_old_credential_when_used(client_a, kiosk_device_a, kiosk_client_a):
    from django.test import Client

    device, _ = kiosk_device_a
    code = client_a.post(f"/anjungan/kelola/perangkat/{device.public_id}/kode/").context["code"]
    Client().post("/anjungan/daftar/", {"code": code})
    assert kiosk_client_a.get("/anjungan/").status_code == 403


def test_village_idle_setting_is_bounded(client_a, kiosk_client_a):
    client_a.post("/anjungan/kelola/pengaturan/", {"idle_seconds": "5"})
    assert 'data-idle-seconds="60"' in kiosk_client_a.get("/anjungan/").content.decode()
    client_a.post("/anjungan/kelola/pengaturan/", {"idle_seconds": "120"})
    assert 'data-idle-seconds="120"' in kiosk_client_a.get("/anjungan/").content.decode()


def test_kiosk_manage_needs_the_capability(client, kader_a):
    client.force_login(kader_a)
    assert client.get("/anjungan/kelola/").status_code == 403


def test_manage_lists_only_own_devices(client_a, kiosk_device_a, kiosk_device_b):
    body = client_a.get("/anjungan/kelola/").content.decode()
    assert KioskDevice.objects.count() == 2
    assert kiosk_device_a[0].public_id in body
    assert kiosk_device_b[0].public_id not in body


def test_every_operator_page_renders(client_a, kiosk_device_a, resident_a, resident_client_a):
    from balai.kiosk.models import CorrectionReport

    device, _ = kiosk_device_a
    _announce(client_a, "RAPAT", "2026-01-01")
    resident_client_a.post(
        "/anjungan/saya/keluarga/lapor/", {"token": "e" * 32, "text": "Alamat salah", "subject": ""}
    )
    report = CorrectionReport.objects.get()
    pages = [
        "/anjungan/kelola/",
        f"/anjungan/kelola/perangkat/{device.public_id}/",
        f"/anjungan/kelola/penduduk/{resident_a.public_id}/",
        "/anjungan/kelola/pengumuman/",
        f"/anjungan/kelola/pengumuman/{Announcement.objects.get().public_id}/",
        "/anjungan/kelola/perbaikan/",
        "/anjungan/kelola/perbaikan/?status=semua",
        "/anjungan/kelola/surat-gagal-cetak/",
    ]
    for url in pages:
        response = client_a.get(url)
        assert response.status_code == 200, url
    assert "Alamat salah" in client_a.get("/anjungan/kelola/perbaikan/").content.decode()
    assert report.state == "open"


def test_every_resident_page_renders(resident_client_a):
    for url in (
        "/anjungan/",
        "/anjungan/saya/",
        "/anjungan/saya/keluarga/",
        "/anjungan/saya/keluarga/lapor/",
        "/anjungan/saya/surat/",
        "/anjungan/saya/bantuan/",
        "/anjungan/saya/anak/",
        "/anjungan/status/",
        "/anjungan/pin/",
        "/anjungan/masuk/?cara=kartu",
        "/anjungan/daftar/",
    ):
        assert resident_client_a.get(url, follow=True).status_code == 200, url


def test_enrolment_code_page_gives_the_full_address_to_open(client_a, kiosk_device_a):
    device, _ = kiosk_device_a
    page = client_a.post(f"/anjungan/kelola/perangkat/{device.public_id}/kode/").content.decode()
    assert "http://testserver/anjungan/daftar/" in page


@pytest.mark.parametrize(
    ("local", "says"),
    [
        ((2026, 12, 6, 19, 30), "Hari libur — kantor desa tutup"),  # a Sunday evening
        ((2026, 12, 7, 20, 0), "Di luar jam kerja"),  # a Monday evening
    ],
)
def test_home_says_the_office_is_closed_instead_of_listing_absences(
    kiosk_client_a, village_a, monkeypatch, local, says
):
    official_create(
        actor=None, village=village_a, data={"name": "SRI LESTARI", "position": "Sekretaris Desa"}
    )
    at = dt.datetime(*local, tzinfo=timezone.get_current_timezone())
    monkeypatch.setattr(timezone, "now", lambda: at)

    html = kiosk_client_a.get("/anjungan/").content.decode()

    assert says in html
    assert "SRI LESTARI" in html
    assert "Belum hadir" not in html
    assert "bertugas hari ini" not in html


def test_home_lists_attendance_in_office_hours(kiosk_client_a, village_a, monkeypatch):
    official_create(
        actor=None, village=village_a, data={"name": "SRI LESTARI", "position": "Sekretaris Desa"}
    )
    at = dt.datetime(2026, 12, 7, 10, 0, tzinfo=timezone.get_current_timezone())  # a Monday morning
    monkeypatch.setattr(timezone, "now", lambda: at)

    html = kiosk_client_a.get("/anjungan/").content.decode()

    assert "Belum hadir" in html
    assert "kantor desa tutup" not in html


def test_home_apbdes_panel_has_bars_and_names_a_negative_financing(kiosk_client_a, monkeypatch):
    from balai.finance.selectors import ApbdesSummary, Bar
    from balai.kiosk import home

    summary = ApbdesSummary(
        year=2026, status="Ditetapkan", rows=[], revenue=620_000_000, spending=545_000_000,
        financing=-14_000_000, revenue_realised=310_000_000, spending_realised=109_000_000,
        by_source=[], by_bidang=[], activities=[], dana_desa=Bar("Dana Desa", 0, 0),
    )  # fmt: skip
    monkeypatch.setattr(home, "apbdes_summary", lambda village: summary)

    html = kiosk_client_a.get("/anjungan/").content.decode()

    assert "Rp -" not in html
    assert "Pengeluaran pembiayaan (netto): Rp 14.000.000" in html
    assert 'class="k-bar"' in html
    assert "50% diterima" in html
    assert "20% terealisasi" in html
