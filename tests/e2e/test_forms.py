"""Dates shown and typed as dd-mm-yyyy whatever the browser's language, and Indonesian
validation messages instead of the browser's (issue 21, item 9)."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from balai.accounts.models import Role, User
from balai.people.models import Resident
from balai.people.tests.factories import FamilyFactory, ResidentFactory, RtFactory, VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "rahasia-demo-123"


@pytest.fixture
def english_page(browser, live_server):
    # An office laptop whose browser speaks English: its date fields would say mm/dd/yyyy.
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_birth_is_recorded_with_a_dd_mm_yyyy_date_and_indonesian_messages(english_page):
    page = english_page
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
    page.goto("/akun/masuk/")
    page.fill("#id_username", "operator.brokoh")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.goto(f"/penduduk/keluarga/{family.public_id}/")
    page.get_by_role("link", name="Catat kelahiran").click()

    # the date field asks for hh-bb-tttt
    birth = page.locator("#id_birth_date")
    expect(birth).to_have_attribute("placeholder", "hh-bb-tttt")

    # an empty required field gets an Indonesian message, not the browser's English one
    assert (
        page.locator("#id_name").evaluate(
            "el => { el.required = true; el.checkValidity(); return el.validationMessage; }"
        )
        == "Kolom ini wajib diisi."
    )
    page.get_by_role("button", name=re.compile("Simpan")).click()
    body = page.locator("main").inner_text()
    assert "required" not in body
    assert "This field" not in body
    birth = page.locator("#id_birth_date")

    # a date that does not exist is refused in Indonesian
    page.fill("#id_name", "Bayu Saputra")
    page.select_option("#id_sex", "1")
    birth.fill("31-02-2026")
    assert "hh-bb-tttt" in birth.evaluate("el => el.validationMessage")

    # when the operator writes the date as an Indonesian office does
    birth.fill("01-11-2026")
    page.get_by_role("button", name=re.compile("Simpan")).click()

    # then the birth is recorded on that day
    expect(page.get_by_text("BAYU SAPUTRA", exact=False).first).to_be_visible()
    assert Resident.objects.get(name__iexact="Bayu Saputra").birth_date == dt.date(2026, 11, 1)
