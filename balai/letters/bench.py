"""`balai bench --only letters`: rendering, the whole issue flow, sustained issuing on two
processes, and 200 concurrent issues in one village.

1. Render: an issued letter re-rendered to PDF from its frozen content, with letterhead,
   logo and QR (p50/p95 over `RENDER_N` letters).
2. Issue flow: request → verify → sign → issue (numbered, signed, QR) → PDF bytes, each step
   its own transaction as at the counter (p50/p95 over `FLOW_N` letters).
3. Sustained: `PROCESSES` processes each run the whole flow back to back for `SECONDS`;
   letters/s is the total over the wall time. With `BALAI_BENCH_POSTGRES_URL` set to a
   PostgreSQL database made by `balai demo`, the same run there as well: SQLite lets one
   writer in at a time, so on it the rate is capped by the time a letter's transactions
   hold the write lock, not by the cores.
4. Numbering: `CONCURRENT` signed letters issued at once by as many threads (SQLite: the
   bench database); the numbers must be distinct and consecutive, with no error.

Letters are really issued (committed) in the bench database, in the first populated village,
by bench accounts this module creates idempotently; they stay there like any issued letter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from balai.core.crest import demo_crest_png

RENDER_TARGET_MS = 30.0
FLOW_TARGET_MS = 80.0
RATE_TARGET = 50.0
PROCESSES = 2
CONCURRENT = 200
OPERATOR = "bench-letters-operator"
KADES = "bench-letters-kades"


def _prepare() -> dict[str, Any]:
    """Bench accounts and a signing kepala desa in the first populated village (idempotent)."""
    from balai.accounts.models import Role, User
    from balai.people import codes
    from balai.people.models import Resident
    from balai.regions.models import Village
    from balai.staff.models import Official

    village_id = (
        Resident.objects.filter(status=codes.STATUS_ALIVE)
        .order_by("village_id")
        .values_list("village_id", flat=True)
        .first()
    )
    if village_id is None:
        raise RuntimeError("the bench database has no residents")
    village = Village.objects.get(pk=village_id)
    operator, _ = User.objects.get_or_create(
        username=OPERATOR, defaults={"role": Role.OPERATOR, "village": village}
    )
    kades, _ = User.objects.get_or_create(username=KADES, defaults={"role": Role.KADES, "village": village})
    for user, role in ((operator, Role.OPERATOR), (kades, Role.KADES)):
        if (user.village_id, user.role, user.is_active) != (village.pk, role, True):
            user.village, user.role, user.is_active = village, role, True
            user.save()
    Official.objects.get_or_create(
        village=village,
        user=kades,
        defaults={
            "name": "Bench Kepala Desa",
            "position": "Kepala Desa",
            "signs_letters": True,
            "signs_as": "own",
        },
    )
    residents = list(
        Resident.objects.filter(village=village, status=codes.STATUS_ALIVE)
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    return {"village": village.code, "residents": residents}


def _flow_once(operator: Any, kades: Any, resident: Any, logo: bytes | None) -> tuple[float, Any]:
    from balai.letters.render import letter_pdf
    from balai.letters.services import workflow
    from balai.letters.types import REGISTRY

    domisili = REGISTRY["domisili"]
    t0 = time.perf_counter()
    letter = workflow.letter_request_create(
        actor=operator,
        village=resident.village,
        type_code=domisili.code,
        subject=resident,
        fields={"keperluan": "Uji kecepatan"},
        requirements=domisili.requirements,
    )
    letter = workflow.letter_verify(actor=operator, letter=letter)
    letter = workflow.letter_sign(actor=kades, letter=letter)
    letter = workflow.letter_issue(actor=operator, letter=letter)
    pdf = letter_pdf(letter)
    assert pdf.startswith(b"%PDF")
    return time.perf_counter() - t0, letter


def _actors(village_code: str) -> tuple[Any, Any, list[Any]]:
    from balai.accounts.models import User
    from balai.people import codes
    from balai.people.models import Resident

    operator = User.objects.get(username=OPERATOR)
    kades = User.objects.get(username=KADES)
    residents = list(
        Resident.objects.filter(village__code=village_code, status=codes.STATUS_ALIVE)
        .select_related("village", "family", "rt__dusun")
        .order_by("pk")[:200]
    )
    return operator, kades, residents


def measure_flow_and_render(village_code: str, n_flow: int, n_render: int) -> dict[str, Any]:
    from balai.devtools.bench import percentiles
    from balai.letters import pdf
    from balai.letters.signing import verify_url

    operator, kades, residents = _actors(village_code)
    logo = demo_crest_png()
    for i in range(3):  # warm-up: compiler, fonts, queries
        _flow_once(operator, kades, residents[i % len(residents)], logo)
    flow, letters = [], []
    cpu_started = time.process_time()
    for i in range(n_flow):
        seconds, letter = _flow_once(operator, kades, residents[i % len(residents)], logo)
        flow.append(seconds * 1000)
        letters.append(letter)
    flow_cpu_ms = (time.process_time() - cpu_started) * 1000 / n_flow
    render, render_cpu = [], []
    for i in range(n_render):
        letter = letters[i % len(letters)]
        short = verify_url(letter, with_payload=False).split("://", 1)[-1]
        t, c = time.perf_counter(), time.process_time()
        qr = letter.qr_svg or pdf.qr_png(verify_url(letter))  # as render.letter_pdf does
        data = pdf.render(letter.content | {"verify_url": short}, qr=qr, logo=logo)
        render.append((time.perf_counter() - t) * 1000)
        render_cpu.append((time.process_time() - c) * 1000)
        assert data.startswith(b"%PDF")
    # CPU time of this process alone: what a letter costs whatever else the machine runs.
    return {
        "flow_ms": percentiles(flow),
        "render_ms": percentiles(render),
        "flow_cpu_ms_mean": flow_cpu_ms,
        "render_cpu_ms": percentiles(render_cpu),
    }


def worker(village_code: str, seconds: float, start_at: float) -> dict[str, Any]:
    """One process of the sustained run: the whole flow back to back until the time is up."""
    operator, kades, residents = _actors(village_code)
    logo = demo_crest_png()
    _flow_once(operator, kades, residents[0], logo)  # warm-up before the common start
    while time.time() < start_at:
        time.sleep(0.005)
    done, errors, i = 0, [], 0
    started, cpu_started = time.perf_counter(), time.process_time()
    while time.perf_counter() - started < seconds:
        try:
            _flow_once(operator, kades, residents[i % len(residents)], logo)
            done += 1
        except Exception as e:  # noqa: BLE001 - counted and reported
            errors.append(repr(e)[:200])
        i += 1
    return {
        "letters": done,
        "errors": errors,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu_started,
    }


def measure_sustained(
    village_code: str, seconds: float, processes: int = PROCESSES, database_url: str = ""
) -> dict[str, Any]:
    env = dict(os.environ)
    if database_url:
        env["DATABASE_URL"] = database_url
    start_at = time.time() + 8.0  # each process sets Django up and warms up first
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "balai.letters.bench",
                "worker",
                village_code,
                str(seconds),
                str(start_at),
            ],
            stdout=subprocess.PIPE,
            env=env,
        )
        for _ in range(processes)
    ]
    results = []
    for p in procs:
        out, _ = p.communicate(timeout=seconds + 300)
        if p.returncode != 0:
            raise RuntimeError(f"letters bench worker failed (exit {p.returncode})")
        results.append(json.loads(out.decode().strip().splitlines()[-1]))
    total = sum(r["letters"] for r in results)
    wall = max(r["seconds"] for r in results)
    cpu = sum(r["cpu_seconds"] for r in results)
    return {
        "cpu_ms_per_letter": cpu * 1000 / total if total else None,
        # What two free cores would sustain at this CPU cost per letter (SQLite waits excluded).
        "per_s_two_free_cores": 2 * total / cpu if cpu else None,
        "processes": processes,
        "letters": total,
        "seconds": wall,
        "per_s": total / wall if wall else 0.0,
        "errors": [e for r in results for e in r["errors"]][:20],
    }


def measure_sustained_postgres(database_url: str, seconds: float) -> dict[str, Any]:
    """The sustained run against a PostgreSQL database made by `balai demo` (production's
    database, where writers of one village do not wait for each other as on SQLite)."""
    out = subprocess.run(
        [sys.executable, "-m", "balai.letters.bench", "prepare"],
        env=dict(os.environ) | {"DATABASE_URL": database_url},
        capture_output=True,
        check=True,
        timeout=300,
    )
    village = out.stdout.decode().strip().splitlines()[-1]
    return measure_sustained(village, seconds, database_url=database_url)


def measure_concurrent_numbering(village_code: str, n: int = CONCURRENT) -> dict[str, Any]:
    """`n` signed letters issued at once from `n` threads; numbers distinct and consecutive."""
    from django.db import connections

    from balai.letters.models import Letter
    from balai.letters.services import workflow
    from balai.letters.types import REGISTRY

    operator, kades, residents = _actors(village_code)
    domisili = REGISTRY["domisili"]
    signed = []
    for i in range(n):
        letter = workflow.letter_request_create(
            actor=operator,
            village=residents[0].village,
            type_code=domisili.code,
            subject=residents[i % len(residents)],
            fields={"keperluan": "Uji nomor serentak"},
            requirements=domisili.requirements,
        )
        letter = workflow.letter_verify(actor=operator, letter=letter)
        signed.append(workflow.letter_sign(actor=kades, letter=letter))
    # PostgreSQL refuses connections past max_connections (100 by default), and in production
    # a server's connections are its workers': the threads still start together, but at most as
    # many hold a connection at once as the server has free (SQLite: every thread).
    at_once = n
    if connections["default"].vendor == "postgresql":
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity")
            at_once = max(2, min(n, cursor.fetchone()[0] - 10))
    connections.close_all()
    barrier = threading.Barrier(n)
    gate = threading.BoundedSemaphore(at_once)
    errors: list[str] = []

    def issue(letter: Letter) -> None:
        try:
            barrier.wait(timeout=60)
            with gate:
                try:
                    workflow.letter_issue(actor=operator, letter=letter)
                finally:
                    connections.close_all()
        except Exception as e:  # noqa: BLE001 - counted and reported
            errors.append(repr(e)[:200])

    threads = [threading.Thread(target=issue, args=(letter,)) for letter in signed]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    rows = list(
        Letter.objects.filter(pk__in=[x.pk for x in signed]).values_list("sequence", "number", "state")
    )
    sequences = sorted(s for s, _n, _st in rows if s is not None)
    consecutive = bool(sequences) and sequences == list(range(sequences[0], sequences[0] + len(sequences)))
    return {
        "n": n,
        "issued": sum(1 for *_x, st in rows if st == Letter.State.ISSUED),
        "distinct_numbers": len({num for _s, num, _st in rows if num}),
        "consecutive": consecutive,
        "errors": errors[:20],
        "error_count": len(errors),
        "connections": at_once,
        "seconds": seconds,
        "database": connections["default"].vendor,
    }


# Where this app's figures come among the apps' in `balai bench` (lowest first; see
# balai.devtools.bench.module_benches).
BENCH_ORDER = 20


def bench(config: Any, phase_dir: Path, say: Callable[[str], None]) -> dict[str, Any]:
    from balai.devtools.bench import Metric

    quick = bool(getattr(config, "quick", False))
    n_flow, n_render, seconds = (60, 100, 10.0) if quick else (300, 500, 30.0)
    say("  surat: menyiapkan akun bench dan kepala desa ...")
    prepared = _prepare()
    village = prepared["village"]
    say(f"  surat: render dan alur terbit ({n_flow} surat, desa {village}) ...")
    timing = measure_flow_and_render(village, n_flow, n_render)
    say(f"  surat: laju berkelanjutan, {PROCESSES} proses × {seconds:.0f} detik ...")
    sustained = measure_sustained(village, seconds)
    postgres_url = os.environ.get("BALAI_BENCH_POSTGRES_URL", "")
    on_postgres = None
    if postgres_url:
        say(f"  surat: laju berkelanjutan di PostgreSQL, {PROCESSES} proses × {seconds:.0f} detik ...")
        on_postgres = measure_sustained_postgres(postgres_url, seconds)
    say(f"  surat: {CONCURRENT} penerbitan serentak ...")
    numbering = measure_concurrent_numbering(village)
    render, flow = timing["render_ms"], timing["flow_ms"]
    numbering_ok = (
        not numbering["errors"]
        and numbering["issued"] == CONCURRENT
        and numbering["distinct_numbers"] == CONCURRENT
        and numbering["consecutive"]
    )
    metrics = [
        Metric(
            "letters.render",
            "render PDF surat terbit (kop, logo, QR)",
            f"{render['p50']:.1f} / {render['p95']:.1f} ms (CPU p95 {timing['render_cpu_ms']['p95']:.1f} ms)",
            f"p95 ≤ {RENDER_TARGET_MS:.0f} ms",
            render["p95"] <= RENDER_TARGET_MS,
            render["p95"],
        ),
        Metric(
            "letters.flow",
            "alur terbit lengkap (permohonan → PDF)",
            f"{flow['p50']:.1f} / {flow['p95']:.1f} ms (CPU rata-rata {timing['flow_cpu_ms_mean']:.1f} ms)",
            f"p95 ≤ {FLOW_TARGET_MS:.0f} ms",
            flow["p95"] <= FLOW_TARGET_MS,
            flow["p95"],
        ),
        Metric(
            "letters.rate",
            f"surat terbit per detik ({PROCESSES} proses, {seconds:.0f} s)",
            f"{sustained['per_s']:.1f}/s"
            + (f", {len(sustained['errors'])} galat" if sustained["errors"] else "")
            + (
                f" (CPU {sustained['cpu_ms_per_letter']:.1f} ms/surat ≈ {sustained['per_s_two_free_cores']:.0f}/s "
                "pada 2 inti bebas)"
                if sustained["cpu_ms_per_letter"]
                else ""
            ),
            f"≥ {RATE_TARGET:.0f}/s",
            sustained["per_s"] >= RATE_TARGET and not sustained["errors"],
            sustained["per_s"],
        ),
        *(
            [
                Metric(
                    "letters.rate_postgres",
                    f"surat terbit per detik di PostgreSQL ({PROCESSES} proses, {seconds:.0f} s)",
                    f"{on_postgres['per_s']:.1f}/s"
                    + (f", {len(on_postgres['errors'])} galat" if on_postgres["errors"] else "")
                    + f" (CPU klien {on_postgres['cpu_ms_per_letter'] or 0:.1f} ms/surat)",
                    f"≥ {RATE_TARGET:.0f}/s",
                    on_postgres["per_s"] >= RATE_TARGET and not on_postgres["errors"],
                    on_postgres["per_s"],
                )
            ]
            if on_postgres
            else []
        ),
        Metric(
            "letters.concurrent",
            f"{CONCURRENT} penerbitan serentak ({numbering['database']}, thread"
            + (
                f", {numbering['connections']} koneksi sekaligus"
                if numbering["connections"] < CONCURRENT
                else ""
            )
            + ")",
            f"{numbering['distinct_numbers']} nomor berbeda, "
            + ("berurutan" if numbering["consecutive"] else "TIDAK berurutan")
            + f", {numbering['error_count']} galat",
            f"{CONCURRENT} nomor berurutan, 0 galat",
            numbering_ok,
            float(numbering["distinct_numbers"]),
        ),
    ]
    return {
        "metrics": metrics,
        "village": village,
        "timing": timing,
        "sustained": sustained,
        "sustained_postgres": on_postgres,
        "numbering": numbering,
        "load": os.getloadavg(),
    }


if __name__ == "__main__":  # a worker process of measure_sustained
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    if sys.argv[1] == "prepare":
        sys.stdout.write(_prepare()["village"] + "\n")
    elif sys.argv[1] == "worker":
        result = worker(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
        sys.stdout.write(json.dumps(result) + "\n")
