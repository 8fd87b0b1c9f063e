"""`{% qr_svg text %}`: an inline SVG QR code of a public link (balai.kiosk.qr)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from balai.kiosk.qr import qr_svg as _qr_svg

register = template.Library()


@register.simple_tag
def qr_svg(text: str, size_px: int = 200, label: str = "") -> SafeString | str:
    return _qr_svg(text, size_px=size_px, label=label) if text else ""
