"""Kiosk use per village per month, for the regency's view and its monthly snapshots (issue 23
item 5): sign-ins, letters asked and self-served at the kiosk, complaints filed there, help
calls. Four grouped queries for any number of villages; the regency module calls
`kiosk_use(villages=..., year=..., month=...)` when it takes its snapshot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from balai.audit.models import AuditEvent
from balai.desk.models import Complaint
from balai.kiosk.models import HelpCall
from balai.letters.models import Letter
from balai.regions.models import Village


@dataclass
class KioskUse:
    sign_ins: int = 0
    letters_requested: int = 0
    letters_self_served: int = 0
    complaints: int = 0
    help_calls: int = 0


def _month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def kiosk_use(*, villages: Iterable[Village], year: int, month: int) -> dict[int, KioskUse]:
    ids = [v.pk for v in villages]
    start, end = _month_bounds(year, month)
    result = {pk: KioskUse() for pk in ids}
    for row in (
        AuditEvent.objects.filter(
            village_id__in=ids, action="kiosk.sign_in", occurred_at__gte=start, occurred_at__lt=end
        )
        .values("village_id")
        .annotate(n=Count("id"))
    ):
        result[row["village_id"]].sign_ins = row["n"]
    for row in (
        Letter.objects.filter(
            village_id__in=ids, channel=Letter.Channel.KIOSK, created_at__gte=start, created_at__lt=end
        )
        .values("village_id")
        .annotate(
            n=Count("id"),
            # Issued with nobody's account signing: the kiosk's own issue (or the RT's pengantar).
            self_served=Count("id", filter=Q(state__in=("issued", "handed_over"), signed_by__isnull=True)),
        )
    ):
        result[row["village_id"]].letters_requested = row["n"]
        result[row["village_id"]].letters_self_served = row["self_served"]
    for row in (
        Complaint.objects.filter(
            village_id__in=ids, source=Complaint.Source.KIOSK, created_at__gte=start, created_at__lt=end
        )
        .values("village_id")
        .annotate(n=Count("id"))
    ):
        result[row["village_id"]].complaints = row["n"]
    for row in (
        HelpCall.objects.filter(village_id__in=ids, created_at__gte=start, created_at__lt=end)
        .values("village_id")
        .annotate(n=Count("id"))
    ):
        result[row["village_id"]].help_calls = row["n"]
    return result
