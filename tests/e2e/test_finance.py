"""Issue 17's 'done means', in a real browser, on the demo's finance year: the treasurer raises an
LS payment with PPh 23 withheld, the sekdes verifies, the kades approves, the treasurer pays;
the Buku Kas Umum, bank and tax books show it; the LRA adds up; a crafted Siskeudes export
imports and its totals match; the public page and the kiosk show the infographic;
Dispermades sees realisation for every village.

Screenshots go to docs/screenshots/finance-*.png when BALAI_SCREENSHOTS names that folder."""

from __future__ import annotations

import os
import random

import pytest
from django.db.models import Sum
from django.utils import timezone
from playwright.sync_api import expect

from balai.accounts.models import Role, User
from balai.devices import services as device_services
from balai.devices.device import COOKIE_NAME
from balai.finance import selectors, siskeudes
from balai.finance.demo import extend_village
from balai.finance.models import Budget, Entry, PaymentRequest
from balai.finance.siskeudes_sample import sample_tables
from balai.people.tests.factories import VillageFactory

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


def test_finance_done_means(page, browser, live_server, tmp_path):
    # given two villages with the demo's finance year, and Brokoh's office
    today = timezone.localdate()
    year = today.year
    brokoh = VillageFactory(
        code="33.25.01.2007", name="Brokoh", district_code="33.25.01", district_name="Wonotunggal"
    )
    cepagan = VillageFactory(
        code="33.25.12.2007", name="Cepagan", district_code="33.25.12", district_name="Warungasem"
    )
    for village in (brokoh, cepagan):
        extend_village(village=village, rnd=random.Random(7), today=today)
    operator = User.objects.create_user(
        "operator.brokoh", password=PASSWORD, role=Role.OPERATOR, village=brokoh
    )
    for name, role in (("bendahara", Role.BENDAHARA), ("sekdes", Role.SEKDES), ("kades", Role.KADES)):
        User.objects.create_user(f"{name}.brokoh", password=PASSWORD, role=role, village=brokoh)
    User.objects.create_user("dispermades", password=PASSWORD, role=Role.DISPERMADES)
    budget = Budget.objects.get(village=brokoh, year=year)
    bank_before = selectors.balances(budget=budget)["bank"]

    # when the treasurer raises an LS payment for the supervising consultant with PPh 23
    _sign_in(page, "bendahara.brokoh")
    page.goto("/keuangan/")
    _shot(page, tmp_path, "finance-home")
    page.get_by_role("link", name="SPP", exact=True).click()
    page.fill("#id_number", f"0900/SPP/2007/{year}")
    page.select_option("#id_kind", "LS")
    page.fill("#id_date", f"{year}-{today.month:02d}-01")
    page.select_option(
        "#id_line", label=page.locator("#id_line option", has_text="Jasa konsultan pengawas").inner_text()
    )
    page.fill("#id_amount", "10.000.000")
    page.fill("#id_description", "Jasa konsultan pengawas jalan desa")
    page.select_option("#id_payee_vendor", label="CV Karya Mandiri")
    page.fill("#id_payee_npwp", "01.234.567.8-901.000")
    page.select_option("#id_tax_1", "pph23")
    page.get_by_role("button", name="Ajukan SPP").click()
    expect(page.locator("#spp-status")).to_have_text("Diajukan")
    expect(page.get_by_text("Rp 200.000")).to_be_visible()
    expect(page.get_by_text("Sepuluh juta rupiah")).to_be_visible()
    spp = PaymentRequest.objects.get(village=brokoh)

    # and the sekdes verifies, the kades approves
    _sign_in(page, "sekdes.brokoh")
    page.goto(f"/keuangan/spp/{spp.public_id}/")
    page.get_by_role("button", name="Verifikasi").click()
    expect(page.locator("#spp-status")).to_have_text("Diverifikasi Sekdes")
    _sign_in(page, "kades.brokoh")
    page.goto(f"/keuangan/spp/{spp.public_id}/")
    page.get_by_role("button", name="Setujui").click()
    expect(page.locator("#spp-status")).to_have_text("Disetujui Kades")
    _shot(page, tmp_path, "finance-spp-approved")

    # and the treasurer pays it
    _sign_in(page, "bendahara.brokoh")
    page.goto(f"/keuangan/spp/{spp.public_id}/")
    page.get_by_role("button", name="Bayar dan bukukan").click()
    expect(page.locator("#spp-status")).to_have_text("Dibayar")
    _shot(page, tmp_path, "finance-spp-paid")

    # then the BKU, bank and tax books show it
    page.goto(f"/keuangan/buku/?buku=bku&tahun={year}&hal=999")
    expect(page.locator("#book")).to_contain_text(spp.number)
    _shot(page, tmp_path, "finance-bku")
    page.goto(f"/keuangan/buku/?buku=bank&tahun={year}&hal=999")
    expect(page.locator("#book")).to_contain_text("Jasa konsultan pengawas jalan desa")
    page.goto(f"/keuangan/buku/?buku=pajak&tahun={year}&hal=999")
    expect(page.locator("#book")).to_contain_text("PPh 23 dipungut")
    _shot(page, tmp_path, "finance-tax-book")
    assert selectors.balances(budget=budget)["bank"] == bank_before - 10_000_000 + 200_000

    # and the LRA adds up: realisation equals the postings, SiLPA = surplus + net financing
    page.goto(f"/keuangan/lra/?tahun={year}")
    report = selectors.lra(budget=budget)
    spent = Entry.objects.filter(budget=budget, account_code__startswith="5").aggregate(s=Sum("amount"))["s"]
    assert report.spending.realised == spent
    silpa = f"{report.silpa_realised:,}".replace(",", ".")
    expect(page.locator("#silpa")).to_have_text(silpa)
    _shot(page, tmp_path, "finance-lra")

    # when a crafted Siskeudes export (scientific notation, MM/DD/YY, line breaks, another
    # village's rows, a binary logo) is uploaded for 2024
    export = tmp_path / "siskeudes-2024.zip"
    export.write_bytes(siskeudes.write_zip(sample_tables(siskeudes.siskeudes_village_code(brokoh), 2024)))
    page.goto("/keuangan/impor/?tahun=2024")
    page.fill("#tahun", "2024")
    page.set_input_files("#id_file", str(export))
    page.get_by_role("button", name="Periksa berkas").click()
    # then the preview's totals match the export's
    expect(page.locator("#t-budget-spending")).to_have_text("64.140.000")
    expect(page.locator("#t-real-spending")).to_have_text("41.700.000")
    expect(page.locator("#t-real-revenue")).to_have_text("320.000.000")
    _shot(page, tmp_path, "finance-import-preview")
    page.get_by_role("button", name="Terapkan impor").click()
    expect(page.get_by_text("Impor Siskeudes 2024 selesai")).to_be_visible()
    page.goto("/keuangan/lra/?tahun=2024")
    expect(page.locator("#lra")).to_contain_text("41.700.000")
    imported = selectors.lra(budget=Budget.objects.get(village=brokoh, year=2024))
    assert (imported.spending.budget, imported.spending.realised) == (64_140_000, 41_700_000)

    # and the public page shows the infographic, phone-first, without signing in
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/desa/{brokoh.code}/keuangan/")
    expect(page.get_by_text("Pendapatan menurut sumber")).to_be_visible()
    expect(page.get_by_text("Penggunaan Dana Desa")).to_be_visible()
    assert "CV Karya Mandiri" not in page.content()
    _shot(page, tmp_path, "finance-public")
    page.set_viewport_size({"width": 1280, "height": 900})

    # and the kiosk shows the same panel
    device, code = device_services.device_create(actor=operator, village=brokoh, label="Anjungan lobi")
    device, credential = device_services.device_enrol(code=code)
    context = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 1080, "height": 1920}
    )
    context.add_cookies(
        [{"name": COOKIE_NAME, "value": credential, "url": live_server.url + "/anjungan/", "httpOnly": True}]
    )
    kiosk = context.new_page()
    kiosk.goto("/anjungan/keuangan/")
    expect(kiosk.get_by_text("Belanja menurut bidang")).to_be_visible()
    _shot(kiosk, tmp_path, "finance-kiosk")
    kiosk.goto("/anjungan/")
    expect(kiosk.get_by_text("Ringkasan APBDes")).to_be_visible()
    context.close()

    # and Dispermades sees realisation for every village
    _sign_in(page, "dispermades")
    page.goto(f"/keuangan/wilayah/?tahun={year}")
    expect(page.locator("#regional")).to_contain_text("Brokoh")
    expect(page.locator("#regional")).to_contain_text("Cepagan")
    _shot(page, tmp_path, "finance-regional")
