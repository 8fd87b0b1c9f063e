"""`balai bench` rows of issue 15 (data tunggal): recording a death with every module's
handler, the monthly report for a village and for the regency, the Buku Induk PDF of the
largest village, and the data-quality ranking of every village."""

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


def _metric(key: str, label: str, stats: dict[str, Any], target_ms: float) -> Metric:
    return Metric(
        key, label, f"p50 {stats['p50']:.1f} / p95 {stats['p95']:.1f} ms", f"p95 ≤ {target_ms:.0f} ms",
        stats["p95"] <= target_ms, stats["p95"],
    )  # fmt: skip


def bench(config: BenchConfig, phase_dir: Path, say: Say) -> dict[str, Any]:
    from django.db import transaction
    from django.db.models import Count
    from django.utils import timezone

    from balai.people import books, codes, pdf, quality, services
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

    say(f"data tunggal: Buku Induk PDF ({village.name}, {sizes[village.pk]:,} penduduk)")

    def induk_pdf() -> None:
        rows = list(books.as_text(books.book_rows(book=books.BOOKS["induk"], village=village, year=today.year,
                                                  month=today.month)))  # fmt: skip
        pdf.render_book({"code": "B1", "title": "Buku Induk Penduduk", "subtitle": village.name,
                         "columns": [{"label": c.label, "width": c.width} for c in books.BOOKS["induk"].columns],
                         "rows": rows, "empty": "-", "place_date": "", "signer_position": "", "signer_name": ""})  # fmt: skip

    result["induk_pdf"] = _timed(induk_pdf, 2)
    metrics.append(_metric("single_induk_pdf", f"Buku Induk PDF ({sizes[village.pk]:,} penduduk)",
                           result["induk_pdf"], BOOK_PDF_TARGET_MS))  # fmt: skip

    say(f"data tunggal: peringkat mutu data {len(all_ids)} desa")
    villages = list(Village.objects.order_by("code"))
    result["quality"] = _timed(lambda: quality.ranking(villages=villages), 2)
    metrics.append(_metric("single_quality", f"Mutu data: skor {len(villages)} desa", result["quality"],
                           QUALITY_TARGET_MS))  # fmt: skip
    result["metrics"] = metrics
    return result
