"""The resident's own request at the kiosk (anjungan), with no User: audited with the device
as source. A self-service type is verified, signed and issued at once, in the request's
transaction, through the workflow's own steps (lock, move, issue); see policy.kiosk_policy for
which types those are. The kiosk app reaches this through `balai.letters.kiosk`."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from balai.audit.services import audit_source
from balai.core.errors import ApplicationError
from balai.letters import numbering
from balai.letters.fields import check_subject, clean_fields
from balai.letters.models import Letter
from balai.letters.policy import kiosk_policy
from balai.letters.services.workflow import _audit, _draft, _issue, _issuing_turn, _locked, _move
from balai.letters.types import get_type
from balai.letters.types.base import REGISTRY_COVERED
from balai.people.models import Resident
from balai.regions.models import Village
from balai.staff.models import Official
from balai.staff.selectors import signatories

S = Letter.State

IDEMPOTENCY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def _auto_signer(village: Village) -> Official | None:
    """The kepala desa, or else the sekretaris a.n.: who signs a self-service letter."""
    allowed = list(signatories(village=village, on=timezone.localdate()))
    for signs_as in (Official.SignsAs.OWN, Official.SignsAs.AN):
        for official in allowed:
            if official.signs_as == signs_as:
                return official
    return None


def letter_kiosk_request(
    *,
    village: Village,
    type_code: str,
    subject: Resident,
    fields: dict[str, Any],
    device_label: str,
    idempotency_key: str,
) -> Letter:
    """A resident's request at the kiosk (no User). Self-service types are verified, signed
    and issued at once; others go to the operator queue. The same idempotency key returns
    the same letter, also when two requests race."""
    if not IDEMPOTENCY_RE.match(idempotency_key or ""):
        raise ValidationError({"idempotency_key": "Kunci permohonan tidak valid (8–64 huruf/angka)."})
    device_label = (device_label or "").strip()[:100]
    existing = _same_request(village, idempotency_key, type_code, subject)
    if existing is not None:
        return existing
    try:
        with audit_source(f"kiosk:{device_label}"), _issuing_turn(), transaction.atomic():
            return _kiosk_request(village, type_code, subject, fields, device_label, idempotency_key)
    except IntegrityError:
        # Another request with this key committed first (a double tap): answer with it.
        existing = _same_request(village, idempotency_key, type_code, subject)
        if existing is None:
            raise
        return existing


def _same_request(village: Village, key: str, type_code: str, subject: Resident) -> Letter | None:
    letter = Letter.objects.filter(village=village, idempotency_key=key).first()
    if letter is not None and (letter.type_code, letter.subject_id) != (type_code, subject.pk):
        raise ValidationError({"idempotency_key": "Kunci permohonan sudah dipakai untuk permohonan lain."})
    return letter


def _kiosk_request(
    village: Village,
    type_code: str,
    subject: Resident,
    fields: dict[str, Any],
    device_label: str,
    key: str,
) -> Letter:
    prefs = numbering.settings_for(village)
    offered, self_service = kiosk_policy(prefs)
    letter_type = get_type(type_code)
    if letter_type is None or type_code not in offered:
        raise ValidationError({"type_code": "Jenis surat ini tidak dapat diajukan di anjungan desa ini."})
    if subject.village_id != village.pk:
        raise ApplicationError("Penduduk bukan warga desa ini.")
    check_subject(letter_type, subject)
    cleaned = clean_fields(letter_type, fields, subject)
    covered = [r for r in letter_type.requirements if r in REGISTRY_COVERED]
    letter = Letter.objects.create(
        village=village,
        type_code=letter_type.code,
        subject=subject,
        fields=cleaned,
        checked_requirements=covered,
        channel=Letter.Channel.KIOSK,
        state=S.SUBMITTED,
        idempotency_key=key,
        device_label=device_label,
    )
    _audit(None, letter, "requested", type=letter_type.code, subject=subject.public_id, device=device_label)
    official = _auto_signer(village) if type_code in self_service and not prefs.use_tte else None
    if official is None:
        return letter  # to the operator queue
    letter = _locked(letter, for_content=True)
    missing = [r for r in letter_type.requirements if r not in letter.checked_requirements]
    if missing:
        raise ValidationError({"requirements": f"Persyaratan belum diperiksa: {', '.join(missing)}."})
    _move(letter, S.VERIFIED)
    _audit(None, letter, "verified", self_service=True)
    _move(letter, S.SIGNED)
    letter.signer, letter.signed_at = official, timezone.now()
    _audit(None, letter, "signed", signer=official.public_id, signs_as=official.signs_as, self_service=True)
    return _issue(None, letter, None, prefs, _draft(letter, prefs, timezone.localdate()))
