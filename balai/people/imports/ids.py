"""Ids known before the INSERT: public ids drawn in bulk and primary keys reserved from the
database's sequence (PostgreSQL) or from `max(id)` and `sqlite_sequence` (SQLite)."""

from __future__ import annotations

from django.db import connection, models

from balai.core import ids as core_ids


def public_ids(count: int) -> list[str]:
    """`count` public ids for rows of one batch (see `core.ids.clustered_public_ids`): sorted
    and sharing a random prefix, so the batch's entries land side by side in the unique
    index instead of on some 5,000 of its pages (PostgreSQL's server 1.1 CPU-s less per
    100,000 rows at 1,000,000 residents)."""
    return core_ids.clustered_public_ids(count)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for `count` new rows, known before the INSERT: rows can then point at
    each other (family head, member's family, event's resident) without reading ids back."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence looked up first: inside the SELECT, pg_get_serial_sequence (stable,
            # not folded) ran for every row, nine tenths of the statement's time (18 → 2 ms for
            # 5,000 ids at 1,000,000 residents), twice a batch of the import.
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            (sequence,) = cursor.fetchone()
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
            return [pk for (pk,) in cursor.fetchall()]
        if connection.vendor == "sqlite":
            # The import holds SQLite's write lock (transaction_mode IMMEDIATE): no other
            # writer can take these ids. If one did, the INSERT fails on the primary key and
            # the whole import is rolled back and reported.
            cursor.execute(f"SELECT max(id) FROM {connection.ops.quote_name(table)}")
            (top,) = cursor.fetchone()
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            seq = cursor.fetchone()
            start = max(top or 0, seq[0] if seq else 0) + 1
            return list(range(start, start + count))
    raise NotImplementedError(f"Resident import does not support {connection.vendor}.")


class IdPool:
    """Primary keys for rows of one model reserved batch after batch within one import.

    Rows may be inserted long after their ids are taken (families, at the end of the file),
    so on SQLite only the first reservation reads the table; later ones continue from it.
    """

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.next: int | None = None

    def take(self, count: int) -> list[int]:
        if count == 0:
            return []
        if connection.vendor != "sqlite":
            return reserve_ids(self.model, count)
        if self.next is None:
            self.next = reserve_ids(self.model, 1)[0]
        start, self.next = self.next, self.next + count
        return list(range(start, start + count))
