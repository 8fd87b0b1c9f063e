"""A child's KMS as PDF with Typst: data in, bytes out (same approach as `letters.pdf`).

All values reach `typst/kms.typ` as JSON through `sys.inputs`, so a name can never be read as
markup; the charts are the SVG strings of `charts.growth_charts`, embedded as images.
"""

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


def render(content: dict[str, Any]) -> bytes:
    """`content`: title, subtitle, facts [[label, value]], wfa, lhfa (SVG text), table_title,
    columns [str], rows [[str]], footnote."""
    global _compiler
    with _lock:
        if _compiler is None:
            _compiler = typst.Compiler(input=TYPST_DIR / "kms.typ", root=TYPST_DIR, ignore_system_fonts=True)
        out = _compiler.compile(format="pdf", sys_inputs={"data": json.dumps(content)}, timestamp=_EPOCH)
    if isinstance(out, list):
        out = out[0]
    assert isinstance(out, bytes)
    return out
