"""Issue 17 item 7 ("single data") and item 2 (the chart editable per regency), issue 18's siltap
link, in a real browser on the demo's finance year: the treasurer registers a vendor and raises
an SPP to a resident found by name (masked NIK); BLT Dana Desa distributions recorded in the aid
module are the BLT line's realisation, shown on the finance page and on the programme's page;
the official's record shows their fixed income budgeted and paid; Dispermades adds an account
to the regency's chart.

Screenshots go to docs/screenshots/finance-*.png when BALAI_SCREENSHOTS names that folder."""

from __future__ import annotations

import os
import random

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from balai.accounts.models import Role, User
from balai.aid.tests.distribution_fixtures import make_family
from balai.finance.demo import extend_village
from balai.finance.models import Account, AidLink, Entry, PaymentRequest
from balai.people.tests.factories import ResidentFactory, VillageFactory
from balai.staff.services import official_create

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


def test_finance_single_data(page, live_server, tmp_path):
    # given Brokoh with families, its officials and office accounts, and the demo's finance year
    today = timezone.localdate()
    year = today.year
    brokoh = VillageFactory(
        code="33.25.01.2007", name="Brokoh", district_code="33.25.01", district_name="Wonotunggal"
    )
    for n in range(24):
        make_family(brokoh, f"KELUARGA BROKOH {n}")
    payee = ResidentFactory(village=brokoh, name="SUKIMAN WIRYOSENTONO")
    kades = official_create(
        actor=None, village=brokoh, data={"name": "H. SUTRISNO", "position": "Kepala Desa", "resident": payee}
    )
    for name, role in (("operator", Role.OPERATOR), ("bendahara", Role.BENDAHARA)):
        User.objects.create_user(f"{name}.brokoh", password=PASSWORD, role=role, village=brokoh)
    User.objects.create_user("dispermades", password=PASSWORD, role=Role.DISPERMADES)
    extend_village(village=brokoh, rnd=random.Random(7), today=today)
    link = AidLink.objects.get(village=brokoh)
    page.set_default_timeout(30000)  # the setup above is heavy; the shared machine is slow

    # when the treasurer registers a vendor (NPWP and account shown masked)
    _sign_in(page, "bendahara.brokoh")
    page.goto(f"/keuangan/penyedia/?tahun={year}")
    page.fill("#id_name", "CV Bina Marga Sejahtera")
    page.fill("#id_npwp", "04.567.890.1-234.000")
    page.fill("#id_bank_name", "BRI")
    page.fill("#id_bank_account", "0123-01-998877-30-5")
    page.get_by_role("button", name="Daftarkan").click()
    expect(page.locator("#vendors")).to_contain_text("CV Bina Marga Sejahtera")
    expect(page.locator("#vendors")).to_contain_text("…4000")
    expect(page.locator("#vendors")).not_to_contain_text("045678901234000")
    _shot(page, tmp_path, "finance-vendors")

    # and raises an SPP to a resident found by name, whose NIK is shown masked
    page.goto(f"/keuangan/spp/?tahun={year}")
    page.fill("#cari", "sukiman")
    page.get_by_role("button", name="Cari warga").click()
    expect(page.locator("#payee-hits")).to_contain_text(payee.nik[-6:])
    expect(page.locator("#payee-hits")).not_to_contain_text(payee.nik)
    page.get_by_role("link", name="SUKIMAN WIRYOSENTONO").click()
    expect(page.locator("#payee-chosen")).to_contain_text("SUKIMAN WIRYOSENTONO")
    page.fill("#id_number", f"0950/SPP/2007/{year}")
    page.fill("#id_date", f"{year}-{today.month:02d}-01")
    page.select_option(
        "#id_line", label=page.locator("#id_line option", has_text="Jasa konsultan pengawas").inner_text()
    )
    page.fill("#id_amount", "1.500.000")
    page.fill("#id_description", "Honor narasumber musyawarah desa")
    _shot(page, tmp_path, "finance-spp-resident-payee")
    page.get_by_role("button", name="Ajukan SPP").click()
    expect(page.locator("#spp-status")).to_have_text("Diajukan")
    expect(page.get_by_text("warga", exact=True)).to_be_visible()
    assert PaymentRequest.objects.get(number=f"0950/SPP/2007/{year}").payee_resident_id == payee.pk

    # then BLT distributions recorded in the aid module are the BLT line's realisation
    page.goto(f"/keuangan/bantuan/?tahun={year}")
    booked = sum(Entry.objects.filter(budget_line=link.budget_line).values_list("amount", flat=True))
    assert booked > 0
    expect(page.locator("#aid-links")).to_contain_text(f"{booked:,}".replace(",", "."))
    _shot(page, tmp_path, "finance-blt-link")
    _sign_in(page, "operator.brokoh")
    page.goto(f"/bantuan/program/{link.programme.public_id}/")
    expect(page.get_by_text("Pembiayaan dari APBDes")).to_be_visible()
    expect(page.get_by_text("5.4.1.02", exact=False)).to_be_visible()
    _shot(page, tmp_path, "finance-blt-on-aid-programme")

    # and the official's record shows their fixed income budgeted and paid this year
    page.goto(f"/perangkat/{kades.public_id}/riwayat/")
    expect(page.get_by_text(f"Penghasilan tetap dan tunjangan di APBDes {year}")).to_be_visible()
    expect(page.get_by_text("5.1.1.01", exact=False).first).to_be_visible()
    _shot(page, tmp_path, "finance-siltap-on-official")
    page.goto(f"/keuangan/perangkat/?tahun={year}")
    expect(page.locator("#official-pay")).to_contain_text("H. SUTRISNO")
    _shot(page, tmp_path, "finance-officials")

    # and Dispermades adds an account to the regency's chart for the year
    _sign_in(page, "dispermades")
    page.goto(f"/keuangan/wilayah/bagan-akun/?tahun={year}")
    page.fill("#id_code", "5.2.1.77")
    page.fill("#id_name", "Belanja khusus kabupaten")
    page.get_by_role("button", name="Tambah").click()
    expect(page.locator("#chart")).to_contain_text("Belanja khusus kabupaten")
    assert Account.objects.filter(regency_code=brokoh.regency_code, year=year, code="5.2.1.77").exists()
    _shot(page, tmp_path, "finance-chart")
