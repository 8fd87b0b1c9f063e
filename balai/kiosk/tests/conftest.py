"""Kiosk fixtures: an enrolled device per village, a resident with a PIN, clients that carry
the device cookie (and a signed-in resident)."""

from __future__ import annotations

import pytest
from django.test import Client

from balai.devices import services
from balai.devices.device import COOKIE_NAME
from balai.devices.models import ResidentCredential

# A PIN the rules accept for the fixture residents (not their birth date, not a pattern).
GOOD_PIN = "483920"
OTHER_PIN = "715264"


@pytest.fixture(autouse=True)
def _cheap_argon2(settings):
    # Real cost is ~tens of ms per hash; tests hash hundreds of times.
    settings.BALAI_KIOSK_ARGON2 = {"time_cost": 1, "memory_kib": 64, "parallelism": 1}
    settings.BALAI_KIOSK_PEPPER = "test-pepper"


def enrol(actor, village, label="Anjungan balai desa"):
    device, code = services.device_create(actor=actor, village=village, label=label)
    device, credential = services.device_enrol(code=code)
    return device, credential


def device_client(credential: str) -> Client:
    c = Client()
    c.cookies[COOKIE_NAME] = credential
    c.cookies[COOKIE_NAME]["path"] = "/anjungan/"
    return c


def give_pin(resident, actor, pin=GOOD_PIN, must_change=False):
    services.pin_issue(actor=actor, resident=resident)
    from balai.devices import pins

    ResidentCredential.objects.filter(resident=resident).update(
        pin_hash=pins.hash_pin(pin), must_change_pin=must_change
    )


def sign_in(client: Client, resident, pin=GOOD_PIN):
    return client.post("/anjungan/masuk/", {"nik": resident.nik, "pin": pin})


@pytest.fixture
def kiosk_device_a(operator_a, village_a):
    return enrol(operator_a, village_a)


@pytest.fixture
def kiosk_device_b(operator_b, village_b):
    return enrol(operator_b, village_b)


@pytest.fixture
def kiosk_client_a(kiosk_device_a):
    return device_client(kiosk_device_a[1])


@pytest.fixture
def kiosk_client_b(kiosk_device_b):
    return device_client(kiosk_device_b[1])


@pytest.fixture
def resident_client_a(kiosk_client_a, resident_a, operator_a):
    """A kiosk of village A with resident_a signed in (PIN already changed)."""
    give_pin(resident_a, operator_a)
    response = sign_in(kiosk_client_a, resident_a)
    assert response.status_code == 302, response.content[:500]
    return kiosk_client_a


@pytest.fixture
def resident_client_b(kiosk_client_b, resident_b, operator_b):
    give_pin(resident_b, operator_b)
    response = sign_in(kiosk_client_b, resident_b)
    assert response.status_code == 302, response.content[:500]
    return kiosk_client_b


@pytest.fixture
def head_official_a(village_a, kades_a):
    """The kepala desa signs letters: self-service kiosk letters need a signatory."""
    from balai.staff.services import official_create

    official = official_create(
        actor=None,
        village=village_a,
        data={"name": "SLAMET RIYADI", "position": "Kepala Desa", "signs_letters": True, "signs_as": "own"},
    )
    official.user = kades_a
    official.save(update_fields=["user"])
    return official


def office_issues(letter, *, operator, kades):
    """The office handles a kiosk request: requirements checked, verified, signed, issued."""
    from balai.letters.fields import letter_type_of
    from balai.letters.services import workflow as letters

    letter = letters.letter_update(
        actor=operator, letter=letter, fields=letter.fields, requirements=letter_type_of(letter).requirements
    )
    letter = letters.letter_verify(actor=operator, letter=letter)
    letter = letters.letter_sign(actor=kades, letter=letter)
    return letters.letter_issue(actor=operator, letter=letter)


@pytest.fixture(autouse=True)
def _fresh_home_cache():
    # The home screen is cached per village for a few seconds; tests reuse village ids.
    from django.core.cache import cache

    cache.clear()
