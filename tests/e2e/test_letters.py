"""Issue 3's 'done means', in a real browser: an operator of Brokoh issues a Keterangan
Domisili, the head of village signs, the PDF's QR opens the public page saying it is genuine,
one altered character says it is not, and the register lists the letter."""

import datetime as dt
import os
import re
import subprocess

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from balai.accounts.models import Role, User
from balai.letters.models import Letter
from balai.people.tests.factories import FamilyFactory, ResidentFactory, RtFactory, VillageFactory
from balai.staff.models import Official

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


def test_operator_issues_domisili_and_anyone_verifies_it(page, live_server, settings, tmp_path):
    # given Brokoh, a resident, an operator, and a head of village who signs letters
    settings.BALAI_PUBLIC_URL = live_server.url
    brokoh = VillageFactory(code="33.25.01.2007", name="Brokoh", address="Jl. Raya Brokoh No. 1")
    family = FamilyFactory(village=brokoh, rt=RtFactory(village=brokoh))
    siti = ResidentFactory(
        village=brokoh,
        family=family,
        rt=family.rt,
        name="SITI WAHYUNI",
        sex=2,
        birth_date=dt.date(1990, 7, 1),
    )
    User.objects.create_user("operator.brokoh", password=PASSWORD, role=Role.OPERATOR, village=brokoh)
    kades = User.objects.create_user("kades.brokoh", password=PASSWORD, role=Role.KADES, village=brokoh)
    Official.objects.create(
        village=brokoh,
        user=kades,
        name="Suparman",
        position="Kepala Desa",
        signs_letters=True,
        signs_as="own",
    )

    # when the operator requests the letter from the resident's page
    _sign_in(page, "operator.brokoh")
    page.goto(f"/penduduk/{siti.public_id}/")
    page.get_by_role("link", name="Buat surat").click()
    page.get_by_role("link", name="Keterangan Domisili").click()
    page.fill("#f-keperluan", "Mendaftar sekolah anak")
    for box in page.locator("input[name=requirements]").all():
        box.check()
    page.get_by_role("button", name="Ajukan permohonan").click()
    expect(page.locator("h1")).to_contain_text("Keterangan Domisili")
    page.get_by_role("button", name="Verifikasi").click()
    expect(page.locator("h1")).to_contain_text("Diverifikasi")
    letter = Letter.objects.get()

    # and the head of village signs, and the operator issues it
    _sign_in(page, "kades.brokoh")
    page.goto(f"/surat/{letter.public_id}/")
    # signing shows the letter first, then asks once more
    page.get_by_role("link", name="Periksa lalu tandatangani").click()
    expect(page.locator("h1")).to_contain_text("Periksa sebelum menandatangani")
    page.get_by_role("button", name="Tandatangani").click()
    expect(page.locator("h1")).to_contain_text("Ditandatangani")
    _sign_in(page, "operator.brokoh")
    page.goto(f"/surat/{letter.public_id}/")
    page.get_by_role("button", name=re.compile("Terbitkan")).click()
    expect(page.locator("h1")).to_contain_text("Terbit")
    _shot(page, tmp_path, "letter-detail")
    letter.refresh_from_db()

    # then the PDF carries a QR that decodes to the public page, which says it is genuine
    pdf = page.request.get(f"/surat/{letter.public_id}/pdf/").body()
    (tmp_path / "surat.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "150",
            "-png",
            "-singlefile",
            str(tmp_path / "surat.pdf"),
            str(tmp_path / "surat"),
        ],
        check=True,
    )
    codes = zxingcpp.read_barcodes(Image.open(tmp_path / "surat.png"))
    assert len(codes) == 1
    url = codes[0].text
    assert url.startswith(f"{live_server.url}/v/{letter.token}?p=")
    page.context.clear_cookies()
    page.goto(url)
    expect(page.get_by_text("ASLI DAN BERLAKU")).to_be_visible()
    expect(page.get_by_text(letter.number)).to_be_visible()
    expect(page.get_by_text("S*** W******")).to_be_visible()
    _shot(page, tmp_path, "verify-valid")

    # and one altered character of the token says it is not
    token = letter.token
    altered = token[:5] + ("x" if token[5] != "x" else "y") + token[6:]
    page.goto(url.replace(token, altered))
    expect(page.get_by_text("TIDAK ASLI")).to_be_visible()
    assert letter.number not in page.content()
    _shot(page, tmp_path, "verify-altered")

    # and the register lists it
    _sign_in(page, "operator.brokoh")
    page.goto("/surat/agenda/")
    expect(page.get_by_text(letter.number)).to_be_visible()
    _shot(page, tmp_path, "register")
