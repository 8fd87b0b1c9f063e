"""The front desk through the REST API (read-only): queue status, complaints, IKM, officials on duty.

Same selectors and village scoping as the UI (`desk.operate`); another village's complaint
answers 404 exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from balai.accounts.api_auth import village_for
from balai.core.dates import Period
from balai.desk import selectors
from balai.desk.models import Complaint
from balai.staff.selectors import officials_on_duty

router = Router(tags=["desk"])


class CategoryStatusOut(Schema):
    code: str
    name: str
    waiting: int
    last_called: str


class CallOut(Schema):
    number: str
    counter: str
    called_at: dt.datetime
    is_recall: bool


class QueueOut(Schema):
    day: dt.date
    waiting_total: int
    categories: list[CategoryStatusOut]
    recent_calls: list[CallOut]


class ComplaintOut(Schema):
    public_id: str
    tracking_number: str
    kind: str
    subject: str
    body: str
    source: str
    state: str
    response: str
    created_at: dt.datetime
    responded_at: dt.datetime | None


class ComplaintQuery(Schema):
    status: str = ""
    limit: int = 100


class ElementOut(Schema):
    code: str
    label: str
    nrr: float


class IkmOut(Schema):
    month: str
    running: bool = False
    data_until: dt.date | None = None
    respondents: int
    index: float | None
    grade: str
    elements: list[ElementOut]


class DutyOut(Schema):
    public_id: str
    name: str
    position: str
    status: str
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None


def _complaint(c: Complaint) -> dict[str, Any]:
    return {
        "public_id": c.public_id,
        "tracking_number": c.tracking_display,
        "kind": c.kind,
        "subject": c.subject,
        "body": c.body,
        "source": c.source,
        "state": c.state,
        "response": c.response,
        "created_at": c.created_at,
        "responded_at": c.responded_at,
    }


@router.get(
    "/queue", response=QueueOut, summary="Antrean hari ini: menunggu per layanan dan panggilan terakhir"
)
def queue(request: HttpRequest) -> dict[str, Any]:
    village = village_for(request, "desk.operate")
    day = timezone.localdate()
    status = selectors.queue_status(village=village, day=day, calls=20)
    return {
        "day": day,
        "waiting_total": status.waiting_total,
        "categories": [c.__dict__ for c in status.categories],
        "recent_calls": [c.__dict__ for c in status.recent_calls],
    }


@router.get("/complaints", response=list[ComplaintOut], summary="Pengaduan dan saran, terbaru dahulu")
def complaint_list(request: HttpRequest, query: Query[ComplaintQuery]) -> list[dict[str, Any]]:
    village = village_for(request, "desk.operate")
    state = query.status if query.status in Complaint.State.values else ""
    limit = max(1, min(query.limit, 500))
    return [_complaint(c) for c in selectors.complaint_list(village=village, state=state)[:limit]]


@router.get("/complaints/{public_id}", response=ComplaintOut, summary="Satu pengaduan")
def complaint_get(request: HttpRequest, public_id: str) -> dict[str, Any]:
    village = village_for(request, "desk.operate")
    return _complaint(selectors.complaint_get(village=village, public_id=public_id))


@router.get("/ikm", response=IkmOut, summary="IKM sebulan (Permenpan-RB 14/2017); bulan=YYYY-MM")
def ikm(request: HttpRequest, bulan: str = "") -> dict[str, Any]:
    village = village_for(request, "desk.operate")
    period = Period.choose(bulan, today=timezone.localdate())
    shown = period.month
    report = selectors.ikm_report(village=village, year=shown.year, month=shown.month)
    return {
        **period.as_api(),
        "respondents": report.respondents,
        "index": report.index,
        "grade": report.grade,
        "elements": [e.__dict__ for e in report.elements],
    }


@router.get("/on-duty", response=list[DutyOut], summary="Perangkat desa dan kehadirannya hari ini")
def on_duty(request: HttpRequest) -> list[dict[str, Any]]:
    village = village_for(request, "desk.operate")
    return [row.__dict__ for row in officials_on_duty(village=village)]
