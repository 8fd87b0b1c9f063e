"""Parts of `balai backup`/`restore`: --keep, and a restored database's migrations against this code."""

from __future__ import annotations

import os

import pytest

from balai.audit.backup import _migration_state, prune


def test_keep_leaves_the_newest_archives_and_other_files(tmp_path):
    for age in range(5):
        path = tmp_path / f"balai-{age}.balai-backup"
        path.write_bytes(b"x")
        os.utime(path, (1_000_000 - age * 100, 1_000_000 - age * 100))
    (tmp_path / "catatan.txt").write_text("bukan arsip")
    (tmp_path / "balai-9.balai-backup.part").write_bytes(b"x")

    gone = prune(tmp_path, 2, ".balai-backup")

    assert sorted(p.name for p in gone) == [
        "balai-2.balai-backup",
        "balai-3.balai-backup",
        "balai-4.balai-backup",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "balai-0.balai-backup",
        "balai-1.balai-backup",
        "balai-9.balai-backup.part",
        "catatan.txt",
    ]


@pytest.mark.django_db
def test_a_restored_database_from_a_newer_balai_is_told_apart():
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    assert _migration_state(connection) == ([], 0)
    MigrationRecorder(connection).record_applied("people", "9999_from_the_future")
    MigrationRecorder(connection).record_unapplied("audit", "0001_initial")

    unknown, pending = _migration_state(connection)

    assert unknown == ["people.9999_from_the_future"]
    assert pending >= 1
