"""Issue 23's 'done means' in a browser at 1080×1920: a resident signs in from a home-screen
tile, sees the children's school and PIP, the pregnancy schedule, files and follows a
complaint, and — with the network cut — leaves a request that arrives when it returns.
Screenshots (portrait and landscape) go to $BALAI_SCREENSHOTS when set (docs/screenshots/)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from balai.desk import services as desk
from balai.desk.models import Complaint
from balai.education import services as education
from balai.education.models import Level, Scholarship
from balai.health import services as health
from balai.letters.models import Letter
from balai.people.tests.factories import ResidentFactory
from tests.e2e.test_kiosk import NEW_PIN, _both, _enrolled, _kiosk, _with_pin, brokoh  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def family(brokoh):  # noqa: F811
    village, siti = brokoh["village"], brokoh["siti"]
    today = timezone.localdate()
    andi = ResidentFactory(
        village=village, family=siti.family, rt=siti.rt, name="ANDI PRATAMA", sex=1,
        birth_date=today.replace(year=today.year - 9),
    )  # fmt: skip
    dewi = ResidentFactory(
        village=village, family=siti.family, rt=siti.rt, name="DEWI LESTARI", sex=2,
        birth_date=today.replace(year=today.year - 24),
    )  # fmt: skip
    school = education.school_create(
        actor=None, village=village,
        data={"name": "SD NEGERI 1 BROKOH", "npsn": "20312345", "level": Level.SD, "status": "negeri"},
    )  # fmt: skip
    education.enrolment_record(
        actor=None, village=village, resident=andi, school=school, school_year=today.year, grade=3,
        enrolled_year=today.year - 2,
    )  # fmt: skip
    education.scholarship_set(
        actor=None, village=village, resident=andi, year=today.year, status=Scholarship.Status.DISBURSED,
        kip_number="KIP98765432",
    )  # fmt: skip
    pregnancy = health.pregnancy_register(
        actor=None, village=village, mother=dewi, lmp_date=today - dt.timedelta(weeks=20), gravida=1
    )
    health.antenatal_visit_record(
        actor=None, pregnancy=pregnancy, visited_on=today - dt.timedelta(weeks=12), weight_kg="50.0",
        muac_cm="24.0", hb_g_dl="10.4", iron_tablets=30, bp_systolic=110, bp_diastolic=70,
    )  # fmt: skip
    health.antenatal_visit_record(
        actor=None, pregnancy=pregnancy, visited_on=today - dt.timedelta(weeks=9), weight_kg="51.2",
        muac_cm="24.1", hb_g_dl="11.2", iron_tablets=30, bp_systolic=112, bp_diastolic=72,
    )  # fmt: skip
    return brokoh


def _sign_in(kiosk, siti):
    kiosk.fill("#id_nik", siti.nik)
    kiosk.fill("#id_pin", NEW_PIN)
    kiosk.get_by_role("button", name="Masuk", exact=True).click()


def test_resident_sees_school_pregnancy_and_files_and_follows_a_complaint(browser, live_server, family):
    siti = family["siti"]
    context, kiosk = _kiosk(browser, live_server, _enrolled(family))
    _with_pin(family)

    # given the kiosk home with every module's tile
    kiosk.goto("/anjungan/")
    tiles = kiosk.locator("#k-home-tiles")
    for label in ("Keluarga saya", "Surat", "Bantuan sosial", "Sekolah anak & PIP", "Kehamilan (buku KIA)"):
        expect(tiles).to_contain_text(label)
    _both(kiosk, "kiosk-home-tiles")

    # when Siti taps the school tile, she signs in and lands on her children's schooling
    tiles.locator('[data-tile="school"]').click()
    expect(kiosk.locator("h1")).to_contain_text("Masuk Layanan Mandiri")
    _sign_in(kiosk, siti)
    expect(kiosk.locator("h1")).to_contain_text("Sekolah anak & PIP")
    card = kiosk.locator("[data-child]", has_text="ANDI PRATAMA")
    expect(card).to_contain_text("SD NEGERI 1 BROKOH")
    expect(card).to_contain_text("3")
    expect(card).to_contain_text("Aktif")
    expect(card).to_contain_text("Sudah cair")
    assert "KIP98765432" not in kiosk.content()
    _both(kiosk, "kiosk-school")

    # and the pregnancy schedule of her family's expecting mother
    kiosk.get_by_role("link", name="Menu saya").click()
    kiosk.locator('[data-tile="pregnancy"]').click()
    expect(kiosk.locator("[data-pregnancy]")).to_contain_text("DEWI LESTARI")
    expect(kiosk.locator("[data-pregnancy]")).to_contain_text("20 minggu")
    expect(kiosk.locator("#k-next-visit")).to_contain_text("K3")
    expect(kiosk.locator("[data-pregnancy] table")).to_contain_text("K2")
    expect(kiosk.locator("[data-pregnancy] .k-note")).to_contain_text("Anemia")
    _both(kiosk, "kiosk-pregnancy")

    # when she files a complaint
    kiosk.get_by_role("link", name="Menu saya").click()
    kiosk.locator('[data-tile="complaint"]').click()
    kiosk.fill("#k-subject", "Lampu jalan mati")
    kiosk.fill("#k-body", "Lampu jalan di depan balai RT 01 mati sejak seminggu.")
    kiosk.locator("h1").click()  # closes the on-screen keyboard, as a tap outside it does
    kiosk.get_by_role("button", name="Kirim", exact=True).click()
    number = kiosk.locator("#tracking-number").inner_text().strip()
    complaint = Complaint.objects.get(resident=siti)
    assert number == complaint.tracking_display
    # and the office answers it
    desk.complaint_handle(
        actor=family["operator"], complaint=complaint, state=Complaint.State.ANSWERED,
        response="Sudah dilaporkan ke PLN, diperbaiki Kamis.",
    )  # fmt: skip
    # then she follows it by its number
    kiosk.get_by_role("link", name="Menu saya").click()
    kiosk.locator('[data-tile="complaint_status"]').click()
    kiosk.fill("#k-number", number)
    kiosk.get_by_role("button", name="Cari").click()
    expect(kiosk.locator(".desk-state")).to_contain_text("Sudah dijawab")
    expect(kiosk.locator("main")).to_contain_text("diperbaiki Kamis")
    _both(kiosk, "kiosk-complaint-followed")
    context.close()


def test_network_cut_request_waits_in_the_outbox_and_arrives_once(browser, live_server, family):
    siti = family["siti"]
    context, kiosk = _kiosk(browser, live_server, _enrolled(family))
    _with_pin(family)
    kiosk.goto("/anjungan/masuk/")
    _sign_in(kiosk, siti)
    expect(kiosk.locator("h1")).to_contain_text("Halo")
    kiosk.goto("/anjungan/saya/surat/minta/domisili/")
    kiosk.fill("#id_keperluan", "MENDAFTAR SEKOLAH ANAK")

    # when the network drops as she taps
    context.set_offline(True)
    kiosk.get_by_role("button", name="Kirim permintaan").click()
    # then the kiosk says so plainly and gives her a ticket with a code
    ticket = kiosk.locator("#k-outbox-ticket")
    expect(ticket).to_be_visible()
    code = kiosk.locator("#k-ticket-code").inner_text().strip()
    assert len(code) == 9
    assert siti.name not in ticket.inner_text()
    expect(kiosk.locator("#k-offline-state")).to_be_visible()
    expect(kiosk.locator("#k-outbox-status")).to_contain_text("1")
    _both(kiosk, "kiosk-offline-ticket")
    assert not Letter.objects.exists()
    # what is stored on the device is sealed: her words are not readable there
    stored = kiosk.evaluate(
        """() => new Promise(r => { const o = indexedDB.open('balai-kiosk-outbox');
             o.onsuccess = () => { const g = o.result.transaction('items').objectStore('items').getAll();
             g.onsuccess = () => r(JSON.stringify(g.result.map(i => Array.from(new Uint8Array(i.ct))))); }; })"""
    )
    assert "MENDAFTAR" not in stored
    assert len(stored) > 50

    # and she finishes: the ticket closes and her session with it (still offline: home fails
    # to load, nothing of hers is on screen)
    context.set_offline(False)
    expect(kiosk.locator("#k-outbox-status")).to_be_hidden(timeout=20000)
    # then the request arrived, once
    letter = Letter.objects.get(subject=siti, type_code="domisili")
    assert letter.fields["keperluan"] == "MENDAFTAR SEKOLAH ANAK"
    assert letter.idempotency_key.upper().startswith(code.replace("-", ""))
    # replaying it (a second kiosk tab, a lost answer) changes nothing
    assert kiosk.evaluate("() => window.balaiOutbox.flush().then(() => window.balaiOutbox.count())") == 0
    assert Letter.objects.filter(subject=siti).count() == 1
    kiosk.locator("[data-ticket-close]").click()
    expect(kiosk.locator("h1")).to_contain_text("Selamat datang")
    context.close()


def test_self_served_letter_approved_by_the_rt_on_a_phone(browser, live_server, family):
    from balai.accounts.models import Role, User
    from balai.letters.models import RtHead
    from balai.letters.services.settings import letter_kiosk_settings_update
    from tests.e2e.test_kiosk import PASSWORD, SHOTS

    siti, village = family["siti"], family["village"]
    # given a village that self-serves the Keterangan Domisili with the RT's digital pengantar
    letter_kiosk_settings_update(
        actor=family["kades"], village=village, kiosk_types=["penduduk", "domisili"],
        self_service_types=["penduduk", "domisili"],
    )  # fmt: skip
    ketua = User.objects.create_user("rt01.brokoh", password=PASSWORD, role=Role.KETUA_RT, village=village)
    RtHead.objects.create(village=village, user=ketua, rt=siti.rt)
    context, kiosk = _kiosk(browser, live_server, _enrolled(family))
    _with_pin(family)
    kiosk.goto("/anjungan/masuk/")
    _sign_in(kiosk, siti)
    expect(kiosk.locator("h1")).to_contain_text("Halo")

    # when Siti asks for it, choosing the purpose with one tap
    kiosk.locator('[data-tile="letters"]').click()
    kiosk.get_by_role("link", name="Keterangan Domisili").click()
    expect(kiosk.locator("#k-needs-rt")).to_contain_text("ketua RT")
    kiosk.get_by_role("button", name="Mendaftar sekolah").click()
    expect(kiosk.locator("#id_keperluan")).to_have_value("Mendaftar sekolah")
    _both(kiosk, "kiosk-letter-rt-request")
    kiosk.get_by_role("button", name="Kirim permintaan").click()
    expect(kiosk.locator("h1")).to_contain_text("Permintaan surat terkirim")
    letter = Letter.objects.get(subject=siti, type_code="domisili")
    assert letter.state == "submitted"

    # then her ketua RT sees it on his phone and approves it
    phone_ctx = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 390, "height": 844}
    )
    phone = phone_ctx.new_page()
    phone.set_default_timeout(15000)
    phone.goto("/akun/masuk/?next=/rt/")
    phone.fill("#id_username", "rt01.brokoh")
    phone.fill("#id_password", PASSWORD)
    phone.get_by_role("button", name="Masuk").click()
    card = phone.locator("[data-pengantar]", has_text="SITI WAHYUNI")
    expect(card).to_contain_text("Keterangan Domisili")
    expect(card).to_contain_text("Mendaftar sekolah")
    assert siti.nik not in phone.content()
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/kiosk-rt-phone-portrait.png", full_page=True)
    card.get_by_role("button", name="Setujui pengantar").click()
    expect(phone.locator("main")).to_contain_text("disetujui")
    phone_ctx.close()

    # and the letter is issued at once: Siti prints it at the kiosk
    letter.refresh_from_db()
    assert letter.state == "issued"
    kiosk.get_by_role("link", name="Menu saya").click()
    kiosk.locator('[data-tile="letters"]').click()
    kiosk.locator(".k-row-link", has_text="Keterangan Domisili").click()
    expect(kiosk.locator("h1")).to_contain_text("Surat Anda sudah terbit")
    _both(kiosk, "kiosk-letter-rt-issued")
    context.close()


def test_guidance_tour_large_text_voice_and_help_call(browser, live_server, family):
    from balai.kiosk.models import HelpCall

    context, kiosk = _kiosk(browser, live_server, _enrolled(family))
    kiosk.goto("/anjungan/")
    # the 3-step tour
    kiosk.locator("#k-tour-open").click()
    tour = kiosk.locator("#k-tour")
    expect(tour).to_be_visible()
    expect(tour).to_contain_text("1. Masuk dengan NIK dan PIN")
    _both(kiosk, "kiosk-tour")
    tour.get_by_role("button", name="Lanjut").click()
    expect(tour).to_contain_text("2. Pilih layanan")
    tour.get_by_role("button", name="Lanjut").click()
    expect(tour).to_contain_text("3. Selesai? Tekan Keluar")
    tour.get_by_role("button", name="Mengerti").click()
    expect(tour).to_be_hidden()
    # large text, kept while this visit lasts
    kiosk.locator("#k-large-toggle").click()
    expect(kiosk.locator("body")).to_have_class(__import__("re").compile(r"\bk-large\b"))
    _both(kiosk, "kiosk-large-text")
    kiosk.goto("/anjungan/status/")
    expect(kiosk.locator("body")).to_have_class(__import__("re").compile(r"\bk-large\b"))
    # the spoken guide reads the screen in Bahasa Indonesia
    kiosk.locator("#k-voice-toggle").click()
    expect(kiosk.locator("#k-voice-toggle")).to_have_attribute("aria-pressed", "true")
    assert kiosk.locator("body").get_attribute("data-last-spoken")
    # the help button calls an operator
    kiosk.get_by_role("button", name="Panggil petugas").click()
    expect(kiosk.locator(".k-messages")).to_contain_text("Petugas desa sudah dipanggil")
    assert HelpCall.objects.filter(village=family["village"], handled_at__isnull=True).count() == 1
    kiosk.wait_for_load_state("networkidle")  # no request in flight while the test database is flushed
    context.close()


def test_resident_reports_an_absent_official_and_sees_the_kades_decision(browser, live_server, family):
    """Issue 23 item 1 / issue 18 item 5: the tile, the report, the kades' decision, the status."""
    from balai.staff import absence
    from balai.staff.attendance import holidays_between
    from balai.staff.models import AbsenceReport

    siti = family["siti"]
    context, kiosk = _kiosk(browser, live_server, _enrolled(family))
    _with_pin(family)
    today = timezone.localdate()
    off = holidays_between(today - dt.timedelta(days=7), today)
    day = next(
        d for d in (today - dt.timedelta(days=n) for n in range(1, 7)) if d.isoweekday() <= 5 and d not in off
    )

    # given the kiosk home, Siti taps the tile and signs in
    kiosk.goto("/anjungan/")
    kiosk.locator('[data-tile="absence_report"]').click()
    _sign_in(kiosk, siti)
    expect(kiosk.locator("h1")).to_contain_text("Lapor perangkat tidak di kantor")
    # when she reports the sekretaris desa absent on a recent working day at 10:00
    kiosk.locator("#absence-officials label", has_text="RINA LESTARI").click()
    kiosk.select_option("#k-day", day.isoformat())
    kiosk.select_option("#k-time", "10:00")
    kiosk.fill("#k-note", "Meja pelayanan kosong sejak pagi.")
    kiosk.locator("h1").click()  # closes the on-screen keyboard
    _both(kiosk, "kiosk-absence-form")
    kiosk.get_by_role("button", name="Kirim laporan").click()
    # then it is received, and waits for the kades
    expect(kiosk.locator("#absence-done")).to_contain_text("diteruskan ke kepala desa")
    expect(kiosk.locator("#absence-mine")).to_contain_text("Menunggu tindak lanjut")
    report = AbsenceReport.objects.get(resident=siti)
    assert report.official.name == "RINA LESTARI"
    # when the kades finds it unfounded, Siti sees that with the reason
    absence.absence_report_decide(
        actor=family["kades"], village=family["village"], report=report, status="tidak_terbukti",
        note="Sedang rapat di kecamatan (surat tugas ada).",
    )  # fmt: skip
    kiosk.goto("/anjungan/perangkat/lapor-tidak-hadir/")
    expect(kiosk.locator("#absence-mine")).to_contain_text("Tidak terbukti")
    expect(kiosk.locator("#absence-mine")).to_contain_text("rapat di kecamatan")
    _both(kiosk, "kiosk-absence-status")
    context.close()
