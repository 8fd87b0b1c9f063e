"""QR codes shown and printed at the kiosk (the letter tracking ticket), as inline SVG.

zxing-cpp encodes (error correction M); the SVG is built here rather than taken from
zxing-cpp's `to_svg()`, whose XML prologue and doctype do not belong inside an HTML page.
Only the text given is encoded: callers pass public links that carry no personal data.
"""

from __future__ import annotations

import re
from typing import Any, cast

import zxingcpp
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# zxing-cpp's image holds 0 for a dark module and 255 for a light one.
_DARK = bytes(0x31 if i == 0 else 0x30 for i in range(256))
_DARK_RUN = re.compile(b"1+")
# The white margin, in modules, that the QR standard asks for around the code.
QUIET_ZONE = 4


def qr_svg(text: str, *, size_px: int = 200, label: str = "") -> SafeString:
    """An SVG of the QR code, its white quiet zone included, drawn `size_px` wide: one filled
    path, a rectangle per run of dark modules in a row. Safe to insert into a template as is."""
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    # One byte per module; zxing-cpp adds no quiet zone to a QR image, the viewBox does below.
    image = code.to_image(scale=1, add_quiet_zones=False)
    rows, width = image.shape[0], image.shape[1]
    pixels = bytes(cast(Any, image)).translate(_DARK)
    path = "".join(
        f"M{run.start() - y * width} {y}h{run.end() - run.start()}v1h-{run.end() - run.start()}z"
        for y in range(rows)
        for run in _DARK_RUN.finditer(pixels, y * width, (y + 1) * width)
    )
    q = QUIET_ZONE
    return mark_safe(  # noqa: S308 - numbers only, and the escaped label
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{-q} {-q} {width + 2 * q} {rows + 2 * q}" '
        f'width="{size_px}" height="{size_px}" shape-rendering="crispEdges" role="img" '
        f'aria-label="{escape(label)}"><rect x="{-q}" y="{-q}" width="{width + 2 * q}" '
        f'height="{rows + 2 * q}" fill="#fff"/><path fill="#000" d="{path}"/></svg>'
    )
