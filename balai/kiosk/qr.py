"""QR codes shown and printed at the kiosk (the letter tracking ticket), as inline SVG.

The SVG is built here (balai.core.qr) rather than taken from zxing-cpp's `to_svg()`, whose
XML prologue and doctype do not belong inside an HTML page.
Only the text given is encoded: callers pass public links that carry no personal data.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from balai.core.qr import qr_path

# The white margin, in modules, that the QR standard asks for around the code.
QUIET_ZONE = 4


def qr_svg(text: str, *, size_px: int = 200, label: str = "") -> SafeString:
    """An SVG of the QR code, its white quiet zone included, drawn `size_px` wide. Safe to
    insert into a template as is."""
    size, path = qr_path(text)
    q, side = QUIET_ZONE, size + 2 * QUIET_ZONE
    return mark_safe(  # noqa: S308 - numbers and path commands only, and the escaped label
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{-q} {-q} {side} {side}" '
        f'width="{size_px}" height="{size_px}" shape-rendering="crispEdges" role="img" '
        f'aria-label="{escape(label)}"><rect x="{-q}" y="{-q}" width="{side}" '
        f'height="{side}" fill="#fff"/><path stroke="#000" d="{path}"/></svg>'
    )
