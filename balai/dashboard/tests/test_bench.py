"""The "who read what" bench hook (issue 16, item 4), on a tiny database (no timing thresholds)."""

from __future__ import annotations

import pytest

from balai.audit.services import audit_verify
from balai.dashboard import bench
from balai.people.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def test_reads_are_added_once_and_the_answer_and_pages_are_measured(village_a, operator_a, monkeypatch):
    monkeypatch.setattr(bench, "READS_PER_RESIDENTS", 1)
    ResidentFactory.create_batch(3, village=village_a)

    result = bench.bench(None, None, lambda _text: None)

    assert result["reads_added"] == 3
    assert result["reads_answer_rows"] == 3
    assert [m.key for m in result["metrics"]] == [
        "dashboard.reads_answer",
        "dashboard.reads_page",
        "dashboard.reads_page_deep",
        "dashboard.reads_page_officer",
        "dashboard.reads_page_resident",
    ]
    assert all("galat" not in m.value for m in result["metrics"])
    assert bench.ensure_reads() == 0  # idempotent
    assert audit_verify(anchors=False)[1] == []  # added through the chain, which stays valid


def test_a_reads_override_fills_the_window_spread_over_its_days(village_a, operator_a, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from balai.audit.selectors import read_records

    monkeypatch.setattr(bench, "READS_PER_CALL", 2)
    ResidentFactory.create_batch(3, village=village_a)

    assert bench.ensure_reads(reads=40) == 40

    now = timezone.now()
    window = read_records(start=now - dt.timedelta(days=bench.WINDOW_DAYS), end=now)
    assert window.count() == 40
    moments = sorted(set(window.values_list("event__occurred_at", flat=True)))
    assert len(moments) == 20  # one moment a call of the trail
    assert moments[-1] - moments[0] > dt.timedelta(days=1)
    assert bench.ensure_reads(reads=40) == 0
    assert audit_verify(anchors=False)[1] == []  # backdated through the chain, which stays valid
