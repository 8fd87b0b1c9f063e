"""The kepala desa's list of residents' reports that an official was absent during office hours
(issue 18 item 5): mark each handled or unfounded. The reporter's name is masked: the head acts
on the official's attendance, not on who reported it (the full record stays in the audit)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from balai.accounts.decorators import require
from balai.accounts.http import RegionalRequest, VillageRequest
from balai.core.http import ServiceCall, paginate
from balai.core.masking import mask_name
from balai.staff import absence, selectors
from balai.staff.models import AbsenceReport


@require("staff.absences")
def absence_list(request: VillageRequest) -> HttpResponse:
    status = request.GET.get("status", AbsenceReport.Status.OPEN)
    if status not in AbsenceReport.Status.values and status != "semua":
        status = AbsenceReport.Status.OPEN
    qs = selectors.absence_report_list(village=request.village, status="" if status == "semua" else status)
    page = paginate(request, qs, 30)
    rows = [(r, mask_name(r.resident.name)) for r in page.object_list]
    return render(
        request,
        "staff/absence_list.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": [*AbsenceReport.Status.choices, ("semua", _("Semua"))],
            "decisions": [
                (AbsenceReport.Status.HANDLED, AbsenceReport.Status.HANDLED.label),
                (AbsenceReport.Status.UNFOUNDED, AbsenceReport.Status.UNFOUNDED.label),
            ],
        },
    )


@require("staff.absences")
@require_POST
def absence_decide(request: VillageRequest, public_id: str) -> HttpResponse:
    try:
        report = selectors.absence_report_get(village=request.village, public_id=public_id)
    except AbsenceReport.DoesNotExist:
        raise Http404 from None
    with ServiceCall(request=request):
        absence.absence_report_decide(
            actor=request.user,
            village=request.village,
            report=report,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(
            request, _("Laporan tentang %(name)s sudah diputuskan.") % {"name": report.official.name}
        )
    return redirect("staff:absence_list")


# --- The district: reports about the kepala desa himself ----------------------------------------


def _head_status(request: RegionalRequest) -> str:
    status = request.GET.get("status", AbsenceReport.Status.OPEN)
    if status not in AbsenceReport.Status.values and status != "semua":
        status = AbsenceReport.Status.OPEN
    return status


@require("staff.head_absences", village=False)
def head_absence_list(request: RegionalRequest) -> HttpResponse:
    """The camat's list: residents' reports that a kepala desa of the district was absent."""
    status = _head_status(request)
    qs = selectors.head_absence_reports(
        villages=request.scope.readable_villages(), status="" if status == "semua" else status
    )
    page = paginate(request, qs, 30)
    rows = [(r, mask_name(r.resident.name)) for r in page.object_list]
    return render(
        request,
        "staff/head_absence_list.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": [*AbsenceReport.Status.choices, ("semua", _("Semua"))],
            "decisions": [
                (AbsenceReport.Status.HANDLED, AbsenceReport.Status.HANDLED.label),
                (AbsenceReport.Status.UNFOUNDED, AbsenceReport.Status.UNFOUNDED.label),
            ],
        },
    )


@require_POST
@require("staff.head_absences", village=False)
def head_absence_decide(request: RegionalRequest, public_id: str) -> HttpResponse:
    report = (
        selectors.head_absence_reports(villages=request.scope.readable_villages())
        .filter(public_id=public_id)
        .first()
    )
    if report is None:
        raise Http404
    with ServiceCall(request=request) as call:
        absence.absence_report_decide(
            actor=request.user,
            village=report.village,
            report=report,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
        )
    if call.ok:
        messages.success(
            request, _("Laporan tentang %(name)s sudah diputuskan.") % {"name": report.official.name}
        )
    return redirect("staff:head_absence_list")
