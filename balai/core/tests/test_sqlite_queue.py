"""The SQLite backend's writer queue (balai/core/db/sqlite3): write transactions of different
connections take turns through a lock file, and let go on commit, rollback and close."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

import pytest
from django.db import OperationalError, connections, transaction

from balai.core.db.sqlite3.base import DatabaseWrapper


def _wrapper(path: Path, alias: str, timeout: float = 5.0) -> DatabaseWrapper:
    settings = dict(connections["default"].settings_dict)
    settings |= {
        "ENGINE": "balai.core.db.sqlite3",
        "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout},
        "TEST": {},
    }
    wrapper = DatabaseWrapper(settings, alias)
    connections[alias] = wrapper
    return wrapper


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker):  # noqa: ANN001, ANN202 - these tests open their own files
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "queue.sqlite3"
    w = _wrapper(path, "queue_setup")
    with w.cursor() as c:
        c.execute("PRAGMA journal_mode=WAL")
        c.execute("CREATE TABLE t (n INTEGER)")
    w.close()
    return path


def _in_thread(target, *args):  # noqa: ANN001, ANN202 - test helper
    errors: list[BaseException] = []

    def run() -> None:
        try:
            target(*args)
        except BaseException as e:  # noqa: BLE001 - reported to the test
            errors.append(e)
        finally:
            connections.close_all()

    t = threading.Thread(target=run)
    t.start()
    return t, errors


def test_second_writer_waits_for_the_first_to_commit(db_file: Path) -> None:
    order: list[str] = []
    first_in = threading.Event()

    def first() -> None:
        _wrapper(db_file, "queue_a")
        with transaction.atomic(using="queue_a"):
            connections["queue_a"].cursor().execute("INSERT INTO t VALUES (1)")
            first_in.set()
            time.sleep(0.3)
            order.append("first commits")

    def second() -> None:
        _wrapper(db_file, "queue_b")
        first_in.wait(5)
        with transaction.atomic(using="queue_b"):
            order.append("second in")
            connections["queue_b"].cursor().execute("INSERT INTO t VALUES (2)")

    t1, e1 = _in_thread(first)
    t2, e2 = _in_thread(second)
    t1.join()
    t2.join()
    assert not e1
    assert not e2
    assert order == ["first commits", "second in"]
    assert Path(f"{db_file}-writers").exists()


def test_a_writer_that_waits_too_long_gets_database_is_locked(db_file: Path) -> None:
    holding, done = threading.Event(), threading.Event()

    def holder() -> None:
        _wrapper(db_file, "queue_a")
        with transaction.atomic(using="queue_a"):
            holding.set()
            done.wait(5)

    t, errors = _in_thread(holder)
    holding.wait(5)
    waiter = _wrapper(db_file, "queue_b", timeout=0.2)
    try:
        with pytest.raises(OperationalError, match="database is locked"), transaction.atomic(using="queue_b"):
            pass
    finally:
        done.set()
        t.join()
        waiter.close()
    assert not errors


def test_the_queue_holds_writers_back_even_when_sqlite_is_free(db_file: Path) -> None:
    # Another process's turn, taken on the lock file alone: no SQLite transaction is open.
    fd = os.open(f"{db_file}-writers", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    waiter = _wrapper(db_file, "queue_b", timeout=0.2)
    try:
        with pytest.raises(OperationalError, match="database is locked"), transaction.atomic(using="queue_b"):
            pass
    finally:
        os.close(fd)
    with transaction.atomic(using="queue_b"):  # the turn is free again
        waiter.cursor().execute("INSERT INTO t VALUES (3)")
    waiter.close()


def _failing_write(alias: str) -> None:
    with transaction.atomic(using=alias):
        connections[alias].cursor().execute("INSERT INTO t VALUES (1)")
        raise RuntimeError("boom")


def test_rollback_lets_the_next_writer_in(db_file: Path) -> None:
    a = _wrapper(db_file, "queue_a")
    with pytest.raises(RuntimeError):
        _failing_write("queue_a")
    b = _wrapper(db_file, "queue_b", timeout=0.2)
    with transaction.atomic(using="queue_b"):
        b.cursor().execute("INSERT INTO t VALUES (2)")
    with b.cursor() as c:
        c.execute("SELECT n FROM t")
        assert c.fetchall() == [(2,)]
    a.close()
    b.close()


def test_in_memory_databases_have_no_queue() -> None:
    assert connections["default"].vendor != "sqlite" or connections["default"]._queue_path() is None
