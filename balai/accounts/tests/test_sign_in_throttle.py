"""Issue 16, staff sign-in: throttled per account with growing delays and per real client
address (behind the trusted proxy), with a cap on distinct accounts per address; attendance
passwords count apart; parallel guesses cannot slip past (the attempt is counted first)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from balai.accounts import throttle
from balai.accounts.models import Role, SignInThrottle, User
from balai.accounts.tests.concurrent_sign_in import PASSWORD, PROXY, parallel_guesses, post

pytestmark = pytest.mark.django_db
URL = "/akun/masuk/"
_post = post


@pytest.fixture(autouse=True)
def _behind_proxy(settings):
    settings.BALAI_TRUSTED_PROXIES = [PROXY]


def _signed_in(response) -> bool:
    return response.status_code == 302


def test_right_password_signs_in(operator_a):
    assert _signed_in(_post("operator_a", PASSWORD))


def test_wrong_passwords_grow_the_wait_without_a_long_lockout(operator_a):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(throttle.ACCOUNT_FREE):
            assert _post("operator_a", "salah").status_code == 200
        # then the next try waits 15 s, even with the right password
        refused = _post("operator_a", PASSWORD)
        assert not _signed_in(refused)
        assert "Coba lagi dalam 15 detik" in refused.content.decode()
        # after the wait one more wrong try doubles it
        clock.shift(dt.timedelta(seconds=16))
        _post("operator_a", "salah")
        assert "30 detik" in _post("operator_a", PASSWORD).content.decode()
        # the owner gets in once the short wait is over (no 30-minute lock)
        clock.shift(dt.timedelta(seconds=31))
        assert _signed_in(_post("operator_a", PASSWORD))
    row = SignInThrottle.objects.get(kind="account")
    assert row.failures == 0


def test_delays_are_capped():
    assert throttle.delay(100, throttle.ACCOUNT_FREE) == throttle.DELAY_MAX


def test_visitors_behind_the_proxy_are_told_apart(operator_a, operator_b):
    # given an attacker behind the proxy trying operator_a's account and spraying others
    for _ in range(throttle.ACCOUNT_FREE + 3):
        _post("operator_b", "salah", visitor="198.51.100.66")
    # then a colleague behind the same proxy, on an untouched account, is not slowed
    assert _signed_in(_post("operator_a", PASSWORD, visitor="198.51.100.7"))


def test_one_password_sprayed_over_many_accounts_is_capped(settings, village_a):
    settings.BALAI_SIGNIN_ACCOUNTS_PER_ADDRESS = 10
    users = [
        User.objects.create_user(f"staf{n}", password=PASSWORD, role=Role.OPERATOR, village=village_a)
        for n in range(12)
    ]
    answers = [_post(u.username, "Rahasia123!", visitor="198.51.100.66") for u in users]
    # the first ten are checked, the 11th and 12th account are refused without a check
    assert all("salah" in a.content.decode() for a in answers[:10])
    for refused in answers[10:]:
        assert "Terlalu banyak akun berbeda" in refused.content.decode()
    # even with the right password, from that address
    assert not _signed_in(_post("staf11", PASSWORD, visitor="198.51.100.66"))
    # but not from elsewhere
    assert _signed_in(_post("staf11", PASSWORD, visitor="198.51.100.67"))


def test_forged_forwarded_for_without_trusted_proxy_counts_against_the_sender(settings, operator_a):
    settings.BALAI_TRUSTED_PROXIES = []
    settings.BALAI_SIGNIN_ACCOUNTS_PER_ADDRESS = 2
    User.objects.create_user("lain", password=PASSWORD, role=Role.OPERATOR, village=operator_a.village)
    User.objects.create_user("lain2", password=PASSWORD, role=Role.OPERATOR, village=operator_a.village)
    _post("operator_a", "salah", visitor="1.1.1.1")
    _post("lain", "salah", visitor="1.1.1.2")
    assert "Terlalu banyak akun berbeda" in _post("lain2", "salah", visitor="1.1.1.3").content.decode()


def test_admin_password_reset_lifts_the_wait(operator_a):
    from balai.accounts.services import user_password_reset

    for _ in range(throttle.ACCOUNT_FREE):
        _post("operator_a", "salah")
    user_password_reset(actor=None, user=operator_a, password="Kata-sandi-baru-2026")
    assert _signed_in(_post("operator_a", "Kata-sandi-baru-2026"))


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_postgres(village_a):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL")
    User.objects.create_user("paralel", password=PASSWORD, role=Role.OPERATOR, village=village_a)
    result = parallel_guesses("paralel")
    assert result["errors"] == []
    assert result["checked"] == throttle.ACCOUNT_FREE


def test_parallel_guesses_sqlite_file(sqlite_file_env):
    done = subprocess.run(
        [sys.executable, "-m", "balai.accounts.tests.concurrent_sign_in"],
        env=sqlite_file_env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["checked"] == throttle.ACCOUNT_FREE
