"""`balai bench --only desk` on a tiny database (no timing thresholds): every measured request
gets the answer a real user gets, so a refused request can never pass for a fast one."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from balai.desk import bench

pytestmark = pytest.mark.django_db


def test_the_desk_bench_measures_pages_and_both_writes_without_errors(village_a, operator_a, monkeypatch):
    monkeypatch.setattr(bench, "PAST_TICKETS", 12)
    # The three settings desk's bench reads (a BenchConfig lives in devtools, above this app).
    config = SimpleNamespace(requests=4, warmup=1, quick=True)

    result = bench.bench(config, None, lambda _text: None)

    values = [m.value for m in result["metrics"]]
    assert len(values) == 4
    assert all("galat" not in value for value in values), values
