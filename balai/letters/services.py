"""Letter workflow. One transition table; no step looks at the letter type except through
its `LetterType` record (subject rule, fields, requirements, validity)."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from balai.accounts.scope import user_can
from balai.core.audit import audit_record, audit_source
from balai.core.errors import ApplicationError
from balai.core.masking import mask_name
from balai.letters import logos, numbering, tte
from balai.letters.content import build_content
from balai.letters.models import (
    Disposition,
    IncomingLetter,
    IncomingScan,
    Letter,
    LetterSettings,
    LetterSignedPdf,
)
from balai.letters.signing import (
    LocalSigner,
    Payload,
    Signer,
    b64e,
    content_hash,
    new_token,
)
from balai.letters.templates_text import wording
from balai.letters.tte import PdfSigner
from balai.letters.types import REGISTRY, get_type
from balai.letters.types.base import REGISTRY_COVERED, Field, LetterType
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


def may(user: User | None, action: str) -> bool:
    """The user's role may take this step (`letters.<action>` in the scope module's table)."""
    return user_can(user, f"letters.{action}")


class NotAllowed(ApplicationError):
    """The actor's role may not take this step (the API answers 403; the UI shows the message)."""


def _require(actor: User, action: str, letter: Letter | None = None, village: Village | None = None) -> None:
    if not may(actor, action):
        raise NotAllowed("Peran Anda tidak boleh melakukan langkah ini.")
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


AMOUNT_ID = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+")  # 1.500.000 or 1500000
AMOUNT_EN = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")  # 1,500,000


def _amount(value: str, *, money: bool) -> str | None:
    """Digits of a count or an amount as people write it ("Rp 1.500.000,00", "1.500.000,-",
    "1,500,000"); None when it is not one. Decimals must be zero: a letter states whole rupiah."""
    text = value.replace(" ", "")
    if money:
        text = text.removeprefix("Rp").removeprefix("RP").removeprefix("rp").removesuffix(",-")
    whole, cents = text, ""
    if "," in text and not AMOUNT_EN.fullmatch(text):
        whole, _, cents = text.rpartition(",")
        if not (money and re.fullmatch(r"0{1,2}", cents)):
            return None
    if AMOUNT_ID.fullmatch(whole) or (money and AMOUNT_EN.fullmatch(whole)):
        return str(int(whole.replace(".", "").replace(",", "")))
    return None


def _field_error(f: Field, value: str, today: dt.date) -> tuple[str, str]:
    """The cleaned value, and an error message naming the field ("" when fine)."""
    if f.choices and value not in {c for c, _label in f.choices}:
        names = ", ".join(label for _c, label in f.choices)
        return value, f"{f.label}: pilih salah satu dari {names}."
    if f.kind == "date":
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value, f"{f.label}: tanggal tidak valid (format TTTT-BB-HH)."
        if f.past and day > today:
            return value, f"{f.label}: tidak boleh sesudah hari ini."
        if day.year < 1900 or day.year > today.year + 5:
            return value, f"{f.label}: tahun {day.year} tidak masuk akal."
        return day.isoformat(), ""
    if f.kind in ("number", "money"):
        digits = _amount(value, money=f.kind == "money")
        if digits is None:
            if f.kind == "money":
                return value, f"{f.label}: tulis jumlah rupiah tanpa sen, mis. 1.500.000."
            return value, f"{f.label}: harus berupa angka bulat, mis. 3."
        return digits, ""
    if f.kind == "nik":
        digits = value.replace(" ", "").replace(".", "")
        if not re.fullmatch(r"[0-9]{16}", digits):
            return value, f"{f.label}: NIK harus 16 angka."
        return digits, ""
    if f.kind == "year":
        if not (re.fullmatch(r"[0-9]{4}", value) and 1900 <= int(value) <= today.year):
            return value, f"{f.label}: tulis tahun empat angka, tidak sesudah {today.year}."
    return value, ""


def clean_fields(
    letter_type: LetterType, data: dict[str, Any], subject: Resident | None = None
) -> dict[str, Any]:
    """The request's fields, checked and normalised; with the subject, also checked against
    the registry (the type's `check_fields`). Errors name the field, in Bahasa Indonesia."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    today = timezone.localdate()
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
        value, error = _field_error(f, value, today)
        if error:
            errors[f.name] = error
        cleaned[f.name] = value
    if not errors and subject is not None and letter_type.check_fields is not None:
        errors = letter_type.check_fields(subject, cleaned)
    if errors:
        raise ValidationError(errors)
    return cleaned


def check_subject(letter_type: LetterType, subject: Resident) -> None:
    message = letter_type.subject.check(subject)
    if message:
        raise ValidationError(
            {"subject": f"{message} (Surat {letter_type.name}: {letter_type.subject.label}.)"}
        )


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


OPEN_STATES = (S.DRAFT, S.SUBMITTED, S.NEEDS_CORRECTION, S.VERIFIED, S.SIGNED)


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
    from balai.letters.render import letter_pdf  # render imports this module

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
    letter.save(update_fields=ISSUE_FIELDS)
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
    from balai.letters.selectors import replaced_by  # selectors imports this module

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
    from balai.letters.selectors import pending_correction, replaced_by  # selectors imports this module

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


@transaction.atomic
def letter_settings_update(
    *,
    actor: User,
    village: Village,
    number_format: str,
    per_type_sequence: bool,
    paper: str,
    use_tte: bool | None = None,
) -> LetterSettings:
    if actor.village_id != village.pk or not user_can(actor, "letters.settings"):
        raise ApplicationError("Peran Anda tidak boleh mengubah pengaturan surat.")
    number_format = " ".join(number_format.split())
    numbering.check_format(number_format, per_type_sequence=per_type_sequence)
    if len(number_format) > 120:
        raise ValidationError({"number_format": "Format nomor paling banyak 120 karakter."})
    if paper not in LetterSettings.Paper.values:
        raise ValidationError({"paper": "Ukuran kertas tidak dikenal."})
    prefs, _created = LetterSettings.objects.select_for_update().get_or_create(village=village)
    use_tte = prefs.use_tte if use_tte is None else use_tte
    if use_tte != prefs.use_tte and not user_can(actor, "letters.delegate"):
        raise ApplicationError("Hanya kepala desa atau sekretaris desa yang dapat mengubah pemakaian TTE.")
    before = {
        "number_format": prefs.number_format,
        "per_type_sequence": prefs.per_type_sequence,
        "paper": prefs.paper,
        "use_tte": prefs.use_tte,
    }
    prefs.number_format, prefs.per_type_sequence, prefs.paper = number_format, per_type_sequence, paper
    prefs.use_tte = use_tte
    prefs.save()
    if per_type_sequence != before["per_type_sequence"]:
        # The other mode's letters took numbers the new mode's counters never counted.
        numbering.counters_catch_up(
            village=village, year=timezone.localdate().year, per_type_sequence=per_type_sequence
        )
    after = {
        "number_format": number_format,
        "per_type_sequence": per_type_sequence,
        "paper": paper,
        "use_tte": use_tte,
    }
    audit_record(
        actor=actor,
        village=village,
        action="letter_settings.updated",
        object_type="letter_settings",
        object_id=village.code,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    return prefs


# --- Kiosk (anjungan): the resident's own request ------------------------------------------

IDEMPOTENCY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def default_kiosk_types() -> list[str]:
    return [code for code, t in REGISTRY.items() if t.kiosk]


def self_service_possible(letter_type: LetterType) -> bool:
    """Issuing without an operator needs nothing an operator would check by hand."""
    return all(r in REGISTRY_COVERED for r in letter_type.requirements)


def default_self_service_types() -> list[str]:
    return [code for code in default_kiosk_types() if self_service_possible(REGISTRY[code])]


def kiosk_policy(prefs: LetterSettings) -> tuple[list[str], list[str]]:
    """(types offered at the kiosk, those of them issued at once), known types only."""
    offered = prefs.kiosk_types if prefs.kiosk_types is not None else default_kiosk_types()
    offered = [c for c in REGISTRY if c in set(offered)]
    chosen = (
        prefs.self_service_types if prefs.self_service_types is not None else default_self_service_types()
    )
    self_service = [c for c in offered if c in set(chosen) and self_service_possible(REGISTRY[c])]
    return offered, self_service


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


@transaction.atomic
def letter_kiosk_settings_update(
    *, actor: User, village: Village, kiosk_types: Iterable[str], self_service_types: Iterable[str]
) -> LetterSettings:
    """Which types the kiosk offers, and which of those it issues without an operator. Making
    a type self-service delegates the signatory's signature, so only they may widen it."""
    if actor.village_id != village.pk or not user_can(actor, "letters.settings"):
        raise ApplicationError("Peran Anda tidak boleh mengubah pengaturan surat.")
    offered = [c for c in REGISTRY if c in set(kiosk_types)]
    unknown = sorted(set(kiosk_types) - set(REGISTRY)) + sorted(set(self_service_types) - set(REGISTRY))
    if unknown:
        raise ValidationError({"kiosk_types": f"Jenis surat tidak dikenal: {', '.join(unknown)}."})
    chosen = [c for c in REGISTRY if c in set(self_service_types)]
    not_offered = [REGISTRY[c].name for c in chosen if c not in offered]
    if not_offered:
        raise ValidationError(
            {
                "self_service_types": f"Layanan mandiri hanya untuk jenis yang tersedia di anjungan: {', '.join(not_offered)}."
            }
        )
    needs_check = [REGISTRY[c].name for c in chosen if not self_service_possible(REGISTRY[c])]
    if needs_check:
        raise ValidationError(
            {
                "self_service_types": "Jenis surat yang persyaratannya harus diperiksa petugas tidak dapat "
                f"diterbitkan mandiri: {', '.join(needs_check)}."
            }
        )
    prefs, _created = LetterSettings.objects.select_for_update().get_or_create(village=village)
    before_offered, before_self = kiosk_policy(prefs)
    if set(chosen) - set(before_self) and not user_can(actor, "letters.delegate"):
        raise ApplicationError("Hanya kepala desa atau sekretaris desa yang dapat menambah layanan mandiri.")
    prefs.kiosk_types, prefs.self_service_types = offered, chosen
    prefs.save()
    audit_record(
        actor=actor,
        village=village,
        action="letter_settings.kiosk_updated",
        object_type="letter_settings",
        object_id=village.code,
        changes={"kiosk_types": [before_offered, offered], "self_service_types": [before_self, chosen]},
    )
    return prefs


# --- Incoming letters (surat masuk) and disposition ----------------------------------------

INCOMING_SEQUENCE = "@masuk"  # its own counter row, apart from the outgoing letters' sequences
SCAN_MAX_BYTES = getattr(settings, "BALAI_INCOMING_SCAN_MAX_BYTES", 10 * 1024 * 1024)
# Checked on the bytes, not on the name or the browser's content type.
SCAN_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def scan_type_of(data: bytes) -> str:
    for magic, content_type in SCAN_SIGNATURES:
        if data.startswith(magic):
            return content_type
    return ""


def _incoming_data(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    texts = {
        "sender": ("Pengirim", 200, True),
        "letter_number": ("Nomor surat", 120, True),
        "subject": ("Perihal", 300, True),
        "summary": ("Isi singkat", 2000, False),
        "note": ("Keterangan", 300, False),
    }
    for name, (label, limit, required) in texts.items():
        value = (
            " ".join(str(data.get(name) or "").split())
            if name != "summary"
            else str(data.get(name) or "").strip()
        )
        if required and not value:
            errors[name] = f"{label} wajib diisi."
        elif len(value) > limit:
            errors[name] = f"{label}: paling banyak {limit} karakter."
        cleaned[name] = value
    today = timezone.localdate()
    for name, label in (("letter_date", "Tanggal surat"), ("received_on", "Tanggal diterima")):
        raw = data.get(name) or (today if name == "received_on" else "")
        try:
            day = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))
        except ValueError:
            errors[name] = f"{label} wajib diisi dengan tanggal yang valid (TTTT-BB-HH)."
            continue
        if day > today:
            errors[name] = f"{label} tidak boleh setelah hari ini."
        cleaned[name] = day
    if not errors and cleaned["letter_date"] > cleaned["received_on"]:
        errors["letter_date"] = "Tanggal surat tidak boleh setelah tanggal diterima."
    if errors:
        raise ValidationError(errors)
    return cleaned


def _scan_check(scan: tuple[str, bytes] | None) -> tuple[str, bytes, str] | None:
    if scan is None:
        return None
    name, data = scan
    if not data:
        return None
    if len(data) > SCAN_MAX_BYTES:
        raise ValidationError(
            {
                "scan": f"Berkas pindaian terlalu besar ({len(data) // 1024} KB); paling besar {SCAN_MAX_BYTES // (1024 * 1024)} MB."
            }
        )
    content_type = scan_type_of(data)
    if not content_type:
        raise ValidationError({"scan": "Berkas pindaian harus PDF, PNG atau JPEG."})
    return (name or "pindaian")[-200:], data, content_type


def _incoming_audit(actor: User, incoming: IncomingLetter, action: str, **changes: Any) -> None:
    audit_record(
        actor=actor,
        village=incoming.village,
        action=f"incoming_letter.{action}",
        object_type="incoming_letter",
        object_id=incoming.public_id,
        changes=changes,
    )


def _require_clerk(actor: User, village_id: int, capability: str = "letters.incoming") -> None:
    if not user_can(actor, capability):
        raise ApplicationError("Peran Anda tidak boleh melakukan langkah ini.")
    if actor.village_id != village_id:
        raise ApplicationError("Surat ini bukan milik desa Anda.")


@transaction.atomic
def incoming_create(
    *, actor: User, village: Village, data: dict[str, Any], scan: tuple[str, bytes] | None = None
) -> IncomingLetter:
    """Record a received letter with the next agenda number of the year of receipt."""
    _require_clerk(actor, village.pk)
    cleaned = _incoming_data(data)
    checked_scan = _scan_check(scan)
    year = cleaned["received_on"].year
    number = numbering.next_sequence(village=village, year=year, type_code=INCOMING_SEQUENCE)
    incoming = IncomingLetter.objects.create(
        village=village, year=year, agenda_number=number, recorded_by=actor, **cleaned
    )
    if checked_scan:
        incoming.scan_name, data_bytes, incoming.scan_type = checked_scan
        incoming.scan_size = len(data_bytes)
        incoming.save(update_fields=["scan_name", "scan_type", "scan_size"])
        IncomingScan.objects.create(incoming=incoming, data=data_bytes)
    _incoming_audit(
        actor,
        incoming,
        "recorded",
        agenda_number=number,
        sender=incoming.sender,
        letter_number=incoming.letter_number,
        scan=incoming.scan_name,
    )
    return incoming


def _refresh_incoming_status(incoming: IncomingLetter) -> None:
    states = list(incoming.dispositions.values_list("status", flat=True))
    if not states:
        status = IncomingLetter.Status.NEW
    elif all(s == Disposition.Status.DONE for s in states):
        status = IncomingLetter.Status.DONE
    else:
        status = IncomingLetter.Status.DISPOSED
    if status != incoming.status:
        incoming.status = status
        incoming.save(update_fields=["status", "updated_at"])


@transaction.atomic
def disposition_create(
    *,
    actor: User,
    incoming: IncomingLetter,
    to_official: Official,
    instruction: str,
    due_on: dt.date | None = None,
) -> Disposition:
    """The kepala desa (or sekdes) passes the letter to an official with an instruction."""
    _require_clerk(actor, incoming.village_id, "letters.dispose")
    if to_official.village_id != incoming.village_id or not to_official.is_active:
        raise ValidationError({"to_official": "Pejabat tujuan bukan perangkat aktif desa ini."})
    instruction = " ".join(instruction.split())
    if not instruction:
        raise ValidationError({"instruction": "Instruksi disposisi wajib diisi."})
    if len(instruction) > 500:
        raise ValidationError({"instruction": "Instruksi paling banyak 500 karakter."})
    if due_on is not None and due_on < incoming.received_on:
        raise ValidationError({"due_on": "Batas waktu tidak boleh sebelum tanggal surat diterima."})
    incoming = IncomingLetter.objects.select_for_update().get(pk=incoming.pk)
    disposition = Disposition.objects.create(
        village_id=incoming.village_id,
        incoming=incoming,
        to_official=to_official,
        instruction=instruction,
        due_on=due_on,
        created_by=actor,
    )
    _refresh_incoming_status(incoming)
    _incoming_audit(
        actor,
        incoming,
        "disposed",
        disposition=disposition.public_id,
        to=to_official.public_id,
        instruction=instruction,
        due_on=due_on.isoformat() if due_on else None,
    )
    return disposition


@transaction.atomic
def disposition_update(*, actor: User, disposition: Disposition, status: str, follow_up: str) -> Disposition:
    """Record the follow-up of a disposition: by the official it went to, or the office."""
    own = disposition.to_official.user_id == actor.pk
    if not own:
        _require_clerk(actor, disposition.village_id, "letters.dispose")
    elif actor.village_id != disposition.village_id:
        raise ApplicationError("Surat ini bukan milik desa Anda.")
    if status not in Disposition.Status.values:
        raise ValidationError({"status": "Status tindak lanjut tidak dikenal."})
    follow_up = " ".join(follow_up.split())
    if len(follow_up) > 500:
        raise ValidationError({"follow_up": "Tindak lanjut paling banyak 500 karakter."})
    if status == Disposition.Status.DONE and not follow_up:
        raise ValidationError({"follow_up": "Tuliskan tindak lanjutnya sebelum menandai selesai."})
    disposition = (
        Disposition.objects.select_for_update().select_related("incoming__village").get(pk=disposition.pk)
    )
    before = disposition.status
    disposition.status, disposition.follow_up = status, follow_up
    disposition.done_at = timezone.now() if status == Disposition.Status.DONE else None
    disposition.save()
    _refresh_incoming_status(disposition.incoming)
    _incoming_audit(
        actor,
        disposition.incoming,
        "followed_up",
        disposition=disposition.public_id,
        status=[before, status],
        follow_up=follow_up,
    )
    return disposition
