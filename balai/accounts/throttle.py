"""Staff web sign-in throttle: per account with growing delays, per real client address, and
a cap on the distinct accounts one address may fail on.

Replaces django-axes' username+address lockout (issue 16): behind a reverse proxy every
visitor shared the proxy's address, so anyone could lock any account for 30 minutes, and one
password sprayed over many accounts was never slowed. Now:

- the address is the visitor's (`balai.core.ratelimit.client_ip`, X-Forwarded-For believed
  only from `BALAI_TRUSTED_PROXIES`);
- an account may fail `ACCOUNT_FREE` times, then each further try must wait a delay that
  doubles (15 s, 30 s, 1 min … at most 15 min): an attacker can slow an account, never shut
  its owner out for long;
- an address may fail `ADDRESS_FREE` times before its own delays start, and may fail on at
  most `ACCOUNTS_PER_ADDRESS` distinct accounts within `WINDOW` (spraying);
- the attempt is counted *before* the password is checked, in one transaction under the rows'
  locks, and taken back if the password was right: parallel guesses cannot slip past.

The attendance kiosk's username + password keeps its own counter (`balai.staff.attendance`),
so failures there never slow the owner's web sign-in.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.accounts.models import SignInFailure, SignInThrottle
from balai.core.ratelimit import key_digest

WINDOW = dt.timedelta(hours=1)
ACCOUNT_FREE = 5
ADDRESS_FREE = 20
DELAY_BASE = dt.timedelta(seconds=15)
DELAY_MAX = dt.timedelta(minutes=15)


def accounts_per_address() -> int:
    return int(getattr(settings, "BALAI_SIGNIN_ACCOUNTS_PER_ADDRESS", 10))


@dataclass
class Attempt:
    refusal: str = ""
    wait_seconds: int = 0
    account_key: str = ""
    address_key: str = ""
    failure_id: int = 0


def _row(kind: str, key: str) -> SignInThrottle:
    row = SignInThrottle.objects.select_for_update().filter(kind=kind, key=key).first()
    if row is None:
        try:
            with transaction.atomic():
                SignInThrottle.objects.create(kind=kind, key=key)
        except IntegrityError:
            pass  # created by a parallel attempt
        row = SignInThrottle.objects.select_for_update().get(kind=kind, key=key)
    return row


def delay(failures: int, free: int) -> dt.timedelta | None:
    if failures < free:
        return None
    return min(DELAY_BASE * 2 ** min(failures - free, 16), DELAY_MAX)


def _count(row: SignInThrottle, free: int, now: dt.datetime) -> None:
    if row.last_failure_at is not None and now - row.last_failure_at > WINDOW:
        row.failures = 0  # a quiet hour forgives
    row.failures += 1
    row.last_failure_at = now
    wait = delay(row.failures, free)
    row.next_allowed_at = now + wait if wait is not None else None
    row.save()


def _wait_message(until: dt.datetime, now: dt.datetime) -> tuple[str, int]:
    wait = max(1, math.ceil((until - now).total_seconds()))
    if wait > 90:
        text = _("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(m)d menit.") % {
            "m": (wait + 59) // 60
        }
    else:
        text = _("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(s)d detik.") % {"s": wait}
    return text, wait


def reserve(*, username: str, address: str) -> Attempt:
    """Check the throttles and count this attempt as a failure before the password is checked.
    Call `succeeded` if it was right."""
    now = timezone.now()
    account_key = key_digest(f"account:{username.strip().casefold()}")
    address_key = key_digest(f"address:{address}")
    with transaction.atomic():
        # Always the account row first, then the address row: one lock order, no deadlock.
        account = _row(SignInThrottle.Kind.ACCOUNT, account_key)
        origin = _row(SignInThrottle.Kind.ADDRESS, address_key)
        for row in (account, origin):
            if row.next_allowed_at is not None and row.next_allowed_at > now:
                text, wait = _wait_message(row.next_allowed_at, now)
                return Attempt(refusal=text, wait_seconds=wait)
        tried = set(
            SignInFailure.objects.filter(address_key=address_key, at__gte=now - WINDOW)
            .values_list("account_key", flat=True)
            .distinct()
        )
        if account_key not in tried and len(tried) >= accounts_per_address():
            return Attempt(
                refusal=_(
                    "Terlalu banyak akun berbeda gagal masuk dari alamat ini. Coba lagi dalam satu jam "
                    "atau hubungi admin kabupaten."
                ),
                wait_seconds=int(WINDOW.total_seconds()),
            )
        _count(account, ACCOUNT_FREE, now)
        _count(origin, ADDRESS_FREE, now)
        failure = SignInFailure.objects.create(address_key=address_key, account_key=account_key, at=now)
    return Attempt(account_key=account_key, address_key=address_key, failure_id=failure.pk)


def succeeded(attempt: Attempt) -> None:
    """The password was right: the account starts afresh; the address loses this one count."""
    with transaction.atomic():
        account = _row(SignInThrottle.Kind.ACCOUNT, attempt.account_key)
        origin = _row(SignInThrottle.Kind.ADDRESS, attempt.address_key)
        account.failures, account.next_allowed_at = 0, None
        account.save()
        origin.failures = max(0, origin.failures - 1)
        if delay(origin.failures, ADDRESS_FREE) is None:
            origin.next_allowed_at = None
        origin.save()
        SignInFailure.objects.filter(pk=attempt.failure_id).delete()


def reset_account(*, username: str) -> None:
    """An admin set a new password: lift the account's delays."""
    SignInThrottle.objects.filter(
        kind=SignInThrottle.Kind.ACCOUNT, key=key_digest(f"account:{username.strip().casefold()}")
    ).update(failures=0, next_allowed_at=None)


def purge() -> int:
    """Drop what no rule reads any more (older than the window)."""
    cutoff = timezone.now() - WINDOW
    removed = SignInFailure.objects.filter(at__lt=cutoff).delete()[0]
    removed += SignInThrottle.objects.filter(last_failure_at__lt=cutoff).delete()[0]
    return removed
