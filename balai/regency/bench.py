"""`balai bench --only regency`: the issue's targets on the bench regency.

- taking a month's snapshot of every village (counting only: one grouped query per table;
  target ≤ 60 s for 248 villages and a million residents), and storing it once;
- the monthly figures table read from snapshots, its XLSX, the freshness board and the
  rollout page as Dispermades sees them (≤ 500 ms, XLSX ≤ 2 s);
- a village's public page: its first view (rendered), then p95 ≤ 30 ms over random
  villages, and ≥ 300 pages/s with 8 anonymous clients against gunicorn.

The bench database may predate this module: 24 months of estimated snapshots are added first
to every village that has none (idempotent; the time is reported).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

from balai.devtools.bench import BenchConfig, Metric, Say, percentiles

BENCH_ORDER = 90
SNAPSHOT_TARGET_S = 60.0
PAGE_TARGET_MS = 500.0
XLSX_TARGET_MS = 2000.0
PUBLIC_TARGET_MS = 30.0
PORTAL_CLIENTS = 8
PORTAL_PAGES_PER_S = 300


def _portal_throughput(
    *, config: BenchConfig, phase_dir: Path, codes: list[str], rnd: random.Random, say: Say
) -> dict[str, Any] | None:
    """8 anonymous clients reading public village pages back to back against gunicorn (the
    production server, DEBUG off), with as many workers as the best of the configured counts."""
    import os

    from balai.devtools.bench import bench_env, gunicorn, hammer

    if not codes:
        return None
    workers = max(config.workers)
    say(f"portal: {PORTAL_CLIENTS} klien anonim, gunicorn {workers} worker, {config.duration:.0f} detik")
    env = bench_env(phase_dir, config.database)
    cwd = Path(__file__).resolve().parents[2]
    sessions = [("", [f"/desa/{rnd.choice(codes)}/" for _ in range(200)]) for _ in range(PORTAL_CLIENTS)]
    with gunicorn(workers=workers, env=env, log=phase_dir / "gunicorn-portal.log", cwd=cwd) as (_proc, port):
        # Each worker renders (and caches) the pages once before the measured round.
        hammer(host="127.0.0.1", port=port, sessions=sessions, duration=3.0, max_requests=2000)
        load = hammer(
            host="127.0.0.1",
            port=port,
            sessions=sessions,
            duration=config.duration,
            max_requests=config.max_requests,
        )
    return {
        "workers": workers,
        "pages_per_s": load.pages_per_s,
        "ok": load.ok,
        "errors": load.errors,
        "statuses": load.statuses,
        "latency_ms": load.latency_ms,
        "load_avg": os.getloadavg(),
    }


def _prepare(config: BenchConfig, say: Say) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from balai.people.models import Resident
    from balai.regency.demo import past_snapshots_many
    from balai.regency.models import VillageSnapshot
    from balai.regions.models import Village

    today = timezone.localdate()
    done = set(VillageSnapshot.objects.values_list("village_id", flat=True).distinct())
    populated = set(Resident.objects.values_list("village_id", flat=True).distinct())
    todo = list(Village.objects.filter(pk__in=populated - done).order_by("code"))
    if todo:
        say(f"kabupaten: snapshot 24 bulan (perkiraan) untuk {len(todo)} desa")
    started = time.perf_counter()
    with transaction.atomic():
        rows = past_snapshots_many(villages=todo, today=today)
    return {
        "snapshot_villages_prepared": len(todo),
        "snapshots_prepared": rows,
        "prepare_s": time.perf_counter() - started,
    }


def _fetch(client: Any, urls: list[str], warmup: int) -> dict[str, Any]:
    statuses: Counter[int] = Counter()
    samples = []
    for i, url in enumerate(urls):
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
        statuses[response.status_code] += 1
        if i >= warmup:
            samples.append(elapsed)
    result: dict[str, Any] = percentiles(samples)
    result["statuses"] = dict(statuses)
    result["errors"] = sum(n for code, n in statuses.items() if code != 200)
    return result


def _page_metric(key: str, label: str, stats: dict[str, Any], target_ms: float) -> Metric:
    errors = stats.get("errors", 0)
    value = f"{stats['p50']:.1f} / {stats['p95']:.1f} ms (p50 / p95)" + (
        f", {errors} galat {stats['statuses']}" if errors else ""
    )
    return Metric(
        key, label, value, f"p95 ≤ {target_ms:.0f} ms", stats["p95"] <= target_ms and not errors, stats["p95"]
    )


def bench(config: BenchConfig, phase_dir: Path, say: Say) -> dict[str, Any]:
    from django.core.cache import cache
    from django.test import Client
    from django.utils import timezone

    from balai.accounts.models import Role, User
    from balai.core.dates import Month
    from balai.people.models import Resident
    from balai.regency.figures import count_figures
    from balai.regency.services import snapshot_take
    from balai.regions.selectors import village_list

    result: dict[str, Any] = _prepare(config, say)
    metrics: list[Metric] = []
    villages = list(village_list())
    residents = Resident.objects.filter(status=1).count()
    month = Month.of(timezone.localdate())

    # Counting alone, as often as asked: what the command spends on the 1st.
    started = time.perf_counter()
    count_figures(village_ids=[v.pk for v in villages], month=month, on=timezone.localdate())
    count_s = time.perf_counter() - started
    taken = snapshot_take(actor=None, month=month)
    result.update(snapshot_count_s=count_s, snapshot_created=taken.created, snapshot_store_s=taken.seconds)
    metrics.append(
        Metric(
            "regency_snapshot",
            f"Kabupaten: menghitung snapshot bulanan {len(villages)} desa, {residents:,} penduduk",
            f"{count_s:.2f} s (disimpan: {taken.created} desa dalam {taken.seconds:.2f} s)",
            f"≤ {SNAPSHOT_TARGET_S:.0f} s",
            count_s <= SNAPSHOT_TARGET_S,
            count_s,
        )
    )

    user = User.objects.filter(role=Role.DISPERMADES, is_active=True).first()
    if user is None:
        user = User.objects.create_user("bench.dispermades", password=None, role=Role.DISPERMADES)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    n = config.requests + config.warmup
    past = str(month.previous().previous())
    pages = [
        (
            "regency_figures",
            "Kabupaten: angka bulanan dari snapshot",
            f"/kabupaten/?bulan={past}",
            PAGE_TARGET_MS,
        ),
        ("regency_freshness", "Kabupaten: papan kesegaran data", "/kabupaten/kesegaran/", PAGE_TARGET_MS),
        ("regency_rollout", "Kabupaten: halaman peluncuran", "/kabupaten/peluncuran/", PAGE_TARGET_MS),
    ]
    few = max(10, n // 10)  # the heavier pages: fewer requests keep the bench short
    for key, label, url, target in pages:
        stats = _fetch(client, [url] * few, min(config.warmup, 3))
        result[key] = stats
        metrics.append(_page_metric(key, label, stats, target))
    stats = _fetch(client, [f"/kabupaten/angka.xlsx?bulan={past}"] * 10, 2)
    result["regency_xlsx"] = stats
    metrics.append(_page_metric("regency_xlsx", "Kabupaten: XLSX angka bulanan", stats, XLSX_TARGET_MS))

    cache.clear()
    anonymous = Client(raise_request_exception=False)
    rnd = random.Random(config.seed)
    # First view of each village (rendered, then cached): what a visitor meets after an
    # operator's edit. Then ordinary traffic over random villages, the p95 target.
    codes = [v.code for v in villages]
    cold = _fetch(anonymous, [f"/desa/{c}/" for c in codes], 0)
    result["portal_home_first"] = cold
    metrics.append(
        _page_metric(
            "portal_home_first", "Portal: halaman publik desa, tampilan pertama", cold, PAGE_TARGET_MS
        )
    )
    urls = [f"/desa/{rnd.choice(codes)}/" for _ in range(n)]
    stats = _fetch(anonymous, urls, config.warmup)
    result["portal_home"] = stats
    metrics.append(_page_metric("portal_home", "Portal: halaman publik desa", stats, PUBLIC_TARGET_MS))
    load = _portal_throughput(config=config, phase_dir=phase_dir, codes=codes, rnd=rnd, say=say)
    if load is not None:
        result["portal_throughput"] = load
        metrics.append(
            Metric(
                "portal_throughput",
                f"Portal: {PORTAL_CLIENTS} klien anonim, gunicorn -w {load['workers']}",
                f"{load['pages_per_s']:.0f} halaman/detik, p95 {load['latency_ms'].get('p95', 0):.1f} ms"
                + (f", {load['errors']} galat" if load["errors"] else "")
                + f" (beban {load['load_avg'][0]:.1f})",
                f"≥ {PORTAL_PAGES_PER_S} halaman/detik",
                load["pages_per_s"] >= PORTAL_PAGES_PER_S and not load["errors"],
                load["pages_per_s"],
            )
        )
    result["metrics"] = metrics
    return result
