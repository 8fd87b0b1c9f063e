"""`balai backup --keep N`: the newest N archives stay, nothing else in the directory is touched."""

from __future__ import annotations

import os

from balai.audit.backup import prune


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
