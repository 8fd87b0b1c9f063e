"""`balai bench` rows of issue 15 (data tunggal): recording a death with every module's
handler, the monthly report and the statistics by category for a village and for the regency,
the Buku Induk PDF of the largest village, and the data-quality ranking of every village."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from balai.devtools.bench import BenchConfig, Metric, Say, percentiles

BENCH_ORDER = 85
DEATH_TARGET_MS = 50
VILLAGE_REPORT_TARGET_MS = 100
REGENCY_REPORT_TARGET_MS = 1000
BOOK_PDF_TARGET_MS = 3000
QUALITY_TARGET_MS = 5000


class _Rollback(Exception):
    pass


def _timed(fn: Any, runs: int) -> dict[str, Any]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return percentiles(times)


def _timed_each(fns: list[Any]) -> dict[str, Any]:
    times = []
    for fn in fns:
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return percentiles(times)


def _metric(key: str, label: str, stats: dict[str, Any], target_ms: float) -> Metric:
    return Metric(
        key, label, f"p50 {stats['p50']:.1f} / p95 {stats['p95']:.1f} ms", f"p95 ≤ {target_ms:.0f} ms",
        stats["p95"] <= target_ms, stats["p95"],
    )  # fmt: skip


def bench(config: BenchConfig, phase_dir: Path, say: Say) -> dict[str, Any]:
    from django.db import transaction
    from django.db.models import Count
    from django.utils import timezone

    from balai.people import books, codes, pdf, quality, services, statistics
    from balai.people.models import Resident
    from balai.regions.models import Village

    today = timezone.localdate()
    sizes = dict(
        Resident.objects.filter(status=codes.STATUS_ALIVE)
        .order_by()
        .values("village_id")
        .annotate(n=Count("id"))
        .values_list("village_id", "n")
    )
    if not sizes:
        return {"metrics": []}
    village = Village.objects.get(pk=max(sizes, key=lambda k: sizes[k]))
    all_ids = list(Village.objects.values_list("pk", flat=True))
    result: dict[str, Any] = {"village": village.name, "village_residents": sizes[village.pk]}
    metrics: list[Metric] = []

    say(f"data tunggal: catat kematian dengan semua modul ({village.name})")
    candidates = list(
        Resident.objects.filter(village=village, status=codes.STATUS_ALIVE).order_by("?")[: config.requests]
    )
    times = []
    for resident in candidates:
        start = time.perf_counter()
        try:
            with transaction.atomic():
                services.death_record(actor=None, resident=resident, event_date=today)
                raise _Rollback
        except _Rollback:
            pass
        times.append((time.perf_counter() - start) * 1000)
    result["death"] = percentiles(times)
    metrics.append(
        _metric(
            "single_death", "Data tunggal: catat kematian + semua modul", result["death"], DEATH_TARGET_MS
        )
    )

    runs = max(3, config.overview_runs)
    say("data tunggal: laporan bulanan desa dan kabupaten")
    result["report_village"] = _timed(
        lambda: books.monthly_report(village_ids=[village.pk], year=today.year, month=today.month), runs
    )
    result["report_regency"] = _timed(
        lambda: books.monthly_report(village_ids=all_ids, year=today.year, month=today.month), runs
    )
    metrics += [
        _metric("single_report_village", f"Laporan bulanan desa ({village.name})", result["report_village"],
                VILLAGE_REPORT_TARGET_MS),
        _metric("single_report_regency", f"Laporan bulanan kabupaten ({len(all_ids)} desa)", result["report_regency"],
                REGENCY_REPORT_TARGET_MS),
    ]  # fmt: skip

    say("data tunggal: statistik per kategori, desa dan kabupaten")
    villages_by_code = list(Village.objects.order_by("district_code", "code"))
    # A worker's first age table compiles its query once (statistics._AGE): not a page's time.
    statistics.category_table(village_ids=[villages_by_code[0].pk], category=statistics.CATEGORIES[0])
    for scope, fn, target in (
        ("village", lambda c: statistics.category_table(village_ids=[village.pk], category=c), VILLAGE_REPORT_TARGET_MS),
        ("regency", lambda c: statistics.regional_tables(villages=villages_by_code, category=c), REGENCY_REPORT_TARGET_MS),
    ):  # fmt: skip
        # Each category once (uncached, as the first visitor of the day): the page shows one.
        times = []
        for category in statistics.CATEGORIES:
            start = time.perf_counter()
            fn(category)
            times.append((time.perf_counter() - start) * 1000)
        result[f"stats_{scope}"] = percentiles(times)
        label = f"Statistik per kategori desa ({village.name})" if scope == "village" else (
            f"Statistik per kategori kabupaten + per desa ({len(all_ids)} desa)")  # fmt: skip
        metrics.append(_metric(f"single_stats_{scope}", label, result[f"stats_{scope}"], target))

    say(f"data tunggal: Buku Induk PDF ({village.name}, {sizes[village.pk]:,} penduduk)")
    columns = [{"label": c.label, "width": c.width} for c in books.BOOKS["induk"].columns]

    def induk_pdf(v: Village, limit: int | None = None) -> None:
        start = time.perf_counter()
        rows = list(books.as_text(books.book_rows(book=books.BOOKS["induk"], village=v, year=today.year,
                                                  month=today.month)))[:limit]  # fmt: skip
        result.setdefault("induk_rows_ms", []).append(round((time.perf_counter() - start) * 1000, 1))
        pdf.render_book({"code": "B1", "title": "Buku Induk Penduduk", "subtitle": v.name, "columns": columns,
                         "rows": rows, "empty": "-", "place_date": "", "signer_position": "", "signer_name": ""})  # fmt: skip

    # A worker's first book starts Typst and measures the font once: not part of a book's time.
    induk_pdf(village, 20)
    result["induk_rows_ms"] = []
    # The two largest villages, not the same one twice: Typst memoizes layouts within a process,
    # and a second identical book would cost a fraction of the first.
    largest = list(Village.objects.filter(pk__in=sorted(sizes, key=lambda k: -sizes[k])[:2]))
    result["induk_pdf"] = _timed_each([lambda v=v: induk_pdf(v) for v in largest])
    metrics.append(_metric("single_induk_pdf", f"Buku Induk PDF ({sizes[village.pk]:,} penduduk)",
                           result["induk_pdf"], BOOK_PDF_TARGET_MS))  # fmt: skip

    say(f"data tunggal: peringkat mutu data {len(all_ids)} desa")
    villages = list(Village.objects.order_by("code"))
    result["quality"] = _timed(lambda: quality.ranking(villages=villages), 2)
    metrics.append(_metric("single_quality", f"Mutu data: skor {len(villages)} desa", result["quality"],
                           QUALITY_TARGET_MS))  # fmt: skip
    result["metrics"] = metrics
    return result
