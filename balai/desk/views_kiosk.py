"""The front desk as the kiosk shows it (`/anjungan/layanan/`): queue ticket, complaint,
complaint status, guest book, IKM rating, staff attendance, and the TV calling display.

Every page needs an enrolled, active kiosk device (`device_required`); the village is always the
device's. The calling display also opens for a signed-in operator of the village. Forms carry a
one-time `submit_key`, so a double tap or a retry after a lost connection makes one row.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from balai.core.http import ServiceCall
from balai.desk import printing, selectors, services
from balai.desk.models import IKM_ELEMENTS, Complaint, ServiceCategory, Ticket
from balai.desk.speech import call_sentence
from balai.devices.device import current_device, device_required
from balai.devices.http import DeviceRequest
from balai.regions.models import Village
from balai.staff import attendance

PRINT_MESSAGES = {
    "ok": _lazy("Struk sedang dicetak."),
    "gagal": _lazy(
        "Printer tidak dapat mencetak (mati, offline atau kertas habis). Nomor Anda tetap berlaku: catat atau foto layar ini, atau minta petugas."
    ),
    "tidak": "",
}


def _key() -> str:
    return secrets.token_urlsafe(16)


def _print(request: DeviceRequest, make_blocks: Callable[[Any], list[tuple[str, str]]]) -> str:
    """Print on the device's receipt printer: "ok", "gagal" (failed) or "tidak" (no printer)."""
    device = request.kiosk_device
    config = selectors.printer_for_device(village=device.village, device_id=device.public_id)
    if config is None or config.kind == config.Kind.NONE:
        return "tidak"
    result = printing.send(config, printing.compose(config, make_blocks(config)))
    return "ok" if result.ok else "gagal"


@device_required
def home(request: DeviceRequest) -> HttpResponse:
    return render(request, "desk/kiosk/home.html")


# --- Queue ticket --------------------------------------------------------------------------


@device_required
def ticket_take(request: DeviceRequest) -> HttpResponse:
    village = request.kiosk_device.village
    problem = ""
    if request.method == "POST":
        try:
            category = selectors.category_get(village=village, public_id=request.POST.get("category", ""))
        except ServiceCategory.DoesNotExist:
            raise Http404
        with ServiceCall() as call:
            ticket, created = services.ticket_take(
                village=village,
                category=category,
                device_id=request.kiosk_device.public_id,
                submit_key=request.POST.get("submit_key", ""),
            )
        problem = call.text()
        if call.ok:
            printed = "tidak"
            if created:
                ahead = selectors.ticket_position(ticket=ticket)
                printed = _print(
                    request, lambda config: printing.ticket_blocks(config, ticket, village.name, ahead)
                )
            return redirect(reverse("desk_kiosk:ticket_show", args=[ticket.public_id]) + f"?cetak={printed}")
    return render(
        request,
        "desk/kiosk/ticket_take.html",
        {
            "categories": selectors.category_list(village=village, active_only=True),
            "status": selectors.queue_status(village=village),
            "submit_key": _key(),
            "problem": problem,
        },
        status=400 if problem else 200,
    )


def _ticket(request: DeviceRequest, public_id: str) -> Ticket:
    try:
        return selectors.ticket_get(village=request.kiosk_device.village, public_id=public_id)
    except Ticket.DoesNotExist:
        raise Http404


@device_required
def ticket_show(request: DeviceRequest, public_id: str) -> HttpResponse:
    ticket = _ticket(request, public_id)
    printed = request.GET.get("cetak", "")
    return render(
        request,
        "desk/kiosk/ticket_show.html",
        {
            "ticket": ticket,
            "ahead": selectors.ticket_position(ticket=ticket),
            "printed": printed,
            "print_message": PRINT_MESSAGES.get(printed, ""),
        },
    )


@require_POST
@device_required
def ticket_print(request: DeviceRequest, public_id: str) -> HttpResponse:
    ticket = _ticket(request, public_id)
    village = request.kiosk_device.village
    ahead = selectors.ticket_position(ticket=ticket)
    printed = _print(request, lambda config: printing.ticket_blocks(config, ticket, village.name, ahead))
    return redirect(reverse("desk_kiosk:ticket_show", args=[ticket.public_id]) + f"?cetak={printed}")


# --- Complaints ----------------------------------------------------------------------------


@device_required
def complaint_create(request: DeviceRequest) -> HttpResponse:
    village = request.kiosk_device.village
    resident = request.kiosk_resident
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        with ServiceCall() as call:
            complaint, created = services.complaint_submit(
                actor=None,
                village=village,
                data=request.POST.dict(),
                resident=resident,
                device_id=request.kiosk_device.public_id,
                submit_key=request.POST.get("submit_key", ""),
            )
        errors = call.errors
        if call.ok:
            printed = (
                _print(request, lambda config: printing.complaint_blocks(config, complaint, village.name))
                if created
                else "tidak"
            )
            return render(
                request,
                "desk/kiosk/complaint_done.html",
                {"complaint": complaint, "printed": printed, "print_message": PRINT_MESSAGES[printed]},
            )
    return render(
        request,
        "desk/kiosk/complaint_form.html",
        {
            "errors": errors,
            "form": request.POST,
            "kinds": Complaint.Kind.choices,
            "submit_key": request.POST.get("submit_key") or _key(),
            "resident": resident,
        },
        status=400 if errors else 200,
    )


@device_required
def complaint_status(request: DeviceRequest) -> HttpResponse:
    """Status and response by tracking number (POSTed: the number stays out of URLs and logs)."""
    complaint = None
    searched = False
    if request.method == "POST":
        searched = True
        complaint = selectors.complaint_by_tracking(
            village=request.kiosk_device.village, number=request.POST.get("number", "")
        )
    return render(
        request,
        "desk/kiosk/complaint_status.html",
        {"complaint": complaint, "searched": searched},
        status=404 if searched and complaint is None else 200,
    )


# --- Guest book ----------------------------------------------------------------------------


@device_required
def guestbook(request: DeviceRequest) -> HttpResponse:
    village = request.kiosk_device.village
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        with ServiceCall() as call:
            entry, created = services.guest_sign(
                actor=None,
                village=village,
                data=request.POST.dict(),
                device_id=request.kiosk_device.public_id,
                submit_key=request.POST.get("submit_key", ""),
            )
        errors = call.errors
        if call.ok:
            printed = (
                _print(request, lambda config: printing.guest_blocks(config, entry, village.name))
                if created
                else "tidak"
            )
            return render(
                request,
                "desk/kiosk/done.html",
                {
                    "title": _("Terima kasih"),
                    "lines": [_("Kunjungan Anda sudah tercatat di buku tamu.")],
                    "print_message": PRINT_MESSAGES[printed],
                    "printed": printed,
                },
            )
    return render(
        request,
        "desk/kiosk/guestbook.html",
        {
            "errors": errors,
            "form": request.POST,
            "submit_key": request.POST.get("submit_key") or _key(),
            "keyboard_text": 'data-keyboard="text"',
            "keyboard_numeric": 'data-keyboard="numeric"',
        },
        status=400 if errors else 200,
    )


# --- IKM -----------------------------------------------------------------------------------

SCALE = [(1, _lazy("Tidak baik")), (2, _lazy("Kurang baik")), (3, _lazy("Baik")), (4, _lazy("Sangat baik"))]


@device_required
def ikm(request: DeviceRequest) -> HttpResponse:
    village = request.kiosk_device.village
    service = (request.POST.get("layanan") or request.GET.get("layanan") or "")[:60]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        with ServiceCall() as call:
            services.ikm_submit(
                village=village,
                answers=request.POST.dict(),
                service=service,
                device_id=request.kiosk_device.public_id,
                submit_key=request.POST.get("submit_key", ""),
            )
        errors = call.errors
        if call.ok:
            return render(
                request,
                "desk/kiosk/done.html",
                {
                    "title": _("Terima kasih"),
                    "lines": [_("Penilaian Anda membantu kami memperbaiki pelayanan.")],
                },
            )
    categories = list(
        selectors.category_list(village=village, active_only=True).values_list("name", flat=True)
    )
    return render(
        request,
        "desk/kiosk/ikm.html",
        {
            "elements": [
                (code, question, request.POST.get(code, ""), code in errors)
                for code, _l, question in IKM_ELEMENTS
            ],
            "scale": SCALE,
            "service": service,
            "services": categories,
            "errors": errors,
            "submit_key": request.POST.get("submit_key") or _key(),
        },
        status=400 if errors else 200,
    )


# --- Staff attendance ----------------------------------------------------------------------


@device_required
def attendance_check(request: DeviceRequest) -> HttpResponse:
    village = request.kiosk_device.village
    problem = ""
    mode = request.POST.get("mode") or request.GET.get("cara") or "kartu"
    if request.method == "POST":
        action = request.POST.get("action", "")
        with ServiceCall() as call:
            who = services.attendance_identify(
                request=request,
                device=request.kiosk_device,
                mode=mode,
                card_uid=request.POST.get("card", ""),
                pin=request.POST.get("pin", ""),
                username=request.POST.get("username", ""),
                password=request.POST.get("password", ""),
            )
            result = attendance.attendance_check(
                official=who.official,
                action=action,
                method=who.method,
                device_id=request.kiosk_device.public_id,
            )
        problem = call.text()
        if call.ok:
            at = result.attendance.check_in_at if result.action == "in" else result.attendance.check_out_at
            lines = [
                (_("Absen masuk") if result.action == "in" else _("Absen pulang"))
                + f": {timezone.localtime(at).strftime('%H:%M')}"
            ]
            if result.late:
                lines.append(_("Tercatat terlambat."))
            if result.early:
                lines.append(_("Tercatat pulang lebih awal."))
            return render(
                request,
                "desk/kiosk/done.html",
                {"title": who.official.name, "subtitle": who.official.position, "lines": lines},
            )
    rules = attendance.settings_for(village)
    return render(
        request,
        "desk/kiosk/attendance.html",
        {"mode": "sandi" if mode == "sandi" else "kartu", "problem": problem, "rules": rules},
        status=400 if problem else 200,
    )


# --- Calling display -----------------------------------------------------------------------


def display_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An enrolled device of the village, or a signed-in operator of the village (desk.operate)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        device = current_device(request)
        village = device.village if device is not None else None
        if village is None:
            scope = getattr(request, "scope", None)
            if scope is None or scope.village is None or not scope.can("desk.operate"):
                raise PermissionDenied
            village = scope.village
        response = view(request, village, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapped


def _feed_context(village: Village) -> dict[str, Any]:
    status = selectors.queue_status(village=village, calls=7)
    latest = status.latest
    return {
        "status": status,
        "latest": latest,
        "older": status.recent_calls[1:],
        "speech": call_sentence(latest.number, latest.counter) if latest else "",
        "village": village,
    }


@display_access
def display(request: HttpRequest, village: Village) -> HttpResponse:
    return render(request, "desk/kiosk/display.html", _feed_context(village))


@display_access
def display_feed(request: HttpRequest, village: Village) -> HttpResponse:
    return render(request, "desk/kiosk/_display_feed.html", _feed_context(village))
