"""Reads of the audit trail: who read a record, and who read what in a time window.

A read is an event (action in READ_ACTIONS) and one `RecordRead` row per record it showed:
a record's page is an event of one record, a page of a list, search or family an event of
up to 50 (`audit_record_read`). A record's reads are found through `RecordRead`'s
(object_id, event) primary key, the rows of a window through its (event, object_id) index."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connections
from django.db.models import BigIntegerField, F, Func, IntegerField, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Coalesce

from balai.audit.models import AuditEvent, RecordRead

READ_ACTIONS = ("resident.viewed",)


def _events_reading(object_id: str) -> QuerySet[RecordRead, Any]:
    return RecordRead.objects.filter(object_id=object_id).values("event_id")


def reads_of(*, village_id: int, object_type: str, object_id: str, limit: int = 100) -> list[AuditEvent]:
    """Staff reads of one record, newest first (the resident's own kiosk sessions excluded:
    they have no actor): its events through the read index (every event there is a read; the
    action is left out so that no plan walks the village's reads on the action's index)."""
    rows = (
        AuditEvent.objects.filter(
            pk__in=_events_reading(object_id), object_type=object_type, village_id=village_id
        )
        .exclude(actor__isnull=True)
        .select_related("actor")
        .order_by("-occurred_at", "-pk")[:limit]
    )
    return list(rows)


def reads_between(
    *,
    start: dt.datetime,
    end: dt.datetime,
    village_ids: list[int] | None = None,
    actor_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
) -> QuerySet[AuditEvent]:
    """The read events between `start` and `end` (the regency's question under UU 27/2022),
    newest first, on the (action, occurred_at) index; by one officer on the actor index; those
    that showed one record through the read index. An event may have shown many records:
    `read_records` has one row per record."""
    rows = AuditEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    if object_id:
        # The record's events off the read index (every event there is a read). With the
        # action too, SQLite walked the window's every read on the (action, time) index.
        rows = rows.filter(pk__in=_events_reading(object_id), object_type=object_type)
    else:
        rows = rows.filter(action__in=READ_ACTIONS)
    if village_ids is not None:
        rows = rows.filter(village_id__in=village_ids)
    if actor_id is not None:
        rows = rows.filter(actor_id=actor_id)
    return rows.select_related("actor", "village").order_by("-occurred_at", "-pk")


def read_records(
    *,
    start: dt.datetime,
    end: dt.datetime,
    village_ids: list[int] | None = None,
    actor_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
) -> QuerySet[RecordRead]:
    """`reads_between` as one row per record read (a list page's event is 50 of them), newest
    first; within one event by record id."""
    rows = RecordRead.objects.filter(
        event__action__in=READ_ACTIONS, event__occurred_at__gte=start, event__occurred_at__lt=end
    )
    if village_ids is not None:
        rows = rows.filter(event__village_id__in=village_ids)
    if actor_id is not None:
        rows = rows.filter(event__actor_id=actor_id)
    if object_id:
        rows = rows.filter(object_id=object_id, event__object_type=object_type)
    # The events' own id, not the read row's copy of it (which Django puts for "event_id"):
    # the (action, occurred_at, id) index then gives the order and each event's rows follow in
    # their index's order; with the copy, SQLite sorted every row of the window again (a deep
    # page of 500,000 reads took ~5x longer).
    alias = next(
        a for a, join in rows.query.alias_map.items() if join.table_name == AuditEvent._meta.db_table
    )
    quote = connections[rows.db].ops.quote_name
    event_id = RawSQL(f"{quote(alias)}.{quote('id')}", [], output_field=BigIntegerField())
    return rows.order_by(F("event__occurred_at").desc(), event_id.desc(), F("object_id").asc())


READ_ROW_FIELDS = ("at", "who", "village_id", "record", "purpose", "source")


def read_rows(**window: Any) -> QuerySet[Any, tuple[Any, ...]]:
    """`read_records(**window)` as the rows an officer reads (READ_ROW_FIELDS: time, who,
    village id, record, purpose, source), newest first. Tuples, no model instances, no join
    to villages (the caller names them: the trail sits below regions; a join doubled the page's
    count on SQLite) and the purpose taken out of the JSON by the database: the whole answer at
    a million residents is some 200,000 rows.

    Narrowed to one record, the rows are its read events (one row each), found from the read
    index first: joined the other way round, SQLite walked the window's every event."""
    from django.db.models import CharField, Value
    from django.db.models.fields.json import KeyTextTransform

    if window.get("object_id"):
        return reads_between(**window).values_list(
            "occurred_at",
            "actor_label",
            "village_id",
            Value(window["object_id"], output_field=CharField()),
            KeyTextTransform("purpose", "changes"),
            "source",
        )
    return read_records(**window).values_list(
        "event__occurred_at",
        "event__actor_label",
        "event__village_id",
        "object_id",
        KeyTextTransform("purpose", "event__changes"),
        "event__source",
    )


def _record_count(vendor: str) -> Coalesce:
    """How many records an event showed: its hashed list's length, 1 for an event of one
    record (which names it in object_id and has no list)."""
    if vendor == "postgresql":
        length = Func(
            KeyTransform("records", "changes"), function="jsonb_array_length", output_field=IntegerField()
        )
    else:
        length = Func(
            F("changes"), Value("$.records"), function="json_array_length", output_field=IntegerField()
        )
    return Coalesce(length, Value(1))


def read_rows_page(*, offset: int, limit: int, **window: Any) -> list[tuple[Any, ...]]:
    """Rows [offset, offset + limit) of `read_rows(**window)`.

    Deep in a window the page skips whole events by how many records each showed, then reads
    the rows of the few events it lands on: an OFFSET over the rows themselves made PostgreSQL
    join and sort the window's every row (page 5,786 of a regency's 30 days, 578,000 rows
    deep: ~1 s), where walking the events takes one index entry and a short list each."""
    if window.get("object_id") or offset == 0:
        return list(read_rows(**window)[offset : offset + limit])
    events = reads_between(**window).select_related(None)
    counted = events.values_list("pk", _record_count(connections[events.db].vendor))
    wanted: list[int] = []
    seen = skip = 0
    for pk, n in counted.iterator(chunk_size=2000):
        if not wanted and seen + n <= offset:
            seen += n
            continue
        if not wanted:
            skip = offset - seen
        wanted.append(pk)
        seen += n
        if seen >= offset + limit:
            break
    if not wanted:
        return []
    return list(read_rows(**window).filter(event__in=wanted)[skip : skip + limit])


def purpose_of(event: AuditEvent) -> Any:
    return (event.changes or {}).get("purpose", "")
