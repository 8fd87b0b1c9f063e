"""The kiosk frame: which device is asking, and which resident is signed in on it.

Every kiosk page (the kiosk app's and the desk's `desk_kiosk` pages) is wrapped in
`device_required` or `resident_required`:

- `device_required` reads the device credential cookie, finds an enrolled, active device and
  sets `request.kiosk_device` (`.village`, `.label`, `.public_id`); otherwise it answers 403
  with an Indonesian refusal page. A signed-in resident, if any, is in `request.kiosk_resident`
  (None otherwise).
- `resident_required` also needs a resident signed in on *this* device within the idle
  timeout and with a current PIN; otherwise it redirects to the sign-in page.

Both mark the response no-store, so Back after sign-out shows nothing from the cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from balai.devices.http import DeviceRequest
from balai.devices.models import DEFAULT_IDLE_SECONDS, KioskDevice, KioskVillageSettings

if TYPE_CHECKING:
    from balai.people.models import Resident

View = Callable[..., HttpResponse]

COOKIE_NAME = "balai_kiosk"
# A kiosk stays enrolled until an operator disables it; ten years is "for good" to a browser.
COOKIE_MAX_AGE = 10 * 365 * 24 * 3600
COOKIE_PATH = "/anjungan/"

LAST_SEEN_EVERY = dt.timedelta(minutes=5)
ACTIVITY_STEP = 5.0  # seconds

SESSION_RESIDENT = "kiosk_resident"
SESSION_DEVICE = "kiosk_device"
SESSION_ACTIVITY = "kiosk_activity"
# Set while the resident still has to replace the operator's first PIN.
SESSION_MUST_CHANGE = "kiosk_must_change"


def credential_digest(credential: str) -> str:
    return hashlib.sha256(credential.encode()).hexdigest()


def set_device_cookie(response: HttpResponse, credential: str) -> None:
    response.set_cookie(
        COOKIE_NAME,
        credential,
        max_age=COOKIE_MAX_AGE,
        path=COOKIE_PATH,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Strict",
    )


# What a kiosk request reads of its device (with its whole village row): every page pays for
# this lookup, so it loads only these columns. The enrolment hashes and timestamps stay in the
# database; code that reads one of them anyway still works, at the price of one more query.
DEVICE_FIELDS = (
    "id",
    "public_id",
    "village_id",
    "label",
    "idle_seconds",
    "last_seen_at",
    "is_active",
    "sign_in_throttled_until",
    "sign_in_blocked",
)


VILLAGE_IDLE_SQL = (
    f"SELECT s.idle_seconds FROM {KioskVillageSettings._meta.db_table} s "
    f"WHERE s.village_id = {KioskDevice._meta.db_table}.village_id"
)


def device_from_request(request: HttpRequest) -> KioskDevice | None:
    credential = request.COOKIES.get(COOKIE_NAME, "")
    if not credential or len(credential) > 200:
        return None
    # The village's idle timeout comes along as plain SQL: as a Subquery expression, building
    # it cost more CPU than the rest of the lookup.
    rows = (
        KioskDevice.objects.select_related("village")
        .only(*DEVICE_FIELDS, "village")
        .annotate(village_idle=RawSQL(VILLAGE_IDLE_SQL, ()))
        .filter(credential_hash=credential_digest(credential), is_active=True, village__is_active=True)
        .order_by()[:1]
    )
    return next(iter(rows), None)


def current_device(request: HttpRequest) -> KioskDevice | None:
    """The enrolled, active device making this request, or None (never raises, never 403)."""
    device = getattr(request, "kiosk_device", None)
    return device if device is not None else device_from_request(request)


def idle_seconds(device: KioskDevice) -> int:
    if device.idle_seconds:
        return device.idle_seconds
    if hasattr(device, "village_idle"):  # annotated by device_from_request
        return device.village_idle or DEFAULT_IDLE_SECONDS
    value = (
        KioskVillageSettings.objects.filter(village_id=device.village_id)
        .values_list("idle_seconds", flat=True)
        .first()
    )
    return value or DEFAULT_IDLE_SECONDS


def refuse(request: HttpRequest) -> HttpResponse:
    response = render(request, "kiosk/refused.html", status=403)
    add_never_cache_headers(response)
    return response


def end_resident_session(request: HttpRequest) -> None:
    """Sign the resident out: a fresh, empty session (new id; nothing of theirs remains)."""
    request.session.flush()


def _signed_in_resident(request: HttpRequest, device: KioskDevice) -> Resident | None:
    from balai.devices.selectors import signed_in_resident

    session = request.session
    resident_id = session.get(SESSION_RESIDENT)
    if resident_id is None:
        return None
    if session.get(SESSION_DEVICE) != device.pk:
        end_resident_session(request)
        return None
    now = timezone.now().timestamp()
    last = float(session.get(SESSION_ACTIVITY, 0))
    device_idle = getattr(device, "_idle", None) or idle_seconds(device)
    # The browser's timer ends the session on time; the server refuses a session left idle
    # past the timeout plus the step at which it records activity.
    step = min(ACTIVITY_STEP, device_idle / 6)
    if now - last > device_idle + step:
        end_resident_session(request)
        return None
    resident = signed_in_resident(village=device.village, resident_id=resident_id)
    if resident is None:
        end_resident_session(request)
        return None
    if now - last >= step:
        session[SESSION_ACTIVITY] = now  # a session write, so not on every request
    return resident


def _attach(request: HttpRequest) -> KioskDevice | None:
    device = device_from_request(request)
    if device is None:
        return None
    now = timezone.now()
    if device.last_seen_at is None or now - device.last_seen_at > LAST_SEEN_EVERY:
        # Operators see when a kiosk was last used; one write per device every few minutes.
        KioskDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
    device._idle = idle_seconds(device)  # type: ignore[attr-defined]
    attached = cast(DeviceRequest, request)
    attached.kiosk_idle_seconds = device._idle  # type: ignore[attr-defined]
    attached.kiosk_device = device
    attached.kiosk_resident = _signed_in_resident(request, device)
    return device


def device_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _attach(request) is None:
            return refuse(request)
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapped


def resident_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _attach(request) is None:
            return refuse(request)
        response: HttpResponse
        if cast(DeviceRequest, request).kiosk_resident is None:
            # A tile on the home screen leads here: after sign-in, on to the screen it named.
            target = reverse("kiosk:sign_in")
            if request.method == "GET" and request.path != reverse("kiosk:menu"):
                target += "?" + urlencode({"next": request.path})
            response = redirect(target)
        elif request.session.get(SESSION_MUST_CHANGE):
            response = redirect("kiosk:pin_change")
        else:
            response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapped
