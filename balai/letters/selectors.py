"""Reads of letters. Staff reads always take the village; the public verification reads
by token only and returns the few fields the public page may show."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import QuerySet

from balai.core.masking import mask_name
from balai.core.models import AuditEvent
from balai.letters import signing
from balai.letters.models import Letter
from balai.letters.types import get_type
from balai.regions.models import Village

S = Letter.State
ISSUED_STATES = (S.ISSUED, S.HANDED_OVER, S.REVOKED)
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,32}$")


def letter_qs(*, village: Village) -> QuerySet[Letter]:
    return Letter.objects.filter(village=village).select_related("subject", "assigned_to", "signer")


def letter_get(*, village: Village, public_id: str) -> Letter:
    """Raises Letter.DoesNotExist for another village's letter, exactly as for none."""
    return letter_qs(village=village).get(public_id=public_id)


def letter_queue(*, village: Village, state: str | None = None) -> QuerySet[Letter]:
    qs = letter_qs(village=village)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-updated_at", "-id")


def queue_counts(*, village: Village) -> dict[str, int]:
    counts = dict.fromkeys(S.values, 0)
    for row in Letter.objects.filter(village=village).values_list("state", flat=True).iterator():
        counts[row] += 1
    return counts


def letter_register(
    *, village: Village, year: int | None = None, month: int | None = None, type_code: str = ""
) -> QuerySet[Letter]:
    """Buku Agenda surat keluar: issued letters in number order."""
    qs = letter_qs(village=village).filter(state__in=ISSUED_STATES)
    if year:
        qs = qs.filter(year=year)
    if month:
        qs = qs.filter(issued_on__month=month)
    if type_code:
        qs = qs.filter(type_code=type_code)
    return qs.order_by("year", "issued_at", "sequence", "id")


def letter_history(*, letter: Letter) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        village=letter.village_id, object_type="letter", object_id=letter.public_id
    ).order_by("seq")


def letters_of_resident(*, village: Village, resident_id: int) -> QuerySet[Letter]:
    return letter_qs(village=village).filter(subject_id=resident_id)


@dataclass(frozen=True)
class Verdict:
    status: str  # valid, revoked, superseded, not_genuine
    number: str = ""
    type_name: str = ""
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None
    village: str = ""
    signer: str = ""
    masked_name: str = ""

    @property
    def genuine(self) -> bool:
        return self.status != "not_genuine"


NOT_GENUINE = Verdict("not_genuine")


def verify_token(*, token: str, payload: str | None = None) -> Verdict:
    """The public verdict for a QR's token (and signed payload, when the URL carries one).

    An unknown token, a payload that does not verify, or one that names another letter all
    answer the same "not genuine", without any data."""
    if not TOKEN_RE.match(token or ""):
        return NOT_GENUINE
    letter = (
        Letter.objects.filter(token=token, state__in=ISSUED_STATES)
        .select_related("village", "signer")
        .first()
    )
    if letter is None:
        return NOT_GENUINE
    if payload:
        try:
            signed = signing.payload_verify(payload, signing.public_keys())
        except signing.NotGenuine:
            return NOT_GENUINE
        if (signed.token, signed.number, signed.content_hash[:32]) != (
            letter.token,
            letter.number,
            letter.content_hash[:32],
        ):
            return NOT_GENUINE
    if signing.content_hash(letter.content) != letter.content_hash:
        return NOT_GENUINE  # the stored letter was altered after issue
    if letter.state == S.REVOKED:
        status = "revoked"
    elif Letter.objects.filter(supersedes=letter, state__in=(S.ISSUED, S.HANDED_OVER)).exists():
        status = "superseded"
    else:
        status = "valid"
    letter_type = get_type(letter.type_code)
    signer = letter.content.get("signer", {})
    return Verdict(
        status=status,
        number=letter.number,
        type_name=letter_type.name if letter_type else letter.type_code,
        issued_on=letter.issued_on,
        valid_until=letter.valid_until,
        village=f"{letter.village.name}, Kec. {letter.village.district_name}, {letter.village.regency_name}",
        signer=" ".join(p for p in (signer.get("name", ""), f"({signer.get('position', '')})") if p),
        masked_name=mask_name(letter.content.get("subject_name", "")),
    )
