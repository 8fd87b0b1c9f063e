"""Reads of letters. Staff reads always take the village; the public verification reads
by token only and returns the few fields the public page may show."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from balai.accounts.models import User
from balai.accounts.scope import user_can
from balai.audit.models import AuditEvent
from balai.core.masking import mask_name
from balai.letters import signing
from balai.letters.models import (
    TRACKING_ALPHABET,
    TRACKING_LENGTH,
    Disposition,
    IncomingLetter,
    IncomingScan,
    Letter,
    RtHead,
    RtPengantar,
)
from balai.letters.numbering import settings_for
from balai.letters.policy import PENGANTAR_RT, kiosk_policy, may
from balai.letters.types import REGISTRY, get_type
from balai.letters.types.base import REGISTRY_COVERED
from balai.people import codes
from balai.people.models import Family, Resident, normalize_name
from balai.regions.models import Rt, Village
from balai.staff.models import Official
from balai.staff.selectors import signatories

S = Letter.State
ISSUED_STATES = (S.ISSUED, S.HANDED_OVER, S.REVOKED)
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,32}$")


def _replacements() -> QuerySet[Letter]:
    # Issued at some time: a correction revoked later still ended the old letter's validity,
    # so revoking it does not bring the old letter back.
    return Letter.objects.filter(issued_at__isnull=False).order_by("issued_at", "id")


def replaced_by(letter: Letter) -> Letter | None:
    """The correction that replaced this letter, or None. No village filter: a correction is
    always of the same village (letter_correction_create), and with one SQLite walks the
    village's index over all its letters (4.5 ms at 10,000 letters) instead of supersedes_id's."""
    return _replacements().filter(supersedes=letter).first()


def pending_correction(letter: Letter) -> Letter | None:
    """A correction of this letter under way (not issued, cancelled or rejected), or None."""
    return (
        Letter.objects.filter(supersedes=letter, issued_at__isnull=True)  # same village, see replaced_by
        .exclude(state__in=(S.CANCELLED, S.REJECTED))
        .first()
    )


def letter_qs(*, village: Village) -> QuerySet[Letter]:
    """The village's letters; each carries `replaced_by_number`, the number of the correction
    that replaced it (None when none did)."""
    replacement = _replacements().filter(supersedes=OuterRef("pk")).values("number")[:1]
    return (
        Letter.objects.filter(village=village)
        .select_related("subject", "assigned_to", "signer", "supersedes")
        .annotate(replaced_by_number=Subquery(replacement))
    )


def letter_get(*, village: Village, public_id: str) -> Letter:
    """Raises Letter.DoesNotExist for another village's letter, exactly as for none."""
    return letter_qs(village=village).get(public_id=public_id)


# Work queues besides the per-state tabs ("status" values that are not a state).
QUEUE_MINE = "saya"
QUEUE_TO_SIGN = "ttd"
# Open letters: on someone's desk until issued (or refused).
WORK_STATES = (S.DRAFT, S.SUBMITTED, S.NEEDS_CORRECTION, S.VERIFIED, S.SIGNED)


def _mine(user: User) -> Q:
    # An operator's tasks: open letters they handle, and open ones nobody has taken yet
    # (a new request from the kiosk), so the default tab never hides new work.
    return Q(state__in=WORK_STATES) & (Q(assigned_to=user) | Q(assigned_to__isnull=True))


def letter_queue(*, village: Village, state: str | None = None, user: User | None = None) -> QuerySet[Letter]:
    """The village's letters of one queue: a state, QUEUE_TO_SIGN (verified), QUEUE_MINE
    (the user's work, see `_mine`) or all (None)."""
    qs = letter_qs(village=village)
    if state == QUEUE_MINE and user is not None:
        qs = qs.filter(_mine(user))
    elif state == QUEUE_TO_SIGN:
        qs = qs.filter(state=S.VERIFIED)
    elif state:
        qs = qs.filter(state=state)
    return qs.order_by("-updated_at", "-id")


def queue_counts(*, village: Village, user: User | None = None) -> dict[str, int]:
    """Letters per state, and under QUEUE_MINE the user's work: one grouped query."""
    counts = dict.fromkeys([*S.values, QUEUE_MINE], 0)
    mine = _mine(user) if user is not None else Q(pk__in=[])
    rows = (
        Letter.objects.filter(village=village)
        .annotate(is_mine=Case(When(mine, then=Value(True)), default=Value(False)))
        .values("state", "is_mine")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["state"]] += row["n"]
        if row["is_mine"]:
            counts[QUEUE_MINE] += row["n"]
    counts[QUEUE_TO_SIGN] = counts[S.VERIFIED]
    return counts


def sign_as_choices(*, village: Village, user: User) -> list[Official]:
    """The officials `user` may sign as today, as services.workflow._signer_for allows: only their
    own records, and for the sekretaris desa only a.n./u.b. ones."""
    if not may(user, "sign") or user.village_id != village.pk:
        return []
    own = signatories(village=village, on=timezone.localdate()).filter(user=user)
    if not user_can(user, "letters.sign_own"):
        own = own.exclude(signs_as=Official.SignsAs.OWN)
    return list(own)


def preview_residents(*, village: Village, query: str, limit: int = 10) -> list[Resident]:
    """Living residents of the village whose name contains `query` (for a template preview)."""
    key = " ".join(query.split()).upper()[:100]
    if len(key) < 2:
        return []
    qs = Resident.objects.filter(village=village, status=codes.STATUS_ALIVE, name_key__contains=key)
    return list(qs.order_by("name_key", "pk")[:limit])


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


def _signer_line(signer: dict[str, str]) -> str:
    """ "NAME (position, a.n. Kepala Desa X u.b.)": who signed and on whose authority."""
    behalf = " ".join(signer.get("on_behalf", "").split())
    detail = ", ".join(p for p in (signer.get("position", ""), behalf) if p)
    return " ".join(p for p in (signer.get("name", ""), f"({detail})" if detail else "") if p)


def verify_token(*, token: str, payload: str | None = None) -> Verdict:
    """The public verdict for a QR's token (and signed payload, when the URL carries one):
    valid, revoked, superseded, expired (past `valid_until`; revoked and superseded take
    precedence) or not_genuine.

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
    elif replaced_by(letter) is not None:
        status = "superseded"
    elif letter.valid_until is not None and letter.valid_until < timezone.localdate():
        status = "expired"  # genuine, but valid only up to and including valid_until
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
        signer=_signer_line(signer),
        masked_name=mask_name(letter.content.get("subject_name", "")),
    )


# --- Kiosk and the resident's status link ---------------------------------------------------


@dataclass(frozen=True)
class KioskField:
    name: str
    label: str
    kind: str
    required: bool
    help: str
    choices: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class KioskLetterType:
    code: str
    name: str
    self_service: bool
    subject_label: str
    fields: tuple[KioskField, ...]
    requirements: tuple[str, ...]  # documents to bring to the office; the registry covers the rest
    validity_days: int | None
    # Self-service once the ketua RT approves the digital pengantar on their phone.
    needs_rt: bool = False


def kiosk_letter_types(*, village: Village) -> list[KioskLetterType]:
    offered, self_service = kiosk_policy(settings_for(village))
    result = []
    for code in offered:
        t = REGISTRY[code]
        result.append(
            KioskLetterType(
                code=code,
                name=t.name,
                self_service=code in self_service,
                subject_label=t.subject.label,
                fields=tuple(
                    KioskField(f.name, f.label, f.kind, f.required, f.help, f.choices) for f in t.fields
                ),
                requirements=tuple(
                    r
                    for r in t.requirements
                    if r not in REGISTRY_COVERED and not (code in self_service and r == PENGANTAR_RT)
                ),
                validity_days=t.validity_days,
                needs_rt=code in self_service and PENGANTAR_RT in t.requirements,
            )
        )
    return result


def kiosk_subject_error(*, type_code: str, subject: Resident) -> str:
    letter_type = get_type(type_code)
    if letter_type is None:
        return "Jenis surat tidak dikenal."
    return letter_type.subject.check(subject)


def normalize_tracking_code(code: str) -> str:
    code = "".join(ch for ch in (code or "").lower() if ch not in " -")
    if len(code) != TRACKING_LENGTH or any(ch not in TRACKING_ALPHABET for ch in code):
        return ""
    return code


def letter_by_tracking_code(*, village: Village, code: str) -> Letter:
    """Raises Letter.DoesNotExist for an unknown code or another village's letter."""
    return letter_qs(village=village).get(tracking_code=normalize_tracking_code(code) or "-")


def letters_of_family(*, village: Village, family: Family) -> QuerySet[Letter]:
    # Through the members' ids, not a join: the join let SQLite walk every letter of the
    # village; this reads each member's few letters from letter_subject_idx.
    members = Resident.objects.filter(family_id=family.pk).values("id")
    return letter_qs(village=village).filter(subject_id__in=members).order_by("-created_at", "-id")


RESIDENT_STATUS: dict[str, str] = {
    S.DRAFT: "Sedang disiapkan",
    S.SUBMITTED: "Menunggu pemeriksaan petugas",
    S.NEEDS_CORRECTION: "Perlu perbaikan — silakan hubungi kantor desa",
    S.VERIFIED: "Menunggu tanda tangan",
    S.SIGNED: "Ditandatangani, segera terbit",
    S.ISSUED: "Sudah terbit — dapat diambil di kantor desa",
    S.HANDED_OVER: "Sudah diserahkan",
    S.REJECTED: "Ditolak — silakan hubungi kantor desa",
    S.CANCELLED: "Dibatalkan",
    S.REVOKED: "Dicabut",
}


def kiosk_status_label(letter: Letter) -> str:
    return RESIDENT_STATUS.get(str(letter.state)) or str(letter.get_state_display())


@dataclass(frozen=True)
class TrackingStatus:
    """What the public status page may show: no name, no number, nothing personal."""

    type_name: str
    status: str
    state: str
    requested_on: dt.date
    issued_on: dt.date | None
    valid_until: dt.date | None


def tracking_status(*, code: str) -> TrackingStatus | None:
    """The public lookup by code alone (the resident's link carries no village)."""
    normalized = normalize_tracking_code(code)
    if not normalized:
        return None
    letter = Letter.objects.filter(tracking_code=normalized).first()
    if letter is None:
        return None
    return TrackingStatus(
        type_name=letter.type_name,
        status=kiosk_status_label(letter),
        state=letter.state,
        requested_on=timezone.localtime(letter.created_at).date(),
        issued_on=letter.issued_on,
        valid_until=letter.valid_until,
    )


# --- Incoming letters -----------------------------------------------------------------------


def incoming_qs(*, village: Village) -> QuerySet[IncomingLetter]:
    return IncomingLetter.objects.filter(village=village)


def incoming_get(*, village: Village, public_id: str) -> IncomingLetter:
    """Raises IncomingLetter.DoesNotExist for another village's letter, exactly as for none."""
    return incoming_qs(village=village).get(public_id=public_id)


def incoming_register(
    *,
    village: Village,
    year: int | None = None,
    month: int | None = None,
    status: str = "",
    query: str = "",
) -> QuerySet[IncomingLetter]:
    """Buku Agenda surat masuk: agenda-number order, filtered."""
    qs = incoming_qs(village=village).prefetch_related("dispositions__to_official")
    if year:
        qs = qs.filter(year=year)
    if month:
        qs = qs.filter(received_on__month=month)
    if status in IncomingLetter.Status.values:
        qs = qs.filter(status=status)
    if query.strip():
        q = query.strip()[:100]
        qs = qs.filter(Q(sender__icontains=q) | Q(subject__icontains=q) | Q(letter_number__icontains=q))
    return qs.order_by("year", "agenda_number")


def incoming_scan(*, village: Village, incoming: IncomingLetter) -> bytes | None:
    if incoming.village_id != village.pk:
        raise IncomingLetter.DoesNotExist
    data = IncomingScan.objects.filter(incoming=incoming).values_list("data", flat=True).first()
    return bytes(data) if data is not None else None


def disposition_get(*, village: Village, public_id: str) -> Disposition:
    return Disposition.objects.select_related("incoming", "to_official").get(
        village=village, public_id=public_id
    )


def dispositions_open(*, village: Village) -> QuerySet[Disposition]:
    return (
        Disposition.objects.filter(village=village)
        .exclude(status=Disposition.Status.DONE)
        .select_related("incoming", "to_official")
        .order_by("due_on", "created_at")
    )


def rt_pengantar_list(*, village: Village, rt_ids: list[int], pending: bool = True) -> QuerySet[RtPengantar]:
    """The ketua RT's queue: only pengantar of the RTs they lead."""
    qs = RtPengantar.objects.filter(village=village, rt_id__in=rt_ids).select_related(
        "letter", "letter__subject", "rt"
    )
    if pending:
        return qs.filter(state=RtPengantar.State.PENDING).order_by("created_at", "pk")
    return qs.exclude(state=RtPengantar.State.PENDING).order_by("-decided_at", "-pk")


def rt_pengantar_get(*, village: Village, rt_ids: list[int], public_id: str) -> RtPengantar:
    """Another RT's pengantar is DoesNotExist (404), like a missing one."""
    return (
        RtPengantar.objects.filter(village=village, rt_id__in=rt_ids)
        .select_related("letter", "letter__subject", "rt")
        .get(public_id=public_id)
    )


# --- Ketua RT: who heads which RT (the operator's page) ----------------------------------------


@dataclass
class RtRow:
    rt: Rt
    head: RtHead | None


def rt_heads_overview(*, village: Village) -> list[RtRow]:
    """Every RT of the village with its current head (two queries)."""
    current = {
        h.rt_id: h
        for h in RtHead.objects.filter(village=village, ended_at__isnull=True).select_related(
            "user", "resident"
        )
    }
    rts = Rt.objects.filter(village=village).select_related("dusun").order_by("dusun__name", "rw", "rt")
    return [RtRow(rt, current.get(rt.pk)) for rt in rts]


def rt_get(*, village: Village, public_id: str) -> Rt:
    return Rt.objects.select_related("dusun", "village").get(village=village, public_id=public_id)


def rt_head_history(*, village: Village, rt: Rt) -> QuerySet[RtHead]:
    return RtHead.objects.filter(village=village, rt=rt).select_related("user", "resident", "ended_by")


RT_HEAD_MIN_AGE = 17  # adminduk: dewasa = 17 tahun ke atas atau sudah (pernah) kawin


def _adults(qs: QuerySet[Resident]) -> QuerySet[Resident]:
    """Adults as the project counts them elsewhere (letters' ADULT rule, KTP-el eligibility):
    17 or older, or ever married; an unknown birth date is not refused (as ADULT)."""
    today = timezone.localdate()
    try:
        cutoff = today.replace(year=today.year - RT_HEAD_MIN_AGE)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - RT_HEAD_MIN_AGE, day=28)
    return qs.filter(Q(birth_date__isnull=True) | Q(birth_date__lte=cutoff) | Q(marital_status__in=(2, 3, 4)))


@dataclass
class Candidates:
    rows: list[Resident]
    # How many match in all (the page shows `rows`, at most the limit).
    total: int


def rt_head_candidates(*, village: Village, rt: Rt, q: str, limit: int = 20) -> Candidates:
    """Living adult residents of the RT whose name contains `q` (all of them, by name, when
    empty): the first `limit` and how many match in all."""
    qs = _adults(Resident.objects.filter(village=village, rt=rt, status=codes.STATUS_ALIVE))
    q = q.strip()[:100]
    if q:
        qs = qs.filter(name_key__contains=normalize_name(q))
    rows = list(qs.select_related("family", "rt").order_by("name_key", "pk")[: limit + 1])
    total = len(rows) if len(rows) <= limit else qs.count()
    return Candidates(rows=rows[:limit], total=total)


def rt_head_resident(*, village: Village, public_id: str) -> Resident:
    """The resident an operator picked (any status: the service says why a dead one is refused)."""
    return Resident.objects.get(village=village, public_id=public_id)
