"""`balai demo` as a user runs it (apart from test_demo.py, whose module shares one demo)."""

from django.core.management import call_command

from balai.devtools import demo
from balai.regions.models import Village


def test_demo_command_prints_logins_and_can_run_twice(db, capsys):
    call_command("demo", villages=1, residents_per_village=30)
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in out
    assert demo.DEMO_PASSWORD in out
    assert "operator.brokoh" in out
    assert "dispermades" in out
    call_command("demo", villages=1, residents_per_village=30)
    out = capsys.readouterr().out
    assert "sudah ada" in out
    assert "operator.brokoh" in out
    assert Village.objects.count() == 1
