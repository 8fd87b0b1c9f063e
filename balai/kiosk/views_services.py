"""A signed-in resident's services at the kiosk: family card, correction report, letters,
aid status, children's growth; and the letter status lookup by tracking code (no sign-in).

Personal data comes only from the signed-in resident's own family (`request.kiosk_resident`),
never from an id in the URL alone: anything else answers 404.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from balai.audit.services import audit_record
from balai.core.errors import ApplicationError
from balai.core.http import ServiceCall
from balai.core.masking import mask_number
from balai.devices.device import device_required, resident_required
from balai.devices.http import DeviceRequest, ResidentRequest
from balai.kiosk import home as optional
from balai.kiosk import selectors, services
from balai.kiosk.models import KioskLetterRequest
from balai.people import codes
from balai.people.models import Resident


def _new_token() -> str:
    return secrets.token_hex(16)


def _age(birth_date: Any, today: Any) -> int | str:
    b = birth_date
    if b is None:
        return ""
    return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


def _audit_view(
    request: ResidentRequest, *, action: str, object_type: str, object_id: str, **changes: str
) -> None:
    """Audit a resident's view of personal data once per sign-in session (not per refresh)."""
    device, resident = request.kiosk_device, request.kiosk_resident
    key = f"kiosk_audited:{action}:{object_id}:{changes.get('child', '')}"
    if request.session.get(key):
        return
    audit_record(
        actor=None,
        village=device.village,
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes={"resident": resident.public_id, "device": device.public_id, **changes},
    )
    request.session[key] = True


@resident_required
def family(request: ResidentRequest) -> HttpResponse:
    device, resident = request.kiosk_device, request.kiosk_resident
    fam = resident.family
    if fam is None:
        return render(request, "kiosk/family.html", {"family": None})
    today = timezone.localdate()
    rt, rows = selectors.family_card(village=device.village, family=fam)
    members = [
        {
            "public_id": m["public_id"],
            "name": m["name"],
            "nik": mask_number(m["nik"]),
            "relation": codes.FAMILY_RELATION.get(m["family_relation"], "") if m["family_relation"] else "",
            "sex": codes.SEX.get(m["sex"], ""),
            "birth": f"{m['birth_place']}, {m['birth_date']:%d-%m-%Y}"
            if m["birth_date"]
            else m["birth_place"],
            "age": _age(m["birth_date"], today),
            "is_self": m["pk"] == resident.pk,
        }
        for m in rows
    ]
    _audit_view(request, action="kiosk.family_view", object_type="family", object_id=fam.public_id)
    context = {
        "family": fam,
        "rt": rt,
        "kk": mask_number(fam.kk_number),
        "members": members,
        "reports": selectors.corrections_of_family(village=device.village, family=fam),
    }
    return render(request, "kiosk/family.html", context)


@resident_required
@require_http_methods(["GET", "POST"])
def correction(request: ResidentRequest) -> HttpResponse:
    device, resident = request.kiosk_device, request.kiosk_resident
    fam = resident.family
    if fam is None:
        raise Http404
    members = selectors.family_members(village=device.village, family=fam)
    error = ""
    if request.method == "POST":
        subject = None
        subject_id = request.POST.get("subject", "")
        if subject_id:
            try:
                subject = selectors.family_member_get(
                    village=device.village, family=fam, public_id=subject_id
                )
            except Resident.DoesNotExist:
                raise Http404 from None
        with ServiceCall() as call:
            report = services.correction_report(
                resident=resident,
                device=device,
                family=fam,
                subject=subject,
                text=request.POST.get("text", ""),
                submit_token=request.POST.get("token", "")[:32] or _new_token(),
            )
        error = call.text()
        if call.ok:
            messages.success(
                request,
                _("Laporan perbaikan terkirim (nomor %(n)s). Petugas desa akan memeriksanya.")
                % {"n": report.public_id[:8].upper()},
            )
            return redirect("kiosk:family")
    context = {
        "members": [{"public_id": m.public_id, "name": m.name} for m in members],
        "token": request.POST.get("token") or _new_token(),
        "error": error,
        "text": request.POST.get("text", ""),
    }
    return render(request, "kiosk/correction.html", context, status=400 if error else 200)


# --- Letters ---------------------------------------------------------------------------


def _letters_api() -> Any:
    try:
        from balai.letters import kiosk as letters_kiosk
    except ImportError:  # pragma: no cover - the letters facade ships with this project
        return None
    return letters_kiosk


_SLOT = "slot0placeholder"


@resident_required
def letters(request: ResidentRequest) -> HttpResponse:
    device, resident = request.kiosk_device, request.kiosk_resident
    api = _letters_api()
    # Links are reversed once, with a placeholder, rather than once per row ({% url %} or
    # reverse() in the loops was a tenth of the page's cost).
    request_url = reverse("kiosk:letter_request", args=[_SLOT]).replace(_SLOT, "{}")
    result_url = reverse("kiosk:letter_result", args=[_SLOT]).replace(_SLOT, "{}")
    types = []
    for t in api.kiosk_letter_types(village=device.village):
        problem = api.kiosk_subject_error(type_code=t.code, subject=resident)
        url = "" if problem else request_url.format(t.code)
        types.append({"type": t, "problem": problem, "url": url})
    mine = []
    if resident.family is not None:
        recent = (
            api.letters_of_family(village=device.village, family=resident.family)
            .select_related(None)
            .only("public_id", "type_code", "state", "created_at", "subject_id")[:10]
        )
        # The label depends on the state alone, and working it out is not cheap (the choices'
        # display names are translated each time): once per state, not once per letter.
        labels: dict[str, str] = {}
        for letter in recent:
            status = labels.get(letter.state)
            if status is None:
                status = labels[letter.state] = api.kiosk_status_label(letter)
            mine.append(
                {
                    "public_id": letter.public_id,
                    "url": result_url.format(letter.public_id),
                    "type_name": getattr(letter, "type_name", "") or letter.type_code,
                    "status": status,
                    "created": letter.created_at,
                    "for_self": letter.subject_id == resident.pk,
                }
            )
    return render(request, "kiosk/letters.html", {"types": types, "mine": mine})


# The purposes residents most often give ("Keperluan"): one tap instead of typing.
PURPOSES = (
    _lazy("Melamar pekerjaan"),
    _lazy("Mendaftar sekolah"),
    _lazy("Mengurus BPJS"),
    _lazy("Pengajuan kredit bank"),
    _lazy("Persyaratan administrasi"),
    _lazy("Mengurus bantuan sosial"),
)


def _kiosk_type(api: Any, village: Any, type_code: str) -> Any:
    for t in api.kiosk_letter_types(village=village):
        if t.code == type_code:
            return t
    raise Http404


@resident_required
@require_http_methods(["GET", "POST"])
def letter_request(request: ResidentRequest, type_code: str) -> HttpResponse:
    device, resident = request.kiosk_device, request.kiosk_resident
    api = _letters_api()
    letter_type = _kiosk_type(api, device.village, type_code)
    errors: dict[str, str] = {}
    values = {f.name: request.POST.get(f.name, "") for f in letter_type.fields}
    token = request.POST.get("token", "") or _new_token()
    if request.method == "POST":
        with ServiceCall() as call:
            letter = api.letter_kiosk_request(
                village=device.village,
                type_code=letter_type.code,
                subject=resident,
                fields={k: v.strip() for k, v in values.items()},
                device_label=device.label,
                idempotency_key=token[:64],
            )
        errors = {name: " ".join(found) for name, found in call.errors.items()}
        if call.ok:
            KioskLetterRequest.objects.get_or_create(
                submit_token=token[:64],
                defaults={
                    "village": device.village,
                    "resident": resident,
                    "device": device,
                    "letter_public_id": letter.public_id,
                    "type_code": letter_type.code,
                },
            )
            return redirect("kiosk:letter_result", public_id=letter.public_id)
    fields = [
        {"field": f, "value": values.get(f.name, ""), "error": errors.get(f.name, "")}
        for f in letter_type.fields
    ]
    general = " ".join(v for k, v in errors.items() if k not in values)
    context = {
        "letter_type": letter_type,
        "purposes": PURPOSES,
        "fields": fields,
        "token": token,
        "error": general,
        "problem": api.kiosk_subject_error(type_code=letter_type.code, subject=resident),
    }
    return render(request, "kiosk/letter_request.html", context, status=400 if errors else 200)


# What the result page shows of a letter: not its content, signature, QR image or people.
RESULT_FIELDS = (
    "public_id", "type_code", "state", "number", "issued_on", "valid_until", "tracking_code", "created_at",
)  # fmt: skip


def _own_letter(request: ResidentRequest, public_id: str, only: tuple[str, ...] = ()) -> Any:
    device, resident = request.kiosk_device, request.kiosk_resident
    api = _letters_api()
    if resident.family is None:
        raise Http404
    letters = api.letters_of_family(village=device.village, family=resident.family).filter(
        public_id=public_id
    )
    if only:
        letters = letters.select_related(None).only(*only)
    letter = letters.first()
    if letter is None:
        raise Http404
    return letter


ISSUED_STATES = ("issued", "handed_over")


@resident_required
def letter_result(request: ResidentRequest, public_id: str) -> HttpResponse:
    letter = _own_letter(request, public_id, only=RESULT_FIELDS)
    api = _letters_api()
    context = {
        "letter": letter,
        "issued": letter.state in ISSUED_STATES,
        "status": api.kiosk_status_label(letter),
        "tracking": getattr(letter, "tracking_code_display", "") or letter.tracking_code,
        "tracking_url": api.tracking_url(letter),
    }
    return render(request, "kiosk/letter_result.html", context)


@xframe_options_sameorigin  # shown in the letter page's frame, for its Print button
@resident_required
def letter_pdf(request: ResidentRequest, public_id: str) -> HttpResponse:
    device, resident = request.kiosk_device, request.kiosk_resident
    letter = _own_letter(request, public_id)
    api = _letters_api()
    with ServiceCall() as call:
        data = api.letter_pdf_bytes(village=device.village, letter=letter)
    if not call.ok:
        raise Http404
    audit_record(
        actor=None, village=device.village, action="kiosk.letter_pdf", object_type="letter",
        object_id=letter.public_id, changes={"resident": resident.public_id, "device": device.public_id},
    )  # fmt: skip
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="surat.pdf"'
    return response


@resident_required
@require_POST
def letter_print_failed(request: ResidentRequest, public_id: str) -> HttpResponse:
    """The resident reports the printer failed: the operator sees it and prints the letter."""
    device, resident = request.kiosk_device, request.kiosk_resident
    letter = _own_letter(request, public_id)
    updated = KioskLetterRequest.objects.filter(
        village=device.village, letter_public_id=letter.public_id, print_failed_at__isnull=True
    ).update(print_failed_at=timezone.now())
    if (
        not updated
        and not KioskLetterRequest.objects.filter(
            village=device.village, letter_public_id=letter.public_id
        ).exists()
    ):
        KioskLetterRequest.objects.create(
            village=device.village,
            resident=resident,
            device=device,
            submit_token=_new_token(),
            letter_public_id=letter.public_id,
            type_code=letter.type_code,
            print_failed_at=timezone.now(),
        )
    audit_record(
        actor=None, village=device.village, action="kiosk.print_failed", object_type="letter",
        object_id=letter.public_id, changes={"device": device.public_id},
    )  # fmt: skip
    messages.warning(
        request,
        _("Pencetakan gagal dicatat. Surat Anda tetap tersimpan: minta petugas desa mencetaknya."),
    )
    return redirect("kiosk:letter_result", public_id=letter.public_id)


@device_required
@require_http_methods(["GET", "POST"])
def track(request: DeviceRequest) -> HttpResponse:
    """Letter status by tracking code, without sign-in: type and status only."""
    device = request.kiosk_device
    api = _letters_api()
    result: dict[str, Any] | None = None
    error = ""
    if request.method == "POST":
        code = request.POST.get("code", "")
        try:
            letter = api.letter_by_tracking_code(village=device.village, code=code)
        except Exception as exc:  # Letter.DoesNotExist or a malformed code
            if isinstance(exc, (ValidationError, ApplicationError)) or type(exc).__name__ == "DoesNotExist":
                error = _("Kode pelacakan tidak ditemukan di desa ini.")
            else:
                raise
        else:
            result = {
                "type_name": getattr(letter, "type_name", "") or letter.type_code,
                "status": api.kiosk_status_label(letter),
                "created": letter.created_at,
            }
    return render(
        request, "kiosk/track.html", {"result": result, "error": error}, status=404 if error else 200
    )


# --- Aid and growth --------------------------------------------------------------------------


def _aid_row(item: Any) -> dict[str, Any]:
    """One programme of `balai.aid.selectors.family_aid_status` (a FamilyAidStatus)."""
    return {
        "programme": item.programme_name,
        "status": item.state_label,
        "benefit": item.benefit_label,
        "next_distribution": item.next_distribution,
    }


@resident_required
def aid(request: ResidentRequest) -> HttpResponse:
    device, resident = request.kiosk_device, request.kiosk_resident
    fn = optional.optional_function("balai.aid.selectors", "family_aid_status")
    items: list[Any] = []
    available = fn is not None
    if fn is not None and resident.family is not None:
        items = [_aid_row(item) for item in fn(village=device.village, family=resident.family)]
        _audit_view(
            request, action="kiosk.aid_view", object_type="family", object_id=resident.family.public_id
        )
    return render(request, "kiosk/aid.html", {"items": items, "available": available})


def _growth_api() -> tuple[Any, Any] | None:
    fn = optional.optional_function("balai.health.selectors", "children_growth_of_family")
    charts = optional.optional_function("balai.health.charts", "growth_charts")
    if fn is None:
        return None
    return fn, charts


@resident_required
def growth(request: ResidentRequest) -> HttpResponse:
    device, resident = request.kiosk_device, request.kiosk_resident
    api = _growth_api()
    children: list[Any] = []
    if api is not None and resident.family is not None:
        children = api[0](village=device.village, family=resident.family)
        _audit_view(
            request,
            action="health.kiosk_growth_viewed",
            object_type="family",
            object_id=resident.family.public_id,
        )
    return render(request, "kiosk/growth.html", {"children": children, "available": api is not None})


@resident_required
def growth_child(request: ResidentRequest, public_id: str) -> HttpResponse:
    device, resident = request.kiosk_device, request.kiosk_resident
    api = _growth_api()
    if api is None or resident.family is None:
        raise Http404
    child = next(
        (g for g in api[0](village=device.village, family=resident.family) if g.public_id == public_id), None
    )
    if child is None:
        raise Http404
    charts = api[1](child) if api[1] is not None else {}
    _audit_view(
        request,
        action="health.kiosk_growth_viewed",
        object_type="family",
        object_id=resident.family.public_id,
        child=public_id,
    )
    return render(request, "kiosk/growth_child.html", {"child": child, "charts": charts})


# --- Schooling and pregnancy -------------------------------------------------------------------


@resident_required
def school(request: ResidentRequest) -> HttpResponse:
    """The family's children: school, class, enrolment status and PIP (KIP number masked)."""
    device, resident = request.kiosk_device, request.kiosk_resident
    fn = optional.optional_function("balai.education.selectors", "family_schooling")
    children: list[Any] = []
    if fn is not None and resident.family is not None:
        children = fn(village=device.village, family=resident.family)
        _audit_view(
            request, action="kiosk.school_view", object_type="family", object_id=resident.family.public_id
        )
    return render(request, "kiosk/school.html", {"children": children, "available": fn is not None})


@resident_required
def pregnancy(request: ResidentRequest) -> HttpResponse:
    """A pregnant mother of the family: her visits, the next one due and the warnings the
    midwife's page shows (the KIA book's wording), nothing more."""
    device, resident = request.kiosk_device, request.kiosk_resident
    fn = optional.optional_function("balai.health.selectors", "family_pregnancies")
    pregnancies: list[Any] = []
    if fn is not None and resident.family is not None:
        pregnancies = fn(village=device.village, family=resident.family)
        _audit_view(
            request,
            action="health.kiosk_pregnancy_viewed",
            object_type="family",
            object_id=resident.family.public_id,
        )
    return render(request, "kiosk/pregnancy.html", {"pregnancies": pregnancies, "available": fn is not None})
