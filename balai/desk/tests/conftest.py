"""Desk fixtures: service categories and counters, enrolled kiosk devices with their clients,
and an official with a card and PIN for attendance."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from balai.desk.models import Counter, ServiceCategory
from balai.devices import services as device_services
from balai.devices.device import COOKIE_NAME

OFFICIAL_PIN = "583920"


@pytest.fixture(autouse=True)
def _cheap_argon2(settings):
    settings.BALAI_KIOSK_ARGON2 = {"time_cost": 1, "memory_kib": 64, "parallelism": 1}
    settings.BALAI_KIOSK_PEPPER = "test-pepper"


def enrol(actor, village, label="Anjungan balai desa"):
    device, code = device_services.device_create(actor=actor, village=village, label=label)
    return device_services.device_enrol(code=code)


def device_client(credential: str) -> Client:
    c = Client()
    c.cookies[COOKIE_NAME] = credential
    c.cookies[COOKIE_NAME]["path"] = "/anjungan/"
    return c


@pytest.fixture
def device_a(operator_a, village_a):
    return enrol(operator_a, village_a)


@pytest.fixture
def device_b(operator_b, village_b):
    return enrol(operator_b, village_b)


@pytest.fixture
def kiosk_a(device_a):
    return device_client(device_a[1])


@pytest.fixture
def kiosk_b(device_b):
    return device_client(device_b[1])


@pytest.fixture
def surat_a(village_a):
    return ServiceCategory.objects.create(village=village_a, code="A", name="Surat", order=1)


@pytest.fixture
def kependudukan_a(village_a):
    return ServiceCategory.objects.create(village=village_a, code="B", name="Kependudukan", order=2)


@pytest.fixture
def surat_b(village_b):
    return ServiceCategory.objects.create(village=village_b, code="A", name="Surat", order=1)


@pytest.fixture
def loket1_a(village_a):
    return Counter.objects.create(village=village_a, name="Loket 1", order=1)


@pytest.fixture
def loket2_a(village_a):
    return Counter.objects.create(village=village_a, name="Loket 2", order=2)


@pytest.fixture
def loket1_b(village_b):
    return Counter.objects.create(village=village_b, name="Loket 1", order=1)


# A Wednesday morning in Jakarta time, inside the default working hours (06:00–18:00).
WORK_MORNING = dt.datetime(2026, 11, 25, 7, 45, tzinfo=dt.timezone(dt.timedelta(hours=7)))
