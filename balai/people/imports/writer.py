"""Prepared INSERT/UPDATE of many rows on one table: the write path of the resident import."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from operator import itemgetter
from typing import Any

from django.db import IntegrityError, connection, models

# Stay under SQLite's 32,766 bound variables and PostgreSQL's 65,535.
IN_CHUNK = 5000
WRITE_CHUNK = 20_000


def chunks(items: Sequence[Any], size: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class TableWriter:
    """Prepared INSERT/UPDATE statements on one model's table.

    SQLite gets `executemany` (in-process, no round trips). PostgreSQL gets COPY: one
    statement per row there costs a network round trip each (10x slower at 100,000 rows).
    """

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.table = connection.ops.quote_name(model._meta.db_table)
        self.columns = {f.attname: f.column for f in model._meta.concrete_fields}
        self.copy_types = {f.attname: _copy_type(f) for f in model._meta.concrete_fields}
        self.copy = connection.vendor == "postgresql"

    def _types(self, names: Sequence[str]) -> list[str] | None:
        types = [self.copy_types[n] for n in names]
        return None if None in types else types  # type: ignore[return-value]

    def _cols(self, names: Sequence[str]) -> list[str]:
        return [connection.ops.quote_name(self.columns[n]) for n in names]

    def insert(
        self,
        names: Sequence[str],
        rows: Iterable[tuple[Any, ...]],
        *,
        keys: BulkForeignKeys | None = None,
    ) -> None:
        """Rows may be a generator: they are written as they come, WRITE_CHUNK at a time on
        SQLite and as one COPY stream on PostgreSQL, so 100,000 rows never sit in a list.
        With `keys` (PostgreSQL), their foreign keys are left to `keys.verify`."""
        columns = ", ".join(self._cols(names))
        with connection.cursor() as cursor:
            if self.copy:
                types = self._types(names)
                if keys is not None and keys.enabled:
                    with keys.unchecked(cursor, self.model, names) as tracked:
                        self._copy(cursor, self.table, columns, tracked.rows(rows), types)
                    return
                self._copy(cursor, self.table, columns, rows, types)
                return
            sql = f"INSERT INTO {self.table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"
            it = iter(rows)
            while chunk := list(islice(it, WRITE_CHUNK)):
                cursor.executemany(sql, chunk)

    def update(self, names: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Rows are (value of each name..., pk)."""
        if not rows:
            return
        cols, pk = self._cols(names), connection.ops.quote_name("id")
        with connection.cursor() as cursor:
            if self.copy and len(rows) > 100:
                # Into a temporary table of the same column types, then one UPDATE ... FROM.
                cursor.execute(
                    f"CREATE TEMPORARY TABLE balai_import_update ON COMMIT DROP AS "
                    f"SELECT {', '.join([*cols, pk])} FROM {self.table} WITH NO DATA"
                )
                self._copy(
                    cursor, "balai_import_update", ", ".join([*cols, pk]), rows, self._types([*names, "id"])
                )
                sets = ", ".join(f"{c} = u.{c}" for c in cols)
                cursor.execute(
                    f"UPDATE {self.table} AS t SET {sets} FROM balai_import_update AS u WHERE t.{pk} = u.{pk}"
                )
                cursor.execute("DROP TABLE balai_import_update")
                return
            sets = ", ".join(f"{c} = %s" for c in cols)
            sql = f"UPDATE {self.table} SET {sets} WHERE {pk} = %s"
            for chunk in chunks(rows, WRITE_CHUNK):
                cursor.executemany(sql, chunk)

    @staticmethod
    def _copy(
        cursor: Any, table: str, columns: str, rows: Iterable[tuple[Any, ...]], types: list[str] | None
    ) -> None:
        # psycopg's own cursor: its errors (a key the row triggers refuse) raised as Django's,
        # as every other statement's are.
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            if types is not None:
                copy.set_types(types)
            for row in rows:
                copy.write_row(row)


def _copy_type(field: models.Field[Any, Any]) -> str | None:
    """The type whose text dumper formats `field`'s values in a COPY, by the Python type the
    import gives it: int, bool, or str (text, and dates, times and JSON already as their
    text). With every column's dumper known, psycopg formats a value without looking its
    dumper up by the value's type: 0.5 → 0.16 CPU-s per 100,000 resident rows. A value of
    another type fails the COPY (a writer's bug, which the PostgreSQL import tests would show);
    a field not listed here leaves the COPY to find each value's dumper."""
    if isinstance(field, models.ForeignKey):
        return _copy_type(field.target_field)
    if isinstance(field, models.BooleanField):
        return "bool"
    if isinstance(field, models.IntegerField | models.AutoField):
        return "int8"
    if isinstance(field, models.CharField | models.TextField | models.DateField | models.JSONField):
        return "text"
    return None


@contextlib.contextmanager
def sqlite_foreign_keys_trusted() -> Iterator[None]:
    """On SQLite, outside any transaction: foreign keys unchecked for the block (the import's
    own transaction), Django's `constraint_checks_disabled`; nothing elsewhere.

    SQLite checks every foreign key of every row as it is inserted, a parent look-up each
    (about a fifth of the import's writing: 1.3 of 6.9 CPU-s per 100,000 rows). The import
    does not need them: its transaction is BEGIN IMMEDIATE, so it holds the database's only
    write lock from before it reads the village's families and RTs until it commits, and
    every key it writes is one of those, a row it wrote itself (reserved ids), the village
    or the actor; nothing can delete a parent meanwhile. The tests run
    `PRAGMA foreign_key_check` after imports. Inside a caller's transaction SQLite ignores
    the pragma, and the checks run as usual.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.constraint_checks_disabled():
        yield


@contextlib.contextmanager
def foreign_keys_checked_as_written(
    models_: Sequence[type[models.Model]], *, deferred: Sequence[tuple[type[models.Model], str]] = ()
) -> Iterator[None]:
    """On PostgreSQL, the foreign keys of `models_`' tables (but the `deferred` (model, field)
    ones) checked at the end of each statement instead of at commit.

    Django declares them deferred, so an import's hundreds of thousands of checks all ran
    in COMMIT, after the file was read, about a third of the import's time. Checked with each
    batch's COPY instead, they run while the next batch is being read. The same checks, so
    the same outcome; they are deferred again afterwards.
    """
    if connection.vendor != "postgresql":
        yield
        return
    columns = {(model, f.name): f.column for model, _name in deferred for f in model._meta.concrete_fields}
    keep = {(model._meta.db_table, columns[model, name]) for model, name in deferred}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, a.attname, c.conname FROM pg_constraint c "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "WHERE c.contype = 'f' AND c.condeferred AND c.conrelid = ANY(%s::regclass[])",
            [[model._meta.db_table for model in models_]],
        )
        names = ", ".join(
            connection.ops.quote_name(name)
            for table, column, name in cursor.fetchall()
            if (table, column) not in keep
        )
        if not names:
            yield
            return
        cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
    try:
        yield
    finally:
        from psycopg import pq

        raw = connection.connection
        # A transaction already failing is rolled back whole: nothing to set back.
        if raw is not None and raw.info.transaction_status == pq.TransactionStatus.INTRANS:
            with connection.cursor() as cursor:
                cursor.execute(f"SET CONSTRAINTS {names} DEFERRED")


class BulkForeignKeys:
    """On PostgreSQL, new rows COPYed without the per-row foreign key triggers and their keys
    checked, and their parents locked, set-wise after each batch: where the role may set
    `session_replication_role` (a superuser, or `GRANT SET ON PARAMETER
    session_replication_role` on PostgreSQL 15+) and the tables have no trigger or deferrable
    constraint that the setting would skip too; elsewhere the triggers run as before.

    Each trigger looks its parent up and locks it FOR KEY SHARE, one SPI query per key: six
    keys a resident and its REGISTERED event, 8.4 of the server's 21 CPU-s for 100,000 rows
    (measured at a million residents). Here the keys are gathered from the rows as they
    stream into the COPY (`unchecked`), and `verify` looks each distinct one up once: it
    locks the parent FOR KEY SHARE as the trigger would (waiting for a transaction deleting
    it, and finding it gone once that commits), and raises IntegrityError if one is missing;
    a locked parent cannot be deleted until the import commits.

    A key naming a row that this import COPYed itself (a new resident's new family, a new
    event's resident) is known to exist: the COPY that wrote it succeeded, the import deletes
    nothing, and no other transaction sees the row before the import commits, so it needs no
    look-up and no lock. Those were nearly all of the look-ups (a batch's 5,000 events name
    5,000 new residents), and reading each batch's new rows back to find their keys was the
    rest: together about a tenth of the import's time on PostgreSQL.

    That holds while no write of the import is undone before it commits: every COPY, check
    and trusted row at one savepoint level (a rolled-back savepoint would take rows with it
    that `written` still vouches for), which `unchecked` and `verify` enforce, and nothing
    deleted.
    """

    def __init__(self, models_: Sequence[type[models.Model]]) -> None:
        self.models = tuple(models_)
        self.enabled = (
            connection.vendor == "postgresql"
            and _may_skip_row_triggers()
            and not _skipped_besides(self.models)
        )
        self.pending: list[_TrackedRows] = []
        # Primary keys of the rows COPYed so far, per model: parents that need no check.
        self.written: dict[type[models.Model], set[Any]] = {}
        self._savepoints = tuple(connection.savepoint_ids)

    def _same_savepoint(self) -> None:
        if tuple(connection.savepoint_ids) != self._savepoints:
            raise RuntimeError(
                "BulkForeignKeys: rows written at another savepoint level than the first "
                "(a savepoint rolled back would take rows its checks trust)"
            )

    @contextlib.contextmanager
    def unchecked(
        self, cursor: Any, model: type[models.Model], names: Sequence[str]
    ) -> Iterator[_TrackedRows]:
        """The block's writes into `model` without row triggers; the rows must pass through
        the yielded `_TrackedRows.rows` (columns `names`), which gathers their keys."""
        if model not in self.models:
            raise ValueError(f"{model.__name__}: not among the tables given to BulkForeignKeys")
        self._same_savepoint()
        tracked = _TrackedRows(model, names)
        cursor.execute("SELECT current_setting('session_replication_role')")
        (previous,) = cursor.fetchone()
        cursor.execute("SELECT set_config('session_replication_role', 'replica', true)")
        yield tracked
        # Not in a `finally`: after an error the transaction (or its savepoint) is rolled
        # back, and the setting with it.
        cursor.execute("SELECT set_config('session_replication_role', %s, true)", [previous])
        self.pending.append(tracked)
        self.written.setdefault(model, set()).update(tracked.ids)

    def verify(self) -> None:
        """Every foreign key of the rows written unchecked since the last call has its row,
        now locked FOR KEY SHARE unless this import wrote it; IntegrityError if not.

        Called after each batch, so the checks run while the file is still being read: one
        statement for all of the batch's keys, each parent table looked up once for the
        distinct keys that name it (one village, a few RTs, the families that were there
        before the import)."""
        self._same_savepoint()
        wanted: dict[tuple[type[models.Model], str], set[Any]] = {}
        named_by: dict[tuple[type[models.Model], str], list[str]] = {}
        for tracked in self.pending:
            for field, values in tracked.keys.items():
                values.discard(None)
                target = field.target_field
                own = self.written.get(target.model) if target.primary_key else None
                if own:
                    values -= own
                if values:
                    key = (target.model, target.column)
                    wanted.setdefault(key, set()).update(values)
                    named_by.setdefault(key, []).append(f"{tracked.model._meta.db_table}.{field.column}")
        self.pending.clear()
        if not wanted:
            return
        quote = connection.ops.quote_name
        checks = list(wanted.items())
        counts = ", ".join(
            f"(SELECT count(*) FROM (SELECT 1 FROM {quote(model._meta.db_table)} AS p "
            f"WHERE p.{quote(column)} = ANY(%s) FOR KEY SHARE OF p) AS locked)"
            for (model, column), _values in checks
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {counts}", [sorted(values) for _key, values in checks])
            found = cursor.fetchone()
        for ((model, column), values), count in zip(checks, found, strict=True):
            if count != len(values):
                raise IntegrityError(
                    f"{', '.join(named_by[model, column])}: {len(values) - count} keys of new rows "
                    f"name no {model._meta.db_table} row"
                )


class _TrackedRows:
    """The primary keys and the distinct foreign keys of rows on their way into a COPY."""

    def __init__(self, model: type[models.Model], names: Sequence[str]) -> None:
        self.model = model
        names = list(names)
        constrained = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and getattr(f, "db_constraint", True)
        ]
        # A key left out of the COPY is NULL, or the column's database default, which no
        # row here carries to be checked.
        for f in constrained:
            if f.attname not in names and f.db_default is not models.NOT_PROVIDED:
                raise ValueError(f"{model.__name__}.{f.name}: a key with a database default must be written")
        fields = [f for f in constrained if f.attname in names]
        self.keys: dict[models.ForeignKey, set[Any]] = {f: set() for f in fields}
        self._at = [(names.index(f.attname), self.keys[f]) for f in fields]
        pk = model._meta.pk.attname
        self._pk_at = names.index(pk) if pk in names else None
        self.ids: set[Any] = set()

    def rows(self, rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        # A few thousand rows at a time, each column's values gathered by C loops
        # (set.update over itemgetter), not by Python code per row and key.
        it = iter(rows)
        while chunk := list(islice(it, IN_CHUNK)):
            for at, seen in self._at:
                seen.update(map(itemgetter(at), chunk))
            if self._pk_at is not None:
                self.ids.update(map(itemgetter(self._pk_at), chunk))
            yield from chunk


def _skipped_besides(models_: Sequence[type[models.Model]]) -> bool:
    """Whether `session_replication_role = replica` would skip more on these tables than their
    foreign key checks: a trigger of their own, or a deferrable unique or exclusion constraint
    (checked by an internal trigger)."""
    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = ANY(%s::regclass[]) AND NOT tgisinternal) "
            "OR EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) "
            "AND contype IN ('p', 'u', 'x') AND condeferrable)",
            [tables, tables],
        )
        return bool(cursor.fetchone()[0])


def _may_skip_row_triggers() -> bool:
    with connection.cursor() as cursor:
        if (getattr(connection, "pg_version", 0) or 0) >= 150000:
            cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
        else:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return bool(cursor.fetchone()[0])
