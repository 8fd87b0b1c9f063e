"""The economy's 'done means' in a real browser, on the demo data of one village: the BUMDes
water unit's statements balance and its profit share is village revenue (PADes 4.1.1); an
unbalanced journal is refused; a Keterangan Usaha letter pre-fills from a business; the public
UMKM page (on a phone) and the kiosk list businesses with their photos."""

import os
import random
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from balai.accounts.models import Role, User
from balai.devices import services as device_services
from balai.devices.device import COOKIE_NAME
from balai.devtools.demo import populate_village
from balai.economy.demo import extend_village
from balai.economy.models import Business, BusinessUnit, JournalEntry, ProfitDistribution
from balai.people.tests.factories import VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "rahasia-demo-123"
SHOTS = os.environ.get("BALAI_SCREENSHOTS", "")
PHONE = {"width": 390, "height": 844}
PORTRAIT = {"width": 1080, "height": 1920}


def _shot(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _sign_in(page, username):
    page.goto("/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def _photos_loaded(page) -> int:
    # Photos load lazily: bring each card into view first.
    for card in page.locator(".eco-card img").all():
        card.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => [...document.querySelectorAll('.eco-card img')].every(i => i.complete)")
    page.evaluate("() => window.scrollTo(0, 0)")
    return page.evaluate(
        "() => [...document.querySelectorAll('.eco-card img')].filter(i => i.complete && i.naturalWidth > 0).length"
    )


def test_economy_walkthrough(page, browser, live_server, tmp_path):
    # given Brokoh's demo: residents, a BUMDes with a water unit, businesses with photos
    brokoh = VillageFactory(code="33.25.01.2007", name="Brokoh", district_name="Wonotunggal")
    populate_village(village=brokoh, records=300, seed=5)
    today = timezone.localdate()
    extend_village(village=brokoh, rnd=random.Random(5), today=today)
    operator = User.objects.create_user(
        "operator.brokoh", password=PASSWORD, role=Role.OPERATOR, village=brokoh
    )
    water = BusinessUnit.objects.get(village=brokoh, kind="air")
    last = today.year - 1

    # when the operator opens the economy page
    _sign_in(page, "operator.brokoh")
    page.goto(f"/ekonomi/?tahun={last}")
    row = page.locator("tr", has_text=water.name)
    expect(row).to_contain_text("seimbang")
    # then the profit share paid to the village shows as village revenue PADes 4.1.1
    share = ProfitDistribution.objects.get(unit=water, year=last)
    amount = f"{share.village_share:,}".replace(",", ".")
    expect(page.get_by_text(re.compile(rf"Rp{re.escape(amount)} disetor"))).to_be_visible()
    _shot(page, tmp_path, "economy-home")

    # and the water unit's statements balance: assets = liabilities + equity
    row.get_by_role("link", name=water.name).click()
    expect(page.get_by_test_id("balanced")).to_have_text("Neraca seimbang")
    assets = page.get_by_test_id("total-assets").inner_text()
    assert assets == page.get_by_test_id("total-claims").inner_text()
    expect(page.get_by_text("Laporan arus kas")).to_be_visible()
    _shot(page, tmp_path, "economy-unit-books")

    # when the operator posts an unbalanced entry, it is refused and nothing is written
    entries = JournalEntry.objects.filter(unit=water).count()
    page.get_by_role("link", name="Catat jurnal").click()
    page.fill("#id_description", "Tagihan air pelanggan baru")
    page.select_option("[name=line-0-account]", "1-101")
    page.fill("[name=line-0-debit]", "150.000")
    page.select_option("[name=line-1-account]", "4-101")
    page.fill("[name=line-1-credit]", "100000")
    page.get_by_role("button", name="Bukukan").click()
    expect(page.get_by_text(re.compile("Jurnal tidak seimbang"))).to_be_visible()
    assert JournalEntry.objects.filter(unit=water).count() == entries
    _shot(page, tmp_path, "economy-journal-refused")
    # and a balanced one is posted
    page.fill("[name=line-1-credit]", "150000")
    page.get_by_role("button", name="Bukukan").click()
    expect(page.get_by_text(re.compile(r"Jurnal nomor \d+ dibukukan"))).to_be_visible()
    expect(page.get_by_test_id("balanced")).to_have_text("Neraca seimbang")

    # when the operator opens a business and asks for its Keterangan Usaha letter
    business = Business.objects.filter(village=brokoh, name__startswith="Keripik").get()
    page.goto("/ekonomi/umkm/")
    page.get_by_role("link", name=business.name).click()
    page.get_by_test_id("letter-usaha").click()
    # then the letter form is pre-filled from the business record
    expect(page.locator("[name=nama_usaha]")).to_have_value(business.name)
    expect(page.locator("[name=alamat_usaha]")).to_have_value(business.address)
    expect(page.locator("[name=sejak]")).to_have_value(str(business.started_year))
    _shot(page, tmp_path, "economy-letter-prefill")

    # when anyone opens the village's public UMKM page on a phone
    phone = browser.new_context(base_url=live_server.url, locale="id-ID", viewport=PHONE)
    public = phone.new_page()
    public.goto(f"/desa/{brokoh.code}/usaha/")
    expect(public.locator(".eco-card")).to_have_count(Business.objects.filter(village=brokoh).count())
    public.wait_for_load_state("networkidle")
    assert _photos_loaded(public) >= 8
    _shot(public, tmp_path, "economy-public")
    # and searches for a product, and opens the business
    public.fill("input[type=search]", "keripik")
    public.get_by_role("button", name="Cari").click()
    expect(public.locator(".eco-card")).to_have_count(1)
    public.locator(".eco-card a").click()
    expect(public.locator("h1")).to_have_text(business.name)
    assert business.owner.nik not in public.content()
    phone.close()

    # when the village's kiosk shows the businesses
    _device, code = device_services.device_create(actor=operator, village=brokoh, label="Anjungan lobi")
    _device, credential = device_services.device_enrol(code=code)
    kiosk_context = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport=PORTRAIT, has_touch=True
    )
    kiosk_context.add_cookies(
        [{"name": COOKIE_NAME, "value": credential, "url": live_server.url + "/anjungan/", "httpOnly": True}]
    )
    kiosk = kiosk_context.new_page()
    kiosk.goto("/anjungan/usaha/")
    expect(kiosk.locator(".eco-card")).to_have_count(Business.objects.filter(village=brokoh).count())
    kiosk.wait_for_load_state("networkidle")
    # then with their photos
    assert _photos_loaded(kiosk) >= 8
    _shot(kiosk, tmp_path, "economy-kiosk")
    kiosk.locator(".eco-card a").first.click()
    expect(kiosk.get_by_role("heading", name="Produk")).to_be_visible()
    kiosk_context.close()
