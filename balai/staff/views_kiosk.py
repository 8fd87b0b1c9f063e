"""Staffing at the kiosk (`/anjungan/perangkat/`): a signed-in resident reports that an official
was not in the office during office hours, and sees what became of their reports. Only the
device's village's active officials can be chosen; the form's one-time key makes a double tap
one report."""

from __future__ import annotations

import datetime as dt
import secrets

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core.http import ServiceCall
from balai.devices.device import resident_required
from balai.devices.http import ResidentRequest
from balai.regions.models import Village
from balai.staff import absence, selectors
from balai.staff.attendance import is_workday, settings_for, village_calendar
from balai.staff.models import AttendanceSettings

STEP_MINUTES = 15


def _days(village: Village, rules: AttendanceSettings, now: dt.datetime) -> list[tuple[str, str]]:
    """The village's working days (its work calendar: weekdays, national holidays, its own days
    off and make-up days) among today and the six days before, latest first, named as a resident
    says them ("Kemarin, Jumat 04-12-2026"). Today only once office hours have begun."""
    weekdays = [_("Senin"), _("Selasa"), _("Rabu"), _("Kamis"), _("Jumat"), _("Sabtu"), _("Minggu")]
    labels = {0: _("Hari ini"), 1: _("Kemarin")}
    today = now.date()
    holidays, workdays = village_calendar(village, today - dt.timedelta(days=6), today)
    out = []
    for n in range(7):
        day = today - dt.timedelta(days=n)
        if not is_workday(rules, day, holidays, workdays):
            continue
        if n == 0 and now.time() < rules.starts_at:
            continue
        name = f"{weekdays[day.weekday()]} {day:%d-%m-%Y}"
        out.append((day.isoformat(), f"{labels[n]}, {name}" if n in labels else name))
    return out


def _default_time(times: list[str], now: dt.datetime, day: str) -> str:
    """The latest offered time not after now on `day` (today), else the last of office hours."""
    if day == now.date().isoformat():
        past = [t for t in times if t <= now.strftime("%H:%M")]
        if past:
            return past[-1]
    return times[-1] if times else ""


def _times(start: dt.time, end: dt.time) -> list[str]:
    out, t = [], dt.datetime.combine(dt.date(2000, 1, 1), start)
    stop = dt.datetime.combine(dt.date(2000, 1, 1), end)
    while t <= stop:
        out.append(t.strftime("%H:%M"))
        t += dt.timedelta(minutes=STEP_MINUTES)
    return out


@resident_required
def absence_report(request: ResidentRequest) -> HttpResponse:
    device, resident = request.kiosk_device, request.kiosk_resident
    village = device.village
    now = timezone.localtime()
    rules = settings_for(village)
    errors: dict[str, list[str]] = {}
    done = None
    if request.method == "POST":
        data = request.POST.dict()
        day, time = data.get("day", ""), data.get("time", "")
        data["seen_at"] = f"{day}T{time}" if day and time else ""
        with ServiceCall() as call:
            done, _created = absence.absence_report_file(
                village=village,
                resident=resident,
                data=data,
                device_id=device.public_id,
                submit_key=data.get("submit_key", ""),
            )
        errors = call.errors or ({"__all__": call.messages} if not call.ok else {})
    form = request.POST if errors else {}
    days = _days(village, rules, now)
    times = _times(rules.starts_at, rules.ends_at)
    # Only what is offered is chosen: the latest valid day and time by default.
    chosen_day = form.get("day", "")
    if chosen_day not in {value for value, _label in days}:
        chosen_day = days[0][0] if days else ""
    chosen_time = form.get("time", "")
    if chosen_time not in times:
        chosen_time = _default_time(times, now, chosen_day)
    return render(
        request,
        "staff/kiosk/absence_report.html",
        {
            "officials": selectors.official_list(village=village, active_only=True),
            "days": days,
            "times": times,
            "chosen_day": chosen_day,
            "chosen_time": chosen_time,
            "chosen_official": form.get("official", ""),
            "note": form.get("note", ""),
            "rules": rules,
            "errors": errors,
            "done": done,
            "mine": selectors.absence_reports_of(village=village, resident=resident),
            "submit_key": secrets.token_urlsafe(16),
        },
        status=400 if errors else 200,
    )
