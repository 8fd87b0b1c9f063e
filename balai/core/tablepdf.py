"""The one PDF of a table page ("download PDF" beside every district/regency table): a title,
facts ("data per", source, filters), then tables, rendered with Typst (`typst/table.typ`).

Data in, bytes out; every value is passed as a Typst input (JSON), never pasted into markup,
so a village's name can never be read as Typst code. Domain apps use it for their regional
tables (core is the layer every app may import)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typst
from django.utils import timezone
from django.utils.translation import gettext as _

CONTENT_TYPE = "application/pdf"
TYPST_DIR = Path(__file__).parent / "typst"
_compiler: typst.Compiler | None = None
_lock = threading.Lock()
_EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@dataclass
class Table:
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    text_columns: int = 1  # the first N columns are left-aligned text, the rest numbers
    size: float = 8.5


@dataclass
class Report:
    title: str
    subtitle: str = ""
    as_of: dt.datetime | None = None
    source: str = ""
    filters: Sequence[tuple[str, str]] = ()
    tables: list[Table] = field(default_factory=list)
    landscape: bool = False


def cell(value: Any) -> str:
    """A value as the table shows it: thousands with a dot, decimals with a comma, dates d-m-Y."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime("%d-%m-%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def render(report: Report) -> bytes:
    as_of = report.as_of or timezone.now()
    facts = [[_("Data per"), cell(as_of)]]
    if report.source:
        facts.append([_("Sumber"), report.source])
    facts += [[str(k), str(v)] for k, v in report.filters] or [[_("Filter"), _("tanpa filter (semua data)")]]
    content = {
        "title": report.title,
        "subtitle": report.subtitle,
        "landscape": report.landscape,
        "footer": report.source or report.title,
        "facts": facts,
        "sections": [
            {
                "title": t.title,
                "columns": [str(c) for c in t.columns],
                "rows": [[cell(v) for v in row] for row in t.rows]
                or [[_("Tidak ada data"), *[""] * (len(t.columns) - 1)]],
                "text_columns": t.text_columns,
                "size": t.size,
            }
            for t in report.tables
        ],
    }
    global _compiler
    with _lock:
        if _compiler is None:
            _compiler = typst.Compiler(
                input=TYPST_DIR / "table.typ", root=TYPST_DIR, ignore_system_fonts=True
            )
        out = _compiler.compile(format="pdf", sys_inputs={"data": json.dumps(content)}, timestamp=_EPOCH)
    if isinstance(out, list):
        out = out[0]
    assert isinstance(out, bytes)
    return out
