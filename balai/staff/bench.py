"""`balai bench --only staff`: the org chart and the monthly recap of a village (p95 ≤ 50 ms),
and the regency's staffing view over every village (≤ 1 s).

The bench database may predate staffing's demo data, so it is added first for every populated
village without posts (idempotent).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

from balai.core.db.statistics import refresh_app_statistics
from balai.devtools.bench import BenchConfig, Metric, Say, percentiles

PAGE_TARGET_MS = 50.0
REGIONAL_TARGET_MS = 1000.0
BENCH_ORDER = 15


def _prepare(config: BenchConfig, say: Say) -> int:
    from django.db import transaction
    from django.utils import timezone

    from balai.people.models import Resident
    from balai.regions.models import Village
    from balai.staff.demo import extend_village
    from balai.staff.models import Position

    done = set(Position.objects.values_list("village_id", flat=True).distinct())
    populated = set(Resident.objects.values_list("village_id", flat=True).distinct())
    todo = list(Village.objects.filter(pk__in=populated - done).order_by("code"))
    if todo:
        say(f"kepegawaian: data demo untuk {len(todo)} desa")
    for village in todo:
        with transaction.atomic():
            extend_village(
                village=village,
                rnd=random.Random(f"{config.seed}:{village.code}:staff"),
                today=timezone.localdate(),
            )
    if todo:
        refresh_app_statistics("staff")
    return len(todo)


def _fetch(client: Any, urls: list[str], warmup: int) -> dict[str, Any]:
    statuses: Counter[int] = Counter()
    samples = []
    for i, url in enumerate(urls):
        start = time.perf_counter()
        statuses[client.get(url).status_code] += 1
        if i >= warmup:
            samples.append((time.perf_counter() - start) * 1000)
    result: dict[str, Any] = percentiles(samples)
    result["statuses"] = dict(statuses)
    result["errors"] = sum(n for code, n in statuses.items() if code != 200)
    return result


def _metric(key: str, label: str, stats: dict[str, Any], target_ms: float) -> Metric:
    errors = stats.get("errors", 0)
    value = f"{stats['p50']:.1f} / {stats['p95']:.1f} ms (p50 / p95)" + (
        f", {errors} galat {stats['statuses']}" if errors else ""
    )
    return Metric(
        key, label, value, f"p95 ≤ {target_ms:.0f} ms", stats["p95"] <= target_ms and not errors, stats["p95"]
    )


def bench(config: BenchConfig, phase_dir: Path, say: Say) -> dict[str, Any]:
    from django.test import Client
    from django.urls import reverse

    from balai.accounts.models import User
    from balai.devtools.demo import PILOT_CODES
    from balai.people.models import Resident
    from balai.regions.models import Village

    result: dict[str, Any] = {"villages_prepared": _prepare(config, say)}
    populated = set(Resident.objects.values_list("village_id", flat=True).distinct())
    villages = list(Village.objects.filter(pk__in=populated).order_by("code"))
    if not villages:
        return {"metrics": []}
    village = next((v for c in PILOT_CODES for v in villages if v.code == c), villages[0])
    kades = (
        User.objects.filter(village=village, role__in=["kades", "operator"]).order_by("role", "pk").first()
    )
    metrics: list[Metric] = []
    client = Client(raise_request_exception=False)
    n = config.requests + config.warmup
    if kades is not None:
        client.force_login(kades)
        say(f"kepegawaian: susunan organisasi {village.name} ({n} permintaan)")
        result["org_chart"] = _fetch(client, [reverse("staff:org_chart")] * n, config.warmup)
        say(f"kepegawaian: rekap kehadiran bulanan {village.name} ({n} permintaan)")
        result["recap"] = _fetch(client, [reverse("staff:attendance_recap")] * n, config.warmup)
        metrics += [
            _metric(
                "staff_org_chart",
                f"Kepegawaian: susunan organisasi ({village.name})",
                result["org_chart"],
                PAGE_TARGET_MS,
            ),
            _metric(
                "staff_recap",
                f"Kepegawaian: rekap kehadiran bulanan ({village.name})",
                result["recap"],
                PAGE_TARGET_MS,
            ),
        ]
        if kades.role == "kades":
            say(f"kepegawaian: laporan warga ketidakhadiran {village.name} ({n} permintaan)")
            result["absence_list"] = _fetch(client, [reverse("staff:absence_list")] * n, config.warmup)
            metrics.append(
                _metric(
                    "staff_absence_list",
                    f"Kepegawaian: laporan warga perangkat tidak di kantor ({village.name})",
                    result["absence_list"],
                    PAGE_TARGET_MS,
                )
            )
    viewer = User.objects.filter(role="dispermades", is_active=True).order_by("pk").first()
    if viewer is not None:
        client.force_login(viewer)
        runs = max(config.overview_runs, 3)
        say(f"kepegawaian: tampilan kabupaten ({runs}×)")
        result["regional"] = _fetch(client, [reverse("staff:regional")] * (runs + 1), 1)
        metrics.append(
            _metric(
                "staff_regional",
                f"Kepegawaian: tampilan kabupaten ({Village.objects.count()} desa)",
                result["regional"],
                REGIONAL_TARGET_MS,
            )
        )
    result["metrics"] = metrics
    return result
