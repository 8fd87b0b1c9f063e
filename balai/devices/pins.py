"""PIN and card secrets: argon2 over an HMAC keyed with a pepper kept outside the database.

A stolen database alone does not allow offline guessing of the 10^6 PINs: without the pepper
(`BALAI_KIOSK_PEPPER` or `BALAI_KIOSK_PEPPER_FILE`) no candidate can be checked. Card UIDs and
the NIKs counted by the spraying guard are stored only as HMACs under the same pepper.

Rotation: the current pepper hashes; older ones listed in `BALAI_KIOSK_PEPPER_PREVIOUS` still
verify. A PIN hash is stored as `<pepper id>:<argon2 hash>`, the id being a short keyed
fingerprint of the pepper (never the pepper), so a check runs one argon2 verification under
the right pepper and `pin_needs_rehash` tells a sign-in to re-hash under the current one.
Hashes from before rotation existed carry no id; they are tried under each pepper in turn.
Card digests carry no id: a card is looked up under every pepper (`card_digests`) and re-keyed
on its next successful sign-in.
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
from django.core.exceptions import ImproperlyConfigured

from balai.core.digits import ascii_digits

PIN_LENGTH = 6
# ASCII digits only (`\d` also matches Arabic-Indic and other digits): input goes through
# core.digits.ascii_digits first.
PIN_RE = re.compile(r"^[0-9]{6}$")
NIK_RE = re.compile(r"^[0-9]{16}$")


def _dev_pepper() -> bytes:
    # Development fallback (DEBUG on only): derived from SECRET_KEY, never stored in the database.
    return hmac.new(settings.SECRET_KEY.encode(), b"balai-kiosk-pepper", hashlib.sha256).digest()


def _pepper() -> bytes:
    pepper = getattr(settings, "BALAI_KIOSK_PEPPER", "")
    if pepper:
        return pepper.encode()
    if settings.DEBUG:
        return _dev_pepper()
    # Production without a pepper is refused at start (balai.E003); never hash with SECRET_KEY.
    raise ImproperlyConfigured("BALAI_KIOSK_PEPPER is not set (required with DEBUG off).")


def _previous_peppers() -> list[bytes]:
    value = getattr(settings, "BALAI_KIOSK_PEPPER_PREVIOUS", [])
    if isinstance(value, str):
        value = re.split(r"[,\s]+", value)
    return [p.encode() for p in value if p]


def pepper_id(pepper: bytes) -> str:
    """A short fingerprint naming a pepper in stored hashes; it is keyed by the pepper itself
    and truncated to 8 hex digits, so it reveals nothing useful about a long random pepper."""
    return hmac.new(pepper, b"balai-kiosk-pepper-id", hashlib.sha256).hexdigest()[:8]


def peppers() -> list[tuple[str, bytes]]:
    """(id, pepper) pairs: the current pepper first, then the previous ones, newest first."""
    found: list[tuple[str, bytes]] = []
    for pepper in [_pepper(), *_previous_peppers()]:
        pid = pepper_id(pepper)
        if all(pid != known for known, _p in found):
            found.append((pid, pepper))
    return found


def current_pepper_id() -> str:
    return pepper_id(_pepper())


def keyed_digest(purpose: str, value: str, pepper: bytes | None = None) -> str:
    key = _pepper() if pepper is None else pepper
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def card_digest(uid: str) -> str:
    return keyed_digest("card", normalise_card_uid(uid))


def card_digests(uid: str) -> list[str]:
    """The card's digest under each pepper, current first: a card registered before a
    rotation is still found (and re-keyed by the caller on its next successful sign-in)."""
    uid = normalise_card_uid(uid)
    return [keyed_digest("card", uid, pepper) for _pid, pepper in peppers()]


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


def _peppered(pin: str, pepper: bytes | None = None) -> str:
    key = _pepper() if pepper is None else pepper
    return hmac.new(key, f"pin:{pin}".encode(), hashlib.sha256).hexdigest()


def hash_pin(pin: str) -> str:
    """`<pepper id>:<argon2id hash>` under the current pepper."""
    pin = ascii_digits(pin)
    pepper = _pepper()
    return f"{pepper_id(pepper)}:{hasher().hash(_peppered(pin, pepper))}"


def stored_pepper_id(stored: str) -> str:
    """The pepper id a stored PIN hash names; empty for a hash from before rotation."""
    head, sep, _rest = stored.partition(":")
    return head if sep and not head.startswith("$") else ""


def _argon2_part(stored: str) -> str:
    return stored.partition(":")[2] if stored_pepper_id(stored) else stored


def check_pin(stored: str, pin: str) -> tuple[bool, str]:
    """(matches, replacement): the replacement, when not empty, is what to store instead after
    this successful check: the PIN re-hashed under the current pepper (or current argon2
    costs), or, for a pre-rotation hash that matched under the current pepper, the same hash
    tagged with its pepper id (no second argon2 run)."""
    if not stored:
        return False, ""
    pin = ascii_digits(pin)
    pid = stored_pepper_id(stored)
    encoded = _argon2_part(stored)
    # A hash naming its pepper is checked once, under that pepper; an unnamed (pre-rotation)
    # one under each pepper in turn. A pepper no longer configured verifies nothing.
    for known, pepper in peppers():
        if pid and known != pid:
            continue
        try:
            if not hasher().verify(encoded, _peppered(pin, pepper)):
                continue
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            continue
        if known != current_pepper_id() or _needs_new_costs(encoded):
            return True, hash_pin(pin)
        return True, "" if pid else f"{known}:{encoded}"
    return False, ""


def verify_pin(stored: str, pin: str) -> bool:
    return check_pin(stored, pin)[0]


def _needs_new_costs(encoded: str) -> bool:
    try:
        return hasher().check_needs_rehash(encoded)
    except InvalidHashError:
        return True


def pin_needs_rehash(stored: str) -> bool:
    """Is this hash under an old (or unnamed) pepper, or older argon2 costs? (`check_pin`
    gives the replacement after a successful check.)"""
    return stored_pepper_id(stored) != current_pepper_id() or _needs_new_costs(_argon2_part(stored))


_DUMMY: dict[str, str] = {}


def burn_verify(pin: str) -> None:
    """Spend the same time as a real check, so an unknown NIK is not told apart by timing."""
    # Keyed by the pepper too: a dummy naming another pepper would be skipped, not checked.
    key = repr(getattr(settings, "BALAI_KIOSK_ARGON2", {})) + current_pepper_id()
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

    pin = ascii_digits(pin)
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
