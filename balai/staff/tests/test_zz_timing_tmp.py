import datetime as dt
import time

import pytest
from django.test import Client
from django.utils import timezone

from balai.devices import pins
from balai.devices import services as device_services
from balai.devices.device import COOKIE_NAME
from balai.devices.models import ResidentCredential
from balai.staff.models import AbsenceReport
from balai.staff.tests.factories import OfficialFactory

pytestmark = pytest.mark.django_db


def _p(samples):
    s = sorted(samples)
    return s[len(s) // 2], s[int(len(s) * 0.95) - 1]


def test_timing(settings, village_a, operator_a, resident_a, kades_a, client):
    settings.BALAI_KIOSK_ARGON2 = {"time_cost": 1, "memory_kib": 64, "parallelism": 1}
    settings.BALAI_KIOSK_PEPPER = "test-pepper"
    officials = [OfficialFactory(village=village_a, name=f"P{n}", position="Kasi") for n in range(25)]
    now = timezone.now()
    AbsenceReport.objects.bulk_create(
        [
            AbsenceReport(village=village_a, official=officials[n % 25], resident=resident_a,
                          seen_at=now - dt.timedelta(hours=n), submit_key=f"k{n}")
            for n in range(500)
        ]
    )
    device, code = device_services.device_create(actor=operator_a, village=village_a, label="A")
    _d, cred = device_services.device_enrol(code=code)
    k = Client()
    k.cookies[COOKIE_NAME] = cred
    k.cookies[COOKIE_NAME]["path"] = "/anjungan/"
    device_services.pin_issue(actor=operator_a, resident=resident_a)
    ResidentCredential.objects.filter(resident=resident_a).update(pin_hash=pins.hash_pin("483920"), must_change_pin=False)
    assert k.post("/anjungan/masuk/", {"nik": resident_a.nik, "pin": "483920"}).status_code == 302
    client.force_login(kades_a)
    out = []
    for name, c, url in (("kiosk", k, "/anjungan/perangkat/lapor-tidak-hadir/"), ("list", client, "/perangkat/kehadiran/laporan-warga/?status=semua"), ("recap", client, "/perangkat/kehadiran/")):
        samples = []
        for i in range(120):
            t = time.perf_counter()
            r = c.get(url)
            ms = (time.perf_counter() - t) * 1000
            assert r.status_code == 200
            if i >= 20:
                samples.append(ms)
        out.append(f"{name} p50 {_p(samples)[0]:.1f} p95 {_p(samples)[1]:.1f} ms")
    with open("/tmp/ks_timing/out.txt", "w") as f:
        f.write("\n".join(out))
