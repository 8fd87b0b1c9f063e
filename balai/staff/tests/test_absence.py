"""Issue 18 item 5 / issue 23 item 1: a resident reports an absent official at the kiosk; the
kades sees it on the Beranda and the list, marks it handled or unfounded; the recap shows it on
the day; refusals for another village's official, out-of-hours times, leave days and too many
reports; the resident sees the status at the kiosk."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from balai.audit.models import AuditEvent
from balai.core.errors import ApplicationError
from balai.devices import pins
from balai.devices import services as device_services
from balai.devices.device import COOKIE_NAME
from balai.devices.models import ResidentCredential
from balai.staff import absence, leave
from balai.staff.models import AbsenceReport, Leave
from balai.staff.selectors import attendance_recap
from balai.staff.tests.factories import OfficialFactory

pytestmark = pytest.mark.django_db
JKT = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 25, 10, 5, tzinfo=JKT)  # a Wednesday, in office hours
PIN = "483920"


@pytest.fixture(autouse=True)
def _cheap_argon2(settings):
    settings.BALAI_KIOSK_ARGON2 = {"time_cost": 1, "memory_kib": 64, "parallelism": 1}
    settings.BALAI_KIOSK_PEPPER = "test-pepper"


@pytest.fixture
def kaur(village_a):
    return OfficialFactory(village=village_a, name="BAMBANG", position="Kaur Umum")


@pytest.fixture
def kiosk_resident_a(operator_a, village_a, resident_a):
    device, code = device_services.device_create(actor=operator_a, village=village_a, label="Anjungan")
    _device, credential = device_services.device_enrol(code=code)
    client = Client()
    client.cookies[COOKIE_NAME] = credential
    client.cookies[COOKIE_NAME]["path"] = "/anjungan/"
    device_services.pin_issue(actor=operator_a, resident=resident_a)
    ResidentCredential.objects.filter(resident=resident_a).update(
        pin_hash=pins.hash_pin(PIN), must_change_pin=False
    )
    assert client.post("/anjungan/masuk/", {"nik": resident_a.nik, "pin": PIN}).status_code == 302
    return client


def _file(village, resident, official, key="k-00000001", **data):
    return absence.absence_report_file(
        village=village,
        resident=resident,
        data={"official": official.public_id, **data},
        device_id="dev",
        submit_key=key,
    )


@time_machine.travel(NOW, tick=False)
def test_a_report_reaches_the_kades_and_the_recap(village_a, resident_a, kaur, kades_a, client):
    report, created = _file(village_a, resident_a, kaur, seen_at="2026-11-25T09:30", note="Meja kosong")
    again, created_again = _file(village_a, resident_a, kaur, seen_at="2026-11-25T09:30")
    assert created
    assert not created_again
    assert again.pk == report.pk
    assert AuditEvent.objects.get(action="absence_report.filed").changes["official"] == kaur.public_id
    recap = attendance_recap(village=village_a, year=2026, month=11, today=dt.date(2026, 11, 25))
    row = next(r for r in recap.rows if r.official == kaur)
    assert row.reported[24] == 1
    assert row.reports == 1
    client.force_login(kades_a)
    home = client.get("/").content.decode()
    assert "Laporan warga: perangkat tidak di kantor" in home
    page = client.get("/perangkat/kehadiran/laporan-warga/").content.decode()
    assert "BAMBANG" in page
    assert "Meja kosong" in page
    assert "SITI WAHYUNI" not in page
    recap_page = client.get("/perangkat/kehadiran/?bulan=2026-11").content.decode()
    assert "reported-mark" in recap_page
    # The XLSX marks the same day with "!" and counts the reports per official.
    import io

    from openpyxl import load_workbook

    xlsx = client.get("/perangkat/kehadiran/xlsx/?bulan=2026-11")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    header = [c.value for c in sheet[4]]
    line = next([c.value for c in r] for r in sheet.iter_rows(min_row=5) if r[0].value == "BAMBANG")
    assert line[header.index("Dilaporkan warga")] == 1
    assert line[header.index("25")] == "-!"
    assert line[header.index("24")] in ("-", "")  # no report that day, no mark
    legend = " ".join(str(c.value) for r in sheet.iter_rows() for c in r if c.value)
    assert "! = warga melaporkan" in legend


@time_machine.travel(NOW, tick=False)
def test_the_kades_marks_handled_or_unfounded(village_a, resident_a, kaur, kades_a, operator_a, client):
    report, _ = _file(village_a, resident_a, kaur)
    with pytest.raises(ValidationError) as err:
        absence.absence_report_decide(
            actor=kades_a, village=village_a, report=report, status="tidak_terbukti"
        )
    assert "note" in err.value.message_dict
    with pytest.raises(ApplicationError):  # the operator may not
        absence.absence_report_decide(actor=operator_a, village=village_a, report=report, status="ditangani")
    client.force_login(kades_a)
    answer = client.post(
        f"/perangkat/kehadiran/laporan-warga/{report.public_id}/",
        {"status": "ditangani", "note": "Sudah ditegur"},
    )
    assert answer.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.decided_by, report.decision_note) == ("ditangani", kades_a, "Sudah ditegur")
    with pytest.raises(ApplicationError, match="sudah diputuskan"):
        absence.absence_report_decide(actor=kades_a, village=village_a, report=report, status="ditangani")
    client.force_login(operator_a)
    assert client.get("/perangkat/kehadiran/laporan-warga/").status_code == 403


@time_machine.travel(NOW, tick=False)
def test_the_kades_cannot_decide_a_report_about_himself(village_a, resident_a, kades_a):
    head = OfficialFactory(village=village_a, user=kades_a)
    report, _ = _file(village_a, resident_a, head)
    with pytest.raises(ApplicationError, match="sendiri"):
        absence.absence_report_decide(actor=kades_a, village=village_a, report=report, status="ditangani")


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("seen_at", "says"),
    [
        ("2026-11-25T06:30", "Di luar jam kantor"),
        ("2026-11-22T10:00", "bukan hari kerja"),  # a Sunday
        ("2026-11-10T10:00", "7 hari"),
        ("2026-11-25T14:00x", "tidak dikenali"),
        ("2026-11-26T10:00", "masa depan"),
    ],
)
def test_bad_times_are_refused_naming_the_field(village_a, resident_a, kaur, seen_at, says):
    with pytest.raises(ValidationError) as err:
        _file(village_a, resident_a, kaur, seen_at=seen_at)
    assert says in " ".join(err.value.message_dict["seen_at"])
    assert not AbsenceReport.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_another_villages_official_an_inactive_one_or_one_on_leave_is_refused(
    village_a, village_b, resident_a, kaur, operator_a
):
    theirs = OfficialFactory(village=village_b, name="LAIN")
    gone = OfficialFactory(village=village_a, name="PENSIUN", is_active=False)
    for who in (theirs, gone):
        with pytest.raises(ValidationError) as err:
            _file(village_a, resident_a, who)
        assert "tidak ditemukan" in err.value.message_dict["official"][0]
    trip = leave.leave_request(
        actor=operator_a,
        village=village_a,
        official=kaur,
        data={
            "kind": "dinas",
            "start": "2026-11-25",
            "end": "2026-11-25",
            "reason": "Rakor",
            "destination": "Batang",
        },
    )
    Leave.objects.filter(pk=trip.pk).update(status=Leave.Status.APPROVED)
    with pytest.raises(ValidationError) as err:
        _file(village_a, resident_a, kaur)
    assert "dinas" in err.value.message_dict["official"][0]
    with pytest.raises(ValidationError) as err:
        _file(village_a, resident_a, kaur, note="x" * 501)


@time_machine.travel(NOW, tick=False)
def test_reports_are_limited_per_resident_per_day(village_a, resident_a):
    officials = [OfficialFactory(village=village_a, name=f"P{n}") for n in range(absence.DAILY_LIMIT + 1)]
    _file(village_a, resident_a, officials[0], key="k-first-0001")
    with pytest.raises(ApplicationError, match="sudah melaporkan"):
        _file(village_a, resident_a, officials[0], key="k-second-001")
    for n, official in enumerate(officials[1:-1], start=2):
        _file(village_a, resident_a, official, key=f"k-more-{n:05d}")
    with pytest.raises(ApplicationError, match="besok"):
        _file(village_a, resident_a, officials[-1], key="k-last-00001")
    assert AbsenceReport.objects.count() == absence.DAILY_LIMIT


@time_machine.travel(NOW, tick=False)
def test_the_kiosk_screen_files_and_shows_the_status(kiosk_resident_a, village_a, kaur, kades_a):
    url = "/anjungan/perangkat/lapor-tidak-hadir/"
    page = kiosk_resident_a.get(url)
    assert page.status_code == 200
    assert "BAMBANG" in page.content.decode()
    bad = kiosk_resident_a.post(url, {"day": "2026-11-25", "time": "10:00", "submit_key": "kiosk-0000001"})
    assert bad.status_code == 400
    assert "Pilih perangkat" in bad.content.decode()
    done = kiosk_resident_a.post(
        url, {"official": kaur.public_id, "day": "2026-11-25", "time": "10:00", "submit_key": "kiosk-0000002"}
    )
    assert done.status_code == 200
    assert "diteruskan ke kepala desa" in done.content.decode()
    report = AbsenceReport.objects.get()
    absence.absence_report_decide(
        actor=kades_a, village=village_a, report=report, status="tidak_terbukti", note="Sedang rapat di balai"
    )
    mine = kiosk_resident_a.get(url).content.decode()
    assert "Tidak terbukti" in mine
    assert "Sedang rapat di balai" in mine


def test_the_kiosk_screen_needs_a_signed_in_resident(client, operator_a):
    client.force_login(operator_a)
    assert client.get("/anjungan/perangkat/lapor-tidak-hadir/").status_code in (302, 403)


@time_machine.travel(NOW, tick=False)
def test_another_villages_kades_sees_nothing_and_gets_404(village_a, village_b, resident_a, kaur, client):
    from balai.accounts.models import Role, User
    from balai.accounts.services import api_token_create

    report, _ = _file(village_a, resident_a, kaur, note="RAHASIA A")
    kades_b = User.objects.create_user(
        "kades_b", password="rahasia-demo-123", role=Role.KADES, village=village_b
    )
    client.force_login(kades_b)
    assert "RAHASIA A" not in client.get("/perangkat/kehadiran/laporan-warga/?status=semua").content.decode()
    url = f"/perangkat/kehadiran/laporan-warga/{report.public_id}/"
    assert client.post(url, {"status": "ditangani"}).status_code == 404
    assert AbsenceReport.objects.get().status == "baru"
    _token, key = api_token_create(actor=kades_b, user=kades_b, name="t")
    got = client.get("/api/v1/staff/absence-reports", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert got.status_code == 200
    assert got.json() == []


def _options(page: str, select_id: str) -> tuple[list[str], str]:
    import re

    block = page.split(f'id="{select_id}"')[1].split("</select>")[0]
    values = re.findall(r'<option(?: value="([^"]*)")?( selected)?>([^<]*)</option>', block)
    shown = [v or text for v, _sel, text in values]
    chosen = next(v or text for v, sel, text in values if sel)
    return shown, chosen


@time_machine.travel(dt.datetime(2026, 11, 29, 15, 40, tzinfo=JKT), tick=False)  # a Sunday afternoon
def test_the_kiosk_offers_only_working_days_and_office_hours(kiosk_resident_a, village_a, kaur):
    from balai.staff.models import CalendarDay

    CalendarDay.objects.create(
        village=village_a, day=dt.date(2026, 11, 26), kind="libur", name="Cuti bersama"
    )
    url = "/anjungan/perangkat/lapor-tidak-hadir/"
    page = kiosk_resident_a.get(url).content.decode()
    days, day = _options(page, "k-day")
    assert days == ["2026-11-27", "2026-11-25", "2026-11-24", "2026-11-23"]  # no Sat/Sun, no day off
    assert day == "2026-11-27"
    assert "Hari ini" not in page
    times, time = _options(page, "k-time")
    assert times[0] == "08:00"
    assert times[-1] == "15:00"
    assert "15:30" not in times
    assert time == "15:00"
    # the defaults are accepted as they stand
    done = kiosk_resident_a.post(
        url, {"official": kaur.public_id, "day": day, "time": time, "submit_key": "kiosk-0000003"}
    )
    assert done.status_code == 200
    assert AbsenceReport.objects.count() == 1


@time_machine.travel(dt.datetime(2026, 11, 25, 10, 20, tzinfo=JKT), tick=False)  # Wednesday morning
def test_on_a_working_day_the_default_is_now_and_before_hours_yesterday(kiosk_resident_a, village_a):
    page = kiosk_resident_a.get("/anjungan/perangkat/lapor-tidak-hadir/").content.decode()
    assert _options(page, "k-day")[1] == "2026-11-25"
    assert "Hari ini, Rabu" in page
    assert _options(page, "k-time")[1] == "10:15"
    with time_machine.travel(dt.datetime(2026, 11, 25, 7, 10, tzinfo=JKT), tick=False):
        early = kiosk_resident_a.get("/anjungan/perangkat/lapor-tidak-hadir/").content.decode()
    days, day = _options(early, "k-day")
    assert "2026-11-25" not in days
    assert day == "2026-11-24"
    assert _options(early, "k-time")[1] == "15:00"


# --- Reports about the kepala desa himself go to the camat of the district ------------------------


def _head(village, user):
    from balai.staff.models import Official

    return OfficialFactory(
        village=village, user=user, name="KADES", signs_letters=True, signs_as=Official.SignsAs.OWN
    )


@time_machine.travel(NOW, tick=False)
def test_the_camat_decides_a_report_about_the_kades(village_a, resident_a, kades_a, camat_a, client):
    report, _ = _file(village_a, resident_a, _head(village_a, kades_a), note="Tidak ada sejak pagi")
    # The kades' own Beranda task leaves it out (he cannot decide it); the camat's shows it.
    from balai.staff.selectors import absence_open_count

    assert absence_open_count(village=village_a) == 0
    client.force_login(camat_a)
    home = client.get("/", follow=True).content.decode()
    assert "Laporan warga: kepala desa tidak di kantor" in home
    page = client.get("/perangkat/kehadiran/laporan-warga/kecamatan/").content.decode()
    assert report.public_id in page
    assert resident_a.name not in page  # the reporter is masked
    # Bad input: no decision, or unfounded without a note; nothing written.
    url = f"/perangkat/kehadiran/laporan-warga/kecamatan/{report.public_id}/"
    client.post(url, {"status": "entah"})
    client.post(url, {"status": "tidak_terbukti", "note": ""})
    report.refresh_from_db()
    assert report.status == AbsenceReport.Status.OPEN
    assert client.post(url, {"status": "ditangani", "note": "Sudah ditegur"}).status_code == 302
    report.refresh_from_db()
    assert report.status == AbsenceReport.Status.HANDLED
    assert report.decided_by == camat_a
    assert AuditEvent.objects.filter(action="absence_report.decided", actor=camat_a).exists()
    # Decided once only.
    with pytest.raises(ApplicationError, match="sudah diputuskan"):
        absence.absence_report_decide(actor=camat_a, village=village_a, report=report, status="ditangani")


@time_machine.travel(NOW, tick=False)
def test_another_districts_camat_and_the_kades_cannot_decide_it(
    village_a, resident_a, kades_a, kaur, camat_a, client
):
    from balai.accounts.models import Role, User
    from balai.core.errors import NotAllowed

    other = User.objects.create_user(
        username="camat_lain", password="rahasia-demo-123", role=Role.CAMAT, district_code="99.99.99"
    )
    report, _ = _file(village_a, resident_a, _head(village_a, kades_a))
    client.force_login(other)
    assert (
        report.public_id not in client.get("/perangkat/kehadiran/laporan-warga/kecamatan/").content.decode()
    )
    url = f"/perangkat/kehadiran/laporan-warga/kecamatan/{report.public_id}/"
    assert client.post(url, {"status": "ditangani"}).status_code == 404
    with pytest.raises(NotAllowed):
        absence.absence_report_decide(actor=other, village=village_a, report=report, status="ditangani")
    # The kades is refused by the service and by the camat's page (403).
    with pytest.raises((NotAllowed, ApplicationError)):
        absence.absence_report_decide(actor=kades_a, village=village_a, report=report, status="ditangani")
    client.force_login(kades_a)
    assert client.post(url, {"status": "ditangani"}).status_code == 403
    # The camat may not decide a report about an ordinary official (the kades' to decide).
    plain, _ = _file(village_a, resident_a, kaur, key="k-00000002")
    with pytest.raises(NotAllowed):
        absence.absence_report_decide(actor=camat_a, village=village_a, report=plain, status="ditangani")
    client.force_login(camat_a)
    assert (
        client.post(
            f"/perangkat/kehadiran/laporan-warga/kecamatan/{plain.public_id}/", {"status": "ditangani"}
        ).status_code
        == 404
    )
    report.refresh_from_db()
    plain.refresh_from_db()
    assert report.status == plain.status == AbsenceReport.Status.OPEN
