"""Reads of the audit trail: who read a record, and who read what in a time window."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from balai.audit.models import AuditEvent

READ_ACTIONS = ("resident.viewed",)


def reads_of(*, village_id: int, object_type: str, object_id: str, limit: int = 100) -> list[AuditEvent]:
    """Staff reads of one record, newest first (the resident's own kiosk sessions excluded:
    they have no actor). Uses the (object_type, object_id) index."""
    rows = (
        AuditEvent.objects.filter(
            object_type=object_type, object_id=object_id, village_id=village_id, action__in=READ_ACTIONS
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
    """Who read what between `start` and `end` (the regency's question under UU 27/2022),
    newest first, on the (action, occurred_at) index; by one officer on the actor index, of
    one record on the (object_type, object_id) index."""
    rows = AuditEvent.objects.filter(action__in=READ_ACTIONS, occurred_at__gte=start, occurred_at__lt=end)
    if village_ids is not None:
        rows = rows.filter(village_id__in=village_ids)
    if actor_id is not None:
        rows = rows.filter(actor_id=actor_id)
    if object_id:
        rows = rows.filter(object_type=object_type, object_id=object_id)
    return rows.select_related("actor", "village").order_by("-occurred_at", "-pk")


def purpose_of(event: AuditEvent) -> Any:
    return (event.changes or {}).get("purpose", "")
