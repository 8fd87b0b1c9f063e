"""The letter workflow: request → verify → sign → issue → hand over, with the side steps
(return for correction, reject, cancel, revoke), corrections and take-over. One transition
table (`policy.TRANSITIONS`); no step looks at the letter type except through its
`LetterType` record (subject rule, fields, requirements, validity)."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from balai.accounts.scope import user_can
from balai.audit.services import audit_record
from balai.core.errors import ApplicationError
from balai.letters import logos, numbering, tte
from balai.letters.content import build_content
from balai.letters.fields import check_subject, clean_fields, letter_type_of
from balai.letters.models import Letter, LetterSettings, LetterSignedPdf
from balai.letters.policy import OPEN_STATES, TRANSITIONS, NotAllowed, may
from balai.letters.render import letter_pdf
from balai.letters.selectors import pending_correction, replaced_by
from balai.letters.signing import LocalSigner, Signer, b64e, content_hash, letter_payload, new_token
from balai.letters.templates_text import wording
from balai.letters.tte import PdfSigner
from balai.letters.types import get_type
from balai.letters.types.base import LetterType
from balai.people.models import Resident
from balai.regions.models import Village
from balai.staff.models import Official
from balai.staff.selectors import signatories

if TYPE_CHECKING:
    from balai.accounts.models import User

S = Letter.State


def _require(actor: User, action: str, letter: Letter | None = None, village: Village | None = None) -> None:
    if not may(actor, action):
        raise NotAllowed("Peran Anda tidak boleh melakukan langkah ini.")
    target = letter.village_id if letter is not None else (village.pk if village else None)
    if actor.village_id != target:
        raise ApplicationError("Surat ini bukan milik desa Anda.")


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


def _locked(letter: Letter, *, for_content: bool = False, with_subject: bool = True) -> Letter:
    """Re-read the letter under lock: two operators at the counter cannot both move it.
    `for_content` also joins what the printed letter reads (family, RT, dusun)."""
    related = ["village", "subject"] if with_subject or for_content else ["village"]
    if for_content:
        related += ["subject__family", "subject__rt__dusun", "signer"]
    return Letter.objects.select_for_update(of=("self",)).select_related(*related).get(pk=letter.pk)


def _unchanged(letter: Letter) -> bool:
    """Lock the letter's row and say whether it is still as `letter` was read.

    The counter steps check the letter and prepare what they write before their transaction,
    on the letter as the caller read it, so that the write lock (SQLite has one for the whole
    database) is held only for the writes. This narrow read then shows those checks still
    hold; when another request changed the letter meanwhile, the step re-reads it all under
    the lock and checks again."""
    if letter.pk is None or letter.updated_at is None:
        return False
    current = (
        Letter.objects.select_for_update().filter(pk=letter.pk).values_list("updated_at", flat=True).first()
    )
    return current == letter.updated_at


def _prepared(check: Callable[[], Any]) -> Any:
    """The result of a step's checks run before its transaction, or None if they fail: the
    caller's letter may be stale, so a failure is only reported after the step has re-read
    the letter under the lock and checked again."""
    try:
        result = check()
    except (ApplicationError, ValidationError):
        return None
    return True if result is None else result


def _can_move(letter: Letter, to: str) -> None:
    """`_move`'s check alone, for the checks made before the transaction."""
    _move(copy.copy(letter), to)


# SQLite has one writer at a time, and writers waiting for it poll (busy timeout) rather than
# queue: with many threads of one process issuing at once, some would time out. They queue
# here first, so a process sends one issuing transaction at a time; PostgreSQL needs no such
# thing (the counter row lock queues them).
_SQLITE_ISSUING = threading.Lock()


@contextmanager
def _issuing_turn() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with _SQLITE_ISSUING:
        yield


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
    cleaned = clean_fields(letter_type, fields, subject)
    checked = [r for r in letter_type.requirements if r in set(requirements)]
    with transaction.atomic():
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
    _claim(actor, letter)
    letter_type = letter_type_of(letter)
    letter.fields = clean_fields(letter_type, fields, letter.subject)
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
    if (
        assignee.village_id != letter.village_id
        or not user_can(assignee, "letters.handle")
        or not assignee.is_active
    ):
        raise ApplicationError("Petugas tidak dapat menangani surat desa ini.")
    letter = _locked(letter)
    letter.assigned_to = assignee
    letter.save(update_fields=["assigned_to", "updated_at"])
    _audit(actor, letter, "assigned", assignee=assignee.get_username())
    return letter


def _claim(actor: User, letter: Letter) -> None:
    """A request is handled by one operator: the first to act takes it. The sekretaris desa
    supervises and may act on any; another operator takes it over first (`letter_take_over`)."""
    if letter.assigned_to_id is None:
        letter.assigned_to = actor
    else:
        _check_handler(actor, letter)


def _check_handler(actor: User, letter: Letter) -> None:
    if letter.assigned_to_id not in (None, actor.pk) and user_can(actor, "letters.claim"):
        raise ApplicationError(
            "Surat ini sedang ditangani petugas lain; ambil alih dengan menyebut alasannya bila perlu."
        )


@transaction.atomic
def letter_take_over(*, actor: User, letter: Letter, reason: str) -> Letter:
    """Another clerk takes over a request (its handler is away): audited with the reason."""
    _require(actor, "assign", letter)
    if not reason.strip():
        raise ValidationError({"reason": "Alasan mengambil alih wajib diisi."})
    letter = _locked(letter)
    if letter.state not in OPEN_STATES:
        raise ApplicationError("Hanya surat yang masih diproses yang dapat diambil alih.")
    before = letter.assigned_to.get_username() if letter.assigned_to else ""
    if letter.assigned_to_id == actor.pk:
        return letter
    letter.assigned_to = actor
    letter.save(update_fields=["assigned_to", "updated_at"])
    _audit(actor, letter, "taken_over", previous=before, reason=reason.strip()[:500])
    return letter


def _verify_checks(actor: User, letter: Letter) -> None:
    _claim(actor, copy.copy(letter))
    _can_move(letter, S.VERIFIED)
    letter_type = letter_type_of(letter)
    check_subject(letter_type, letter.subject)
    clean_fields(letter_type, letter.fields, letter.subject)
    missing = [r for r in letter_type.requirements if r not in letter.checked_requirements]
    if missing:
        raise ValidationError({"requirements": f"Persyaratan belum diperiksa: {', '.join(missing)}."})


def letter_verify(*, actor: User, letter: Letter) -> Letter:
    _require(actor, "verify", letter)
    prepared = _prepared(lambda: _verify_checks(actor, letter))
    with transaction.atomic():
        if prepared and _unchanged(letter):
            letter = copy.copy(letter)
        else:
            letter = _locked(letter)
            _verify_checks(actor, letter)
        _claim(actor, letter)
        _move(letter, S.VERIFIED)
        letter.save(update_fields=["state", "assigned_to", "updated_at"])
        _audit(actor, letter, "verified")
    return letter


def _with_reason(actor: User, letter: Letter, *, action: str, to: str, reason: str, event: str) -> Letter:
    _require(actor, action, letter)
    if not reason.strip():
        raise ValidationError({"reason": "Alasan wajib diisi."})
    letter = _locked(letter)
    if action in ("return", "reject", "cancel") and user_can(actor, "letters.claim"):
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
    """The official the actor signs as: only their own record. A letter names its signer on
    the public verification page, so nobody may put another official's name on it, not even
    one without an account."""
    allowed = list(signatories(village=village, on=timezone.localdate()))
    own = [o for o in allowed if o.user_id == actor.pk]
    if official is None:
        official = own[0] if own else None
    if official is None:
        raise ApplicationError(
            "Akun Anda belum terhubung dengan pejabat penanda tangan yang berwenang hari ini "
            "(Perangkat desa → pilih pejabat → akun pengguna)."
        )
    if official.pk not in {o.pk for o in own}:
        raise ApplicationError("Surat hanya dapat ditandatangani oleh pejabat itu sendiri.")
    if official.signs_as == Official.SignsAs.OWN and not user_can(actor, "letters.sign_own"):
        raise ApplicationError("Sekretaris desa menandatangani atas nama (a.n.) kepala desa.")
    return official


def letter_sign(*, actor: User, letter: Letter, official: Official | None = None) -> Letter:
    """Approve with a signatory's authority; the number and PDF come at issue."""
    _require(actor, "sign", letter)
    if numbering.settings_for(letter.village).use_tte:
        raise ApplicationError(
            "Desa ini menandatangani dengan TTE: masukkan passphrase TTE untuk menandatangani."
        )
    signer = _signer_for(actor, official, letter.village)
    prepared = _prepared(lambda: _can_move(letter, S.SIGNED))
    with transaction.atomic():
        if prepared and _unchanged(letter):
            letter = copy.copy(letter)
        else:
            letter = _locked(letter, with_subject=False)
        return _sign(actor, letter, signer)


def _sign(actor: User, letter: Letter, official: Official) -> Letter:
    """Sign for `official`, already checked by `_signer_for`."""
    _move(letter, S.SIGNED)
    letter.signer, letter.signed_by, letter.signed_at = official, actor, timezone.now()
    letter.save(update_fields=["state", "signer", "signed_by", "signed_at", "updated_at"])
    _audit(actor, letter, "signed", signer=official.public_id, signs_as=official.signs_as)
    return letter


def letter_issue(*, actor: User, letter: Letter, signer: Signer | None = None) -> Letter:
    """Number, freeze and sign the letter's content. Numbering happens in the issuing
    transaction, so a failure anywhere there gives the number back. The content is built
    before it, and rebuilt inside only if the letter changed meanwhile."""
    _require(actor, "issue", letter)
    # With TTE the sign step issues too (`letter_sign_tte`), so a signed letter waiting here
    # was signed before the village switched TTE on: it is issued as it was approved.
    prefs = numbering.settings_for(letter.village)
    signer = signer or LocalSigner()
    today = timezone.localdate()
    _check_handler(actor, letter)
    draft = _prepared(lambda: _draft(letter, prefs, today))
    with _issuing_turn(), transaction.atomic():
        if draft is not None and _unchanged(letter):
            letter = copy.copy(letter)
        else:
            letter = _locked(letter, for_content=True)
            _check_handler(actor, letter)
            draft = _draft(letter, prefs, today)
        return _issue(actor, letter, signer, prefs, draft)


@transaction.atomic
def letter_sign_tte(
    *,
    actor: User,
    letter: Letter,
    passphrase: str,
    official: Official | None = None,
    pdf_signer: PdfSigner | None = None,
) -> Letter:
    """Sign with the official's certified electronic signature (TTE): the letter is numbered
    and rendered, the TTE service signs that PDF, and the signed bytes are kept. Any failure
    of the service rolls everything back: nothing is signed, numbered or issued. The
    passphrase goes to the service only; it is never stored or logged."""
    _require(actor, "sign", letter)
    letter = _locked(letter, for_content=True)
    prefs = numbering.settings_for(letter.village)
    if not prefs.use_tte:
        raise ApplicationError("Desa ini belum memakai TTE.")
    if not passphrase:
        raise ValidationError({"passphrase": "Passphrase TTE wajib diisi."})
    official_ = _signer_for(actor, official, letter.village)
    nik = official_.resident.nik if official_.resident_id and official_.resident else ""
    if not nik:
        raise ApplicationError(
            f"NIK {official_.name} belum tercatat (Perangkat desa → hubungkan dengan data penduduk); "
            "TTE memerlukan NIK penanda tangan."
        )
    letter = _sign(actor, letter, official_)
    letter = _issue(actor, letter, None, prefs, _draft(letter, prefs, timezone.localdate()))
    try:
        signed = (pdf_signer or tte.signer_from_settings()).sign_pdf(
            letter_pdf(letter), nik=nik, passphrase=passphrase
        )
    except tte.TteError as e:
        raise ApplicationError(f"TTE gagal, surat tidak diterbitkan: {e.message}")
    LetterSignedPdf.objects.create(letter=letter, pdf=signed)
    _audit(actor, letter, "tte_signed", signer=official_.public_id, size=len(signed))
    return letter


@dataclasses.dataclass(frozen=True)
class _Draft:
    """What an issued letter prints, but for its number: built before the issuing transaction."""

    letter_type: LetterType
    issued_on: dt.date
    template_version: int
    content: dict[str, Any]


def _draft(letter: Letter, prefs: LetterSettings, today: dt.date) -> _Draft:
    _can_move(letter, S.ISSUED)
    letter_type = letter_type_of(letter)
    check_subject(letter_type, letter.subject)
    version, paragraphs = wording(village=letter.village, letter_type=letter_type)
    content = build_content(
        letter_type=letter_type,
        village=letter.village,
        subject=letter.subject,
        fields=letter.fields,
        official=letter.signer,
        number="",
        issued_on=today,
        paper=prefs.paper,
        paragraphs=paragraphs,
    )
    content[logos.CONTENT_KEY] = logos.freeze_logo(letter.village)
    return _Draft(letter_type, today, version, content)


# The kiosk signs and issues in one go, so the signature's columns are saved here too.
ISSUE_FIELDS = [
    "state",
    "signer",
    "signed_by",
    "signed_at",
    "template_version",
    "number",
    "sequence",
    "year",
    "issued_on",
    "issued_at",
    "valid_until",
    "token",
    "content",
    "content_hash",
    "key_id",
    "signature",
    "updated_at",
]


def _issue(
    actor: User | None, letter: Letter, signer: Signer | None, prefs: LetterSettings, draft: _Draft
) -> Letter:
    """The issue step on a letter already locked in the caller's transaction: number the
    draft, sign it, freeze it."""
    _move(letter, S.ISSUED)
    letter_type, today, village = draft.letter_type, draft.issued_on, letter.village
    sequence, number = numbering.letter_number(
        village=village, prefs=prefs, classification=letter_type.classification, day=today
    )
    content = draft.content | {"number": number}
    letter.template_version = draft.template_version
    token = new_token()
    digest = content_hash(content)
    signer = signer or LocalSigner()
    payload = letter_payload(
        key_id=signer.key_id,
        token=token,
        number=number,
        type_code=letter_type.code,
        issued_on=today.isoformat(),
        village_code=village.code,
        subject_name=letter.subject.name,
        content_hash=digest,
    )
    signature = signer.sign(payload.body())
    letter.number, letter.sequence, letter.year = number, sequence, today.year
    letter.issued_on, letter.issued_at = today, timezone.now()
    if letter_type.validity_days:
        letter.valid_until = today + dt.timedelta(days=letter_type.validity_days)
    letter.token, letter.content, letter.content_hash = token, content, digest
    letter.key_id, letter.signature = signer.key_id, b64e(signature)
    letter.save(update_fields=ISSUE_FIELDS)
    _audit(actor, letter, "issued", number=number, content_hash=digest)
    return letter


@transaction.atomic
def letter_hand_over(*, actor: User, letter: Letter, received_by: str) -> Letter:
    _require(actor, "hand_over", letter)
    if not received_by.strip():
        raise ValidationError({"received_by": "Nama penerima wajib diisi."})
    letter = _locked(letter)
    replaced = replaced_by(letter)
    if replaced is not None:  # a void letter must not be recorded as given to the resident
        raise ApplicationError(
            f"Surat ini sudah digantikan oleh surat {replaced.number}; serahkan surat itu."
        )
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
    letter = _locked(letter)  # two corrections asked at once: the second sees the first
    if letter.state not in (S.ISSUED, S.HANDED_OVER):
        raise ApplicationError("Hanya surat yang sudah terbit yang dapat dikoreksi.")
    replaced = replaced_by(letter)
    if replaced is not None:
        raise ApplicationError(
            f"Surat ini sudah digantikan oleh surat {replaced.number}; buat permintaan baru bila perlu."
        )
    # A cancelled or rejected correction leaves room for another; one under way does not.
    pending = pending_correction(letter)
    if pending is not None:
        raise ApplicationError(
            f"Koreksi surat ini sudah diajukan dan sedang diproses ({pending.get_state_display()})."
        )
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


ACTIONS = (
    "verify",
    "return",
    "sign",
    "issue",
    "submit",
    "hand_over",
    "reject",
    "cancel",
    "revoke",
    "take_over",
)


def letter_act(
    *,
    actor: User,
    letter: Letter,
    action: str,
    reason: str = "",
    official: Official | None = None,
    passphrase: str = "",
) -> Letter:
    """One workflow step by name, for the UI and the API."""
    if action == "verify":
        return letter_verify(actor=actor, letter=letter)
    if action == "sign" and numbering.settings_for(letter.village).use_tte:
        return letter_sign_tte(actor=actor, letter=letter, official=official, passphrase=passphrase)
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
        "take_over": letter_take_over,
    }
    if action not in with_reason:
        raise ValidationError({"action": f"Langkah tidak dikenal; pilih salah satu: {', '.join(ACTIONS)}."})
    return with_reason[action](actor=actor, letter=letter, reason=reason)
