"""Resident sign-in at the kiosk: NIK or card + PIN, PIN rules, first-PIN change, lockout,
spraying guard. Fresh clients stand for restarts, other workers and other devices: the
counters are in the database."""

from __future__ import annotations

import datetime as dt
import logging
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from balai.audit.models import AuditEvent
from balai.devices import pins, services
from balai.devices.models import KioskDevice, ResidentCredential
from balai.kiosk.tests.conftest import GOOD_PIN, OTHER_PIN, device_client, enrol, give_pin, sign_in
from balai.people.tests.factories import ResidentFactory, make_nik

pytestmark = pytest.mark.django_db


# --- PIN rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pin", "word"),
    [
        ("12345", "6 angka"),
        ("12a456", "6 angka"),
        ("111111", "sama semua"),
        ("123456", "berurutan"),
        ("987654", "berurutan"),
        ("121212", "berulang"),
        ("580580", "berulang"),
    ],
)
def test_weak_pins_are_refused(pin, word):
    assert word in pins.pin_problem(pin)


def test_pin_from_the_birth_date_in_the_nik_is_refused(village_a):
    # A woman born 14 March 1990: NIK day is 54.
    nik = make_nik(village_a, dt.date(1990, 3, 14), 2)
    assert nik[6:8] == "54"
    assert "tanggal lahir" in pins.pin_problem("140390", nik=nik)
    assert "tanggal lahir" in pins.pin_problem("900314", nik=nik)
    assert "tanggal lahir" in pins.pin_problem("031490", birth_date=dt.date(1990, 3, 14))
    assert pins.pin_problem(GOOD_PIN, nik=nik) == ""


def test_pin_hash_is_argon2_with_pepper(settings):
    stored = pins.hash_pin(GOOD_PIN)
    pepper_id, _sep, encoded = stored.partition(":")
    assert pepper_id == pins.current_pepper_id()
    assert len(pepper_id) == 8
    assert "test-pepper" not in stored
    assert encoded.startswith("$argon2id$")
    assert GOOD_PIN not in stored
    assert pins.verify_pin(stored, GOOD_PIN)
    settings.BALAI_KIOSK_PEPPER = "another-pepper"
    # Without the pepper the stored hash cannot be checked against guesses.
    assert not pins.verify_pin(stored, GOOD_PIN)


def test_card_uid_is_stored_as_keyed_hash_only(operator_a, resident_a):
    services.card_register(actor=operator_a, resident=resident_a, uid="04:A1:B2:C3:D4:E5:F6")
    row = ResidentCredential.objects.filter(resident=resident_a).values().get()
    assert "04A1B2C3D4E5F6" not in str(row)
    assert row["card_digest"] == pins.card_digest("04a1b2c3d4e5f6")


def test_same_card_cannot_belong_to_two_residents(operator_a, resident_a, family_a):
    other = ResidentFactory(village=family_a.village, family=family_a, rt=family_a.rt)
    services.card_register(actor=operator_a, resident=resident_a, uid="04A1B2C3")
    with pytest.raises(services.ApplicationError, match="penduduk lain"):
        services.card_register(actor=operator_a, resident=other, uid="04A1B2C3")


# --- Operator issues the first PIN --------------------------------------------------------


def test_operator_issues_first_pin_on_a_slip_once(client_a, resident_a):
    response = client_a.post(f"/anjungan/kelola/penduduk/{resident_a.public_id}/", {"action": "pin"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    pin = response.context["pin"]
    assert pins.PIN_RE.match(pin)
    assert pins.pin_problem(pin, nik=resident_a.nik, birth_date=resident_a.birth_date) == ""
    cred = ResidentCredential.objects.get(resident=resident_a)
    assert cred.must_change_pin
    assert pins.verify_pin(cred.pin_hash, pin)
    assert pin not in cred.pin_hash
    # the slip is not shown again: the access page has no PIN
    assert pin not in client_a.get(f"/anjungan/kelola/penduduk/{resident_a.public_id}/").content.decode()


def test_operator_finds_resident_by_posted_nik(client_a, resident_a, resident_b):
    response = client_a.post("/anjungan/kelola/penduduk/", {"kiosk_nik": resident_a.nik})
    assert response["Location"] == f"/anjungan/kelola/penduduk/{resident_a.public_id}/"
    # another village's NIK: like an unknown one
    assert client_a.post("/anjungan/kelola/penduduk/", {"kiosk_nik": resident_b.nik}).status_code == 404


def test_resident_must_change_first_pin(kiosk_client_a, resident_a, operator_a):
    pin = services.pin_issue(actor=operator_a, resident=resident_a)
    response = sign_in(kiosk_client_a, resident_a, pin)
    assert response["Location"] == "/anjungan/pin/"
    # every resident page sends them back to the PIN change until done
    assert kiosk_client_a.get("/anjungan/saya/keluarga/")["Location"] == "/anjungan/pin/"
    weak = kiosk_client_a.post(
        "/anjungan/pin/", {"current_pin": pin, "new_pin": "123456", "new_pin_again": "123456"}
    )
    assert weak.status_code == 400
    assert "berurutan" in weak.content.decode()
    done = kiosk_client_a.post(
        "/anjungan/pin/", {"current_pin": pin, "new_pin": OTHER_PIN, "new_pin_again": OTHER_PIN}
    )
    assert done["Location"] == "/anjungan/saya/"
    assert kiosk_client_a.get("/anjungan/saya/keluarga/").status_code == 200
    cred = ResidentCredential.objects.get(resident=resident_a)
    assert not cred.must_change_pin
    assert pins.verify_pin(cred.pin_hash, OTHER_PIN)


# --- Sign-in --------------------------------------------------------------------------------


def test_nik_and_pin_sign_in(kiosk_client_a, resident_a, operator_a):
    give_pin(resident_a, operator_a)
    response = sign_in(kiosk_client_a, resident_a)
    assert response["Location"] == "/anjungan/saya/"
    assert resident_a.name in kiosk_client_a.get("/anjungan/saya/").content.decode()


def test_sign_in_is_post_only_for_the_nik(kiosk_client_a, resident_a, operator_a):
    # A NIK in the query string is ignored: nothing signs in through a URL.
    give_pin(resident_a, operator_a)
    response = kiosk_client_a.get("/anjungan/masuk/", {"nik": resident_a.nik, "pin": GOOD_PIN})
    assert response.status_code == 200
    assert kiosk_client_a.get("/anjungan/saya/").status_code == 302


def test_nik_never_in_logs(kiosk_client_a, resident_a, operator_a, caplog):
    give_pin(resident_a, operator_a)
    with caplog.at_level(logging.DEBUG):
        sign_in(kiosk_client_a, resident_a, "000111")
        sign_in(kiosk_client_a, resident_a)
    assert resident_a.nik not in caplog.text
    assert not AuditEvent.objects.filter(changes__icontains=resident_a.nik).exists()


def test_wrong_pin_and_unknown_nik_get_the_same_answer(kiosk_client_a, resident_a, operator_a, village_a):
    give_pin(resident_a, operator_a)
    wrong = sign_in(kiosk_client_a, resident_a, OTHER_PIN).content.decode()
    stranger = kiosk_client_a.post(
        "/anjungan/masuk/", {"nik": make_nik(village_a, dt.date(1980, 1, 1), 1), "pin": OTHER_PIN}
    )
    assert "NIK/kartu atau PIN salah" in wrong
    assert "NIK/kartu atau PIN salah" in stranger.content.decode()


def test_resident_of_another_village_cannot_sign_in_here(kiosk_client_a, resident_b, operator_b):
    give_pin(resident_b, operator_b)
    response = sign_in(kiosk_client_a, resident_b)
    assert response.status_code == 400
    assert kiosk_client_a.get("/anjungan/saya/").status_code == 302


def test_card_with_pin_signs_in(kiosk_client_a, resident_a, operator_a):
    give_pin(resident_a, operator_a)
    services.card_register(actor=operator_a, resident=resident_a, uid="04A1B2C3D4")
    response = kiosk_client_a.post(
        "/anjungan/masuk/", {"mode": "kartu", "card_uid": "04a1b2c3d4", "pin": GOOD_PIN}
    )
    assert response["Location"] == "/anjungan/saya/"


def test_card_alone_never_signs_in(kiosk_client_a, resident_a, operator_a):
    give_pin(resident_a, operator_a)
    services.card_register(actor=operator_a, resident=resident_a, uid="04A1B2C3D4")
    for data in ({"card_uid": "04A1B2C3D4"}, {"card_uid": "04A1B2C3D4", "pin": ""}):
        response = kiosk_client_a.post("/anjungan/masuk/", {"mode": "kartu", **data})
        assert response.status_code == 400
        assert "PIN" in response.content.decode()
    assert kiosk_client_a.get("/anjungan/saya/").status_code == 302


def test_card_with_wrong_pin_counts_against_the_resident(kiosk_client_a, resident_a, operator_a):
    give_pin(resident_a, operator_a)
    services.card_register(actor=operator_a, resident=resident_a, uid="04A1B2C3D4")
    kiosk_client_a.post("/anjungan/masuk/", {"mode": "kartu", "card_uid": "04A1B2C3D4", "pin": OTHER_PIN})
    assert ResidentCredential.objects.get(resident=resident_a).failed_count == 1


# --- Lockout ----------------------------------------------------------------------------------


def _fresh_device_client(operator, village, n):
    """Another kiosk (and another browser): stands for another device, worker or a restart."""
    return device_client(enrol(operator, village, f"Anjungan {n}")[1])


def test_five_wrong_pins_lock_across_devices_and_restarts(resident_a, operator_a, village_a):
    give_pin(resident_a, operator_a)
    # given 5 wrong PINs, each from a fresh client of a different kiosk
    for n in range(5):
        response = sign_in(_fresh_device_client(operator_a, village_a, n), resident_a, OTHER_PIN)
        assert response.status_code == 400
    cred = ResidentCredential.objects.get(resident=resident_a)
    assert cred.failed_count == 5
    assert cred.locked_until > timezone.now()
    # when the right PIN comes from yet another fresh client
    response = sign_in(_fresh_device_client(operator_a, village_a, 9), resident_a)
    # then it is still refused, with the wait in Indonesian
    assert response.status_code == 400
    assert "terkunci" in response.content.decode()


def test_lock_delay_grows(resident_a, operator_a, kiosk_device_a):
    device, _ = kiosk_device_a
    give_pin(resident_a, operator_a)
    delays = []
    for _ in range(4):
        ResidentCredential.objects.filter(resident=resident_a).update(locked_until=None)
        for _ in range(5 if not delays else 1):
            services.sign_in(device=device, nik=resident_a.nik, pin=OTHER_PIN)
            KioskDevice.objects.filter(pk=device.pk).update(sign_in_throttled_until=None)
        cred = ResidentCredential.objects.get(resident=resident_a)
        delays.append((cred.locked_until - timezone.now()).total_seconds())
    assert delays[0] < delays[1] < delays[2] < delays[3]


def test_lock_expires_and_right_pin_resets_counter(resident_a, operator_a, kiosk_device_a):
    device, _ = kiosk_device_a
    give_pin(resident_a, operator_a)
    for _ in range(5):
        services.sign_in(device=device, nik=resident_a.nik, pin=OTHER_PIN)
    ResidentCredential.objects.filter(resident=resident_a).update(
        locked_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert services.sign_in(device=device, nik=resident_a.nik, pin=GOOD_PIN).resident == resident_a
    assert ResidentCredential.objects.get(resident=resident_a).failed_count == 0


def test_ten_wrong_pins_disable_until_operator_resets(resident_a, operator_a, kiosk_device_a, client_a):
    device, _ = kiosk_device_a
    give_pin(resident_a, operator_a)
    for _ in range(10):
        ResidentCredential.objects.filter(resident=resident_a).update(locked_until=None)
        services.sign_in(device=device, nik=resident_a.nik, pin=OTHER_PIN)
    cred = ResidentCredential.objects.get(resident=resident_a)
    assert cred.pin_disabled
    assert cred.failed_count == 10
    # the right PIN, even after any wait, does not open it
    ResidentCredential.objects.filter(resident=resident_a).update(locked_until=None)
    result = services.sign_in(device=device, nik=resident_a.nik, pin=GOOD_PIN)
    assert result.resident is None
    assert "petugas" in result.message
    # the operator's reset issues a new first PIN and clears the counters
    response = client_a.post(f"/anjungan/kelola/penduduk/{resident_a.public_id}/", {"action": "pin"})
    new_pin = response.context["pin"]
    result = services.sign_in(device=device, nik=resident_a.nik, pin=new_pin)
    assert result.resident == resident_a
    assert result.must_change_pin


def test_attempts_while_locked_do_not_check_the_pin(resident_a, operator_a, kiosk_device_a):
    device, _ = kiosk_device_a
    give_pin(resident_a, operator_a)
    for _ in range(5):
        services.sign_in(device=device, nik=resident_a.nik, pin=OTHER_PIN)
    for _ in range(10):
        services.sign_in(device=device, nik=resident_a.nik, pin=OTHER_PIN)
    assert ResidentCredential.objects.get(resident=resident_a).failed_count == 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_pins_all_count(resident_a, operator_a, village_a):
    if connection.vendor == "sqlite":
        pytest.skip("in-memory SQLite is one connection; PostgreSQL runs this")
    give_pin(resident_a, operator_a)
    devices = [enrol(operator_a, village_a, f"K{n}")[0] for n in range(4)]
    barrier = threading.Barrier(4)

    def attempt(device):
        barrier.wait()
        services.sign_in(device=device, nik=resident_a.nik, pin=OTHER_PIN)
        connection.close()

    threads = [threading.Thread(target=attempt, args=(d,)) for d in devices]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ResidentCredential.objects.get(resident=resident_a).failed_count == 4


# --- Spraying -------------------------------------------------------------------------------


def _residents_with_pin(family, operator, n):
    people = [ResidentFactory(village=family.village, family=family, rt=family.rt) for _ in range(n)]
    for p in people:
        give_pin(p, operator)
    return people


def test_one_pin_across_many_niks_throttles_then_blocks_the_device(kiosk_device_a, family_a, operator_a):
    device, credential = kiosk_device_a
    people = _residents_with_pin(family_a, operator_a, services.SPRAY_BLOCK_AT + 1)
    client = device_client(credential)
    # given the same PIN tried against distinct NIKs
    for p in people[: services.SPRAY_THROTTLE_AT]:
        sign_in(client, p, OTHER_PIN)
    # then the device is throttled: even a right PIN must wait
    throttled = sign_in(client, people[-1])
    assert throttled.status_code == 400
    assert "Tunggu" in throttled.content.decode()
    for p in people[services.SPRAY_THROTTLE_AT : services.SPRAY_BLOCK_AT]:
        KioskDevice.objects.filter(pk=device.pk).update(sign_in_throttled_until=None)
        sign_in(client, p, OTHER_PIN)
    # and blocked at the limit, for good, until an operator unblocks it
    device.refresh_from_db()
    assert device.sign_in_blocked
    KioskDevice.objects.filter(pk=device.pk).update(sign_in_throttled_until=None)
    assert "Hubungi petugas" in sign_in(device_client(credential), people[-1]).content.decode()
    # no single resident was locked by it
    assert not ResidentCredential.objects.filter(failed_count__gte=services.LOCK_AFTER).exists()
    services.device_unblock(actor=operator_a, device=device)
    assert sign_in(device_client(credential), people[-1]).status_code == 302


def test_unknown_niks_count_as_spraying(kiosk_device_a, village_a):
    device, _ = kiosk_device_a
    for n in range(services.SPRAY_THROTTLE_AT):
        services.sign_in(device=device, nik=make_nik(village_a, dt.date(1970, 1, 1 + n), 1), pin=OTHER_PIN)
    device.refresh_from_db()
    assert device.sign_in_throttled_until
    assert device.sign_in_throttled_until > timezone.now()


def test_same_resident_retyping_is_not_spraying(kiosk_device_a, resident_a, operator_a):
    device, _ = kiosk_device_a
    give_pin(resident_a, operator_a)
    for _ in range(4):
        services.sign_in(device=device, nik=resident_a.nik, pin=OTHER_PIN)
    device.refresh_from_db()
    assert device.sign_in_throttled_until is None
    assert not device.sign_in_blocked


def test_sign_in_failures_hold_no_nik(kiosk_device_a, resident_a, operator_a):
    from balai.devices.models import SignInFailure

    device, _ = kiosk_device_a
    give_pin(resident_a, operator_a)
    services.sign_in(device=device, nik=resident_a.nik, pin=OTHER_PIN)
    assert resident_a.nik not in str(list(SignInFailure.objects.values()))


def test_fresh_client_without_cookie_cannot_sign_in(resident_a, operator_a):
    give_pin(resident_a, operator_a)
    assert sign_in(Client(), resident_a).status_code == 403
