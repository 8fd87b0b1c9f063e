"""Reading uploaded spreadsheets (xlsx, csv) without trusting them: the one reader of every
import.

A spreadsheet is a zip of XML, and readers build a dense grid of a sheet's used range: a
1.9 KB xlsx with one value at A1 and one at XFD1048576 asks for 512 GB, and the process
that reads it aborts with every request it serves. So a file is read in two steps:

1. Here, in the caller's process, building nothing: the zip's directory (number of parts,
   declared sizes, how much each part inflates), the workbook's sheets, the shared-string
   count, and for each sheet to be read its declared `<dimension>` and the real extent of
   its rows and columns, streamed through `zipfile` in chunks (which also checks each
   part's CRC and declared size). A file over a limit is refused with a message naming
   the limit and the sheet, usually at its first chunk. Once that first chunk has passed,
   step 2 starts beside the rest of the scan, and no row is read before the scan ends
   (read in pieces, no row is handed on before the scan has passed it).
2. In a child process (`python -m balai.core.spreadsheets`, no Django) with an
   address-space limit (RLIMIT_AS) and a time limit: python-calamine loads the sheet and
   the rows come back in pickled chunks, unpickled with only plain values allowed (a large
   sheet may be loaded in pieces, a few MB of its XML at a time, so that rows come while the
   rest is read: `Workbook.rows(pieces=True)`). What step 1 cannot see (a cell whose
   reference disagrees with its row, say) costs the child, never the caller: an
   allocation over the limit ends the child, and the caller reports a refused file.

Limits come from `settings.BALAI_SPREADSHEET_LIMITS` (see `Limits`). Only .xlsx, and .csv
where the caller accepts it, are read: .xls, .xlsb and .ods are refused with a message
asking for .xlsx. Messages are Bahasa Indonesia; the child sends codes worded here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import itertools
import json
import os
import pickle
import re
import resource
import struct
import subprocess
import sys
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any
from xml.etree import ElementTree

# --- Limits and refusals ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Limits:
    rows: int = 200_000  # rows of data, below one header row
    columns: int = 100  # highest column of a sheet (100 = CV)
    cells: int = 10_000_000  # rows x columns of a sheet's used range: what a reader allocates
    shared_strings: int = 2_000_000
    uncompressed_bytes: int = 1024**3  # all parts of the package, inflated
    parts: int = 1000  # entries of the zip
    ratio: int = 200  # how many times a part over 1 MiB may inflate (sheet XML: 5-20 times)
    formula_cells: int = 1_000_000
    memory_bytes: int = 2 * 1024**3  # address space of the child that parses
    seconds: int = 300  # wall time of the child


def limits(**overrides: int) -> Limits:
    """The deployment's limits (`settings.BALAI_SPREADSHEET_LIMITS`), with `overrides`."""
    from django.conf import settings

    configured = dict(getattr(settings, "BALAI_SPREADSHEET_LIMITS", {}))
    return Limits(**(configured | overrides))


class Refused(Exception):
    """The file is not read: `message` says why, in Bahasa Indonesia, for the operator."""

    def __init__(self, message: str, *, code: str, sheet: str | None = None) -> None:
        super().__init__(message)
        self.message, self.code, self.sheet = message, code, sheet


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _size(value: int) -> str:
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if value >= factor:
            return f"{value / factor:.1f}".replace(".0", "").replace(".", ",") + " " + unit
    return f"{value} byte"


def _where(sheet: str | None) -> str:
    from django.utils.translation import gettext as _

    if sheet is None:
        return _("Berkas")
    return _("Lembar '%(sheet)s'") % {"sheet": sheet}


def _messages() -> dict[str, str]:
    from django.utils.translation import gettext as _

    fix = " " + _("Hapus baris dan kolom kosong di luar data, lalu simpan ulang berkasnya.")
    return {
        "empty": _("Berkas kosong."),
        "not_spreadsheet": _("Berkas bukan spreadsheet xlsx; simpan ulang sebagai .xlsx."),
        "not_xlsx_zip": _("Berkas zip ini bukan spreadsheet xlsx."),
        "xls": _("Berkas .xls (Excel 97–2003) tidak dibaca; simpan ulang sebagai .xlsx."),
        "xlsb": _("Berkas .xlsb (Excel biner) tidak dibaca; simpan ulang sebagai .xlsx."),
        "ods": _("Berkas .ods (LibreOffice/OpenOffice) tidak dibaca; simpan ulang sebagai .xlsx."),
        "broken": _("Berkas xlsx rusak dan tidak dapat dibuka."),
        "parts": _("Berkas terdiri dari %(n)s bagian; paling banyak %(max)s. Berkas ditolak."),
        "uncompressed": _("Isi berkas %(size)s setelah dibuka; paling besar %(max)s. Berkas ditolak."),
        "ratio": _(
            "%(where)s memuai %(ratio)s kali lipat saat dibuka (paling banyak %(max)s kali): "
            "berkas ditolak sebagai bom zip."
        ),
        "dtd": _("%(where)s berisi deklarasi DTD, yang tidak dipakai spreadsheet: berkas ditolak."),
        "shared_strings": _(
            "Berkas berisi %(n)s teks bersama (shared strings); paling banyak %(max)s. Berkas ditolak."
        ),
        "rows": _("%(where)s berisi baris ke-%(n)s; paling banyak %(max)s baris data di bawah baris judul.")
        + fix,
        "columns": _("%(where)s berisi kolom %(letter)s (kolom ke-%(n)s); paling banyak %(max)s kolom.")
        + fix,
        "cells": _(
            "%(where)s mencakup %(n)s sel (%(rows)s baris × %(cols)s kolom); paling banyak %(max)s sel."
        )
        + fix,
        "formulas": _("%(where)s berisi lebih dari %(max)s sel rumus (formula). Berkas ditolak."),
        "no_sheet": _("%(where)s tidak ada di berkas."),
        "memory": _(
            "%(where)s butuh memori melebihi batas %(max)s saat dibaca: berkas ditolak. "
            "Bagi datanya ke beberapa berkas yang lebih kecil."
        ),
        "time": _("%(where)s tidak selesai dibaca dalam batas waktu %(max)s detik: berkas ditolak."),
        "unreadable": _("%(where)s tidak dapat dibaca (%(detail)s)."),
        "order": _(
            "%(where)s: baris-barisnya tidak berurutan (sekitar baris %(row)s). Buka berkasnya di Excel "
            "atau LibreOffice lalu simpan ulang sebagai .xlsx."
        ),
        "csv_encoding": _("Berkas CSV harus berenkode UTF-8."),
        "csv_broken": _("Berkas CSV tidak dapat dibaca di baris %(row)s (%(detail)s)."),
    }


def refusal(code: str, sheet: str | None = None, *, where: str | None = None, **params: Any) -> Refused:
    """A refusal worded for the operator; `where` replaces "Lembar '<sheet>'" in it."""
    values: dict[str, Any] = {"where": where or _where(sheet)}
    for key, value in params.items():
        values[key] = _n(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if code in ("uncompressed", "memory"):
        values["max"] = _size(params["max"])
    if code == "uncompressed":
        values["size"] = _size(params["size"])
    texts = _messages()
    text = texts.get(code, texts["unreadable"])
    if code not in texts:
        values.setdefault("detail", code)
    return Refused(text % values, code=code, sheet=sheet)


# --- Cell references -------------------------------------------------------------------------


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str | bytes) -> int:
    """A -> 0: the inverse of `column_letter`."""
    text = letters.decode() if isinstance(letters, bytes) else letters
    n = 0
    for ch in text:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _letters_above(index: int) -> str:
    """A regex of the column letters after column `index`: longer, or as long and greater
    place by place ("AQ" -> [A-Z]{3,} | [B-Z][A-Z] | A[R-Z])."""
    text = column_letter(index)
    alternatives = [f"[A-Z]{{{len(text) + 1},}}"]
    for i, ch in enumerate(text):
        if ch != "Z":
            rest = len(text) - i - 1
            alternatives.append(text[:i] + f"[{chr(ord(ch) + 1)}-Z]" + (f"[A-Z]{{{rest}}}" if rest else ""))
    return "(?:" + "|".join(alternatives) + ")"


# --- The package -----------------------------------------------------------------------------

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CHUNK = 4 * 1024 * 1024
_SMALL_PART = 1024 * 1024  # parts this small may compress as well as they like
_XML_PART_MAX = 16 * 1024 * 1024  # workbook.xml and its relationships are parsed whole


@dataclasses.dataclass
class Sheet:
    """What the scan found in one sheet: its extent (1-based highest row and column of any
    reference) and its formula cells as (row, 0-based column)."""

    name: str
    rows: int = 0
    columns: int = 0
    formula_cells: list[tuple[int, int]] = dataclasses.field(default_factory=list)


def _check_directory(fh: IO[bytes], size: int, limit: Limits) -> None:
    """The zip's end record, read before `zipfile` builds an object per entry: a directory of
    millions of entries is refused while it is still a number."""
    tail_size = min(size, 65_536 + 22)
    fh.seek(size - tail_size)
    tail = fh.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        raise refusal("broken")
    entries, directory_size = struct.unpack("<HL", tail[at + 10 : at + 16])
    if entries > limit.parts or entries == 0xFFFF or directory_size > limit.parts * 1024:
        raise refusal("parts", n=entries, max=limit.parts)


def _detect(path: Path, *, csv: bool, limit: Limits) -> str:
    """'xlsx' or 'csv', from the content (never the name), or a refusal."""
    size = path.stat().st_size
    if size == 0:
        raise refusal("empty")
    with path.open("rb") as fh:
        head = fh.read(8)
        if head[:4] == b"PK\x03\x04":
            _check_directory(fh, size, limit)
            return "xlsx"
    if head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE2: Excel 97-2003
        raise refusal("xls")
    if head[:2] == b"PK" or not csv:
        raise refusal("not_spreadsheet")
    return "csv"


class _Package:
    """The checked zip of an xlsx: sheet name -> worksheet part, shared strings counted,
    every part but the worksheets inflated once (CRC and size checked)."""

    def __init__(self, path: Path, limit: Limits) -> None:
        self.limit = limit
        try:
            self.zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise refusal("broken")
        try:
            self._check()
        except BaseException:
            self.zf.close()
            raise

    def close(self) -> None:
        self.zf.close()

    def _check(self) -> None:
        limit = self.limit
        infos = self.zf.infolist()
        if len(infos) > limit.parts:
            raise refusal("parts", n=len(infos), max=limit.parts)
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names:
            raise refusal("ods" if "mimetype" in names or "content.xml" in names else "not_xlsx_zip")
        if "xl/workbook.xml" not in names:
            raise refusal("xlsb" if "xl/workbook.bin" in names else "not_xlsx_zip")
        self.sheets = self._sheet_parts()
        self.sheet_of_part = {part: name for name, part in self.sheets.items()}
        for info in infos:
            ratio = info.file_size // max(info.compress_size, 1)
            if info.file_size > _SMALL_PART and ratio > limit.ratio:
                raise refusal(
                    "ratio",
                    self.sheet_of_part.get(info.filename),
                    where=self._label(info.filename),
                    ratio=ratio,
                    max=limit.ratio,
                )
        total = sum(info.file_size for info in infos)
        if total > limit.uncompressed_bytes:
            raise refusal("uncompressed", size=total, max=limit.uncompressed_bytes)
        self.shared_strings = 0
        for info in infos:
            if info.filename in self.sheet_of_part or info.is_dir():
                continue  # worksheets are scanned when (and if) they are read
            if info.filename.lower().endswith("sharedstrings.xml"):
                self.shared_strings += self._count_shared_strings(info)
            else:
                for _chunk in self._chunks(info):
                    pass

    def _label(self, part: str) -> str:
        from django.utils.translation import gettext as _

        if part in self.sheet_of_part:
            return _where(self.sheet_of_part[part])
        if part.lower().endswith("sharedstrings.xml"):
            return _("Tabel teks bersama (shared strings)")
        return _("Bagian '%(part)s'") % {"part": part[:80]}

    def _chunks(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """The part inflated chunk by chunk, each cut after a '>' so that no tag is split.
        zipfile stops at the declared size and checks the CRC at the end. A DTD may only
        stand in the prolog, so the first chunk is where one is refused."""
        tail = b""
        first = True
        try:
            with self.zf.open(info) as fh:
                while True:
                    chunk = fh.read(_CHUNK)
                    buf = tail + chunk if tail else chunk
                    if first and (b"<!DOCTYPE" in buf or b"<!ENTITY" in buf):
                        raise refusal(
                            "dtd", self.sheet_of_part.get(info.filename), where=self._label(info.filename)
                        )
                    first = False
                    if not chunk:
                        if buf:
                            yield buf
                        return
                    cut = buf.rfind(b">") + 1
                    if cut == 0 and len(buf) < 4 * _CHUNK:
                        tail = buf
                        continue
                    cut = cut or len(buf)
                    yield buf[:cut] if cut < len(buf) else buf
                    tail = buf[cut:]
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError):
            raise refusal("broken")

    def _read_xml(self, name: str) -> ElementTree.Element:
        info = self.zf.getinfo(name)
        if info.file_size > _XML_PART_MAX:
            raise refusal("unreadable", detail=name)
        data = b"".join(self._chunks(info))
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise refusal("dtd", where=self._label(name))
        try:
            return ElementTree.fromstring(data)
        except ElementTree.ParseError:
            raise refusal("broken")

    def _sheet_parts(self) -> dict[str, str]:
        """Sheet name -> its worksheet part, in the workbook's order."""
        self.sheet_of_part = {}
        book = self._read_xml("xl/workbook.xml")
        targets: dict[str | None, str] = {}
        if "xl/_rels/workbook.xml.rels" in self.zf.NameToInfo:
            for rel in self._read_xml("xl/_rels/workbook.xml.rels"):
                target = rel.get("Target", "")
                target = target.lstrip("/") if target.startswith("/") else "xl/" + target
                targets[rel.get("Id")] = os.path.normpath(target).replace(os.sep, "/")
        parts: dict[str, str] = {}
        for sheet in book.iter(f"{{{_MAIN_NS}}}sheet"):
            rid = sheet.get(f"{{{_REL_NS}}}id")
            if rid in targets:
                parts[sheet.get("name", "")] = targets[rid]
        return parts

    def _count_shared_strings(self, info: zipfile.ZipInfo) -> int:
        count = 0
        tags: tuple[bytes, bytes] | None = None
        for buf in self._chunks(info):
            if tags is None:
                m = re.search(rb"<(\w+:)?sst[\s>]", buf)
                prefix = (m.group(1) or b"") if m else b""
                tags = (b"<" + prefix + b"si>", b"<" + prefix + b"si ")
            count += buf.count(tags[0]) + buf.count(tags[1])
            if count > self.limit.shared_strings:
                raise refusal("shared_strings", n=count, max=self.limit.shared_strings)
        return count

    def scan(
        self,
        name: str,
        *,
        after_first_chunk: Callable[[], None] | None = None,
        scanner: _SheetScan | None = None,
        passed: Callable[[int, int], None] | None = None,
    ) -> Sheet:
        """The sheet's scan; `after_first_chunk` is called once its first chunk has passed
        (the declared dimension and, for a small sheet, every cell); `passed` as in
        `_SheetScan.run`."""
        part = self.sheets.get(name)
        if part is None or part not in self.zf.NameToInfo:
            raise refusal("no_sheet", name)
        chunks = self._chunks(self.zf.getinfo(part))
        if after_first_chunk is not None:
            chunks = _calling_after_first(chunks, after_first_chunk)
        return (scanner or _SheetScan(name, self.limit)).run(chunks, passed)


def _calling_after_first(chunks: Iterator[bytes], callback: Callable[[], None]) -> Iterator[bytes]:
    for i, chunk in enumerate(chunks):
        yield chunk
        if i == 0:
            callback()  # the scan asks for the next chunk: the first one passed


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="(?:[A-Z]{1,3}\d+:)?([A-Z]{1,3})(\d+)"')
_CELL_REF = re.compile(rb'\sr="([A-Z]{1,3})(\d+)"')


class _SheetScan:
    """One pass over a worksheet's XML: its extent and formula cells, checked against the
    limits chunk by chunk, so an oversized sheet is refused at its first chunk.

    The fast path reads the row numbers with one regex and, in cell tags, looks only for
    what matters: a tag that does not begin with its r attribute, or a column after the
    highest so far (a regex recompiled only when that grows). Excel, LibreOffice, openpyxl
    and xlsxwriter write r first; a chunk where a tag lacks it is read tag by tag instead.
    """

    _TAG = re.compile(rb"<(?:\w+:)?(row|c|f)\b([^>]*)>")
    _R = re.compile(rb'\br="(?:([A-Z]{1,3})(\d+)|(\d+))"')

    def __init__(self, name: str, limit: Limits) -> None:
        self.sheet = Sheet(name)
        self.limit = limit
        self.row = 0  # the row being read, tag by tag
        self.col = -1
        self.cell: tuple[int, int] | None = None  # the last cell seen, for a formula tag after it
        self.last_cell_tag = b""
        self.declared_rows = 0  # by the sheet's <dimension>, when it has one
        # Rows already handed on while the scan goes on (see `_BesideRows`): a formula found
        # in one of them came too late, and the sheet is refused.
        self.handed_on = 0
        self.lock = threading.Lock()

    def run(self, chunks: Iterator[bytes], passed: Callable[[int, int], None] | None = None) -> Sheet:
        """`passed(rows, size)` after each chunk: the rows wholly scanned so far (every row
        before the last row tag seen) and the bytes of XML read."""
        size = 0
        for i, buf in enumerate(chunks):
            if i == 0:
                self._head(buf)
            self._chunk(buf)
            size += len(buf)
            if passed is not None:
                passed(self.row - 1, size)
        self._check(rows=self.sheet.rows, columns=self.sheet.columns)
        return self.sheet

    def _head(self, buf: bytes) -> None:
        m = re.search(rb"<(\w+:)?worksheet[\s>]", buf)
        p = re.escape((m.group(1) or b"") if m else b"")
        self.t_cell = b"<" + ((m.group(1) or b"") if m else b"") + b"c "
        self.t_formula = b"<" + ((m.group(1) or b"") if m else b"") + b"f"
        # Every row tag, with its number when r comes first ("" otherwise).
        self._row_tags = re.compile(b"<" + p + rb'row(?=[\s>/])(?:\s+r="(\d+)")?')
        self._cell_prefix = b"<" + p + b"c"
        self._formula_tag = re.compile(re.escape(self.t_formula) + rb"[\s>/]")
        self._set_column_search()
        dim = _DIMENSION.search(buf, 0, 65536)
        if dim:
            from django.utils.translation import gettext as _

            ref = dim.group(0).split(b'"')[1].decode()
            where = _("Lembar '%(sheet)s' (ukuran yang dinyatakan berkas: %(ref)s)") % {
                "sheet": self.sheet.name,
                "ref": ref,
            }
            self._check(rows=int(dim.group(2)), columns=column_index(dim.group(1)) + 1, where=where)
            self.declared_rows = int(dim.group(2))

    def _set_column_search(self) -> None:
        """One regex for what the fast path looks for in cell tags: a tag that does not start
        with r (group 1 unset), or a column after the highest so far (group 1)."""
        letters = _letters_above(self.sheet.columns - 1) if self.sheet.columns else "[A-Z]+"
        self._cell_search = re.compile(
            self._cell_prefix + rb'(?:\s+r="(' + letters.encode() + rb')\d|>|/|\s+(?!r="))'
        )

    def _check(self, *, rows: int, columns: int, where: str | None = None) -> None:
        limit, name = self.limit, self.sheet.name
        if columns > limit.columns:
            raise refusal(
                "columns", name, where=where, letter=column_letter(columns - 1), n=columns, max=limit.columns
            )
        if rows > limit.rows + 1:
            raise refusal("rows", name, where=where, n=rows, max=limit.rows)
        if rows * columns > limit.cells:
            raise refusal(
                "cells", name, where=where, n=rows * columns, rows=rows, cols=columns, max=limit.cells
            )

    def _chunk(self, buf: bytes) -> None:
        row_refs = self._row_tags.findall(buf)
        if b"" in row_refs:
            self._chunk_by_tags(buf)
            return
        s = self.sheet
        at = 0
        while m := self._cell_search.search(buf, at):
            if m.group(1) is None:
                self._chunk_by_tags(buf)
                return
            s.columns = max(s.columns, column_index(m.group(1)) + 1)
            if s.columns > self.limit.columns:
                break
            self._set_column_search()
            at = m.end()
        if row_refs:
            s.rows = max(s.rows, max(map(int, row_refs)))
            self.row = int(row_refs[-1])
        if self.t_formula in buf:
            self._formulas(buf)
        last = buf.rfind(self.t_cell)
        if last >= 0:
            self.last_cell_tag = buf[last : buf.find(b">", last) + 1]
        self._check(rows=s.rows, columns=s.columns)

    def _formulas(self, buf: bytes) -> None:
        for m in self._formula_tag.finditer(buf):
            start = buf.rfind(self.t_cell, 0, m.start())
            tag = buf[start : buf.find(b">", start) + 1] if start >= 0 else self.last_cell_tag
            ref = _CELL_REF.search(tag)
            if ref is not None:
                self._formula(int(ref.group(2)), column_index(ref.group(1)))

    def _formula(self, row: int, col: int) -> None:
        cells = self.sheet.formula_cells
        if len(cells) >= self.limit.formula_cells:
            raise refusal("formulas", self.sheet.name, max=self.limit.formula_cells)
        with self.lock:
            if row <= self.handed_on:
                # A cell referring to a row far above its own: the rows come out of order.
                raise refusal("order", self.sheet.name, row=row)
            cells.append((row, col))

    def _chunk_by_tags(self, buf: bytes) -> None:
        """Tag by tag, with the reader's rules: a row or cell without r follows the previous one."""
        s = self.sheet
        for m in self._TAG.finditer(buf):
            tag, attrs = m.group(1), m.group(2)
            r = self._R.search(attrs)
            if tag == b"row":
                self.row = int(r.group(3)) if r and r.group(3) else self.row + 1
                self.col = -1
                s.rows = max(s.rows, self.row)
            elif tag == b"c":
                row = self.row
                if r and r.group(1):
                    self.col, row = column_index(r.group(1)), int(r.group(2))
                    s.rows = max(s.rows, row)
                else:
                    self.col += 1
                s.columns = max(s.columns, self.col + 1)
                self.cell = (row, self.col)
            elif self.cell is not None:
                self._formula(*self.cell)
        self._set_column_search()
        self._check(rows=s.rows, columns=s.columns)


# --- Reading: the workbook and its child --------------------------------------------------


class Workbook:
    """An uploaded spreadsheet whose package passed the checks; sheets are scanned and read
    on demand. Use as a context manager (or call `close`)."""

    def __init__(self, path: Path, *, kind: str, limit: Limits) -> None:
        self.path, self.kind, self.limit = path, kind, limit
        self._package = _Package(path, limit) if kind == "xlsx" else None
        self._scanned: dict[str, Sheet] = {}
        self._streams: list[Rows] = []
        self.temporary: Path | None = None  # a copy of uploaded bytes, removed on close

    @property
    def sheet_names(self) -> list[str]:
        """In the workbook's order; a CSV file is one sheet named ""."""
        return list(self._package.sheets) if self._package is not None else [""]

    def sheet_named(self, wanted: str) -> str | None:
        """The sheet whose name is `wanted`, ignoring case and surrounding spaces."""
        return next((n for n in self.sheet_names if n.strip().lower() == wanted.strip().lower()), None)

    def sheet(self, name: str, *, after_first_chunk: Callable[[], None] | None = None) -> Sheet:
        """The sheet's extent and formula cells, scanned once; refused when over a limit."""
        if name not in self._scanned:
            if self._package is None:
                self._scanned[name] = Sheet(name)
            else:
                self._scanned[name] = self._package.scan(name, after_first_chunk=after_first_chunk)
        return self._scanned[name]

    def rows(
        self, name: str, *, max_rows: int | None = None, from_a1: bool = False, pieces: bool = False
    ) -> Rows:
        """The sheet's rows, read by a child process, as lists of cell values (str, float,
        int, bool, date/datetime/time/timedelta; "" for an empty cell), each as wide as the
        sheet's used range, which starts at `Rows.start`; with `from_a1`, from cell A1
        (leading empty rows and columns included), so list positions are sheet positions.

        With `pieces` (all rows: no `max_rows`), a large xlsx sheet is loaded a few megabytes
        of XML at a time, and its first rows come while the rest is still being read (the
        whole of a 100,000-row sheet takes the reader about two seconds before its first
        row). Rows then start at column A (`Rows.start` is (first row, 0)) and may be
        shorter than the widest; `Rows.height` is the scan's (an estimate until the rows are
        exhausted). A sheet whose rows are out of order is refused, as Excel refuses it. The
        scan goes on beside the rows: a row is handed on once the scan has passed it, so
        `Rows.scanned` holds its formula cells, and a refusal further into the scan ends the
        rows with it (see `_rows_beside_scan`).

        The child starts once the scan's first chunk has passed and loads the sheet while
        the scan goes on (at 100,000 rows the scan and the load each take about a second);
        without `pieces`, a refusal further into the scan ends it before a row is read. A
        file refused at its first chunk (most oversized files, and every small one) never
        starts it."""
        streams: list[Rows] = []

        if pieces and max_rows is not None:
            raise ValueError("pieces reads every row")
        part = self._package.sheets.get(name) if pieces and self._package is not None else None
        if part is not None and name not in self._scanned:
            return self._rows_beside_scan(name, part)

        def start() -> None:
            streams.append(Rows(self, name, max_rows=max_rows, from_a1=from_a1, part=part))
            self._streams.append(streams[0])

        try:
            self.sheet(name, after_first_chunk=start)
            if not streams:
                start()
            streams[0].begin()
        except BaseException:
            for stream in streams:
                stream.close()
            raise
        return streams[0]

    def _rows_beside_scan(self, name: str, part: str) -> Rows:
        """`rows(pieces=True)` of a sheet not scanned yet: the scan goes on in a thread while
        rows are read, and a row is handed on once the scan has passed it (so its formula
        cells are known); a refusal the scan finds later ends the rows with it. The scan of a
        100,000-row sheet takes about a second, the time the first row waited for it."""
        assert self._package is not None
        scan = _BesideScan(self._package, name)
        stream: Rows | None = None
        try:
            scan.wait_first_chunk()
            stream = Rows(self, name, max_rows=None, part=part, scan=scan)
            self._streams.append(stream)
            stream.begin()
        except BaseException:
            if stream is not None:
                stream.close()
            scan.stop()
            raise
        return stream

    def table(self, name: str, *, max_rows: int | None = None, from_a1: bool = False) -> list[list[Any]]:
        """All the sheet's rows (at most `max_rows`) as a list."""
        with self.rows(name, max_rows=max_rows, from_a1=from_a1) as stream:
            return list(stream)

    def close(self) -> None:
        for stream in self._streams:
            stream.close()
        if self._package is not None:
            self._package.close()
        if self.temporary is not None:
            self.temporary.unlink(missing_ok=True)

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_workbook(
    source: str | os.PathLike[str] | bytes, *, limit: Limits | None = None, csv: bool = False
) -> Workbook:
    """Check an uploaded file (see the module's docstring) and open it for reading.

    Raises `Refused` for a file that is not read. Bytes are written to a temporary file,
    removed on `close` (or at once when refused). `csv=True` accepts a CSV file (UTF-8,
    delimiter , ; or tab) as a workbook of one sheet named "".
    """
    limit = limit or limits()
    temporary: Path | None = None
    if isinstance(source, bytes):
        fd, name = tempfile.mkstemp(prefix="balai-upload-", suffix=".bin")
        with os.fdopen(fd, "wb") as fh:
            fh.write(source)
        temporary = path = Path(name)
    else:
        path = Path(source)
    try:
        book = Workbook(path, kind=_detect(path, csv=csv, limit=limit), limit=limit)
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise
    book.temporary = temporary
    return book


_PROJECT_ROOT = Path(__file__).resolve().parents[2]
_FRAME = struct.Struct(">cI")
# pickle's opcodes for True and False (protocol 2 and up): a frame without either byte holds no
# boolean cell, told by one scan in C. A reader that remembers converted values by value must
# know, as a dict key TRUE is 1 (people.opensid).
_TRUE, _FALSE = pickle.NEWTRUE, pickle.NEWFALSE
_ROWS_PER_FRAME = 2000
# Sheet XML per piece when read in pieces (see `Workbook.rows`): about 3,000 OpenSID rows. A
# piece repeats the package's shared strings, so with many of those pieces grow (see the child).
PIECE_BYTES = 4 * 1024 * 1024


class _Unpickler(pickle.Unpickler):
    """Only plain values and datetime types come back from the child."""

    _ALLOWED = frozenset({"date", "datetime", "time", "timedelta"})

    def find_class(self, module: str, name: str) -> Any:
        if module == "datetime" and name in self._ALLOWED:
            return getattr(dt, name)
        raise pickle.UnpicklingError(f"{module}.{name}")


def _child_env() -> dict[str, str]:
    # The child needs no secrets: not the database URL, not the keys.
    keep = ("PATH", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV", "TMPDIR", "SYSTEMROOT")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env["RUST_BACKTRACE"] = "0"
    return env


class Rows:
    """The rows of one sheet as they arrive from the child process; iterate once.

    `start` (0-based row and column of the used range's top-left cell), `height` and
    `width` are known once the child has loaded the sheet, before the first row.
    """

    def __init__(
        self,
        book: Workbook,
        name: str,
        *,
        max_rows: int | None,
        from_a1: bool = False,
        part: str | None = None,
        scan: _BesideScan | None = None,
    ) -> None:
        self.book, self.name, self.limit = book, name, book.limit
        self.from_a1, self.max_rows = from_a1, max_rows
        self.start: tuple[int, int] = (0, 0)
        self._height = self.width = 0
        self._scan = scan
        self._timed_out = threading.Event()
        request = {
            "path": str(book.path),
            "kind": book.kind,
            "sheet": name,
            "max_rows": max_rows,
            "memory_bytes": self.limit.memory_bytes,
            "seconds": self.limit.seconds,
            "rows": self.limit.rows + 1,  # the highest row number: data and a header
            "columns": self.limit.columns,
            "cells": self.limit.cells,
            "part": part,  # read in pieces: the sheet's part of the package
            "piece_bytes": PIECE_BYTES,
        }
        self._proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            # A CSV child needs only the standard library: without `site` (-S) it starts in
            # about half the time (the Siskeudes import reads a dozen CSVs, one child each).
            [sys.executable, *(["-S"] if book.kind == "csv" else []), "-m", "balai.core.spreadsheets"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            env=_child_env(),
            # `-m` finds the balai package from here, however the server was started.
            cwd=_PROJECT_ROOT,
        )
        self._timer = threading.Timer(self.limit.seconds, self._time_out)
        self._timer.daemon = True
        self._timer.start()
        assert self._proc.stdin is not None
        assert self._proc.stdout is not None
        self._out = self._proc.stdout
        try:
            self._proc.stdin.write(json.dumps(request).encode())
            self._proc.stdin.close()
        except BrokenPipeError:
            pass
        self._pending: list[list[Any]] = []
        self._done = False
        # A boolean cell among the rows handed on so far (see `_next_frame`).
        self.booleans = False

    def begin(self) -> None:
        """Wait for the child to have loaded the sheet: its extent, before the first row."""
        meta = self._next_frame()
        if meta is None:
            raise self._failure()
        self.start, self._height, self.width = tuple(meta["start"]), meta["height"], meta["width"]

    @property
    def height(self) -> int:
        """The number of rows; while a sheet read in pieces is still being scanned, an
        estimate (its declared dimension, else its rows so far in proportion to its size)."""
        if self._height is not None:
            return self._height
        if self._scan is not None:
            return max(0, self._scan.rows_estimate() - self.start[0])
        return max(0, self.book.sheet(self.name).rows - self.start[0])  # read in pieces

    @property
    def scanned(self) -> Sheet:
        """What the scan found: complete once the rows are exhausted (before, with a scan
        beside the rows, the formula cells of every row handed on so far)."""
        return self._scan.sheet if self._scan is not None else self.book.sheet(self.name)

    def _time_out(self) -> None:
        self._timed_out.set()
        self._kill()

    def _kill(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()

    def _read(self, size: int) -> bytes:
        data = self._out.read(size)
        return data if len(data) == size else b""

    def _next_frame(self) -> Any:
        """The next message of the child: a dict (meta or error) or a list of rows; None when
        the child ended without a word."""
        head = self._read(_FRAME.size)
        if not head:
            return None
        kind, length = _FRAME.unpack(head)
        payload = self._read(length)
        if len(payload) != length:
            return None
        try:
            value = _Unpickler(io.BytesIO(payload)).load()
        except Exception:
            self._kill()
            raise refusal("unreadable", self.name, where=_where(self.name), detail="protokol")
        if kind == b"E":
            self._finish()
            raise refusal(value["code"], self.name, **value.get("params", {}))
        if kind == b"D":
            self._done = True
            self._finish()
            return None
        if kind == b"R" and not self.booleans and (_TRUE in payload or _FALSE in payload):
            # The opcodes' bytes also occur in text (UTF-8) and lengths: the rows tell.
            self.booleans = any(type(v) is bool for row in value for v in row)
        return value

    def _failure(self) -> Refused:
        """Why the child ended without finishing: time, memory, or another death."""
        code = self._finish()
        if self._timed_out.is_set():
            return refusal("time", self.name, max=self.limit.seconds)
        # SIGABRT is how Rust ends on a failed allocation; SIGKILL, the kernel's OOM killer.
        if code in (-6, -9, 134, 137) or code == -11:
            return refusal("memory", self.name, max=self.limit.memory_bytes)
        return refusal("unreadable", self.name, detail=f"kode {code}")

    def _finish(self) -> int:
        self._timer.cancel()
        self._kill()
        code = self._proc.wait()
        self._out.close()
        return code

    def __iter__(self) -> Iterator[list[Any]]:
        top, left = self.start if self.from_a1 else (0, 0)
        count = 0
        for _ in range(top if self.max_rows is None else min(top, self.max_rows)):
            count += 1
            yield [""] * (left + self.width)
        scan = self._scan
        number = self.start[0]  # the sheet's row number (1-based) of the last row handed on
        allowed = 0  # rows the scan has passed
        while not self._done:
            frame = self._next_frame()
            if frame is None:
                if self._done:
                    break
                raise self._failure()
            for row in frame:
                if self.max_rows is not None and count >= self.max_rows:
                    self.close()
                    return
                count += 1
                if scan is not None:
                    number += 1
                    if number > allowed:
                        allowed = scan.wait_past(number)
                yield [""] * left + row if left else row
        if scan is not None:
            self._height = scan.finish(self.book) - self.start[0]

    def close(self) -> None:
        if self._proc.returncode is None:
            self._finish()
        if self._scan is not None:
            self._scan.stop()

    def __enter__(self) -> Rows:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


# How many chunks of rows the scan beside the rows may be ahead of them.
_SCAN_LEAD_CHUNKS = 2


class _Stopped(Exception):
    """The rows were closed before the scan beside them ended."""


class _BesideScan:
    """A sheet's scan in a thread of its own, beside the child reading the rows (see
    `Workbook._rows_beside_scan`). Inflating the XML (most of the scan's time) lets go of the
    GIL, so the scan takes little from the thread checking the rows."""

    def __init__(self, package: _Package, name: str) -> None:
        self.package, self.name = package, name
        self.scanner = _SheetScan(name, package.limit)
        self.sheet = self.scanner.sheet
        self.size = max(1, package.zf.getinfo(package.sheets[name]).file_size)
        self._changed = threading.Condition()
        self._through = self._read = self._chunks = 0
        self._asked = 0  # the row the rows last waited for
        self._first = self._ended = self._stop = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="balai-sheet-scan", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.package.scan(
                self.name, after_first_chunk=self._first_passed, scanner=self.scanner, passed=self._passed
            )
        except BaseException as exc:  # handed to the reading thread
            with self._changed:
                self._error = exc
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def _first_passed(self) -> None:
        with self._changed:
            self._first = True
            self._changed.notify_all()

    def _passed(self, through: int, size: int) -> None:
        with self._changed:
            self._through, self._read = through, size
            self._chunks += 1
            self._changed.notify_all()
            # Only a few chunks ahead of the rows: the scan's regular expressions hold the GIL,
            # and running ahead at the start they held back the first rows, which the import's
            # writer waits for; spread over the reading, they cost it nothing.
            lead = _SCAN_LEAD_CHUNKS * through // self._chunks
            self._changed.wait_for(lambda: self._stop or through <= self._asked + lead)
            if self._stop:
                raise _Stopped

    def wait_first_chunk(self) -> None:
        """Once the first chunk has passed; the scan's refusal if it came first."""
        with self._changed:
            self._changed.wait_for(lambda: self._first or self._ended)
            if self._error is not None:
                raise self._error

    def wait_past(self, row: int) -> int:
        """Once the scan has passed `row` (1-based): the rows it has passed (every row when it
        has ended), each then handed on; the scan's refusal if it found one."""
        with self._changed:
            self._asked = row
            self._changed.notify_all()
            self._changed.wait_for(lambda: self._through >= row or self._ended)
            if self._error is not None:
                raise self._error
            through = self._through if not self._ended else sys.maxsize
            with self.scanner.lock:
                self.scanner.handed_on = through
            return through

    def finish(self, book: Workbook) -> int:
        """The scan's end (its refusal, if any); the sheet's rows."""
        with self._changed:
            self._asked = sys.maxsize
            self._changed.notify_all()
        self._thread.join()
        if self._error is not None:
            raise self._error
        book._scanned[self.name] = self.sheet
        return self.sheet.rows

    def rows_estimate(self) -> int:
        if self._ended and self._error is None:
            return self.sheet.rows
        by_size = self._through * self.size // self._read if self._read else 0
        return max(self.scanner.declared_rows, by_size, self.sheet.rows)

    def stop(self) -> None:
        with self._changed:
            self._stop = True
            self._changed.notify_all()
        self._thread.join()


# --- The child ---------------------------------------------------------------------------------


def _send(out: IO[bytes], kind: bytes, value: Any) -> None:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_FRAME.pack(kind, len(payload)))
    out.write(payload)


def _child_limits(memory_bytes: int, seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds + 1, seconds + 2))
    # No core dump of personal data, and no file written.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def _child_xlsx(request: dict[str, Any], out: IO[bytes]) -> None:
    import python_calamine

    if request.get("part") and _child_xlsx_pieces(request, out):
        return
    book = python_calamine.CalamineWorkbook.from_path(request["path"])
    sheet = book.get_sheet_by_name(request["sheet"])
    start = sheet.start or (0, 0)
    height, width = sheet.height, sheet.width
    # The scan saw every reference; this catches what disagrees with it (a cell whose
    # reference does not match its row), before a single row is converted.
    if _over_limits(request, out, start=start, height=height, width=width):
        return
    # Asked for pieces but read whole (see `_child_xlsx_pieces`): the rows from column A all the same.
    left = start[1] if request.get("part") else 0
    _send(out, b"M", {"start": [start[0], start[1] - left], "height": height, "width": width + left})
    rows = sheet.iter_rows()
    # python-calamine 0.9 also yields the empty rows above the used range (not the columns
    # left of it); the range's own first row always holds a value, so only padding is skipped.
    first = next(rows, None)
    for _ in range(start[0]):
        if first is None or any(v != "" for v in first):
            break
        first = next(rows, None)
    if first is not None:
        rows = itertools.chain([first], rows)
    if left:
        pad = [""] * left
        rows = (pad + row for row in rows)
    _send_rows(rows, request.get("max_rows"), out)


def _over_limits(
    request: dict[str, Any], out: IO[bytes], *, start: tuple[int, int], height: int, width: int
) -> bool:
    """Sends the refusal and says so when a range the reader built is over a limit."""
    last_row, last_col = start[0] + height, start[1] + width
    for code, value, limit in (
        ("columns", last_col, request["columns"]),
        ("rows", last_row, request["rows"]),
        ("cells", height * width, request["cells"]),
    ):
        if value > limit:
            params = {"n": value, "max": limit - 1 if code == "rows" else limit}
            if code == "columns":
                params["letter"] = column_letter(value - 1)
            if code == "cells":
                params |= {"rows": height, "cols": width}
            _send(out, b"E", {"code": code, "params": params})
            return True
    return False


# Parts a piece leaves out: other sheets' content and what no cell value depends on.
_NOT_IN_PIECES = re.compile(
    r"xl/(?:worksheets|chartsheets|dialogsheets|macrosheets|media|drawings|charts|embeddings|"
    r"pivotCache|pivotTables|externalLinks|printerSettings|customXml)/",
    re.IGNORECASE,
)


class _OutOfOrder(Exception):
    def __init__(self, row: int) -> None:
        super().__init__(row)
        self.row = row


def _child_xlsx_pieces(request: dict[str, Any], out: IO[bytes]) -> bool:
    """The sheet read a piece at a time: its XML cut between rows into small worksheets, each
    loaded by python-calamine in a package of its own, so that rows are sent while the rest
    is still to be read (calamine loads a whole sheet before giving its first row).

    Each piece is the sheet's head (everything before its rows, but the declared dimension),
    some of its rows, and closing tags; the package around it keeps the workbook, styles,
    shared strings and other small parts, so every value reads as it would whole. Rows come
    from column A, each piece's at its place: a piece's rows must follow the last piece's
    and no cell may reach past its piece's last row, else the sheet is refused as out of
    order (a reader taking it whole would have put those cells further up).

    False, before anything is sent, when the sheet is read whole instead: a small sheet, or
    one whose first rows carry no row numbers (each piece would count from 1 again)."""
    import python_calamine

    with zipfile.ZipFile(request["path"]) as zf:
        part = request["part"]
        info = zf.getinfo(part)
        infos = zf.infolist()
        shared = sum(i.file_size for i in infos if i.filename.lower().endswith("sharedstrings.xml"))
        piece_bytes = max(request["piece_bytes"], 4 * shared)
        if info.file_size < 2 * piece_bytes:
            return False
        package = {
            i.filename: zf.read(i)
            for i in infos
            if i.filename != part and not i.is_dir() and not _NOT_IN_PIECES.match(i.filename)
        }
        with zf.open(info) as fh:
            pieces = _SheetPieces(fh, piece_bytes)
            bodies = pieces.bodies()
            first = next(bodies, None)
            if first is None or b"" in pieces.row_numbers(first):
                return False

            def load(body: bytes) -> Any:
                data = io.BytesIO()
                with zipfile.ZipFile(data, "w", zipfile.ZIP_STORED) as piece:
                    for name, content in package.items():
                        piece.writestr(name, content)
                    piece.writestr(part, pieces.head + body + pieces.closing)
                data.seek(0)
                return python_calamine.CalamineWorkbook.from_filelike(data).get_sheet_by_name(
                    request["sheet"]
                )

            try:
                _send_rows(
                    _piece_rows(request, out, pieces, itertools.chain([first], bodies), load), None, out
                )
            except _OutOfOrder as exc:
                _send(out, b"E", {"code": "order", "params": {"row": exc.row}})
            except _LimitSent:
                pass
    return True


class _LimitSent(Exception):
    """A piece's range was over a limit; the refusal is sent."""


def _piece_rows(
    request: dict[str, Any],
    out: IO[bytes],
    pieces: _SheetPieces,
    bodies: Iterator[bytes],
    load: Callable[[bytes], Any],
) -> Iterator[list[Any]]:
    next_row = -1  # the next row to send, 0-based; -1 before the first piece with a value
    last_tag = 0  # the highest row number of the pieces so far, 1-based
    for body in bodies:
        numbers = [int(n) if n else 0 for n in pieces.row_numbers(body)]
        if not numbers:
            continue
        if min(numbers) <= last_tag:
            raise _OutOfOrder(min(numbers) or last_tag)
        sheet = load(body)
        last_tag = max(numbers)
        if sheet.start is None:
            continue  # rows without a value
        start, height, width = sheet.start, sheet.height, sheet.width
        if start[0] < next_row or start[0] + height > last_tag:
            raise _OutOfOrder(start[0] + 1 if start[0] < next_row else start[0] + height)
        if _over_limits(request, out, start=start, height=height, width=width):
            raise _LimitSent
        if next_row < 0:
            _send(out, b"M", {"start": [start[0], 0], "height": None, "width": start[1] + width})
            next_row = start[0]
        for _ in range(start[0] - next_row):
            yield [""] * (start[1] + width)
        pad = [""] * start[1]
        for row in sheet.to_python(skip_empty_area=True):
            yield pad + row if pad else row
        next_row = start[0] + height
    if next_row < 0:
        _send(out, b"M", {"start": [0, 0], "height": 0, "width": 0})


_HEAD_MAX = 16 * 1024 * 1024  # of a sheet's XML before its rows, for it to be read in pieces


class _SheetPieces:
    """A worksheet's XML cut between rows: `head` (up to its sheetData, the dimension left
    out: a reader may size its grid by it), bodies of about `size` bytes of whole rows, and
    the `closing` tags. Rows not numbered by an r attribute as their first show as b"" in
    `row_numbers`."""

    def __init__(self, fh: IO[bytes], size: int) -> None:
        self.fh, self.size = fh, size
        self.head = self.closing = b""
        self._empty, self._head_length = False, 0

    def row_numbers(self, body: bytes) -> list[bytes]:
        return self._row.findall(body)

    def bodies(self) -> Iterator[bytes]:
        """The first body is an eighth of `size`, each next one twice the last up to `size`:
        the first rows come out sooner."""
        buf = b""
        size = self.size // 8
        while not self._read_head(buf):
            chunk = self.fh.read(_CHUNK) if len(buf) < _HEAD_MAX else b""
            if not chunk:
                return  # no sheetData (soon enough): nothing to cut, the sheet is read whole
            buf += chunk
        if self._empty:
            return
        buf = buf[self._head_length :]
        while True:
            end = buf.find(self._end)
            stop = end if end >= 0 else len(buf)
            cut = self._row_start(buf, size, stop) if stop > size else -1
            if cut > 0:
                yield buf[:cut]
                buf = buf[cut:]
                size = min(2 * size, self.size)
            elif end >= 0:
                if buf[:end].strip():
                    yield buf[:end]
                return
            elif chunk := self.fh.read(_CHUNK):
                buf += chunk
            else:
                if buf.strip():
                    yield buf  # no closing tag: the reader says what is wrong with it
                return

    def _read_head(self, buf: bytes) -> bool:
        m = re.search(rb"<(\w+:)?worksheet[\s>]", buf)
        data = re.search(rb"<(\w+:)?sheetData\b[^>]*?(/?)>", buf)
        if m is None or data is None:
            return False
        self._empty = bool(data.group(2))  # <sheetData/>
        self._head_length = data.end()
        p = m.group(1) or b""
        self.head = re.sub(b"<" + re.escape(p) + rb"dimension\b[^>]*/>", b"", buf[: data.end()])
        self._end = b"</" + p + b"sheetData>"
        self.closing = self._end + b"</" + p + b"worksheet>"
        self._row_open = b"<" + p + b"row"
        self._row = re.compile(re.escape(self._row_open) + rb'(?=[\s>/])(?:\s+r="(\d+)")?')
        return True

    def _row_start(self, buf: bytes, at: int, stop: int) -> int:
        """Where the first row tag at or after `at` begins (-1: none before `stop`)."""
        after = len(self._row_open)
        while (at := buf.find(self._row_open, at, stop)) >= 0:
            if buf[at + after : at + after + 1] in b" >/\t\r\n":
                return at
            at += after
        return -1


def _send_rows(rows: Iterator[list[Any]], max_rows: int | None, out: IO[bytes]) -> None:
    chunk: list[list[Any]] = []
    sent = 0
    for row in rows:
        if max_rows is not None and sent >= max_rows:
            break
        chunk.append(row)
        sent += 1
        if len(chunk) == _ROWS_PER_FRAME:
            _send(out, b"R", chunk)
            chunk = []
    if chunk:
        _send(out, b"R", chunk)
    _send(out, b"D", None)


def _child_csv(request: dict[str, Any], out: IO[bytes]) -> None:
    import csv

    with open(request["path"], "rb") as fh:
        data = fh.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        _send(out, b"E", {"code": "csv_encoding"})
        return
    del data
    try:
        dialect: Any = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:  # one column, or nothing to tell the delimiter by
        dialect = csv.excel
    rows: list[list[str]] = []
    width = 0
    reader = csv.reader(text.splitlines(keepends=True), dialect)
    try:
        for row in reader:
            rows.append(row)
            width = max(width, len(row))
            if len(rows) > request["rows"]:
                _send(out, b"E", {"code": "rows", "params": {"n": len(rows), "max": request["rows"] - 1}})
                return
            if width > request["columns"]:
                params = {"n": width, "max": request["columns"], "letter": column_letter(width - 1)}
                _send(out, b"E", {"code": "columns", "params": params})
                return
    except csv.Error as exc:
        _send(out, b"E", {"code": "csv_broken", "params": {"row": reader.line_num, "detail": str(exc)[:80]}})
        return
    _send(out, b"M", {"start": [0, 0], "height": len(rows), "width": width})
    _send_rows(iter(rows), request.get("max_rows"), out)


def _child_main() -> None:
    request = json.loads(sys.stdin.buffer.read())
    _child_limits(request["memory_bytes"], request["seconds"])
    out = sys.stdout.buffer
    try:
        if request["kind"] == "csv":
            _child_csv(request, out)
        else:
            _child_xlsx(request, out)
    except MemoryError:
        _send(out, b"E", {"code": "memory", "params": {"max": request["memory_bytes"]}})
    except Exception as exc:  # the reader's own error types vary by format
        _send(out, b"E", {"code": "unreadable", "params": {"detail": type(exc).__name__}})
    out.flush()


if __name__ == "__main__":
    _child_main()
