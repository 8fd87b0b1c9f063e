"""Bulk writes: COPY on PostgreSQL, `executemany` on prepared INSERTs elsewhere.

The demo (`balai demo`, `balai bench`) and the OpenSID import write tens of thousands of rows
per village; on PostgreSQL one COPY stream is several times faster than one INSERT per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection


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
