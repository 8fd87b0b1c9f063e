"""Operator UI of letters, and the public verification page. Thin: parse, call, render."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from balai.accounts.decorators import require
from balai.accounts.http import VillageRequest
from balai.accounts.scope import user_can
from balai.audit.services import audit_record
from balai.core import xlsx
from balai.core.http import ServiceCall
from balai.letters import numbering, policy, selectors
from balai.letters.content import placeholder_names
from balai.letters.exports import register_filters
from balai.letters.exports import register_xlsx as register_xlsx_bytes
from balai.letters.fields import letter_type_of
from balai.letters.models import Letter, LetterSettings
from balai.letters.ratelimit import over_limit
from balai.letters.render import letter_pdf, template_preview_png
from balai.letters.services import workflow
from balai.letters.services.settings import (
    letter_kiosk_settings_update,
    letter_settings_update,
    template_save,
)
from balai.letters.signing import verify_url
from balai.letters.templates_text import (
    check_paragraphs,
    current_template,
    split_paragraphs,
    template_versions,
    wording,
)
from balai.letters.text import date_id, rupiah
from balai.letters.types import REGISTRY, get_type
from balai.letters.types.base import Field, LetterType
from balai.people import codes
from balai.people.models import Resident
from balai.people.selectors import resident_get, resident_qs
from balai.staff.selectors import signatories

if TYPE_CHECKING:
    from balai.accounts.models import User

S = Letter.State
EVENT_LABELS = {
    "letter.requested": "Diajukan",
    "letter.updated": "Isian diubah",
    "letter.submitted": "Diajukan ulang",
    "letter.assigned": "Ditugaskan",
    "letter.verified": "Diverifikasi",
    "letter.returned": "Dikembalikan untuk perbaikan",
    "letter.rejected": "Ditolak",
    "letter.cancelled": "Dibatalkan",
    "letter.signed": "Ditandatangani",
    "letter.issued": "Diterbitkan",
    "letter.handed_over": "Diserahkan",
    "letter.revoked": "Dicabut",
}
QUEUE_STATES = [
    S.SUBMITTED,
    S.NEEDS_CORRECTION,
    S.VERIFIED,
    S.SIGNED,
    S.ISSUED,
    S.HANDED_OVER,
    S.REJECTED,
    S.CANCELLED,
    S.REVOKED,
    S.DRAFT,
]
QUEUE_ALL = "semua"
# Steps the service refuses to an operator on a letter another operator handles
# (workflow._claim / _check_handler).
HANDLER_ACTIONS = frozenset({"verify", "return", "reject", "cancel", "issue"})


def _letter_or_404(request: VillageRequest, public_id: str) -> Letter:
    try:
        return selectors.letter_get(village=request.village, public_id=public_id)
    except Letter.DoesNotExist:
        raise Http404


def _resident_or_404(request: VillageRequest, public_id: str) -> Resident:
    try:
        return resident_get(village=request.village, public_id=public_id)
    except Resident.DoesNotExist:
        raise Http404


def _not_allowed(request: HttpRequest, title: str, message: str) -> HttpResponse:
    """A read-only notice for a step the user's role may not take (403)."""
    return render(request, "letters/not_allowed.html", {"title": title, "message": message}, status=403)


def _handler_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _handled_by_other(letter: Letter, user: User) -> bool:
    """Mirrors workflow._check_handler: another operator handles it (the sekdes may act)."""
    return letter.assigned_to_id not in (None, user.pk) and user_can(user, "letters.claim")


@require("registry.read")
def queue(request: VillageRequest) -> HttpResponse:
    village, user, scope = request.village, request.user, request.scope
    signs, clerk = scope.can("letters.sign"), scope.can("letters.verify")
    work: list[tuple[str, str]] = []
    if signs:
        work.append((selectors.QUEUE_TO_SIGN, gettext("Menunggu tanda tangan")))
    if clerk:
        work.append((selectors.QUEUE_MINE, gettext("Tugas saya")))
    default = work[0][0] if work else QUEUE_ALL
    if scope.can("letters.claim"):
        default = selectors.QUEUE_MINE
    state = request.GET.get("status") or default
    if state not in {QUEUE_ALL, *S.values, *(code for code, _label in work)}:
        state = default
    letters = selectors.letter_queue(village=village, state=None if state == QUEUE_ALL else state, user=user)[
        :200
    ]
    counts = selectors.queue_counts(village=village, user=user)
    # For signers "Menunggu tanda tangan" is the verified tab.
    states = [s for s in QUEUE_STATES if not (signs and s == S.VERIFIED)]
    tabs = [(code, label, counts[code]) for code, label in work]
    tabs += [(str(s), str(S(s).label), counts[s]) for s in states]
    return render(
        request,
        "letters/queue.html",
        {
            "letters": letters,
            "state": state,
            "all": QUEUE_ALL,
            "tabs": tabs,
            "types": REGISTRY,
            "may_request": scope.can("letters.request"),
            "mine": state == selectors.QUEUE_MINE,
        },
    )


@dataclass(frozen=True)
class FormField:
    """One extra field of a letter type as the form shows it."""

    field: Field
    value: str
    errors: list[str]

    @property
    def widget(self) -> str:
        if self.field.choices:
            return "select"
        if self.field.kind in ("textarea", "date"):
            return self.field.kind
        if self.field.kind in ("number", "year"):
            return "number"
        if self.field.kind in ("money", "nik"):
            return "numeric"  # digits with separators ("1.500.000"): a text box, numeric keypad
        return "text"

    @property
    def choices(self) -> list[tuple[str, str]]:
        """The type's choices, plus a stored value no longer among them (kept, not lost)."""
        known = list(self.field.choices)
        if self.value and self.value not in {c for c, _label in known}:
            known.append((self.value, self.value))
        return known


def _form_fields(letter_type: LetterType, values: Any, errors: dict[str, list[str]]) -> list[FormField]:
    return [
        FormField(field=f, value=str(values.get(f.name, "") or ""), errors=errors.get(f.name, []))
        for f in letter_type.fields
    ]


def _field_display(f: Field, value: Any) -> str:
    """A stored field value as people read it: choice labels, dates in words, rupiah."""
    text = str(value if value is not None else "")
    if not text:
        return ""
    if f.choices:
        return dict(f.choices).get(text, text)
    try:
        if f.kind == "date":
            return date_id(dt.date.fromisoformat(text))
        if f.kind == "money":
            return rupiah(int(text))
    except ValueError:
        pass
    return text


@require("registry.read")
def create(request: VillageRequest) -> HttpResponse:
    village = request.village
    if not request.scope.can("letters.request"):
        return _not_allowed(
            request,
            gettext("Buat surat"),
            gettext(
                "Permohonan surat dicatat oleh operator atau sekretaris desa; peran Anda hanya dapat melihatnya."
            ),
        )
    resident_id = request.POST.get("resident") or request.GET.get("penduduk", "")
    resident = _resident_or_404(request, resident_id) if resident_id else None
    type_code = request.POST.get("type_code") or request.GET.get("jenis", "")
    letter_type = get_type(type_code)
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and resident is not None and letter_type is not None:
        with ServiceCall() as call:
            letter = workflow.letter_request_create(
                actor=request.user,
                village=village,
                type_code=letter_type.code,
                subject=resident,
                fields=request.POST.dict(),
                requirements=request.POST.getlist("requirements"),
            )
        errors = call.errors
        if call.ok:
            messages.success(request, f"Permohonan {letter_type.name} untuk {resident.name} dicatat.")
            return redirect("letters:detail", public_id=letter.public_id)
    elif request.method == "POST":
        errors = {"__all__": ["Pilih penduduk dan jenis surat."]}
    subject_error = letter_type.subject.check(resident) if (letter_type and resident) else ""
    values: Any = request.POST
    if request.method != "POST" and letter_type and resident and not subject_error:
        values = letter_type.initial(resident) if letter_type.initial else {}
        # Another module's record may pre-fill the fields through the link it offers (the
        # Keterangan Usaha from a UMKM record): only the type's own fields are taken.
        values = {
            **values,
            **{f.name: request.GET[f.name] for f in letter_type.fields if request.GET.get(f.name)},
        }
    return render(
        request,
        "letters/create.html",
        {
            "resident": resident,
            "letter_type": letter_type,
            "types": REGISTRY.values(),
            "form_fields": _form_fields(letter_type, values, errors) if letter_type else [],
            "checked": request.POST.getlist("requirements"),
            "errors": errors,
            "subject_error": subject_error,
        },
        status=400 if errors else 200,
    )


def _actions(letter: Letter, user: User) -> list[tuple[str, str, bool, str]]:
    """(action, label, needs a reason, why it is disabled or "") the user's role may take on
    this letter now; steps another operator's letter refuses come disabled, with the reason."""
    nexts = policy.TRANSITIONS[letter.state]
    candidates = [
        ("verify", "Verifikasi", S.VERIFIED, False),
        ("return", "Kembalikan untuk perbaikan", S.NEEDS_CORRECTION, True),
        ("sign", "Tandatangani", S.SIGNED, False),
        ("issue", "Terbitkan (beri nomor)", S.ISSUED, False),
        ("submit", "Ajukan", S.SUBMITTED, False),
        ("hand_over", "Serahkan", S.HANDED_OVER, True),
        ("reject", "Tolak", S.REJECTED, True),
        ("cancel", "Batalkan", S.CANCELLED, True),
        ("revoke", "Cabut", S.REVOKED, True),
    ]
    blocked = ""
    if _handled_by_other(letter, user):
        blocked = gettext("Surat ini sedang ditangani oleh %(name)s.") % {
            "name": _handler_name(letter.assigned_to)
        }
    return [
        (a, label, reason, blocked if a in HANDLER_ACTIONS else "")
        for a, label, to, reason in candidates
        if to in nexts and user_can(user, f"letters.{a}")
    ]


def _field_rows(letter: Letter, letter_type: LetterType | None) -> list[tuple[str, str]]:
    """The letter's fields as the pages show them: label and readable value."""
    if letter_type is None:
        return []
    return [(f.label, _field_display(f, letter.fields.get(f.name))) for f in letter_type.fields]


@require("registry.read")
def detail(request: VillageRequest, public_id: str) -> HttpResponse:
    letter = _letter_or_404(request, public_id)
    letter_type = get_type(letter.type_code)
    user, scope = request.user, request.scope
    other = _handled_by_other(letter, user)
    signing = letter.state == S.VERIFIED and scope.can("letters.sign")
    issued = letter.state in (S.ISSUED, S.HANDED_OVER, S.REVOKED)
    replacement = selectors.replaced_by(letter) if issued else None
    pending = selectors.pending_correction(letter) if issued and replacement is None else None
    steps = [(*a, REASON_LABELS.get(a[0], "")) for a in _actions(letter, user)]
    return render(
        request,
        "letters/detail.html",
        {
            "letter": letter,
            "letter_type": letter_type,
            "field_rows": _field_rows(letter, letter_type),
            "handler": _handler_name(letter.assigned_to),
            "handled_by_other": other,
            "actions": [a for a in steps if a[0] in FORWARD],
            "other_actions": [a for a in steps if a[0] not in FORWARD],
            "history": [
                (e, EVENT_LABELS.get(e.action, e.action)) for e in selectors.letter_history(letter=letter)
            ],
            "sign_choices": selectors.sign_as_choices(village=letter.village, user=user) if signing else [],
            "verify_url": verify_url(letter, with_payload=False) if letter.token else "",
            "can_edit": letter.state in (S.DRAFT, S.SUBMITTED, S.NEEDS_CORRECTION)
            and scope.can("letters.submit")
            and not other,
            "replacement": replacement,
            "pending_correction": pending,
            "can_correct": letter.state in (S.ISSUED, S.HANDED_OVER)
            and scope.can("letters.request")
            and replacement is None
            and pending is None,
            # Taking over another operator's letter: the lead's `letter_take_over` service,
            # reached through letter_act while "take_over" is one of workflow.ACTIONS.
            "can_take_over": other
            and letter.state in policy.OPEN_STATES
            and "take_over" in workflow.ACTIONS
            and scope.can("letters.assign"),
            "use_tte": numbering.settings_for(letter.village).use_tte,
        },
    )


ACTIONS = workflow.ACTIONS


@sensitive_post_parameters("passphrase")
@require("registry.read")
@require_POST
def transition(request: VillageRequest, public_id: str, action: str) -> HttpResponse:
    letter = _letter_or_404(request, public_id)
    if action not in ACTIONS:
        raise Http404
    official = None
    if action == "sign" and request.POST.get("official"):
        official = next(
            (o for o in signatories(village=letter.village) if o.public_id == request.POST["official"]), None
        )
        if official is None:
            raise Http404
    with ServiceCall(request=request) as call:
        workflow.letter_act(
            actor=request.user,
            letter=letter,
            action=action,
            reason=request.POST.get("reason", ""),
            official=official,
            passphrase=request.POST.get("passphrase", ""),
        )
    if call.ok:
        messages.success(request, NEXT_STEP.get(action, gettext("Status surat diperbarui.")))
    return redirect("letters:detail", public_id=letter.public_id)


# After each step, what happens next and who does it (issue 21: nothing said what comes next).
NEXT_STEP = {
    "submit": gettext_lazy(
        "Permohonan diajukan. Berikutnya: operator memeriksa persyaratan dan memverifikasinya."
    ),
    "verify": gettext_lazy(
        "Surat diverifikasi. Berikutnya: kepala desa (atau sekretaris a.n.) menandatanganinya."
    ),
    "return": gettext_lazy(
        "Surat dikembalikan untuk perbaikan. Berikutnya: operator memperbaiki isian lalu mengajukannya lagi."
    ),
    "sign": gettext_lazy(
        "Surat ditandatangani. Berikutnya: operator menerbitkannya (memberi nomor) lalu menyerahkannya."
    ),
    "issue": gettext_lazy(
        "Surat terbit dengan nomornya. Berikutnya: cetak dan serahkan kepada pemohon, lalu catat penerimanya."
    ),
    "hand_over": gettext_lazy("Penyerahan dicatat. Surat selesai."),
    "reject": gettext_lazy("Permohonan ditolak. Pemohon dapat melihat alasannya."),
    "cancel": gettext_lazy("Surat dibatalkan."),
    "revoke": gettext_lazy("Surat dicabut. Pemeriksaan kode QR-nya kini menyatakan surat tidak berlaku."),
}
# The reason asked for by each step, named as the person writing it thinks of it.
REASON_LABELS = {
    "return": gettext_lazy("Apa yang perlu diperbaiki"),
    "reject": gettext_lazy("Alasan penolakan"),
    "cancel": gettext_lazy("Alasan pembatalan"),
    "revoke": gettext_lazy("Alasan pencabutan"),
    "hand_over": gettext_lazy("Diterima oleh"),
}
# The steps that move a letter forward come first; the ones that stop or send it back are
# folded under "Langkah lain", away from the primary button.
FORWARD = ("verify", "sign", "issue", "submit", "hand_over")


@require("registry.read")
def sign_confirm(request: VillageRequest, public_id: str) -> HttpResponse:
    """The letter as it will be signed, with the signing form: no signature in one click."""
    letter = _letter_or_404(request, public_id)
    if letter.state != S.VERIFIED or not request.scope.can("letters.sign"):
        return _not_allowed(
            request,
            gettext("Tandatangani surat"),
            gettext("Surat ini tidak menunggu tanda tangan Anda."),
        )
    letter_type = get_type(letter.type_code)
    return render(
        request,
        "letters/sign_confirm.html",
        {
            "letter": letter,
            "letter_type": letter_type,
            "field_rows": _field_rows(letter, letter_type),
            "sign_choices": selectors.sign_as_choices(village=letter.village, user=request.user),
            "use_tte": numbering.settings_for(letter.village).use_tte,
        },
    )


def _fields_page(
    request: VillageRequest,
    letter: Letter,
    letter_type: LetterType,
    errors: dict[str, list[str]],
    *,
    correcting: bool = False,
) -> HttpResponse:
    """An existing letter's fields, to edit or to correct: as posted, or as stored."""
    posted = request.method == "POST"
    return render(
        request,
        "letters/create.html",
        {
            "letter": letter,
            "correcting": correcting,
            "resident": letter.subject,
            "letter_type": letter_type,
            "form_fields": _form_fields(letter_type, request.POST if posted else letter.fields, errors),
            "checked": request.POST.getlist("requirements") if posted else letter.checked_requirements,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@require("registry.read")
def edit(request: VillageRequest, public_id: str) -> HttpResponse:
    letter = _letter_or_404(request, public_id)
    letter_type = letter_type_of(letter)
    if not request.scope.can("letters.submit"):
        return _not_allowed(
            request,
            gettext("Ubah isian surat"),
            gettext(
                "Isian surat diubah oleh operator atau sekretaris desa; peran Anda hanya dapat melihatnya."
            ),
        )
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        with ServiceCall() as call:
            workflow.letter_update(
                actor=request.user,
                letter=letter,
                fields=request.POST.dict(),
                requirements=request.POST.getlist("requirements"),
            )
        errors = call.errors
        if call.ok:
            messages.success(request, "Isian surat disimpan.")
            return redirect("letters:detail", public_id=letter.public_id)
    return _fields_page(request, letter, letter_type, errors)


@require("registry.read")
def correct(request: VillageRequest, public_id: str) -> HttpResponse:
    letter = _letter_or_404(request, public_id)
    letter_type = letter_type_of(letter)
    if not request.scope.can("letters.request"):
        return _not_allowed(
            request,
            gettext("Koreksi surat"),
            gettext(
                "Koreksi surat dicatat oleh operator atau sekretaris desa; peran Anda hanya dapat melihatnya."
            ),
        )
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        with ServiceCall() as call:
            fix = workflow.letter_correction_create(
                actor=request.user,
                letter=letter,
                fields=request.POST.dict(),
                reason=request.POST.get("reason", ""),
                requirements=request.POST.getlist("requirements"),
            )
        errors = call.errors
        if call.ok:
            messages.success(request, "Koreksi dicatat; surat lama tergantikan setelah koreksi terbit.")
            return redirect("letters:detail", public_id=fix.public_id)
    return _fields_page(request, letter, letter_type, errors, correcting=True)


@require("registry.read")
def pdf(request: VillageRequest, public_id: str) -> HttpResponse:
    letter = _letter_or_404(request, public_id)
    with ServiceCall(request=request) as call:
        data = letter_pdf(letter)
    if not call.ok:
        return redirect("letters:detail", public_id=letter.public_id)
    name = (letter.number or f"pratinjau-{letter.public_id}").replace("/", "-")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="surat-{name}.pdf"'
    # The signing page shows this preview in a frame of its own origin (nowhere else).
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@require("registry.read")
def register(request: VillageRequest) -> HttpResponse:
    today = timezone.localdate()
    year = _int(request.GET.get("tahun")) or today.year
    month = _int(request.GET.get("bulan"))
    type_code = request.GET.get("jenis", "")
    letters = selectors.letter_register(
        village=request.village,
        year=year,
        month=month if month in range(1, 13) else None,
        type_code=type_code,
    )
    return render(
        request,
        "letters/register.html",
        {
            "letters": letters[:1000],
            "year": year,
            "month": month,
            "type_code": type_code,
            "types": REGISTRY.values(),
            "years": range(today.year, today.year - 6, -1),
            "months": [(i, dt.date(2000, i, 1)) for i in range(1, 13)],
        },
    )


@require("registry.read")
def register_xlsx(request: VillageRequest) -> HttpResponse:
    village = request.village
    year = _int(request.GET.get("tahun")) or timezone.localdate().year
    month = _int(request.GET.get("bulan"))
    letters = selectors.letter_register(
        village=village,
        year=year,
        month=month if month in range(1, 13) else None,
        type_code=request.GET.get("jenis", ""),
    )
    data = register_xlsx_bytes(
        letters,
        title=f"Buku Agenda Surat Keluar Desa {village.name} Tahun {year}",
        village=village,
        filters=register_filters(
            year=year, month=month if month in range(1, 13) else None, type_code=request.GET.get("jenis", "")
        ),
    )
    audit_record(
        actor=request.user,
        village=village,
        action="letter.register_exported",
        object_type="letter_register",
        object_id=str(year),
        changes={"month": month, "type": request.GET.get("jenis", "")},
    )
    response = HttpResponse(data, content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="agenda-surat-keluar-{year}.xlsx"'
    return response


@require("registry.read")
def settings_edit(request: VillageRequest) -> HttpResponse:
    village = request.village
    prefs = numbering.settings_for(village)
    errors: dict[str, list[str]] = {}
    values = {
        "number_format": prefs.number_format,
        "per_type_sequence": prefs.per_type_sequence,
        "paper": prefs.paper,
        "use_tte": prefs.use_tte,
    }
    if request.method == "POST" and request.POST.get("form") == "kiosk":
        with ServiceCall() as call:
            letter_kiosk_settings_update(
                actor=request.user,
                village=village,
                kiosk_types=request.POST.getlist("kiosk_types"),
                self_service_types=request.POST.getlist("self_service_types"),
            )
        errors = call.errors
        if call.ok:
            messages.success(request, "Pengaturan anjungan disimpan.")
            return redirect("letters:settings")
    elif request.method == "POST":
        values = {
            "number_format": request.POST.get("number_format", ""),
            "per_type_sequence": request.POST.get("per_type_sequence") == "on",
            "paper": request.POST.get("paper", ""),
            "use_tte": request.POST.get("use_tte") == "on",
        }
        with ServiceCall() as call:
            letter_settings_update(
                actor=request.user,
                village=village,
                number_format=str(values["number_format"]),
                per_type_sequence=bool(values["per_type_sequence"]),
                paper=str(values["paper"]),
                use_tte=bool(values["use_tte"]),
            )
        errors = call.errors
        if call.ok:
            messages.success(request, "Pengaturan surat disimpan.")
            return redirect("letters:settings")
    example = ""
    if not errors:
        example = numbering.format_number(
            str(values["number_format"]),
            code="470",
            sequence=7,
            village_code=village.code,
            day=timezone.localdate(),
        )
    offered, self_service = policy.kiosk_policy(prefs)
    if request.method == "POST" and request.POST.get("form") == "kiosk":
        offered, self_service = (
            request.POST.getlist("kiosk_types"),
            request.POST.getlist("self_service_types"),
        )
    kiosk_rows = [
        (t, t.code in offered, t.code in self_service, policy.self_service_possible(t))
        for t in REGISTRY.values()
    ]
    return render(
        request,
        "letters/settings.html",
        {
            "values": values,
            "errors": errors,
            "example": example,
            "papers": LetterSettings.Paper.choices,
            "kiosk_rows": kiosk_rows,
        },
        status=400 if errors else 200,
    )


def verify_public(request: HttpRequest, token: str) -> HttpResponse:
    """No sign-in: anyone holding the letter checks it. Limited per address so tokens cannot
    be tried in bulk (they are 144 random bits anyway)."""
    if over_limit(request):
        return render(request, "letters/verify.html", {"limited": True}, status=429)
    payload = request.GET.get("p", "")[:2048]
    verdict = selectors.verify_token(token=token[:64], payload=payload or None)
    return render(request, "letters/verify.html", {"verdict": verdict, "offline_checked": bool(payload)})


def tracking_public(request: HttpRequest, code: str) -> HttpResponse:
    """The resident's status link: type, status and dates only. Codes are random (≈49 bits)
    and tries per address are limited, so codes cannot be walked."""
    if over_limit(request, "tracking"):
        return render(request, "letters/tracking.html", {"limited": True}, status=429)
    status = selectors.tracking_status(code=code[:32])
    return render(request, "letters/tracking.html", {"status": status}, status=200 if status else 404)


@require("registry.read")
def template_list(request: VillageRequest) -> HttpResponse:
    village = request.village
    rows = [(t, current_template(village=village, type_code=t.code)) for t in REGISTRY.values()]
    return render(request, "letters/template_list.html", {"rows": rows})


def _preview_subject(request: VillageRequest, public_id: str) -> Resident | None:
    if public_id:
        return _resident_or_404(request, public_id)
    return resident_qs(village=request.village).filter(status=codes.STATUS_ALIVE).first()


@require("registry.read")
def template_edit(request: VillageRequest) -> HttpResponse:
    village = request.village
    letter_type = get_type(request.GET.get("jenis", ""))
    if letter_type is None:
        return redirect("letters:template_list")
    may_save = request.scope.can("letters.template")
    if request.method == "POST" and not may_save:
        return _not_allowed(
            request,
            gettext("Teks surat"),
            gettext(
                "Teks surat diubah oleh operator atau sekretaris desa; peran Anda hanya dapat melihatnya."
            ),
        )
    errors: dict[str, list[str]] = {}
    version, paragraphs = wording(village=village, letter_type=letter_type)
    text = "\n\n".join(paragraphs)
    subject = _preview_subject(request, request.GET.get("penduduk", ""))
    if request.method == "POST":
        text = request.POST.get("text", "")
        with ServiceCall() as call:
            saved = template_save(actor=request.user, village=village, type_code=letter_type.code, text=text)
        errors = call.errors
        if call.ok:
            messages.success(request, f"Teks {letter_type.name} disimpan sebagai versi {saved.version}.")
            chosen = f"&penduduk={subject.public_id}" if request.GET.get("penduduk") and subject else ""
            return redirect(f"{reverse('letters:template_edit')}?jenis={letter_type.code}{chosen}")
    query = request.GET.get("cari", "").strip()[:100]
    return render(
        request,
        "letters/template_edit.html",
        {
            "letter_type": letter_type,
            "version": version,
            "text": text,
            "errors": errors,
            "subject": subject,
            "may_save": may_save,
            "query": query,
            "found": selectors.preview_residents(village=village, query=query) if query else [],
            "versions": template_versions(village=village, type_code=letter_type.code),
            "placeholders": sorted(placeholder_names(letter_type)),
        },
        status=400 if errors else 200,
    )


@require("registry.read")
def template_preview(request: VillageRequest) -> HttpResponse:
    """htmx: the letter image with the text being typed, on a real resident."""
    village = request.village
    letter_type = get_type(request.POST.get("jenis") or request.GET.get("jenis", ""))
    subject = _preview_subject(request, request.POST.get("penduduk") or request.GET.get("penduduk", ""))
    error, image = "", ""
    if letter_type is None or subject is None:
        error = "Pilih jenis surat; desa ini juga perlu minimal satu penduduk untuk pratinjau."
    else:
        paragraphs = split_paragraphs(request.POST.get("text", "")) or list(letter_type.body)
        with ServiceCall() as call:
            check_paragraphs(letter_type, paragraphs)
            png = template_preview_png(
                letter_type=letter_type, village=village, subject=subject, paragraphs=paragraphs
            )
            image = base64.b64encode(png).decode()
        error = call.text()
    return render(request, "letters/_template_preview.html", {"error": error, "image": image})
