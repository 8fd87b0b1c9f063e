"""Ed25519 signatures over issued letters, and the QR payload format.

Payload (what the QR carries after `?p=`): `base64url(body) "." base64url(signature)`, where
`body` is the compact JSON array, UTF-8, no spaces:

    ["B1", key_id, token, number, type_code, issued_on (YYYY-MM-DD), village_code,
     masked_name, content_hash (first 32 hex digits of SHA-256 of the canonical content)]

and the signature is Ed25519 over `body`'s bytes by the key `key_id`. Anyone holding the
deployment's public keys (`balai letter-keys` prints them) can check a letter offline;
`balai verify-letter` does so. The token inside the signed body ties the payload to one letter,
so a payload copied onto another letter's URL is reported as not genuine.

The QR encodes `verify_url(letter)`: the public page `BALAI_PUBLIC_URL/v/<token>` plus the
payload.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass, replace
from typing import Any, Protocol
from urllib.parse import quote

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from balai.core.masking import mask_name
from balai.letters.models import Letter, SigningKey

VERSION = "B1"
MAX_PAYLOAD = 1024


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def _b64d(text: str) -> bytes:
    """Strict base64url without padding: the lenient decoder drops characters outside the
    alphabet (and ignores the unused bits of the last one), so an altered text would still
    decode to the signed bytes. Only the one canonical encoding of the bytes is accepted."""
    if not _B64URL.fullmatch(text):
        raise binascii.Error("not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64e(data) != text:
        raise binascii.Error("not canonical")
    return data


def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def new_token() -> str:
    """144 random bits, URL-safe: not derived from any id or NIK, not guessable."""
    return secrets.token_urlsafe(18)


# --- keys ---------------------------------------------------------------------------------


def _wrapping_key() -> bytes:
    secret = settings.BALAI_SIGNING_SECRET.encode()
    return HKDF(algorithm=SHA256(), length=32, salt=b"balai-letters", info=b"signing-key").derive(secret)


def signing_key_create() -> SigningKey:
    """A new active key; earlier keys are retired but stay for verification."""
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    nonce = os.urandom(12)
    sealed = nonce + AESGCM(_wrapping_key()).encrypt(nonce, raw, b"balai-ed25519")
    with transaction.atomic():
        SigningKey.objects.filter(is_active=True).update(is_active=False, retired_at=timezone.now())
        return SigningKey.objects.create(
            key_id=secrets.token_hex(4), public_key=public.hex(), private_key_encrypted=sealed
        )


def active_key() -> SigningKey:
    key = SigningKey.objects.filter(is_active=True).first()
    return key if key is not None else signing_key_create()


def _private(key: SigningKey) -> Ed25519PrivateKey:
    sealed = bytes(key.private_key_encrypted)
    raw = AESGCM(_wrapping_key()).decrypt(sealed[:12], sealed[12:], b"balai-ed25519")
    return Ed25519PrivateKey.from_private_bytes(raw)


# --- signers --------------------------------------------------------------------------------


class Signer(Protocol):
    """Signs a letter's payload body with the key named `key_id` (which the body includes).
    The deployment's Ed25519 key is the default; see `tte.py` for a certified signature."""

    key_id: str

    def sign(self, body: bytes) -> bytes: ...


class LocalSigner:
    def __init__(self) -> None:
        self._key = active_key()
        self.key_id = self._key.key_id

    def sign(self, body: bytes) -> bytes:
        return _private(self._key).sign(body)


# --- payload ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Payload:
    key_id: str
    token: str
    number: str
    type_code: str
    issued_on: str
    village_code: str
    masked_name: str
    content_hash: str

    def body(self) -> bytes:
        fields = [VERSION, self.key_id, self.token, self.number, self.type_code, self.issued_on]
        fields += [self.village_code, self.masked_name, self.content_hash[:32]]
        return json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode()


def letter_payload(
    *,
    key_id: str,
    token: str,
    number: str,
    type_code: str,
    issued_on: str,
    village_code: str,
    subject_name: str,
    content_hash: str,
) -> Payload:
    """What a letter's QR states about it: the subject's name only masked."""
    return Payload(
        key_id=key_id,
        token=token,
        number=number,
        type_code=type_code,
        issued_on=issued_on,
        village_code=village_code,
        masked_name=mask_name(subject_name),
        content_hash=content_hash,
    )


def with_key(payload: Payload, key_id: str) -> Payload:
    return replace(payload, key_id=key_id)


def payload_encode(payload: Payload, signature: bytes) -> str:
    return f"{b64e(payload.body())}.{b64e(signature)}"


class NotGenuine(ValueError):
    """The payload is malformed, signed by an unknown key, or its signature does not match."""


def payload_decode(text: str) -> tuple[Payload, bytes]:
    if len(text) > MAX_PAYLOAD or text.count(".") != 1:
        raise NotGenuine("format")
    body_text, sig_text = text.split(".")
    try:
        body, signature = _b64d(body_text), _b64d(sig_text)
        fields = json.loads(body.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise NotGenuine("format")
    if not (isinstance(fields, list) and len(fields) == 9 and fields[0] == VERSION):
        raise NotGenuine("format")
    if not all(isinstance(f, str) for f in fields):
        raise NotGenuine("format")
    payload = Payload(*fields[1:])
    if payload.body() != body:  # only the canonical encoding is accepted
        raise NotGenuine("format")
    return payload, signature


def payload_verify(text: str, public_keys: dict[str, bytes]) -> Payload:
    """The payload if its signature checks out under one of `public_keys`; else NotGenuine."""
    payload, signature = payload_decode(text)
    public = public_keys.get(payload.key_id)
    if public is None:
        raise NotGenuine("unknown key")
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, payload.body())
    except (InvalidSignature, ValueError):
        raise NotGenuine("signature")
    return payload


def public_keys() -> dict[str, bytes]:
    return {k: bytes.fromhex(v) for k, v in SigningKey.objects.values_list("key_id", "public_key")}


# --- what the QR of an issued letter says ----------------------------------------------------


def payload_of(letter: Letter) -> str:
    """The QR payload of an issued letter, from what was frozen and signed at issue."""
    payload = letter_payload(
        key_id=letter.key_id,
        token=letter.token or "",
        number=letter.number,
        type_code=letter.type_code,
        issued_on=letter.issued_on.isoformat() if letter.issued_on else "",
        village_code=letter.content.get("village_code", ""),
        subject_name=letter.content.get("subject_name", ""),
        content_hash=letter.content_hash,
    )
    return f"{b64e(payload.body())}.{letter.signature}"


def verify_url(letter: Letter, *, with_payload: bool = True) -> str:
    """The address the QR encodes: the public page, plus the signed payload for offline checks."""
    url = f"{settings.BALAI_PUBLIC_URL}/v/{letter.token}"
    return f"{url}?p={quote(payload_of(letter), safe='.')}" if with_payload else url
