"""SQLite with a queue for writers.

SQLite lets one writer in at a time. A writer that finds the lock taken sleeps in SQLite's
busy handler for 1, 2, 5, 10, 15, 20, 25 … ms before looking again, so under steady
concurrent writes (several web workers issuing letters, kiosks signing in) most of the time
goes to sleeping while the lock is free: two processes issuing letters used one core of two.

Here every write transaction (Django opens them with `BEGIN IMMEDIATE`, see settings) first
takes an exclusive `flock` on a file beside the database, checked every 0.5–2 ms, and lets go
at commit, rollback or close. The kernel drops the lock of a process that dies. Waiting
longer than the connection's `timeout` raises the same "database is locked" error SQLite
would. In-memory databases (tests) have no file and no queue.
"""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3 as Database
import time
from functools import lru_cache
from typing import Any

from django.db.backends.sqlite3 import base

# Django's own conversion (django.db.backends.sqlite3.base.FORMAT_QMARK_REGEX).
_FORMAT_QMARK = re.compile(r"(?<!%)%s")


@lru_cache(maxsize=1024)
def _qmark(query: str) -> str:
    return _FORMAT_QMARK.sub("?", query).replace("%%", "%")


class CursorWrapper(base.SQLiteCursorWrapper):
    """Django's, with each statement's conversion to SQLite's "?" placeholders kept: the same
    few statements run on every page, and converting the audit's 50-event INSERT (650
    placeholders, a regular expression over ~5 kB) again on every list page was ~3% of the
    page's CPU."""

    def convert_query(self, query: str, *, param_names: list[str] | None = None) -> str:
        if param_names is None:
            return _qmark(query)
        return query % {name: f":{name}" for name in param_names}


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queue_fd: int | None = None
        self._queue_held = False

    def create_cursor(self, name: str | None = None) -> Any:
        return self.connection.cursor(factory=CursorWrapper)

    def _queue_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name:
            return None
        return f"{name}-writers"

    def _queue_take(self) -> None:
        path = self._queue_path()
        if path is None or self._queue_held:
            return
        if self._queue_fd is None:
            self._queue_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", 5))
        deadline = time.monotonic() + timeout
        pause = 0.0005
        while True:
            try:
                fcntl.flock(self._queue_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Database.OperationalError("database is locked") from None
                time.sleep(pause)
                pause = min(pause * 2, 0.002)
        self._queue_held = True

    def _queue_release(self) -> None:
        if self._queue_held and self._queue_fd is not None:
            fcntl.flock(self._queue_fd, fcntl.LOCK_UN)
        self._queue_held = False

    def _start_transaction_under_autocommit(self) -> None:
        with self.wrap_database_errors:  # raised as django.db.OperationalError, as SQLite's own
            self._queue_take()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._queue_release()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            # A failed COMMIT leaves the transaction open and Django rolls it back next, which
            # lets go then.
            if self.connection is None or not self.connection.in_transaction:
                self._queue_release()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._queue_release()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._queue_release()
            if self._queue_fd is not None:
                os.close(self._queue_fd)
                self._queue_fd = None
