"""Bulk writes: COPY on PostgreSQL, `executemany` on prepared INSERTs elsewhere.

The demo (`balai demo`, `balai bench`) and the OpenSID import write tens of thousands of rows
per village; on PostgreSQL one COPY stream is several times faster than one INSERT per row.

For the bench's build of millions of rows (5,000,000 residents in 1,200 villages, issue 22)
two more: rows encoded as COPY text by the caller (`copy_text`, possibly in another process)
and streamed as they are (`copy_data`), and `deferred_indexes`, which drops a set of tables'
secondary indexes and constraints for the load and builds them again, in one sort each,
afterwards (maintaining 16 indexes and 4 foreign-key triggers per resident row was half of
the server's CPU for the build).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import Model

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Rows into a PostgreSQL table with COPY (psycopg 3's `cursor.copy`). Values are what
    Django passes to the driver (dates, datetimes, Jsonb); returns the number of rows."""
    quote = connection.ops.quote_name
    sql = "COPY {} ({}) FROM STDIN".format(quote(table), ", ".join(quote(c) for c in columns))
    n = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> int:
    """Rows into a table: COPY on PostgreSQL, `executemany` on one prepared INSERT elsewhere."""
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        return copy_rows(table, columns, rows)
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(table), ", ".join(quote(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)


class ModelRows:
    """Rows of the given columns (attnames) into a model's table with `insert_rows`; every other
    column takes its model default, converted once. The modules' demos write tens of thousands
    of rows a village this way: model instances and `bulk_create` cost most of their time, and
    an INSERT per row most of it on PostgreSQL. The primary key is given only when named (ids
    reserved beforehand, `people.imports.ids.reserve_ids`); otherwise the database assigns it."""

    def __init__(self, model: type[Model], columns: Sequence[str]) -> None:
        fields = list(model._meta.concrete_fields)
        by_name = {f.attname: f for f in fields}
        rest = [f for f in fields if not f.primary_key and f.attname not in columns]
        self.table = model._meta.db_table
        self.columns = [by_name[c].column for c in columns] + [f.column for f in rest]
        self.defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        # COPY text of the defaults, ending every row (PostgreSQL).
        self.suffix = "".join("\t" + copy_field(v) for v in self.defaults)
        # Elsewhere the defaults are written into the INSERT as literals when they are plain
        # values: binding the same seven values to every row of the health demo was ~15% of
        # SQLite's time per row.
        literals = [_literal(v) for v in self.defaults]
        self.literal = None not in literals
        self.head = ""
        self.values = ""
        self.per_statement = 1
        self.width = 1
        if connection.vendor != "postgresql":
            quote = connection.ops.quote_name
            self.head = "INSERT INTO {} ({}) VALUES ".format(
                quote(self.table), ", ".join(quote(c) for c in self.columns)
            )
            given = len(columns) if self.literal else len(self.columns)
            self.values = "({})".format(
                ", ".join(["%s"] * given + ([str(v) for v in literals] if self.literal else []))
            )
            # Many rows per INSERT: `executemany` runs its statement once per row, and that
            # run (with AUTOINCREMENT's update of sqlite_sequence) cost SQLite a third of the
            # health demo's row. Up to the driver's limit of parameters.
            self.width = given
            self.per_statement = max(1, min(ROWS_PER_INSERT, _max_parameters() // given))
        self._sql: dict[int, str] = {}

    def run(self, rows: Sequence[tuple[Any, ...]]) -> int:
        self.write(self.encode(rows))
        return len(rows)

    def encode(self, rows: Sequence[tuple[Any, ...]]) -> str | InsertBatches:
        """What `write` takes: on PostgreSQL the COPY text, in one pass with the defaults encoded
        once, elsewhere the rows' values in flat lists of one INSERT each (no database needed:
        a worker process may make either)."""
        if connection.vendor == "postgresql":
            return copy_text(rows, self.suffix)
        if not self.literal:
            rows = [row + self.defaults for row in rows]
        batches = InsertBatches()
        first = 0
        for size in _statement_sizes(len(rows), self.per_statement):
            batches.append([value for row in rows[first : first + size] for value in row])
            first += size
        return batches

    def write(self, encoded: str | InsertBatches) -> None:
        if isinstance(encoded, str):
            copy_data(self.table, self.columns, encoded)
            return
        if not encoded:
            return
        with connection.cursor() as cursor:
            for values in encoded:
                count = len(values) // self.width
                sql = self._sql.get(count)
                if sql is None:
                    sql = self._sql[count] = self.head + ", ".join([self.values] * count)
                cursor.execute(sql, values)


class InsertBatches(list[list[Any]]):
    """`ModelRows.encode` outside PostgreSQL: each item the values of one INSERT's rows, in order."""


# Rows per INSERT outside PostgreSQL: ~500 was the fastest per row on SQLite (more made the
# statement's compilation and its parameter array dearer than what they saved).
ROWS_PER_INSERT = 500


def _statement_sizes(count: int, most: int) -> list[int]:
    """Rows per INSERT for `count` rows: `most` while there are, then the rest in powers of two,
    so a few statements serve every count (each is compiled once and kept, ~100 kB of text)."""
    sizes = [most] * (count // most)
    rest = count % most
    while rest:
        size = 1 << (rest.bit_length() - 1)
        sizes.append(size)
        rest -= size
    return sizes


def _max_parameters() -> int:
    """Parameters one statement may bind: SQLite's default limit since 3.32 (Django assumes the
    older 999), without asking the connection (a worker process may encode)."""
    if connection.vendor == "sqlite":
        import sqlite3

        return 32766 if sqlite3.sqlite_version_info >= (3, 32) else 999
    return int(connection.features.max_query_params or 999)


def _literal(value: Any) -> str | None:
    """SQL text of a plain default (None, a number, a string), or None for anything else."""
    if value is None:
        return "NULL"
    if type(value) is bool:
        return "1" if value else "0"
    if type(value) is int:
        return str(value)
    if type(value) is str:
        # Doubled for SQL; '%' doubled for the driver's parameter style.
        return "'" + value.replace("'", "''").replace("%", "%%") + "'"
    return None


_MODEL_ROWS: dict[tuple[str, type[Model], tuple[str, ...]], ModelRows] = {}


def model_rows(model: type[Model], columns: Sequence[str]) -> ModelRows:
    """`ModelRows` for these columns, built once per process and database (every default left
    to the model is a constant, so it serves every village)."""
    key = (connection.vendor, model, tuple(columns))
    if key not in _MODEL_ROWS:
        _MODEL_ROWS[key] = ModelRows(model, columns)
    return _MODEL_ROWS[key]


# Dates repeat (a birth date per resident, ~40,000 distinct among millions): isoformat once each.
_DATE_TEXT: dict[dt.date, str] = {}


def copy_field(value: Any) -> str:
    """One value in COPY's text format: NULL as \\N, text with its backslashes, tabs and line
    breaks escaped, dates and datetimes in ISO form, psycopg's Json/Jsonb as JSON."""
    kind = type(value)
    if kind is str:
        # Scanning for the four is several times cheaper than translating every string.
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_COPY_ESCAPES)
        return value
    if kind is int:
        return str(value)
    if value is None:
        return "\\N"
    if kind is dt.date:
        text = _DATE_TEXT.get(value)
        if text is None:
            text = _DATE_TEXT[value] = value.isoformat()
        return text
    if kind is bool:
        return "t" if value else "f"
    if kind is float:
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    obj = getattr(value, "obj", value)  # psycopg's Json/Jsonb wrap the object they dump
    if obj is not value or isinstance(value, (dict, list)):
        dumps = getattr(value, "dumps", None) or json.dumps
        return str(dumps(obj)).translate(_COPY_ESCAPES)
    return str(value).translate(_COPY_ESCAPES)


def copy_text(rows: Iterable[Sequence[Any]], suffix: str = "") -> str:
    """Rows as COPY text, one line each; `suffix` (already encoded, starting with a tab) ends
    every line: the columns every row gives the same value, encoded once."""
    field = copy_field
    return "".join(["\t".join([field(v) for v in row]) + suffix + "\n" for row in rows])


def copy_data(table: str, columns: Sequence[str], data: str | bytes) -> None:
    """COPY text made by `copy_text` (whole, in one stream) into a PostgreSQL table."""
    if not data:
        return
    quote = connection.ops.quote_name
    sql = "COPY {} ({}) FROM STDIN".format(quote(table), ", ".join(quote(c) for c in columns))
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.write(data)


# --- Indexes deferred for a bulk load (PostgreSQL) --------------------------------------------


def _deferrable(tables: Sequence[str]) -> list[dict[str, str]]:
    """What `deferred_indexes` drops: every index of `tables` except primary keys, and their
    unique and foreign-key constraints (check constraints stay: they cost nothing per row),
    each with the statement that makes it again, in the order to make them."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, t.relname, pg_get_indexdef(i.indexrelid)
              FROM pg_index i
              JOIN pg_class c ON c.oid = i.indexrelid
              JOIN pg_class t ON t.oid = i.indrelid
             WHERE t.relname = ANY(%s) AND t.relnamespace = to_regnamespace(current_schema())
               AND NOT i.indisprimary
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
             ORDER BY t.relname, c.relname
            """,
            [list(tables)],
        )
        indexes = cursor.fetchall()
        # Unique constraints that a foreign key of another table relies on must stay.
        cursor.execute(
            """
            SELECT k.conname, t.relname, k.contype, pg_get_constraintdef(k.oid)
              FROM pg_constraint k
              JOIN pg_class t ON t.oid = k.conrelid
             WHERE t.relname = ANY(%s) AND t.relnamespace = to_regnamespace(current_schema())
               AND (k.contype = 'f' OR (k.contype = 'u' AND NOT EXISTS (
                    SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid)))
             ORDER BY k.contype DESC, t.relname, k.conname
            """,
            [list(tables)],
        )
        constraints = cursor.fetchall()
    quote = connection.ops.quote_name
    items = [{"kind": "index", "name": name, "table": table, "sql": sql} for name, table, sql in indexes]
    # Unique constraints ('u') before foreign keys ('f'): the order they are made again in.
    items += [
        {
            "kind": "constraint",
            "name": name,
            "table": table,
            "sql": f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}",
        }
        for name, table, _kind, definition in constraints
    ]
    return items


def _exists(cursor: Any, item: dict[str, str]) -> bool:
    if item["kind"] == "index":
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [connection.ops.quote_name(item["name"])])
    else:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = %s AND conrelid = to_regclass(%s))",
            [item["name"], connection.ops.quote_name(item["table"])],
        )
    return bool(cursor.fetchone()[0])


def restore_deferred(state: Path, say: Callable[[str], None] | None = None) -> int:
    """Make again what an interrupted `deferred_indexes` left dropped (listed in `state`);
    what exists already, or whose table does not, is skipped. Returns how many were made."""
    if not state.exists():
        return 0
    items: list[dict[str, str]] = json.loads(state.read_text())
    made = 0
    with connection.cursor() as cursor:
        # Large sorts in memory; the session's own setting, not the server's.
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for item in items:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [connection.ops.quote_name(item["table"])])
            if not cursor.fetchone()[0] or _exists(cursor, item):
                continue
            started = time.perf_counter()
            cursor.execute(item["sql"])
            made += 1
            if say is not None:
                say(f"    {item['kind']} {item['name']}: {time.perf_counter() - started:.1f} s")
        cursor.execute("RESET maintenance_work_mem")
    state.unlink()
    return made


@contextmanager
def deferred_indexes(
    tables: Sequence[str], *, state: Path, say: Callable[[str], None] | None = None
) -> Iterator[dict[str, float]]:
    """A bulk load into `tables` without their secondary indexes and constraints (PostgreSQL,
    outside a transaction; elsewhere nothing happens): dropped on entry, made again on exit,
    even when the load fails. Building an index once over a loaded table sorts its rows once;
    keeping it during the load inserts into it row by row, and each foreign key fires a check
    per row. What was dropped is listed in `state` first, so a load killed halfway is repaired
    by `restore_deferred` (the bench calls it before each build). The loader must not read
    these tables meanwhile: every look-up would scan the table. The yielded dict receives
    the seconds spent making them again (`restore_s`)."""
    timing: dict[str, float] = {}
    if connection.vendor != "postgresql":
        yield timing
        return
    restore_deferred(state, say)
    items = _deferrable(tables)
    state.write_text(json.dumps(items, indent=1))
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for item in reversed(items):  # foreign keys before the unique constraints they might use
            if item["kind"] == "index":
                cursor.execute(f"DROP INDEX IF EXISTS {quote(item['name'])}")
            else:
                cursor.execute(
                    f"ALTER TABLE {quote(item['table'])} DROP CONSTRAINT IF EXISTS {quote(item['name'])}"
                )
    try:
        yield timing
    finally:
        started = time.perf_counter()
        restore_deferred(state, say)
        timing["restore_s"] = time.perf_counter() - started
