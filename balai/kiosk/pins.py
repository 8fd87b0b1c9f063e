"""PIN and card secrets: argon2 over an HMAC keyed with a pepper kept outside the database.

A stolen database alone does not allow offline guessing of the 10^6 PINs: without the pepper
(`BALAI_KIOSK_PEPPER` or `BALAI_KIOSK_PEPPER_FILE`) no candidate can be checked. Card UIDs and
the NIKs counted by the spraying guard are stored only as HMACs under the same pepper.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from django.conf import settings

PIN_LENGTH = 6
PIN_RE = re.compile(r"^\d{6}$")
NIK_RE = re.compile(r"^\d{16}$")


def _pepper() -> bytes:
    pepper = getattr(settings, "BALAI_KIOSK_PEPPER", "")
    if pepper:
        return pepper.encode()
    # Development fallback: derived from SECRET_KEY, still never stored in the database.
    return hmac.new(settings.SECRET_KEY.encode(), b"balai-kiosk-pepper", hashlib.sha256).digest()


def keyed_digest(purpose: str, value: str) -> str:
    return hmac.new(_pepper(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def card_digest(uid: str) -> str:
    return keyed_digest("card", normalise_card_uid(uid))


def nik_digest(nik: str) -> str:
    return keyed_digest("nik", nik)


def normalise_card_uid(uid: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", uid).upper()


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def hasher() -> PasswordHasher:
    cost = getattr(settings, "BALAI_KIOSK_ARGON2", {})
    # argon2id; the defaults cost ~30-60 ms on one core: the deliberate price of each sign-in.
    return _hasher(cost.get("time_cost", 2), cost.get("memory_kib", 19456), cost.get("parallelism", 1))


def _peppered(pin: str) -> str:
    return hmac.new(_pepper(), f"pin:{pin}".encode(), hashlib.sha256).hexdigest()


def hash_pin(pin: str) -> str:
    return hasher().hash(_peppered(pin))


def verify_pin(stored: str, pin: str) -> bool:
    if not stored:
        return False
    try:
        return hasher().verify(stored, _peppered(pin))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_DUMMY: dict[str, str] = {}


def burn_verify(pin: str) -> None:
    """Spend the same time as a real check, so an unknown NIK is not told apart by timing."""
    key = repr(getattr(settings, "BALAI_KIOSK_ARGON2", {}))
    if key not in _DUMMY:
        _DUMMY[key] = hash_pin("000000")
    verify_pin(_DUMMY[key], pin)


def nik_birth_date_parts(nik: str) -> tuple[str, str, str] | None:
    """(dd, mm, yy) of the birth date in a NIK; women's day is +40."""
    if not NIK_RE.match(nik):
        return None
    dd, mm, yy = int(nik[6:8]), nik[8:10], nik[10:12]
    if dd > 40:
        dd -= 40
    return f"{dd:02d}", mm, yy


def pin_problem(pin: str, *, nik: str = "", birth_date: dt.date | None = None) -> str:
    """Why this PIN may not be used, in Indonesian; empty if it may."""
    from django.utils.translation import gettext as _

    if not PIN_RE.match(pin):
        return _("PIN harus 6 angka.")
    if len(set(pin)) == 1:
        return _("PIN tidak boleh angka yang sama semua.")
    digits = [int(c) for c in pin]
    steps = {b - a for a, b in zip(digits, digits[1:], strict=False)}
    if steps in ({1}, {-1}):
        return _("PIN tidak boleh angka berurutan.")
    # 121212, 123123: a repeated block is as guessable as a repeated digit.
    if pin[0:2] == pin[2:4] == pin[4:6] or pin[0:3] == pin[3:6]:
        return _("PIN tidak boleh pola berulang.")
    candidates: set[str] = set()
    parts = nik_birth_date_parts(nik) if nik else None
    if parts:
        dd, mm, yy = parts
        candidates |= {dd + mm + yy, yy + mm + dd, mm + dd + yy}
    if birth_date is not None:
        dd, mm, yy = f"{birth_date.day:02d}", f"{birth_date.month:02d}", f"{birth_date.year % 100:02d}"
        yyyy = f"{birth_date.year:04d}"
        candidates |= {dd + mm + yy, yy + mm + dd, mm + dd + yy, dd + mm + yyyy[:2], mm + yyyy, dd + yyyy}
    if pin in candidates:
        return _("PIN tidak boleh dibuat dari tanggal lahir.")
    return ""
