import argparse
import dataclasses
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.devtools import bench, demo


class Command(BaseCommand):
    help = (
        "Benchmark at regency scale on a SQLite (or, with --database, PostgreSQL) database of its own (in --workdir, kept per "
        "scale and reused): demo generation, OpenSID import (parse only and end to end), page "
        "latency, regency overview, throughput of 4 signed-in users against gunicorn, peak RSS. "
        "Never touches the configured database. Takes minutes at the default scale."
    )
    # The parent process never opens a database; the phases run in subprocesses.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--residents", type=int, help="living residents (default 1000000; --quick 20000)")
        parser.add_argument(
            "--villages", type=int, help="villages incl. the one kept empty for the import (default 248)"
        )
        parser.add_argument("--import-rows", type=int, help="rows of the OpenSID file (default 100000)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--workdir", default=str(Path(settings.BASE_DIR) / "var" / "bench"))
        parser.add_argument("--quick", action="store_true", help="small scale, few requests: a smoke test")
        parser.add_argument("--requests", type=int, help="requests per latency metric (default 300)")
        parser.add_argument("--duration", type=float, help="seconds of load per worker count (default 20)")
        parser.add_argument("--workers", help="gunicorn worker counts to try, e.g. 2,3,4")
        parser.add_argument(
            "--reads",
            type=int,
            help="read events in the 30-day window of the 'who read what' bench "
            "(default one per 5 residents)",
        )
        parser.add_argument("--json", help="also write the full results to this file")
        parser.add_argument(
            "--database",
            help="postgres://user@host:port/name: run on this PostgreSQL database (created when "
            "missing, the demo written with COPY) instead of a SQLite file; the table shows the "
            "last run at the same scale on the other database beside it",
        )
        parser.add_argument(
            "--compare",
            action="store_true",
            help="with --database: run on SQLite first, then on PostgreSQL, and print one table",
        )
        parser.add_argument(
            "--only",
            help="only these parts, comma-separated: core (the registry figures) and module names, "
            "e.g. health,aid; the build always runs",
        )
        parser.add_argument("--phase", help=argparse.SUPPRESS)
        parser.add_argument("--phase-dir", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["phase"]:
            bench.run_phase(options["phase"], Path(options["phase_dir"]), self._say)
            return
        if not demo.faker_installed():
            raise CommandError(demo.FAKER_MISSING)
        overrides = {
            key: options[key]
            for key in ("residents", "villages", "import_rows", "requests", "duration", "reads")
            if options[key] is not None
        }
        overrides["seed"] = options["seed"]
        if options["database"]:
            overrides["database"] = options["database"]
        elif options["compare"]:
            raise CommandError("--compare perlu --database postgres://…")
        if options["workers"]:
            try:
                overrides["workers"] = [int(w) for w in options["workers"].split(",")]
            except ValueError:
                raise CommandError("--workers: daftar angka, mis. 2,3,4")
        config = (
            bench.BenchConfig.quick_config(**overrides)
            if options["quick"]
            else bench.BenchConfig(**overrides)
        )
        if config.villages < 2:
            raise CommandError("--villages minimal 2 (satu desa dikosongkan untuk uji impor).")
        if config.reads < 0:
            raise CommandError("--reads tidak boleh negatif.")
        if min(config.residents, config.import_rows, config.requests) < 1:
            raise CommandError("--residents, --import-rows dan --requests harus minimal 1.")
        workdir = Path(options["workdir"])
        parts = {p.strip() for p in options["only"].split(",") if p.strip()} if options["only"] else None
        configs = [config]
        if options["compare"]:
            configs = [dataclasses.replace(config, database=""), config]
        reports = []
        try:
            for each in configs:
                self._say(f"== {each.engine} ==")
                reports.append(
                    bench.run(
                        config=each, workdir=workdir, cwd=Path(settings.BASE_DIR), say=self._say, parts=parts
                    )
                )
        except bench.BenchError as exc:
            raise CommandError(str(exc))
        if len(reports) == 1:
            # The last run at this scale on the other database, if any, goes beside it.
            other = bench.saved_report(workdir, config)
            if other is not None:
                reports.insert(0, other)
        self.stdout.write("")
        self.stdout.write(bench.compare_table(reports) if len(reports) > 1 else bench.table(reports[0]))
        if options["json"]:
            merged = reports[-1] if len(reports) == 1 else {"reports": reports}
            Path(options["json"]).write_text(json.dumps(merged, indent=2, default=str))
            self.stdout.write(f"Hasil lengkap: {options['json']}")

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
