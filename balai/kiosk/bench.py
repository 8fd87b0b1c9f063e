"""`balai bench --only kiosk`: the kiosk's pages, the full resident flow, and 20 kiosks at once.

1. Server time per kiosk page (in-process test client, DEBUG off): p95 of every page a
   resident or passer-by opens, measured with no past requests and again after the family
   has `PAST_REQUESTS` letter requests: the pages must not slow with history.
2. The full flow (sign in → self-service letter → PDF ready), server time summed over its
   requests, with the deliberate cost of one PIN check (argon2id) measured on its own.
3. `KIOSKS` simulated kiosks (own device credential, own resident) running the full flow
   back to back for `LOAD_SECONDS` against gunicorn on 127.0.0.1: errors and flows/s.

The bench database may predate this module: devices, PINs and a signing official are
prepared here, idempotently, in the pilot village.
"""

from __future__ import annotations

import http.client
import os
import re
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from balai.devtools.bench import BenchConfig, Metric, Say, bench_env, gunicorn, percentiles

PAGE_TARGET_MS = 25.0
FLOW_TARGET_MS = 400.0
KIOSKS = 20
LOAD_SECONDS = 60.0
QUICK_LOAD_SECONDS = 10.0
PAST_REQUESTS = 200
BENCH_PIN = "483920"
LETTER_TYPE = "penduduk"  # self-service by default: issued at once
LABEL = "BENCH anjungan"


# --- Preparation ---------------------------------------------------------------------------


def _pin_for(resident: Any) -> str:
    from balai.devices import pins

    for pin in (BENCH_PIN, "715264", "350917"):
        if not pins.pin_problem(pin, nik=resident.nik, birth_date=resident.birth_date):
            return pin
    raise RuntimeError("no bench PIN fits")


def _prepare(config: BenchConfig, say: Say) -> dict[str, Any]:
    from django.db import transaction

    from balai.accounts.models import Role, User
    from balai.devices import pins, services
    from balai.devices.models import KioskDevice, ResidentCredential
    from balai.devtools.demo import PILOT_CODES
    from balai.letters.kiosk import kiosk_letter_types, kiosk_subject_error
    from balai.people import codes
    from balai.people.models import Resident
    from balai.regions.models import Village
    from balai.staff.models import Official

    started = time.perf_counter()
    populated = set(Resident.objects.values_list("village_id", flat=True).distinct()[:1000])
    villages = list(Village.objects.filter(pk__in=populated).order_by("code"))
    village = next((v for c in PILOT_CODES for v in villages if v.code == c), villages[0])
    operator = User.objects.filter(village=village, role=Role.OPERATOR).order_by("pk").first()
    if operator is None:
        raise RuntimeError(f"no operator account for {village.name}")
    if not Official.objects.filter(
        village=village, is_active=True, signs_letters=True, signs_as="own"
    ).exists():
        Official.objects.create(
            village=village,
            name="KEPALA DESA BENCH",
            position="Kepala Desa",
            signs_letters=True,
            signs_as="own",
        )
    offered = {t.code: t for t in kiosk_letter_types(village=village)}
    if LETTER_TYPE not in offered or not offered[LETTER_TYPE].self_service:
        raise RuntimeError(f"{LETTER_TYPE} is not self-service at {village.name}")

    # Adults with a family, alive: one per kiosk plus one for the page latencies.
    candidates = (
        Resident.objects.filter(village=village, status=codes.STATUS_ALIVE, family__isnull=False)
        .exclude(birth_date__isnull=True)
        .order_by("pk")[:400]
    )
    residents = [r for r in candidates if not kiosk_subject_error(type_code=LETTER_TYPE, subject=r)][
        : KIOSKS + 1
    ]
    say(f"anjungan: {len(residents)} penduduk dengan PIN dan {KIOSKS + 1} perangkat di {village.name}")
    people = []
    for resident in residents:
        pin = _pin_for(resident)
        cred = ResidentCredential.objects.filter(resident=resident).first()
        if cred is None or cred.must_change_pin or not pins.verify_pin(cred.pin_hash, pin):
            services.pin_issue(actor=operator, resident=resident)
            ResidentCredential.objects.filter(resident=resident).update(
                pin_hash=pins.hash_pin(pin), must_change_pin=False
            )
        ResidentCredential.objects.filter(resident=resident).update(failed_count=0, locked_until=None)
        people.append({"nik": resident.nik, "pin": pin, "pk": resident.pk, "family_id": resident.family_id})
    credentials = []
    for n in range(KIOSKS + 1):
        label = f"{LABEL} {n + 1:02d}"
        with transaction.atomic():
            device = KioskDevice.objects.filter(village=village, label=label).first()
            if device is None:
                device, code = services.device_create(actor=operator, village=village, label=label)
            else:
                code = services.device_new_code(actor=operator, device=device)
            KioskDevice.objects.filter(pk=device.pk).update(
                is_active=True, sign_in_blocked=False, sign_in_throttled_until=None
            )
        enrolled = services.device_enrol(code=code)
        assert enrolled is not None
        credentials.append(enrolled[1])
    return {
        "village": village,
        "people": people,
        "credentials": credentials,
        "prepare_s": time.perf_counter() - started,
    }


def _past_requests(village: Any, person: dict[str, Any], count: int) -> int:
    """Give the resident's family `count` earlier kiosk requests (queued, no PDF), idempotently."""
    from balai.kiosk.models import KioskLetterRequest
    from balai.letters.kiosk import letter_kiosk_request
    from balai.people.models import Resident

    resident = Resident.objects.get(pk=person["pk"])
    have = KioskLetterRequest.objects.filter(village=village, resident=resident, type_code="domisili").count()
    for n in range(have, count):
        token = f"benchpast{resident.pk}x{n}"
        letter = letter_kiosk_request(
            village=village,
            type_code="domisili",
            subject=resident,
            fields={"keperluan": f"RIWAYAT {n}"},
            device_label=LABEL,
            idempotency_key=token,
        )
        KioskLetterRequest.objects.get_or_create(
            submit_token=token,
            defaults={
                "village": village,
                "resident": resident,
                "letter_public_id": letter.public_id,
                "type_code": "domisili",
            },
        )
    return max(count - have, 0)


# --- In-process measurements ------------------------------------------------------------------


def _client(credential: str) -> Any:
    from django.test import Client

    from balai.devices.device import COOKIE_NAME

    client = Client(raise_request_exception=False)
    client.cookies[COOKIE_NAME] = credential
    return client


def _token(html: str) -> str:
    match = re.search(r'name="token" value="([0-9a-f]+)"', html)
    return match.group(1) if match else ""


def _timed(fn: Any, *args: Any, **kw: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    response = fn(*args, **kw)
    return response, (time.perf_counter() - start) * 1000


def _page_stats(client: Any, urls: dict[str, str], config: BenchConfig) -> dict[str, dict[str, Any]]:
    """Wall and CPU time per page: on a machine shared with other work the wall time mostly
    measures the queue for a core; the CPU time is what the page itself costs."""
    result = {}
    for name, url in urls.items():
        samples: list[float] = []
        cpu: list[float] = []
        statuses: Counter[int] = Counter()
        for i in range(config.warmup + config.requests):
            c0 = time.process_time()
            response, ms = _timed(client.get, url)
            c1 = time.process_time()
            statuses[response.status_code] += 1
            if i >= config.warmup:
                samples.append(ms)
                cpu.append((c1 - c0) * 1000)
        stats: dict[str, Any] = percentiles(samples)
        stats["cpu"] = percentiles(cpu)
        stats["statuses"] = dict(statuses)
        stats["errors"] = sum(n for code, n in statuses.items() if code != 200)
        result[name] = stats
    return result


def _sign_in(client: Any, person: dict[str, Any]) -> float:
    response, ms = _timed(client.post, "/anjungan/masuk/", {"nik": person["nik"], "pin": person["pin"]})
    if response.status_code != 302:
        raise RuntimeError(f"bench sign-in failed: HTTP {response.status_code}")
    return ms


def _flow_in_process(client: Any, person: dict[str, Any]) -> dict[str, float]:
    """Sign in → letter form → self-service request → result page → PDF; server ms per step."""
    steps: dict[str, float] = {}
    client.post("/anjungan/keluar/")
    steps["sign_in"] = _sign_in(client, person)
    form, steps["form"] = _timed(client.get, f"/anjungan/saya/surat/minta/{LETTER_TYPE}/")
    posted, steps["request"] = _timed(
        client.post,
        f"/anjungan/saya/surat/minta/{LETTER_TYPE}/",
        {"token": _token(form.content.decode()), "keperluan": "BENCH"},
    )
    if posted.status_code != 302:
        raise RuntimeError(f"bench letter request failed: HTTP {posted.status_code}")
    result, steps["result"] = _timed(client.get, posted["Location"])
    pdf, steps["pdf"] = _timed(client.get, posted["Location"] + "pdf/")
    if pdf.status_code != 200 or pdf.content[:4] != b"%PDF":
        raise RuntimeError(f"bench PDF failed: HTTP {pdf.status_code}")
    return steps


def _pin_check_ms(person: dict[str, Any], runs: int = 20) -> dict[str, Any]:
    from balai.devices import pins

    stored = pins.hash_pin(person["pin"])
    samples, cpu = [], []
    for _ in range(runs):
        c0 = time.process_time()
        _, ms = _timed(pins.verify_pin, stored, person["pin"])
        cpu.append((time.process_time() - c0) * 1000)
        samples.append(ms)
    result: dict[str, Any] = percentiles(samples)
    result["cpu"] = percentiles(cpu)
    return result


# --- Load against gunicorn ----------------------------------------------------------------


class _Http:
    """One kiosk's browser: a keep-alive connection and a cookie jar."""

    def __init__(self, port: int, credential: str) -> None:
        from balai.devices.device import COOKIE_NAME

        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.jar = {COOKIE_NAME: credential}

    def request(self, method: str, path: str, data: dict[str, str] | None = None) -> tuple[int, bytes, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items())}
        body = None
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.jar.get("csrftoken", "")}
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.jar.get("csrftoken", "")
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value in ('""', ""):
                self.jar.pop(name.strip(), None)
            else:
                self.jar[name.strip()] = value
        if response.will_close:
            self.conn.close()
        return response.status, content, response.headers.get("Location", "")


def _flow_http(kiosk: _Http, person: dict[str, Any]) -> None:
    status, _, _ = kiosk.request("GET", "/anjungan/masuk/")
    if status != 200:
        raise RuntimeError(f"sign-in page {status}")
    status, _, location = kiosk.request(
        "POST", "/anjungan/masuk/", {"nik": person["nik"], "pin": person["pin"]}
    )
    if status != 302 or not location.endswith("/anjungan/saya/"):
        raise RuntimeError(f"sign-in {status}")
    status, form, _ = kiosk.request("GET", f"/anjungan/saya/surat/minta/{LETTER_TYPE}/")
    if status != 200:
        raise RuntimeError(f"letter form {status}")
    status, _, location = kiosk.request(
        "POST",
        f"/anjungan/saya/surat/minta/{LETTER_TYPE}/",
        {"token": _token(form.decode()), "keperluan": "BENCH BEBAN"},
    )
    if status != 302:
        raise RuntimeError(f"letter request {status}")
    path = location.replace(f"http://127.0.0.1:{kiosk.port}", "")
    status, _, _ = kiosk.request("GET", path)
    if status != 200:
        raise RuntimeError(f"letter page {status}")
    status, pdf, _ = kiosk.request("GET", path + "pdf/")
    if status != 200 or pdf[:4] != b"%PDF":
        raise RuntimeError(f"pdf {status}")
    status, _, _ = kiosk.request("POST", "/anjungan/keluar/", {})
    if status != 302:
        raise RuntimeError(f"sign-out {status}")


def _load(port: int, people: list[dict[str, Any]], credentials: list[str], seconds: float) -> dict[str, Any]:
    lock = threading.Lock()
    flows: list[float] = []
    errors: Counter[str] = Counter()
    deadline = time.perf_counter() + seconds

    def kiosk_loop(person: dict[str, Any], credential: str) -> None:
        kiosk = _Http(port, credential)
        local: list[float] = []
        local_errors: Counter[str] = Counter()
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                _flow_http(kiosk, person)
                local.append((time.perf_counter() - start) * 1000)
            except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
                local_errors[str(exc)[:80]] += 1
                kiosk = _Http(port, credential)
        with lock:
            flows.extend(local)
            errors.update(local_errors)

    threads = [
        threading.Thread(target=kiosk_loop, args=(p, c), daemon=True)
        for p, c in zip(people, credentials, strict=True)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {
        "kiosks": len(threads),
        "seconds": elapsed,
        "flows": len(flows),
        "flows_per_s": len(flows) / elapsed if elapsed else 0.0,
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "flow_ms": percentiles(flows) if flows else {},
    }


# --- Entry point ---------------------------------------------------------------------------------


# Where this app's figures come among the apps' in `balai bench` (lowest first; see
# balai.devtools.bench.module_benches).
BENCH_ORDER = 50


def bench(config: BenchConfig, phase_dir: Path, say: Say) -> dict[str, Any]:
    from django.conf import settings

    prepared = _prepare(config, say)
    village, people, credentials = prepared["village"], prepared["people"], prepared["credentials"]
    metrics: list[Metric] = []
    result: dict[str, Any] = {"prepare_s": prepared["prepare_s"], "village": village.code}

    # 1. Page latencies, before and after the family has many past requests.
    me, client = people[0], _client(credentials[0])
    anon = _client(credentials[0])
    _sign_in(client, me)
    steps = _flow_in_process(client, me)  # one issued letter to show
    from balai.kiosk.models import KioskLetterRequest

    last = KioskLetterRequest.objects.filter(resident_id=me["pk"]).order_by("-pk").first()
    assert last is not None
    letter_url = f"/anjungan/saya/surat/{last.letter_public_id}/"
    resident_pages = {
        "menu": "/anjungan/saya/",
        "family": "/anjungan/saya/keluarga/",
        "letters": "/anjungan/saya/surat/",
        "letter_form": f"/anjungan/saya/surat/minta/{LETTER_TYPE}/",
        "letter_result": letter_url,
        "aid": "/anjungan/saya/bantuan/",
        "growth": "/anjungan/saya/anak/",
        # Staffing's tile: reporting an absent official (the village's officials and own reports).
        "absence_report": "/anjungan/perangkat/lapor-tidak-hadir/",
    }
    public_pages = {"home": "/anjungan/", "sign_in": "/anjungan/masuk/", "track": "/anjungan/status/"}
    say("anjungan: waktu server per halaman (0 permohonan lama)")
    before = _page_stats(anon, public_pages, config) | _page_stats(client, resident_pages, config)
    past = PAST_REQUESTS if not config.quick else 40
    say(f"anjungan: {past} permohonan lama untuk keluarga yang sama")
    added = _past_requests(village, me, past)
    after = _page_stats(client, {k: resident_pages[k] for k in ("letters", "letter_result", "menu")}, config)
    result |= {"pages": before, "pages_after_history": after, "past_requests": past, "past_added": added}
    load_avg = os.getloadavg()[0]
    worst_name = max(before, key=lambda k: before[k]["cpu"]["p95"])
    worst = before[worst_name]
    errors = sum(s["errors"] for s in before.values()) + sum(s["errors"] for s in after.values())
    metrics.append(
        Metric(
            "kiosk_page_p95",
            "Anjungan: waktu server per halaman, p95 CPU (terburuk)",
            f"{worst['cpu']['p95']:.1f} ms CPU ({worst_name}; wall p95 {worst['p95']:.1f} ms, loadavg "
            f"{load_avg:.1f}); CPU/wall p95: "
            + ", ".join(f"{k} {v['cpu']['p95']:.1f}/{v['p95']:.1f}" for k, v in before.items())
            + (f"; {errors} galat" if errors else ""),
            f"p95 ≤ {PAGE_TARGET_MS:.0f} ms",
            worst["cpu"]["p95"] <= PAGE_TARGET_MS and not errors,
            worst["cpu"]["p95"],
        )
    )
    growth = max(after[k]["cpu"]["p95"] - before[k]["cpu"]["p95"] for k in after)
    metrics.append(
        Metric(
            "kiosk_history_flat",
            f"Anjungan: p95 CPU setelah {past} permohonan lama",
            ", ".join(f"{k} {before[k]['cpu']['p95']:.1f} → {after[k]['cpu']['p95']:.1f} ms" for k in after),
            f"datar (p95 ≤ {PAGE_TARGET_MS:.0f} ms)",
            all(after[k]["cpu"]["p95"] <= PAGE_TARGET_MS for k in after),
            growth,
        )
    )

    # 2. The full flow, server time; the PIN check on its own.
    say("anjungan: alur lengkap (masuk → surat mandiri → PDF)")
    runs, cpu_totals = [], []
    for _ in range(5 if config.quick else 15):
        c0 = time.process_time()
        runs.append(_flow_in_process(client, me))
        cpu_totals.append((time.process_time() - c0) * 1000)
    totals = [sum(r.values()) for r in runs]
    flow_cpu = percentiles(cpu_totals)
    pin = _pin_check_ms(me)
    flow = percentiles(totals)
    per_step = {k: percentiles([r[k] for r in runs])["p50"] for k in runs[0]}
    result |= {
        "flow_ms": flow,
        "flow_cpu_ms": flow_cpu,
        "flow_steps_p50_ms": per_step,
        "pin_check_ms": pin,
        "first_flow": steps,
    }
    metrics.append(
        Metric(
            "kiosk_flow",
            "Anjungan: masuk → surat mandiri → PDF (waktu server)",
            f"CPU {flow_cpu['p50']:.0f} / {flow_cpu['p95']:.0f} ms, wall {flow['p50']:.0f} / {flow['p95']:.0f} ms "
            f"(p50 / p95), termasuk cek PIN argon2 {pin['p50']:.0f} ms wall; langkah wall p50: "
            + ", ".join(f"{k} {v:.0f}" for k, v in per_step.items()),
            f"≤ {FLOW_TARGET_MS:.0f} ms",
            flow_cpu["p95"] <= FLOW_TARGET_MS,
            flow_cpu["p95"],
        )
    )
    metrics.append(
        Metric(
            "kiosk_pin_hash",
            "Anjungan: biaya cek PIN (argon2id, disengaja)",
            f"wall {pin['p50']:.1f} / {pin['p95']:.1f} ms, CPU {pin['cpu']['p50']:.1f} / {pin['cpu']['p95']:.1f} ms "
            "(p50 / p95; argon2id t=2, 19 MiB)",
            "dilaporkan terpisah",
            None,
            pin["p50"],
        )
    )

    # 3. KIOSKS kiosks at once against gunicorn.
    seconds = QUICK_LOAD_SECONDS if config.quick else LOAD_SECONDS
    workers = 3
    say(f"anjungan: {KIOSKS} anjungan serentak {seconds:.0f} detik, gunicorn {workers} worker")
    from django.db import connections

    connections.close_all()
    env = bench_env(phase_dir, config.database)
    with gunicorn(
        workers=workers, env=env, log=phase_dir / "gunicorn-kiosk.log", cwd=Path(settings.BASE_DIR)
    ) as (
        _proc,
        port,
    ):
        # Warm-up: every worker imports, connects and compiles templates.
        _load(port, people[1:3], credentials[1:3], 3.0)
        load = _load(port, people[1 : KIOSKS + 1], credentials[1 : KIOSKS + 1], seconds)
    result["load"] = load
    metrics.append(
        Metric(
            "kiosk_load",
            f"Anjungan: {load['kiosks']} anjungan serentak, {load['seconds']:.0f} s",
            f"{load['flows_per_s']:.2f} alur/detik ({load['flows']} alur), {load['errors']} galat"
            + (f" {load['error_kinds']}" if load["errors"] else "")
            + (f"; alur p50 {load['flow_ms'].get('p50', 0):.0f} ms" if load["flow_ms"] else ""),
            "0 galat",
            load["errors"] == 0 and load["flows"] > 0,
            load["flows_per_s"],
        )
    )
    result["metrics"] = metrics
    return result
