"""The kiosk's outbox: a request left while the link to the server is down.

A form that may be kept on the device carries a *grant*: what it is for (kind, e.g. a letter
of one type), which device served it, which resident was signed in and the form's one-time
key, signed by the server. When the link drops, the kiosk's script encrypts the form (the
grant and the fields) into the browser's own storage with a key that cannot leave the
browser, shows the resident a ticket with a code, and sends it when the link returns. The
server then checks the grant — a changed grant is refused, one of another device too — and
hands the fields to the service, which de-duplicates by the form's key: sending twice makes
one request.

The grant names no NIK and nothing personal: a resident's public id, a device's public id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core import signing

if TYPE_CHECKING:
    from balai.devices.models import KioskDevice
    from balai.people.models import Resident

SALT = "balai.kiosk.outbox"
# A request kept longer than this is not accepted: the resident has been told to ask again.
MAX_AGE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Grant:
    kind: str
    device: str
    resident: str
    key: str
    target: str

    @property
    def code(self) -> str:
        return ticket_code(self.key)


def ticket_code(key: str) -> str:
    """The code on the resident's outbox ticket: the form key's first 8 characters."""
    clean = "".join(c for c in key if c.isalnum()).upper()[:8]
    return f"{clean[:4]}-{clean[4:]}"


def grant_make(
    *, kind: str, device: KioskDevice, resident: Resident | None, key: str, target: str = ""
) -> str:
    return signing.dumps(
        {
            "k": kind,
            "d": device.public_id,
            "r": resident.public_id if resident else "",
            "t": key,
            "x": target,
        },
        salt=SALT,
        compress=True,
    )


class GrantRefused(Exception):
    """Tampered, expired or malformed: the item is refused."""


def grant_read(value: str) -> Grant:
    if not isinstance(value, str) or len(value) > 1000:
        raise GrantRefused
    try:
        data = signing.loads(value, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:  # SignatureExpired is one
        raise GrantRefused from None
    if not isinstance(data, dict):
        raise GrantRefused
    try:
        return Grant(str(data["k"]), str(data["d"]), str(data["r"]), str(data["t"]), str(data.get("x", "")))
    except KeyError:
        raise GrantRefused from None
