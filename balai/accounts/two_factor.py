"""Two-factor sign-in for staff: TOTP (RFC 6238, any authenticator app) with one-time recovery
codes. Required for the roles that sign, decide or see the regency (`required_for`), optional
for the others.

The password step (`accounts.views_auth.SignInView`) does not sign the user in when a second
step is due: it keeps the pending user in the session for a few minutes and sends the browser
to the code page (or, for a required role without an authenticator yet, to enrolment). Only a
right code (or an unused recovery code) completes the sign-in. `force_login` (tests) skips it.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from functools import lru_cache

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.accounts.models import RecoveryCode, Role, TwoFactor, User
from balai.audit.services import audit_record
from balai.core.errors import ApplicationError

REQUIRED_ROLES_DEFAULT = (Role.KADES, Role.SEKDES, Role.CAMAT, Role.DISPERMADES)
RECOVERY_CODES = 10
ISSUER = "Balai"
# The authenticator's clock may be one step (30 s) off either way.
VALID_WINDOW = 1
# Tries per pending sign-in (per account) within `ATTEMPT_WINDOW` before it must start over.
ATTEMPTS = 5
ATTEMPT_WINDOW = dt.timedelta(minutes=15)
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or typed from paper


def required_roles() -> set[str]:
    return set(getattr(settings, "BALAI_2FA_REQUIRED_ROLES", REQUIRED_ROLES_DEFAULT))


def required_for(user: User) -> bool:
    return user.role in required_roles()


def enrolled(user: User) -> bool:
    return TwoFactor.objects.filter(user=user).exists()


@lru_cache(maxsize=2)
def _hasher(time_cost: int, memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)


def hasher() -> PasswordHasher:
    cost = getattr(settings, "BALAI_RECOVERY_ARGON2", {})
    return _hasher(cost.get("time_cost", 2), cost.get("memory_kib", 19456))


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name=ISSUER)


def _matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    code = "".join(c for c in code if not c.isspace())
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step + offset), code):
            return step + offset
    return None


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _i in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _j in range(10))
        code = f"{raw[:5]}-{raw[5:]}"
        codes.append(code)
        RecoveryCode.objects.create(user=user, code_hash=hasher().hash(raw))
    return codes


@transaction.atomic
def enrol(*, user: User, secret: str, code: str) -> list[str]:
    """Confirm a new authenticator with its first code; returns the recovery codes (shown once)."""
    step = _matching_step(secret, code, timezone.now())
    if step is None:
        raise ApplicationError(_("Kode dari aplikasi autentikator salah. Periksa jam ponsel lalu coba lagi."))
    TwoFactor.objects.update_or_create(
        user=user, defaults={"secret": secret, "confirmed_at": timezone.now(), "last_step": step}
    )
    codes = _new_recovery_codes(user)
    audit_record(
        actor=user, village=None, action="user.two_factor_enrolled", object_type="user", object_id=user.pk,
        changes={"username": user.get_username()},
    )  # fmt: skip
    return codes


def verify(*, user: User, code: str) -> bool:
    """A current TOTP code not used before, or an unused recovery code (then spent)."""
    now = timezone.now()
    with transaction.atomic():
        factor = TwoFactor.objects.select_for_update().filter(user=user).first()
        if factor is None:
            return False
        step = _matching_step(factor.secret, code, now)
        if step is not None:
            if step <= factor.last_step:
                return False  # replayed
            factor.last_step = step
            factor.save(update_fields=["last_step"])
            return True
    return _spend_recovery_code(user, code)


def _spend_recovery_code(user: User, code: str) -> bool:
    raw = "".join(c for c in code.lower() if c in _ALPHABET)
    if len(raw) != 10:
        return False
    with transaction.atomic():
        for recovery in RecoveryCode.objects.select_for_update().filter(user=user, used_at__isnull=True):
            try:
                hasher().verify(recovery.code_hash, raw)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                continue
            recovery.used_at = timezone.now()
            recovery.save(update_fields=["used_at"])
            audit_record(
                actor=user, village=None, action="user.recovery_code_used", object_type="user",
                object_id=user.pk, changes={"left": recovery_codes_left(user)},
            )  # fmt: skip
            return True
    return False


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    if not enrolled(user):
        raise ApplicationError(_("Aktifkan verifikasi dua langkah terlebih dahulu."))
    codes = _new_recovery_codes(user)
    audit_record(
        actor=user, village=None, action="user.recovery_codes_renewed", object_type="user", object_id=user.pk,
    )  # fmt: skip
    return codes


@transaction.atomic
def remove(*, actor: User, user: User) -> None:
    """Turn 2FA off: by the owner of an optional account, or by an admin for a lost phone (a
    required role then enrols again at its next sign-in)."""
    if actor.pk == user.pk and required_for(user):
        raise ApplicationError(_("Verifikasi dua langkah wajib untuk peran Anda dan tidak dapat dimatikan."))
    TwoFactor.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit_record(
        actor=actor, village=None, action="user.two_factor_removed", object_type="user", object_id=user.pk,
        changes={"username": user.get_username()},
    )  # fmt: skip


def demo_enrol(*, user: User, secret: str) -> None:
    """Demo accounts only (`balai demo`): an authenticator on a published secret, so a tester
    can sign in with any TOTP app or `balai demo-code`. Never used for real accounts."""
    TwoFactor.objects.update_or_create(user=user, defaults={"secret": secret, "confirmed_at": timezone.now()})
