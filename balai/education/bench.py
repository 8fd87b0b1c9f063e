"""`balai bench --only education`: the village follow-up list and the regency aggregate.

The bench database may predate this module, so its demo data is added here first, village
by village, for every populated village that has no school yet (idempotent); the time it
takes is reported against the demo budget (≤ 15 s per million residents).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from balai.core.db.statistics import refresh_app_statistics
from balai.devtools.bench import (
    BenchConfig,
    Metric,
    Say,
    module_demo_load,
    module_demo_villages,
    percentiles,
    restore_module_demo,
)

PAGE_TARGET_MS = 50.0
REGIONAL_TARGET_MS = 1000.0
DEMO_TARGET_S_PER_MILLION = 15.0


# Written by the demo, read by it only by primary key: loaded without their other indexes
# and constraints (`module_demo_load`). Schools are few and read by village.
DEMO_TABLES = (
    "education_enrolment",
    "education_absencereport",
    "education_scholarship",
    "education_followup",
)


def _prepare(config: BenchConfig, phase_dir: Path, say: Say) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from balai.education.demo import extend_village
    from balai.education.models import School
    from balai.people.models import Resident
    from balai.regions.models import Village

    restore_module_demo(phase_dir, "education")
    today = timezone.localdate()
    done = set(School.objects.values_list("village_id", flat=True).distinct())
    populated = set(Resident.objects.values_list("village_id", flat=True).distinct())
    todo = list(Village.objects.filter(pk__in=populated - done).order_by("code"))
    residents = Resident.objects.filter(village__in=todo).count() if todo else 0
    if todo:
        say(f"pendidikan: data demo untuk {len(todo)} desa ({residents:,} penduduk)")
    started = time.perf_counter()
    rows = 0
    if todo:

        def write(village: Village) -> int:
            with transaction.atomic():
                counts = extend_village(
                    village=village, rnd=random.Random(f"{config.seed}:{village.code}:education"), today=today
                )
            return counts["enrolments"]

        with module_demo_load(DEMO_TABLES, phase_dir=phase_dir, module="education"):
            rows = sum(module_demo_villages(todo, write))
    # With the indexes and constraints made again: the data is not there before.
    seconds = time.perf_counter() - started
    if todo:
        refresh_app_statistics("education")
    return {
        "villages_prepared": len(todo),
        "residents_prepared": residents,
        "enrolments_prepared": rows,
        "prepare_s": seconds,
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


# Where this app's figures come among the apps' in `balai bench` (lowest first; see
# balai.devtools.bench.module_benches).
BENCH_ORDER = 40


def bench(config: BenchConfig, phase_dir: Path, say: Say) -> dict[str, Any]:
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from balai.accounts.models import User
    from balai.devtools.demo import PILOT_CODES
    from balai.education import selectors
    from balai.education.models import VillageSummary
    from balai.people.models import Resident
    from balai.regions.models import Dusun, Village
    from balai.regions.selectors import village_list

    result: dict[str, Any] = _prepare(config, phase_dir, say)
    metrics: list[Metric] = []
    if result["villages_prepared"] and result["residents_prepared"]:
        per_million = result["prepare_s"] * 1_000_000 / result["residents_prepared"]
        metrics.append(
            Metric(
                "education_demo",
                "Pendidikan: data demo",
                f"{result['residents_prepared']:,} penduduk, {result['enrolments_prepared']:,} pendaftaran "
                f"dalam {result['prepare_s']:.1f} s → {per_million:.1f} s per 1 juta",
                f"≤ {DEMO_TARGET_S_PER_MILLION:.0f} s per 1 juta",
                per_million <= DEMO_TARGET_S_PER_MILLION,
                per_million,
            )
        )

    rnd = random.Random(config.seed)
    populated = set(Resident.objects.values_list("village_id", flat=True).distinct())
    villages = list(Village.objects.filter(pk__in=populated).order_by("code"))
    village = next((v for c in PILOT_CODES for v in villages if v.code == c), villages[0])
    operator = User.objects.filter(village=village, role="operator").order_by("pk").first()
    if operator is None:
        raise RuntimeError(f"no operator account for {village.name}")
    client = Client(raise_request_exception=False)
    client.force_login(operator)
    day = timezone.localdate()
    children = selectors.school_age_children(village=village, day=day)
    result["village"] = village.name
    result["village_residents"] = Resident.objects.filter(village=village, status=1).count()
    result["village_children"] = len(children)
    result["village_follow_up"] = sum(1 for c in children if c.needs_follow_up)
    dusuns = list(Dusun.objects.filter(village=village).values_list("pk", flat=True))
    n = config.requests + config.warmup

    def filtered(name: str) -> list[str]:
        base = reverse(name)
        urls = []
        for _ in range(n):
            params: dict[str, Any] = {}
            if dusuns and rnd.random() < 0.5:
                params["dusun"] = rnd.choice(dusuns)
            if rnd.random() < 0.5:
                low = rnd.randint(7, 15)
                params |= {"age_min": low, "age_max": low + rnd.randint(0, 5)}
            urls.append(f"{base}?{urlencode(params)}" if params else base)
        return urls

    say(f"pendidikan: daftar tindak lanjut {village.name} ({n} permintaan)")
    result["follow_up"] = _fetch(client, filtered("education:follow_up"), config.warmup)
    say(f"pendidikan: daftar anak 7–18 {village.name} ({n} permintaan)")
    result["children"] = _fetch(client, filtered("education:children"), config.warmup)
    result["home"] = _fetch(client, [reverse("education:home")] * n, config.warmup)
    metrics += [
        _page_metric(
            "education_follow_up",
            f"Pendidikan: daftar ATS/berisiko ({village.name})",
            result["follow_up"],
            PAGE_TARGET_MS,
        ),
        _page_metric(
            "education_children",
            f"Pendidikan: daftar anak 7–18 ({village.name})",
            result["children"],
            PAGE_TARGET_MS,
        ),
        _page_metric(
            "education_home", f"Pendidikan: ringkasan desa ({village.name})", result["home"], PAGE_TARGET_MS
        ),
    ]

    viewer = User.objects.filter(role="dispermades", is_active=True).order_by("pk").first()
    if viewer is not None:
        client.force_login(viewer)
        url = reverse("education:regional")
        all_villages = list(village_list())
        say(f"pendidikan: agregat kabupaten, hitung penuh tanpa ringkasan ({config.overview_runs}×)")
        cold, statuses = [], Counter[int]()
        # One request first, not timed: the process's first of this page (its template, its
        # code's first run) took ~0.5 s more than the nine after it, a cost a running server
        # has paid long before the day's first count.
        cache.clear()
        VillageSummary.objects.all().delete()
        statuses[client.get(url).status_code] += 1
        for _ in range(config.overview_runs):
            cache.clear()
            VillageSummary.objects.all().delete()
            start = time.perf_counter()
            statuses[client.get(url).status_code] += 1
            cold.append((time.perf_counter() - start) * 1000)
        say(f"pendidikan: agregat kabupaten dari ringkasan harian, tanpa cache ({n}×)")
        warm = []
        for _ in range(n):
            cache.clear()
            start = time.perf_counter()
            statuses[client.get(url).status_code] += 1
            warm.append((time.perf_counter() - start) * 1000)
        errors = sum(v for k, v in statuses.items() if k != 200)
        data = selectors.regional(villages=all_villages, day=day)
        result["regional_full"] = percentiles(cold) | {"statuses": dict(statuses), "errors": errors}
        result["regional_summaries"] = percentiles(warm[config.warmup :]) | {"errors": errors}
        result["regional_children"] = data.total.children
        result["regional_out_of_school"] = data.total.out_of_school
        label = f"{len(all_villages)} desa, {data.total.children:,} anak"
        metrics.append(
            _page_metric(
                "education_regional",
                f"Pendidikan: agregat kabupaten dari ringkasan harian ({label})",
                result["regional_summaries"],
                REGIONAL_TARGET_MS,
            )
        )
        metrics.append(
            _page_metric(
                "education_regional_full",
                f"Pendidikan: agregat kabupaten dihitung penuh (pertama kali sehari; {label})",
                result["regional_full"],
                REGIONAL_TARGET_MS,
            )
        )
    result["metrics"] = metrics
    return result
