"""Prepared INSERT/UPDATE of many rows on one table: the write path of the resident import."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.db import connection, models

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
        self.table = connection.ops.quote_name(model._meta.db_table)
        self.columns = {f.attname: f.column for f in model._meta.concrete_fields}
        self.copy = connection.vendor == "postgresql"

    def _cols(self, names: Sequence[str]) -> list[str]:
        return [connection.ops.quote_name(self.columns[n]) for n in names]

    def insert(self, names: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        """Rows may be a generator: they are written as they come, WRITE_CHUNK at a time on
        SQLite and as one COPY stream on PostgreSQL, so 100,000 rows never sit in a list."""
        columns = ", ".join(self._cols(names))
        with connection.cursor() as cursor:
            if self.copy:
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
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
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
