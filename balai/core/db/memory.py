"""SQLite's memory map switched off for a block of bulk work.

A bulk write or delete touches index pages all over the database file (an import looks up NIKs
and public ids; emptying a village deletes 100,000 residents). Mapped, every page touched counts
in the process's RSS (at a million residents ~200 MB of it: the import reached 425 MB); read
through SQLite's page cache instead, the process keeps to its `cache_size`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection


@contextlib.contextmanager
def sqlite_unmapped() -> Iterator[None]:
    """`PRAGMA mmap_size=0` on the default connection for the block, then as it was; nothing on
    other databases or an in-memory SQLite database (which has no map)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA mmap_size")
        row = cursor.fetchone()  # no row for an in-memory database: nothing is mapped
        if row is not None:
            cursor.execute("PRAGMA mmap_size=0")
    if row is None:
        yield
        return
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA mmap_size={int(row[0])}")
