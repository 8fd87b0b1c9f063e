"""Kiosk pages for residents at the touch screen: home, enrolment, sign-in, PIN change, menu.

Every page but enrolment is wrapped in `device_required` / `resident_required`
(`balai/kiosk/device.py`); objects are looked up through selectors with the device's village
and, for personal data, the signed-in resident's own family, so anything else is 404.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from balai.core import ratelimit
from balai.core.digits import only_digits
from balai.core.http import ServiceCall
from balai.devices import pins, services
from balai.devices.device import (
    COOKIE_PATH,
    SESSION_ACTIVITY,
    SESSION_DEVICE,
    SESSION_MUST_CHANGE,
    SESSION_RESIDENT,
    _attach,
    device_required,
    end_resident_session,
    resident_required,
    set_device_cookie,
)
from balai.devices.http import DeviceRequest, ResidentRequest
from balai.kiosk import home as home_data
from balai.kiosk import tiles as kiosk_tiles

SESSION_TOUR = "kiosk_tour"

ENROL_BUCKET = "kiosk-enrol"
ENROL_PER_ADDRESS = 10
ENROL_WINDOW = dt.timedelta(minutes=30)


@device_required
def home(request: DeviceRequest) -> HttpResponse:
    device = request.kiosk_device
    context = home_data.home_context(village=device.village)
    context["tiles"] = kiosk_tiles.home_tiles()
    return render(request, "kiosk/home.html", context)


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """The kiosk browser trades a one-time code for its device credential (a cookie)."""
    error = ""
    already = _attach(request)
    if request.method == "POST" and ratelimit.hit(
        ENROL_BUCKET, ratelimit.client_ip(request), limit=ENROL_PER_ADDRESS, window=ENROL_WINDOW
    ):
        # Issue 16: 200 guesses at 151/s were accepted. A code has 10 digits and lives 30
        # minutes; ten tries per address in that time leave nothing to guess.
        error = _("Terlalu banyak percobaan kode pendaftaran dari alamat ini. Coba lagi nanti.")
        refused = render(request, "kiosk/enrol.html", {"error": error, "already": already}, status=429)
        add_never_cache_headers(refused)
        return refused
    if request.method == "POST":
        result = services.device_enrol(code=request.POST.get("code", ""))
        if result is not None:
            device, credential = result
            end_resident_session(request)
            response: HttpResponse = redirect("kiosk:home")
            set_device_cookie(response, credential)
            add_never_cache_headers(response)
            return response
        error = _(
            "Kode pendaftaran salah, sudah dipakai, atau sudah kedaluwarsa. Minta kode baru ke petugas."
        )
    response = render(
        request, "kiosk/enrol.html", {"error": error, "already": already}, status=400 if error else 200
    )
    add_never_cache_headers(response)
    return response


def safe_next(value: str) -> str:
    """Where to go after sign-in: a kiosk path of this site only (never another host)."""
    value = (value or "").strip()
    if (
        not value.startswith(COOKIE_PATH)
        or value.startswith("//")
        or "\\" in value
        or not url_has_allowed_host_and_scheme(value, allowed_hosts=None)
        or value.startswith(reverse("kiosk:sign_out"))
    ):
        return ""
    return value[:300]


def _start_session(request: DeviceRequest, result: services.SignInResult, next_url: str = "") -> HttpResponse:
    assert result.resident is not None
    device = request.kiosk_device
    end_resident_session(request)  # new session id: nothing from before sign-in carries over
    request.session[SESSION_RESIDENT] = result.resident.pk
    request.session[SESSION_DEVICE] = device.pk
    request.session[SESSION_ACTIVITY] = timezone.now().timestamp()
    if result.must_change_pin:
        request.session[SESSION_MUST_CHANGE] = True
        return redirect("kiosk:pin_change")
    return redirect(next_url or "kiosk:menu")


@device_required
@require_http_methods(["GET", "POST"])
def sign_in(request: DeviceRequest) -> HttpResponse:
    """NIK + PIN, or card UID + PIN. Only POST carries the NIK: never a URL or log line."""
    if request.kiosk_resident is not None and request.method == "GET":
        return redirect("kiosk:menu")
    mode = "card" if request.POST.get("mode", request.GET.get("cara")) == "kartu" else "nik"
    next_url = safe_next(request.POST.get("next", request.GET.get("next", "")))
    error, wait = "", 0
    if request.method == "POST":
        pin = request.POST.get("pin", "").strip()
        if mode == "card":
            uid = request.POST.get("card_uid", "").strip()
            if not uid:
                error = _("Tempelkan kartu Anda pada pembaca kartu.")
            else:
                result = services.sign_in(device=request.kiosk_device, card_uid=uid, pin=pin)
                error, wait = result.message, result.wait_seconds
        else:
            nik = only_digits(request.POST.get("nik", ""))
            result = services.sign_in(device=request.kiosk_device, nik=nik, pin=pin)
            error, wait = result.message, result.wait_seconds
        if not error and result.resident is not None:
            return _start_session(request, result, next_url)
    context = {"mode": mode, "error": error, "wait": wait, "next": next_url}
    return render(request, "kiosk/sign_in.html", context, status=200 if not error else 400)


@require_POST
@device_required
def sign_out(request: DeviceRequest) -> HttpResponse:
    end_resident_session(request)
    if request.POST.get("idle"):
        messages.info(request, _("Sesi diakhiri karena anjungan tidak disentuh. Data Anda sudah ditutup."))
    return redirect("kiosk:home")


@device_required
@require_http_methods(["GET", "POST"])
def pin_change(request: DeviceRequest) -> HttpResponse:
    resident = request.kiosk_resident
    if resident is None:
        return redirect("kiosk:sign_in")
    forced = bool(request.session.get(SESSION_MUST_CHANGE))
    error = ""
    if request.method == "POST":
        new, again = request.POST.get("new_pin", ""), request.POST.get("new_pin_again", "")
        if new != again:
            error = _("PIN baru dan ulangannya tidak sama.")
        else:
            with ServiceCall() as call:
                services.pin_change(
                    resident=resident,
                    device=request.kiosk_device,
                    current=request.POST.get("current_pin", ""),
                    new=new,
                )
            error = call.text()
            if call.ok:
                if request.session.pop(SESSION_MUST_CHANGE, None):
                    # A first-time user: the 3-step tour opens on the menu, once.
                    request.session[SESSION_TOUR] = True
                request.session.cycle_key()
                messages.success(
                    request, _("PIN berhasil diganti. Ingat PIN baru Anda dan jangan beri tahu siapa pun.")
                )
                return redirect("kiosk:menu")
    return render(
        request, "kiosk/pin_change.html", {"forced": forced, "error": error}, status=400 if error else 200
    )


@resident_required
def menu(request: ResidentRequest) -> HttpResponse:
    context = {
        "pin_rules": pins.PIN_LENGTH,
        "tiles": kiosk_tiles.menu_tiles(),
        "show_tour": request.session.pop(SESSION_TOUR, False),
    }
    return render(request, "kiosk/menu.html", context)


@require_POST
@device_required
def help_call(request: DeviceRequest) -> HttpResponse:
    """ "Panggil petugas": the office sees the call on its home page and the kiosk page."""
    from balai.kiosk import services as kiosk_services

    screen = safe_next(request.POST.get("screen", "")) or reverse("kiosk:home")
    kiosk_services.help_call(device=request.kiosk_device, screen=screen)
    messages.info(request, _("Petugas desa sudah dipanggil dan segera datang ke anjungan. Mohon tunggu."))
    return redirect(screen)


PURPOSES = {
    "detail": _lazy("membuka data Anda"),
    "edit": _lazy("mengubah data Anda"),
    "api": _lazy("membaca data Anda lewat aplikasi"),
    "api_list": _lazy("melihat nama Anda di daftar (aplikasi)"),
    "api_search": _lazy("menemukan Anda lewat pencarian (aplikasi)"),
    "list": _lazy("melihat nama Anda di daftar penduduk"),
    "search": _lazy("menemukan Anda lewat pencarian"),
    "family": _lazy("membuka halaman keluarga Anda"),
    "education": _lazy("membuka catatan pendidikan Anda"),
}


@resident_required
def who_read(request: ResidentRequest) -> HttpResponse:
    """Who among the village staff read the signed-in resident's record (UU 27/2022 gives a
    resident the right to know): the last 100 reads, newest first."""
    from balai.audit.selectors import purpose_of, reads_of

    resident = request.kiosk_resident
    rows = [
        {
            "at": event.occurred_at,
            "who": (event.actor.get_full_name() or event.actor_label) if event.actor else event.actor_label,
            "role": event.actor.get_role_display() if event.actor else "",
            "what": PURPOSES.get(purpose_of(event), _("membaca data Anda")),
        }
        for event in reads_of(
            village_id=request.kiosk_device.village_id, object_type="resident", object_id=resident.public_id
        )
    ]
    return render(request, "kiosk/who_read.html", {"rows": rows})
