"""Back office of the front desk (`/layanan/`): counters, queue, complaints, guest book, IKM, printers.

Objects are looked up through selectors with the user's village, so another village's public
id answers 404 exactly like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from balai.accounts.decorators import require
from balai.accounts.http import VillageRequest
from balai.core.dates import Month, Period
from balai.core.http import ServiceCall
from balai.desk import printing, selectors, services
from balai.desk.models import IKM_ELEMENTS, Complaint, Counter, PrinterConfig, ServiceCategory
from balai.regions.models import Village

# --- Home ----------------------------------------------------------------------------------


@require("desk.operate")
def home(request: VillageRequest) -> HttpResponse:
    village = request.village
    services.ensure_defaults(village=village)
    today = timezone.localdate()
    counters = list(selectors.counter_list(village=village, active_only=True))
    return render(
        request,
        "desk/home.html",
        {
            "status": selectors.queue_status(village=village, day=today),
            "counters": counters,
            "complaints": selectors.complaint_counts(village=village),
            "tickets": selectors.tickets_today(village=village, day=today, limit=30),
            "today": today,
        },
    )


# --- Categories and counters ---------------------------------------------------------------


def _category_data(request: HttpRequest) -> dict[str, Any]:
    return {
        "name": request.POST.get("name", ""),
        "code": request.POST.get("code", ""),
        "order": request.POST.get("order") or 0,
        "is_active": request.POST.get("is_active") == "on",
    }


@require("desk.operate")
def category_list(request: VillageRequest) -> HttpResponse:
    village = request.village
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        with ServiceCall() as call:
            data = _category_data(request) | {"is_active": True}
            category = services.category_save(actor=request.user, village=village, data=data)
        errors = call.errors
        if call.ok:
            messages.success(request, _("Layanan %(name)s ditambahkan.") % {"name": category.name})
            return redirect("desk:category_list")
    return render(
        request,
        "desk/category_list.html",
        {"categories": selectors.category_list(village=village), "errors": errors, "form": request.POST},
        status=400 if errors else 200,
    )


@require("desk.operate")
def category_edit(request: VillageRequest, public_id: str) -> HttpResponse:
    village = request.village
    try:
        category = selectors.category_get(village=village, public_id=public_id)
    except ServiceCategory.DoesNotExist:
        raise Http404
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        with ServiceCall() as call:
            services.category_save(
                actor=request.user,
                village=village,
                data=_category_data(request),
                category=category,
            )
        errors = call.errors
        if call.ok:
            messages.success(request, _("Layanan %(name)s disimpan.") % {"name": category.name})
            return redirect("desk:category_list")
    return render(
        request,
        "desk/category_edit.html",
        {"category": category, "errors": errors},
        status=400 if errors else 200,
    )


def _counter_data(request: HttpRequest, village: Village) -> dict[str, Any]:
    wanted = request.POST.getlist("categories")
    categories = list(selectors.category_list(village=village).filter(public_id__in=wanted))
    if len(categories) != len(set(wanted)):
        raise Http404  # another village's (or no) category: as for a missing one
    return {
        "name": request.POST.get("name", ""),
        "order": request.POST.get("order") or 0,
        # The add form has no checkbox (a new counter is active); the edit form says it is there.
        "is_active": request.POST.get("is_active") == "on" or "is_active_present" not in request.POST,
        "categories": categories,
    }


@require("desk.operate")
def counter_list(request: VillageRequest) -> HttpResponse:
    village = request.village
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = _counter_data(request, village)
        with ServiceCall() as call:
            counter = services.counter_save(actor=request.user, village=village, data=data)
        errors = call.errors
        if call.ok:
            messages.success(request, _("%(name)s ditambahkan.") % {"name": counter.name})
            return redirect("desk:counter_list")
    return render(
        request,
        "desk/counter_list.html",
        {
            "counters": selectors.counter_list(village=village),
            "categories": selectors.category_list(village=village, active_only=True),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _counter(request: VillageRequest, public_id: str) -> Counter:
    try:
        return selectors.counter_get(village=request.village, public_id=public_id)
    except Counter.DoesNotExist:
        raise Http404


@require("desk.operate")
def counter_edit(request: VillageRequest, public_id: str) -> HttpResponse:
    village = request.village
    counter = _counter(request, public_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = _counter_data(request, village)
        with ServiceCall() as call:
            services.counter_save(actor=request.user, village=village, data=data, counter=counter)
        errors = call.errors
        if call.ok:
            messages.success(request, _("%(name)s disimpan.") % {"name": counter.name})
            return redirect("desk:counter_list")
    return render(
        request,
        "desk/counter_edit.html",
        {
            "counter": counter,
            "chosen": {c.pk for c in counter.categories.all()},
            "categories": selectors.category_list(village=village, active_only=True),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


COUNTER_ACTIONS = ("next", "recall", "done", "skip")


@require("desk.operate")
def counter_desk(request: VillageRequest, public_id: str) -> HttpResponse:
    """The operator's page at one counter: call next, recall, done, skip."""
    village = request.village
    counter = _counter(request, public_id)
    today = timezone.localdate()
    problem = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        actor = request.user
        with ServiceCall() as call:
            current = services.counter_current(village=village, counter=counter, day=today)
            if action == "next" and current is not None:
                # Calling the next number used to close the current one as served without asking.
                problem = _("Tandai dulu nomor %(label)s: selesai dilayani atau tidak datang.") % {
                    "label": current.label
                }
            elif action in ("next", "done_next", "skip_next"):
                outcome = "skip" if action == "skip_next" else "done"
                called = services.ticket_call_next(
                    actor=actor, village=village, counter=counter, outcome=outcome
                )
                if called is None:
                    problem = _("Tidak ada antrean yang menunggu.")
            elif action == "undo":
                services.ticket_undo_finish(actor=actor, village=village, counter=counter)
            elif action == "recall":
                services.ticket_recall(actor=actor, village=village, counter=counter)
            elif action in ("done", "skip"):
                services.ticket_finish(actor=actor, village=village, counter=counter, skip=action == "skip")
            else:
                problem = _("Aksi tidak dikenal.")
        problem = problem or call.text()
        if not problem and not request.headers.get("HX-Request"):
            return redirect("desk:counter_desk", public_id=counter.public_id)
    context = {
        "counter": counter,
        "current": services.counter_current(village=village, counter=counter, day=today),
        "waiting": selectors.counter_waiting(village=village, counter=counter, day=today),
        "status": selectors.queue_status(village=village, day=today),
        "problem": problem,
        "undoable": services.ticket_last_finished(village=village, counter=counter),
    }
    template = "desk/_counter_panel.html" if request.headers.get("HX-Request") else "desk/counter_desk.html"
    return render(request, template, context, status=400 if problem and request.method == "POST" else 200)


# --- Complaints ----------------------------------------------------------------------------


@require("desk.operate")
def complaint_list(request: VillageRequest) -> HttpResponse:
    village = request.village
    state = request.GET.get("status", "")
    if state not in Complaint.State.values and state != selectors.COMPLAINT_OPEN:
        state = ""
    return render(
        request,
        "desk/complaint_list.html",
        {
            "complaints": selectors.complaint_list(village=village, state=state)[:200],
            "state": state,
            "states": [(selectors.COMPLAINT_OPEN, _("Belum dijawab")), *Complaint.State.choices],
            "counts": selectors.complaint_counts(village=village),
        },
    )


@require("desk.operate")
def complaint_create(request: VillageRequest) -> HttpResponse:
    village = request.village
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        with ServiceCall() as call:
            complaint, _created = services.complaint_submit(
                actor=request.user,
                village=village,
                data=request.POST.dict(),
                submit_key=request.POST.get("submit_key", ""),
            )
        errors = call.errors
        if call.ok:
            messages.success(
                request,
                _("Pengaduan dicatat dengan nomor %(number)s.") % {"number": complaint.tracking_display},
            )
            return redirect("desk:complaint_detail", public_id=complaint.public_id)
    return render(
        request,
        "desk/complaint_form.html",
        {"errors": errors, "form": request.POST, "kinds": Complaint.Kind.choices, "submit_key": _new_key()},
        status=400 if errors else 200,
    )


def _new_key() -> str:
    import secrets

    return secrets.token_urlsafe(16)


@require("desk.operate")
def complaint_detail(request: VillageRequest, public_id: str) -> HttpResponse:
    village = request.village
    try:
        complaint = selectors.complaint_get(village=village, public_id=public_id)
    except Complaint.DoesNotExist:
        raise Http404
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        with ServiceCall() as call:
            services.complaint_handle(
                actor=request.user,
                complaint=complaint,
                state=request.POST.get("state", ""),
                response=request.POST.get("response", ""),
            )
        errors = call.errors
        if call.ok:
            messages.success(request, _("Tindak lanjut disimpan."))
            return redirect("desk:complaint_detail", public_id=complaint.public_id)
    return render(
        request,
        "desk/complaint_detail.html",
        {"complaint": complaint, "states": Complaint.State.choices, "errors": errors},
        status=400 if errors else 200,
    )


# --- Guest book ----------------------------------------------------------------------------


@require("desk.operate")
def guest_list(request: VillageRequest) -> HttpResponse:
    village = request.village
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        with ServiceCall() as call:
            services.guest_sign(
                actor=request.user,
                village=village,
                data=request.POST.dict(),
                submit_key=request.POST.get("submit_key", ""),
            )
        errors = call.errors
        if call.ok:
            messages.success(request, _("Tamu dicatat."))
            return redirect("desk:guest_list")
    shown = Month.parse(request.GET.get("bulan")) or Month.of(today)
    return render(
        request,
        "desk/guest_list.html",
        {
            "entries": selectors.guest_list(village=village, year=shown.year, month=shown.month),
            "errors": errors,
            "form": request.POST,
            "submit_key": _new_key(),
            **shown.nav(),
        },
        status=400 if errors else 200,
    )


# --- IKM -----------------------------------------------------------------------------------


@require("desk.operate")
def ikm_report(request: VillageRequest) -> HttpResponse:
    village = request.village
    period = Period.choose(request.GET.get("bulan"), today=timezone.localdate())
    shown = period.month
    return render(
        request,
        "desk/ikm_report.html",
        {
            "report": selectors.ikm_report(village=village, year=shown.year, month=shown.month),
            "questions": {code: question for code, _label, question in IKM_ELEMENTS},
            **period.nav(),
        },
    )


# --- Printers ------------------------------------------------------------------------------


def _devices(village: Village) -> list[Any]:
    try:
        from balai.devices.selectors import device_list
    except ImportError:  # pragma: no cover - the kiosk app always ships its selectors
        return []
    return list(device_list(village=village))


@require("kiosk.manage")
def printer_list(request: VillageRequest) -> HttpResponse:
    village = request.village
    errors: dict[str, list[str]] = {}
    devices = _devices(village)
    if request.method == "POST":
        device_id = request.POST.get("device_id", "")
        if device_id not in {d.public_id for d in devices}:
            raise Http404  # not a device of this village: as for a missing one
        with ServiceCall() as call:
            services.printer_save(
                actor=request.user,
                village=village,
                device_id=device_id,
                data=request.POST.dict(),
            )
        errors = call.errors
        if call.ok:
            messages.success(request, _("Printer disimpan."))
            return redirect("desk:printer_list")
    printers = list(selectors.printer_list(village=village))
    labels = {d.public_id: d.label for d in devices}
    return render(
        request,
        "desk/printer_list.html",
        {
            "printers": [(p, labels.get(p.device_id, p.device_id)) for p in printers],
            "devices": devices,
            "kinds": PrinterConfig.Kind.choices,
            "errors": errors,
            "form": request.POST,
        },
        status=400 if errors else 200,
    )


@require_POST
@require("kiosk.manage")
def printer_test(request: VillageRequest, public_id: str) -> HttpResponse:
    village = request.village
    try:
        config = selectors.printer_get(village=village, public_id=public_id)
    except PrinterConfig.DoesNotExist:
        raise Http404
    payload = printing.compose(
        config,
        [("title", config.header or f"Desa {village.name}"), ("", _("Tes printer")), ("big", "A-000")],
    )
    result = printing.send(config, payload)
    (messages.success if result.ok else messages.error)(request, result.message)
    return redirect("desk:printer_list")
