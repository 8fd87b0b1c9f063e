"""Issue 16, races: the kiosk's device and resident counters are checked and recorded under a
row lock before any PIN is checked, so parallel attempts cannot slip past them. Each scenario
runs on PostgreSQL (threads on the test database) and on a SQLite file (a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.db import connection

from balai.devices import services
from balai.kiosk.tests import concurrent_sign_in

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="threads: PostgreSQL")


def _on_sqlite_file(env: dict[str, str], which: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "balai.kiosk.tests.concurrent_sign_in", which],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _check_spray(result: dict) -> None:
    # 16 NIKs from one fresh device: the 5th distinct subject throttles the device, so the
    # other 11 are refused without a PIN check (before: all 16 were checked).
    assert result["errors"] == []
    assert result["checked"] == services.SPRAY_THROTTLE_AT
    assert result["throttled"]


def _check_guess(result: dict) -> None:
    # 25 wrong + 1 right at once for one resident: no more PINs checked than the lockout
    # allows (before: 12 checked and the right one signed in).
    assert result["errors"] == []
    if result["signed_in"]:
        # The right PIN was among the first five checked; it resets the counter as a
        # sequential right PIN would, and the wrong ones after it start again.
        assert result["checked"] <= 2 * services.LOCK_AFTER
    else:
        assert result["checked"] == services.LOCK_AFTER
        assert result["failed_count"] == services.LOCK_AFTER


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_spray_from_one_device_is_throttled_postgres(operator_a, village_a, family_a, settings):
    settings.BALAI_KIOSK_ARGON2 = {"time_cost": 1, "memory_kib": 64, "parallelism": 1}
    _check_spray(concurrent_sign_in.spray(actor=operator_a, village=village_a, family=family_a))


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_for_one_resident_stop_at_the_lock_postgres(
    operator_a, village_a, family_a, settings
):
    settings.BALAI_KIOSK_ARGON2 = {"time_cost": 1, "memory_kib": 64, "parallelism": 1}
    _check_guess(concurrent_sign_in.guess(actor=operator_a, village=village_a, family=family_a))


def test_parallel_spray_from_one_device_is_throttled_sqlite(sqlite_file_env):
    _check_spray(_on_sqlite_file(sqlite_file_env, "spray"))


def test_parallel_guesses_for_one_resident_stop_at_the_lock_sqlite(sqlite_file_env):
    _check_guess(_on_sqlite_file(sqlite_file_env, "guess"))
