"""A read split over two database connections at once, for the few pages that count a whole
regency.

PostgreSQL runs one query on one core unless its planner picks a parallel plan, and it does not
for correlated counts (the regency overview's count per village, sex and age band: each a
range of an index, the cheapest way to count every resident without sorting them). Half the
villages counted in this thread and half in a second thread with its own connection take about
half the time on a machine with a core to spare; the rows are the same.

Only where it cannot change the answer: on PostgreSQL (a SQLite file has one writer and its
readers gain little), outside any transaction on the thread's connection (a second connection
does not see rows the first has not committed, nor the first's snapshot), and for inputs large
enough to pay for the second connection.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Model

T = TypeVar("T")
R = TypeVar("R")


def split_read(
    model: type[Model], items: Sequence[T], read: Callable[[Sequence[T]], R], *, min_items: int
) -> list[R]:
    """`read` of the first and the second half of `items`, the second in another thread with its
    own connection when that is safe and `items` has at least `min_items`; else `read(items)`
    alone. The results in order; the caller merges them."""
    alias = router.db_for_read(model)
    if (
        len(items) < max(2, min_items)
        or connections[alias].vendor != "postgresql"
        or connections[alias].in_atomic_block
        or connections[DEFAULT_DB_ALIAS].in_atomic_block
    ):
        return [read(items)]
    half = len(items) // 2
    # The request's context (the replica routing flag) goes with the second half.
    context = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="split-read") as pool:
        second = pool.submit(context.run, _in_own_connection, read, items[half:])
        first = read(items[:half])
        return [first, second.result()]


def _in_own_connection(read: Callable[[Sequence[T]], R], items: Sequence[T]) -> R:
    try:
        return read(items)
    finally:
        # The thread's connections die with it: close them rather than leave them to the server.
        connections.close_all()
