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

from balai.accounts.models import User
from balai.audit.services import audit_source
from balai.core.errors import ApplicationError
from balai.letters import numbering
from balai.letters.fields import check_subject, clean_fields
from balai.letters.models import Letter, LetterSettings, RtHead, RtPengantar
from balai.letters.policy import PENGANTAR_RT, NotAllowed, kiosk_policy, may, needs_rt_pengantar
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
    if type_code in self_service and needs_rt_pengantar(letter_type):
        if subject.rt_id is None:
            return letter  # no RT on record: the office checks the paper pengantar
        # The RT approves on their phone first; then the letter is issued.
        RtPengantar.objects.create(village=village, letter=letter, rt_id=subject.rt_id)
        _audit(None, letter, "rt_pengantar_requested", rt=subject.rt_id)
        return letter
    return _self_issue(letter, prefs, self_service, letter_type.code)


def _self_issue(letter: Letter, prefs: LetterSettings, self_service: list[str], type_code: str) -> Letter:
    """Verify, sign and issue at once when the village allows it for the type; else queued."""
    letter_type = get_type(type_code)
    assert letter_type is not None
    official = _auto_signer(letter.village) if type_code in self_service and not prefs.use_tte else None
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


# --- The RT's digital pengantar -----------------------------------------------------------------


def rt_heads_rts(user: User) -> list[int]:
    """The RTs this ketua RT leads (ids)."""
    if user.village_id is None:
        return []
    return list(
        RtHead.objects.filter(user=user, village_id=user.village_id, ended_at__isnull=True).values_list(
            "rt_id", flat=True
        )
    )


def rt_pengantar_decide(*, actor: User, pengantar: RtPengantar, approve: bool, note: str = "") -> RtPengantar:
    """The ketua RT approves (or refuses) a resident's pengantar. Only for residents of their
    own RT; an approval stands in for the paper pengantar, and a self-service type is then
    issued at once, as if the resident had brought every paper."""
    if not may(actor, "rt_approve") or pengantar.village_id != actor.village_id:
        raise NotAllowed("Hanya ketua RT yang dapat memberi pengantar.")
    if pengantar.rt_id not in rt_heads_rts(actor):
        raise ApplicationError("Penduduk ini bukan warga RT Anda.")
    note = (note or "").strip()[:255]
    if not approve and not note:
        raise ValidationError({"note": "Tuliskan alasan penolakan untuk warga."})
    with audit_source(f"rt:{actor.username}"), _issuing_turn(), transaction.atomic():
        pengantar = RtPengantar.objects.select_for_update().get(pk=pengantar.pk)
        if pengantar.state != RtPengantar.State.PENDING:
            raise ApplicationError("Pengantar ini sudah diputuskan.")
        pengantar.state = RtPengantar.State.APPROVED if approve else RtPengantar.State.REJECTED
        pengantar.decided_by, pengantar.decided_at, pengantar.note = actor, timezone.now(), note
        pengantar.save(update_fields=["state", "decided_by", "decided_at", "note", "updated_at"])
        letter = _locked(pengantar.letter)
        _audit(actor, letter, "rt_pengantar_" + pengantar.state, rt=pengantar.rt_id, note=note)
        if approve and letter.state == S.SUBMITTED:
            letter.checked_requirements = sorted({*letter.checked_requirements, PENGANTAR_RT})
            letter.save(update_fields=["checked_requirements", "updated_at"])
            prefs = numbering.settings_for(letter.village)
            _offered, self_service = kiosk_policy(prefs)
            _self_issue(letter, prefs, self_service, letter.type_code)
    return pengantar
