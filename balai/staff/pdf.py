"""Staffing documents as PDF with Typst: data in, bytes out (the approach of `health.pdf`).

Values reach `typst/document.typ` as JSON through `sys.inputs`, so a name is never markup.
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


def render(
    *,
    heading: str,
    title: str,
    subtitle: str = "",
    facts: list[tuple[str, str]] = (),  # type: ignore[assignment]
    columns: list[str] = (),  # type: ignore[assignment]
    rows: list[list[str]] = (),  # type: ignore[assignment]
    signature: tuple[str, str, str] | None = None,
    footnote: str = "",
    landscape: bool = False,
    table_size: float = 8.5,
) -> bytes:
    global _compiler
    content: dict[str, Any] = {
        "heading": heading,
        "title": title,
        "subtitle": subtitle,
        "facts": [[str(a), str(b)] for a, b in facts],
        "columns": [str(c) for c in columns],
        "rows": [[str(v) for v in row] for row in rows],
        "signature": list(signature) if signature else [],
        "footnote": footnote,
        "landscape": landscape,
        "table_size": table_size,
    }
    with _lock:
        if _compiler is None:
            _compiler = typst.Compiler(
                input=TYPST_DIR / "document.typ", root=TYPST_DIR, ignore_system_fonts=True
            )
        out = _compiler.compile(format="pdf", sys_inputs={"data": json.dumps(content)}, timestamp=_EPOCH)
    if isinstance(out, list):
        out = out[0]
    assert isinstance(out, bytes)
    return out
