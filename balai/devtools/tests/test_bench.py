"""The benchmark's machinery at a tiny scale: every metric is produced. No timing thresholds."""

import shutil
from pathlib import Path

from django.conf import settings

from balai.devtools import bench, demo
from balai.people.models import Resident
from balai.regions.models import Village
from balai.regions.services import village_create

TINY = {
    "residents": 150,
    "villages": 2,
    "import_rows": 120,
    "requests": 3,
    "warmup": 1,
    "overview_runs": 1,
    "duration": 1.0,
    "max_requests": 200,
    "workers": [1],
}
# The whole pipeline (subprocesses, gunicorn) at the smallest scale that still fills every
# phase: its cost is the processes it starts, not the rows, so the rows are kept few.
PIPELINE = TINY | {"residents": 40, "import_rows": 30, "requests": 2, "duration": 0.5, "max_requests": 100}
EVERY_METRIC = {
    "demo_generation",
    "scale",
    "import_parse",
    "import_rate",
    "import_ratio",
    "search_name",
    "search_nik",
    "list_filtered",
    "family_page",
    "list_cpu",
    "overview",
    "throughput_w1",
    "rss_worker",
    "rss_import",
    "rss_inprocess",
    "rss_build",
}


def _quiet(message: str) -> None:
    pass


def test_percentiles():
    stats = bench.percentiles([float(i) for i in range(1, 101)])
    assert stats["n"] == 100
    assert stats["p50"] == 50.5
    assert stats["p95"] == 95
    assert stats["max"] == 100
    assert bench.percentiles([]) == {"n": 0}


def test_import_and_latency_phases_in_process(db, tmp_path):
    # given: Brokoh with residents and accounts; Cepagan (the last village) empty for the import
    config = bench.BenchConfig.quick_config(**TINY)
    demo.generate(villages=1, residents_per_village=150, seed=config.seed)
    village_create(code="33.25.12.2007", actor=None)
    demo.ensure_accounts()
    # when
    made = bench.make_import_file(config, tmp_path, _quiet)
    imported = bench.measure_import(config, tmp_path, _quiet)
    latency = bench.measure_latency(config, _quiet)
    prepared = bench.prepare_throughput(config)
    # then: the file went in whole, and the village was emptied again
    assert imported["rows"] == 120
    assert imported["applied"]
    assert imported["imported"] == 120
    assert made["reused"] is False
    assert (tmp_path / "import-120.xlsx").exists()
    assert not Resident.objects.filter(village__code="33.25.12.2007").exists()
    for key in ("search_name", "search_nik", "list_filtered", "family_page"):
        assert latency[key]["n"] == 3, key
        assert latency[key]["errors"] == 0, (key, latency[key])
    assert latency["overview"]["n"] == 1
    assert latency["overview"]["errors"] == 0
    assert len(prepared["sessions"]) == 4
    assert all(s["urls"] for s in prepared["sessions"])


def test_village_clear_empties_only_that_village(db):
    demo.generate(villages=2, residents_per_village=40, seed=3)
    assert bench.village_clear(village_code="33.25.12.2007") > 0
    assert not Resident.objects.filter(village__code="33.25.12.2007").exists()
    assert Resident.objects.filter(village__code="33.25.01.2007").exists()
    assert Village.objects.filter(code="33.25.12.2007").exists()


def test_bench_run_produces_every_metric(tmp_path: Path, migrated_sqlite_file: Path):
    # The whole pipeline: subprocesses on their own SQLite file, gunicorn, the login form.
    config = bench.BenchConfig.quick_config(**PIPELINE)
    # The build phase migrates whatever is missing: starting from the suite's migrated file
    # saves it the ~15 s of migrations, and everything after that runs as it would.
    (tmp_path / config.key).mkdir()
    shutil.copyfile(migrated_sqlite_file, tmp_path / config.key / "bench.sqlite3")
    # The registry's figures only: each module's bench has its own test.
    report = bench.run(
        config=config, workdir=tmp_path, cwd=Path(settings.BASE_DIR), say=_quiet, parts={bench.CORE_PART}
    )
    by_key = {m["key"]: m for m in report["metrics"]}
    assert set(by_key) == EVERY_METRIC
    assert report["import"]["applied"]
    assert report["import"]["imported"] == PIPELINE["import_rows"]
    for key in ("search_name", "search_nik", "list_filtered", "family_page"):
        assert report["latency"][key]["n"] == PIPELINE["requests"], key
        assert report["latency"][key]["errors"] == 0
    run = report["throughput"]["best"]
    assert run["overview_statuses"] == {"200": 2}
    assert run["ok"] > 0
    assert run["errors"] == 0
    assert run["worker_rss_mb"]
    assert "metrik" in bench.table(report)
    assert "lup acuan (CPU) sebelum" in bench.table(report)
    # The bench database lives in the work directory, never in the configured one.
    assert (tmp_path / config.key / "bench.sqlite3").exists()


def test_compare_table_puts_sqlite_and_postgresql_side_by_side(tmp_path):
    def report(engine: str, value: str, ok: bool) -> dict:
        return {
            "engine": engine,
            "config": {"residents": 1000, "villages": 3, "quick": False},
            "started": "2026-12-06 08:00:00",
            "cpus": 2,
            "load_before": [1.0, 1.0, 1.0],
            "load_after": [2.0, 2.0, 2.0],
            "speed_before": 0.4,
            "speed_after": 0.81,
            "seconds": 10,
            "metrics": [
                {
                    "key": "list_cpu",
                    "label": "CPU",
                    "value": value,
                    "target": "≤ 6 ms",
                    "ok": ok,
                    "number": 1.0,
                }
            ],
        }

    table = bench.compare_table([report("PostgreSQL", "4.0 ms", True), report("SQLite", "9.0 ms", False)])
    header, _rule, row = table.splitlines()[:3]
    assert header.index("SQLite") < header.index("PostgreSQL")
    assert "9.0 ms ✗" in row
    assert "4.0 ms ✓" in row
    assert "beban sebelum 1.00/1.00/1.00" in table
    assert "lup acuan (CPU) sebelum 0.40 s, sesudah 0.81 s" in table
    # A PostgreSQL run finds the SQLite report saved at the same scale, and the other way round.
    config = bench.BenchConfig.quick_config(database="postgres://postgres@127.0.0.1/x")
    sqlite_dir = tmp_path / bench.BenchConfig.quick_config().key
    sqlite_dir.mkdir()
    (sqlite_dir / "report.json").write_text('{"engine": "SQLite", "metrics": []}')
    assert bench.saved_report(tmp_path, config) == {"engine": "SQLite", "metrics": []}
    assert bench.saved_report(tmp_path, bench.BenchConfig.quick_config()) is None
    assert config.key.endswith("-pg")
