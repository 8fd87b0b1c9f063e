import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from python_calamine import CalamineWorkbook

from balai.audit.models import AuditEvent
from balai.core.dates import Month
from balai.core.errors import ApplicationError
from balai.staff import attendance
from balai.staff.models import Attendance, AttendanceSettings, OfficialCredential
from balai.staff.selectors import attendance_recap, officials_on_duty
from balai.staff.tests.factories import OfficialFactory

JKT = dt.timezone(dt.timedelta(hours=7))
PIN = "583920"


def at(day, hour, minute=0):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=JKT)


@pytest.fixture(autouse=True)
def _cheap_argon2(settings):
    settings.BALAI_KIOSK_ARGON2 = {"time_cost": 1, "memory_kib": 64, "parallelism": 1}
    settings.BALAI_KIOSK_PEPPER = "test-pepper"


@pytest.fixture
def sekdes(village_a):
    return OfficialFactory(village=village_a, name="RAHAYU", position="Sekretaris Desa", order=2)


@pytest.fixture
def carded(sekdes, operator_a):
    from balai.devices import pins

    attendance.credential_set_card(actor=operator_a, official=sekdes, card_uid="04A1B2C3")
    OfficialCredential.objects.filter(official=sekdes).update(pin_hash=pins.hash_pin(PIN))
    return sekdes


def test_card_plus_pin_identifies_the_official(village_a, carded):
    who = attendance.identify_by_card(village=village_a, card_uid="04 a1 b2 c3", pin=PIN, now=at(25, 8))
    assert who.official == carded
    assert who.method == Attendance.Method.CARD_PIN


def test_a_card_alone_is_never_enough(village_a, carded):
    with pytest.raises(ApplicationError, match="PIN"):
        attendance.identify_by_card(village=village_a, card_uid="04A1B2C3", pin="", now=at(25, 8))


def test_a_card_of_another_village_is_unknown(village_b, carded):
    with pytest.raises(ApplicationError, match="tidak terdaftar"):
        attendance.identify_by_card(village=village_b, card_uid="04A1B2C3", pin=PIN, now=at(25, 8))


def test_five_wrong_pins_lock_with_growing_delay_and_ten_disable(village_a, carded):
    now = at(25, 8)
    for _ in range(4):
        with pytest.raises(ApplicationError, match="Sisa"):
            attendance.identify_by_card(village=village_a, card_uid="04A1B2C3", pin="111222", now=now)
    with pytest.raises(ApplicationError, match="Coba lagi setelah"):
        attendance.identify_by_card(village=village_a, card_uid="04A1B2C3", pin="111222", now=now)
    # locked: even the right PIN is refused until the wait is over
    with pytest.raises(ApplicationError, match="dikunci"):
        attendance.identify_by_card(village=village_a, card_uid="04A1B2C3", pin=PIN, now=now)
    credential = OfficialCredential.objects.get(official=carded)
    assert credential.locked_until == now + dt.timedelta(minutes=1)
    later = now
    for n in range(5):
        later = later + dt.timedelta(minutes=2**n + 1)
        with pytest.raises(ApplicationError):
            attendance.identify_by_card(village=village_a, card_uid="04A1B2C3", pin="111222", now=later)
    credential.refresh_from_db()
    assert credential.failed_pins == 10
    assert credential.pin_disabled
    with pytest.raises(ApplicationError, match="diblokir"):
        attendance.identify_by_card(
            village=village_a, card_uid="04A1B2C3", pin=PIN, now=later + dt.timedelta(days=1)
        )


def test_a_new_pin_unlocks_and_the_right_pin_resets_the_count(village_a, carded, operator_a):
    OfficialCredential.objects.filter(official=carded).update(failed_pins=10, pin_disabled=True)
    pin = attendance.credential_issue_pin(actor=operator_a, official=carded)
    assert not attendance.pin_is_weak(pin)
    who = attendance.identify_by_card(village=village_a, card_uid="04A1B2C3", pin=pin, now=at(25, 8))
    assert who.official == carded
    assert OfficialCredential.objects.get(official=carded).failed_pins == 0
    assert AuditEvent.objects.filter(action="attendance.pin_issued", object_id=carded.public_id).exists()


def test_weak_pins_are_recognised():
    assert attendance.pin_is_weak("111111")
    assert attendance.pin_is_weak("123456")
    assert attendance.pin_is_weak("250890", birth_date=dt.date(1990, 8, 25))
    assert not attendance.pin_is_weak("583920")


def test_a_card_cannot_belong_to_two_officials(village_a, carded, operator_a):
    other = OfficialFactory(village=village_a, name="JOKO", position="Kaur Umum")
    with pytest.raises(ValidationError):
        attendance.credential_set_card(actor=operator_a, official=other, card_uid="04a1b2c3")


def test_password_of_the_linked_account_identifies_the_official(rf, village_a, kades_a):
    official = OfficialFactory(village=village_a, user=kades_a)
    request = rf.post("/anjungan/layanan/kehadiran/")
    who = attendance.identify_by_password(
        request=request, village=village_a, username="kades_a", password="rahasia-demo-123"
    )
    assert who.official == official
    with pytest.raises(ApplicationError, match="salah"):
        attendance.identify_by_password(request=request, village=village_a, username="kades_a", password="x")


def test_check_in_then_out_within_hours(sekdes):
    # when
    came = attendance.attendance_check(
        official=sekdes, action="in", method="card_pin", device_id="d1", now=at(25, 8, 15)
    )
    left = attendance.attendance_check(
        official=sekdes, action="out", method="card_pin", device_id="d1", now=at(25, 14)
    )
    # then
    assert came.late
    assert left.early
    row = Attendance.objects.get()
    assert row.day == dt.date(2026, 11, 25)
    assert row.check_out_at == at(25, 14)
    with pytest.raises(ApplicationError, match="sudah absen masuk"):
        attendance.attendance_check(
            official=sekdes, action="in", method="card_pin", device_id="d1", now=at(25, 9)
        )
    with pytest.raises(ApplicationError, match="sudah absen pulang"):
        attendance.attendance_check(
            official=sekdes, action="out", method="card_pin", device_id="d1", now=at(25, 15)
        )


def test_out_of_hours_weekends_and_holidays_are_refused(sekdes, village_a):
    with pytest.raises(ApplicationError, match="dibuka pukul"):
        attendance.attendance_check(
            official=sekdes, action="in", method="card_pin", device_id="", now=at(25, 5)
        )
    with pytest.raises(ApplicationError, match="bukan hari kerja"):  # Saturday
        attendance.attendance_check(
            official=sekdes, action="in", method="card_pin", device_id="", now=at(28, 8)
        )
    christmas = dt.datetime(2026, 12, 25, 8, tzinfo=JKT)  # a Friday, a national holiday
    with pytest.raises(ApplicationError, match="bukan hari kerja"):
        attendance.attendance_check(
            official=sekdes, action="in", method="card_pin", device_id="", now=christmas
        )
    AttendanceSettings.objects.create(village=village_a, workdays="123456", opens_at=dt.time(5))
    attendance.attendance_check(
        official=sekdes, action="in", method="card_pin", device_id="", now=at(28, 5, 30)
    )


def test_check_out_without_check_in_is_refused(sekdes):
    with pytest.raises(ApplicationError, match="belum absen masuk"):
        attendance.attendance_check(
            official=sekdes, action="out", method="card_pin", device_id="", now=at(25, 15)
        )


def test_officials_on_duty_today(village_a, sekdes):
    # given
    head = OfficialFactory(village=village_a, name="SUTRISNO", position="Kepala Desa", order=1)
    kaur = OfficialFactory(village=village_a, name="JOKO", position="Kaur Umum", order=3)
    OfficialFactory(village=village_a, name="PENSIUN", position="Kadus", is_active=False)
    attendance.attendance_check(official=head, action="in", method="card_pin", device_id="", now=at(25, 7))
    attendance.attendance_check(official=sekdes, action="in", method="card_pin", device_id="", now=at(25, 7))
    attendance.attendance_check(
        official=sekdes, action="out", method="card_pin", device_id="", now=at(25, 12)
    )
    # when
    rows = officials_on_duty(village=village_a, day=dt.date(2026, 11, 25))
    # then
    assert [(r.name, r.status) for r in rows] == [
        ("SUTRISNO", "present"),
        ("RAHAYU", "left"),
        ("JOKO", "absent"),
    ]
    assert [r.name for r in rows if r.on_duty] == ["SUTRISNO"]
    assert rows[0].status_label == "Hadir"
    assert kaur.public_id == rows[2].public_id


def test_monthly_recap_counts_presence_lateness_and_absence(village_a, sekdes):
    # given: in November 2026 (21 weekdays, no national holiday), present 3 days, one late, one early
    attendance.attendance_check(
        official=sekdes, action="in", method="card_pin", device_id="", now=at(2, 7, 50)
    )
    attendance.attendance_check(
        official=sekdes, action="out", method="card_pin", device_id="", now=at(2, 15, 5)
    )
    attendance.attendance_check(
        official=sekdes, action="in", method="card_pin", device_id="", now=at(3, 8, 30)
    )
    attendance.attendance_check(official=sekdes, action="out", method="card_pin", device_id="", now=at(3, 13))
    attendance.attendance_check(official=sekdes, action="in", method="card_pin", device_id="", now=at(4, 7))
    # when
    recap = attendance_recap(village=village_a, year=2026, month=11, today=dt.date(2026, 11, 30))
    # then
    row = recap.rows[0]
    assert len(recap.workdays) == 21
    assert (row.present, row.late, row.early, row.no_checkout, row.absent) == (3, 1, 1, 1, 18)
    assert row.days[1:4] == ["H", "T", "H"]
    assert row.days[0] == ""  # Sunday 1 November


def test_recap_page_and_xlsx_for_the_head(client, kades_a, village_a, sekdes):
    attendance.attendance_check(official=sekdes, action="in", method="card_pin", device_id="", now=at(2, 7))
    client.force_login(kades_a)
    page = client.get(reverse("staff:attendance_recap"), {"bulan": "2026-11"})
    xlsx = client.get(reverse("staff:attendance_recap_xlsx"), {"bulan": "2026-11"})
    assert page.status_code == 200
    assert "RAHAYU" in page.content.decode()
    assert xlsx.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[4][0] == "RAHAYU"
    assert rows[4][2] == 1


def test_recap_is_refused_to_health_staff(client, kader_a):
    client.force_login(kader_a)
    assert client.get(reverse("staff:attendance_recap")).status_code == 403


def test_operator_sets_hours_and_issues_a_pin(client_a, village_a, sekdes):
    # when
    saved = client_a.post(
        reverse("staff:attendance_settings"),
        {
            "workdays": ["1", "2", "3", "4", "5", "6"],
            "opens_at": "06:30",
            "starts_at": "07:30",
            "ends_at": "14:00",
            "closes_at": "17:00",
        },
    )
    issued = client_a.post(reverse("staff:official_credential", args=[sekdes.public_id]), {"action": "pin"})
    # then
    assert saved.status_code == 302
    rules = AttendanceSettings.objects.get(village=village_a)
    assert rules.workdays == "123456"
    assert rules.starts_at == dt.time(7, 30)
    assert not rules.skip_holidays
    assert issued.status_code == 200
    assert 'id="new-pin"' in issued.content.decode()
    assert OfficialCredential.objects.get(official=sekdes).pin_hash


def test_hours_in_the_wrong_order_are_refused(client_a, village_a):
    response = client_a.post(
        reverse("staff:attendance_settings"),
        {
            "workdays": ["1"],
            "opens_at": "09:00",
            "starts_at": "08:00",
            "ends_at": "14:00",
            "closes_at": "17:00",
        },
    )
    assert response.status_code == 400
    assert not AttendanceSettings.objects.filter(village=village_a).exists()


def test_credentials_of_another_villages_official_are_404(client_a, village_b):
    other = OfficialFactory(village=village_b)
    assert client_a.get(reverse("staff:official_credential", args=[other.public_id])).status_code == 404


# --- Honest periods (issue 21 item 3) ---------------------------------------------------------


def test_recap_opens_on_the_last_complete_month_and_labels_a_running_one(client, kades_a, village_a, sekdes):
    attendance.attendance_check(official=sekdes, action="in", method="card_pin", device_id="", now=at(2, 7))
    client.force_login(kades_a)
    with time_machine.travel(at(20, 9), tick=False):
        default = client.get(reverse("staff:attendance_recap"))
        running = client.get(reverse("staff:attendance_recap"), {"bulan": "2026-11"})
        xlsx = client.get(reverse("staff:attendance_recap_xlsx"), {"bulan": "2026-11"})

    assert default.context["period"].month == Month(2026, 10)
    assert "berjalan" not in default.content.decode()
    assert "berjalan, data sampai 20 November 2026" in running.content.decode()
    assert "bulan berikutnya" not in running.content.decode()  # nothing after the running month
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
    assert "November 2026 (berjalan, data sampai 20 November 2026)" in str(
        book.get_sheet_by_index(0).to_python()
    )
