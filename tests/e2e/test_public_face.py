"""The public face of a village in a real browser, phone-first (360 px): Brokoh's page shows
its profile, announcements and the posyandu schedule kept by the health module; the APBDes and
UMKM pages are on the same public layout (no staff menu even for a signed-in official); a
complaint's ticket appears at the desk; the kiosk home puts the sign-in above the APBDes
infographic on a portrait screen. Screenshots go to $BALAI_SCREENSHOTS when set."""

from __future__ import annotations

import datetime as dt
import os
import random
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from balai.accounts.models import Role, User
from balai.devices import services as device_services
from balai.devices.device import COOKIE_NAME
from balai.finance.demo import extend_village as finance_demo
from balai.health import services as health
from balai.people.tests.factories import ResidentFactory, VillageFactory
from balai.portal import services as portal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "rahasia-demo-123"
SHOTS = os.environ.get("BALAI_SCREENSHOTS", "")
PHONE = {"width": 360, "height": 740}


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _fits_the_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone ({width} px)"


@pytest.fixture
def brokoh(db):
    village = VillageFactory(code="33.25.01.2007", name="Brokoh", address="Jl. Raya Brokoh No. 1")
    ResidentFactory(village=village, name="SITI WAHYUNI", sex=2, birth_date=dt.date(1990, 7, 1))
    operator = User.objects.create_user(
        "operator.brokoh", password=PASSWORD, role=Role.OPERATOR, village=village
    )
    finance_demo(village=village, rnd=random.Random(3), today=timezone.localdate())
    health.posyandu_create(
        actor=operator, village=village, name="Posyandu Mawar", dusun="Krajan", schedule="Setiap tanggal 10"
    )
    portal.post_create(
        actor=operator,
        village=village,
        data={"title": "Kerja bakti bersih desa", "body": "Minggu pukul 07.00 di setiap RT."},
    )
    return village, operator


def test_the_public_face_on_a_phone_and_the_kiosk(browser, live_server, brokoh):
    village, _operator = brokoh
    phone = browser.new_context(base_url=live_server.url, locale="id-ID", viewport=PHONE)
    page = phone.new_page()
    page.set_default_timeout(15000)
    # The village's page: profile, announcements, the posyandu schedule from the health module.
    page.goto(f"/desa/{village.code}/")
    expect(page.locator("h1")).to_have_text("Desa Brokoh")
    expect(page.locator("#pengumuman")).to_contain_text("Kerja bakti bersih desa")
    expect(page.locator("#bagian-posyandu")).to_contain_text(
        "Posyandu Mawar (Dusun Krajan): setiap tanggal 10"
    )
    _fits_the_phone(page)
    _shot(page, "portal-village-phone")
    # The APBDes and UMKM pages: the public layout, back to the village's page.
    for path, name in (("keuangan/", "portal-apbdes-phone"), ("usaha/", "portal-umkm-phone")):
        page.goto(f"/desa/{village.code}/{path}")
        expect(page.locator("body.public")).to_have_count(1)
        expect(page.locator(".topbar")).to_have_count(0)
        expect(page.get_by_role("link", name="← Halaman desa")).to_be_visible()
        _fits_the_phone(page)
        _shot(page, name)
    # A complaint: its tracking number, then the desk's queue shows it.
    page.goto(f"/desa/{village.code}/pengaduan/")
    page.fill("#id_subject", "Lampu jalan RT 2 mati")
    page.fill("#id_body", "Sudah seminggu lampu jalan di RT 2 mati.")
    a, b = re.search(r"Berapa (\d+) \+ (\d+)\?", page.content()).groups()
    page.fill("#id_answer", str(int(a) + int(b)))
    page.get_by_role("button", name="Kirim").click()
    number = page.locator("#tracking").inner_text().strip()
    assert number
    _fits_the_phone(page)
    phone.close()

    office = browser.new_context(base_url=live_server.url, locale="id-ID")
    desk = office.new_page()
    desk.goto("/akun/masuk/")
    desk.fill("#id_username", "operator.brokoh")
    desk.fill("#id_password", PASSWORD)
    desk.get_by_role("button", name="Masuk").click()
    desk.goto("/")
    desk.get_by_role("link", name=re.compile("Pengaduan belum dijawab")).click()
    expect(desk.locator("table.list")).to_contain_text("Lampu jalan RT 2 mati")
    # Signed in, the public page still has no staff menu.
    desk.goto(f"/desa/{village.code}/keuangan/")
    expect(desk.locator(".topbar")).to_have_count(0)
    office.close()

    # The kiosk home on a portrait screen: sign-in first, the APBDes infographic below.
    _device, code = device_services.device_create(actor=_operator, village=village, label="Lobi")
    _device, credential = device_services.device_enrol(code=code)
    kiosk = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 1080, "height": 1920}
    )
    kiosk.add_cookies([{"name": COOKIE_NAME, "value": credential, "url": live_server.url}])
    screen = kiosk.new_page()
    screen.goto("/anjungan/")
    sign_in = screen.get_by_role("link", name="Masuk Layanan Mandiri").bounding_box()
    apbdes = screen.locator(".k-apbdes-panel").bounding_box()
    posyandu = screen.locator(".k-posyandu")
    expect(posyandu).to_contain_text("Setiap tanggal 10")
    assert sign_in["y"] < posyandu.bounding_box()["y"] < apbdes["y"]
    _shot(screen, "kiosk-home-portrait")
    kiosk.close()
