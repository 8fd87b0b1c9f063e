"""Staff attendance in the back office: monthly recap for the head (and its XLSX), working
hours, and each official's kiosk card and PIN."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from balai.accounts.decorators import require
from balai.accounts.http import VillageRequest
from balai.core import xlsx
from balai.core.dates import Period
from balai.core.http import ServiceCall
from balai.staff import attendance, exports
from balai.staff.models import Official
from balai.staff.selectors import attendance_recap, credential_map, official_get, official_list

WEEKDAYS = [
    ("1", "Senin"),
    ("2", "Selasa"),
    ("3", "Rabu"),
    ("4", "Kamis"),
    ("5", "Jumat"),
    ("6", "Sabtu"),
    ("7", "Minggu"),
]


def _period(request: HttpRequest) -> Period:
    """`?bulan=` up to the running month, by default the last complete month (core.dates)."""
    return Period.choose(request.GET.get("bulan"), today=timezone.localdate())


def _day_cells(recap: Any) -> list[str]:
    """Each row's day cells as one escaped HTML string: ~30 cells × officials rendered by the
    template engine node by node were half the recap's CPU."""
    out: list[str] = []
    for row in recap.rows:
        parts = []
        for cell, flagged in row.cells:
            if flagged:
                title = ngettext("%(n)d laporan warga", "%(n)d laporan warga", flagged) % {"n": flagged}
                parts.append(
                    format_html(
                        '<td class="num reported" title="{}">{}<strong class="reported-mark">!</strong></td>',
                        title,
                        cell,
                    )
                )
            else:
                parts.append(format_html('<td class="num">{}</td>', cell))
        out.append(mark_safe("".join(parts)))  # noqa: S308 - each part escaped by format_html
    return out


@require("attendance.recap")
def attendance_recap_view(request: VillageRequest) -> HttpResponse:
    period = _period(request)
    year, month = period.month.year, period.month.month
    recap = attendance_recap(village=request.village, year=year, month=month)
    return render(
        request,
        "staff/attendance_recap.html",
        {
            "recap": recap,
            **period.nav(),
            "rules": recap.rules,
            "recap_rows": list(zip(recap.rows, _day_cells(recap), strict=True)),
            "can_manage": request.scope.can("registry.write"),
            "can_absences": request.scope.can("staff.absences"),
        },
    )


@require("attendance.recap")
def attendance_recap_xlsx(request: VillageRequest) -> HttpResponse:
    period = _period(request)
    year, month = period.month.year, period.month.month
    village = request.village
    recap = attendance_recap(village=village, year=year, month=month)
    data = exports.attendance_recap_xlsx(recap=recap, village=village, month_label=period.label)
    response = HttpResponse(data, content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="kehadiran-{village.code}-{year}-{month:02d}.xlsx"'
    )
    return response


def _time(value: str, fallback: dt.time) -> dt.time:
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        return fallback


@require("registry.write")
def attendance_settings(request: VillageRequest) -> HttpResponse:
    village = request.village
    rules = attendance.settings_for(village)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = {
            "workdays": "".join(request.POST.getlist("workdays")),
            "skip_holidays": request.POST.get("skip_holidays") == "on",
            **{
                k: _time(request.POST.get(k, ""), getattr(rules, k))
                for k in ("opens_at", "starts_at", "ends_at", "closes_at")
            },
        }
        with ServiceCall() as call:
            attendance.settings_update(actor=request.user, village=village, data=data)
        errors = call.errors
        if call.ok:
            messages.success(request, _("Jam kerja disimpan."))
            return redirect("staff:attendance_settings")
    creds = credential_map(village=village)
    officials = [(o, creds.get(o.pk)) for o in official_list(village=village, active_only=True)]
    return render(
        request,
        "staff/attendance_settings.html",
        {"rules": rules, "weekdays": WEEKDAYS, "errors": errors, "officials": officials},
        status=400 if errors else 200,
    )


@require("registry.write")
def official_credential(request: VillageRequest, public_id: str) -> HttpResponse:
    """Register an official's card and issue a new PIN (shown once)."""
    village = request.village
    try:
        official = official_get(village=village, public_id=public_id)
    except Official.DoesNotExist:
        raise Http404
    errors: dict[str, list[str]] = {}
    new_pin = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        with ServiceCall() as call:
            if action == "card":
                attendance.credential_set_card(
                    actor=request.user,
                    official=official,
                    card_uid=request.POST.get("card_uid", ""),
                )
                messages.success(request, _("Kartu disimpan."))
                return redirect("staff:official_credential", public_id=official.public_id)
            if action == "pin":
                new_pin = attendance.credential_issue_pin(actor=request.user, official=official)
            else:
                errors = {"action": [_("Aksi tidak dikenal.")]}
        errors = errors or call.errors
    credential = credential_map(village=village).get(official.pk)
    response = render(
        request,
        "staff/official_credential.html",
        {"official": official, "credential": credential, "errors": errors, "new_pin": new_pin},
        status=400 if errors else 200,
    )
    return response
