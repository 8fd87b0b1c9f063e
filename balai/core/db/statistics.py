"""Planner statistics after bulk writes.

An import of tens of thousands of residents or the demo changes a table's size by orders of
magnitude; until statistics are refreshed, SQLite has none at all (it guesses from the schema)
and PostgreSQL waits for autovacuum. Refreshing right after the write keeps the first searches
on the index that starts with the village.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connections

# SQLite samples this many rows per index instead of reading all of them: ANALYZE of a
# 1,000,000-row table takes milliseconds instead of seconds, and the estimates are as good.
SQLITE_ANALYSIS_LIMIT = 1000


def refresh_statistics(
    *, tables: Sequence[str] = (), using: str = DEFAULT_DB_ALIAS, vacuum: bool = False
) -> None:
    """ANALYZE `tables` (all tables when empty); on SQLite also `PRAGMA optimize`.

    `vacuum` (PostgreSQL, outside a transaction): VACUUM (ANALYZE) instead, which also marks
    the freshly written pages all-visible. Until then an index-only scan still visits the table
    for every entry: the regency overview's counts on a just-built 100,000-resident demo took
    4.6 s, and 0.26 s after VACUUM. For the demo and the bench build; after an import,
    autovacuum does it (PostgreSQL 13+ vacuums after many inserts) without delaying the import.
    """
    connection = connections[using]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
            for table in tables or ["*"]:
                cursor.execute("ANALYZE" if table == "*" else f"ANALYZE {quote(table)}")
            cursor.execute("PRAGMA optimize")
        elif connection.vendor == "postgresql":
            command = "VACUUM (ANALYZE)" if vacuum and not connection.in_atomic_block else "ANALYZE"
            cursor.execute(f"{command} " + ", ".join(quote(t) for t in tables) if tables else command)


def refresh_app_statistics(*labels: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """`refresh_statistics` (VACUUM ANALYZE on PostgreSQL) of every table of these apps: after a
    module's demo data is written, as `balai demo` does for the whole database at its end.
    The benches measured the modules' pages right after writing, on statistics of empty tables
    (PostgreSQL: an education village summary took 93 ms instead of ~10 on such a plan)."""
    from django.apps import apps

    tables = [m._meta.db_table for label in labels for m in apps.get_app_config(label).get_models()]
    refresh_statistics(tables=tables, using=using, vacuum=True)
