"""The population books and the monthly report as PDF with Typst (data in, bytes out), as
`health.pdf`: every value reaches `typst/book.typ` as JSON, never pasted into markup.

A book of 5,000 residents is 200–300 pages. As one page-spanning table of 70,000 cells it took
Typst ~5 s of CPU on one core (~45 s on the shared machine). Now the rows are cut into pages
and every cell into lines here, from the font's own glyph widths (queried from Typst once per
process; the body is set without kerning or ligatures, so with exactly these widths): a page is the column heads (a
small table) over one text per column, every line at the same pitch and each row padded to its
tallest cell (empty lines, which Typst gives a line's height without shaping anything), with
a rule between rows at a computed offset, then an explicit page break, which
Typst lays out page by page in parallel. Widths are fixed; nothing is sized automatically.

The column texts are placed at computed offsets in a block of the computed height, not put in
a grid: a grid measures each cell before laying it out (every text twice), which was ~40% of
Typst's time (5,000 residents: 3.3 → 2.0 s of CPU, 5.6 → 4.8 MB).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import string
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typst

TYPST_DIR = Path(__file__).parent / "typst"
_compiler: typst.Compiler | None = None
_lock = threading.Lock()
_EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

MM = 72 / 25.4  # points per millimetre

# The one set of sizes: book.typ reads them from `data.layout`, the paginator computes with them.
LAYOUT: dict[str, Any] = {
    "font": "Libertinus Serif",
    "page_width": 330,  # mm, F4 landscape
    "page_height": 215,
    "margin_top": 12,
    "margin_bottom": 14,
    "margin_x": 12,
    "size": 7.5,  # pt
    "number_size": 6,
    "leading": 0.4,  # em, between lines and between paragraphs of the title and header
    "body_leading": 0.7,  # em, between the body's lines: a rule between rows sits in its middle
    "inset": 2.5,  # pt, each side of a cell
}
# Title and subtitle (two lines of 10 and 9 pt), the 2 mm gap and the spacing around them on the
# first page, generously; the signature block after the last table may take a page of its own.
FIRST_PAGE_RESERVE_MM = 16
SAFETY = 0.97  # of the page height the rows may fill

_MEASURED_CHARS = string.ascii_letters + string.digits + string.punctuation + "·–—’“”"


@dataclass
class _Metrics:
    regular: dict[str, float]  # em per character
    bold: dict[str, float]
    space: float
    cap: float  # cap height in em: a line's height (top edge cap height, bottom edge baseline)

    def width(self, text: str, *, bold: bool = False) -> float:
        """Em; a character not measured counts as the widest one."""
        table, widest = (self.bold, self.widest_bold) if bold else (self.regular, self.widest)
        return sum(table.get(c, widest) for c in text)

    @functools.cached_property
    def widest(self) -> float:
        return max(self.regular.values())

    @functools.cached_property
    def widest_bold(self) -> float:
        return max(self.bold.values())


_metrics_cache: _Metrics | None = None


def _metrics() -> _Metrics:
    global _metrics_cache
    if _metrics_cache is None:
        raw = json.loads(
            typst.query(
                TYPST_DIR / "metrics.typ",
                "<metrics>",
                field="value",
                one=True,
                root=TYPST_DIR,
                ignore_system_fonts=True,
                sys_inputs={"font": LAYOUT["font"], "chars": _MEASURED_CHARS},
            )
        )
        _metrics_cache = _Metrics(raw["regular"], raw["bold"], raw["space"], raw["cap"])
    return _metrics_cache


# A line may break at a space, and after a "/" between letters ("PELAJAR/MAHASISWA"), as Unicode
# line breaking does; elsewhere ("003/RW", "14-12-1969") the estimate keeps the word whole.
_BREAK_AFTER_SLASH = re.compile(r"(?<=[^\W\d_]/)(?=[^\W\d_])")


def wrap(text: str, avail: float, m: _Metrics, *, bold: bool = False, hyphen: str = "") -> list[str]:
    """`text` cut into lines of at most `avail` em, greedily and without hyphenation; a word
    wider than the cell is cut where it reaches the edge (ending with `hyphen`). The widths are the glyph advances
    without kerning, never narrower than Typst sets them, so Typst keeps every line whole."""
    lines: list[str] = []
    for para in text.split("\n"):
        line, used = "", 0.0
        for word in para.split():
            for i, piece in enumerate(_BREAK_AFTER_SLASH.split(word)):
                w = m.width(piece, bold=bold)
                gap = m.space if (i == 0 and line) else 0.0
                if line and used + gap + w <= avail:
                    line += (" " if gap else "") + piece
                    used += gap + w
                    continue
                if line:
                    lines.append(line)
                line, used = "", 0.0
                while w > avail and len(piece) > 1:
                    room = avail - m.width(hyphen, bold=bold)
                    cut, width = 1, m.width(piece[0], bold=bold)
                    while cut < len(piece) - 1 and width + m.width(piece[cut], bold=bold) <= room:
                        width += m.width(piece[cut], bold=bold)
                        cut += 1
                    lines.append(piece[:cut] + hyphen)
                    piece = piece[cut:]
                    w = m.width(piece, bold=bold)
                line, used = piece, w
        lines.append(line)
    return lines or [""]


def column_widths_mm(weights: list[float]) -> list[float]:
    """The official relative widths as millimetres of the printable width (fixed widths: Typst
    sizes nothing automatically)."""
    usable = LAYOUT["page_width"] - 2 * LAYOUT["margin_x"]
    total = sum(weights)
    return [round(usable * w / total, 3) for w in weights]


def paginate(labels: list[str], widths_mm: list[float], rows: list[list[str]]) -> list[dict[str, Any]]:
    """The body of each page: per column one text (the cells' lines, each row padded to the
    row's line count), the rules between rows in points from the top of the body, and the
    body's height in points.

    Every line of the body has the same pitch (cap height + leading), so a row of n lines is n
    pitches tall and the columns line up without a table cell per value — 70,000 cells cost
    Typst ~5 s of CPU, 14 texts per page a fraction of it."""
    m = _metrics()
    size, inset = LAYOUT["size"], LAYOUT["inset"]
    pitch = (m.cap + LAYOUT["body_leading"]) * size
    avail = [(w * MM - 2 * inset - 0.5) / size for w in widths_mm]  # em
    label_lines = max(
        len(wrap(label, a, m, bold=True, hyphen="-")) for label, a in zip(labels, avail, strict=True)
    )
    head = label_lines * m.cap * size + (label_lines - 1) * LAYOUT["leading"] * size + 2 * inset
    head += m.cap * LAYOUT["number_size"] + 2 * inset
    body = (LAYOUT["page_height"] - LAYOUT["margin_top"] - LAYOUT["margin_bottom"]) * MM * SAFETY - head
    cache: list[dict[str, list[str]]] = [{} for _ in widths_mm]
    pages: list[dict[str, Any]] = []
    columns: list[list[str]] = [[] for _ in widths_mm]
    rules: list[float] = []
    room, y = body - FIRST_PAGE_RESERVE_MM * MM, 0.0

    def close() -> None:
        pages.append(
            {
                "columns": ["\n".join(c) for c in columns],
                "rules": [round(r, 3) for r in rules],
                "height": round(y, 3),
            }
        )

    for row in rows:
        cells = []
        for j, value in enumerate(row):
            lines = cache[j].get(value)
            if lines is None:
                lines = cache[j][value] = wrap(value, avail[j], m, hyphen="-")
            cells.append(lines)
        n = max(len(c) for c in cells)
        h = n * pitch
        if y and h > room:
            close()
            columns, rules = [[] for _ in widths_mm], []
            room, y = body, 0.0
        if y:
            rules.append(y)
        for col, lines in zip(columns, cells, strict=True):
            # An empty line has a line's height in Typst too (and costs no shaping).
            col.extend(lines)
            col.extend([""] * (n - len(lines)))
        y += h
        room -= h
    if y:
        close()
    return pages


def header_labels(columns: list[dict[str, Any]], widths_mm: list[float]) -> list[str]:
    """The column heads, a word too long for its column ("Kewarganegaraan") cut with a hyphen
    (Typst has no Indonesian hyphenation patterns)."""
    m = _metrics()
    size = LAYOUT["size"]
    return [
        "\n".join(wrap(c["label"], (w * MM - 2 * LAYOUT["inset"] - 0.5) / size, m, bold=True, hyphen="-"))
        for c, w in zip(columns, widths_mm, strict=True)
    ]


def render_book(content: dict[str, Any]) -> bytes:
    """`content`: code, title, subtitle, columns [{label, width}], rows [[str]], empty,
    place_date, signer_position, signer_name."""
    global _compiler
    columns = content["columns"]
    with _lock:
        widths = column_widths_mm([c["width"] for c in columns])
        pages = paginate([c["label"] for c in columns], widths, content["rows"])
        data = {k: v for k, v in content.items() if k != "rows"}
        data.update(layout=LAYOUT, widths=widths, pages=pages, labels=header_labels(columns, widths))
        if _compiler is None:
            _compiler = typst.Compiler(input=TYPST_DIR / "book.typ", root=TYPST_DIR, ignore_system_fonts=True)
        out = _compiler.compile(format="pdf", sys_inputs={"data": json.dumps(data)}, timestamp=_EPOCH)
    if isinstance(out, list):
        out = out[0]
    assert isinstance(out, bytes)
    return out
