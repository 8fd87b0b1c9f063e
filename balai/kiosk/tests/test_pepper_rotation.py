"""Pepper rotation: PINs (and cards) made under an older pepper listed in
BALAI_KIOSK_PEPPER_PREVIOUS still work, and move to the current pepper at the next successful
sign-in; the stored hash names its pepper by a short id, never the pepper itself."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command

from balai.devices import pins, services
from balai.devices.models import ResidentCredential
from balai.kiosk.tests.conftest import GOOD_PIN, OTHER_PIN, give_pin
from balai.staff import attendance
from balai.staff.models import OfficialCredential
from balai.staff.tests.factories import OfficialFactory

pytestmark = pytest.mark.django_db

OLD, NEW = "old-pepper-0123456789abcdef", "new-pepper-fedcba9876543210"


def _rotate(settings, previous=(OLD,)):
    settings.BALAI_KIOSK_PEPPER = NEW
    settings.BALAI_KIOSK_PEPPER_PREVIOUS = list(previous)


def _stored(resident) -> str:
    return ResidentCredential.objects.get(resident=resident).pin_hash


@pytest.fixture
def old_pin(settings, resident_a, operator_a):
    settings.BALAI_KIOSK_PEPPER = OLD
    give_pin(resident_a, operator_a)
    return _stored(resident_a)


def test_hash_names_its_pepper_by_a_short_id_only(settings):
    settings.BALAI_KIOSK_PEPPER = OLD
    old = pins.hash_pin(GOOD_PIN)
    _rotate(settings)
    new = pins.hash_pin(GOOD_PIN)
    assert pins.stored_pepper_id(old) == pins.pepper_id(OLD.encode()) != pins.stored_pepper_id(new)
    assert pins.stored_pepper_id(new) == pins.current_pepper_id()
    for stored in (old, new):
        assert OLD not in stored
        assert NEW not in stored
        assert len(pins.stored_pepper_id(stored)) == 8


def test_old_pepper_pin_verifies_only_while_listed(settings, old_pin):
    _rotate(settings, previous=())
    assert not pins.verify_pin(old_pin, GOOD_PIN)
    _rotate(settings)
    assert pins.verify_pin(old_pin, GOOD_PIN)
    assert not pins.verify_pin(old_pin, OTHER_PIN)
    assert pins.pin_needs_rehash(old_pin)


def test_sign_in_rehashes_an_old_pepper_pin(settings, old_pin, resident_a, kiosk_device_a):
    # given: the pepper was rotated
    _rotate(settings)
    device = kiosk_device_a[0]
    # when: the resident signs in with the right PIN
    result = services.sign_in(device=device, nik=resident_a.nik, pin=GOOD_PIN)
    # then: signed in, and the hash now uses the current pepper
    assert result.resident == resident_a
    stored = _stored(resident_a)
    assert stored != old_pin
    assert pins.stored_pepper_id(stored) == pins.current_pepper_id()
    assert not pins.pin_needs_rehash(stored)
    # the old pepper is no longer needed for this resident
    _rotate(settings, previous=())
    assert services.sign_in(device=device, nik=resident_a.nik, pin=GOOD_PIN).resident == resident_a


def test_wrong_pin_does_not_rehash(settings, old_pin, resident_a, kiosk_device_a):
    _rotate(settings)
    result = services.sign_in(device=kiosk_device_a[0], nik=resident_a.nik, pin=OTHER_PIN)
    assert result.resident is None
    assert _stored(resident_a) == old_pin
    assert ResidentCredential.objects.get(resident=resident_a).failed_count == 1


def test_hash_from_before_rotation_is_tried_under_each_pepper(
    settings, resident_a, kiosk_device_a, operator_a
):
    # given: a PIN stored as plain argon2 (no pepper id), made under what is now the old pepper
    settings.BALAI_KIOSK_PEPPER = OLD
    give_pin(resident_a, operator_a)
    legacy = _stored(resident_a).partition(":")[2]
    assert legacy.startswith("$argon2id$")
    assert pins.stored_pepper_id(legacy) == ""
    ResidentCredential.objects.filter(resident=resident_a).update(pin_hash=legacy)
    _rotate(settings)
    # when / then
    assert services.sign_in(device=kiosk_device_a[0], nik=resident_a.nik, pin=GOOD_PIN).resident == resident_a
    assert pins.stored_pepper_id(_stored(resident_a)) == pins.current_pepper_id()


def test_card_registered_under_old_pepper_still_signs_in_and_is_rekeyed(
    settings, old_pin, resident_a, operator_a, kiosk_device_a
):
    settings.BALAI_KIOSK_PEPPER = OLD
    services.card_register(actor=operator_a, resident=resident_a, uid="04A1B2C3D4")
    _rotate(settings)
    result = services.sign_in(device=kiosk_device_a[0], card_uid="04A1B2C3D4", pin=GOOD_PIN)
    assert result.resident == resident_a
    assert ResidentCredential.objects.get(resident=resident_a).card_digest == pins.card_digest("04A1B2C3D4")


def test_card_under_old_pepper_cannot_be_given_to_another_resident(
    settings, resident_a, operator_a, family_a
):
    from balai.core.errors import ApplicationError
    from balai.people.tests.factories import ResidentFactory

    settings.BALAI_KIOSK_PEPPER = OLD
    services.card_register(actor=operator_a, resident=resident_a, uid="04A1B2C3D4")
    _rotate(settings)
    other = ResidentFactory(village=family_a.village, family=family_a)
    with pytest.raises(ApplicationError):
        services.card_register(actor=operator_a, resident=other, uid="04A1B2C3D4")


@time_machine.travel(dt.datetime(2026, 11, 25, 7, 45, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
def test_officials_pin_and_card_move_to_the_current_pepper(settings, village_a, operator_a):
    settings.BALAI_KIOSK_PEPPER = OLD
    official = OfficialFactory(village=village_a, name="RAHAYU")
    attendance.credential_set_card(actor=operator_a, official=official, card_uid="04A1B2C3")
    pin = attendance.credential_issue_pin(actor=operator_a, official=official)
    _rotate(settings)
    who = attendance.identify_by_card(village=village_a, card_uid="04A1B2C3", pin=pin)
    assert who.official == official
    credential = OfficialCredential.objects.get(official=official)
    assert pins.stored_pepper_id(credential.pin_hash) == pins.current_pepper_id()
    assert credential.card_digest == pins.card_digest("04A1B2C3")
    _rotate(settings, previous=())
    assert attendance.identify_by_card(village=village_a, card_uid="04A1B2C3", pin=pin).official == official


def test_status_command_counts_pins_per_pepper(settings, old_pin, resident_a, kiosk_device_a, capsys):
    _rotate(settings)
    call_command("kiosk_pepper_status")
    out = capsys.readouterr().out
    old_id = pins.pepper_id(OLD.encode())
    assert f"{old_id} (lama ke-1)" in out
    assert OLD not in out
    assert NEW not in out
    assert "1 PIN belum memakai pepper saat ini" in out
    with pytest.raises(CommandError):
        call_command("kiosk_pepper_status", "--check")
    # after the resident signs in, nothing is left under the old pepper
    services.sign_in(device=kiosk_device_a[0], nik=resident_a.nik, pin=GOOD_PIN)
    call_command("kiosk_pepper_status", "--check")
    assert "Semua PIN memakai pepper saat ini" in capsys.readouterr().out


def test_hash_from_before_rotation_under_the_current_pepper_is_only_tagged(
    settings, resident_a, kiosk_device_a, operator_a
):
    # given: a pre-rotation hash (no id) made under the current pepper: no second argon2 run needed
    give_pin(resident_a, operator_a)
    legacy = _stored(resident_a).partition(":")[2]
    ResidentCredential.objects.filter(resident=resident_a).update(pin_hash=legacy)
    # when
    assert services.sign_in(device=kiosk_device_a[0], nik=resident_a.nik, pin=GOOD_PIN).resident == resident_a
    # then: the same argon2 hash, now naming its pepper
    assert _stored(resident_a) == f"{pins.current_pepper_id()}:{legacy}"


def test_unknown_nik_still_costs_one_argon2_check_after_a_pepper_change(settings, monkeypatch):
    settings.BALAI_KIOSK_PEPPER = OLD
    pins.burn_verify(OTHER_PIN)
    _rotate(settings, previous=())
    real = pins.hasher
    checks: list[str] = []

    class Spy:
        def __getattr__(self, name):
            return getattr(real(), name)

        def verify(self, encoded, secret):
            checks.append(encoded)
            return real().verify(encoded, secret)

    monkeypatch.setattr(pins, "hasher", Spy)
    pins.burn_verify(OTHER_PIN)
    assert len(checks) == 1
