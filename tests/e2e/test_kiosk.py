"""Issue 4's 'done means' for the kiosk, in a real browser (Debian's Chromium, headless):
an operator enrols a kiosk and prints a resident's first PIN; at the kiosk the resident signs
in with NIK + PIN on the on-screen keyboard, replaces the first PIN, asks for a Keterangan
Domisili (a ticket; the office issues it) and receives its PDF, gets a self-service letter at
once, and a lost connection mid-request loses and duplicates nothing. Five wrong PINs lock;
an idle kiosk signs out and Back shows nothing. Screenshots (portrait and landscape) go to
$BALAI_SCREENSHOTS when set (docs/screenshots/)."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from balai.accounts.models import Role, User
from balai.devices import services as device_services
from balai.devices.device import COOKIE_NAME
from balai.devices.models import KioskDevice, ResidentCredential
from balai.kiosk import services
from balai.kiosk.tests.conftest import office_issues
from balai.letters.models import Letter
from balai.people.tests.factories import FamilyFactory, ResidentFactory, RtFactory, VillageFactory
from balai.staff.models import Official

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "rahasia-demo-123"
SHOTS = os.environ.get("BALAI_SCREENSHOTS", "")
PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
NEW_PIN = "483920"


@pytest.fixture
def brokoh(db):
    village = VillageFactory(
        code="33.25.01.2007", name="Brokoh", address="Jl. Raya Brokoh No. 1", head_name="SUPARMAN"
    )
    family = FamilyFactory(village=village, rt=RtFactory(village=village), address="Dukuh Krajan")
    siti = ResidentFactory(
        village=village,
        family=family,
        rt=family.rt,
        name="SITI WAHYUNI",
        sex=2,
        birth_date=dt.date(1990, 7, 1),
    )
    operator = User.objects.create_user(
        "operator.brokoh", password=PASSWORD, role=Role.OPERATOR, village=village
    )
    kades = User.objects.create_user("kades.brokoh", password=PASSWORD, role=Role.KADES, village=village)
    Official.objects.create(
        village=village,
        user=kades,
        name="SUPARMAN",
        position="Kepala Desa",
        signs_letters=True,
        signs_as="own",
    )
    Official.objects.create(village=village, name="RINA LESTARI", position="Sekretaris Desa", order=1)
    services.announcement_save(
        actor=operator,
        village=village,
        data={
            "title": "Kerja bakti bersih desa",
            "body": "Minggu pukul 07.00 di setiap RT. Bawa cangkul dan karung.",
            "published_on": dt.date.today(),
            "expires_on": None,
            "is_active": True,
        },
    )
    return {"village": village, "siti": siti, "operator": operator, "kades": kades}


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"))


def _both(page, name):
    """Screenshot in portrait, then landscape (the same page at 1920×1080), back to portrait."""
    _shot(page, f"{name}-portrait")
    page.set_viewport_size(LANDSCAPE)
    _shot(page, f"{name}-landscape")
    page.set_viewport_size(PORTRAIT)


def _kiosk(browser, live_server, credential=None):
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport=PORTRAIT, has_touch=True)
    if credential:
        context.add_cookies(
            [
                {
                    "name": COOKIE_NAME,
                    "value": credential,
                    "url": live_server.url + "/anjungan/",
                    "httpOnly": True,
                }
            ]
        )
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def _tap_digits(page, digits):
    for d in digits:
        page.locator(f'#k-keyboard [data-key="{d}"]').click()


def _enrolled(brokoh, idle_seconds=None):
    device, code = device_services.device_create(
        actor=brokoh["operator"], village=brokoh["village"], label="Anjungan lobi"
    )
    device, credential = device_services.device_enrol(code=code)
    if idle_seconds:
        KioskDevice.objects.filter(pk=device.pk).update(idle_seconds=idle_seconds)
    return credential


def _with_pin(brokoh, pin=NEW_PIN):
    from balai.devices import pins

    siti = brokoh["siti"]
    device_services.pin_issue(actor=brokoh["operator"], resident=siti)
    ResidentCredential.objects.filter(resident=siti).update(
        pin_hash=pins.hash_pin(pin), must_change_pin=False
    )


def test_enrol_sign_in_change_pin_and_receive_domisili(page, browser, live_server, brokoh, settings):
    settings.BALAI_PUBLIC_URL = live_server.url
    siti = brokoh["siti"]

    # given an operator who adds a kiosk and prints Siti's first PIN
    page.goto("/akun/masuk/")
    page.fill("#id_username", "operator.brokoh")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.goto("/anjungan/kelola/")
    page.fill("#id_label", "Anjungan lobi")
    page.get_by_role("button", name="Buat dan tampilkan kode pendaftaran").click()
    code = page.locator("#enrol-code").inner_text().strip()
    page.goto("/anjungan/kelola/")
    page.fill("#id_kiosk_nik", siti.nik)
    page.get_by_role("button", name="Buka akses anjungan").click()
    page.get_by_role("button", name="Buat PIN awal dan cetak slip").click()
    first_pin = page.locator("#slip-pin").inner_text().strip()
    assert len(first_pin) == 6

    # when the kiosk browser, refused at first, is enrolled with the code
    context, kiosk = _kiosk(browser, live_server)
    response = kiosk.goto("/anjungan/")
    assert response.status == 403
    expect(kiosk.locator("h1")).to_contain_text("bukan anjungan terdaftar")
    kiosk.get_by_role("link", name="Daftarkan perangkat ini").click()
    kiosk.fill("#id_code", code)
    kiosk.get_by_role("button", name="Daftarkan").click()
    expect(kiosk.locator("h1")).to_contain_text("Selamat datang di Desa Brokoh")
    expect(kiosk.locator(".k-officials")).to_contain_text("RINA LESTARI")
    expect(kiosk.locator(".k-news")).to_contain_text("Kerja bakti")
    _both(kiosk, "kiosk-home")

    # and Siti signs in with NIK and the first PIN typed on the on-screen keyboard
    kiosk.get_by_role("link", name="Masuk Layanan Mandiri").click()
    kiosk.locator("#id_nik").click()
    expect(kiosk.locator("#k-keyboard")).to_be_visible()
    _tap_digits(kiosk, siti.nik)
    kiosk.locator("#id_pin").click()
    _tap_digits(kiosk, first_pin[:3])
    _both(kiosk, "kiosk-sign-in")
    _tap_digits(kiosk, first_pin[3:])
    kiosk.locator('#k-keyboard [data-key="OK"]').click()
    kiosk.get_by_role("button", name="Masuk", exact=True).click()

    # then she must replace the first PIN; a sequence is refused, her own choice accepted
    expect(kiosk.locator("h1")).to_contain_text("Ganti PIN")
    kiosk.fill("#id_current_pin", first_pin)
    kiosk.fill("#id_new_pin", "123456")
    kiosk.fill("#id_new_pin_again", "123456")
    kiosk.get_by_role("button", name="Simpan PIN baru").click()
    expect(kiosk.locator(".k-error")).to_contain_text("berurutan")
    kiosk.fill("#id_current_pin", first_pin)
    kiosk.fill("#id_new_pin", NEW_PIN)
    kiosk.fill("#id_new_pin_again", NEW_PIN)
    kiosk.get_by_role("button", name="Simpan PIN baru").click()
    expect(kiosk.locator("h1")).to_contain_text("Halo, SITI WAHYUNI")

    # when she asks for a Keterangan Domisili (checked by the office: she gets a ticket)
    kiosk.locator('[data-tile="letters"]').click()
    _both(kiosk, "kiosk-letters")
    kiosk.get_by_role("link", name="Keterangan Domisili").click()
    kiosk.fill("#id_keperluan", "MENDAFTAR SEKOLAH ANAK")
    kiosk.get_by_role("button", name="Kirim permintaan").click()
    expect(kiosk.locator("h1")).to_contain_text("Permintaan surat terkirim")
    letter = Letter.objects.get(subject=siti, type_code="domisili")
    expect(kiosk.locator(".k-ticket-code")).to_have_text(letter.tracking_code_display)
    assert siti.name not in kiosk.locator("#k-ticket").inner_text()
    # and the ticket's QR, as the screen shows it, opens the public status page
    shot = Image.open(io.BytesIO(kiosk.locator(".k-ticket-qr svg").screenshot()))
    status_url = f"{settings.BALAI_PUBLIC_URL}/v/lacak/{letter.tracking_code}"
    assert [code.text for code in zxingcpp.read_barcodes(shot)] == [status_url]
    _both(kiosk, "kiosk-letter-ticket")

    # and the office verifies, signs and issues it
    office_issues(letter, operator=brokoh["operator"], kades=brokoh["kades"])

    # then at the kiosk her family's letters show it issued, and the PDF is hers
    kiosk.get_by_role("link", name="Menu saya").click()
    kiosk.locator('[data-tile="letters"]').click()
    kiosk.locator(".k-row-link", has_text="Keterangan Domisili").click()
    expect(kiosk.locator("h1")).to_contain_text("Surat Anda sudah terbit")
    expect(kiosk.get_by_role("button", name="Cetak", exact=True)).to_be_visible()
    _both(kiosk, "kiosk-letter-issued")
    pdf = kiosk.request.get(f"/anjungan/saya/surat/{letter.public_id}/pdf/")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.body(), capture_output=True, check=True).stdout
    assert "SITI WAHYUNI" in text.decode()
    assert "DOMISILI" in text.decode().upper()

    # and a self-service Keterangan Penduduk is issued at once
    kiosk.get_by_role("link", name="Menu saya").click()
    kiosk.locator('[data-tile="letters"]').click()
    kiosk.get_by_role("link", name="Keterangan Penduduk").click()
    kiosk.fill("#id_keperluan", "MELAMAR PEKERJAAN")
    kiosk.get_by_role("button", name="Terbitkan surat").click()
    expect(kiosk.locator("h1")).to_contain_text("Surat Anda sudah terbit")
    assert Letter.objects.get(subject=siti, type_code="penduduk").state == "issued"
    context.close()


def test_lost_connection_mid_request_loses_and_duplicates_nothing(browser, live_server, brokoh):
    context, kiosk = _kiosk(browser, live_server, _enrolled(brokoh))
    _with_pin(brokoh)
    kiosk.goto("/anjungan/masuk/")
    kiosk.fill("#id_nik", brokoh["siti"].nik)
    kiosk.fill("#id_pin", NEW_PIN)
    kiosk.get_by_role("button", name="Masuk", exact=True).click()
    expect(kiosk.locator("h1")).to_contain_text("Halo")
    kiosk.goto("/anjungan/saya/surat/minta/penduduk/")
    kiosk.fill("#id_keperluan", "MELAMAR PEKERJAAN")

    # when the network drops as she taps
    context.set_offline(True)
    kiosk.get_by_role("button", name="Terbitkan surat").click()
    # then she is told, and the request waits in the kiosk's outbox with a ticket (issue 23)
    expect(kiosk.locator("#k-outbox-ticket")).to_be_visible()
    expect(kiosk.locator("#k-offline-state")).to_be_visible()
    assert not Letter.objects.exists()

    # when the network is back, it is sent once
    context.set_offline(False)
    expect(kiosk.locator("#k-outbox-status")).to_be_hidden(timeout=20000)
    assert Letter.objects.filter(subject=brokoh["siti"]).count() == 1

    # and a fresh request tapped twice quickly is one letter too
    kiosk.goto("/anjungan/saya/surat/minta/penduduk/")
    kiosk.fill("#id_keperluan", "MENDAFTAR BPJS")
    button = kiosk.get_by_role("button", name="Terbitkan surat")
    button.click()
    button.click(force=True, no_wait_after=True)
    expect(kiosk.locator("h1")).to_contain_text("Surat Anda sudah terbit")
    # then there is one letter
    assert Letter.objects.filter(subject=brokoh["siti"]).count() == 2
    context.close()


def test_five_wrong_pins_lock_the_resident(browser, live_server, brokoh):
    context, kiosk = _kiosk(browser, live_server, _enrolled(brokoh))
    _with_pin(brokoh)
    for n in range(5):
        kiosk.goto("/anjungan/masuk/")
        kiosk.fill("#id_nik", brokoh["siti"].nik)
        kiosk.fill("#id_pin", "715264")
        kiosk.get_by_role("button", name="Masuk", exact=True).click()
        if n < 4:
            expect(kiosk.locator(".k-error")).to_contain_text(f"Sisa {4 - n} kali")
    expect(kiosk.locator(".k-error")).to_contain_text("PIN terkunci sementara")
    _shot(kiosk, "kiosk-locked-portrait")

    # the right PIN, now, is still refused
    kiosk.goto("/anjungan/masuk/")
    kiosk.fill("#id_nik", brokoh["siti"].nik)
    kiosk.fill("#id_pin", NEW_PIN)
    kiosk.get_by_role("button", name="Masuk", exact=True).click()
    expect(kiosk.locator(".k-error")).to_contain_text("terkunci")
    assert ResidentCredential.objects.get(resident=brokoh["siti"]).failed_count == 5
    context.close()


def test_idle_kiosk_signs_out_and_back_shows_nothing(browser, live_server, brokoh):
    # Long enough that signing in on a loaded test machine never meets the idle warning first.
    context, kiosk = _kiosk(browser, live_server, _enrolled(brokoh, idle_seconds=12))
    _with_pin(brokoh)
    kiosk.goto("/anjungan/masuk/")
    kiosk.fill("#id_nik", brokoh["siti"].nik)
    kiosk.fill("#id_pin", NEW_PIN)
    kiosk.get_by_role("button", name="Masuk", exact=True).click()
    kiosk.get_by_role("link", name="Keluarga saya").click()
    expect(kiosk.locator("table")).to_contain_text("SITI WAHYUNI")

    # when nobody touches the screen for the idle timeout
    expect(kiosk.locator(".k-messages")).to_contain_text("Sesi diakhiri", timeout=45000)
    # then the kiosk is back home, signed out
    expect(kiosk.locator("h1")).to_contain_text("Selamat datang")
    assert kiosk.url.endswith("/anjungan/")
    # and Back shows nothing personal
    kiosk.go_back()
    kiosk.wait_for_load_state()
    assert "SITI WAHYUNI" not in kiosk.content()
    context.close()
