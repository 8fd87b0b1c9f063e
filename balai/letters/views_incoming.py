"""Incoming letters (surat masuk): the Buku Agenda, recording, scans, disposition. Thin views."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from balai.accounts.decorators import require
from balai.accounts.http import VillageRequest
from balai.audit.services import audit_record
from balai.core import xlsx
from balai.core.http import ServiceCall
from balai.letters import selectors
from balai.letters.exports import incoming_xlsx as incoming_xlsx_bytes
from balai.letters.exports import register_filters
from balai.letters.models import Disposition, IncomingLetter
from balai.letters.pdf import render_register
from balai.letters.registers import incoming_register_rows, outgoing_register_rows
from balai.letters.services import incoming as incoming_services
from balai.letters.types import REGISTRY
from balai.staff.models import Official
from balai.staff.selectors import official_get, official_list


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _incoming_or_404(request: VillageRequest, public_id: str) -> IncomingLetter:
    try:
        return selectors.incoming_get(village=request.village, public_id=public_id)
    except IncomingLetter.DoesNotExist:
        raise Http404


class Filters(TypedDict):
    year: int
    month: int | None
    status: str
    query: str


def _filters(request: HttpRequest) -> Filters:
    month = _int(request.GET.get("bulan"))
    return {
        "year": _int(request.GET.get("tahun")) or timezone.localdate().year,
        "month": month if month in range(1, 13) else None,
        "status": request.GET.get("status", ""),
        "query": request.GET.get("q", "")[:100],
    }


@require("registry.read")
def incoming_list(request: VillageRequest) -> HttpResponse:
    today = timezone.localdate()
    f = _filters(request)
    rows = selectors.incoming_register(village=request.village, **f)
    return render(
        request,
        "letters/incoming_list.html",
        {
            "rows": rows[:1000],
            **f,
            "statuses": IncomingLetter.Status.choices,
            "years": range(today.year, today.year - 6, -1),
            "months": [(i, dt.date(2000, i, 1)) for i in range(1, 13)],
            "open_dispositions": selectors.dispositions_open(village=request.village)[:50],
        },
    )


@require("registry.read")
def incoming_create(request: VillageRequest) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    values = request.POST if request.method == "POST" else {"received_on": timezone.localdate().isoformat()}
    if request.method == "POST":
        upload = request.FILES.get("scan")
        scan = None
        if upload is not None:
            if upload.size and upload.size > incoming_services.SCAN_MAX_BYTES:
                errors = {"scan": ["Berkas pindaian terlalu besar; paling besar 10 MB."]}
            else:
                scan = (upload.name or "pindaian", upload.read())
        if not errors:
            with ServiceCall() as call:
                incoming = incoming_services.incoming_create(
                    actor=request.user, village=request.village, data=request.POST.dict(), scan=scan
                )
            errors = call.errors
            if call.ok:
                messages.success(
                    request, f"Surat masuk dicatat dengan nomor agenda {incoming.agenda_number}."
                )
                return redirect("letters:incoming_detail", public_id=incoming.public_id)
    return render(
        request,
        "letters/incoming_form.html",
        {"values": values, "errors": errors, "max_mb": incoming_services.SCAN_MAX_BYTES // (1024 * 1024)},
        status=400 if errors else 200,
    )


@require("registry.read")
def incoming_detail(request: VillageRequest, public_id: str) -> HttpResponse:
    incoming = _incoming_or_404(request, public_id)
    village = request.village
    return render(
        request,
        "letters/incoming_detail.html",
        {
            "incoming": incoming,
            "dispositions": incoming.dispositions.select_related("to_official"),
            "officials": official_list(village=village, active_only=True),
            "statuses": Disposition.Status.choices,
            "errors": {},
        },
    )


@require("registry.read")
def incoming_scan(request: VillageRequest, public_id: str) -> HttpResponse:
    incoming = _incoming_or_404(request, public_id)
    data = selectors.incoming_scan(village=request.village, incoming=incoming)
    if data is None:
        raise Http404
    audit_record(
        actor=request.user,
        village=incoming.village,
        action="incoming_letter.scan_viewed",
        object_type="incoming_letter",
        object_id=incoming.public_id,
    )
    response = HttpResponse(data, content_type=incoming.scan_type)
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        incoming.scan_type, "bin"
    )
    response["Content-Disposition"] = (
        f'inline; filename="surat-masuk-{incoming.agenda_number}-{incoming.year}.{extension}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response


@require("registry.read")
@require_POST
def incoming_dispose(request: VillageRequest, public_id: str) -> HttpResponse:
    incoming = _incoming_or_404(request, public_id)
    village = request.village
    try:
        official = official_get(village=village, public_id=request.POST.get("to_official", ""))
    except Official.DoesNotExist:
        official = None
    due = request.POST.get("due_on", "")
    with ServiceCall() as call:
        if official is None:
            raise ValidationError({"to_official": "Pilih pejabat tujuan disposisi."})
        try:
            due_on = dt.date.fromisoformat(due) if due else None
        except ValueError:
            raise ValidationError({"due_on": "Batas waktu: tanggal tidak valid (TTTT-BB-HH)."})
        incoming_services.disposition_create(
            actor=request.user,
            incoming=incoming,
            to_official=official,
            instruction=request.POST.get("instruction", ""),
            due_on=due_on,
        )
        messages.success(request, f"Disposisi kepada {official.name} dicatat.")
        return redirect("letters:incoming_detail", public_id=incoming.public_id)
    return render(
        request,
        "letters/incoming_detail.html",
        {
            "incoming": incoming,
            "dispositions": incoming.dispositions.select_related("to_official"),
            "officials": official_list(village=village, active_only=True),
            "statuses": Disposition.Status.choices,
            "errors": call.errors,
            "values": request.POST,
        },
        status=400,
    )


@require("registry.read")
@require_POST
def disposition_follow_up(request: VillageRequest, public_id: str) -> HttpResponse:
    try:
        disposition = selectors.disposition_get(village=request.village, public_id=public_id)
    except Disposition.DoesNotExist:
        raise Http404
    with ServiceCall(request=request) as call:
        incoming_services.disposition_update(
            actor=request.user,
            disposition=disposition,
            status=request.POST.get("status", ""),
            follow_up=request.POST.get("follow_up", ""),
        )
    if call.ok:
        messages.success(request, "Tindak lanjut disposisi dicatat.")
    return redirect("letters:incoming_detail", public_id=disposition.incoming.public_id)


def _export_audit(request: VillageRequest, what: str, year: int, details: dict[str, object]) -> None:
    audit_record(
        actor=request.user,
        village=request.village,
        action=f"{what}.register_exported",
        object_type=f"{what}_register",
        object_id=str(year),
        changes=details,
    )


@require("registry.read")
def incoming_xlsx(request: VillageRequest) -> HttpResponse:
    village = request.village
    f = _filters(request)
    rows = selectors.incoming_register(village=village, **f)
    data = incoming_xlsx_bytes(
        rows,
        title=f"Buku Agenda Surat Masuk Desa {village.name} Tahun {f['year']}",
        village=village,
        filters=register_filters(**f),
    )
    _export_audit(request, "incoming_letter", f["year"], {"format": "xlsx", **f})
    response = HttpResponse(data, content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="agenda-surat-masuk-{f["year"]}.xlsx"'
    return response


@require("registry.read")
def incoming_pdf(request: VillageRequest) -> HttpResponse:
    village = request.village
    f = _filters(request)
    rows = selectors.incoming_register(village=village, **f)
    data = render_register(
        incoming_register_rows(village=village, rows=rows, year=f["year"], month=f["month"])
    )
    _export_audit(request, "incoming_letter", f["year"], {"format": "pdf", **f})
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agenda-surat-masuk-{f["year"]}.pdf"'
    return response


@require("registry.read")
def register_pdf(request: VillageRequest) -> HttpResponse:
    village = request.village
    year = _int(request.GET.get("tahun")) or timezone.localdate().year
    month = _int(request.GET.get("bulan"))
    month = month if month in range(1, 13) else None
    type_code = request.GET.get("jenis", "")
    letters = selectors.letter_register(village=village, year=year, month=month, type_code=type_code)
    data = render_register(
        outgoing_register_rows(
            village=village,
            letters=letters,
            year=year,
            month=month,
            type_name=REGISTRY[type_code].name if type_code in REGISTRY else "",
        )
    )
    audit_record(
        actor=request.user,
        village=village,
        action="letter.register_exported",
        object_type="letter_register",
        object_id=str(year),
        changes={"format": "pdf", "month": month, "type": type_code},
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agenda-surat-keluar-{year}.pdf"'
    return response
