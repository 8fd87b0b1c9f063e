"""Issue 21 item 3 ("honest periods"), in a real browser: Brokoh's stunting page opens on the
last complete month, not on one posyandu's first days of the running month; chosen, the running
month is labelled "berjalan, data sampai …" with the posyandu that have reported, and drawn apart
in the trend; the camat's health table says which villages have not reported instead of 0 %."""

import datetime as dt
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from balai.accounts.models import Role, User
from balai.core.dates import Month, date_id
from balai.health.models import Posyandu, PosyanduSession
from balai.health.tests.test_reports import child, weigh
from balai.people.tests.factories import DusunFactory, RtFactory, VillageFactory

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


def test_reports_open_on_the_last_complete_month_and_label_the_running_one(page, tmp_path):
    # given Brokoh with two posyandu that both weighed last month, and only one so far this
    # month; Wonotunggal in the same district with no weighing at all; an operator and the camat
    today = timezone.localdate()
    this, last = Month.of(today), Month.of(today).previous()
    brokoh = VillageFactory(code="33.25.01.2007", name="Brokoh", district_code="33.25.01")
    VillageFactory(code="33.25.01.2006", name="Wonotunggal", district_code="33.25.01")
    born = today - dt.timedelta(days=500)
    for dusun_name, posyandu_name, weighs_now in (("KRAJAN", "MELATI", True), ("KIDUL", "MAWAR", False)):
        rt = RtFactory(village=brokoh, dusun=DusunFactory(village=brokoh, name=dusun_name))
        posyandu = Posyandu.objects.create(village=brokoh, name=posyandu_name, dusun=dusun_name)
        before = PosyanduSession.objects.create(
            village=brokoh, posyandu=posyandu, held_on=last.first + dt.timedelta(days=9)
        )
        kids = [child(brokoh, rt, born=born, name=f"ANAK {dusun_name} {i}") for i in range(4)]
        for kid in kids:
            weigh(brokoh, kid, before.held_on, "10.5", "80.0", session=before)
        if weighs_now:
            now = PosyanduSession.objects.create(village=brokoh, posyandu=posyandu, held_on=today)
            weigh(brokoh, kids[0], today, "9.0", "74.0", session=now)
    User.objects.create_user("operator.brokoh", password=PASSWORD, role=Role.OPERATOR, village=brokoh)
    User.objects.create_user(
        "camat.wonotunggal", password=PASSWORD, role=Role.CAMAT, district_code="33.25.01"
    )

    # when the operator opens the stunting page
    _sign_in(page, "operator.brokoh")
    page.goto("/kesehatan/laporan/stunting/")

    # then it shows last month, complete, with both posyandu reported
    period = page.locator("#period")
    expect(period).to_contain_text(last.label)
    expect(period).not_to_contain_text("berjalan")
    expect(period).to_contain_text("2 dari 2 posyandu melapor")

    # when the running month is chosen
    page.select_option("select[name=bulan]", str(this))
    page.get_by_role("button", name="Tampilkan").click()

    # then it is labelled running, says who has reported, and the trend draws it apart
    expect(period).to_contain_text(f"berjalan, data sampai {date_id(today)}")
    expect(period).to_contain_text("1 dari 2 posyandu melapor")
    expect(page.locator("#headline")).to_contain_text("sementara, bulan berjalan")
    assert page.locator("svg.trend polyline.trend-running").count() >= 1
    _shot(page, tmp_path, "health-stunting-running-month")

    # when the camat opens the district's health table for the running month
    _sign_in(page, "camat.wonotunggal")
    page.goto(f"/kesehatan/laporan/wilayah/?bulan={this}")

    # then Wonotunggal is "belum melapor", not 0 % weighed, and the count of villages shows
    expect(page.locator("#period")).to_contain_text("berjalan, data sampai")
    expect(page.locator("#period")).to_contain_text("1 dari 2 desa melapor")
    row = page.locator("tr", has_text="Wonotunggal").last
    expect(row).to_contain_text("belum melapor")
    expect(row).not_to_contain_text("0,0%")
    _shot(page, tmp_path, "health-regional-running-month")
