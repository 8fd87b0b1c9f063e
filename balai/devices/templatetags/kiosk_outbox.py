"""`{% outbox_grant "letter" token "domisili" %}`: the hidden field that lets a kiosk form be
kept in the device's outbox when the link drops (balai.devices.outbox)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from balai.devices.outbox import grant_make

register = template.Library()


@register.simple_tag(takes_context=True)
def outbox_grant(context: Any, kind: str, key: str, target: str = "") -> SafeString | str:
    request = context.get("request")
    device = getattr(request, "kiosk_device", None)
    if device is None or not key:
        return ""
    grant = grant_make(
        kind=kind, device=device, resident=getattr(request, "kiosk_resident", None), key=key, target=target
    )
    return format_html('<input type="hidden" name="outbox_grant" value="{}">', grant)
