"""Issue 23 item 2 in a browser, on the demo: the operator names a ketua RT from the RT's living
residents (NIK masked), hands over the one-time password, and the new ketua RT — made to choose
a password of their own at the first sign-in — opens the phone page /rt/; then the operator
replaces them, and the old account no longer signs in."""

import datetime as dt
import os

import pytest
from playwright.sync_api import expect

from balai.accounts.models import User
from balai.devtools import demo
from balai.letters.models import RtHead
from balai.people.models import Resident
from balai.regions.models import Rt, Village

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "rahasia-demo-123"
SHOTS = os.environ.get("BALAI_SCREENSHOTS", "")


def _sign_in(page, username, password=PASSWORD):
    page.context.clear_cookies()
    page.goto("/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Masuk").click()


def _shot(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_operator_names_replaces_a_ketua_rt_who_signs_in_once(page, tmp_path):
    demo.generate(villages=1, residents_per_village=60, seed=7)
    demo.ensure_accounts(password=PASSWORD)
    brokoh = Village.objects.get(code=demo.PILOT_CODES[0])
    headed = set(RtHead.objects.filter(village=brokoh, ended_at__isnull=True).values_list("rt_id", flat=True))
    # only adults (17+) may head an RT: the candidates are adults born well before the cut-off
    adults = Resident.objects.filter(status=1, birth_date__lte=dt.date.today() - dt.timedelta(days=20 * 366))
    rt = next(
        r
        for r in Rt.objects.filter(village=brokoh).order_by("pk")
        if r.pk not in headed and adults.filter(rt=r).count() >= 2
    )
    first, second = adults.filter(rt=rt).order_by("name")[:2]

    # given the operator on the RT heads page: the RT has no ketua yet
    _sign_in(page, "operator.brokoh")
    page.goto("/surat/")
    page.get_by_role("link", name="Ketua RT").click()
    row = page.locator("#rt-heads tr", has_text=f"RT {rt.rt}").filter(has_text="Belum ada ketua").first
    expect(row).to_be_visible()
    _shot(page, tmp_path, "rt-heads-list")
    # when they open the RT, search a resident by name and name them
    page.goto(f"/surat/ketua-rt/{rt.public_id}/")
    page.fill("#q", first.name.split()[0])
    page.get_by_role("button", name="Cari").click()
    candidates = page.locator("#rt-candidates")
    expect(candidates).to_contain_text(first.name)
    assert first.nik not in page.content()  # masked
    _shot(page, tmp_path, "rt-head-pick")
    page.locator(f"#cand-{first.public_id}").check()
    page.get_by_role("button", name="Tetapkan sebagai ketua RT").click()
    # then the one-time password is shown once
    username = page.locator("#rt-username").inner_text().strip()
    once = page.locator("#rt-password").inner_text().strip()
    _shot(page, tmp_path, "rt-head-account")

    # when the new ketua RT signs in with it, they must choose their own password first
    _sign_in(page, username, once)
    expect(page.locator("#id_old_password")).to_be_visible()
    page.fill("#id_old_password", once)
    page.fill("#id_new_password1", "ketua-rt-baru-2026")
    page.fill("#id_new_password2", "ketua-rt-baru-2026")
    page.get_by_role("button", name="Simpan").click()
    page.goto("/rt/")
    expect(page.locator("h1")).to_contain_text("Pengantar RT digital")
    expect(page.locator("body")).not_to_contain_text("belum ditautkan")

    # when the operator replaces them (with a reason), the old account loses the role
    _sign_in(page, "operator.brokoh")
    page.goto(f"/surat/ketua-rt/{rt.public_id}/")
    expect(page.locator("#rt-current")).to_contain_text(first.name)
    page.locator(f"#cand-{second.public_id}").check()
    page.fill("#replace-reason", "Mengundurkan diri")
    page.get_by_role("button", name="Ganti ketua RT").click()
    expect(page.locator("#rt-password")).to_be_visible()
    old = User.objects.get(username=username)
    assert (old.role, old.is_active) == ("", False)
    page.goto(f"/surat/ketua-rt/{rt.public_id}/")
    expect(page.locator("#rt-current")).to_contain_text(second.name)
    expect(page.locator("body")).to_contain_text("Mengundurkan diri")
    _shot(page, tmp_path, "rt-head-replaced")
