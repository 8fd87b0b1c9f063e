"""Audit trail: append-only events chained by SHA-256, one chain per village.

Services call `audit_record` (or `audit_record_many` for bulk work) explicitly; nothing
here is triggered by signals. The request's source address reaches services through a
context variable set by `AuditSourceMiddleware`, so service signatures stay small.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from balai.audit.models import AuditChain, AuditEvent, RecordRead
from balai.audit.selectors import READ_ACTIONS

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class VillageLike(Protocol):
    """What the trail needs of a village (`balai.regions.models.Village`, a layer above)."""

    @property
    def pk(self) -> Any: ...

    @property
    def code(self) -> str: ...


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


_encode = json.encoder.encode_basestring_ascii
_dumps_sorted = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str).encode


class _HashedBatch:
    """`event_hash` of a batch's events, without building and serialising each payload.

    A list page records 50 read events that differ only in sequence number and resident id;
    serialising each whole payload (and its `changes` twice more) was most of the page's
    audit cost. The body is spelled field by field in the sorted, compact form `event_hash`
    gives the payload, so the hash is the same (tests/test_audit* compares the two).
    """

    def __init__(self, *, village_id: Any, occurred_at: str, actor_id: Any, label: str, source: str) -> None:
        self.actor = _dumps_sorted(actor_id)
        self.label = _encode(label)
        self.occurred_at = _encode(occurred_at)
        self.source = _encode(source)
        self.village = _dumps_sorted(village_id)
        # id(changes) -> (the caller's dict, kept so its id is not reused; its JSON-able copy; JSON)
        self._changes: dict[int, tuple[dict[str, Any], dict[str, Any], str]] = {}

    def changes(self, given: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """The JSON-able copy of `changes` and its sorted JSON, once per distinct dict: events
        sharing one dict share the copy, so the INSERT converts it once too."""
        known = self._changes.get(id(given))
        if known is None:
            copy = _jsonable(given)
            known = (given, copy, _dumps_sorted(copy))
            self._changes[id(given)] = known
        return known[1], known[2]

    def digest(
        self, prev: str, seq: int, action: str, object_type: str, object_id: str, changes_json: str
    ) -> str:
        body = (
            f'{{"action":{_encode(action)},"actor":{self.actor},"actor_label":{self.label},'
            f'"changes":{changes_json},"object_id":{_encode(object_id)},'
            f'"object_type":{_encode(object_type)},"occurred_at":{self.occurred_at},'
            f'"seq":{int(seq)},"source":{self.source},"village":{self.village}}}'
        )
        return hashlib.sha256((prev + body).encode()).hexdigest()


def _db() -> Any:
    """The default connection itself: the module-level proxy looks it up again (asgiref's
    local storage) on every attribute, ~40 times an event."""
    return connections[DEFAULT_DB_ALIAS]


def _locked_chain(village: VillageLike | None, *, relaxed: bool = False) -> tuple[int, int, str]:
    """Lock the village's chain row; its id, last sequence number and last hash. `relaxed`
    (PostgreSQL): the transaction commits without waiting for its WAL to reach the disk, set
    in the same statement (see `audit_record_read`)."""
    db = _db()
    key = village.code if village is not None else "deployment"
    q = db.ops.quote_name
    lock = " FOR UPDATE" if db.features.has_select_for_update else ""
    relax = ", set_config('synchronous_commit', 'off', true)" if relaxed and db.vendor == "postgresql" else ""
    sql = (
        f"SELECT {q('id')}, {q('last_seq')}, {q('last_hash')}{relax} FROM {q(AuditChain._meta.db_table)} "
        f"WHERE {q('key')} = %s{lock}"
    )
    with db.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
        if row is None:
            try:
                with transaction.atomic():
                    AuditChain.objects.create(key=key, village_id=village.pk if village is not None else None)
            except IntegrityError:
                pass  # created concurrently; lock the winner's row below
            cursor.execute(sql, [key])
            row = cursor.fetchone()
    return int(row[0]), int(row[1]), str(row[2])


# Events are written with plain SQL and without model instances: they are the most frequent
# write of the system (every change and every read of a record; a list page logs 50), and the
# ORM's query building cost ~3 ms of CPU an event against ~0.5 ms with instances and plain SQL,
# and ~0.05 ms with tuples. Values still go through each field's own conversion.
_EVENT_FIELDS = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
_BATCH = 500


def _converter(f: Any) -> Any:
    """The field's conversion for the INSERT; text and integers, already of their type, pass
    as they are (what `get_db_prep_save` would return for them)."""
    db = _db()
    prep = f.get_db_prep_save
    kind = f.get_internal_type()
    plain = str if kind in ("CharField", "TextField") else int if kind.endswith("IntegerField") else None
    if plain is None:
        return lambda value: prep(value, db)
    return lambda value: value if type(value) is plain else prep(value, db)


def _head_update() -> str:
    db = _db()
    q = db.ops.quote_name
    return (
        f"UPDATE {q(AuditChain._meta.db_table)} SET {q('last_seq')} = %s, {q('last_hash')} = %s "
        f"WHERE {q('id')} = %s"
    )


# The event table's quoted name and column list, per connection.
_NAMES: dict[str, tuple[str, str]] = {}


def _insert_events(rows: list[dict[str, Any]], head: list[Any], *, reads: list[str] | None = None) -> None:
    """Rows as {attname: value}; a column whose value is the same in every row is converted once.
    With `reads` (one event only), the event's `RecordRead` rows too. Then the chain's new head
    (`head`: last seq, last hash, chain id), on PostgreSQL in the last INSERT's statement."""
    db = _db()
    if reads is not None and len(rows) != 1:
        raise ValueError("reads: one event only")
    names = _NAMES.get(db.alias)
    if names is None:
        quote = db.ops.quote_name
        names = _NAMES[db.alias] = (
            ", ".join(quote(f.column) for f in _EVENT_FIELDS),
            quote(AuditEvent._meta.db_table),
        )
    columns, table = names
    one = "(" + ", ".join(["%s"] * len(_EVENT_FIELDS)) + ")"
    with db.cursor() as cursor:
        for start in range(0, len(rows), _BATCH):
            batch = rows[start : start + _BATCH]
            # Column by column (a list page's 50 events share all but four of them), then
            # row by row again for the VALUES list, with C-level zips.
            converted = []
            shared: list[bool] = []
            for f in _EVENT_FIELDS:
                values = [row[f.attname] for row in batch]
                # The same object in every row (equal is not enough: {"a": 1} == {"a": True}).
                same = len(set(map(id, values))) == 1
                shared.append(same)
                if same:
                    converted.append([f.get_db_prep_save(values[0], db)] * len(values))
                else:
                    convert = _converter(f)
                    converted.append([convert(v) for v in values])
            if db.vendor == "postgresql":
                last = start + _BATCH >= len(rows)
                _insert_postgresql(
                    cursor, table, columns, converted, shared, reads=reads, head=head if last else None
                )
                continue
            params = [value for row in zip(*converted, strict=True) for value in row]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(batch))}", params)
            if reads is not None:
                _insert_reads_sqlite(cursor, int(cursor.lastrowid), reads)
        if db.vendor != "postgresql":
            cursor.execute(_head_update(), head)


def _insert_reads_sqlite(cursor: Any, event_id: int, ids: list[str]) -> None:
    db = _db()
    quote = db.ops.quote_name
    table = quote(RecordRead._meta.db_table)
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        cursor.execute(
            f"INSERT INTO {table} ({quote('event_id')}, {quote('object_id')}) "
            f"VALUES {', '.join(['(%s, %s)'] * len(batch))}",
            [value for object_id in batch for value in (event_id, object_id)],
        )


_SEPARATOR = "\x1f"  # ASCII unit separator: in no record id (checked, else an array is sent)
# Each event column's SQL type, per connection (Field.db_type costs ~15 µs a call).
_KINDS: dict[str, list[str]] = {}


def _insert_postgresql(
    cursor: Any,
    table: str,
    columns: str,
    converted: list[list[Any]],
    shared: list[bool],
    *,
    reads: list[str] | None = None,
    head: list[Any] | None = None,
) -> None:
    """The batch as one INSERT … SELECT: a column shared by every row is one parameter, the
    others one array each (unnest). The statement stays short enough for psycopg to convert it
    once and keep it (a VALUES list of 50 rows was parsed again on every page), and the client
    quotes four arrays instead of 650 values."""
    db = _db()
    select, params, arrays, names = [], [], [], []
    kinds = _KINDS.get(db.alias)
    if kinds is None:
        kinds = _KINDS[db.alias] = [str(f.db_type(db)) for f in _EVENT_FIELDS]
    for i, (kind, values, same) in enumerate(zip(kinds, converted, shared, strict=True)):
        if same:
            select.append(f"%s::{kind}")
            params.append(values[0])
        else:
            select.append(f"u.c{i}")
            names.append(f"c{i}")
            arrays.append((f"%s::{kind}[]", values))
    params += [values for _sql, values in arrays]
    # One event: every column is "shared", and the row is a SELECT of parameters alone.
    source = (
        f" FROM unnest({', '.join(sql for sql, _v in arrays)}) AS u({', '.join(names)})" if arrays else ""
    )
    insert = f"INSERT INTO {table} ({columns}) SELECT {', '.join(select)}{source}"
    # The event, its read rows and the chain's new head in one statement: one round trip (each
    # was ~0.1 ms of the worker's CPU in psycopg) and one short SQL that psycopg keeps prepared.
    quote = db.ops.quote_name
    parts = []
    if reads is not None:
        insert += f" RETURNING {quote('id')}"
        # The ids as one text split by the server: psycopg quoted a 50-item array item by item.
        joined = _SEPARATOR.join(reads)
        split = joined.count(_SEPARATOR) == len(reads) - 1
        parts.append(
            f"r AS (INSERT INTO {quote(RecordRead._meta.db_table)} ({quote('event_id')}, {quote('object_id')}) "
            f"SELECT e.id, u FROM e, unnest({'string_to_array(%s, %s)' if split else '%s::varchar[]'}) AS u)"
        )
        params += [joined, _SEPARATOR] if split else [reads]
    if head is None:
        if parts:
            cursor.execute(f"WITH e AS ({insert}), {', '.join(parts)} SELECT 1", params)
        else:
            cursor.execute(insert, params)
        return
    cursor.execute(f"WITH {', '.join([f'e AS ({insert})', *parts])} {_head_update()}", [*params, *head])


def audit_record_many(
    *,
    actor: AbstractBaseUser | None,
    village: VillageLike | None,
    events: Iterable[PendingEvent],
    source: str | None = None,
) -> int:
    events = list(events)
    if any(e.action in READ_ACTIONS for e in events):
        # A read without its rows in the read index would be missing from "who read my data".
        raise ValueError("read events are recorded by audit_record_read")
    # No savepoint: an audit failure must abort the caller's whole change anyway, and two
    # savepoint statements per event were a tenth of a letter's queries.
    with transaction.atomic(savepoint=False):
        return _append(actor=actor, village=village, events=events, source=source)


def _append(
    *,
    actor: AbstractBaseUser | None,
    village: VillageLike | None,
    events: Iterable[PendingEvent],
    source: str | None,
    reads: list[str] | None = None,
    relaxed: bool = False,
) -> int:
    """Append the events to the village's chain (with `reads`, one event and its read rows);
    how many. The caller holds a transaction (`relaxed`: see `_locked_chain`)."""
    chain_id, seq, prev = _locked_chain(village, relaxed=relaxed)
    now = timezone.now()
    at = now.isoformat()
    src = current_source() if source is None else source
    label = actor.get_username() if actor is not None else "system"
    # By id: the trail sits below the apps that own villages and users.
    village_id = village.pk if village is not None else None
    actor_id = actor.pk if actor is not None else None
    rows: list[dict[str, Any]] = []
    # The payload's fields that are the same for every event of the batch, as JSON once.
    head = _HashedBatch(village_id=village_id, occurred_at=at, actor_id=actor_id, label=label, source=src)
    for pending in events:
        seq += 1
        changes, changes_json = head.changes(pending.changes)
        object_id = str(pending.object_id)
        digest = head.digest(prev, seq, pending.action, pending.object_type, object_id, changes_json)
        rows.append(
            {
                "chain_id": chain_id,
                "seq": seq,
                "village_id": village_id,
                "occurred_at": now,
                "actor_id": actor_id,
                "actor_label": label,
                "action": pending.action,
                "object_type": pending.object_type,
                "object_id": object_id,
                "changes": changes,
                "source": src,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    if not rows:
        return 0
    _insert_events(rows, [seq, prev, chain_id], reads=reads)
    return len(rows)


def audit_record_read(
    *,
    actor: AbstractBaseUser | None,
    village: VillageLike | None,
    action: str,
    object_type: str,
    object_ids: Iterable[object],
    changes: dict[str, Any] | None = None,
    source: str | None = None,
) -> int:
    """One look at one or more records (a record's page; a page of a list, a search, a
    family): ONE event whose `changes["records"]` lists the records' ids (so the chain's hash
    covers what was shown), `object_id` the record when it is one, and one `RecordRead` row per
    record, the index `selectors.reads_of` finds a record's reads by. Returns how many records."""
    ids = [str(i) for i in dict.fromkeys(object_ids)]
    if not ids:
        return 0
    # One record: as an event of one record always was (the record in object_id alone).
    one = len(ids) == 1
    event = PendingEvent(
        action,
        object_type,
        ids[0] if one else "",
        dict(changes or {}) if one else {**(changes or {}), "records": ids},
    )
    # A read logged in a transaction of its own (a list or record page) commits like every
    # commit on SQLite with WAL and synchronous=NORMAL (the embedded default): without waiting
    # for its WAL to reach the disk — 0.4–4 ms a page on this machine's disk, the office's most
    # frequent write. A server crash can lose the last fraction of a second of such reads, whole
    # (the event, its read rows and the chain's head are one transaction, so the chain stays
    # intact), never a change: any later durable commit flushes the WAL before it, and a read
    # inside a caller's transaction (which may hold a change) keeps that transaction's setting.
    relaxed = not _db().in_atomic_block
    # No savepoint, as audit_record_many.
    with transaction.atomic(savepoint=False):
        _append(actor=actor, village=village, events=[event], source=source, reads=ids, relaxed=relaxed)
    return len(ids)


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    village: VillageLike | None,
    action: str,
    object_type: str = "",
    object_id: object = "",
    changes: dict[str, Any] | None = None,
    source: str | None = None,
) -> None:
    if action in READ_ACTIONS:
        audit_record_read(
            actor=actor,
            village=village,
            action=action,
            object_type=object_type,
            object_ids=[object_id],
            changes=changes,
            source=source,
        )
        return
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


def _records_read(event: AuditEvent) -> list[str]:
    """The records a read event showed, as `audit_record_read` wrote them (a read recorded
    before the read index: its object_id, indexed by the migration)."""
    records = (event.changes or {}).get("records") if isinstance(event.changes, dict) else None
    if isinstance(records, list):
        return sorted(str(r) for r in records)
    return [event.object_id] if event.object_id else []


def _read_index_problems(chain: AuditChain, reads: dict[int, tuple[int, list[str]]]) -> list[ChainProblem]:
    """The read index against the (hashed) events: a row deleted, added or changed there would
    hide a read from "who read my data" or invent one."""
    if not reads:
        return []
    found: dict[int, list[str]] = {}
    rows = RecordRead.objects.filter(event_id__in=list(reads)).order_by()
    for event_id, object_id in rows.values_list("event_id", "object_id"):
        found.setdefault(event_id, []).append(object_id)
    return [
        ChainProblem(chain.pk, chain.village_id, seq, "read index differs from the read event")
        for event_id, (seq, records) in reads.items()
        if sorted(found.get(event_id, [])) != records
    ]


def audit_verify(*, anchors: bool = True, anchor_path: Any = None) -> tuple[int, list[ChainProblem]]:
    """Recompute every chain; report broken links, altered events and gaps, then check the
    chains against the signed anchors (`balai.audit.anchors`): truncation, deletion,
    insertion and edits before an anchor, even with every link recomputed."""
    problems: list[ChainProblem] = []
    checked = 0
    # seq -> hash of each chain, kept only for the anchored sequence numbers.
    wanted: dict[str, dict[int, str]] = {}
    anchor_list: list[Any] = []
    if anchors:
        from balai.audit import anchors as anchoring

        anchor_list, unreadable = anchoring.read_anchors(anchor_path)
        problems += [ChainProblem(0, None, 0, text) for text in unreadable]
        if anchor_list:
            try:
                key = anchoring.public_key()
            except (FileNotFoundError, ValueError) as exc:
                problems.append(ChainProblem(0, None, 0, f"kunci publik jangkar tidak ada: {exc}"))
                anchor_list = []
            else:
                good = []
                for anchor in anchor_list:
                    if anchoring.signature_ok(anchor, key):
                        good.append(anchor)
                    else:
                        problems.append(
                            ChainProblem(
                                0, None, anchor.seq, f"tanda tangan jangkar {anchor.chain} tidak sah"
                            )
                        )
                anchor_list = good
        for anchor in anchor_list:
            wanted.setdefault(anchor.chain, {})[anchor.seq] = ""
    found_chains: set[str] = set()
    for chain in AuditChain.objects.order_by("pk"):
        found_chains.add(chain.key)
        seen = wanted.get(chain.key, {})
        prev, expected_seq = "0" * 64, 0
        events = AuditEvent.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=5000)
        reads: dict[int, tuple[int, list[str]]] = {}
        for event in events:
            if event.action in READ_ACTIONS:
                reads[event.pk] = (event.seq, _records_read(event))
                if len(reads) >= 1000:
                    problems += _read_index_problems(chain, reads)
                    reads = {}
            checked += 1
            expected_seq += 1
            if event.seq in seen:
                seen[event.seq] = event.hash
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
        problems += _read_index_problems(chain, reads)
        if expected_seq != chain.last_seq or prev != chain.last_hash:
            problems.append(
                ChainProblem(chain.pk, chain.village_id, chain.last_seq, "chain truncated at head")
            )
        for anchor in anchor_list:
            if anchor.chain != chain.key:
                continue
            if anchor.seq > expected_seq:
                problems.append(
                    ChainProblem(
                        chain.pk, chain.village_id, anchor.seq,
                        f"truncated: anchored at seq {anchor.seq} ({anchor.at}), chain now ends at {expected_seq}",
                    )
                )  # fmt: skip
            elif seen.get(anchor.seq) != anchor.hash:
                problems.append(
                    ChainProblem(
                        chain.pk, chain.village_id, anchor.seq,
                        f"rewritten: event {anchor.seq} differs from its anchor of {anchor.at} "
                        "(an event at or before it was edited, deleted or inserted)",
                    )
                )  # fmt: skip
    stray = RecordRead.objects.exclude(
        Exists(AuditEvent.objects.filter(pk=OuterRef("event_id"), action__in=READ_ACTIONS))
    ).count()
    if stray:
        problems.append(ChainProblem(0, None, 0, f"{stray} read-index rows point at no read event"))
    for missing in sorted({a.chain for a in anchor_list} - found_chains):
        problems.append(
            ChainProblem(0, None, 0, f"chain {missing} deleted: anchored but not in the database")
        )
    return checked, problems
