"""Prepared INSERT/UPDATE of many rows on one table: the write path of the resident import."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
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
        self.copy = connection.vendor == "postgresql"

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
                if keys is not None and keys.enabled:
                    ids = IdRange() if "id" in names else None
                    if ids is not None:
                        rows = ids.rows(rows, list(names).index("id"))
                    with keys.unchecked(cursor, self.model, ids):
                        self._copy(cursor, self.table, columns, rows)
                    return
                self._copy(cursor, self.table, columns, rows)
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
                self._copy(cursor, "balai_import_update", ", ".join([*cols, pk]), rows)
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
    def _copy(cursor: Any, table: str, columns: str, rows: Iterable[tuple[Any, ...]]) -> None:
        # psycopg's own cursor: its errors (a key the row triggers refuse) raised as Django's,
        # as every other statement's are.
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)


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
    (measured at a million residents). `verify` does the same per distinct key of a batch:
    it locks every parent its new rows point at, FOR KEY SHARE as the trigger would (waiting
    for a transaction deleting one, and finding it gone once that commits), and raises
    IntegrityError if one is missing; a locked parent cannot be deleted until the import
    commits. The new rows are found by their ids: each COPY's lowest and highest (rows that
    carry their ids) or the table's sequence drawn just before and after it (rows that take
    them by default), never by the table's newest rows. Rows another session committed with
    ids drawn in between fall inside the range and are checked too: harmless, their parents
    stay locked until the import commits.
    """

    def __init__(self, models_: Sequence[type[models.Model]]) -> None:
        self.models = tuple(models_)
        self.enabled = (
            connection.vendor == "postgresql"
            and _may_skip_row_triggers()
            and not _skipped_besides(self.models)
        )
        self.pending: list[tuple[type[models.Model], int, int]] = []  # (table, lowest id, highest id)

    @contextlib.contextmanager
    def unchecked(self, cursor: Any, model: type[models.Model], ids: IdRange | None) -> Iterator[None]:
        """The block's writes into `model` without row triggers. `ids` gathers the lowest and
        highest id of rows that carry them; without, the ids are the sequence's."""
        if model not in self.models:
            raise ValueError(f"{model.__name__}: not among the tables given to BulkForeignKeys")
        sequence = f"nextval(pg_get_serial_sequence('{model._meta.db_table}', 'id'))"
        if ids is None:
            cursor.execute(f"SELECT {sequence}")
            (lowest,) = cursor.fetchone()
        cursor.execute("SELECT current_setting('session_replication_role')")
        (previous,) = cursor.fetchone()
        cursor.execute("SELECT set_config('session_replication_role', 'replica', true)")
        yield
        # Not in a `finally`: after an error the transaction (or its savepoint) is rolled
        # back, and the setting with it.
        cursor.execute("SELECT set_config('session_replication_role', %s, true)", [previous])
        if ids is None:
            cursor.execute(f"SELECT {sequence}")
            (highest,) = cursor.fetchone()
            self.pending.append((model, lowest, highest))
        elif ids.lowest is not None and ids.highest is not None:
            self.pending.append((model, ids.lowest, ids.highest))

    def verify(self) -> None:
        """Every foreign key of the rows written unchecked since the last call has its row,
        now locked FOR KEY SHARE; IntegrityError if not.

        Called after each batch, so the checks run while the file is still being read: one
        statement a COPY, reading its rows once and each key's distinct values (one village,
        a few RTs, a batch's families: far fewer look-ups and locks than rows). Without
        parallel workers: on two cores they cost more CPU than they save."""
        if not self.pending:
            return
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('max_parallel_workers_per_gather')")
            (workers,) = cursor.fetchone()
            cursor.execute("SELECT set_config('max_parallel_workers_per_gather', '0', true)")
            for model, lowest, highest in self.pending:
                fields = [
                    f
                    for f in model._meta.concrete_fields
                    if isinstance(f, models.ForeignKey) and getattr(f, "db_constraint", True)
                ]
                keys = [
                    f"k{i} AS (SELECT DISTINCT {quote(f.column)} AS v FROM new WHERE {quote(f.column)} IS NOT NULL)"
                    for i, f in enumerate(fields)
                ]
                missing = [
                    f"(SELECT count(*) FROM k{i}) - (SELECT count(*) FROM (SELECT 1 FROM "
                    f"{quote(f.target_field.model._meta.db_table)} AS p WHERE p.{quote(f.target_field.column)} "
                    f"IN (SELECT v FROM k{i}) FOR KEY SHARE OF p) AS locked)"
                    for i, f in enumerate(fields)
                ]
                cursor.execute(
                    f"WITH new AS MATERIALIZED (SELECT {', '.join(quote(f.column) for f in fields)} "
                    f"FROM {quote(model._meta.db_table)} WHERE id BETWEEN %s AND %s), {', '.join(keys)} "
                    f"SELECT {', '.join(missing)}",
                    [lowest, highest],
                )
                for field, count in zip(fields, cursor.fetchone(), strict=True):
                    if count:
                        raise IntegrityError(
                            f"{model._meta.db_table}.{field.column}: {count} keys of new rows name no "
                            f"{field.target_field.model._meta.db_table} row"
                        )
            self.pending.clear()
            cursor.execute("SELECT set_config('max_parallel_workers_per_gather', %s, true)", [workers])


class IdRange:
    """The lowest and highest id of rows passing by (`rows`), gathered as they stream."""

    def __init__(self) -> None:
        self.lowest: int | None = None
        self.highest: int | None = None

    def rows(self, rows: Iterable[tuple[Any, ...]], at: int) -> Iterator[tuple[Any, ...]]:
        lowest, highest = self.lowest, self.highest
        for row in rows:
            pk = row[at]
            if lowest is None or pk < lowest:
                lowest = pk
            if highest is None or pk > highest:
                highest = pk
            yield row
        self.lowest, self.highest = lowest, highest


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
