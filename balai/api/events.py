"""Life events (peristiwa): the log that moves the registry, and the writes that add to it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from balai.accounts.api_auth import actor, village_for
from balai.api.residents import bad_cursor, family_ref, resident_ref, rt_ref
from balai.api.schemas import (
    STATUS_EVENT_KINDS,
    BirthIn,
    EventOut,
    EventPage,
    MoveInIn,
    MoveOutIn,
    ResidentOut,
    StatusEventIn,
    resident_data,
)
from balai.people import services
from balai.people.consequences import life_event_cancel
from balai.people.models import LifeEvent, Resident
from balai.people.selectors import life_event_list, life_event_page, resident_get
from balai.regions.models import Village
from balai.regions.selectors import village_list

router = Router(tags=["events"])


class EventListQuery(Schema):
    kind: LifeEvent.Kind | None = Field(None, description="Jenis peristiwa (1 lahir, 2 mati, …).")
    cursor: str | None = Field(None, description="next_cursor dari halaman sebelumnya")
    limit: int = Field(50, ge=1, le=100)


@router.get("", response=EventPage, summary="Peristiwa di desa ini, terbaru dahulu")
def event_list(request: HttpRequest, query: Query[EventListQuery]) -> dict[str, Any]:
    village = village_for(request, "registry.read")
    if query.cursor and not life_event_list(village=village).filter(public_id=query.cursor).exists():
        raise bad_cursor()
    page = life_event_page(village=village, kind=query.kind, after=query.cursor, limit=query.limit)
    prefetch_related_objects(page.items, "family")
    return {"items": page.items, "next_cursor": page.next_id}


@router.post("/births", response={201: ResidentOut}, summary="Catat kelahiran: penduduk baru dalam keluarga")
def birth_create(request: HttpRequest, payload: BirthIn) -> Status[Resident]:  # type: ignore[valid-type]
    village = village_for(request, "registry.write")
    body: Any = payload
    family = family_ref(village, body.family)
    assert family is not None
    child = services.birth_record(
        actor=actor(request), family=family, data=resident_data(body), accept_warnings=body.accept_warnings
    )
    return Status(201, resident_get(village=village, public_id=child.public_id))


@router.post("/status", response={201: EventOut}, summary="Catat kematian, hilang atau pergi")
def status_event_create(request: HttpRequest, payload: StatusEventIn) -> Status[LifeEvent]:
    village = village_for(request, "registry.write")
    resident = resident_ref(village, payload.resident)
    event = services.status_event_record(
        actor=actor(request),
        resident=resident,
        kind=STATUS_EVENT_KINDS[payload.kind],
        event_date=payload.event_date,
        note=payload.note,
    )
    return Status(201, event)


def _destination(code: str | None) -> Village | None:
    if not code:
        return None
    try:
        return village_list().get(code=code)
    except Village.DoesNotExist:
        raise ValidationError(
            {"destination_village": [_("Kode desa tujuan tidak dikenal di kabupaten ini.")]}
        )


@router.post(
    "/move-out", response={201: list[EventOut]}, summary="Catat pindah keluar (satu atau beberapa penduduk)"
)
def move_out_create(request: HttpRequest, payload: MoveOutIn) -> Status[list[LifeEvent]]:
    village = village_for(request, "registry.write")
    residents = [resident_ref(village, pid, field="residents") for pid in dict.fromkeys(payload.residents)]
    events = services.move_out_record(
        actor=actor(request),
        residents=residents,
        event_date=payload.event_date,
        destination_village=_destination(payload.destination_village),
        destination=payload.destination,
        move_type=payload.move_type,
        note=payload.note,
    )
    return Status(201, events)


@router.post("/move-in", response={201: ResidentOut}, summary="Catat pindah masuk dari luar kabupaten")
def move_in_create(request: HttpRequest, payload: MoveInIn) -> Status[Resident]:  # type: ignore[valid-type]
    village = village_for(request, "registry.write")
    body: Any = payload
    resident = services.move_in_record(
        actor=actor(request),
        village=village,
        data=resident_data(body),
        family=family_ref(village, body.family),
        rt=rt_ref(village, body.rt),
        event_date=body.event_date,
        origin=body.origin,
        accept_warnings=body.accept_warnings,
    )
    return Status(201, resident_get(village=village, public_id=resident.public_id))


class CancelIn(Schema):
    reason: str


@router.post(
    "/{public_id}/cancel", response=EventOut, summary="Batalkan peristiwa yang salah dicatat (dengan alasan)"
)
def event_cancel(request: HttpRequest, public_id: str, payload: CancelIn) -> LifeEvent:
    village = village_for(request, "registry.write")
    event = life_event_list(village=village).get(public_id=public_id)
    return life_event_cancel(actor=actor(request), event=event, reason=payload.reason)


# Last: Django tries routes in order, and "births" etc. would match {public_id}.
@router.get("/{public_id}", response=EventOut, summary="Satu peristiwa")
def event_detail(request: HttpRequest, public_id: str) -> LifeEvent:
    village = village_for(request, "registry.read")
    return life_event_list(village=village).get(public_id=public_id)
