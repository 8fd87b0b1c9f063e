"""Service performance per village official, from data the office already keeps (issue 18 item 6).

Letters handled and signed, desk tickets served and complaints answered, each with its median
time, counted for the official's linked account over one month. It reads the letters and desk
apps, so it lives here in the interface layer (dashboard) rather than in `balai.staff`, which
sits below those domain apps: staff stays free of their imports, and no figures are copied down.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from balai.core.dates import Month
from balai.desk.models import Complaint, Ticket
from balai.letters.models import Letter
from balai.regions.models import Village
from balai.staff.models import Official
from balai.staff.selectors import official_list


@dataclass
class Performance:
    official: Official
    letters_handled: int = 0
    letters_median_h: float | None = None  # request → issued, hours
    letters_signed: int = 0
    signing_median_h: float | None = None  # verified/submitted → signed, hours
    tickets_served: int = 0
    ticket_median_min: float | None = None  # called → finished, minutes
    complaints_answered: int = 0
    complaint_median_d: float | None = None  # received → answered, days

    @property
    def total(self) -> int:
        return self.letters_handled + self.letters_signed + self.tickets_served + self.complaints_answered


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _window(month: Month) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(month.first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(month.last + dt.timedelta(days=1), dt.time.min))
    return start, end


def staff_performance(*, village: Village, month: Month) -> list[Performance]:
    start, end = _window(month)
    officials = [o for o in official_list(village=village) if o.is_active or o.user_id]
    by_user = {o.user_id: Performance(o) for o in officials if o.user_id}
    users = list(by_user)
    handled: dict[int, list[float]] = defaultdict(list)
    for created_by, assigned_to, created, issued in Letter.objects.filter(
        village=village, issued_at__gte=start, issued_at__lt=end
    ).values_list("created_by_id", "assigned_to_id", "created_at", "issued_at"):
        who = assigned_to or created_by
        if who in by_user and issued is not None:
            handled[who].append((issued - created).total_seconds() / 3600)
    signed: dict[int, list[float]] = defaultdict(list)
    for who, created, at in Letter.objects.filter(
        village=village, signed_by__in=users, signed_at__gte=start, signed_at__lt=end
    ).values_list("signed_by_id", "created_at", "signed_at"):
        if at is not None:
            signed[who].append((at - created).total_seconds() / 3600)
    served: dict[int, list[float]] = defaultdict(list)
    for who, called, finished in Ticket.objects.filter(
        village=village,
        called_by__in=users,
        state=Ticket.State.DONE,
        finished_at__gte=start,
        finished_at__lt=end,
    ).values_list("called_by_id", "called_at", "finished_at"):
        served[who].append((finished - called).total_seconds() / 60 if called and finished else 0.0)
    answered: dict[int, list[float]] = defaultdict(list)
    for who, created, responded in Complaint.objects.filter(
        village=village,
        handled_by__in=users,
        state__in=[Complaint.State.ANSWERED, Complaint.State.CLOSED],
        responded_at__gte=start,
        responded_at__lt=end,
    ).values_list("handled_by_id", "created_at", "responded_at"):
        if responded is not None:
            answered[who].append((responded - created).total_seconds() / 86400)
    for user_id, row in by_user.items():
        row.letters_handled, row.letters_median_h = len(handled[user_id]), _median(handled[user_id])
        row.letters_signed, row.signing_median_h = len(signed[user_id]), _median(signed[user_id])
        row.tickets_served, row.ticket_median_min = len(served[user_id]), _median(served[user_id])
        row.complaints_answered, row.complaint_median_d = len(answered[user_id]), _median(answered[user_id])
    # Officials without an account are shown too, with nothing counted: the kades sees who
    # could not be measured (no sign-in of their own) rather than a silent gap.
    return [by_user[o.user_id] if o.user_id else Performance(o) for o in officials]
