"""The audit trail's tables. They keep their first names (core_auditchain, core_auditevent):
the models moved here from `balai.core` without touching the database."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models


class AuditChain(models.Model):
    """Head of one hash chain. One chain per village (NULL = deployment-wide events), so
    appends serialise per village only and a village's audit trail moves with its data."""

    # The village code, or "deployment": unique even where the database treats NULLs as distinct.
    key = models.CharField(max_length=16, unique=True)
    village = models.OneToOneField("regions.Village", null=True, blank=True, on_delete=models.PROTECT)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        db_table = "core_auditchain"


class AuditEvent(models.Model):
    """Append-only audit trail; each event's hash covers the previous event's hash."""

    chain = models.ForeignKey(AuditChain, on_delete=models.PROTECT, related_name="events")
    seq = models.BigIntegerField()
    village = models.ForeignKey(
        "regions.Village", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=64, blank=True, help_text="IP address or 'cli'/'api'")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        db_table = "core_auditevent"
        ordering = ["chain_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="auditevent_chain_seq_unique")]
        indexes = [
            # One record's reads newest first (the kiosk's "who read my data", the regency's
            # page narrowed to one resident): off the index, where SQLite otherwise walks the
            # whole window on the time index to spare itself a sort of a few rows.
            models.Index(fields=["object_type", "object_id", "occurred_at"], name="auditevent_object_at"),
            # "Who read what between t1 and t2" (audit.selectors.reads_between), in the page's
            # order (newest first, then id) straight off the index: without the id PostgreSQL
            # sorts the window, all of it on stale statistics (5 s a page at 200,000 reads).
            models.Index(fields=["action", "occurred_at", "id"], name="auditevent_action_at_id"),
        ]

    def payload(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "village": self.village_id,
            "occurred_at": self.occurred_at.isoformat(),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "changes": self.changes,
            "source": self.source,
        }

    def compute_hash(self) -> str:
        return event_hash(self.prev_hash, self.payload())

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Audit events are append-only.")


class RecordRead(models.Model):
    """One record that a read event showed: the index a record's reads are found by (the
    kiosk's "who read my data", the regency's reads narrowed to one resident).

    A list, search or family page is one event whose hashed `changes["records"]` names every
    record it showed (`audit_record_read`), and one narrow row here per record. Before, the page
    wrote one full event per record (50 a page): each a wide row in six indexes of a hash-chained
    table, its own hash, and a random leaf of the (object_type, object_id) index — ~3 ms of CPU
    and ~70 WAL pages a list page. The rows here are rebuilt from, and checked against, the
    events they index (`audit_verify`), so the chain still proves what was read."""

    # The record first: the primary key is the index a record's reads are found by, and no
    # surrogate id is written (a sequence and one more index entry per row; on SQLite the table
    # is WITHOUT ROWID, see migration 0004, so the row is that index's entry and nothing more).
    pk = models.CompositePrimaryKey("object_id", "event")
    object_id = models.CharField(max_length=64)
    # No database constraint: the PostgreSQL check would be one trigger run per row (50 a page),
    # and the event is written in the same transaction by the same service and never deleted.
    event = models.ForeignKey(
        AuditEvent, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )

    class Meta:
        db_table = "audit_recordread"
        indexes = [
            # A window's events expanded to one row per record, off the index alone.
            models.Index(fields=["event", "object_id"], name="recordread_event_object"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("Audit read rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Audit read rows are append-only.")


def event_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    """The chain's hash of one event: SHA-256 of the previous hash and the event's payload
    (`AuditEvent.payload`) as sorted, compact JSON."""
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()
