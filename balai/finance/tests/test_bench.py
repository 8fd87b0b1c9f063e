"""The finance bench hook on a tiny database (no timing thresholds here)."""

from __future__ import annotations

from types import SimpleNamespace

from balai.finance import bench


def test_bench_reports_every_metric(village_a, monkeypatch):
    monkeypatch.setattr(bench, "TRANSACTIONS", 150)
    # The fields of devtools' BenchConfig that the hook reads (finance may not import devtools).
    config = SimpleNamespace(requests=3, warmup=1, overview_runs=1, seed=7)

    result = bench.bench(config, None, lambda _text: None)  # type: ignore[arg-type]

    keys = [m.key for m in result["metrics"]]
    assert keys == [
        "finance_import",
        "finance_activity_book",
        "finance_bku",
        "finance_lra",
        "finance_officials",
    ]
    assert result["activity_book"]["errors"] == 0
    assert result["bku"]["errors"] == 0
