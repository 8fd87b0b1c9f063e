"""`balai bench`: the project's benchmark at regency scale, on a database of its own.

The command never opens the configured database. It re-runs itself as subprocesses with
SQLITE_PATH (or, with `--database postgres://…`, DATABASE_URL naming a PostgreSQL database it
creates if missing) and BALAI_VAR_DIR pointing into the work directory (one directory per
scale and database, kept for the next run), one subprocess per phase so that each phase's peak
memory is its own:

  build     migrate, regions, the demo regency at the requested scale, demo accounts
  import    an OpenSID file of N rows: parsed only (the floor), then imported end to end
            into the one village the build leaves empty, which is emptied again afterwards
  latency   page timings in process (django.test.Client, DEBUG off), overview uncached
  prepare   accounts and list-page URLs for the throughput run

Then it serves that database with gunicorn (`config.wsgi`, production settings) on a free
loopback port, signs in separate sessions through the login form and has them fetch list
pages concurrently, once per worker count, reading each worker's peak RSS from /proc.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib
import json
import math
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules

from balai.core.db.memory import sqlite_unmapped

Say = Callable[[str], None]

GENERATION_TARGET_S_PER_MILLION = 300.0
# Issue 22's targets (they were 10,000 rows/s, 3× and 150 pages/s before it).
IMPORT_RATE_TARGET = 15_000.0
IMPORT_PARSE_RATIO_TARGET = 2.0
PAGE_P95_TARGET_MS = 50.0
LIST_CPU_TARGET_MS = 6.0
OVERVIEW_TARGET_S = 1.0
THROUGHPUT_TARGET = 250.0  # SQLite
THROUGHPUT_TARGET_POSTGRES = 200.0
RSS_TARGET_MB = 400.0


class BenchError(Exception):
    pass


@dataclass
class BenchConfig:
    residents: int = 1_000_000
    villages: int = 248
    import_rows: int = 100_000
    seed: int = 1
    requests: int = 300  # per latency metric, after the warm-up
    warmup: int = 20
    overview_runs: int = 10
    duration: float = 20.0  # seconds of load per worker count
    max_requests: int = 50_000  # per worker count, whatever the duration
    workers: list[int] = field(default_factory=lambda: [2, 3, 4])
    users: int = 4
    quick: bool = False
    # A PostgreSQL URL (postgres://user@host:port/name): the bench database there instead of a
    # SQLite file; the database is created when missing and reused like the file.
    database: str = ""
    # Read events the "who read what" bench (dashboard) wants in its 30-day window; 0 = one per
    # five residents (200,000 at a million), so a small build can be measured at a large volume.
    reads: int = 0

    @classmethod
    def quick_config(cls, **overrides: Any) -> BenchConfig:
        values: dict[str, Any] = {
            "residents": 20_000,
            "villages": 8,
            "import_rows": 10_000,
            "requests": 50,
            "warmup": 5,
            "overview_runs": 3,
            "duration": 5.0,
            "max_requests": 5_000,
            "workers": [3],
            "quick": True,
        }
        values.update(overrides)
        return cls(**values)

    @property
    def key(self) -> str:
        return f"r{self.residents}-v{self.villages}-s{self.seed}" + ("-pg" if self.database else "")

    @property
    def engine(self) -> str:
        return "PostgreSQL" if self.database else "SQLite"


# --- Small helpers ---------------------------------------------------------------------------


def vm_hwm_mb(pid: int | str = "self") -> float | None:
    """Peak resident set size (VmHWM) of a process in MB, from /proc; None if unreadable."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


def _status_mb(pid: int | str, fields: tuple[str, ...]) -> dict[str, float]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    found = {}
    for name in fields:
        match = re.search(rf"^{name}:\s+(\d+) kB", text, re.MULTILINE)
        if match:
            found[name] = int(match.group(1)) / 1024
    return found


class MemorySampler:
    """Peak RSS of some processes, split into private (RssAnon) and file-backed (RssFile).

    The kernel keeps only the total peak (VmHWM). SQLite maps up to `mmap_size` of the
    database into each process, and those shared, reclaimable page-cache pages count as
    RSS too, so the private part is sampled here (every 50 ms) to tell the two apart.
    """

    def __init__(self, pids: list[int | str], interval: float = 0.05) -> None:
        self.pids = pids
        self.interval = interval
        self.peak: dict[str, float] = {"VmRSS": 0.0, "RssAnon": 0.0, "RssFile": 0.0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        for pid in self.pids:
            for name, value in _status_mb(pid, ("VmRSS", "RssAnon", "RssFile")).items():
                self.peak[name] = max(self.peak[name], value)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> MemorySampler:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def report(self) -> dict[str, float | None]:
        hwm = [vm_hwm_mb(pid) for pid in self.pids]
        return {
            "hwm_mb": max((h for h in hwm if h is not None), default=None),
            "anon_peak_mb": self.peak["RssAnon"],
            "file_peak_mb": self.peak["RssFile"],
        }


def child_pids(pid: int) -> list[int]:
    children: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            children += [int(c) for c in text]
    except OSError:
        pass
    return children


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process has used so far, from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    if not ordered:
        return {"n": 0}
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "n": len(ordered),
        "p50": statistics.median(ordered),
        "p95": p95,
        "max": ordered[-1],
        "mean": statistics.fmean(ordered),
    }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def stopwatch() -> Iterator[list[float]]:
    box = [0.0]
    start = time.perf_counter()
    try:
        yield box
    finally:
        box[0] = time.perf_counter() - start


# --- Phases (run inside the bench database's subprocess) ------------------------------------


def _codes(config: BenchConfig) -> tuple[list[str], str]:
    from balai.devtools.demo import demo_village_codes
    from balai.devtools.synthetic import is_synthetic

    # Beyond the regency's real villages (248 in Batang) the bench adds synthetic ones; the
    # import village stays the last real one, whose NIK region the import file carries.
    codes = demo_village_codes(config.villages, synthetic=True)
    import_code = [c for c in codes if not is_synthetic(c)][-1]
    return [c for c in codes if c != import_code], import_code


def _server_cpu() -> tuple[int | None, float]:
    """The PostgreSQL backend serving this connection, when it runs on this machine, and the
    CPU it has used so far (from /proc); (None, 0) on SQLite or a remote server."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None, 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = int(cursor.fetchone()[0])
    used = cpu_seconds(pid)
    return (pid, used) if used is not None else (None, 0.0)


# The registry's big tables: their secondary indexes and constraints are dropped while the
# bench build loads them and made again afterwards (`core.db.bulk.deferred_indexes`).
DEFERRED_TABLES = ("people_resident", "people_family", "people_household", "people_lifeevent")
DEFERRED_STATE = "deferred-indexes.json"

V = TypeVar("V")
R = TypeVar("R")


def module_demo_state(phase_dir: Path, module: str) -> Path:
    """Where `module_demo_load` lists what it dropped for `module` (see `restore_module_demo`)."""
    return phase_dir / f"deferred-{module}.json"


def restore_module_demo(phase_dir: Path, module: str) -> None:
    """Make again what an interrupted `module_demo_load` of `module` left dropped."""
    from django.db import connection

    from balai.core.db import bulk

    if connection.vendor == "postgresql":
        bulk.restore_deferred(module_demo_state(phase_dir, module))


def module_demo_villages(villages: Sequence[V], write: Callable[[V], R]) -> list[R]:
    """`write(village)` for every village (each in its own transaction: the caller's), inside
    `module_demo_load`; the results in the villages' order. On PostgreSQL in two connections at
    once, every other village in a second thread: while one thread's Python makes a village's
    rows, the server stores the other's (the demo is about half each), as the build overlaps
    its worker and the server. A village's data depends on its own seed only, so it is the
    same data; only the order of the database ids differs."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.vendor != "postgresql" or len(villages) < 2:
        return [write(v) for v in villages]
    results: dict[int, R] = {}

    def run(indexes: range) -> None:
        for i in indexes:
            results[i] = write(villages[i])

    def in_own_connection(indexes: range) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO off")  # as `module_demo_load`
            run(indexes)
        finally:
            # The thread's connection dies with it: closed rather than left to the server.
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-load") as pool:
        second = pool.submit(in_own_connection, range(1, len(villages), 2))
        run(range(0, len(villages), 2))
        second.result()
    return [results[i] for i in range(len(villages))]


@contextlib.contextmanager
def module_demo_load(tables: Sequence[str], *, phase_dir: Path, module: str) -> Iterator[dict[str, float]]:
    """A module's demo data written to the bench database the way the build writes the registry
    (PostgreSQL; elsewhere nothing changes): no wait for the WAL flush at each village's commit,
    and `tables` without their secondary indexes and constraints until the end
    (`bulk.deferred_indexes`). Kept, every row costs an entry in each of up to sixteen indexes
    and, at the commit, a foreign-key check per parent that locks the parent row (rewriting
    the pages of the freshly built residents and families); made again at the end, each index
    is one sort and each foreign key one check over the loaded rows. On the freshly built
    1,000,000-resident database (load 3-4): aid 68 -> 19 s, education 51 -> 12 s. The caller
    times the block whole: the data is not there before its indexes are. The module's demo
    must not read `tables` meanwhile except by primary key (the only index left)."""
    from django.db import connection

    from balai.core.db import bulk

    if connection.vendor != "postgresql":
        yield {}
        return
    with connection.cursor() as cursor:
        # The bench's own database, rebuilt from the seed if lost (as in `build_scale`).
        cursor.execute("SET synchronous_commit TO off")
    try:
        with bulk.deferred_indexes(tables, state=module_demo_state(phase_dir, module)) as timing:
            yield timing
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _process_cpu() -> tuple[float, float]:
    """CPU of this process, and of its children that have ended (the build's worker)."""
    t = os.times()
    return t.user + t.system, t.children_user + t.children_system


def build_scale(config: BenchConfig, phase_dir: Path, say: Say) -> dict[str, Any]:
    """The demo regency at `config`'s scale; the last village stays empty for the import.

    On PostgreSQL the registry's tables are loaded without their secondary indexes and
    constraints (made again at the end, one sort each) while a worker process plans and
    encodes the next village: the build's Python and the server's work overlap on two cores.
    Each step prints the time since the phase began."""
    from django.core.management import call_command
    from django.db import connection

    from balai.core.db import bulk
    from balai.devtools import demo
    from balai.people.models import Resident
    from balai.regions.models import Village
    from balai.regions.services import village_create

    phase_started = time.perf_counter()

    def step(message: str) -> None:
        say(f"[{time.perf_counter() - phase_started:7.1f} s] {message}")

    # A build killed while the indexes were dropped: they are made again before anything else.
    if connection.vendor == "postgresql" and (phase_dir / DEFERRED_STATE).exists():
        step("membuat ulang indeks yang tertinggal dari pembangunan yang terputus")
        bulk.restore_deferred(phase_dir / DEFERRED_STATE, say)
    demo.ensure_database()
    step("migrasi dan wilayah siap")
    populated, import_code = _codes(config)
    per_village = math.ceil(config.residents / len(populated))
    meta_path = phase_dir / "scale.json"
    meta: dict[str, Any] = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    alive = Resident.objects.filter(status=1, village__code__in=populated).count()
    reused = bool(meta.get("complete")) and alive >= config.residents
    if not reused:
        step(
            f"membangun kabupaten demo: {len(populated)} desa × ~{per_village} penduduk (seed {config.seed})"
        )
        step_every = max(1, len(populated) // 40)
        load_started = time.perf_counter()
        written = [0]

        def progress(done: int, total: int, name: str, residents: int) -> None:
            written[0] += residents
            if done % step_every == 0 or done == total:
                seconds = time.perf_counter() - load_started
                step(
                    f"  {done}/{total} desa ({name}): {written[0]:,} catatan penduduk, "
                    f"{written[0] / seconds if seconds else 0:,.0f}/s"
                )

        # The registry alone: this is the figure the generation target is about, and each
        # module's bench adds (and times) its own demo data where it measures.
        cpu_started = _process_cpu()
        server_pid, server_started = _server_cpu()
        if server_pid is not None:
            with connection.cursor() as cursor:
                # The bench's own database, rebuilt from the seed if lost: no wait for the WAL
                # flush at each village's commit (the data written is the same).
                cursor.execute("SET synchronous_commit TO off")
        with bulk.deferred_indexes(DEFERRED_TABLES, state=phase_dir / DEFERRED_STATE, say=say) as deferred:
            if server_pid is not None:
                step(f"indeks sekunder dan batasan {', '.join(DEFERRED_TABLES)} dilepas selama pemuatan")
            result = demo.generate(
                villages=len(populated),
                codes=populated,
                residents_per_village=per_village,
                seed=config.seed,
                progress=progress,
                extensions=False,
                parallel=True,
            )
            load_s = time.perf_counter() - load_started
            if server_pid is not None:
                step(f"pemuatan selesai dalam {load_s:.1f} s; membuat ulang indeks dan batasan")
        index_s = deferred.get("restore_s")
        if index_s is not None:
            step(f"indeks dan batasan dibuat ulang dalam {index_s:.1f} s")
        # This process's CPU and its worker's (on PostgreSQL the server's work is not in it):
        # the build's cost on a machine whose other cores are busy, where the wall time says little.
        cpu_ended = _process_cpu()
        worker_cpu = cpu_ended[1] - cpu_started[1]
        build_cpu = cpu_ended[0] - cpu_started[0] + worker_cpu
        # The backend's CPU; the parallel workers of CREATE INDEX are not in it.
        server_cpu = (cpu_seconds(server_pid) or 0.0) - server_started if server_pid else None
        seconds = time.perf_counter() - load_started
        # Measured separately so the generation figure stays comparable with earlier runs.
        from balai.core.db.statistics import refresh_statistics

        started = time.perf_counter()
        refresh_statistics(vacuum=True)
        vacuum_s = time.perf_counter() - started
        step(f"statistik perencana kueri diperbarui dalam {vacuum_s:.1f} detik")
        alive = Resident.objects.filter(status=1, village__code__in=populated).count()
        meta = {
            "complete": True,
            "seconds": seconds,
            "load_s": load_s,
            "index_s": index_s,
            "vacuum_s": vacuum_s,
            "cpu_seconds": build_cpu,  # the worker's included
            "worker_cpu_seconds": worker_cpu,
            "server_cpu_seconds": server_cpu,
            "records_generated": result.residents,
            "alive_generated": result.alive,
            "villages_generated": len(result.villages_created),
            "resumed": bool(result.villages_skipped),
            "built_at": time.strftime("%Y-%m-%d %H:%M:%S"),
            "load_during_build": os.getloadavg(),
        }
        meta_path.write_text(json.dumps(meta, indent=2))
    if not Village.objects.filter(code=import_code).exists():
        village_create(code=import_code, actor=None)
    demo.ensure_accounts()
    call_command("collectstatic", interactive=False, verbosity=0)
    phase_s = time.perf_counter() - phase_started
    step(f"fase build selesai ({'dipakai ulang' if reused else 'dibangun'})")
    return {
        **meta,
        "reused": reused,
        "phase_s": phase_s,
        "alive": alive,
        "records": Resident.objects.count(),
        "villages": Village.objects.count(),
        "populated_villages": len(populated),
        "import_village": import_code,
    }


# Rows that survive emptying a village: accounts, the audit trail (append-only) and the
# village's officials; their links to residents are cleared instead.
_CLEAR_KEEP = {"accounts.user", "audit.auditevent", "audit.auditchain", "staff.official"}


def _clear_plan() -> tuple[list[Any], list[tuple[Any, str]], list[tuple[Any, str, Any]]]:
    """Models whose rows of the village go (the registry's, and every module's that points at
    them, transitively) and the nullable links to null on rows that stay."""
    from balai.people.models import DuplicateDecision, Family, Household, LifeEvent, Resident
    from balai.regions.models import Dusun, Rt

    doomed: list[Any] = [DuplicateDecision, LifeEvent, Resident, Household, Family, Rt, Dusun]
    nulled: list[tuple[Any, str]] = []
    children: list[tuple[Any, str, Any]] = []
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            if model in doomed:
                continue
            links = [
                f
                for f in model._meta.concrete_fields
                if f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model in doomed
            ]
            if not links:
                continue
            if model._meta.label_lower in _CLEAR_KEEP:
                for f in links:
                    if not f.null:
                        raise BenchError(f"{model._meta.label}.{f.name} mencegah pengosongan desa")
                    if (model, f.column) not in nulled:
                        nulled.append((model, f.column))
                continue
            if not any(f.name == "village" for f in model._meta.concrete_fields):
                # A child table without its own village column goes with its parent's rows.
                parents = [
                    f
                    for f in links
                    if any(p.name == "village" for p in f.related_model._meta.concrete_fields)  # type: ignore[union-attr]
                ]
                if not parents:
                    raise BenchError(f"{model._meta.label} tidak punya kolom village; tidak bisa dikosongkan")
                children.append((model, parents[0].column, parents[0].related_model))
            doomed.append(model)
            grew = True
    return doomed, nulled, children


def village_clear(*, village_code: str) -> int:
    """Remove every resident, family, household, event and address unit of one village, and
    every module's rows that refer to them.

    Raw DELETEs: the ORM's collector would load each of 100,000 residents to follow the
    relations, and only the bench, on its own database, ever empties a village. Foreign keys
    are checked at commit (Django declares them deferrable), so the order does not matter.
    """
    from django.db import connection, transaction

    from balai.audit.services import audit_record
    from balai.people.models import Family, Household, Resident
    from balai.regions.models import Village

    village = Village.objects.get(code=village_code)
    quote = connection.ops.quote_name
    doomed, nulled, children = _clear_plan()
    childless = [m for m in doomed if m not in {c[0] for c in children}]
    with transaction.atomic(), connection.cursor() as cursor:
        count = Resident.objects.filter(village=village).count()
        if count == 0 and not Family.objects.filter(village=village).exists():
            return 0
        cursor.execute(
            f"UPDATE {quote(Family._meta.db_table)} SET head_id = NULL WHERE village_id = %s", [village.pk]
        )
        cursor.execute(
            f"UPDATE {quote(Household._meta.db_table)} SET head_id = NULL WHERE village_id = %s", [village.pk]
        )
        for model, column in nulled:
            cursor.execute(
                f"UPDATE {quote(model._meta.db_table)} SET {quote(column)} = NULL WHERE village_id = %s",
                [village.pk],
            )
        # Children first: their rows are found through parents that are still there.
        for model, column, parent in reversed(children):
            cursor.execute(
                f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(column)} IN "
                f"(SELECT id FROM {quote(parent._meta.db_table)} WHERE village_id = %s)",
                [village.pk],
            )
        for model in reversed(childless):
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)} WHERE village_id = %s", [village.pk])
        audit_record(
            actor=None,
            village=village,
            action="bench.village_cleared",
            object_type="village",
            object_id=village.code,
            changes={"residents": count},
        )
    return count


def import_file_path(config: BenchConfig, phase_dir: Path) -> Path:
    return phase_dir / f"import-{config.import_rows}.xlsx"


def make_import_file(config: BenchConfig, phase_dir: Path, say: Say) -> dict[str, Any]:
    """The OpenSID file for the import: synthetic people put in the empty village, exported
    with `people.exports`, then removed again, so their NIKs are free for the import."""
    try:
        from balai.people import exports
    except ImportError as exc:
        return {"missing": f"{exc}"}
    from balai.audit.services import audit_record
    from balai.devtools.demo import populate_village
    from balai.regions.models import Village

    path = import_file_path(config, phase_dir)
    _populated, import_code = _codes(config)
    if path.exists():
        return {"path": str(path), "reused": True}
    say(f"membuat berkas OpenSID {config.import_rows} baris (sekali; disimpan untuk run berikutnya)")
    village = Village.objects.get(code=import_code)
    village_clear(village_code=import_code)
    counts = populate_village(village=village, records=config.import_rows, seed=config.seed)
    audit_record(
        actor=None,
        village=village,
        action="bench.file_people_generated",
        object_type="village",
        object_id=village.code,
        changes={"residents": counts.residents},
    )
    partial = path.with_suffix(".partial.xlsx")
    exports.export_residents(village=village, path=partial)
    partial.rename(path)
    village_clear(village_code=import_code)
    return {"path": str(path), "reused": False}


def _vacuum_after_clear() -> float | None:
    """On PostgreSQL, VACUUM (ANALYZE) the registry's tables after the import village is
    emptied again; the seconds it took (None on SQLite).

    Emptying it leaves 200,000 dead rows (the file's people, written and deleted twice), and
    until a vacuum the regency overview's index-only scans visit the table for each of them:
    19 s instead of 2 s at a million residents, measured while autovacuum had not come round
    on a loaded machine. A deployment never deletes a whole village's people, and autovacuum
    follows any large import; the latency figures are about that steady state."""
    from django.db import connection

    from balai.core.db.statistics import refresh_statistics
    from balai.people.models import Family, Household, LifeEvent, Resident

    if connection.vendor != "postgresql":
        return None
    started = time.perf_counter()
    tables = [m._meta.db_table for m in (Resident, Family, Household, LifeEvent)]
    refresh_statistics(tables=tables, vacuum=True)
    return time.perf_counter() - started


def measure_import(config: BenchConfig, phase_dir: Path, say: Say) -> dict[str, Any]:
    """Parse-only and end-to-end import of the OpenSID file into the empty village."""
    try:
        from balai.people import imports, opensid
    except ImportError as exc:
        return {"missing": f"{exc}"}
    from balai.regions.models import Village

    _populated, import_code = _codes(config)
    village = Village.objects.get(code=import_code)
    path = import_file_path(config, phase_dir)
    if not path.exists():
        return {"missing": f"{path.name} was not made"}
    with sqlite_unmapped():
        village_clear(village_code=import_code)  # leftovers of an interrupted run
    say("impor: parse saja (dua kali; yang kedua dihitung, dengan berkas dan modul sudah hangat)")
    opensid.parse_file(path)
    with stopwatch() as parse_time:
        parsed = opensid.parse_file(path)
    rows = parsed.data_rows
    parse_problems = len(parsed.errors)
    del parsed
    say("impor: ujung ke ujung")
    with stopwatch() as import_time:
        result = imports.import_residents(village=village, path=path, actor=None)
    with sqlite_unmapped():
        village_clear(village_code=import_code)
    vacuum_s = _vacuum_after_clear()
    return {
        "vacuum_after_clear_s": vacuum_s,
        "rows": rows,
        "parse_s": parse_time[0],
        "parse_errors": parse_problems,
        "import_s": import_time[0],
        "applied": result.applied,
        "imported": result.imported,
        "import_errors": len(result.errors),
        "first_errors": result.errors[:3],
        "village": import_code,
    }


def _fetch_all(client: Any, urls: list[str], warmup: int) -> dict[str, Any]:
    statuses: Counter[int] = Counter()
    samples: list[float] = []
    cpu: list[float] = []
    for i, url in enumerate(urls):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
        used = (time.process_time() - start_cpu) * 1000
        statuses[response.status_code] += 1
        if i >= warmup:
            samples.append(elapsed)
            cpu.append(used)
    result: dict[str, Any] = percentiles(samples)
    # This process's CPU per request, the whole middleware stack included (and, on SQLite,
    # the database's work, which runs in the process): what a worker spends on a page,
    # however busy the machine's other cores are.
    result["cpu_ms"] = percentiles(cpu)
    result["statuses"] = dict(statuses)
    result["errors"] = sum(n for code, n in statuses.items() if code != 200)
    return result


def _village_sample(village: Any) -> dict[str, Any]:
    from balai.people.models import Family, Resident

    residents = list(
        Resident.objects.filter(village=village, status=1).values_list(
            "public_id", "name_key", "nik", "birth_date", "sex", "rt__dusun_id"
        )
    )
    families = list(
        Family.objects.filter(village=village, is_active=True).values_list("public_id", flat=True)
    )
    return {"residents": residents, "families": families}


def list_urls(*, village: Any, count: int, rnd: random.Random, today: Any) -> list[str]:
    """Resident list pages of one village: filtered by dusun, sex and age, at random depths."""
    from django.urls import reverse

    base = reverse("people:resident_list")
    sample = _village_sample(village)["residents"]
    urls = []
    for _ in range(count):
        public_id, _name, _nik, birth, sex, dusun = rnd.choice(sample)
        age = today.year - birth.year if birth else 30
        low = max(0, age - rnd.randint(0, 15))
        params: dict[str, Any] = {"age_min": low, "age_max": low + rnd.randint(10, 30)}
        if rnd.random() < 0.8 and dusun:
            params["dusun"] = dusun
        if rnd.random() < 0.7:
            params["sex"] = sex
        if rnd.random() < 0.9:
            params["after"] = public_id  # the anchor row itself matches the filters: a real deep page
        urls.append(f"{base}?{urlencode(params)}")
    return urls


def measure_latency(config: BenchConfig, say: Say) -> dict[str, Any]:
    """Pages as an operator of Brokoh sees them, and the regency overview as Dispermades."""
    from django.core.cache import cache
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from balai.accounts.models import User
    from balai.devtools.demo import PILOT_CODES
    from balai.regions.models import Village

    rnd = random.Random(config.seed)
    today = timezone.localdate()
    populated, _import_code = _codes(config)
    code = next(c for c in [*PILOT_CODES, *populated] if c in populated)
    village = Village.objects.get(code=code)
    operator = User.objects.filter(village=village, role="operator").order_by("pk").first()
    if operator is None:
        raise BenchError(f"no operator account for {village.name}")
    client = Client(raise_request_exception=False)
    client.force_login(operator)
    sample = _village_sample(village)
    n = config.requests + config.warmup
    results: dict[str, Any] = {"village": village.name, "village_residents": len(sample["residents"])}

    def words() -> str:
        name = rnd.choice(sample["residents"])[1]
        word = max(name.split(), key=len)
        start = rnd.randint(0, max(0, len(word) - 4))
        return word[start : start + rnd.randint(3, 6)]

    try:
        base = reverse("people:resident_list")
        urls = {
            "search_name": [f"{base}?{urlencode({'q': words()})}" for _ in range(n)],
            "search_nik": [
                f"{base}?{urlencode({'q': rnd.choice(sample['residents'])[2]})}" for _ in range(n)
            ],
            "list_filtered": list_urls(village=village, count=n, rnd=rnd, today=today),
        }
    except NoReverseMatch as exc:
        results["missing_list"] = str(exc)
        urls = {}
    try:
        urls["family_page"] = [
            reverse("people:family_detail", args=[rnd.choice(sample["families"])]) for _ in range(n)
        ]
    except NoReverseMatch as exc:
        results["missing_family"] = str(exc)
    for key, batch in urls.items():
        say(f"latensi: {key} ({len(batch)} permintaan)")
        results[key] = _fetch_all(client, batch, config.warmup)

    viewer = User.objects.filter(role="dispermades", is_active=True).order_by("pk").first()
    try:
        overview_url = reverse("dashboard:overview")
    except NoReverseMatch as exc:
        results["missing_overview"] = str(exc)
        overview_url = ""
    if viewer is not None and overview_url:
        say(f"latensi: ikhtisar kabupaten tanpa cache ({config.overview_runs}×)")
        client.force_login(viewer)
        client.get(overview_url)  # templates, imports
        runs: list[float] = []
        statuses: Counter[int] = Counter()
        for _ in range(config.overview_runs):
            cache.clear()
            start = time.perf_counter()
            response = client.get(overview_url)
            runs.append((time.perf_counter() - start) * 1000)
            statuses[response.status_code] += 1
        cached = _fetch_all(client, [overview_url] * (config.overview_runs + 1), 1)
        results["overview"] = percentiles(runs) | {
            "statuses": dict(statuses),
            "errors": sum(v for k, v in statuses.items() if k != 200),
            "cached_p50": cached.get("p50"),
        }
        results["overview_selector"] = _overview_selector_ms(config.overview_runs)
    return results


def _overview_selector_ms(runs: int) -> dict[str, float] | None:
    """The overview's query work alone, to tell it apart from rendering the page."""
    try:
        from balai.dashboard.selectors import regency_overview
    except ImportError:
        return None
    from balai.regions.selectors import village_list

    samples = []
    for _ in range(max(1, runs // 2)):
        start = time.perf_counter()
        regency_overview(villages=village_list())
        samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def prepare_throughput(config: BenchConfig) -> dict[str, Any]:
    """Which accounts sign in (operators of different villages) and the pages they fetch."""
    from django.conf import settings
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone, translation
    from django.utils.html import escape
    from django.utils.translation import gettext

    from balai.accounts.models import User
    from balai.devtools.demo import DEMO_PASSWORD, PILOT_CODES

    populated, _import_code = _codes(config)
    ordered = [c for c in PILOT_CODES if c in populated] + [c for c in populated if c not in PILOT_CODES]
    operators = []
    for code in ordered:
        user = User.objects.filter(village__code=code, role="operator", is_active=True).order_by("pk").first()
        if user is not None:
            operators.append(user)
        if len(operators) == config.users:
            break
    if not operators:
        raise BenchError("no operator accounts in the bench database")
    rnd = random.Random(config.seed + 1)
    today = timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        # What each page must contain to count: the list's title and results, and the name
        # the header shows for the signed-in operator.
        page_markers = [
            f"<title>{gettext('Penduduk')} · Balai</title>",
            '<div id="results" aria-live="polite">',
        ]
    sessions = []
    for i in range(config.users):
        user = operators[i % len(operators)]
        assert user.village is not None
        shown = escape(user.get_full_name() or user.username)
        sessions.append(
            {
                "username": user.username,
                "village": user.village.name,
                "urls": list_urls(village=user.village, count=400, rnd=rnd, today=today),
                "expect": [*page_markers, f'title="{escape(gettext("Akun saya"))}">{shown}</a>'],
            }
        )
    viewer = User.objects.filter(role="dispermades", is_active=True).order_by("pk").first()
    try:
        overview = {"username": viewer.username, "url": reverse("dashboard:overview")} if viewer else None
    except NoReverseMatch:
        overview = None
    return {
        "sessions": sessions,
        "password": DEMO_PASSWORD,
        "login_path": reverse("accounts:login"),
        "overview": overview,
    }


# --- HTTP load (runs in the orchestrating process) ------------------------------------------


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def _second_step(
    conn: http.client.HTTPConnection, path: str, jar: dict[str, str]
) -> http.client.HTTPResponse:
    """Two-factor step of a demo account (kades, sekdes, camat, Dispermades): the demo's key.
    A code is accepted once (replay protection), so when the same account signed in within
    this 30-second step already (the bench's previous gunicorn run), the next code is awaited."""
    import pyotp

    from balai.devtools.demo import DEMO_TOTP_SECRET

    totp = pyotp.TOTP(DEMO_TOTP_SECRET)
    for attempt in range(2):
        if attempt:
            time.sleep(totp.interval - time.time() % totp.interval + 0.5)
        cookie = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
        conn.request("GET", path, headers=cookie)
        page = conn.getresponse()
        body = page.read().decode("utf-8", "replace")
        jar.update(_cookies(page))
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        form = urlencode({"code": totp.now(), "csrfmiddlewaretoken": match.group(1) if match else ""})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
        }
        conn.request("POST", path, body=form, headers=headers)
        response = conn.getresponse()
        response.read()
        jar.update(_cookies(response))
        if response.status != 400:
            break
    return response


def login(*, host: str, port: int, login_path: str, username: str, password: str) -> str:
    """Sign in through the login form (CSRF and all); returns the Cookie header to send."""
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        conn.request("GET", login_path)
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        jar = _cookies(response)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if response.status != 200 or match is None:
            raise BenchError(f"login form not served (HTTP {response.status})")
        form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": match.group(1)})
        conn.request(
            "POST",
            login_path,
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
            },
        )
        response = conn.getresponse()
        response.read()
        jar.update(_cookies(response))
        if response.status == 302 and response.headers.get("Location", "").endswith("/masuk/kode/"):
            response = _second_step(conn, response.headers["Location"], jar)
    finally:
        conn.close()
    if response.status != 302 or "sessionid" not in jar:
        raise BenchError(f"sign-in as {username} failed (HTTP {response.status})")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


@dataclass
class LoadResult:
    seconds: float
    ok: int
    errors: int
    statuses: dict[str, int]
    latency_ms: dict[str, float]

    @property
    def pages_per_s(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


class _Connection:
    """One client's HTTP/1.1 connection, kept open as long as the server keeps it (gunicorn's
    sync workers close after each response; the client then connects again).

    Plain socket work rather than http.client: the load runs on the same two cores as the
    server, and http.client (its header parsing goes through the email package) spent about
    as much CPU per page as a tenth of the worker's."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.address, self.timeout = (host, port), timeout
        self.sock: socket.socket | None = None

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def get(self, request: bytes) -> tuple[int, bytes]:
        """Status and body of one GET (`request`: its bytes, headers and blank line)."""
        reused = self.sock is not None
        try:
            return self._exchange(request)
        except ConnectionError:
            self.close()
            if not reused:
                raise
        # The server closed a kept connection between two requests: once more, on a new one.
        return self._exchange(request)

    def _exchange(self, request: bytes) -> tuple[int, bytes]:
        if self.sock is None:
            self.sock = socket.create_connection(self.address, timeout=self.timeout)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock = self.sock
        sock.sendall(request)
        data = b""
        while (end := data.find(b"\r\n\r\n")) < 0:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed before the response")
            data += chunk
        lines = data[:end].split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, close = None, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection":
                close = value.strip().lower() == b"close"
            elif name == b"transfer-encoding":
                raise http.client.HTTPException("chunked responses are not read here")
        parts, got = [data[end + 4 :]], len(data) - end - 4
        while length is None or got < length:
            chunk = sock.recv(min(1 << 20, max(65536, (length or 0) - got)))
            if not chunk:
                if length is None:
                    break
                raise http.client.IncompleteRead(b"".join(parts), length - got)
            parts.append(chunk)
            got += len(chunk)
        if close or length is None:
            self.close()
        return status, b"".join(parts)


def hammer(
    *,
    host: str,
    port: int,
    sessions: list[tuple[str, list[str]]],
    duration: float,
    max_requests: int,
    expect: list[list[bytes]] | None = None,
) -> LoadResult:
    """One thread per session, each fetching its pages back to back for `duration` seconds.

    `expect[i]`: what every page of session i must contain (its title, the signed-in user…);
    a 200 without it counts as an error ("wrong page"), so a sign-in page or another page
    served with 200 is not counted as a page served."""
    lock = threading.Lock()
    budget = [max_requests]
    statuses: Counter[str] = Counter()
    samples: list[float] = []
    deadline = time.perf_counter() + duration

    def user(cookie: str, urls: list[str], markers: list[bytes]) -> None:
        conn = _Connection(host, port, timeout=60)
        cookie_line = f"Cookie: {cookie}\r\n" if cookie else ""
        requests = [
            f"GET {url} HTTP/1.1\r\nHost: {host}:{port}\r\n{cookie_line}\r\n".encode() for url in urls
        ]
        local: list[float] = []
        local_status: Counter[str] = Counter()
        i = 0
        while time.perf_counter() < deadline:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            request = requests[i % len(requests)]
            i += 1
            start = time.perf_counter()
            try:
                status, body = conn.get(request)
                if status == 200 and not all(m in body for m in markers):
                    local_status["wrong page"] += 1
                else:
                    local_status[str(status)] += 1
            except (OSError, http.client.HTTPException, ValueError) as exc:
                local_status[type(exc).__name__] += 1
                conn.close()
            local.append((time.perf_counter() - start) * 1000)
        conn.close()
        with lock:
            samples.extend(local)
            statuses.update(local_status)

    threads = [
        threading.Thread(target=user, args=(cookie, urls, expect[i] if expect else []), daemon=True)
        for i, (cookie, urls) in enumerate(sessions)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    ok = statuses.get("200", 0)
    return LoadResult(
        seconds=seconds,
        ok=ok,
        errors=sum(statuses.values()) - ok,
        statuses=dict(statuses),
        latency_ms=percentiles(samples),
    )


@contextlib.contextmanager
def gunicorn(
    *, workers: int, env: dict[str, str], log: Path, cwd: Path
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """gunicorn serving config.wsgi on a free loopback port until the block ends."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        "--error-logfile",
        str(log),
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_ready(proc, port, log)
        yield proc, port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_ready(proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise BenchError(f"gunicorn exited ({proc.returncode}):\n{tail}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.3)
    raise BenchError("gunicorn did not answer within 90 s")


def measure_throughput(
    *,
    config: BenchConfig,
    prepared: dict[str, Any],
    env: dict[str, str],
    phase_dir: Path,
    cwd: Path,
    say: Say,
) -> dict[str, Any]:
    runs = []
    for workers in config.workers:
        say(f"throughput: gunicorn {workers} worker, {config.users} pengguna, {config.duration:.0f} detik")
        with gunicorn(workers=workers, env=env, log=phase_dir / "gunicorn.log", cwd=cwd) as (proc, port):
            sessions = [
                (
                    login(
                        host="127.0.0.1",
                        port=port,
                        login_path=prepared["login_path"],
                        username=s["username"],
                        password=prepared["password"],
                    ),
                    s["urls"],
                )
                for s in prepared["sessions"]
            ]
            expect = [[m.encode() for m in s.get("expect", [])] for s in prepared["sessions"]]
            # A short round first so every worker has imported, connected and compiled templates.
            hammer(
                host="127.0.0.1",
                port=port,
                sessions=sessions,
                duration=min(3.0, config.duration / 4),
                max_requests=len(sessions) * 50,
                expect=expect,
            )
            workers_pids = child_pids(proc.pid)
            cpu_before = [cpu_seconds(pid) or 0.0 for pid in workers_pids]
            client_before = os.times()
            sampler = MemorySampler(list(workers_pids))
            with sampler:
                load = hammer(
                    host="127.0.0.1",
                    port=port,
                    sessions=sessions,
                    duration=config.duration,
                    max_requests=config.max_requests,
                    expect=expect,
                )
                cpu_used = sum(
                    (cpu_seconds(pid) or 0.0) - before
                    for pid, before in zip(workers_pids, cpu_before, strict=True)
                )
                client_times = os.times()
                client_cpu = (client_times.user + client_times.system) - (
                    client_before.user + client_before.system
                )
                after_lists = sampler.report()
                overview = _overview_round(port=port, prepared=prepared, times=2 * workers)
            worker_rss = [r for r in (vm_hwm_mb(pid) for pid in workers_pids) if r is not None]
            runs.append(
                {
                    "workers": workers,
                    "pages_per_s": load.pages_per_s,
                    "ok": load.ok,
                    "errors": load.errors,
                    "statuses": load.statuses,
                    "seconds": load.seconds,
                    "latency_ms": load.latency_ms,
                    "worker_rss_mb": worker_rss,
                    "workers_after_lists": after_lists,
                    "workers_after_overview": sampler.report(),
                    "overview_statuses": overview,
                    "master_rss_mb": vm_hwm_mb(proc.pid),
                    "load_avg": os.getloadavg(),
                    # CPU the workers (and this client) spent per page: what 2 cores allow,
                    # whatever else the machine is doing.
                    "worker_cpu_ms_per_page": 1000 * cpu_used / load.ok if load.ok else None,
                    "client_cpu_ms_per_page": 1000 * client_cpu / load.ok if load.ok else None,
                }
            )
    best = max(runs, key=lambda r: (r["errors"] == 0, r["pages_per_s"]))
    return {"runs": runs, "best": best, "sessions": [s["username"] for s in prepared["sessions"]]}


def _overview_round(*, port: int, prepared: dict[str, Any], times: int) -> dict[str, int]:
    """Dispermades opens the regency overview: each worker computes it once (its cache is
    per process), the heaviest read the app does, so it shows in the workers' peak memory."""
    viewer = prepared.get("overview")
    if not viewer:
        return {}
    cookie = login(
        host="127.0.0.1",
        port=port,
        login_path=prepared["login_path"],
        username=viewer["username"],
        password=prepared["password"],
    )
    statuses: Counter[str] = Counter()
    for _ in range(times):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", viewer["url"], headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        conn.close()
        statuses[str(response.status)] += 1
    return dict(statuses)


# --- Orchestration ---------------------------------------------------------------------------


PHASES = ("build", "importfile", "import", "latency", "prepare")
CORE_PART = "core"


def module_benches() -> dict[str, str]:
    """App label -> module of every Balai app whose `bench` module defines `bench`, found with
    `autodiscover_modules` and in the order of the module's `BENCH_ORDER` (lowest first).

    `bench(config, phase_dir, say) -> dict` returns a "metrics" list of `Metric`s (plus any raw
    figures). It runs in its own subprocess on the bench database after the build phase, so it
    may rely on the demo regency at the configured scale; a database built before the module
    existed lacks its demo data, so the module prepares (idempotently) whatever it measures on.
    It may serve the database with `gunicorn()`.
    """
    autodiscover_modules("bench")
    found: list[tuple[int, str, str]] = []
    for config in apps.get_app_configs():
        name = f"{config.name}.bench"
        if not callable(getattr(sys.modules.get(name), "bench", None)):
            continue
        order = getattr(sys.modules[name], "BENCH_ORDER", None)
        if not isinstance(order, int):
            raise ImproperlyConfigured(f"{name}: bench needs an integer BENCH_ORDER.")
        found.append((order, config.label, name))
    return {label: name for _order, label, name in sorted(found, key=lambda f: (f[0], f[1]))}


def _run_module(label: str, config: BenchConfig, phase_dir: Path, say: Say) -> dict[str, Any]:
    module = importlib.import_module(module_benches()[label])
    result: dict[str, Any] = module.bench(config, phase_dir, say)
    result["metrics"] = [asdict(m) if isinstance(m, Metric) else m for m in result.get("metrics", [])]
    return result


def run_phase(name: str, phase_dir: Path, say: Say) -> None:
    """Entry point inside the subprocess: settings already point at the bench database."""
    config = BenchConfig(**json.loads((phase_dir / "config.json").read_text()))
    phases: dict[str, Callable[[], dict[str, Any]]] = {
        "build": lambda: build_scale(config, phase_dir, say),
        "importfile": lambda: make_import_file(config, phase_dir, say),
        "import": lambda: measure_import(config, phase_dir, say),
        "latency": lambda: measure_latency(config, say),
        "prepare": lambda: prepare_throughput(config),
    }
    for label in module_benches():
        phases[f"module:{label}"] = lambda label=label: _run_module(label, config, phase_dir, say)  # type: ignore[misc]
    if name not in phases:
        raise BenchError(f"unknown phase {name}")
    with MemorySampler(["self"]) as memory:
        result = phases[name]()
    result["memory"] = memory.report()
    (phase_dir / f"phase-{name}.json").write_text(json.dumps(result, indent=2, default=str))


def _bench_secrets(phase_dir: Path) -> dict[str, str]:
    """The bench database's own secrets (DEBUG is off, so production checks apply): random,
    kept beside the database so a reused database still opens its signing keys."""
    path = phase_dir / "secrets.json"
    if path.exists():
        saved: dict[str, str] = json.loads(path.read_text())
        return saved
    made = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "BALAI_SIGNING_SECRET": secrets.token_urlsafe(32),
        "BALAI_KIOSK_PEPPER": secrets.token_urlsafe(32),
        "BALAI_PUBLIC_URL": "https://bench.balai.invalid",
    }
    path.write_text(json.dumps(made))
    path.chmod(0o600)
    return made


def bench_env(phase_dir: Path, database: str = "") -> dict[str, str]:
    """Settings for the bench database: its own SQLite file (or the PostgreSQL database named
    by `database`) and var directory, DEBUG off."""
    env = dict(os.environ)
    for name in ("DATABASE_URL", "DATABASE_REPLICA_URL", "MEDIA_ROOT", "SECURE_COOKIES"):
        env.pop(name, None)
    if database:
        env["DATABASE_URL"] = database
    env.update(_bench_secrets(phase_dir))
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            # The bench serves plain http on 127.0.0.1: cookies must not be Secure-only.
            "SECURE_COOKIES": "0",
            "SQLITE_PATH": str(phase_dir / "bench.sqlite3"),
            "BALAI_VAR_DIR": str(phase_dir / "var"),
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _spawn_phase(
    name: str, phase_dir: Path, env: dict[str, str], cwd: Path, say: Say | None = None
) -> dict[str, Any]:
    out = phase_dir / f"phase-{name}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "balai", "bench", "--phase", name, "--phase-dir", str(phase_dir)]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, check=False)
    if done.returncode != 0 or not out.exists():
        raise BenchError(f"phase {name} failed (exit {done.returncode})")
    result: dict[str, Any] = json.loads(out.read_text())
    if say is not None:
        load = "/".join(f"{v:.1f}" for v in os.getloadavg())
        say(f"== fase {name}: {time.perf_counter() - started:.1f} s (beban {load})")
    return result


def ensure_postgres_database(url: str) -> bool:
    """Create the PostgreSQL database the URL names unless it exists; True if created."""
    import psycopg
    from psycopg import sql

    parsed = urlsplit(url)
    name = parsed.path.lstrip("/")
    if not name or parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        raise BenchError(f"--database: bukan URL PostgreSQL dengan nama basis data: {url}")
    maintenance = urlunsplit(parsed._replace(path="/postgres"))
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=10) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                return False
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        raise BenchError(f"--database: PostgreSQL tidak bisa dibuka ({exc})") from exc
    return True


def run(
    *, config: BenchConfig, workdir: Path, cwd: Path, say: Say, parts: set[str] | None = None
) -> dict[str, Any]:
    """Every part, or only `parts` ("core" and/or module labels); the build always runs
    (it reuses the database when it is already there)."""
    phase_dir = (workdir / config.key).resolve()
    phase_dir.mkdir(parents=True, exist_ok=True)
    if config.database and ensure_postgres_database(config.database):
        (phase_dir / "scale.json").unlink(missing_ok=True)  # a fresh database: build again
        (phase_dir / DEFERRED_STATE).unlink(missing_ok=True)
        say(f"basis data PostgreSQL dibuat: {urlsplit(config.database).path.lstrip('/')}")
    (phase_dir / "config.json").write_text(json.dumps(asdict(config)))
    env = bench_env(phase_dir, config.database)
    report: dict[str, Any] = {
        "engine": config.engine,
        "config": asdict(config),
        "workdir": str(phase_dir),
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "load_before": os.getloadavg(),
        "speed_before": reference_loop_s(),
        "cpus": os.cpu_count(),
    }
    started = time.perf_counter()
    modules = module_benches()
    unknown = (parts or set()) - {CORE_PART, *modules}
    if unknown:
        raise BenchError(
            f"bagian tidak dikenal: {', '.join(sorted(unknown))} (ada: core, {', '.join(modules)})"
        )
    report["build"] = _spawn_phase("build", phase_dir, env, cwd, say)
    if parts is None or CORE_PART in parts:
        report["import_file"] = _spawn_phase("importfile", phase_dir, env, cwd, say)
        report["import"] = _spawn_phase("import", phase_dir, env, cwd, say)
        report["latency"] = _spawn_phase("latency", phase_dir, env, cwd, say)
        prepared = _spawn_phase("prepare", phase_dir, env, cwd, say)
        report["throughput"] = measure_throughput(
            config=config, prepared=prepared, env=env, phase_dir=phase_dir, cwd=cwd, say=say
        )
    report["modules"] = {}
    for label in modules:
        if parts is None or label in parts:
            say(f"Modul {label} ...")
            report["modules"][label] = _spawn_phase(f"module:{label}", phase_dir, env, cwd, say)
    report["load_after"] = os.getloadavg()
    report["speed_after"] = reference_loop_s()
    report["seconds"] = time.perf_counter() - started
    report["metrics"] = [asdict(m) for m in metrics(report)]
    # Kept beside the database: a later run on the other engine prints it in its table.
    (phase_dir / "report.json").write_text(json.dumps(report, indent=2, default=str))
    return report


# --- Report ----------------------------------------------------------------------------------


@dataclass
class Metric:
    key: str
    label: str
    value: str
    target: str
    ok: bool | None
    number: float | None = None


def _ms(stats: dict[str, Any] | None) -> str:
    if not stats or not stats.get("n"):
        return "—"
    return f"{stats['p50']:.1f} / {stats['p95']:.1f} ms"


def _page_metric(key: str, label: str, stats: dict[str, Any] | None, missing: str | None) -> Metric:
    if stats is None or not stats.get("n"):
        return Metric(key, label, f"tidak diukur ({missing or 'halaman tidak ada'})", "p95 ≤ 50 ms", False)
    errors = stats.get("errors", 0)
    value = _ms(stats) + (f", {errors} galat {stats.get('statuses')}" if errors else "")
    ok = stats["p95"] <= PAGE_P95_TARGET_MS and errors == 0
    return Metric(key, label, value, "p95 ≤ 50 ms", ok, stats["p95"])


def metrics(report: dict[str, Any]) -> list[Metric]:
    out = _core_metrics(report) if "throughput" in report else []
    for module in report.get("modules", {}).values():
        out += [Metric(**m) for m in module.get("metrics", [])]
    return out


def _core_metrics(report: dict[str, Any]) -> list[Metric]:
    out: list[Metric] = []
    build, imp, lat, thr = report["build"], report["import"], report["latency"], report["throughput"]
    if build.get("seconds") and build.get("alive_generated"):
        per_million = build["seconds"] * 1_000_000 / build["alive_generated"]
        note = " (dilanjutkan)" if build.get("resumed") else ""
        if build.get("index_s") is not None:
            note += f" (muat {build['load_s']:.0f} s + indeks {build['index_s']:.0f} s)"
        if build.get("cpu_seconds"):
            note += f"; CPU proses bench {build['cpu_seconds'] * 1_000_000 / build['alive_generated']:.0f} s"
            if build.get("server_cpu_seconds") is not None:
                server = build["server_cpu_seconds"] * 1_000_000 / build["alive_generated"]
                note += f" + server PostgreSQL {server:.0f} s"
            note += " per 1 juta"
        if build.get("reused"):
            note += f" (diukur saat dibangun, {build.get('built_at')})"
        out.append(
            Metric(
                "demo_generation",
                "Pembuatan demo",
                f"{build['alive_generated']:,} penduduk dalam {build['seconds']:.0f} s → {per_million:.0f} s per 1 juta{note}",
                "≤ 300 s per 1 juta",
                per_million <= GENERATION_TARGET_S_PER_MILLION,
                per_million,
            )
        )
    out.append(
        Metric(
            "scale",
            "Skala",
            f"{build['alive']:,} penduduk hidup, {build['villages']} desa",
            "≥ 1.000.000",
            build["alive"] >= 1_000_000 if not report["config"]["quick"] else None,
            float(build["alive"]),
        )
    )
    if "missing" in imp:
        out.append(
            Metric("import", "Impor OpenSID", f"tidak diukur ({imp['missing']})", "≥ 15.000 baris/s", False)
        )
    else:
        parse_rate = imp["rows"] / imp["parse_s"] if imp["parse_s"] else 0
        import_rate = imp["rows"] / imp["import_s"] if imp["import_s"] else 0
        ratio = imp["import_s"] / imp["parse_s"] if imp["parse_s"] else math.inf
        applied = imp["applied"] and imp["imported"] == imp["rows"]
        out.append(
            Metric(
                "import_parse",
                "Impor: parse saja (lantai)",
                f"{imp['rows']:,} baris, {imp['parse_s']:.1f} s = {parse_rate:,.0f} baris/s",
                "—",
                None,
                parse_rate,
            )
        )
        first = imp["first_errors"][0] if imp["first_errors"] else {}
        status = (
            ""
            if applied
            else (
                f" — TIDAK diterapkan: {imp['import_errors']} galat, mis. baris {first.get('row')}"
                f" {first.get('column')}: {str(first.get('message'))[:60]}"
            )
        )
        out.append(
            Metric(
                "import_rate",
                "Impor: ujung ke ujung",
                f"{imp['import_s']:.1f} s = {import_rate:,.0f} baris/s{status}",
                "≥ 15.000 baris/s",
                applied and import_rate >= IMPORT_RATE_TARGET,
                import_rate,
            )
        )
        out.append(
            Metric(
                "import_ratio",
                "Impor ÷ parse",
                f"{ratio:.2f}×",
                "≤ 2×",
                applied and ratio <= IMPORT_PARSE_RATIO_TARGET,
                ratio,
            )
        )
    village = f" ({lat.get('village')}, {lat.get('village_residents', 0):,} penduduk)"
    out.append(
        _page_metric(
            "search_name", "Cari nama p50/p95" + village, lat.get("search_name"), lat.get("missing_list")
        )
    )
    out.append(_page_metric("search_nik", "Cari NIK p50/p95", lat.get("search_nik"), lat.get("missing_list")))
    out.append(
        _page_metric(
            "list_filtered",
            "Daftar penduduk tersaring, halaman dalam p50/p95",
            lat.get("list_filtered"),
            lat.get("missing_list"),
        )
    )
    out.append(
        _page_metric(
            "family_page", "Halaman keluarga p50/p95", lat.get("family_page"), lat.get("missing_family")
        )
    )
    listed = lat.get("list_filtered") or {}
    cpu = listed.get("cpu_ms") or {}
    if cpu.get("n"):
        out.append(
            Metric(
                "list_cpu",
                "Daftar penduduk: CPU worker per halaman p50/p95 (in-process, seluruh middleware)",
                f"{cpu['p50']:.1f} / {cpu['p95']:.1f} ms",
                f"p50 ≤ {LIST_CPU_TARGET_MS:.0f} ms",
                cpu["p50"] <= LIST_CPU_TARGET_MS and not listed.get("errors"),
                cpu["p50"],
            )
        )
    overview = lat.get("overview")
    if overview and overview.get("n"):
        selector = lat.get("overview_selector") or {}
        extra = f"; kueri saja p50 {selector['p50']:.0f} ms" if selector.get("n") else ""
        extra += f"; dengan cache p50 {overview['cached_p50']:.0f} ms" if overview.get("cached_p50") else ""
        ok = overview["max"] <= OVERVIEW_TARGET_S * 1000 and overview["errors"] == 0
        out.append(
            Metric(
                "overview",
                "Ikhtisar kabupaten tanpa cache p50/maks",
                f"{overview['p50']:.0f} / {overview['max']:.0f} ms{extra}",
                "≤ 1 s",
                ok,
                overview["max"],
            )
        )
    else:
        out.append(
            Metric(
                "overview",
                "Ikhtisar kabupaten",
                f"tidak diukur ({lat.get('missing_overview', '?')})",
                "≤ 1 s",
                False,
            )
        )
    throughput_target = THROUGHPUT_TARGET_POSTGRES if report["config"].get("database") else THROUGHPUT_TARGET
    for run_ in thr["runs"]:
        best = " (terbaik)" if run_ is thr["best"] or run_ == thr["best"] else ""
        lat_ms = run_["latency_ms"]
        out.append(
            Metric(
                f"throughput_w{run_['workers']}",
                f"{len(thr['sessions'])} pengguna, gunicorn -w {run_['workers']}{best}",
                f"{run_['pages_per_s']:.0f} halaman/s, {run_['errors']} galat, p95 {lat_ms.get('p95', 0):.0f} ms, "
                f"CPU worker {run_.get('worker_cpu_ms_per_page') or 0:.1f} ms/halaman",
                f"≥ {throughput_target:.0f}/s, 0 galat",
                run_["pages_per_s"] >= throughput_target and run_["errors"] == 0,
                run_["pages_per_s"],
            )
        )
    workers_memory = [run_["workers_after_overview"] for run_ in thr["runs"]]
    memories = [
        ("rss_worker", "RSS puncak worker gunicorn (daftar + ikhtisar)", _peak(workers_memory), True),
        ("rss_import", "RSS puncak proses impor", imp.get("memory"), True),
        ("rss_inprocess", "RSS puncak proses uji latensi (in-process)", lat.get("memory"), True),
        ("rss_build", "RSS puncak pembuatan demo", build.get("memory"), False),
    ]
    for key, label, memory, judged in memories:
        if not memory or memory.get("hwm_mb") is None:
            continue
        hwm = memory["hwm_mb"]
        out.append(
            Metric(
                key,
                label,
                f"{hwm:.0f} MB (pribadi ≤ {memory['anon_peak_mb']:.0f} MB, "
                f"halaman DB ter-mmap ≤ {memory['file_peak_mb']:.0f} MB)",
                "≤ 400 MB" if judged else "—",
                hwm <= RSS_TARGET_MB if judged else None,
                hwm,
            )
        )
    return out


def _peak(memories: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not memories:
        return None
    return {
        key: max((m[key] for m in memories if m.get(key) is not None), default=None)
        for key in ("hwm_mb", "anon_peak_mb", "file_peak_mb")
    }


def table(report: dict[str, Any]) -> str:
    rows = [("metrik", "nilai", "target", "ok")]
    for m in report["metrics"]:
        ok = "—" if m["ok"] is None else ("ya" if m["ok"] else "TIDAK")
        rows.append((m["label"], m["value"], m["target"], ok))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = []
    for i, r in enumerate(rows):
        lines.append(" | ".join(r[c].ljust(widths[c]) for c in range(3)) + " | " + r[3])
        if i == 0:
            lines.append("-+-".join("-" * w for w in widths) + "-+---")
    load = report.get("load_before"), report.get("load_after")
    lines.append(
        f"\nSkala {report['config']['residents']:,} penduduk / {report['config']['villages']} desa"
        f"{' (--quick)' if report['config']['quick'] else ''}; {report.get('cpus')} CPU; "
        f"beban (loadavg 1/5/15 m) sebelum {_load(load[0])}, sesudah {_load(load[1])}; "
        f"{_speed(report)}total {report.get('seconds', 0):.0f} s."
    )
    return "\n".join(lines)


def _load(values: Any) -> str:
    return "/".join(f"{v:.2f}" for v in values) if values else "?"


def reference_loop_s() -> float:
    """CPU seconds of a fixed pure-Python loop: the host's speed at the time, beside the load
    (the same loop took 0.36-1.0 s on this project's 2-core machine from one hour to the
    next, whatever the load said), so figures of different runs can be compared."""
    started = time.process_time()
    sum(range(30_000_000))
    return time.process_time() - started


def _speed(report: dict[str, Any]) -> str:
    before, after = report.get("speed_before"), report.get("speed_after")
    if before is None or after is None:
        return ""
    return f"lup acuan (CPU) sebelum {before:.2f} s, sesudah {after:.2f} s; "


def saved_report(workdir: Path, config: BenchConfig) -> dict[str, Any] | None:
    """The last full report saved at this scale and seed on the other engine, if any."""
    other = BenchConfig(**{**asdict(config), "database": "" if config.database else "postgres://x/x"})
    path = workdir / other.key / "report.json"
    if not path.exists():
        return None
    saved: dict[str, Any] = json.loads(path.read_text())
    return saved


def compare_table(reports: list[dict[str, Any]]) -> str:
    """One table of every metric, one value column per database (SQLite, then PostgreSQL)."""
    reports = sorted(reports, key=lambda r: r.get("engine", "SQLite") != "SQLite")
    engines = [r.get("engine", "SQLite") for r in reports]
    labels: dict[str, str] = {}
    targets: dict[str, str] = {}
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for engine, report in zip(engines, reports, strict=True):
        for m in report["metrics"]:
            labels.setdefault(m["key"], m["label"])
            targets.setdefault(m["key"], m["target"])
            values.setdefault(m["key"], {})[engine] = m

    def cell(m: dict[str, Any] | None) -> str:
        if m is None:
            return "—"
        ok = "" if m["ok"] is None else (" ✓" if m["ok"] else " ✗")
        return f"{m['value']}{ok}"

    rows = [("metrik", *engines, "target")]
    for key, label in labels.items():
        rows.append((label, *(cell(values[key].get(e)) for e in engines), targets[key]))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for i, r in enumerate(rows):
        lines.append(" | ".join(r[c].ljust(widths[c]) for c in range(len(r))))
        if i == 0:
            lines.append("-+-".join("-" * w for w in widths))
    lines.append("\n✓ memenuhi target, ✗ tidak.")
    for engine, report in zip(engines, reports, strict=True):
        load = report.get("load_before"), report.get("load_after")
        lines.append(
            f"{engine}: {report['config']['residents']:,} penduduk / {report['config']['villages']} desa"
            f"{' (--quick)' if report['config']['quick'] else ''}, diukur {report.get('started')}; "
            f"{report.get('cpus')} CPU; beban sebelum {_load(load[0])}, sesudah {_load(load[1])}; "
            f"{_speed(report)}total {report.get('seconds', 0):.0f} s."
        )
    return "\n".join(lines)
