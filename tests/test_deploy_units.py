"""The scheduled jobs shipped in deploy/ (issue 16, item 4): every unit and cron line runs a
command Balai has, every timer has its service, and systemd accepts the units."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
BALAI = "/opt/balai/.venv/bin/balai"


def _commands(text: str) -> list[str]:
    return [m.replace("-", "_") for m in re.findall(r"\.venv/bin/balai ([a-z][a-z_-]*)", text)]


def test_every_scheduled_command_exists():
    known = set(get_commands())
    units = sorted((DEPLOY / "systemd").glob("*.service"))
    scheduled = [c for unit in units for c in _commands(unit.read_text())]
    scheduled += _commands((DEPLOY / "cron" / "balai").read_text())
    assert {"audit_anchor", "backup", "snapshot"} <= set(scheduled)
    assert set(scheduled) <= known


def test_every_timer_has_its_service():
    timers = {p.stem for p in (DEPLOY / "systemd").glob("*.timer")}
    services = {p.stem for p in (DEPLOY / "systemd").glob("*.service")}
    assert timers == services == {"balai-audit-anchor", "balai-backup", "balai-snapshot"}


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    here = str(Path(sys.executable).with_name("balai"))
    for unit in (DEPLOY / "systemd").iterdir():
        (tmp_path / unit.name).write_text(unit.read_text().replace(BALAI, here))
    names = sorted(p.name for p in tmp_path.iterdir())
    done = subprocess.run(
        [analyze, "verify", *names], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert not done.stderr.strip(), done.stderr
