"""Reads of the front desk. Every selector takes the village."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.core.dates import Month
from balai.desk.models import (
    IKM_ELEMENTS,
    IKM_FIELDS,
    Complaint,
    Counter,
    GuestEntry,
    PrinterConfig,
    QueueCall,
    SatisfactionResponse,
    ServiceCategory,
    Ticket,
)
from balai.desk.services import normalize_tracking
from balai.regions.models import Village


def category_list(*, village: Village, active_only: bool = False) -> QuerySet[ServiceCategory]:
    qs = ServiceCategory.objects.filter(village=village)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("order", "code", "pk")


def category_get(*, village: Village, public_id: str) -> ServiceCategory:
    """Raises DoesNotExist for another village's category, exactly as for none."""
    return ServiceCategory.objects.filter(village=village).get(public_id=public_id)


def counter_list(*, village: Village, active_only: bool = False) -> QuerySet[Counter]:
    qs = Counter.objects.filter(village=village).prefetch_related("categories")
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("order", "name", "pk")


def counter_get(*, village: Village, public_id: str) -> Counter:
    return Counter.objects.filter(village=village).get(public_id=public_id)


def ticket_get(*, village: Village, public_id: str) -> Ticket:
    return Ticket.objects.select_related("category").filter(village=village).get(public_id=public_id)


def ticket_position(*, ticket: Ticket) -> int:
    """How many of the same day's tickets of its category wait before it."""
    if ticket.state != Ticket.State.WAITING:
        return 0
    return Ticket.objects.filter(
        village_id=ticket.village_id,
        day=ticket.day,
        category_id=ticket.category_id,
        state=Ticket.State.WAITING,
        created_at__lt=ticket.created_at,
    ).count()


# --- Queue status (kiosk home, calling display) ---------------------------------------------


@dataclass(frozen=True)
class CategoryStatus:
    name: str
    code: str
    waiting: int
    last_called: str

    # The names the kiosk home's queue partial uses.
    @property
    def label(self) -> str:
        return self.name

    @property
    def current(self) -> str:
        return self.last_called


@dataclass(frozen=True)
class CallRow:
    id: int
    number: str
    counter: str
    called_at: dt.datetime
    is_recall: bool


@dataclass(frozen=True)
class QueueStatus:
    categories: list[CategoryStatus]
    recent_calls: list[CallRow]

    @property
    def items(self) -> list[CategoryStatus]:
        return self.categories

    @property
    def waiting_total(self) -> int:
        return sum(c.waiting for c in self.categories)

    @property
    def latest(self) -> CallRow | None:
        return self.recent_calls[0] if self.recent_calls else None


def queue_status(*, village: Village, day: dt.date | None = None, calls: int = 6) -> QueueStatus:
    """Waiting counts per active category and the latest calls of the day; no personal data."""
    day = day or timezone.localdate()
    categories = list(category_list(village=village, active_only=True).values_list("pk", "name", "code"))
    stats = {
        row["category_id"]: row
        for row in Ticket.objects.filter(village=village, day=day)
        .values("category_id")
        .annotate(
            waiting=Count("pk", filter=Q(state=Ticket.State.WAITING)),
            last=Max(
                "number", filter=Q(state__in=[Ticket.State.CALLED, Ticket.State.DONE, Ticket.State.SKIPPED])
            ),
        )
    }
    rows = []
    for pk, name, code in categories:
        s = stats.get(pk, {})
        last = s.get("last")
        rows.append(CategoryStatus(name, code, s.get("waiting", 0), f"{code}-{last:03d}" if last else ""))
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    recent = [
        CallRow(*row)
        for row in QueueCall.objects.filter(
            village=village, called_at__gte=start, called_at__lt=start + dt.timedelta(days=1)
        )
        .order_by("-pk")
        .values_list("pk", "label", "counter_name", "called_at", "is_recall")[:calls]
    ]
    return QueueStatus(categories=rows, recent_calls=recent)


def counter_waiting(*, village: Village, counter: Counter, day: dt.date) -> int:
    served = [c.pk for c in counter.categories.all()]
    qs = Ticket.objects.filter(village=village, day=day, state=Ticket.State.WAITING, category__is_active=True)
    if served:
        qs = qs.filter(category_id__in=served)
    return qs.count()


def tickets_today(*, village: Village, day: dt.date, limit: int = 50) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(village=village, day=day)
        .select_related("category", "counter")
        .order_by("-created_at", "-pk")[:limit]
    )


# --- Complaints ----------------------------------------------------------------------------


# Not answered yet: the office home's task and the list's "Belum dijawab" filter.
COMPLAINT_OPEN = "belum-dijawab"
COMPLAINT_OPEN_STATES = (Complaint.State.RECEIVED, Complaint.State.IN_PROGRESS)


def complaint_list(*, village: Village, state: str = "") -> QuerySet[Complaint]:
    qs = Complaint.objects.filter(village=village)
    if state == COMPLAINT_OPEN:
        qs = qs.filter(state__in=COMPLAINT_OPEN_STATES)
    elif state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-pk")


def complaint_get(*, village: Village, public_id: str) -> Complaint:
    return Complaint.objects.filter(village=village).get(public_id=public_id)


def complaint_by_tracking(*, village: Village, number: str) -> Complaint | None:
    """The complaint with this tracking number in this village, or None (another village's: None)."""
    clean = normalize_tracking(number)
    if len(clean) != 10:
        return None
    return Complaint.objects.filter(village=village, tracking_number=clean).first()


def complaint_counts(*, village: Village) -> dict[str, int]:
    return dict(
        Complaint.objects.filter(village=village).values_list("state").annotate(n=Count("pk")).order_by()
    )


# --- Guest book ----------------------------------------------------------------------------


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    shown = Month(year, month)
    return (
        timezone.make_aware(dt.datetime.combine(shown.first, dt.time.min)),
        timezone.make_aware(dt.datetime.combine(shown.after, dt.time.min)),
    )


def guest_list(*, village: Village, year: int, month: int) -> QuerySet[GuestEntry]:
    start, end = month_bounds(year, month)
    return GuestEntry.objects.filter(village=village, visited_at__gte=start, visited_at__lt=end).order_by(
        "-visited_at", "-pk"
    )


# --- IKM report ----------------------------------------------------------------------------

# Permenpan-RB 14/2017 (Lampiran): index interval -> quality grade.
IKM_GRADES = [
    (88.31, "A", _("Sangat baik")),
    (76.61, "B", _("Baik")),
    (65.00, "C", _("Kurang baik")),
    (25.00, "D", _("Tidak baik")),
]


@dataclass
class ElementScore:
    code: str
    label: str
    nrr: float  # average perception value, 1–4

    @property
    def converted(self) -> float:
        return round(self.nrr * 25, 2)


@dataclass
class IkmReport:
    year: int
    month: int
    respondents: int
    elements: list[ElementScore] = field(default_factory=list)
    index: float | None = None  # IKM on the 25–100 scale
    grade: str = ""
    grade_label: str = ""
    by_service: list[tuple[str, int, float]] = field(default_factory=list)


def ikm_value(nrrs: list[float]) -> float:
    """IKM = Σ (NRR × 1/9) × 25: the weighted average perception on the 25–100 scale."""
    return round(sum(nrrs) / len(nrrs) * 25, 2)


def ikm_grade(index: float) -> tuple[str, str]:
    for floor, grade, label in IKM_GRADES:
        if index >= floor:
            return grade, str(label)
    return "D", str(IKM_GRADES[-1][2])


def ikm_report(*, village: Village, year: int, month: int) -> IkmReport:
    start, end = month_bounds(year, month)
    qs = SatisfactionResponse.objects.filter(village=village, created_at__gte=start, created_at__lt=end)
    agg = qs.aggregate(n=Count("pk"), **{f: Avg(f) for f in IKM_FIELDS})
    report = IkmReport(year=year, month=month, respondents=agg["n"])
    if not agg["n"]:
        return report
    report.elements = [
        ElementScore(code, str(label), round(float(agg[code]), 3)) for code, label, _q in IKM_ELEMENTS
    ]
    report.index = ikm_value([float(agg[f]) for f in IKM_FIELDS])
    report.grade, report.grade_label = ikm_grade(report.index)
    services = (
        qs.values("service").annotate(n=Count("pk"), **{f: Avg(f) for f in IKM_FIELDS}).order_by("service")
    )
    report.by_service = [
        (
            row["service"] or str(_("(tidak disebut)")),
            row["n"],
            ikm_value([float(row[f]) for f in IKM_FIELDS]),
        )
        for row in services
    ]
    return report


# --- Printers ------------------------------------------------------------------------------


def printer_list(*, village: Village) -> QuerySet[PrinterConfig]:
    return PrinterConfig.objects.filter(village=village).order_by("device_id")


def printer_for_device(*, village: Village, device_id: str) -> PrinterConfig | None:
    return PrinterConfig.objects.filter(village=village, device_id=device_id).first()


def printer_get(*, village: Village, public_id: str) -> PrinterConfig:
    return PrinterConfig.objects.filter(village=village).get(public_id=public_id)
