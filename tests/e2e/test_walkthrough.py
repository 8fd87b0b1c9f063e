"""The issue's 'done means' walk, in a real browser: an operator of Brokoh finds a resident,
records a birth and imports an OpenSID file; the regency then sees the overview."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from balai.accounts.models import Role, User
from balai.people.models import Resident
from balai.people.tests.factories import FamilyFactory, ResidentFactory, RtFactory, VillageFactory
from balai.people.tests.xlsx_helpers import kk, person, write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "rahasia-demo-123"


def _sign_in(page, username):
    page.goto("/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_operator_and_regency_walkthrough(page, tmp_path):
    # given Brokoh with one family, an operator, and the regency office
    brokoh = VillageFactory(code="33.25.01.2007", name="Brokoh")
    family = FamilyFactory(village=brokoh, rt=RtFactory(village=brokoh))
    ResidentFactory(
        village=brokoh,
        family=family,
        rt=family.rt,
        name="SITI WAHYUNI",
        sex=2,
        family_relation=1,
        birth_date=dt.date(1990, 7, 1),
    )
    User.objects.create_user("operator.brokoh", password=PASSWORD, role=Role.OPERATOR, village=brokoh)
    User.objects.create_user("dispermades", password=PASSWORD, role=Role.DISPERMADES)

    # when the operator signs in and searches by name (htmx updates the table as they type)
    _sign_in(page, "operator.brokoh")
    expect(page.locator("h1")).to_have_text("Beranda")
    page.goto("/penduduk/")
    # Leaving the field sends the search; wait for htmx's answer before clicking, since a click
    # whose mouse-down lands on the old row and mouse-up on the swapped-in one is no click.
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/penduduk/")):
        page.fill("#id_q", "wahyu")
        page.locator("#id_q").blur()
    page.get_by_role("link", name="SITI WAHYUNI").click()
    expect(page.locator("h1")).to_contain_text("SITI WAHYUNI")
    page.screenshot(path=str(tmp_path / "resident.png"), full_page=True)

    # and records a birth from the family page
    page.goto(f"/penduduk/keluarga/{family.public_id}/")
    page.get_by_role("link", name="Catat kelahiran").click()
    page.fill("#id_name", "Bayu Saputra")
    page.select_option("#id_sex", "1")
    page.fill("#id_birth_date", "2026-11-01")
    page.get_by_role("button", name=re.compile("Simpan")).click()
    expect(page.get_by_text("BAYU SAPUTRA", exact=False).first).to_be_visible()
    baby = Resident.objects.get(name__iexact="Bayu Saputra")
    assert baby.family_id == family.pk
    assert baby.mother_name == "SITI WAHYUNI"

    # and imports an OpenSID spreadsheet of two new residents
    file = write_xlsx(
        tmp_path / "penduduk.xlsx",
        [
            person(11, no_kk=kk(7), kk_level=1, nama="AHMAD FAUZI"),
            person(12, no_kk=kk(7), kk_level=3, sex=2, nama="DEWI LESTARI"),
        ],
    )
    page.goto("/penduduk/impor/")
    page.set_input_files("input[type=file]", str(file))
    page.get_by_role("button", name="Unggah dan impor").click()
    expect(page.get_by_text("Berhasil").first).to_be_visible()
    assert Resident.objects.filter(village=brokoh, name__in=["AHMAD FAUZI", "DEWI LESTARI"]).count() == 2

    # then the regency office sees the overview with Brokoh's count and the pyramid
    page.goto("/")
    page.get_by_role("button", name="Keluar").click()
    _sign_in(page, "dispermades")
    page.goto("/dasbor/")
    expect(page.get_by_text("Brokoh").first).to_be_visible()
    expect(page.locator("svg").first).to_be_visible()
    assert "SITI WAHYUNI" not in page.content()
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
