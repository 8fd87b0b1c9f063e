"""Issue 17's 'done means', in a real browser, on the demo's finance year: the treasurer raises an
LS payment with PPh 23 withheld, the sekdes verifies, the kades approves, the treasurer pays;
the Buku Kas Umum, bank and tax books show it; the LRA adds up; a crafted Siskeudes export
imports and its totals match; the public page and the kiosk show the infographic;
Dispermades sees realisation for every village.

Screenshots go to docs/screenshots/finance-*.png when BALAI_SCREENSHOTS names that folder."""

from __future__ import annotations

import os
import random
import subprocess

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
from balai.people.tests.factories import ResidentFactory, VillageFactory

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
    spp = PaymentRequest.objects.get(village=brokoh, number=f"0900/SPP/2007/{year}")

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


def _pdf_text(page, url):
    response = page.request.get(url)
    assert response.status == 200, url
    assert response.headers["content-type"] == "application/pdf"
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.body(), capture_output=True, check=True
    )
    return " ".join(out.stdout.decode().split()), response.body()


def test_finance_advances_deposits_books_and_documents(page, live_server, tmp_path):
    """Issue 17 items 4, 5 and 8: the open advance of the demo is accounted for by its SPJ (an
    SPJ over the advance is refused until the extra payment is confirmed), a cash receipt is
    deposited to the bank with an STS, the Buku Pembantu Panjar closes, the Buku Pembantu
    Kegiatan shows the executor's money, the SPP and kuitansi print with the amount in words
    and the officials' names, and the baliho prints from the office and the public page."""
    # given the demo's finance year of Brokoh, its officials and its office
    from balai.finance.models import AdvanceSettlement, DepositSlip
    from balai.staff.models import Official

    today = timezone.localdate()
    year = today.year
    brokoh = VillageFactory(
        code="33.25.01.2007", name="Brokoh", district_code="33.25.01", district_name="Wonotunggal"
    )
    # The demo's advances go to the activity's executor, a living resident of the village.
    ResidentFactory(village=brokoh, name="BAMBANG WIJAYA")
    extend_village(village=brokoh, rnd=random.Random(7), today=today)
    for name, position in (
        ("Sutrisno", "Kepala Desa"),
        ("Wahyuni", "Sekretaris Desa"),
        ("Sri Rahayu", "Kaur Keuangan (Bendahara)"),
        ("Bambang Irawan", "Kasi Pembangunan"),
    ):
        Official.objects.create(village=brokoh, name=name, position=position)
    User.objects.create_user("bendahara.brokoh", password=PASSWORD, role=Role.BENDAHARA, village=brokoh)
    budget = Budget.objects.get(village=brokoh, year=year)
    advance = PaymentRequest.objects.get(village=brokoh, kind="UM", settlement__isnull=True)

    # when the treasurer opens the advances and the open one
    _sign_in(page, "bendahara.brokoh")
    page.goto(f"/keuangan/panjar/?tahun={year}")
    expect(page.locator("#advances")).to_contain_text("belum SPJ")
    page.get_by_role("link", name=advance.number).click()
    expect(page.get_by_text("Panjar belum dipertanggungjawabkan")).to_be_visible()
    # the SPJ form fits the page on a desk and on a phone (its tax table scrolls in its card),
    # its number offered
    expect(page.locator("#id_spj_number")).to_have_value(f"0002/SPJ/{brokoh.code_digits[-6:]}/{year}")
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
        number_box = page.locator("#id_spj_number").bounding_box()
        assert number_box is not None
        assert number_box["height"] >= 30, number_box
    page.set_viewport_size({"width": 1280, "height": 900})

    # and prints its SPP and kuitansi
    text, _ = _pdf_text(page, f"/keuangan/spp/{advance.public_id}/pdf/spp/")
    for expected in ("SURAT PERMINTAAN PEMBAYARAN", advance.number, "Tiga juta rupiah", "Sutrisno", "Wahyuni",
                     "Sri Rahayu", "Bambang Irawan"):  # fmt: skip
        assert expected in text, expected
    text, _ = _pdf_text(page, f"/keuangan/spp/{advance.public_id}/pdf/kuitansi/")
    assert "KUITANSI" in text
    assert "Tiga juta rupiah" in text

    # and records an SPJ over the advance without confirming the extra payment: refused
    page.fill("#id_spj_number", f"0002/SPJ/2007/{year}")
    page.fill("#id_spj_spent", "3.400.000")
    page.get_by_role("button", name="Catat SPJ dan tutup panjar").click()
    expect(page.locator("li.error", has_text="melebihi panjar")).to_be_visible()
    assert not AdvanceSettlement.objects.filter(payment_request=advance).exists()
    # then with what was actually spent: the remainder comes back and the advance closes
    page.fill("#id_spj_number", f"0002/SPJ/2007/{year}")
    page.fill("#id_spj_spent", "2.750.000")
    page.fill("#id_spj_description", "Material talud (nota terlampir)")
    page.get_by_role("button", name="Catat SPJ dan tutup panjar").click()
    expect(page.get_by_text("sisa panjar Rp250.000 dikembalikan")).to_be_visible()
    expect(page.locator("#spj-facts")).to_contain_text("Selesai dipertanggungjawabkan")
    _shot(page, tmp_path, "finance-spj")
    page.goto(f"/keuangan/panjar/?tahun={year}")
    expect(page.locator("#subbook-closing")).to_have_text("0")
    _shot(page, tmp_path, "finance-panjar-book")
    road = budget.activities.get(code="02.03.01")
    page.goto(f"/keuangan/kegiatan/{road.public_id}/")
    expect(page.locator("#subbook")).to_contain_text("Pengembalian")
    expect(page.locator("#subbook")).to_contain_text("Material talud")
    _shot(page, tmp_path, "finance-kegiatan-book")
    assert page.request.get(f"/keuangan/kegiatan/{road.public_id}/xlsx/").status == 200
    text, _ = _pdf_text(page, f"/keuangan/panjar/pdf/?tahun={year}")
    assert "BUKU PEMBANTU PANJAR" in text

    # when a cash receipt comes in and is deposited to the bank with an STS
    cash_before = selectors.balances(budget=budget)
    page.goto(f"/keuangan/penerimaan/?tahun={year}")
    page.fill("#id_number", f"0900/TBP/2007/{year}")
    page.select_option(
        "#id_line", label=page.locator("#id_line option", has_text="Sewa tanah kas desa").inner_text()
    )
    page.fill("#id_amount", "1.250.000")
    page.select_option("#id_medium", "tunai")
    page.fill("#id_description", "Sewa kios pasar desa")
    page.get_by_role("button", name="Bukukan penerimaan").click()
    page.goto(f"/keuangan/sts/?tahun={year}")
    page.fill("#id_number", f"0900/STS/2007/{year}")
    page.get_by_label("Sewa kios pasar desa", exact=False).check()
    page.fill("#id_bank_reference", "BRI 778812")
    page.get_by_role("button", name="Bukukan STS").click()
    expect(page.get_by_text("pindah dari kas tunai ke bank")).to_be_visible()
    expect(page.locator("#sts-list")).to_contain_text(f"0900/STS/2007/{year}")
    _shot(page, tmp_path, "finance-sts")
    # then the cash book and the bank book show it, the total unchanged by the deposit
    slip = DepositSlip.objects.get(village=brokoh, number=f"0900/STS/2007/{year}")
    after = selectors.balances(budget=budget)
    assert after["cash"] == cash_before["cash"] + 1_250_000 - slip.amount
    assert after["bank"] == cash_before["bank"] + slip.amount
    page.goto(f"/keuangan/buku/?buku=tunai&tahun={year}&hal=999")
    expect(page.locator("#book")).to_contain_text("STS 0900/STS/2007")
    page.goto(f"/keuangan/buku/?buku=bank&tahun={year}&hal=999")
    expect(page.locator("#book")).to_contain_text("STS 0900/STS/2007")

    # and the baliho prints from the office and from the public page
    page.goto(f"/keuangan/?tahun={year}")
    href = page.locator("#baliho-links a", has_text="A1 tegak").get_attribute("href")
    text, _ = _pdf_text(page, href)
    assert f"INFOGRAFIS APBDes {year}" in text
    page.context.clear_cookies()
    page.goto(f"/desa/{brokoh.code}/keuangan/")
    href = page.locator("#baliho-links a", has_text="A0").get_attribute("href")
    text, data = _pdf_text(page, href)
    assert "Penggunaan Dana Desa" in text
    assert "Bambang" not in text
    if SHOTS:
        pdf_path = tmp_path / "baliho.pdf"
        pdf_path.write_bytes(data)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "18",
                "-png",
                "-singlefile",
                str(pdf_path),
                os.path.join(SHOTS, "finance-baliho"),
            ],
            check=True,
        )
