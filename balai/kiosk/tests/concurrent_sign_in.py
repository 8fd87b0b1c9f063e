"""Parallel kiosk sign-ins (issue 16's reproductions), shared by the PostgreSQL test (threads
on the test database) and the SQLite one (this module run as a subprocess on a SQLite file
configured as in production; in-memory SQLite is one connection).

`spray(...)`: 16 wrong PINs for 16 NIKs at once from one fresh device.
`guess(...)`: 25 wrong PINs and the right one at once for one resident, each from its own
device. Prints/returns how many PINs were actually checked (argon2 runs).
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

RIGHT_PIN = "483920"
WRONG_PIN = "715264"


def _parallel(jobs: list[Callable[[], Any]]) -> list[Any]:
    from django.db import connection

    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[i] = jobs[i]()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


class _Counted:
    """Counts the PIN checks (real and dummy) made while active."""

    def __init__(self) -> None:
        from balai.devices import pins

        self.pins = pins
        self.lock = threading.Lock()
        self.checked = 0
        self.original = (pins.check_pin, pins.burn_verify)

    def __enter__(self) -> _Counted:
        check, burn = self.original

        def counted_check(stored: str, pin: str) -> tuple[bool, str]:
            with self.lock:
                self.checked += 1
            return check(stored, pin)

        def counted_burn(pin: str) -> None:
            with self.lock:
                self.checked += 1
            burn(pin)

        self.pins.check_pin, self.pins.burn_verify = counted_check, counted_burn  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        self.pins.check_pin, self.pins.burn_verify = self.original  # type: ignore[assignment]


def _with_pin(resident: Any, actor: Any, pin: str) -> None:
    from balai.devices import pins, services
    from balai.devices.models import ResidentCredential

    services.pin_issue(actor=actor, resident=resident)
    ResidentCredential.objects.filter(resident=resident).update(
        pin_hash=pins.hash_pin(pin), must_change_pin=False
    )


def spray(*, actor: Any, village: Any, family: Any) -> dict[str, Any]:
    from balai.devices import services
    from balai.devices.models import KioskDevice
    from balai.people.tests.factories import ResidentFactory

    people = [ResidentFactory(village=village, family=family, rt=family.rt) for _ in range(16)]
    for p in people:
        _with_pin(p, actor, RIGHT_PIN)
    device, code = services.device_create(actor=actor, village=village, label="Semprot")
    device, _credential = services.device_enrol(code=code)
    with _Counted() as counted:
        results = _parallel(
            [lambda p=p: services.sign_in(device=device, nik=p.nik, pin=WRONG_PIN) for p in people]
        )
    state = KioskDevice.objects.get(pk=device.pk)
    return {
        "checked": counted.checked,
        "errors": [repr(r) for r in results if isinstance(r, Exception)],
        "throttled": state.sign_in_throttled_until is not None,
        "blocked": state.sign_in_blocked,
    }


def guess(*, actor: Any, village: Any, family: Any) -> dict[str, Any]:
    from balai.devices import services
    from balai.devices.models import ResidentCredential
    from balai.people.tests.factories import ResidentFactory

    resident = ResidentFactory(village=village, family=family, rt=family.rt)
    _with_pin(resident, actor, RIGHT_PIN)
    devices = []
    for n in range(26):
        device, code = services.device_create(actor=actor, village=village, label=f"K{n}")
        devices.append(services.device_enrol(code=code)[0])
    pins_tried = [WRONG_PIN] * 25 + [RIGHT_PIN]
    with _Counted() as counted:
        results = _parallel(
            [
                lambda d=d, pin=pin: services.sign_in(device=d, nik=resident.nik, pin=pin)
                for d, pin in zip(devices, pins_tried, strict=True)
            ]
        )
    cred = ResidentCredential.objects.get(resident=resident)
    return {
        "checked": counted.checked,
        "signed_in": any(getattr(r, "resident", None) is not None for r in results),
        "errors": [repr(r) for r in results if isinstance(r, Exception)],
        "failed_count": cred.failed_count,
    }


def main(which: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    settings.BALAI_KIOSK_ARGON2 = {"time_cost": 1, "memory_kib": 64, "parallelism": 1}
    settings.BALAI_KIOSK_PEPPER = "test-pepper"
    from balai.accounts.models import Role, User
    from balai.people.tests.factories import FamilyFactory, RtFactory, VillageFactory

    village = VillageFactory()
    family = FamilyFactory(village=village, rt=RtFactory(village=village))
    operator = User.objects.create_user(username="op", role=Role.OPERATOR, village=village)
    connections.close_all()
    scenario = {"spray": spray, "guess": guess}[which]
    sys.stdout.write(json.dumps(scenario(actor=operator, village=village, family=family)) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
