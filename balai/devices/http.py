"""Typed kiosk requests: what `device_required` / `resident_required` (`balai.devices.device`)
guarantee a view, so it reads `request.kiosk_device` and `request.kiosk_resident` as they are."""

from __future__ import annotations

from django.http import HttpRequest

from balai.devices.models import KioskDevice
from balai.people.models import Resident


class DeviceRequest(HttpRequest):
    """Behind `device_required`: the enrolled, active device asking (with its village), and
    the resident signed in on it, if any."""

    kiosk_device: KioskDevice
    kiosk_resident: Resident | None
    kiosk_idle_seconds: int


class ResidentRequest(DeviceRequest):
    """Behind `resident_required`: a resident is signed in on this device."""

    kiosk_resident: Resident
