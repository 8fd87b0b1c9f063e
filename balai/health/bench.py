"""`balai bench --only health`: the health module's figures on the bench regency.

- z-scores and Permenkes categories of 100,000 synthetic measurements (target ≤ 5 s);
- the two KMS growth chart images of a child with 60 measurements, read from the database
  (target ≤ 200 ms);
- the monthly posyandu report and the stunting page of the largest village, and the
  district/regency page over every village (no target in the issue: ours is ≤ 1 s for a
  village page and ≤ 5 s for the regency page, uncached).

The bench database was built before the module's demo hook existed, so the demo data is
added here to every village that has none (idempotent; its time is reported too).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import random
import statistics
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from balai.core.db.statistics import refresh_app_statistics

ZSCORE_COUNT = 100_000
ZSCORE_TARGET_S = 5.0
CHART_TARGET_MS = 200.0
CHART_POINTS = 60
VILLAGE_PAGE_TARGET_S = 1.0
REGENCY_PAGE_TARGET_S = 5.0
DEMO_TARGET_S_PER_MILLION = 15.0


def synthetic_measurements(count: int, seed: int = 1) -> list[dict[str, Any]]:
    """Plausible measurements of children 0–59 months (some lying/standing mismatches)."""
    rnd = random.Random(seed)
    rows = []
    for _ in range(count):
        age = rnd.randint(0, 1826)
        months = age / 30.4375
        height = 50 + 25 * min(months, 12) / 12 + 0.75 * max(months - 12, 0) + rnd.gauss(0, 3)
        weight = 3.3 + 6.3 * min(months, 12) / 12 + 0.2 * max(months - 12, 0) + rnd.gauss(0, 1)
        position = ("l" if age < 731 else "h") if rnd.random() < 0.95 else ("h" if age < 731 else "l")
        rows.append(
            {
                "sex": 1 + rnd.getrandbits(1),
                "age_days": age,
                "weight_kg": round(max(weight, 1.5), 1),
                "lenhei_cm": round(height, 1),
                "measured": position,
            }
        )
    return rows


def time_zscores(rows: list[dict[str, Any]]) -> tuple[float, int]:
    """Seconds to score and classify every row, and how many got a TB/U category."""
    from balai.health.classify import classify
    from balai.health.who import growth_z

    growth_z(**rows[0])  # load the tables outside the timing
    started = time.perf_counter()
    categorised = 0
    for row in rows:
        if classify(growth_z(**row)).lhfa is not None:
            categorised += 1
    return time.perf_counter() - started, categorised


def _timed(fn: Callable[[], object], runs: int) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return {"first": samples[0], "p50": statistics.median(samples), "max": max(samples), "runs": runs}


# The measurements' table, loaded by `prepare_demo` without its secondary indexes and
# constraints on PostgreSQL (made again at the end, one sort and one check each).
DEFERRED_TABLES = ("health_childmeasurement",)
DEFERRED_STATE = "health-deferred-indexes.json"
# Villages written in one transaction. The measurements' public ids are random, so each
# village's rows touch most pages of that index: on SQLite every commit wrote them all to the
# WAL again and checkpointed them (a fifth of the time at one village per transaction).
VILLAGES_PER_TRANSACTION = 25
# Worker processes drawing villages ahead of the writer, by database vendor (1 elsewhere).
DRAWERS: dict[str, int] = {"postgresql": 2, "sqlite": 2}


def prepare_demo(say: Callable[[str], None], state: Path | None = None) -> dict[str, Any]:
    """Add the health demo data to every village that has none (one transaction each).

    With `state` (a file beside the bench database), the measurements go into their table
    without its secondary indexes and foreign keys on PostgreSQL (`core.db.bulk.deferred_indexes`),
    made again before the time is taken: each foreign key otherwise checks every row at commit,
    and the check of the session planned on the statistics of the bench's empty table scanned
    every session of the regency for every row (~200 of the ~260 s of the first run at
    1,000,000 residents)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from balai.core.db import bulk
    from balai.health.models import Posyandu
    from balai.people.models import Resident
    from balai.regions.models import Village

    if state is not None:
        bulk.restore_deferred(state, say)  # left behind by a run killed after its last village
    today = timezone.localdate()
    done = set(Posyandu.objects.order_by().values_list("village_id", flat=True).distinct())
    peopled = set(Resident.objects.order_by().values_list("village_id", flat=True).distinct())
    todo = [v for v in Village.objects.order_by("code") if v.pk not in done and v.pk in peopled]
    residents = 0
    measurements = 0
    cpu_started = _cpu()
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        if state is not None and todo:
            stack.enter_context(bulk.deferred_indexes(DEFERRED_TABLES, state=state))
        # The next village's measurements are drawn (and on PostgreSQL encoded as COPY text)
        # by a forked worker that touches no database, while this process writes the previous
        # one's, as in the registry's build. On SQLite this process's share is the longer (at 1M:
        # ~12.5–15 s of CPU here, ~9.5–10.5 in the workers), but with one worker it still waited
        # for the next village now and then (villages differ in size): two workers keep two
        # villages ahead (1M, pairs of runs on one host: 16.5 → 14.3, 19.2 → 17.7 and 18.9 →
        # 15.5 s per million). On PostgreSQL the workers are the longer share (~13 s at 1M
        # against ~3 here and ~5 in the server before the indexes).
        drawers = DRAWERS.get(connection.vendor, 1)
        pool = stack.enter_context(
            ProcessPoolExecutor(drawers, mp_context=multiprocessing.get_context("fork"))
        )
        for first in range(0, len(todo), VILLAGES_PER_TRANSACTION):
            batch = todo[first : first + VILLAGES_PER_TRANSACTION]
            with transaction.atomic():
                for counts in _extended(batch, pool=pool, today=today, ahead=drawers):
                    measurements += counts["child_measurements"]
                residents += Resident.objects.filter(village__in=batch).count()
            say(f"  data kesehatan demo: {first + len(batch)}/{len(todo)} desa")
    seconds = time.perf_counter() - started
    cpu = [end - start for start, end in zip(cpu_started, _cpu(), strict=True)]
    if todo:
        refresh_app_statistics("health")
    return {
        "villages": len(todo),
        "residents": residents,
        "measurements": measurements,
        "seconds": seconds,
        "s_per_million": seconds / residents * 1_000_000 if residents else None,
        # CPU beside the wall time (the machine is shared): this process and its worker, and
        # the PostgreSQL backend serving it (0 on SQLite).
        "cpu_s": cpu[0],
        "server_cpu_s": cpu[1],
        "load": os.getloadavg(),
    }


def _cpu() -> tuple[float, float]:
    """CPU used so far by this process with its ended children, and by its PostgreSQL backend."""
    from django.db import connection

    from balai.devtools.bench import cpu_seconds

    t = os.times()
    server = 0.0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            server = cpu_seconds(int(cursor.fetchone()[0])) or 0.0
    return t.user + t.system + t.children_user + t.children_system, server


def _draw(plan: Any, rnd: random.Random) -> tuple[Any, int, Any]:
    """In the worker: a village's measurements, and where they left its random stream."""
    from balai.health import demo

    encoded, count = demo.encoded_measurements(plan, rnd)
    return encoded, count, rnd.getstate()


def _extended(
    villages: list[Any], *, pool: Executor, today: dt.date, ahead: int = 1
) -> Iterator[dict[str, int]]:
    """`demo.extend_village` of each village, the drawing of the next `ahead` (in the pool)
    overlapping the writing of the one before; each village's rows and random stream are
    `extend_village`'s."""
    from balai.health import demo

    pending: deque[tuple[Any, random.Random, Future[tuple[Any, int, Any]]]] = deque()

    def finish() -> dict[str, int]:
        plan, rnd, future = pending.popleft()
        encoded, count, state = future.result()
        rnd.setstate(state)
        return demo.finish_village(plan=plan, encoded=encoded, count=count, rnd=rnd, today=today)

    for village in villages:
        rnd = random.Random(f"bench:{village.code}")
        plan = demo.plan_village(village=village, rnd=rnd, today=today)
        if plan is not None:
            pending.append((plan, rnd, pool.submit(_draw, plan, rnd)))
        while len(pending) > ahead:
            yield finish()
    while pending:
        yield finish()


def chart_child() -> Any:
    """A resident with 60 monthly measurements (added once, in the largest village)."""
    from django.db.models import Count
    from django.utils import timezone

    from balai.core.ids import public_ids
    from balai.health.classify import classify
    from balai.health.models import ChildMeasurement
    from balai.health.who import growth_z
    from balai.people import codes
    from balai.people.models import Resident

    found = (
        ChildMeasurement.objects.order_by()
        .values("child_id")
        .annotate(n=Count("id"))
        .filter(n__gte=CHART_POINTS)
        .order_by("child_id")
        .values_list("child_id", flat=True)
        .first()
    )
    if found is not None:
        return Resident.objects.get(pk=found)
    today = timezone.localdate()
    child = (
        Resident.objects.filter(
            status=codes.STATUS_ALIVE,
            birth_date__lte=today - dt.timedelta(days=61 * 30),
            birth_date__gt=today - dt.timedelta(days=70 * 30),
        )
        .order_by("pk")
        .first()
    )
    if child is None or child.birth_date is None:
        raise RuntimeError("no resident of 5–6 years for the chart")
    rnd = random.Random(60)
    rows = []
    for month, public_id in zip(range(CHART_POINTS), public_ids(CHART_POINTS), strict=True):
        age = round(month * 30.4375) + 3
        measured = child.birth_date + dt.timedelta(days=age)
        months = age / 30.4375
        cm = round(50 + 25 * min(months, 12) / 12 + 0.75 * max(months - 12, 0) + rnd.gauss(0, 0.4), 1)
        kg = round(3.3 + 6.3 * min(months, 12) / 12 + 0.2 * max(months - 12, 0) + rnd.gauss(0, 0.2), 1)
        position = "l" if age < 731 else "h"
        z = growth_z(sex=child.sex, age_days=age, weight_kg=kg, lenhei_cm=cm, measured=position)
        cats = classify(z)
        rows.append(
            ChildMeasurement(
                public_id=public_id,
                village_id=child.village_id,
                child=child,
                measured_on=measured,
                age_days=age,
                weight_kg=kg,
                lenhei_cm=cm,
                position=position,
                lenhei_scored_cm=z.lenhei_cm,
                z_lhfa=z.lhfa,
                z_wfa=z.wfa,
                z_wflh=z.wflh,
                z_bmi=z.bmifa,
                cat_lhfa=cats.lhfa or "",
                cat_wfa=cats.wfa or "",
                cat_wflh=cats.wflh or "",
                cat_bmi=cats.bmi or "",
            )
        )
    ChildMeasurement.objects.bulk_create(rows)
    return child


# Where this app's figures come among the apps' in `balai bench` (lowest first; see
# balai.devtools.bench.module_benches).
BENCH_ORDER = 10


def bench(config: Any, phase_dir: Path, say: Callable[[str], None]) -> dict[str, Any]:
    from balai.devtools.bench import Metric
    from balai.health import charts, reports, selectors
    from balai.health.views_reports import regional_rows
    from balai.people.models import Resident
    from balai.regions.models import Village

    result: dict[str, Any] = {}
    metrics: list[Metric] = []

    say(f"  z-score {ZSCORE_COUNT:,} pengukuran ...")
    seconds, categorised = time_zscores(synthetic_measurements(ZSCORE_COUNT))
    result["zscores"] = {"count": ZSCORE_COUNT, "seconds": seconds, "categorised": categorised}
    metrics.append(
        Metric(
            "health.zscores",
            f"z-score + kategori {ZSCORE_COUNT:,} pengukuran",
            f"{seconds:.2f} s",
            f"≤ {ZSCORE_TARGET_S:.0f} s",
            seconds <= ZSCORE_TARGET_S,
            seconds,
        )
    )

    say("  data demo kesehatan ...")
    prepared = prepare_demo(say, phase_dir / DEFERRED_STATE if phase_dir is not None else None)
    result["demo"] = prepared
    if prepared["villages"]:
        per_million = prepared["s_per_million"]
        metrics.append(
            Metric(
                "health.demo",
                f"data demo kesehatan ({prepared['measurements']:,} pengukuran; CPU {prepared['cpu_s']:.0f} s"
                + (f" + server {prepared['server_cpu_s']:.0f} s" if prepared["server_cpu_s"] else "")
                + ")",
                f"{per_million:.1f} s per juta penduduk" if per_million is not None else "—",
                f"≤ {DEMO_TARGET_S_PER_MILLION:.0f} s per juta",
                per_million is not None and per_million <= DEMO_TARGET_S_PER_MILLION,
                per_million,
            )
        )

    say("  grafik pertumbuhan ...")
    child = chart_child()
    village = child.village

    def draw() -> None:
        growth = selectors.child_growth(village=village, child=Resident.objects.get(pk=child.pk))
        charts.growth_charts(growth)

    chart = _timed(draw, 20)
    result["chart"] = chart
    chart_ms = chart["p50"] * 1000
    metrics.append(
        Metric(
            "health.chart",
            f"grafik KMS anak dengan {CHART_POINTS} pengukuran (p50; pertama {chart['first'] * 1000:.0f} ms)",
            f"{chart_ms:.1f} ms",
            f"≤ {CHART_TARGET_MS:.0f} ms",
            chart_ms <= CHART_TARGET_MS,
            chart_ms,
        )
    )

    say("  laporan ...")
    biggest = max(
        Village.objects.all(), key=lambda v: Resident.objects.filter(village=v).count(), default=None
    )
    if biggest is not None:
        month = reports.latest_month(villages=[biggest], today=dt.date.today())
        monthly = _timed(lambda: reports.monthly_report(village=biggest, month=month), 3)
        stunting = _timed(
            lambda: (
                reports.prevalence_by(villages=[biggest], month=month, by="dusun"),
                reports.prevalence_trend(villages=[biggest], month=month, by="dusun"),
                reports.prevalence_trend(villages=[biggest], month=month, by="all"),
            ),
            3,
        )
        villages = list(Village.objects.all())

        # Three runs: the first after the demo data was written reads pages the OS has not
        # cached yet, and of two runs the median is their mean (5.2 s on SQLite at a million
        # residents, where three runs in a row take 3.6-3.9 s each).
        regency = _timed(lambda: regional_rows(villages=villages, month=month), 3)
        # A repeated view: only the version query, the rows come from the cache.
        warm = _timed(
            lambda: reports.data_version(villages=villages, first=month.back(12)[0].first, after=month.after),
            3,
        )
        result["reports"] = {
            "village": biggest.name,
            "month": str(month),
            "villages": len(villages),
            "monthly": monthly,
            "stunting": stunting,
            "regency": regency,
            "regency_warm": warm,
        }
        for key, label, timing, target in (
            (
                "health.report_monthly",
                f"laporan bulanan posyandu desa {biggest.name}",
                monthly,
                VILLAGE_PAGE_TARGET_S,
            ),
            (
                "health.stunting",
                f"prevalensi + tren 12 bulan per dusun, {biggest.name}",
                stunting,
                VILLAGE_PAGE_TARGET_S,
            ),
            (
                "health.regional",
                f"cakupan + prevalensi + tren, {len(villages)} desa",
                regency,
                REGENCY_PAGE_TARGET_S,
            ),
            (
                "health.regional_warm",
                f"halaman wilayah {len(villages)} desa dari cache",
                warm,
                VILLAGE_PAGE_TARGET_S,
            ),
        ):
            metrics.append(
                Metric(
                    key,
                    label,
                    f"{timing['p50']:.2f} s",
                    f"≤ {target:.0f} s",
                    timing["p50"] <= target,
                    timing["p50"],
                )
            )
    result["metrics"] = metrics
    return result
