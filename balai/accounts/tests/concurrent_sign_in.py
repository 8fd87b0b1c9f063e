"""Parallel wrong passwords for one staff account (issue 16): in-process threads on PostgreSQL,
or this module as a subprocess on a SQLite file configured as in production."""

from __future__ import annotations

import json
import sys
import threading
from typing import Any

URL = "/akun/masuk/"
PROXY = "10.0.0.2"
PASSWORD = "rahasia-demo-123"


def post(username: str, password: str, visitor: str = "203.0.113.9") -> Any:
    from django.test import Client

    return Client().post(
        URL, {"username": username, "password": password}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=visitor
    )


def parallel_guesses(username: str, n: int = 20) -> dict:
    from django.contrib.auth.backends import ModelBackend
    from django.db import connection

    lock = threading.Lock()
    counted = {"checked": 0}
    original = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):  # type: ignore[no-untyped-def]
        with lock:
            counted["checked"] += 1
        return original(self, request, username=username, password=password, **kwargs)

    barrier = threading.Barrier(n)
    errors: list[str] = []

    def attempt(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            post(username, f"salah-{i}", visitor=f"198.51.100.{i}")
        except Exception as exc:  # noqa: BLE001 - reported
            errors.append(repr(exc))
        finally:
            connection.close()

    ModelBackend.authenticate = counting  # type: ignore[method-assign]
    try:
        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        ModelBackend.authenticate = original  # type: ignore[method-assign]
    return {"checked": counted["checked"], "errors": errors}


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings as dj_settings
    from django.db import connections

    from balai.accounts.models import Role, User
    from balai.regions.models import Village

    dj_settings.BALAI_TRUSTED_PROXIES = [PROXY]
    dj_settings.ALLOWED_HOSTS = ["testserver"]
    village = Village.objects.create(
        code="33.25.01.2007", name="Brokoh", district_code="33.25.01", district_name="Wonotunggal",
        regency_code="33.25", regency_name="Kabupaten Batang", province_name="Jawa Tengah",
    )  # fmt: skip
    User.objects.create_user("paralel", password=PASSWORD, role=Role.OPERATOR, village=village)
    connections.close_all()
    sys.stdout.write(json.dumps(parallel_guesses("paralel")) + "\n")
