"""Kiosk use per village per month, for the regency's view and its monthly snapshots (issue 23
item 5): sign-ins, letters asked and self-served at the kiosk, complaints filed there, help
calls. One grouped query per figure for any number of villages; the monthly snapshot takes them
through `kiosk/snapshot_figures.py` (the regency never imports the kiosk)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from balai.audit.models import AuditEvent
from balai.core.dates import Month
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


def sign_ins(*, village_ids: list[int], year: int, month: int) -> dict[int, int]:
    start, end = _month_bounds(year, month)
    rows = (
        AuditEvent.objects.filter(
            village_id__in=village_ids, action="kiosk.sign_in", occurred_at__gte=start, occurred_at__lt=end
        )
        .order_by()
        .values("village_id")
        .annotate(n=Count("id"))
    )
    return {r["village_id"]: r["n"] for r in rows}


def letters(*, village_ids: list[int], year: int, month: int) -> dict[int, tuple[int, int]]:
    """(asked, self-served) letters of the kiosk channel, by the month they were asked."""
    start, end = _month_bounds(year, month)
    rows = (
        Letter.objects.filter(
            village_id__in=village_ids,
            channel=Letter.Channel.KIOSK,
            created_at__gte=start,
            created_at__lt=end,
        )
        .order_by()
        .values("village_id")
        .annotate(
            n=Count("id"),
            # Issued with nobody's account signing: the kiosk's own issue (or the RT's pengantar).
            self_served=Count("id", filter=Q(state__in=("issued", "handed_over"), signed_by__isnull=True)),
        )
    )
    return {r["village_id"]: (r["n"], r["self_served"]) for r in rows}


def complaints(*, village_ids: list[int], year: int, month: int) -> dict[int, int]:
    start, end = _month_bounds(year, month)
    rows = (
        Complaint.objects.filter(
            village_id__in=village_ids,
            source=Complaint.Source.KIOSK,
            created_at__gte=start,
            created_at__lt=end,
        )
        .order_by()
        .values("village_id")
        .annotate(n=Count("id"))
    )
    return {r["village_id"]: r["n"] for r in rows}


def help_calls(*, village_ids: list[int], year: int, month: int) -> dict[int, int]:
    start, end = _month_bounds(year, month)
    rows = (
        HelpCall.objects.filter(village_id__in=village_ids, created_at__gte=start, created_at__lt=end)
        .order_by()
        .values("village_id")
        .annotate(n=Count("id"))
    )
    return {r["village_id"]: r["n"] for r in rows}


# --- Many months at once (the regency demo's estimated history) ------------------------------
#
# The same counts as above for every month of `months`, one grouped query per figure (village ×
# month bucket, the bucket from the same bounds), so they equal the month-by-month counts.


def _bucketed(qs: QuerySet[Any], field: str, months: list[Month], **counts: Any) -> list[dict[str, Any]]:
    bounds = [_month_bounds(m.year, m.month) for m in months]
    bucket = Case(
        *(
            When(Q(**{f"{field}__gte": s, f"{field}__lt": e}), then=Value(i))
            for i, (s, e) in enumerate(bounds)
        ),
        default=None,
        output_field=IntegerField(),
    )
    rows = (
        qs.filter(**{f"{field}__gte": min(s for s, _ in bounds), f"{field}__lt": max(e for _, e in bounds)})
        .order_by()
        .annotate(bucket=bucket)
        .values("village_id", "bucket")
        .annotate(**counts)
    )
    return [r for r in rows if r["bucket"] is not None]


def sign_ins_by_month(*, village_ids: list[int], months: list[Month]) -> dict[tuple[int, Month], int]:
    qs = AuditEvent.objects.filter(village_id__in=village_ids, action="kiosk.sign_in")
    return {
        (r["village_id"], months[r["bucket"]]): r["n"]
        for r in _bucketed(qs, "occurred_at", months, n=Count("id"))
    }


def letters_self_served_by_month(
    *, village_ids: list[int], months: list[Month]
) -> dict[tuple[int, Month], int]:
    qs = Letter.objects.filter(village_id__in=village_ids, channel=Letter.Channel.KIOSK)
    served = Count("id", filter=Q(state__in=("issued", "handed_over"), signed_by__isnull=True))
    return {
        (r["village_id"], months[r["bucket"]]): r["n"] for r in _bucketed(qs, "created_at", months, n=served)
    }


def complaints_by_month(*, village_ids: list[int], months: list[Month]) -> dict[tuple[int, Month], int]:
    qs = Complaint.objects.filter(village_id__in=village_ids, source=Complaint.Source.KIOSK)
    return {
        (r["village_id"], months[r["bucket"]]): r["n"]
        for r in _bucketed(qs, "created_at", months, n=Count("id"))
    }


def kiosk_use(*, villages: Iterable[Village], year: int, month: int) -> dict[int, KioskUse]:
    ids = [v.pk for v in villages]
    result = {pk: KioskUse() for pk in ids}
    for pk, n in sign_ins(village_ids=ids, year=year, month=month).items():
        result[pk].sign_ins = n
    for pk, (asked, served) in letters(village_ids=ids, year=year, month=month).items():
        result[pk].letters_requested, result[pk].letters_self_served = asked, served
    for pk, n in complaints(village_ids=ids, year=year, month=month).items():
        result[pk].complaints = n
    for pk, n in help_calls(village_ids=ids, year=year, month=month).items():
        result[pk].help_calls = n
    return result
