"""Audit trail: append-only events chained by SHA-256, one chain per village.

Services call `audit_record` (or `audit_record_many` for bulk work) explicitly; nothing
here is triggered by signals. The request's source address reaches services through a
context variable set by `AuditSourceMiddleware`, so service signatures stay small.
"""

from __future__ import annotations

import contextvars
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from balai.core.models import AuditChain, AuditEvent

if TYPE_CHECKING:
    from balai.accounts.models import User
    from balai.regions.models import Village

_source: contextvars.ContextVar[str] = contextvars.ContextVar("audit_source", default="")


def current_source() -> str:
    return _source.get()


@contextmanager
def audit_source(source: str) -> Iterator[None]:
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


@dataclass
class PendingEvent:
    action: str
    object_type: str = ""
    object_id: str = ""
    changes: dict[str, Any] = field(default_factory=dict)


def _jsonable(value: dict[str, Any]) -> dict[str, Any]:
    # Dates and decimals become strings now, so the stored JSON hashes the same on re-read.
    result: dict[str, Any] = json.loads(json.dumps(value, default=str))
    return result


def _locked_chain(village: Village | None) -> AuditChain:
    key = village.code if village is not None else "deployment"
    qs = AuditChain.objects.select_for_update()
    chain = qs.filter(key=key).first()
    if chain is None:
        try:
            with transaction.atomic():
                AuditChain.objects.create(key=key, village=village)
        except IntegrityError:
            pass  # created concurrently; lock the winner's row below
        chain = qs.get(key=key)
    return chain


@transaction.atomic
def audit_record_many(
    *,
    actor: User | None,
    village: Village | None,
    events: Iterable[PendingEvent],
    source: str | None = None,
) -> int:
    chain = _locked_chain(village)
    now = timezone.now()
    src = current_source() if source is None else source
    label = actor.get_username() if actor is not None else "system"
    rows = []
    seq, prev = chain.last_seq, chain.last_hash
    for pending in events:
        seq += 1
        event = AuditEvent(
            chain=chain,
            seq=seq,
            village=village,
            occurred_at=now,
            actor=actor,
            actor_label=label,
            action=pending.action,
            object_type=pending.object_type,
            object_id=str(pending.object_id),
            changes=_jsonable(pending.changes),
            source=src,
            prev_hash=prev,
        )
        event.hash = event.compute_hash()
        prev = event.hash
        rows.append(event)
    if not rows:
        return 0
    AuditEvent.objects.bulk_create(rows, batch_size=2000)
    AuditChain.objects.filter(pk=chain.pk).update(last_seq=seq, last_hash=prev)
    return len(rows)


def audit_record(
    *,
    actor: User | None,
    village: Village | None,
    action: str,
    object_type: str = "",
    object_id: object = "",
    changes: dict[str, Any] | None = None,
    source: str | None = None,
) -> None:
    audit_record_many(
        actor=actor,
        village=village,
        source=source,
        events=[PendingEvent(action, object_type, str(object_id), changes or {})],
    )


@dataclass
class ChainProblem:
    chain_id: int
    village_id: int | None
    seq: int
    message: str


def audit_verify() -> tuple[int, list[ChainProblem]]:
    """Recompute every chain; report broken links, altered events and gaps."""
    problems: list[ChainProblem] = []
    checked = 0
    for chain in AuditChain.objects.order_by("pk"):
        prev, expected_seq = "0" * 64, 0
        events = AuditEvent.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=5000)
        for event in events:
            checked += 1
            expected_seq += 1
            if event.seq != expected_seq:
                problems.append(
                    ChainProblem(chain.pk, chain.village_id, event.seq, f"missing seq {expected_seq}")
                )
                expected_seq = event.seq
            if event.prev_hash != prev:
                problems.append(
                    ChainProblem(chain.pk, chain.village_id, event.seq, "link to previous broken")
                )
            if event.compute_hash() != event.hash:
                problems.append(ChainProblem(chain.pk, chain.village_id, event.seq, "content altered"))
            prev = event.hash
        if expected_seq != chain.last_seq or prev != chain.last_hash:
            problems.append(
                ChainProblem(chain.pk, chain.village_id, chain.last_seq, "chain truncated at head")
            )
    return checked, problems
