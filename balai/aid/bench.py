"""`balai bench --only aid`: targeting figures on the bench regency.

- evaluating a programme's rules and scores (registry aggregates, DTSEN decile, welfare
  survey, an exclusion of PKH recipients, ranking) over every family of the regency
  (issue target ≤ 30 s for ~300,000 families) and over the largest village (≤ 1 s);
- rebuilding that village's saved candidate list with explanations (no target; reported);
- the aid demo data added to villages that have none (≤ 15 s per million residents).

The bench database was built before the module's demo hook existed, so the demo data is
added here to every village that has none (idempotent; its time is reported too).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from balai.core.db.statistics import refresh_app_statistics

REGENCY_TARGET_S = 30.0
VILLAGE_TARGET_S = 1.0
DEMO_TARGET_S_PER_MILLION = 15.0
BENCH_CODE = "bench-blt"


# Written by the demo, read by it only by primary key: loaded without their other indexes
# and constraints (`module_demo_load`).
DEMO_TABLES = ("aid_officialdecile", "aid_welfaresurvey", "aid_recipient", "aid_entitlement")


def prepare_demo(say: Callable[[str], None], phase_dir: Path) -> dict[str, Any]:
    """Add the aid demo data to every peopled village that has none (one transaction each)."""
    from django.db import transaction
    from django.utils import timezone

    from balai.aid import demo
    from balai.aid.models import Programme
    from balai.devtools.bench import module_demo_load, module_demo_villages, restore_module_demo
    from balai.people.models import Resident
    from balai.regions.models import Village

    restore_module_demo(phase_dir, "aid")
    today = timezone.localdate()
    done = set(Programme.objects.filter(code="pkh").values_list("village_id", flat=True))
    peopled = set(Resident.objects.values_list("village_id", flat=True).distinct())
    todo = [v for v in Village.objects.order_by("code") if v.pk not in done and v.pk in peopled]
    residents = 0
    started = time.perf_counter()
    if todo:
        say(f"  data bantuan demo: {len(todo)} desa")

        def write(village: Village) -> None:
            with transaction.atomic():
                demo.extend_village(village=village, rnd=random.Random(f"bench:{village.code}"), today=today)

        with module_demo_load(DEMO_TABLES, phase_dir=phase_dir, module="aid"):
            module_demo_villages(todo, write)
    # With the indexes and constraints made again: the data is not there before.
    seconds = time.perf_counter() - started
    if todo:
        residents = Resident.objects.filter(village__in=todo).count()
        refresh_app_statistics("aid")
    return {
        "villages": len(todo),
        "residents": residents,
        "seconds": seconds,
        "s_per_million": seconds / residents * 1_000_000 if residents else None,
    }


def bench_programme(village: Any) -> Any:
    """A BLT-like programme with every kind of rule, in `village` (created once)."""
    from balai.aid.models import Programme
    from balai.aid.rules import Exclusion, Rule, RuleSet
    from balai.aid.services.programmes import rules_save

    existing = Programme.objects.filter(village=village, code=BENCH_CODE).first()
    if existing is not None:
        return existing
    year = 2026
    import datetime as dt

    programme = Programme.objects.create(
        village=village,
        name="BLT Dana Desa (bench)",
        code=BENCH_CODE,
        source=Programme.Source.DANA_DESA,
        period=str(year),
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        benefit_amount=300_000,
        quota=40,
    )
    pkh = Programme.objects.get(village=village, code="pkh")
    rules_save(
        actor=None,
        programme=programme,
        ruleset=RuleSet(
            rules=[
                Rule("eligibility", "has_civil_servant", "false"),
                Rule("eligibility", "has_car", "false"),
                Rule("priority", "desil", "lte", 1, tier=1),
                Rule("priority", "desil", "lte", 4, tier=2),
                Rule("score", "elderly_alone", "true", weight=20),
                Rule("score", "has_disabled_member", "true", weight=15),
                Rule("score", "has_chronic_illness", "true", weight=15),
                Rule("score", "has_child_under5", "true", weight=10),
                Rule("score", "floor", "in", [5, 6], weight=15),
                Rule("score", "sanitation", "eq", 4, weight=10),
                Rule("score", "income_per_person", "lt", 600_000, weight=15),
            ],
            exclusions=[Exclusion(pkh.pk, pkh.name, pkh.code, "recipient")],
        ),
    )
    return programme


def _timed(fn: Callable[[], Any], runs: int) -> tuple[dict[str, float], Any]:
    samples = []
    value = None
    for _ in range(runs):
        started = time.perf_counter()
        value = fn()
        samples.append(time.perf_counter() - started)
    return {"first": samples[0], "p50": statistics.median(samples), "max": max(samples), "runs": runs}, value


# Where this app's figures come among the apps' in `balai bench` (lowest first; see
# balai.devtools.bench.module_benches).
BENCH_ORDER = 30


def bench(config: Any, phase_dir: Path, say: Callable[[str], None]) -> dict[str, Any]:
    from django.db.models import Count

    from balai.aid import targeting
    from balai.aid.services.candidates import candidates_generate
    from balai.devtools.bench import Metric
    from balai.people.models import Family
    from balai.regions.models import Village

    result: dict[str, Any] = {}
    metrics: list[Metric] = []

    say("  data bantuan demo untuk desa yang belum punya ...")
    prep = prepare_demo(say, phase_dir)
    result["demo"] = prep
    if prep["villages"]:
        rate = prep["s_per_million"] or 0.0
        metrics.append(
            Metric(
                "aid.demo",
                f"data demo bantuan {prep['villages']} desa",
                f"{prep['seconds']:.1f} s ({rate:.1f} s per juta penduduk)",
                f"≤ {DEMO_TARGET_S_PER_MILLION:.0f} s per juta penduduk",
                rate <= DEMO_TARGET_S_PER_MILLION,
                rate,
            )
        )

    sizes = (
        Family.objects.filter(is_active=True)
        .values("village_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("village_id", "n")
    )
    largest_id, largest_families = sizes[0]
    village = Village.objects.get(pk=largest_id)
    village_ids = list(Village.objects.values_list("pk", flat=True))
    programme = bench_programme(village)

    say(f"  evaluasi aturan satu desa ({largest_families:,} KK) ...")
    stats, ev = _timed(lambda: targeting.evaluate_programme(programme=programme), runs=5)
    result["village"] = stats | {"families": largest_families, "counts": ev.counts()}
    metrics.append(
        Metric(
            "aid.evaluate_village",
            f"aturan + skor satu desa ({largest_families:,} KK)",
            f"{stats['p50']:.2f} s (pertama {stats['first']:.2f} s)",
            f"≤ {VILLAGE_TARGET_S:.0f} s",
            stats["max"] <= VILLAGE_TARGET_S,
            stats["p50"],
        )
    )

    say("  evaluasi aturan seluruh kabupaten ...")
    stats, ev = _timed(
        lambda: targeting.evaluate_programme(programme=programme, village_ids=village_ids), runs=2
    )
    families = len(ev.table.ids)
    result["regency"] = stats | {"families": families, "counts": ev.counts()}
    metrics.append(
        Metric(
            "aid.evaluate_regency",
            f"aturan + skor seluruh kabupaten ({families:,} KK)",
            f"{stats['p50']:.1f} s (pertama {stats['first']:.1f} s)",
            f"≤ {REGENCY_TARGET_S:.0f} s",
            stats["max"] <= REGENCY_TARGET_S,
            stats["p50"],
        )
    )

    say("  daftar calon satu desa (disimpan, dengan penjelasan) ...")
    stats, counts = _timed(lambda: candidates_generate(actor=None, programme=programme), runs=2)
    result["candidates"] = stats | {"counts": counts}
    metrics.append(
        Metric(
            "aid.candidates_generate",
            f"susun ulang daftar calon satu desa ({counts['candidates']:,} calon)",
            f"{stats['p50']:.2f} s",
            "—",
            None,
            stats["p50"],
        )
    )
    result["metrics"] = metrics
    return result
