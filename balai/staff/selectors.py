"""Reads of village officials. Every selector takes the village."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.core.dates import Month
from balai.regions.models import Village
from balai.staff.models import Attendance, Official, OfficialCredential


def official_list(*, village: Village, active_only: bool = False) -> QuerySet[Official]:
    qs = Official.objects.filter(village=village)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("-is_active", "order", "name", "pk")


def official_get(*, village: Village, public_id: str) -> Official:
    """Raises Official.DoesNotExist for another village's official, exactly as for none."""
    return Official.objects.filter(village=village).get(public_id=public_id)


def signatories(*, village: Village, on: dt.date | None = None) -> QuerySet[Official]:
    """Officials who may sign a letter dated `on`: active, signing, and within their term."""
    on = on or timezone.localdate()
    return (
        Official.objects.filter(village=village, is_active=True, signs_letters=True)
        .exclude(signs_as="")
        .filter(Q(term_start__isnull=True) | Q(term_start__lte=on))
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=on))
        .order_by("order", "name", "pk")
    )


# --- Attendance ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DutyStatus:
    public_id: str
    name: str
    position: str
    status: str  # "present" (checked in, not out), "left" (checked out), "absent"
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None

    @property
    def on_duty(self) -> bool:
        return self.status == "present"

    @property
    def status_label(self) -> str:
        return str(DUTY_LABELS[self.status])


DUTY_LABELS = {"present": _("Hadir"), "left": _("Sudah pulang"), "absent": _("Belum hadir")}


def officials_on_duty(*, village: Village, day: dt.date | None = None) -> list[DutyStatus]:
    """Every active official of the village with their attendance on `day` (for the kiosk home)."""
    day = day or timezone.localdate()
    officials = list(
        Official.objects.filter(village=village, is_active=True)
        .order_by("order", "name", "pk")
        .values_list("pk", "public_id", "name", "position")
    )
    seen = {
        official_id: (check_in, check_out)
        for official_id, check_in, check_out in Attendance.objects.filter(
            village=village, day=day
        ).values_list("official_id", "check_in_at", "check_out_at")
    }
    rows = []
    for pk, public_id, name, position in officials:
        check_in, check_out = seen.get(pk, (None, None))
        status = "absent" if check_in is None else "left" if check_out is not None else "present"
        rows.append(DutyStatus(public_id, name, position, status, check_in, check_out))
    return rows


@dataclass
class RecapRow:
    official: Official
    days: list[str]  # one cell per day of the month: "H" on time, "T" late, "-" absent, "" not a workday
    present: int = 0
    late: int = 0
    early: int = 0
    no_checkout: int = 0
    absent: int = 0


@dataclass
class Recap:
    year: int
    month: int
    dates: list[dt.date]
    workdays: list[dt.date]
    holidays: dict[dt.date, str]
    rows: list[RecapRow]


def attendance_recap(*, village: Village, year: int, month: int, today: dt.date | None = None) -> Recap:
    """Monthly attendance of the village's officials; days after `today` are not counted absent."""
    from balai.staff.attendance import holidays_between, is_workday, settings_for

    today = today or timezone.localdate()
    shown = Month(year, month)
    first, last = shown.first, shown.last
    rules = settings_for(village)
    holidays = holidays_between(first, last)
    dates = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    workdays = [d for d in dates if is_workday(rules, d, holidays)]
    records: dict[int, dict[dt.date, Attendance]] = {}
    for record in Attendance.objects.filter(village=village, day__gte=first, day__lte=last):
        records.setdefault(record.official_id, {})[record.day] = record
    officials = (
        Official.objects.filter(village=village)
        .filter(Q(is_active=True) | Q(pk__in=list(records)))
        .order_by("order", "name", "pk")
    )
    rows = []
    workday_set = set(workdays)
    for official in officials:
        mine = records.get(official.pk, {})
        row = RecapRow(official=official, days=[])
        for d in dates:
            a = mine.get(d)
            if a is None:
                counted = d in workday_set and d <= today
                row.days.append("-" if counted else "")
                row.absent += counted
                continue
            check_in = timezone.localtime(a.check_in_at).time()
            late = check_in > rules.starts_at
            row.present += 1
            row.late += late
            if a.check_out_at is None:
                row.no_checkout += d < today
            elif timezone.localtime(a.check_out_at).time() < rules.ends_at:
                row.early += 1
            row.days.append("T" if late else "H")
        rows.append(row)
    return Recap(year=year, month=month, dates=dates, workdays=workdays, holidays=holidays, rows=rows)


def attendance_day(*, village: Village, day: dt.date) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(village=village, day=day).select_related("official").order_by("check_in_at")
    )


def credential_map(*, village: Village) -> dict[int, OfficialCredential]:
    return {c.official_id: c for c in OfficialCredential.objects.filter(village=village)}
