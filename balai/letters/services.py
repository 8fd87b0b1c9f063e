"""Letter workflow. One transition table; no step looks at the letter type except through
its `LetterType` record (subject rule, fields, requirements, validity)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from balai.accounts.models import Role
from balai.core.audit import audit_record
from balai.core.errors import ApplicationError
from balai.core.masking import mask_name
from balai.letters import numbering
from balai.letters.content import build_content
from balai.letters.models import Letter, LetterSettings
from balai.letters.pdf import qr_svg
from balai.letters.signing import (
    LocalSigner,
    Payload,
    Signer,
    b64e,
    content_hash,
    new_token,
)
from balai.letters.templates_text import wording
from balai.letters.types import get_type
from balai.letters.types.base import LetterType
from balai.people.models import Resident
from balai.regions.models import Village
from balai.staff.models import Official
from balai.staff.selectors import signatories

if TYPE_CHECKING:
    from balai.accounts.models import User

S = Letter.State

# state -> states it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.CANCELLED}),
    S.SUBMITTED: frozenset({S.VERIFIED, S.NEEDS_CORRECTION, S.REJECTED, S.CANCELLED}),
    S.NEEDS_CORRECTION: frozenset({S.SUBMITTED, S.CANCELLED, S.REJECTED}),
    S.VERIFIED: frozenset({S.SIGNED, S.NEEDS_CORRECTION, S.REJECTED, S.CANCELLED}),
    S.SIGNED: frozenset({S.ISSUED, S.CANCELLED}),
    S.ISSUED: frozenset({S.HANDED_OVER, S.REVOKED}),
    S.HANDED_OVER: frozenset({S.REVOKED}),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
    S.REVOKED: frozenset(),
}

CLERKS = frozenset({Role.OPERATOR, Role.SEKDES})
SIGNERS = frozenset({Role.KADES, Role.SEKDES})
# Who may take each step.
ACTION_ROLES: dict[str, frozenset[str]] = {
    "request": CLERKS,
    "submit": CLERKS,
    "verify": CLERKS,
    "return": CLERKS | SIGNERS,
    "reject": CLERKS | SIGNERS,
    "cancel": CLERKS,
    "sign": SIGNERS,
    "issue": CLERKS | SIGNERS,
    "hand_over": CLERKS,
    "revoke": SIGNERS,
    "assign": CLERKS,
}


def may(user: User | None, action: str) -> bool:
    return user is not None and user.role in ACTION_ROLES.get(action, frozenset())


def _require(actor: User, action: str, letter: Letter | None = None, village: Village | None = None) -> None:
    if not may(actor, action):
        raise ApplicationError("Peran Anda tidak boleh melakukan langkah ini.")
    target = letter.village_id if letter is not None else (village.pk if village else None)
    if actor.village_id != target:
        raise ApplicationError("Surat ini bukan milik desa Anda.")


def letter_type_of(letter: Letter) -> LetterType:
    letter_type = get_type(letter.type_code)
    if letter_type is None:
        raise ApplicationError(f"Jenis surat {letter.type_code!r} tidak lagi tersedia.")
    return letter_type


def _audit(actor: User | None, letter: Letter, action: str, **changes: Any) -> None:
    audit_record(
        actor=actor,
        village=letter.village,
        action=f"letter.{action}",
        object_type="letter",
        object_id=letter.public_id,
        changes={"state": letter.state, **changes},
    )


def _move(letter: Letter, to: str) -> str:
    if to not in TRANSITIONS[letter.state]:
        raise ApplicationError(
            f"Surat berstatus {letter.get_state_display()} tidak dapat menjadi {Letter.State(to).label}."
        )
    before = letter.state
    letter.state = to
    return before


def _locked(letter: Letter) -> Letter:
    """Re-read the letter under lock: two operators at the counter cannot both move it."""
    return Letter.objects.select_for_update().select_related("village", "subject").get(pk=letter.pk)


def clean_fields(letter_type: LetterType, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for f in letter_type.fields:
        value = str(data.get(f.name) or "").strip()
        if len(value) > 1000:
            errors[f.name] = f"{f.label}: paling banyak 1000 karakter."
            continue
        if not value:
            if f.required:
                errors[f.name] = f"{f.label} wajib diisi."
            cleaned[f.name] = ""
            continue
        if f.kind == "date":
            try:
                value = dt.date.fromisoformat(value).isoformat()
            except ValueError:
                errors[f.name] = f"{f.label}: tanggal tidak valid (format TTTT-BB-HH)."
        elif f.kind in ("number", "money"):
            digits = value.replace(".", "").replace(",", "").replace("Rp", "").strip()
            if not digits.isdigit():
                errors[f.name] = f"{f.label}: harus berupa angka."
            value = digits
        cleaned[f.name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def check_subject(letter_type: LetterType, subject: Resident) -> None:
    message = letter_type.subject.check(subject)
    if message:
        raise ValidationError(
            {"subject": f"{message} (Surat {letter_type.name}: {letter_type.subject.label}.)"}
        )


@transaction.atomic
def letter_request_create(
    *,
    actor: User,
    village: Village,
    type_code: str,
    subject: Resident,
    fields: dict[str, Any],
    requirements: Iterable[str] = (),
    channel: str = Letter.Channel.OPERATOR,
    submit: bool = True,
    supersedes: Letter | None = None,
    reason: str = "",
) -> Letter:
    _require(actor, "request", village=village)
    letter_type = get_type(type_code)
    if letter_type is None:
        raise ValidationError({"type_code": "Jenis surat tidak dikenal."})
    if subject.village_id != village.pk:
        raise ApplicationError("Penduduk bukan warga desa ini.")
    check_subject(letter_type, subject)
    cleaned = clean_fields(letter_type, fields)
    checked = [r for r in letter_type.requirements if r in set(requirements)]
    letter = Letter.objects.create(
        village=village,
        type_code=letter_type.code,
        subject=subject,
        fields=cleaned,
        checked_requirements=checked,
        channel=channel,
        created_by=actor,
        assigned_to=actor if channel == Letter.Channel.OPERATOR else None,
        state=S.SUBMITTED if submit else S.DRAFT,
        supersedes=supersedes,
        state_note=reason,
    )
    _audit(actor, letter, "requested", type=letter_type.code, subject=subject.public_id, reason=reason)
    return letter


@transaction.atomic
def letter_update(
    *, actor: User, letter: Letter, fields: dict[str, Any], requirements: Iterable[str] = ()
) -> Letter:
    """Change the request's fields; a letter returned for correction goes back to the queue."""
    _require(actor, "submit", letter)
    letter = _locked(letter)
    if letter.state not in (S.DRAFT, S.SUBMITTED, S.NEEDS_CORRECTION):
        raise ApplicationError("Isian surat hanya dapat diubah sebelum diverifikasi.")
    letter_type = letter_type_of(letter)
    letter.fields = clean_fields(letter_type, fields)
    letter.checked_requirements = [r for r in letter_type.requirements if r in set(requirements)]
    if letter.state == S.NEEDS_CORRECTION:
        _move(letter, S.SUBMITTED)
    letter.save()
    _audit(actor, letter, "updated")
    return letter


@transaction.atomic
def letter_submit(*, actor: User, letter: Letter) -> Letter:
    _require(actor, "submit", letter)
    letter = _locked(letter)
    _move(letter, S.SUBMITTED)
    letter.save(update_fields=["state", "updated_at"])
    _audit(actor, letter, "submitted")
    return letter


@transaction.atomic
def letter_assign(*, actor: User, letter: Letter, assignee: User) -> Letter:
    _require(actor, "assign", letter)
    if assignee.village_id != letter.village_id or assignee.role not in CLERKS or not assignee.is_active:
        raise ApplicationError("Petugas tidak dapat menangani surat desa ini.")
    letter = _locked(letter)
    letter.assigned_to = assignee
    letter.save(update_fields=["assigned_to", "updated_at"])
    _audit(actor, letter, "assigned", assignee=assignee.get_username())
    return letter


def _claim(actor: User, letter: Letter) -> None:
    """A request is handled by one operator: the first to act takes it."""
    if letter.assigned_to_id is None:
        letter.assigned_to = actor
    elif letter.assigned_to_id != actor.pk and actor.role == Role.OPERATOR:
        raise ApplicationError("Surat ini sedang ditangani petugas lain.")


@transaction.atomic
def letter_verify(*, actor: User, letter: Letter) -> Letter:
    _require(actor, "verify", letter)
    letter = _locked(letter)
    _claim(actor, letter)
    letter_type = letter_type_of(letter)
    check_subject(letter_type, letter.subject)
    clean_fields(letter_type, letter.fields)
    missing = [r for r in letter_type.requirements if r not in letter.checked_requirements]
    if missing:
        raise ValidationError({"requirements": f"Persyaratan belum diperiksa: {', '.join(missing)}."})
    _move(letter, S.VERIFIED)
    letter.save()
    _audit(actor, letter, "verified")
    return letter


def _with_reason(actor: User, letter: Letter, *, action: str, to: str, reason: str, event: str) -> Letter:
    _require(actor, action, letter)
    if not reason.strip():
        raise ValidationError({"reason": "Alasan wajib diisi."})
    letter = _locked(letter)
    if action in ("return", "reject") and actor.role == Role.OPERATOR:
        _claim(actor, letter)
    _move(letter, to)
    letter.state_note = reason.strip()[:500]
    letter.save()
    _audit(actor, letter, event, reason=reason)
    return letter


@transaction.atomic
def letter_return(*, actor: User, letter: Letter, reason: str) -> Letter:
    return _with_reason(
        actor, letter, action="return", event="returned", to=S.NEEDS_CORRECTION, reason=reason
    )


@transaction.atomic
def letter_reject(*, actor: User, letter: Letter, reason: str) -> Letter:
    return _with_reason(actor, letter, action="reject", event="rejected", to=S.REJECTED, reason=reason)


@transaction.atomic
def letter_cancel(*, actor: User, letter: Letter, reason: str) -> Letter:
    return _with_reason(actor, letter, action="cancel", event="cancelled", to=S.CANCELLED, reason=reason)


@transaction.atomic
def letter_revoke(*, actor: User, letter: Letter, reason: str) -> Letter:
    return _with_reason(actor, letter, action="revoke", event="revoked", to=S.REVOKED, reason=reason)


def _signer_for(actor: User, official: Official | None, village: Village) -> Official:
    allowed = list(signatories(village=village, on=timezone.localdate()))
    if official is None:
        own = [o for o in allowed if o.user_id == actor.pk]
        official = own[0] if own else None
    if official is None or official.pk not in {o.pk for o in allowed}:
        raise ApplicationError("Tidak ada pejabat penanda tangan yang berwenang untuk Anda hari ini.")
    if official.user_id is not None and official.user_id != actor.pk:
        raise ApplicationError("Surat hanya dapat ditandatangani oleh pejabat itu sendiri.")
    if actor.role == Role.SEKDES and official.signs_as == Official.SignsAs.OWN:
        raise ApplicationError("Sekretaris desa menandatangani atas nama (a.n.) kepala desa.")
    return official


@transaction.atomic
def letter_sign(*, actor: User, letter: Letter, official: Official | None = None) -> Letter:
    """Approve with a signatory's authority; the number and PDF come at issue."""
    _require(actor, "sign", letter)
    letter = _locked(letter)
    official = _signer_for(actor, official, letter.village)
    _move(letter, S.SIGNED)
    letter.signer, letter.signed_by, letter.signed_at = official, actor, timezone.now()
    letter.save()
    _audit(actor, letter, "signed", signer=official.public_id, signs_as=official.signs_as)
    return letter


@transaction.atomic
def letter_issue(*, actor: User, letter: Letter, signer: Signer | None = None) -> Letter:
    """Number, freeze and sign the letter's content. Numbering happens in this transaction,
    so a failure anywhere here gives the number back."""
    _require(actor, "issue", letter)
    letter = _locked(letter)
    _move(letter, S.ISSUED)
    letter_type = letter_type_of(letter)
    check_subject(letter_type, letter.subject)
    village = letter.village
    prefs = numbering.settings_for(village)
    today = timezone.localdate()
    sequence = numbering.next_sequence(
        village=village, year=today.year, type_code=letter_type.code if prefs.per_type_sequence else ""
    )
    number = numbering.format_number(
        prefs.number_format,
        code=letter_type.classification,
        sequence=sequence,
        village_code=village.code,
        day=today,
    )
    version, paragraphs = wording(village=village, letter_type=letter_type)
    content = build_content(
        letter_type=letter_type,
        village=village,
        subject=letter.subject,
        fields=letter.fields,
        official=letter.signer,
        number=number,
        issued_on=today,
        paper=prefs.paper,
        paragraphs=paragraphs,
    )
    letter.template_version = version
    token = new_token()
    digest = content_hash(content)
    signer = signer or LocalSigner()
    payload = Payload(
        key_id=signer.key_id,
        token=token,
        number=number,
        type_code=letter_type.code,
        issued_on=today.isoformat(),
        village_code=village.code,
        masked_name=mask_name(letter.subject.name),
        content_hash=digest,
    )
    signature = signer.sign(payload.body())
    letter.number, letter.sequence, letter.year = number, sequence, today.year
    letter.issued_on, letter.issued_at = today, timezone.now()
    if letter_type.validity_days:
        letter.valid_until = today + dt.timedelta(days=letter_type.validity_days)
    letter.token, letter.content, letter.content_hash = token, content, digest
    letter.key_id, letter.signature = signer.key_id, b64e(signature)
    letter.qr_svg = qr_svg(verify_url(letter))
    letter.save()
    _audit(actor, letter, "issued", number=number, content_hash=digest)
    return letter


def verify_url(letter: Letter, *, with_payload: bool = True) -> str:
    """The address the QR encodes: the public page, plus the signed payload for offline checks."""
    url = f"{settings.BALAI_PUBLIC_URL}/v/{letter.token}"
    return f"{url}?p={quote(payload_of(letter), safe='.')}" if with_payload else url


def payload_of(letter: Letter) -> str:
    """The QR payload of an issued letter (see signing.py for the format)."""
    payload = Payload(
        key_id=letter.key_id,
        token=letter.token or "",
        number=letter.number,
        type_code=letter.type_code,
        issued_on=letter.issued_on.isoformat() if letter.issued_on else "",
        village_code=letter.content.get("village_code", ""),
        masked_name=mask_name(letter.content.get("subject_name", "")),
        content_hash=letter.content_hash,
    )
    return f"{b64e(payload.body())}.{letter.signature}"


@transaction.atomic
def letter_hand_over(*, actor: User, letter: Letter, received_by: str) -> Letter:
    _require(actor, "hand_over", letter)
    if not received_by.strip():
        raise ValidationError({"received_by": "Nama penerima wajib diisi."})
    letter = _locked(letter)
    _move(letter, S.HANDED_OVER)
    letter.handed_over_at, letter.handed_over_to = timezone.now(), received_by.strip()[:200]
    letter.save()
    _audit(actor, letter, "handed_over", received_by=letter.handed_over_to)
    return letter


@transaction.atomic
def letter_correction_create(
    *, actor: User, letter: Letter, fields: dict[str, Any], reason: str, requirements: Iterable[str] = ()
) -> Letter:
    """A corrected letter is a new request that supersedes the issued one once it is issued."""
    if letter.state not in (S.ISSUED, S.HANDED_OVER):
        raise ApplicationError("Hanya surat yang sudah terbit yang dapat dikoreksi.")
    if Letter.objects.filter(supersedes=letter).exists():
        raise ApplicationError("Surat ini sudah memiliki koreksi.")
    if not reason.strip():
        raise ValidationError({"reason": "Alasan koreksi wajib diisi."})
    return letter_request_create(
        actor=actor,
        village=letter.village,
        type_code=letter.type_code,
        subject=letter.subject,
        fields=fields,
        requirements=requirements,
        supersedes=letter,
        reason=reason.strip(),
    )


ACTIONS = ("verify", "return", "sign", "issue", "submit", "hand_over", "reject", "cancel", "revoke")


def letter_act(
    *, actor: User, letter: Letter, action: str, reason: str = "", official: Official | None = None
) -> Letter:
    """One workflow step by name, for the UI and the API."""
    if action == "verify":
        return letter_verify(actor=actor, letter=letter)
    if action == "sign":
        return letter_sign(actor=actor, letter=letter, official=official)
    if action == "issue":
        return letter_issue(actor=actor, letter=letter)
    if action == "submit":
        return letter_submit(actor=actor, letter=letter)
    if action == "hand_over":
        return letter_hand_over(actor=actor, letter=letter, received_by=reason)
    with_reason = {
        "return": letter_return,
        "reject": letter_reject,
        "cancel": letter_cancel,
        "revoke": letter_revoke,
    }
    if action not in with_reason:
        raise ValidationError({"action": f"Langkah tidak dikenal; pilih salah satu: {', '.join(ACTIONS)}."})
    return with_reason[action](actor=actor, letter=letter, reason=reason)


@transaction.atomic
def letter_settings_update(
    *, actor: User, village: Village, number_format: str, per_type_sequence: bool, paper: str
) -> LetterSettings:
    if actor.village_id != village.pk or actor.role not in (Role.SEKDES, Role.KADES, Role.OPERATOR):
        raise ApplicationError("Peran Anda tidak boleh mengubah pengaturan surat.")
    number_format = " ".join(number_format.split())
    numbering.check_format(number_format)
    if len(number_format) > 120:
        raise ValidationError({"number_format": "Format nomor paling banyak 120 karakter."})
    if paper not in LetterSettings.Paper.values:
        raise ValidationError({"paper": "Ukuran kertas tidak dikenal."})
    prefs, _created = LetterSettings.objects.get_or_create(village=village)
    before = {
        "number_format": prefs.number_format,
        "per_type_sequence": prefs.per_type_sequence,
        "paper": prefs.paper,
    }
    prefs.number_format, prefs.per_type_sequence, prefs.paper = number_format, per_type_sequence, paper
    prefs.save()
    after = {"number_format": number_format, "per_type_sequence": per_type_sequence, "paper": paper}
    audit_record(
        actor=actor,
        village=village,
        action="letter_settings.updated",
        object_type="letter_settings",
        object_id=village.code,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    return prefs
