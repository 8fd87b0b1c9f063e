"""`balai bench --only dashboard`: "who read what between t1 and t2" for the regency (issue 16,
item 4: an officer answers it in ≤ 60 s at 1,000,000 residents).

The bench regency has few staff reads of its own, so reads are added first until the last 30
days hold one read for every READS_PER_RESIDENTS residents (200,000 at a million; through
`audit_record_read`, a page of reads an event as the registry writes them, so the chains stay
valid; idempotent within the month). Then:

- the whole answer for the regency over 30 days: every read event of the window, row by row as
  the page shows them (time, who, village, record, purpose, source), target ≤ 60 s;
- the page an officer opens (`/dasbor/siapa-membaca/` over 30 days, first page and a page deep
  in the list, then narrowed to the busiest officer and to the most-read resident), as
  Dispermades sees it.

`balai bench --reads N` sets the window's reads instead (e.g. `--quick --reads 200000`: the
million-resident volume on a small build).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

from balai.devtools.bench import BenchConfig, Metric, Say, percentiles

BENCH_ORDER = 95
WINDOW_DAYS = 30
READS_PER_RESIDENTS = 5
BATCH = 2000  # reads a transaction
READS_PER_CALL = 20  # records a read event shows (a page's reads), each at its own moment
PURPOSES = ["layanan surat", "verifikasi bantuan", "pemutakhiran data"]
ANSWER_TARGET_S = 60.0
PAGE_TARGET_MS = 500.0


def ensure_reads(
    *, reads: int = 0, residents_per_read: int | None = None, seed: int = 1, say: Say | None = None
) -> int:
    """Add staff reads of residents, spread over the villages by size, over the window's days
    and over each village's staff, until the window holds `reads` (or one per
    `residents_per_read` residents); returns how many were added.

    Through `audit_record_read`, a page's worth (READS_PER_CALL residents) an event, each at its
    own moment of the window in time order, so every chain stays valid: the clock the trail reads
    is set to that moment for the call (the events' hashes cover the time they carry)."""
    from unittest import mock

    from django.db import transaction
    from django.db.models import Count
    from django.utils import timezone

    from balai.accounts.models import User
    from balai.audit.selectors import READ_ACTIONS, read_records
    from balai.audit.services import audit_record_read
    from balai.people.models import Resident
    from balai.regions.models import Village

    now = timezone.now()
    have = read_records(start=now - dt.timedelta(days=WINDOW_DAYS), end=now + dt.timedelta(minutes=1)).count()
    sizes = dict(
        Resident.objects.order_by()
        .values("village_id")
        .annotate(n=Count("id"))
        .values_list("village_id", "n")
    )
    want = reads or sum(sizes.values()) // (residents_per_read or READS_PER_RESIDENTS)
    if have >= want or not sizes:
        return 0
    missing = want - have
    if say:
        say(f"dasbor: menambah {missing:,} peristiwa baca untuk 'siapa membaca'")
    rnd = random.Random(seed)
    total = sum(sizes.values())
    # Inside the window however long the measuring takes: from a little after its start to now.
    first = now - dt.timedelta(days=WINDOW_DAYS) + dt.timedelta(hours=1)
    span = (now - first).total_seconds()
    added = 0
    for village in Village.objects.filter(pk__in=sizes).order_by("code"):
        count = round(missing * sizes[village.pk] / total)
        if count <= 0:
            continue
        readers: list[User | None] = [*User.objects.filter(village=village, is_active=True).order_by("pk")]
        readers = readers or [None]
        ids = list(Resident.objects.filter(village=village).values_list("public_id", flat=True)[:5000])
        calls = math.ceil(count / READS_PER_CALL)
        moments = sorted(first + dt.timedelta(seconds=rnd.uniform(0, span)) for _ in range(calls))
        for start in range(0, calls, BATCH // READS_PER_CALL):
            with transaction.atomic():
                for call, at in enumerate(moments[start : start + BATCH // READS_PER_CALL], start):
                    size = min(READS_PER_CALL, count - call * READS_PER_CALL, len(ids))
                    with mock.patch.object(timezone, "now", return_value=at):
                        added += audit_record_read(
                            actor=rnd.choice(readers),
                            village=village,
                            action=READ_ACTIONS[0],
                            object_type="resident",
                            object_ids=rnd.sample(ids, size),
                            changes={"purpose": rnd.choice(PURPOSES)},
                            source="bench",
                        )
    return added


def answer(*, start: dt.datetime, end: dt.datetime) -> int:
    """Every read of the window, row by row as the page shows them (time, who, village, record,
    purpose, source): the officer's whole answer."""
    from balai.audit.selectors import read_rows
    from balai.regions.models import Village

    names = dict(Village.objects.values_list("pk", "name"))
    rows = 0
    for at, who, village_id, record, purpose, source in read_rows(start=start, end=end).iterator(
        chunk_size=5000
    ):
        _row = (at, who, names.get(village_id, ""), record, purpose or "", source)
        rows += 1
    return rows


def bench(config: BenchConfig, phase_dir: Path, say: Say) -> dict[str, Any]:
    from urllib.parse import urlencode

    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from balai.accounts.models import Role, User
    from balai.audit.models import AuditEvent, RecordRead
    from balai.audit.selectors import read_records
    from balai.core.db.statistics import refresh_statistics

    seed = config.seed if config is not None else 1
    reads = config.reads if config is not None else 0
    result: dict[str, Any] = {"reads_added": ensure_reads(reads=reads, seed=seed, say=say)}
    # As autovacuum (or the nightly ANALYZE) would after such growth: the planner sees the
    # window's real size and the read indexes, also when a migration just made them.
    refresh_statistics(tables=[AuditEvent._meta.db_table, RecordRead._meta.db_table])
    metrics: list[Metric] = []
    now = timezone.now()
    start, end = now - dt.timedelta(days=WINDOW_DAYS), now + dt.timedelta(minutes=1)

    say("dasbor: siapa membaca apa, seluruh kabupaten, 30 hari")
    began = time.perf_counter()
    rows = answer(start=start, end=end)
    seconds = time.perf_counter() - began
    result.update(reads_answer_rows=rows, reads_answer_s=seconds)
    metrics.append(
        Metric(
            "dashboard.reads_answer",
            f"Siapa membaca apa: seluruh kabupaten, {WINDOW_DAYS} hari ({rows:,} baca)",
            f"{seconds:.2f} s",
            f"≤ {ANSWER_TARGET_S:.0f} s",
            seconds <= ANSWER_TARGET_S,
            seconds,
        )
    )

    user = User.objects.filter(role=Role.DISPERMADES, is_active=True).first()
    if user is None:
        user = User.objects.create_user("bench.dispermades", password=None, role=Role.DISPERMADES)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    first_day, last_day = timezone.localdate() - dt.timedelta(days=WINDOW_DAYS), timezone.localdate()
    url = f"/dasbor/siapa-membaca/?dari={first_day.isoformat()}&sampai={last_day.isoformat()}"
    deep = max(1, rows // 100 // 2)
    runs = max(10, (config.requests if config is not None else 50) // 10)
    pages = [
        ("dashboard.reads_page", "Siapa membaca apa: halaman pertama (30 hari)", url),
        ("dashboard.reads_page_deep", f"Siapa membaca apa: halaman {deep} (30 hari)", f"{url}&hal={deep}"),
    ]
    # Narrowed: the officer who read most in the window, and the resident read most.
    window = read_records(start=start, end=end).order_by()
    # The page narrows by username (what an officer types), not by the label the list shows.
    busiest = (
        window.exclude(event__actor__isnull=True)
        .values("event__actor__username")
        .annotate(n=Count("event_id"))
        .order_by("-n", "event__actor__username")
        .first()
    )
    most_read = window.values("object_id").annotate(n=Count("event_id")).order_by("-n", "object_id").first()
    if busiest is not None and most_read is not None:
        pages += [
            (
                "dashboard.reads_page_officer",
                f"Siapa membaca apa: satu petugas ({busiest['n']:,} baca, 30 hari)",
                f"{url}&{urlencode({'petugas': busiest['event__actor__username']})}",
            ),
            (
                "dashboard.reads_page_resident",
                f"Siapa membaca apa: satu penduduk ({most_read['n']:,} baca, 30 hari)",
                f"{url}&{urlencode({'penduduk': most_read['object_id']})}",
            ),
        ]
    for key, label, page_url in pages:
        statuses: Counter[int] = Counter()
        samples = []
        for i in range(runs + 2):
            began = time.perf_counter()
            response = client.get(page_url)
            statuses[response.status_code] += 1
            if i >= 2:
                samples.append((time.perf_counter() - began) * 1000)
        stats = percentiles(samples)
        result[key] = stats
        errors = sum(n for code, n in statuses.items() if code != 200)
        metrics.append(
            Metric(
                key,
                label,
                f"p50 {stats['p50']:.1f} / p95 {stats['p95']:.1f} ms"
                + (f", {errors} galat" if errors else ""),
                f"p95 ≤ {PAGE_TARGET_MS:.0f} ms",
                stats["p95"] <= PAGE_TARGET_MS and not errors,
                stats["p95"],
            )
        )
    result["metrics"] = metrics
    return result
