"""`balai bench --only desk`: server time of the front desk's pages, flat in the day's queue.

In process (django.test.Client, DEBUG off), in the pilot village: the kiosk pages (take a
ticket, the ticket, the calling display's feed, complaint status, IKM form) and the operator's
counter page, measured with an empty queue and again after `PAST_TICKETS` tickets of the day
(and as many calls): a busy morning must not slow the display or the kiosk. Taking a ticket and
calling the next one are timed as the POSTs they are. Data is prepared here, idempotently: the
bench database may predate this module.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

from balai.devtools.bench import BenchConfig, Metric, Say, percentiles

KIOSK_TARGET_MS = 25.0
STAFF_TARGET_MS = 50.0
PAST_TICKETS = 2000
LABEL = "BENCH layanan"


def _prepare(say: Say) -> dict[str, Any]:
    from balai.accounts.models import Role, User
    from balai.desk import services
    from balai.desk.models import Counter as DeskCounter
    from balai.desk.models import ServiceCategory
    from balai.devices import services as device_services
    from balai.devices.models import KioskDevice
    from balai.devtools.demo import PILOT_CODES
    from balai.regions.models import Village

    village = Village.objects.filter(code__in=PILOT_CODES).order_by("code").first() or Village.objects.first()
    if village is None:
        raise RuntimeError("no village in the bench database")
    operator = User.objects.filter(village=village, role=Role.OPERATOR).order_by("pk").first()
    if operator is None:
        raise RuntimeError(f"no operator account for {village.name}")
    services.ensure_defaults(village=village)
    category = ServiceCategory.objects.filter(village=village, is_active=True).order_by("order").first()
    counter = DeskCounter.objects.filter(village=village, is_active=True).order_by("order").first()
    if category is None or counter is None:
        raise RuntimeError("no service category or counter")
    device = KioskDevice.objects.filter(village=village, label=LABEL).first()
    if device is None:
        device, code = device_services.device_create(actor=operator, village=village, label=LABEL)
    else:
        code = device_services.device_new_code(actor=operator, device=device)
    enrolled = device_services.device_enrol(code=code)
    if enrolled is None:
        raise RuntimeError("could not enrol the bench kiosk")
    say(f"layanan: anjungan dan loket siap di {village.name}")
    return {
        "village": village,
        "operator": operator,
        "category": category,
        "counter": counter,
        "credential": enrolled[1],
    }


def _timed(fn: Any, *args: Any, **kw: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    response = fn(*args, **kw)
    return response, (time.perf_counter() - start) * 1000


def _stats(samples: list[float], statuses: Counter[int], ok: tuple[int, ...] = (200,)) -> dict[str, Any]:
    stats: dict[str, Any] = percentiles(samples)
    stats["statuses"] = dict(statuses)
    stats["errors"] = sum(n for code, n in statuses.items() if code not in ok)
    return stats


def _pages(
    client: Any, urls: dict[str, tuple[str, str, dict[str, str]]], config: BenchConfig
) -> dict[str, Any]:
    result = {}
    for name, (method, url, data) in urls.items():
        samples: list[float] = []
        statuses: Counter[int] = Counter()
        for i in range(config.warmup + config.requests):
            call = client.post if method == "POST" else client.get
            response, ms = _timed(call, url, data)
            statuses[response.status_code] += 1
            if i >= config.warmup:
                samples.append(ms)
        result[name] = _stats(samples, statuses, ok=(200, 404) if name == "complaint_status" else (200,))
    return result


# Where this app's figures come among the apps' in `balai bench` (lowest first; see
# balai.devtools.bench.module_benches).
BENCH_ORDER = 60


def bench(config: BenchConfig, phase_dir: Path, say: Say) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from balai.desk import services
    from balai.desk.models import Ticket
    from balai.devices.device import COOKIE_NAME

    prepared = _prepare(say)
    village, category, counter = prepared["village"], prepared["category"], prepared["counter"]
    kiosk = Client(raise_request_exception=False)
    kiosk.cookies[COOKIE_NAME] = prepared["credential"]
    office = Client(raise_request_exception=False)
    office.force_login(prepared["operator"])
    desk_url = reverse("desk:counter_desk", args=[counter.public_id])
    ticket, _ = services.ticket_take(village=village, category=category)

    def urls() -> dict[str, tuple[str, str, dict[str, str]]]:
        return {
            "ticket_take": ("GET", reverse("desk_kiosk:ticket_take"), {}),
            "ticket_show": ("GET", reverse("desk_kiosk:ticket_show", args=[ticket.public_id]), {}),
            "display_feed": ("GET", reverse("desk_kiosk:display_feed"), {}),
            "complaint_status": ("POST", reverse("desk_kiosk:complaint_status"), {"number": "abcdefghjk"}),
            "ikm_form": ("GET", reverse("desk_kiosk:ikm"), {}),
        }

    say("layanan: waktu server per halaman (antrean kosong)")
    before = _pages(kiosk, urls(), config)
    office_before = _pages(office, {"counter_desk": ("GET", desk_url, {})}, config)
    past = PAST_TICKETS if not config.quick else min(300, PAST_TICKETS)
    today = timezone.localdate()
    have = Ticket.objects.filter(village=village, day=today).count()
    say(f"layanan: {past} nomor antrean hari ini (ada {have})")
    for _n in range(have, past):
        services.ticket_take(village=village, category=category)
    # Half of them called, so the display and the counter page read a long call log too.
    called = Ticket.objects.filter(village=village, day=today).exclude(state=Ticket.State.WAITING).count()
    for _n in range(called, past // 2):
        services.ticket_call_next(actor=None, village=village, counter=counter)
    after = _pages(kiosk, urls(), config)
    office_after = _pages(office, {"counter_desk": ("GET", desk_url, {})}, config)

    # The two writes, timed as POSTs: take a ticket (a new key each time), call the next one.
    take_samples: list[float] = []
    take_status: Counter[int] = Counter()
    call_samples: list[float] = []
    call_status: Counter[int] = Counter()
    runs = max(20, config.requests // 3)
    for n in range(runs):
        response, ms = _timed(
            kiosk.post,
            reverse("desk_kiosk:ticket_take"),
            {"category": category.public_id, "submit_key": f"bench-{time.time_ns()}-{n}"},
        )
        take_status[response.status_code] += 1
        take_samples.append(ms)
        # "Selesai, panggil berikutnya": a bare "next" is refused while a number is being served.
        response, ms = _timed(office.post, desk_url, {"action": "done_next"})
        call_status[response.status_code] += 1
        call_samples.append(ms)
    take = _stats(take_samples, take_status, ok=(302,))
    call = _stats(call_samples, call_status, ok=(302,))

    metrics: list[Metric] = []
    for label, stats_before, stats_after, target in (
        ("kiosk", before, after, KIOSK_TARGET_MS),
        ("office", office_before, office_after, STAFF_TARGET_MS),
    ):
        worst_name, worst = max(stats_after.items(), key=lambda kv: kv[1]["p95"])
        errors = sum(s["errors"] for s in stats_before.values()) + sum(
            s["errors"] for s in stats_after.values()
        )
        first = max(s["p95"] for s in stats_before.values())
        metrics.append(
            Metric(
                f"desk_{label}_page_p95",
                f"Layanan: halaman {'anjungan' if label == 'kiosk' else 'loket petugas'} p95 "
                f"(kosong → {past} nomor hari ini), terlama: {worst_name}",
                f"{first:.1f} → {worst['p95']:.1f} ms" + (f", {errors} galat" if errors else ""),
                f"p95 ≤ {target:.0f} ms",
                worst["p95"] <= target and errors == 0,
                worst["p95"],
            )
        )
    metrics.append(
        Metric(
            "desk_ticket_take_p95",
            "Layanan: ambil nomor antrean (POST) p95",
            f"{take['p50']:.1f} / {take['p95']:.1f} ms"
            + (f", {take['errors']} galat" if take["errors"] else ""),
            f"p95 ≤ {KIOSK_TARGET_MS:.0f} ms",
            take["p95"] <= KIOSK_TARGET_MS and take["errors"] == 0,
            take["p95"],
        )
    )
    metrics.append(
        Metric(
            "desk_call_next_p95",
            "Layanan: panggil berikutnya (POST) p95",
            f"{call['p50']:.1f} / {call['p95']:.1f} ms"
            + (f", {call['errors']} galat" if call["errors"] else ""),
            f"p95 ≤ {STAFF_TARGET_MS:.0f} ms",
            call["p95"] <= STAFF_TARGET_MS and call["errors"] == 0,
            call["p95"],
        )
    )
    return {
        "village": village.code,
        "database": connection.vendor,
        "past_tickets": past,
        "pages": before,
        "pages_after": after,
        "office": office_before,
        "office_after": office_after,
        "take": take,
        "call": call,
        "metrics": metrics,
    }
