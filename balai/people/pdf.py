"""The population books and the monthly report as PDF with Typst (data in, bytes out), as
`health.pdf`: every value reaches `typst/book.typ` as JSON, never pasted into markup."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

import typst

TYPST_DIR = Path(__file__).parent / "typst"
_compiler: typst.Compiler | None = None
_lock = threading.Lock()
_EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def render_book(content: dict[str, Any]) -> bytes:
    """`content`: code, title, subtitle, columns [{label, width}], rows [[str]], empty,
    place_date, signer_position, signer_name."""
    global _compiler
    with _lock:
        if _compiler is None:
            _compiler = typst.Compiler(input=TYPST_DIR / "book.typ", root=TYPST_DIR, ignore_system_fonts=True)
        out = _compiler.compile(format="pdf", sys_inputs={"data": json.dumps(content)}, timestamp=_EPOCH)
    if isinstance(out, list):
        out = out[0]
    assert isinstance(out, bytes)
    return out
