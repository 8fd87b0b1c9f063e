import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from balai.devices import pins
from balai.staff import attendance
from balai.staff.models import Attendance, OfficialCredential
from balai.staff.tests.factories import OfficialFactory

from .conftest import OFFICIAL_PIN

JKT = dt.timezone(dt.timedelta(hours=7))
MORNING = dt.datetime(2026, 11, 25, 7, 45, tzinfo=JKT)  # a Wednesday


@pytest.fixture
def sekdes_a_official(village_a, operator_a):
    official = OfficialFactory(village=village_a, name="RAHAYU", position="Sekretaris Desa")
    attendance.credential_set_card(actor=operator_a, official=official, card_uid="04A1B2C3")
    OfficialCredential.objects.filter(official=official).update(pin_hash=pins.hash_pin(OFFICIAL_PIN))
    return official


@time_machine.travel(MORNING, tick=False)
def test_check_in_at_the_kiosk_with_card_and_pin(kiosk_a, sekdes_a_official):
    response = kiosk_a.post(
        reverse("desk_kiosk:attendance"),
        {"mode": "kartu", "card": "04A1B2C3", "pin": OFFICIAL_PIN, "action": "in"},
    )
    assert response.status_code == 200
    assert "RAHAYU" in response.content.decode()
    assert "07:45" in response.content.decode()
    row = Attendance.objects.get()
    assert row.check_in_device
    assert row.check_in_method == "card_pin"


@time_machine.travel(MORNING, tick=False)
def test_check_in_with_username_and_password(kiosk_a, village_a, kades_a):
    OfficialFactory(village=village_a, user=kades_a, name="SUTRISNO")
    response = kiosk_a.post(
        reverse("desk_kiosk:attendance"),
        {"mode": "sandi", "username": "kades_a", "password": "rahasia-demo-123", "action": "in"},
    )
    assert response.status_code == 200
    assert Attendance.objects.get().check_in_method == "password"


@time_machine.travel(MORNING, tick=False)
def test_wrong_pin_at_the_kiosk_is_shown_and_counted(kiosk_a, sekdes_a_official):
    response = kiosk_a.post(
        reverse("desk_kiosk:attendance"),
        {"mode": "kartu", "card": "04A1B2C3", "pin": "000111", "action": "in"},
    )
    assert response.status_code == 400
    assert "PIN salah" in response.content.decode()
    assert OfficialCredential.objects.get(official=sekdes_a_official).failed_pins == 1
    assert Attendance.objects.count() == 0


@time_machine.travel(MORNING, tick=False)
def test_a_device_of_another_village_does_not_know_the_card(kiosk_b, sekdes_a_official):
    response = kiosk_b.post(
        reverse("desk_kiosk:attendance"),
        {"mode": "kartu", "card": "04A1B2C3", "pin": OFFICIAL_PIN, "action": "in"},
    )
    assert response.status_code == 400
    assert Attendance.objects.count() == 0


def test_attendance_needs_an_enrolled_device(client, sekdes_a_official):
    response = client.post(
        reverse("desk_kiosk:attendance"),
        {"mode": "kartu", "card": "04A1B2C3", "pin": OFFICIAL_PIN, "action": "in"},
    )
    assert response.status_code == 403
    assert Attendance.objects.count() == 0


@time_machine.travel(dt.datetime(2026, 11, 25, 21, 0, tzinfo=JKT), tick=False)
def test_attendance_outside_working_hours_is_refused(kiosk_a, sekdes_a_official):
    response = kiosk_a.post(
        reverse("desk_kiosk:attendance"),
        {"mode": "kartu", "card": "04A1B2C3", "pin": OFFICIAL_PIN, "action": "in"},
    )
    assert response.status_code == 400
    assert "hanya dibuka" in response.content.decode()


@time_machine.travel(MORNING, tick=False)
def test_repeated_wrong_passwords_lock_the_account_at_the_kiosk(kiosk_a, village_a, kades_a, settings):
    OfficialFactory(village=village_a, user=kades_a, name="SUTRISNO")
    form = {"mode": "sandi", "username": "kades_a", "password": "salah-sekali", "action": "in"}
    for _ in range(attendance.PASSWORD_FAILURE_LIMIT):
        kiosk_a.post(reverse("desk_kiosk:attendance"), form)
    locked = kiosk_a.post(reverse("desk_kiosk:attendance"), form | {"password": "rahasia-demo-123"})
    assert locked.status_code in (400, 403, 429)
    assert Attendance.objects.count() == 0


@time_machine.travel(MORNING, tick=False)
def test_wrong_passwords_at_the_kiosk_leave_the_web_sign_in_alone(kiosk_a, village_a, kades_a, client):
    """Issue 16: five wrong "sandi" tries at the attendance kiosk locked the sekdes out of the
    web. The kiosk counts its own tries; the web sign-in still takes the right password."""
    OfficialFactory(village=village_a, user=kades_a, name="SUTRISNO")
    form = {"mode": "sandi", "username": "kades_a", "password": "salah-sekali", "action": "in"}
    for _ in range(attendance.PASSWORD_FAILURE_LIMIT + 2):
        kiosk_a.post(reverse("desk_kiosk:attendance"), form)
    response = client.post("/akun/masuk/", {"username": "kades_a", "password": "rahasia-demo-123"})
    assert response.status_code == 302
