"""Issue 20's 'done means', in a real browser: Dispermades sees the rollout and the freshness
board, opens last March's figures, downloads the XLSX and switches a new village on; a camat
sees only their district; Brokoh's public page shows its profile and announcements, and a
complaint sent there appears at the village's desk."""

import datetime as dt
import io
import os
import random
import re

import pytest
from django.core import signing
from django.utils import timezone
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from balai.accounts.models import Role, User
from balai.core.dates import Month
from balai.desk.models import Complaint
from balai.people.tests.factories import FamilyFactory, ResidentFactory, RtFactory, VillageFactory
from balai.portal import services as portal_services
from balai.portal.forms import CHALLENGE_SALT
from balai.regency.demo import past_snapshots
from balai.staff.models import Official

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "rahasia-demo-123"
SHOTS = os.environ.get("BALAI_SCREENSHOTS", "")


def _sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def _shot(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _village(code, name, district_code, district_name, people):
    village = VillageFactory(
        code=code,
        name=name,
        district_code=district_code,
        district_name=district_name,
        address=f"Jl. Raya {name} No. 1",
        head_name="SUPRIYADI",
    )
    family = FamilyFactory(village=village, rt=RtFactory(village=village))
    for i in range(people):
        ResidentFactory(
            village=village, family=family, rt=family.rt, sex=1 + i % 2, birth_date=dt.date(1960 + i, 1, 1)
        )
    Official.objects.create(village=village, name=f"SUPRIYADI {name.upper()}", position="Kepala Desa")
    return village


def test_regency_walkthrough(page, tmp_path):
    # given Brokoh and Wonotunggal (kecamatan Wonotunggal) and Cepagan (Warungasem), live with
    # two years of snapshots, an operator in Brokoh, the camat of Wonotunggal and Dispermades
    today = timezone.localdate()
    brokoh = _village("33.25.01.2007", "Brokoh", "33.25.01", "Wonotunggal", 12)
    wonotunggal = _village("33.25.01.2006", "Wonotunggal", "33.25.01", "Wonotunggal", 8)
    cepagan = _village("33.25.12.2007", "Cepagan", "33.25.12", "Warungasem", 10)
    for v in (brokoh, wonotunggal, cepagan):
        past_snapshots(village=v, rnd=random.Random(v.code), today=today)
    operator = User.objects.create_user(
        "operator.brokoh", password=PASSWORD, role=Role.OPERATOR, village=brokoh
    )
    User.objects.create_user(
        "camat.wonotunggal", password=PASSWORD, role=Role.CAMAT, district_code="33.25.01"
    )
    User.objects.create_user("dispermades", password=PASSWORD, role=Role.DISPERMADES)
    portal_services.post_create(
        actor=operator,
        village=brokoh,
        data={
            "title": "Jadwal posyandu Desember",
            "body": "Posyandu buka Selasa pukul 08.00 di balai dusun.",
        },
    )

    # when Dispermades opens the rollout page
    _sign_in(page, "dispermades")
    page.goto("/kabupaten/peluncuran/")
    expect(page.locator("h1")).to_contain_text("Peluncuran")
    expect(page.locator("#stage-counts")).to_contain_text("Belum mulai")
    expect(page.locator("#rollout")).to_contain_text("Brokoh")
    _shot(page, tmp_path, "regency-rollout")

    # and the freshness board (Cepagan, Brokoh and Wonotunggal, each with a status and reasons)
    page.goto("/kabupaten/kesegaran/")
    expect(page.locator("#freshness")).to_contain_text("Cepagan")
    expect(page.locator("#freshness .rag").first).to_be_visible()
    _shot(page, tmp_path, "regency-freshness")

    # and last March's figures
    march = Month(today.year if today.month > 3 else today.year - 1, 3)
    page.goto("/kabupaten/")
    page.select_option("select[name=bulan]", str(march))
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("#as-of")).to_contain_text(f"Angka {march.label}")
    expect(page.locator("#figures")).to_contain_text("Cepagan")
    _shot(page, tmp_path, "regency-figures-march")

    # and downloads the XLSX of that table
    with page.expect_download() as info:
        page.get_by_role("link", name="Unduh XLSX").click()
    book = CalamineWorkbook.from_filelike(io.BytesIO(open(info.value.path(), "rb").read()))
    cells = " ".join(str(c) for row in book.get_sheet_by_index(0).to_python() for c in row)
    assert "Brokoh" in cells
    assert march.label in cells

    # and the kiosk's use per village (frozen through kiosk/snapshot_figures.py) with its trend
    expect(page.locator("#figures thead")).to_contain_text("Masuk di anjungan")
    expect(page.locator("#figures thead")).to_contain_text("Surat swalayan anjungan")
    kiosk_trend = page.locator("table.trend-group").first
    expect(kiosk_trend).to_contain_text("Pengaduan lewat anjungan")
    expect(page.locator("h3", has_text="Tren: Anjungan mandiri")).to_be_visible()
    kiosk_trend.scroll_into_view_if_needed()
    _shot(page, tmp_path, "regency-kiosk-trend")

    # and the page without a month opens on the last complete month, not the running one
    # (issue 21 item 3); the running month frozen now is labelled as running, with its villages
    page.goto("/kabupaten/")
    expect(page.locator("#period")).to_contain_text(Month.of(today).previous().label)
    expect(page.locator("#period")).not_to_contain_text("berjalan")
    page.get_by_role("button", name=re.compile("Ambil snapshot")).click()
    expect(page.locator("#period")).to_contain_text("berjalan, data sampai")
    expect(page.locator("#period")).to_contain_text("3 dari 3 desa melapor")
    _shot(page, tmp_path, "regency-figures-running-month")

    # and switches a new village on: its first accounts with one-time passwords to print
    page.goto("/kabupaten/peluncuran/aktifkan/")
    page.fill("#village-filter", "Silurah")
    page.check("input[value='33.25.01.2001']")
    page.get_by_role("button", name="Aktifkan dan buat akun").click()
    expect(page.locator("#credentials")).to_contain_text("operator.silurah")
    _shot(page, tmp_path, "regency-activated")
    assert User.objects.filter(village__code="33.25.01.2001", role=Role.OPERATOR).exists()

    # then the camat sees only their district
    _sign_in(page, "camat.wonotunggal")
    page.goto("/kabupaten/")
    expect(page.locator("#figures")).to_contain_text("Brokoh")
    expect(page.locator("#figures")).not_to_contain_text("Cepagan")
    page.goto("/kabupaten/kesegaran/")
    expect(page.locator("#freshness")).to_contain_text("Wonotunggal")
    expect(page.locator("#freshness")).not_to_contain_text("Cepagan")
    _shot(page, tmp_path, "regency-camat-freshness")
    page.goto("/kabupaten/?kecamatan=33.25.12")
    expect(page.locator(".messages")).to_contain_text("di luar wilayah Anda")

    # and the public page of Brokoh (no sign-in) shows the profile and the announcement
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/desa/33.25.01.2007/")
    expect(page.locator("#profil")).to_contain_text("Jl. Raya Brokoh")
    expect(page.locator("#profil")).to_contain_text("SUPRIYADI BROKOH")
    expect(page.locator("#pengumuman")).to_contain_text("Jadwal posyandu Desember")
    _shot(page, tmp_path, "regency-portal-brokoh")

    # and a complaint sent there gets a tracking number
    page.get_by_role("link", name="Tulis pengaduan").click()
    page.fill("#id_subject", "Lampu jalan mati")
    page.fill("#id_body", "Lampu jalan di RT 3 mati sejak seminggu.")
    token = page.locator("input[name=challenge]").input_value()
    numbers = signing.loads(token, salt=CHALLENGE_SALT)
    page.fill("#id_answer", str(numbers["a"] + numbers["b"]))
    page.get_by_role("button", name="Kirim").click()
    expect(page.locator("#tracking")).to_be_visible()
    _shot(page, tmp_path, "regency-portal-complaint")
    complaint = Complaint.objects.get(village=brokoh)
    assert re.sub(r"\W", "", page.locator("#tracking").inner_text()).lower() == complaint.tracking_number

    # and the ticket appears at Brokoh's desk
    page.set_viewport_size({"width": 1280, "height": 800})
    _sign_in(page, "operator.brokoh")
    page.goto("/layanan/pengaduan/")
    expect(page.get_by_text("Lampu jalan mati").first).to_be_visible()
    _shot(page, tmp_path, "regency-desk-complaint")


def test_regency_map_downloads_and_apbdes_check(page, tmp_path):
    """Issue 20 leftovers: the operator enters the office's point (a wrong one is refused,
    naming the field), the compare page draws the villages on a map without tiles, the board,
    rollout and digest download as XLSX/PDF, and this year's APBDes shows on the board."""
    from decimal import Decimal

    from balai.finance.models import Budget
    from balai.regions.models import Village

    today = timezone.localdate()
    brokoh = _village("33.25.01.2007", "Brokoh", "33.25.01", "Wonotunggal", 12)
    wonotunggal = _village("33.25.01.2006", "Wonotunggal", "33.25.01", "Wonotunggal", 8)
    cepagan = _village("33.25.12.2007", "Cepagan", "33.25.12", "Warungasem", 10)
    for v in (brokoh, wonotunggal, cepagan):
        past_snapshots(village=v, rnd=random.Random(v.code), today=today)
    Village.objects.filter(pk=brokoh.pk).update(latitude=Decimal("-7.0312"), longitude=Decimal("109.7105"))
    Village.objects.filter(pk=wonotunggal.pk).update(
        latitude=Decimal("-7.0121"), longitude=Decimal("109.6884")
    )
    # Brokoh keeps its APBDes in Balai: last year's set, this year's still a draft
    Budget.objects.create(village=brokoh, year=today.year - 1, status=Budget.Status.SET)
    Budget.objects.create(village=brokoh, year=today.year, status=Budget.Status.DRAFT)
    User.objects.create_user("operator.cepagan", password=PASSWORD, role=Role.OPERATOR, village=cepagan)
    User.objects.create_user(
        "camat.wonotunggal", password=PASSWORD, role=Role.CAMAT, district_code="33.25.01"
    )
    User.objects.create_user("dispermades", password=PASSWORD, role=Role.DISPERMADES)

    # when Dispermades compares villages before Cepagan has a point: it is listed beside the map
    _sign_in(page, "dispermades")
    page.goto("/kabupaten/banding/?indikator=residents")
    expect(page.locator("#village-map circle")).to_have_count(2)
    expect(page.locator("#unplaced")).to_contain_text("Cepagan")

    # and Cepagan's operator enters the office's point: a wrong one is refused, naming the field
    _sign_in(page, "operator.cepagan")
    page.goto("/wilayah/ubah/")
    page.fill("#id_latitude", "-96")
    page.fill("#id_longitude", "109,70")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Lintang harus di antara -90 dan 90 derajat")).to_be_visible()
    expect(page.locator("#id_longitude")).to_have_value("109,70")
    page.fill("#id_latitude", "-6,9443")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("#coordinates")).to_contain_text("-6,944300")

    # then the map shows all three, coloured by the indicator, with no tile fetched
    _sign_in(page, "dispermades")
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if "127.0.0.1" not in r.url and "localhost" not in r.url else None,
    )
    page.goto("/kabupaten/banding/?indikator=residents")
    expect(page.locator("#village-map circle")).to_have_count(3)
    expect(page.locator("#map-legend li").first).to_be_visible()
    expect(page.locator("#village-map")).to_contain_text("Cepagan")
    assert outside == []
    _shot(page, tmp_path, "regency-compare-map")

    # and the freshness board shows Brokoh's APBDes as a draft past its date, and downloads
    page.goto("/kabupaten/kesegaran/")
    expect(page.locator("#freshness")).to_contain_text(f"APBDes {today.year} masih rancangan")
    _shot(page, tmp_path, "regency-freshness-apbdes")
    with page.expect_download() as info:
        page.locator("#downloads").get_by_role("link", name="XLSX").click()
    book = CalamineWorkbook.from_filelike(io.BytesIO(open(info.value.path(), "rb").read()))
    cells = " ".join(str(c) for row in book.get_sheet_by_index(0).to_python() for c in row)
    assert "Data per:" in cells
    assert "rancangan" in cells
    with page.expect_download() as info:
        page.locator("#downloads").get_by_role("link", name="PDF").click()
    assert open(info.value.path(), "rb").read(5) == b"%PDF-"
    for url in ("/kabupaten/peluncuran/", "/kabupaten/ringkasan-mingguan/"):
        page.goto(url)
        for kind, magic in (("XLSX", b"PK"), ("PDF", b"%PDF-")):
            with page.expect_download() as info:
                page.locator("#downloads").get_by_role("link", name=kind).click()
            assert open(info.value.path(), "rb").read(len(magic)) == magic, (url, kind)

    # and the camat's map holds only their district
    _sign_in(page, "camat.wonotunggal")
    page.goto("/kabupaten/banding/?indikator=residents")
    expect(page.locator("#village-map circle")).to_have_count(2)
    expect(page.locator("#village-map")).not_to_contain_text("Cepagan")
