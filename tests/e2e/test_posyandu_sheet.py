"""Issue 6, in a real browser: a cadre enters a posyandu session from the keyboard only. Each
row saves with Enter, shows the child's status at once and moves on to the next child; an
implausible weight asks for confirmation first; the child's page draws the growth chart."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from balai.accounts.models import Role, User
from balai.health import services
from balai.health.models import ChildMeasurement
from balai.people.tests.factories import (
    DusunFactory,
    FamilyFactory,
    ResidentFactory,
    RtFactory,
    VillageFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "rahasia-demo-123"


def test_cadre_fills_the_session_sheet_with_the_keyboard(page):
    # given Brokoh, a posyandu of RT 001/001 with two toddlers, and its cadre
    today = timezone.localdate()
    brokoh = VillageFactory(code="33.25.01.2007", name="Brokoh")
    rt = RtFactory(village=brokoh, dusun=DusunFactory(village=brokoh, name="KRAJAN"), rw="001", rt="001")
    family = FamilyFactory(village=brokoh, rt=rt)
    first, second = (
        ResidentFactory(
            village=brokoh,
            family=family,
            rt=rt,
            name=name,
            sex=2,
            birth_date=today - dt.timedelta(days=days),
            family_relation=4,
        )
        for name, days in (("AYU LESTARI", 400), ("BUNGA CITRA", 731))
    )
    kader = User.objects.create_user(
        "kader.brokoh", password=PASSWORD, role=Role.KADER_POSYANDU, village=brokoh
    )
    posyandu = services.posyandu_create(actor=kader, village=brokoh, name="MAWAR", rts=[rt])
    session = services.session_open(actor=kader, village=brokoh, posyandu=posyandu, held_on=today)

    # when the cadre signs in and opens the sheet
    page.goto("/akun/masuk/")
    page.fill("#id_username", "kader.brokoh")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.goto(f"/kesehatan/sesi/{session.public_id}/")
    row1 = page.locator(f"#r-{first.public_id}")
    row2 = page.locator(f"#r-{second.public_id}")

    # and types weight, Tab, length, Enter for the first child
    row1.locator("input.first").click()
    page.keyboard.type("9,1")
    page.keyboard.press("Tab")
    page.keyboard.type("75.5")
    page.keyboard.press("Enter")

    # then the row shows the status and the cursor is on the next child's weight
    expect(row1.locator(".status")).to_contain_text("Berat badan normal")
    expect(row2.locator("input.first")).to_be_focused()

    # when the second child's weight is implausible (2 kg at 24 months)
    page.keyboard.type("2")
    page.keyboard.press("Enter")

    # then nothing is saved yet: the row asks to confirm, focus on the confirmation
    expect(row2.locator(".warning-box")).to_contain_text("Nilai tidak wajar")
    expect(row2.locator(".confirm-box")).to_be_focused()
    assert not ChildMeasurement.objects.filter(child=second).exists()

    # when the cadre confirms from the keyboard
    page.keyboard.press("Space")
    page.keyboard.press("Enter")

    # then it is saved, flagged
    expect(row2.locator(".status")).to_contain_text("dikonfirmasi")
    assert ChildMeasurement.objects.get(child=second).flags == "wfa"

    # and the first child's page draws both growth charts
    page.goto(f"/kesehatan/anak/{first.public_id}/")
    expect(page.locator("svg.growth-chart")).to_have_count(2)
    expect(page.locator("svg.growth-chart circle")).to_have_count(2)
