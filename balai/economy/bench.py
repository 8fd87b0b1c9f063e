"""`balai bench --only economy`: a unit's statements over 10,000 journal lines, and the public
UMKM page of a village.

The bench database may predate this module, so its demo data is added first for every
populated village without a BUMDes (idempotent). The 10,000-line unit is written straight into
the tables (balanced pairs; the services would take minutes and measure posting, not reading),
once, under a unit named "Unit Uji Kinerja".
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

from balai.core.db.statistics import refresh_app_statistics
from balai.devtools.bench import BenchConfig, Metric, Say, percentiles

STATEMENTS_TARGET_MS = 100.0
PUBLIC_TARGET_MS = 50.0
BENCH_LINES = 10_000
BENCH_UNIT = "Unit Uji Kinerja"
BENCH_ORDER = 80


def _prepare(config: BenchConfig, say: Say) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from balai.economy.demo import extend_village
    from balai.economy.models import Bumdes
    from balai.people.models import Resident
    from balai.regions.models import Village

    today = timezone.localdate()
    done = set(Bumdes.objects.values_list("village_id", flat=True))
    populated = set(Resident.objects.values_list("village_id", flat=True).distinct())
    todo = list(Village.objects.filter(pk__in=populated - done).order_by("code"))
    if todo:
        say(f"ekonomi: data demo untuk {len(todo)} desa")
    started = time.perf_counter()
    for village in todo:
        with transaction.atomic():
            extend_village(
                village=village, rnd=random.Random(f"{config.seed}:{village.code}:economy"), today=today
            )
    seconds = time.perf_counter() - started
    if todo:
        refresh_app_statistics("economy")
    return {"villages_prepared": len(todo), "prepare_s": seconds}


def _big_unit(village: Any, say: Say) -> Any:
    from django.db import transaction

    from balai.economy import rules, services
    from balai.economy.models import Account, BusinessUnit, JournalEntry, JournalLine

    bumdes = services.Bumdes.objects.get(village=village)
    unit = BusinessUnit.objects.filter(bumdes=bumdes, name=BENCH_UNIT).first()
    if unit is not None and JournalLine.objects.filter(unit=unit).count() >= BENCH_LINES:
        return unit
    say(f"ekonomi: unit dengan {BENCH_LINES:,} baris jurnal di {village.name}")
    with transaction.atomic():
        if unit is None:
            unit = services.unit_create(actor=None, bumdes=bumdes, name=BENCH_UNIT, kind="lain")
        accounts = {a.code: a for a in Account.objects.filter(bumdes=bumdes)}
        rnd = random.Random(7)
        start_number = (
            JournalEntry.objects.filter(bumdes=bumdes)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
            or 0
        ) + 1
        year = (bumdes.closed_through.year + 1) if bumdes.closed_through else dt.date.today().year
        pairs = [("1-101", "3-102")] + [
            ("1-101", "4-101"),
            ("5-205", "1-101"),
            ("1-103", "4-102"),
            ("1-101", "1-103"),
        ] * 3
        cash = {code for code, a in accounts.items() if a.is_cash}
        plan = []
        for i in range(BENCH_LINES // 2):
            # The first entry brings in capital so cash never goes negative.
            debit, credit = pairs[0] if i == 0 else rnd.choice(pairs[1:])
            amount = 10_000_000_000 if i == 0 else rnd.randint(1, 500) * 1000
            plan.append((debit, credit, amount))
        entries = [
            JournalEntry(
                village=village,
                bumdes=bumdes,
                unit=unit,
                number=start_number + i,
                date=dt.date(year, 1 + i % 12, 1 + i % 28),
                description=f"Transaksi uji {i}",
                cash_change=(amount if debit in cash else 0) - (amount if credit in cash else 0),
                flow=rules.flow_of(c for c in (debit, credit) if c not in cash),
            )
            for i, (debit, credit, amount) in enumerate(plan)
        ]
        JournalEntry.objects.bulk_create(entries, batch_size=1000)
        lines = []
        saved = JournalEntry.objects.filter(unit=unit).order_by("number")
        for entry, (debit, credit, amount) in zip(saved, plan, strict=True):
            lines.append(
                JournalLine(
                    village=village,
                    entry=entry,
                    unit=unit,
                    account=accounts[debit],
                    date=entry.date,
                    debit=amount,
                )
            )
            lines.append(
                JournalLine(
                    village=village,
                    entry=entry,
                    unit=unit,
                    account=accounts[credit],
                    date=entry.date,
                    credit=amount,
                )
            )
        JournalLine.objects.bulk_create(lines, batch_size=2000)
    return unit


def _timed(fn: Any, n: int, warmup: int) -> dict[str, Any]:
    samples = []
    for i in range(n):
        start = time.perf_counter()
        fn()
        if i >= warmup:
            samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def bench(config: BenchConfig, phase_dir: Path, say: Say) -> dict[str, Any]:
    from django.test import Client
    from django.urls import reverse

    from balai.devtools.demo import PILOT_CODES
    from balai.economy import selectors
    from balai.economy.models import Bumdes, JournalLine
    from balai.regions.models import Village

    result: dict[str, Any] = _prepare(config, say)
    with_bumdes = set(Bumdes.objects.values_list("village_id", flat=True))
    villages = list(Village.objects.filter(pk__in=with_bumdes).order_by("code"))
    if not villages:
        result["metrics"] = []
        return result
    village = next((v for c in PILOT_CODES for v in villages if v.code == c), villages[0])
    unit = _big_unit(village, say)
    newest = JournalLine.objects.filter(unit=unit).order_by("-date").values_list("date", flat=True).first()
    year = newest.year if newest else dt.date.today().year
    n = config.requests + config.warmup
    result["village"] = village.name
    result["unit_lines"] = JournalLine.objects.filter(unit=unit).count()
    say(f"ekonomi: laporan keuangan unit ({result['unit_lines']:,} baris, {n}×)")
    books = selectors.books(village=village, unit=unit, year=year)
    result["unit_balanced"] = books.position.balanced
    result["statements"] = _timed(
        lambda: selectors.books(village=village, unit=unit, year=year), n, config.warmup
    )

    client = Client(raise_request_exception=False)
    url = reverse("economy_public:businesses", args=[village.code])
    statuses: Counter[int] = Counter()

    def get() -> None:
        statuses[client.get(url).status_code] += 1

    say(f"ekonomi: halaman UMKM publik {village.name} ({n}×)")
    result["public_page"] = _timed(get, n, config.warmup) | {"statuses": dict(statuses)}
    errors = sum(v for k, v in statuses.items() if k != 200)
    s, p = result["statements"], result["public_page"]
    result["metrics"] = [
        Metric(
            "economy_statements",
            f"Ekonomi: neraca saldo dan laporan unit ({result['unit_lines']:,} baris jurnal)",
            f"{s['p50']:.1f} / {s['p95']:.1f} ms (p50 / p95)"
            + ("" if books.position.balanced else ", TIDAK SEIMBANG"),
            f"≤ {STATEMENTS_TARGET_MS:.0f} ms",
            s["p95"] <= STATEMENTS_TARGET_MS and books.position.balanced,
            s["p95"],
        ),
        Metric(
            "economy_public",
            f"Ekonomi: halaman UMKM publik ({village.name})",
            f"{p['p50']:.1f} / {p['p95']:.1f} ms (p50 / p95)" + (f", {errors} galat" if errors else ""),
            f"p95 ≤ {PUBLIC_TARGET_MS:.0f} ms",
            p["p95"] <= PUBLIC_TARGET_MS and not errors,
            p["p95"],
        ),
    ]
    return result
