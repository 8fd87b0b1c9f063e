"""Letter PDF with Typst: data in, bytes out. No ORM here.

The layout is `typst/letter.typ`, fixed by us; all letter data reaches it as JSON through
`sys.inputs`, so names, addresses and operator text can never be read as markup or code, and
the compiler's root is that folder, so no template or data can read other files.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

import segno
import typst

TYPST_DIR = Path(__file__).parent / "typst"
_compiler: typst.Compiler | None = None
_lock = threading.Lock()
# Fixed creation date: the same content gives the same bytes, so a frozen letter re-renders identically.
_EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def qr_svg(text: str) -> str:
    # Choosing the best mask costs ~20 ms, so issued letters keep their QR (Letter.qr_svg).
    return segno.make(text, error="m", micro=False).svg_inline(border=0, scale=1)


def render(
    content: dict[str, Any],
    *,
    qr: str | None = None,
    logo: bytes | None = None,
    png_ppi: float | None = None,
) -> bytes:
    """PDF (or, with `png_ppi`, a PNG of the first page for previews). `qr` is the QR code as
    SVG text (see `qr_svg`); `logo` PNG or JPEG bytes."""
    global _compiler
    data = dict(content)
    if qr:
        data["qr"] = qr
    if logo:
        data["logo"] = list(logo)
    with _lock:
        if _compiler is None:
            _compiler = typst.Compiler(
                input=TYPST_DIR / "letter.typ", root=TYPST_DIR, ignore_system_fonts=True
            )
        inputs = {"data": json.dumps(data)}
        if png_ppi:
            out = _compiler.compile(format="png", ppi=png_ppi, sys_inputs=inputs)
        else:
            out = _compiler.compile(format="pdf", sys_inputs=inputs, timestamp=_EPOCH)
    if isinstance(out, list):
        out = out[0]
    assert isinstance(out, bytes)
    return out
