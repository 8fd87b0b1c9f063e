"""Officials' sign-in at the kiosk shares the residents' per-device spraying guard: a device
trying many different cards (or usernames) with wrong secrets is throttled, then blocked.
Fresh clients stand for other gunicorn workers and restarts: the counters are in the database."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from balai.devices import pins
from balai.devices import services as device_services
from balai.devices.models import KioskDevice, SignInFailure
from balai.staff import attendance
from balai.staff.models import Attendance, OfficialCredential
from balai.staff.tests.factories import OfficialFactory

from .conftest import OFFICIAL_PIN, device_client

pytestmark = pytest.mark.django_db

JKT = dt.timezone(dt.timedelta(hours=7))
MORNING = dt.datetime(2026, 11, 25, 7, 45, tzinfo=JKT)  # a Wednesday
URL = reverse("desk_kiosk:attendance")
WRONG_PIN = "000111"


@pytest.fixture
def sekdes_a(village_a, operator_a):
    official = OfficialFactory(village=village_a, name="RAHAYU", position="Sekretaris Desa")
    attendance.credential_set_card(actor=operator_a, official=official, card_uid="04A1B2C3")
    OfficialCredential.objects.filter(official=official).update(pin_hash=pins.hash_pin(OFFICIAL_PIN))
    return official


def _card(n: int) -> str:
    return f"0DEAD{n:03d}"


def _try_card(client, card: str, pin: str = WRONG_PIN):
    return client.post(URL, {"mode": "kartu", "card": card, "pin": pin, "action": "in"})


def test_many_cards_with_wrong_pins_throttle_then_block_the_device(device_a, sekdes_a):
    device, credential = device_a
    with time_machine.travel(MORNING, tick=False) as clock:
        # given: distinct cards failing on one device, each attempt from a fresh worker
        for n in range(device_services.SPRAY_THROTTLE_AT):
            assert _try_card(device_client(credential), _card(n)).status_code == 400
        # when: one more card within the throttle
        throttled = _try_card(device_client(credential), _card(99))
        # then: refused with a wait, without checking the PIN, in Indonesian
        assert throttled.status_code == 400
        assert "Terlalu banyak percobaan. Tunggu" in throttled.content.decode()
        assert SignInFailure.objects.filter(device=device).count() == device_services.SPRAY_THROTTLE_AT
        # when: the attacker waits out each throttle and keeps going
        for n in range(device_services.SPRAY_THROTTLE_AT, device_services.SPRAY_BLOCK_AT):
            clock.shift(device_services.SPRAY_THROTTLE_FOR.total_seconds() + 1)
            _try_card(device_client(credential), _card(n))
        # then: sign-in on this device is blocked, even for the right card and PIN
        assert KioskDevice.objects.get(pk=device.pk).sign_in_blocked
        clock.shift(3600)
        blocked = _try_card(device_client(credential), "04A1B2C3", OFFICIAL_PIN)
        assert blocked.status_code == 400
        assert "Hubungi petugas desa untuk membukanya" in blocked.content.decode()
        assert Attendance.objects.count() == 0
        assert OfficialCredential.objects.get(official=sekdes_a).failed_pins == 0
        # and residents' sign-in on the device is blocked as well: one guard per device
        resident_try = device_client(credential).post(
            "/anjungan/masuk/", {"nik": "3325010101900001", "pin": "483920"}
        )
        assert "Hubungi petugas desa" in resident_try.content.decode()


def test_operator_lifts_the_block(device_a, sekdes_a, operator_a):
    device, credential = device_a
    KioskDevice.objects.filter(pk=device.pk).update(sign_in_blocked=True)
    with time_machine.travel(MORNING, tick=False):
        assert _try_card(device_client(credential), "04A1B2C3", OFFICIAL_PIN).status_code == 400
        device_services.device_unblock(actor=operator_a, device=device)
        assert _try_card(device_client(credential), "04A1B2C3", OFFICIAL_PIN).status_code == 200
    assert Attendance.objects.get().official == sekdes_a


def test_many_usernames_with_wrong_passwords_throttle_the_device(device_a, village_a, kades_a):
    device, credential = device_a
    OfficialFactory(village=village_a, user=kades_a, name="SUTRISNO")
    with time_machine.travel(MORNING, tick=False):
        for n in range(device_services.SPRAY_THROTTLE_AT):
            form = {"mode": "sandi", "username": f"tebakan{n}", "password": "salah-sekali", "action": "in"}
            assert device_client(credential).post(URL, form).status_code == 400
        # the right username and password now wait too: the device is throttled
        right = {"mode": "sandi", "username": "kades_a", "password": "rahasia-demo-123", "action": "in"}
        response = device_client(credential).post(URL, right)
    assert response.status_code == 400
    assert "Terlalu banyak percobaan. Tunggu" in response.content.decode()
    assert Attendance.objects.count() == 0
    assert KioskDevice.objects.get(pk=device.pk).sign_in_throttled_until is not None


def test_one_official_retyping_is_not_spraying(device_a, sekdes_a):
    device, credential = device_a
    with time_machine.travel(MORNING, tick=False):
        for _ in range(device_services.SPRAY_THROTTLE_AT):
            _try_card(device_client(credential), "04A1B2C3")
    state = KioskDevice.objects.get(pk=device.pk)
    assert state.sign_in_throttled_until is None
    assert not state.sign_in_blocked
    assert SignInFailure.objects.filter(device=device).values("subject_digest").distinct().count() == 1


def test_attempts_without_a_pin_are_not_counted(device_a, sekdes_a):
    device, credential = device_a
    with time_machine.travel(MORNING, tick=False):
        for n in range(device_services.SPRAY_BLOCK_AT):
            _try_card(device_client(credential), _card(n), pin="")
    assert not SignInFailure.objects.filter(device=device).exists()


def test_spraying_on_one_device_leaves_another_alone(device_a, operator_a, village_a, sekdes_a):
    device, credential = device_a
    _other, other_credential = device_services.device_enrol(
        code=device_services.device_create(actor=operator_a, village=village_a, label="Anjungan 2")[1]
    )
    with time_machine.travel(MORNING, tick=False):
        for n in range(device_services.SPRAY_THROTTLE_AT):
            _try_card(device_client(credential), _card(n))
        response = _try_card(device_client(other_credential), "04A1B2C3", OFFICIAL_PIN)
    assert response.status_code == 200


def test_failures_keep_no_card_uid_or_username(device_a, sekdes_a):
    device, credential = device_a
    with time_machine.travel(MORNING, tick=False):
        _try_card(device_client(credential), "04A1B2C3")
        device_client(credential).post(
            URL, {"mode": "sandi", "username": "kades_a", "password": "salah-sekali", "action": "in"}
        )
    digests = list(SignInFailure.objects.filter(device=device).values_list("subject_digest", flat=True))
    assert len(set(digests)) == 2
    for digest in digests:
        assert "04A1B2C3" not in digest
        assert "kades_a" not in digest
        assert digest != pins.card_digest("04A1B2C3")  # not the stored card digest either
