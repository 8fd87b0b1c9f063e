"""OpenSID's resident spreadsheet (`FormatImporExcel`, sheet "Data Penduduk"): read and check.

Parsing is pure: no database. `parse_file` turns a file into normalised rows plus a list of
problems (spreadsheet row, column, reason), and is what the benchmark reports as the floor
of an import. The per-cell work runs a few million times for a large village, so each
column gets one small converter, and converters of repetitive columns (codes, dates, RT)
remember their answers.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core import spreadsheets
from balai.core.masking import mask_number
from balai.core.spreadsheets import column_letter
from balai.people import codes
from balai.people.validation import clean_number, kk_check, nik_check
from balai.regions.selectors import nik_region_prefixes

SHEET_NAME = "Data Penduduk"
CODE_SHEET_NAME = "Kode Data"
END_MARKER = "###"

# The 43 columns in OpenSID's order (`Impor_model::$daftar_kolom` plus lat/lng) -> our key.
# Keys are Resident fields, except kk_number/family_address (the family) and dusun/rw/rt.
COLUMN_KEYS: dict[str, str] = {
    "alamat": "family_address",
    "dusun": "dusun",
    "rw": "rw",
    "rt": "rt",
    "nama": "name",
    "no_kk": "kk_number",
    "nik": "nik",
    "sex": "sex",
    "tempatlahir": "birth_place",
    "tanggallahir": "birth_date",
    "agama_id": "religion",
    "pendidikan_kk_id": "education_kk",
    "pendidikan_sedang_id": "education_current",
    "pekerjaan_id": "occupation",
    "status_kawin": "marital_status",
    "kk_level": "family_relation",
    "warganegara_id": "citizenship",
    "ayah_nik": "father_nik",
    "nama_ayah": "father_name",
    "ibu_nik": "mother_nik",
    "nama_ibu": "mother_name",
    "golongan_darah_id": "blood_type",
    "akta_lahir": "birth_certificate_no",
    "dokumen_pasport": "passport_no",
    "tanggal_akhir_paspor": "passport_expiry",
    "dokumen_kitas": "kitas_no",
    "akta_perkawinan": "marriage_certificate_no",
    "tanggalperkawinan": "marriage_date",
    "akta_perceraian": "divorce_certificate_no",
    "tanggalperceraian": "divorce_date",
    "cacat_id": "disability",
    "cara_kb_id": "kb_method",
    "hamil": "pregnant",
    "ktp_el": "ktp_el",
    "status_rekam": "ktp_record_status",
    "alamat_sekarang": "current_address",
    "status_dasar": "status",
    "suku": "ethnicity",
    "tag_id_card": "card_uid",
    "id_asuransi": "insurance_type",
    "no_asuransi": "insurance_no",
    "lat": "lat",
    "lng": "lng",
}
HEADERS: tuple[str, ...] = tuple(COLUMN_KEYS)
KEY_COLUMNS: dict[str, str] = {key: column for column, key in COLUMN_KEYS.items()}
REQUIRED_HEADERS = ("nik", "nama", "no_kk", "sex")
# Keys that are not Resident fields.
NON_RESIDENT_KEYS = frozenset({"family_address", "kk_number", "dusun", "rw", "rt"})
RESIDENT_KEYS: tuple[str, ...] = tuple(k for k in COLUMN_KEYS.values() if k not in NON_RESIDENT_KEYS)

DATE_KEYS = frozenset({"birth_date", "passport_expiry", "marriage_date", "divorce_date"})
# Value of an empty cell, where it is not "" (text) or None (optional code or date).
EMPTY_DEFAULTS: dict[str, Any] = {"citizenship": 1, "status": codes.STATUS_ALIVE}
TEXT_LIMITS: dict[str, int] = {
    "family_address": 255,
    "birth_place": 100,
    "birth_certificate_no": 100,
    "passport_no": 45,
    "kitas_no": 45,
    "marriage_certificate_no": 100,
    "divorce_certificate_no": 100,
    "current_address": 255,
    "ethnicity": 100,
    "insurance_no": 100,
}
NAME_KEYS = ("name", "father_name", "mother_name")
NAME_MAX = 100
# Past-only dates; a passport expiry may lie ahead.
PAST_DATE_KEYS = frozenset({"birth_date", "marriage_date", "divorce_date"})
EARLIEST_YEAR = 1850

# Beyond this many problems the report stops listing them (a junk file could yield millions).
MAX_REPORTED = 100_000
PROGRESS_EVERY = 5000
# Valid rows handed on at a time by `parse_batches`; the first batch is smaller, so that the
# import starts writing while the rest is read.
BATCH_ROWS = 5000
FIRST_BATCH_ROWS = 1000


class FileError(Exception):
    """The file as a whole cannot be read as an OpenSID resident spreadsheet."""

    def __init__(self, message: str, *, row: int | None = None, column: str = "") -> None:
        super().__init__(message)
        self.message, self.row, self.column = message, row, column


class CellError(Exception):
    pass


# Stands for a cell that failed its check, so no second "required" error is added for it.
_FAILED = object()


@dataclass(frozen=True)
class Problem:
    row: int | None  # spreadsheet row (header = 1); None for the file as a whole
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


_COLUMN_ORDER = {name: i for i, name in enumerate(HEADERS)}


def problem_order(problem: Problem) -> tuple[int, int]:
    """Report order: the file first, then by row, then by column in OpenSID's order."""
    return (problem.row or 0, _COLUMN_ORDER.get(problem.column, len(HEADERS)))


@dataclass(slots=True)
class ParsedRow:
    row: int
    values: list[Any]
    temporary_nik: bool = False
    nik_warning: bool = False


@dataclass
class ParsedFile:
    keys: tuple[str, ...] = ()
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # Spreadsheet rows carrying at least one error.
    bad_rows: set[int] = field(default_factory=set)
    data_rows: int = 0
    first_row: int = 0  # spreadsheet rows holding data: first_row..last_row
    last_row: int = 0
    sheet: str = ""
    fatal: bool = False
    truncated: int = 0

    def index(self, key: str) -> int:
        return self.keys.index(key)

    def add_error(self, row: int | None, column: str, message: str) -> None:
        if row is not None:
            self.bad_rows.add(row)
        if len(self.errors) < MAX_REPORTED:
            self.errors.append(Problem(row, column, message))
        else:
            self.truncated += 1


# --- Cell converters -----------------------------------------------------------------------


def _shown(value: object) -> str:
    """A cell value quoted in a message: short, and without control characters."""
    text = str(value)
    text = text if len(text) <= 40 else text[:37] + "..."
    return text if text.isprintable() else "".join(ch if ch.isprintable() else "?" for ch in text)


def _formula(value: str) -> CellError:
    return CellError(
        _("Rumus (formula) tidak diterima sebagai nilai: '%(value)s'.") % {"value": _shown(value)}
    )


def _as_text(value: object) -> str:
    """A cell as text: whole numbers without '.0', no leading quote, never a formula."""
    if type(value) is str:
        text = value.strip()
        if text[:1] == "=":
            raise _formula(text)
        if text[:1] == "'":
            text = text[1:].strip()
        return text
    if type(value) is float:
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, bool):
        raise CellError(_("Nilai benar/salah (boolean) tidak diterima."))
    return str(value).strip()


class _Memo(dict[Any, Any]):
    """Converter that remembers: a hit costs one C-level dict lookup per cell."""

    def __init__(self, fn: Callable[[Any], Any], empty: Any, limit: int = 500_000) -> None:
        super().__init__({"": empty})
        self.fn, self.limit = fn, limit

    def __missing__(self, value: Any) -> Any:
        result = self.fn(value)
        if len(self) < self.limit:
            self[value] = result
        return result


def _memo(fn: Callable[[Any], Any], empty: Any, limit: int = 500_000) -> Callable[[Any], Any]:
    return _Memo(fn, empty, limit).__getitem__


def _sparse(fn: Callable[[Any], Any], empty: Any) -> Callable[[Any], Any]:
    """For mostly empty, rarely repeated columns: an empty cell costs a C-level lookup."""
    return _memo(fn, empty, limit=1)


def _id_list(table: dict[int, str]) -> str:
    ids = sorted(table)
    spans: list[str] = []
    start = prev = ids[0]
    for i in [*ids[1:], None]:
        if i is not None and i == prev + 1:
            prev = i
            continue
        spans.append(str(start) if start == prev else f"{start}–{prev}")
        if i is not None:
            start = prev = i
    return ", ".join(spans)


def _code_converter(column: str, empty: int | None) -> Callable[[Any], Any]:
    table = codes.COLUMN_TABLES[column]
    allowed = _id_list(table)

    def convert(value: Any) -> int | None:
        if type(value) is str:
            text = value.strip()
            if text[:1] == "=":
                raise _formula(text)
            if text[:1] == "'":
                text = text[1:].strip()
            if not text:
                return empty
            # "01" is id 1, as OpenSID (and the spreadsheet that showed it) meant.
            value = int(text) if text.isascii() and text.isdigit() else text
        elif isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise CellError(
                _("Kode '%(value)s' tidak dikenal (pilihan: %(ids)s).")
                % {"value": _shown(value), "ids": allowed}
            )
        code = codes.parse_code(column, value)
        if code is None:
            if value == "-":
                return empty
            raise CellError(
                _("Kode '%(value)s' tidak dikenal (pilihan: %(ids)s).")
                % {"value": _shown(_as_text(value)), "ids": allowed}
            )
        return code

    return _memo(convert, empty)


_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})" + _TIME)
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME)


def _date_converter(*, past_only: bool, today: dt.date) -> Callable[[Any], Any]:
    def convert(value: Any) -> dt.date | None:
        if isinstance(value, dt.datetime):
            day = value.date()
        elif isinstance(value, dt.date):
            day = value
        elif type(value) is str:
            text = value.strip().lstrip("'").strip()
            if text[:1] == "=":
                raise _formula(text)
            if not text or text == "-":
                return None
            day = _parse_date_text(text)
        else:
            raise CellError(
                _("'%(value)s' bukan tanggal; tulis dd-mm-yyyy atau pakai sel bertipe tanggal.")
                % {"value": _shown(_as_text(value))}
            )
        if day.year < EARLIEST_YEAR:
            raise CellError(_("Tanggal %(value)s terlalu lampau.") % {"value": day.strftime("%d-%m-%Y")})
        if past_only and day > today:
            raise CellError(_("Tanggal %(value)s ada di masa depan.") % {"value": day.strftime("%d-%m-%Y")})
        return day

    return _memo(convert, None)


def _parse_date_text(text: str) -> dt.date:
    # '/' is read as day/month like '-', never US month/day (OpenSID does the same).
    m = _DMY.fullmatch(text)
    if m:
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    else:
        m = _YMD.fullmatch(text)
        if not m:
            raise CellError(
                _("Tanggal '%(value)s' tidak dapat dibaca; tulis dd-mm-yyyy.") % {"value": _shown(text)}
            )
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise CellError(_("Tanggal '%(value)s' tidak ada di kalender.") % {"value": _shown(text)})


def _text_converter(limit: int) -> Callable[[Any], Any]:
    def convert(value: Any) -> str:
        if value == "":
            return ""
        text = _as_text(value)
        if text == "-":
            return ""
        if len(text) > limit:
            raise CellError(
                _("Terlalu panjang (%(n)d karakter, paling banyak %(max)d).") % {"n": len(text), "max": limit}
            )
        return text

    return convert


_NAME = re.compile(r"(?:[^\W\d_]|[ .,'\-])+")
# The same for ASCII names, most of them: one character class, six times as fast as _NAME.
_ASCII_NAME = re.compile(r"[A-Za-z .,'\-]+")


def _name_converter(value: Any) -> str:
    if type(value) is str:
        text = " ".join(value.split())
        if (
            len(text) <= NAME_MAX
            and text[:1] not in ("=", "'", "-")
            and (_ASCII_NAME.fullmatch(text) or _NAME.fullmatch(text))
        ):
            return text
        if not text:
            return ""
    text = " ".join(_as_text(value).split())
    if text == "-":
        return ""
    if not _NAME.fullmatch(text):
        raise CellError(_("Nama hanya boleh berisi huruf, spasi, titik, koma, tanda petik dan strip."))
    if len(text) > NAME_MAX:
        raise CellError(_("Nama terlalu panjang (paling banyak %(max)d karakter).") % {"max": NAME_MAX})
    return text


def _number_text(value: Any) -> str:
    """NIK/KK digits only: Dukcapil exports carry invisible characters and spaces."""
    if type(value) is str:
        if value.isdigit() and value.isascii():
            return value
        if value.lstrip()[:1] == "=":
            raise _formula(value.strip())
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CellError(_("'%(value)s' bukan nomor.") % {"value": _shown(value)})
    number = clean_number(value)
    # str.isdigit() also admits digits of other scripts ('²', '٣'): keep 0-9 only.
    return number if number.isascii() else "".join(ch for ch in number if "0" <= ch <= "9")


def _parent_nik_converter(value: Any) -> str:
    if value == "":
        return ""
    number = _number_text(value)
    if number in ("", "0"):
        return ""
    if len(number) != 16:
        raise CellError(_("NIK harus 16 angka (tertulis %(n)d angka).") % {"n": len(number)})
    return number


def _dusun_converter(value: Any) -> str:
    text = " ".join(_as_text(value).replace("_", " ").upper().split())
    if text.startswith("DUSUN "):
        text = text[6:].strip()
    if len(text) > 100:
        raise CellError(_("Nama dusun terlalu panjang (paling banyak 100 karakter)."))
    return text


def _rw_rt_converter(value: Any) -> str:
    text = _as_text(value)
    if text.isdigit():
        text = text.zfill(3)
    if len(text) > 3:
        raise CellError(_("RW/RT paling banyak 3 karakter (tertulis '%(value)s').") % {"value": _shown(text)})
    return text


def _bounded_converter(low: int, high: int) -> Callable[[Any], Any]:
    def convert(value: Any) -> str:
        if value == "":
            return ""
        text = _as_text(value)
        if text in ("", "-"):
            return ""
        if not low <= len(text) <= high:
            raise CellError(
                _("Panjang harus %(low)d–%(high)d karakter (tertulis %(n)d).")
                % {"low": low, "high": high, "n": len(text)}
            )
        return text

    return convert


def empty_value(key: str) -> Any:
    if key in EMPTY_DEFAULTS:
        return EMPTY_DEFAULTS[key]
    if key in DATE_KEYS or (KEY_COLUMNS[key] in codes.COLUMN_TABLES):
        return None
    return ""


def converters(today: dt.date) -> dict[str, Callable[[Any], Any]]:
    """Key -> function of one cell value (empty cells included) -> normalised value."""
    result: dict[str, Callable[[Any], Any]] = {}
    for column, key in COLUMN_KEYS.items():
        if column in codes.COLUMN_TABLES:
            result[key] = _code_converter(column, empty_value(key))
        elif key in DATE_KEYS:
            result[key] = _date_converter(past_only=key in PAST_DATE_KEYS, today=today)
        elif key in TEXT_LIMITS:
            conv = _text_converter(TEXT_LIMITS[key])
            if key in ("birth_place", "ethnicity", "family_address"):
                result[key] = _memo(conv, "")
            elif key == "birth_certificate_no":  # filled for most people, never repeated
                result[key] = conv
            else:
                result[key] = _sparse(conv, "")
        elif key == "name":
            result[key] = _name_converter
        elif key in NAME_KEYS:  # parents' names repeat across a family's children
            result[key] = _memo(_name_converter, "")
        elif key in ("father_nik", "mother_nik"):
            result[key] = _memo(_parent_nik_converter, "")
        elif key == "dusun":
            result[key] = _memo(_dusun_converter, "")
        elif key in ("rw", "rt"):
            result[key] = _memo(_rw_rt_converter, "")
        elif key == "card_uid":
            result[key] = _sparse(_bounded_converter(10, 17), "")
        elif key in ("lat", "lng"):
            result[key] = _sparse(_bounded_converter(2, 24), "")
        else:
            # NIK and KK: a placeholder here (any cheap C function); the row checks
            # below replace it, looking at sex and birth date too.
            result[key] = bool
    return result


# --- Reading the workbook ------------------------------------------------------------------


def _data_sheet(names: list[str]) -> str:
    """The data sheet: "Data Penduduk" if present, else the first sheet that is not "Kode Data"."""
    if SHEET_NAME in names:
        return SHEET_NAME
    candidates = [n for n in names if n.strip().lower() != CODE_SHEET_NAME.lower()]
    if not candidates:
        raise FileError(_("Berkas tidak berisi lembar data penduduk."))
    return candidates[0]


def _header_plan(header: list[Any], parsed: ParsedFile) -> list[tuple[int, str]]:
    """(cell index, key) of each known column; whole-file errors for bad headers."""
    plan: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = str(cell).strip().lower() if cell != "" else ""
        if not name:
            continue
        if name not in COLUMN_KEYS:
            parsed.add_error(
                1,
                str(cell).strip()[:40],
                _("Judul kolom '%(name)s' (kolom %(letter)s) tidak dikenal dalam format OpenSID.")
                % {"name": _shown(str(cell).strip()), "letter": column_letter(i)},
            )
            continue
        if name in seen:
            parsed.add_error(1, name, _("Judul kolom '%(name)s' muncul lebih dari sekali.") % {"name": name})
            continue
        seen[name] = i
        plan.append((i, COLUMN_KEYS[name]))
    for required in REQUIRED_HEADERS:
        if required not in seen:
            parsed.add_error(
                1, required, _("Kolom wajib '%(name)s' tidak ada di baris judul.") % {"name": required}
            )
    return plan


def parse_file(
    path: str | os.PathLike[str],
    *,
    progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
) -> ParsedFile:
    """Read and check every row. Never raises for bad content: problems are in the result.

    The file is read by `core.spreadsheets` (limits checked first, then parsed in a child
    process); a file over a limit is one whole-file error.
    """
    parsed = ParsedFile()
    for batch in parse_batches(path, parsed, progress=progress, today=today):
        parsed.rows += batch
    return parsed


def parse_batches(
    path: str | os.PathLike[str],
    parsed: ParsedFile,
    *,
    progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
    size: int | None = None,
) -> Iterator[list[ParsedRow]]:
    """The valid rows of the file, `size` at a time, as they are read: what `parse_file`
    returns, without holding the file. `parsed` gathers everything else (keys, problems,
    counts) and is complete once the batches are exhausted; `parsed.rows` stays empty.

    A row whose problem only shows later never comes out: formula cells are known before the
    first row (the scan), a NIK repeated further down is an error on the later row. Only a
    whole-file refusal can come after rows (the reader's child dying mid-sheet): `parsed`
    then says `fatal`, with that one error, as `parse_file` would, and the caller must drop
    what it did with the batches.
    """
    try:
        with spreadsheets.open_workbook(path) as book:
            parsed.sheet = _data_sheet(book.sheet_names)
            with book.rows(parsed.sheet, pieces=True) as sheet:
                yield from _parse_sheet(
                    parsed, sheet, progress, today or timezone.localdate(), size or BATCH_ROWS
                )
    except (FileError, spreadsheets.Refused) as exc:
        refused = ParsedFile(sheet=parsed.sheet)
        row, column = (exc.row, exc.column) if isinstance(exc, FileError) else (None, "")
        refused.add_error(row, column, exc.message)
        refused.fatal = True
        vars(parsed).update(vars(refused))
        return
    parsed.errors.sort(key=problem_order)


def _parse_sheet(
    parsed: ParsedFile,
    sheet: spreadsheets.Rows,
    progress: Callable[[int, int], None] | None,
    today: dt.date,
    size: int,
) -> Iterator[list[ParsedRow]]:
    rows = iter(sheet)
    header = next(rows, None)
    if header is None or all(c == "" for c in header):
        raise FileError(_("Berkas tidak berisi baris judul maupun data."))
    first_row, first_col = sheet.start
    header_row = first_row + 1
    plan = _header_plan(list(header), parsed)
    if parsed.errors:
        parsed.fatal = True
        return
    parsed.keys = tuple(key for _i, key in plan)
    columns = {i + first_col for i, _key in plan}
    # Rows with a formula in a read column: reported below, never passed on.
    formula_rows = _FormulaRows(sheet.scanned.formula_cells, columns)
    yield from _parse_rows(
        parsed,
        rows,
        plan,
        header_row,
        lambda: sheet.height - 1,
        progress,
        today,
        formula_rows,
        size,
        lambda: sheet.booleans,
    )
    _reject_formulas(parsed, sheet.scanned.formula_cells, plan, first_col)
    if not parsed.fatal and parsed.data_rows == 0:
        parsed.add_error(None, "", _("Tidak ada baris data penduduk di bawah baris judul."))
        parsed.fatal = True


class _FormulaRows:
    """The rows with a formula in one of `columns`, as far as the sheet's scan has found
    them: it goes on beside the rows, always past the row being read (see
    `spreadsheets.Rows.scanned`)."""

    def __init__(self, cells: list[tuple[int, int]], columns: set[int]) -> None:
        self.cells, self.columns = cells, columns
        self.rows: set[int] = set()
        self.seen = 0

    def __contains__(self, row: int) -> bool:
        if len(self.cells) > self.seen:
            new = self.cells[self.seen :]
            self.seen += len(new)
            self.rows.update(r for r, col in new if col in self.columns)
        return row in self.rows


# Rows converted at a time, column by column (see `_converted`).
CONVERT_ROWS = 500


def _converted(
    chunk: list[list[Any]], pairs: list[tuple[int, Callable[[Any], Any]]]
) -> list[list[Any]] | None:
    """The chunk's rows converted column by column: each column's converter mapped over its
    cells by `map`, a C loop (most converters are a memo's dict lookup), instead of a Python
    loop over every cell of every row. None when a cell is refused: the caller then converts
    that chunk row by row, to report every problem."""
    # Rows are at least as wide as the widest column read; the columns past that, cut.
    columns = list(zip(*chunk, strict=False))
    try:
        converted = [list(map(convert, columns[i])) for i, convert in pairs]
    except CellError:
        return None
    return list(map(list, zip(*converted, strict=True)))


def _nik_fast_path(prefixes: frozenset[str]) -> Callable[[str, Any, Any], bool]:
    """True when `nik_check` would find nothing to say about a NIK (no error, no warning),
    told without building its result: a known district, the birth date and sex of the row,
    a serial other than 0000. Anything else goes through `nik_check`."""
    expected: dict[tuple[Any, Any], str] = {}

    def ok(nik: str, birth: Any, sex: Any) -> bool:
        if len(nik) != 16 or nik[:6] not in prefixes or nik[12:] == "0000" or type(birth) is not dt.date:
            return False
        digits = expected.get((birth, sex))
        if digits is None:
            if sex not in (1, 2):
                return False
            day = birth.day + (40 if sex == 2 else 0)
            digits = expected[birth, sex] = f"{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        return nik[6:12] == digits

    return ok


def _parse_rows(
    parsed: ParsedFile,
    rows: Iterator[list[Any]],
    plan: list[tuple[int, str]],
    header_row: int,
    total: Callable[[], int],
    progress: Callable[[int, int], None] | None,
    today: dt.date,
    formula_rows: _FormulaRows,
    size: int,
    booleans: Callable[[], bool],
) -> Iterator[list[ParsedRow]]:
    convs = converters(today)
    width = max(i for i, _k in plan) + 1
    checker = _RowChecker(parsed, [(i, convs[key]) for i, key in plan], formula_rows, size, total, booleans)
    nik_cell, kk_cell = checker.nik_cell, checker.kk_cell
    chunk: list[list[Any]] = []
    numbers: list[int] = []
    row_no = header_row
    parsed.first_row = header_row + 1
    for cells in rows:
        row_no += 1
        if len(cells) < width:
            cells = list(cells) + [""] * (width - len(cells))
        if len(cells) > 1 and (
            cells[1] == END_MARKER or (type(cells[1]) is str and cells[1].strip() == END_MARKER)
        ):
            row_no -= 1
            break
        if cells[nik_cell] == "" and cells[kk_cell] == "" and all(c == "" for c in cells):
            continue
        parsed.data_rows += 1
        if progress is not None and parsed.data_rows % PROGRESS_EVERY == 0:
            progress(parsed.data_rows, max(total(), parsed.data_rows))
        chunk.append(cells)
        numbers.append(row_no)
        if len(chunk) >= CONVERT_ROWS:
            yield from checker.check(numbers, chunk)
            chunk, numbers = [], []
    parsed.last_row = row_no
    if chunk:
        yield from checker.check(numbers, chunk)
    if checker.out_rows:
        yield checker.out_rows
    if progress is not None:
        progress(parsed.data_rows, max(total(), parsed.data_rows))


class _RowChecker:
    """What each data row must pass once its cells are converted: a name and a sex, valid KK
    and NIK numbers, a NIK and a family head not already seen in the file. Valid rows go out
    in batches (`size`, the first ones and the last ones smaller; see `_next_limit`)."""

    def __init__(
        self,
        parsed: ParsedFile,
        pairs: list[tuple[int, Callable[[Any], Any]]],
        formula_rows: _FormulaRows,
        size: int,
        total: Callable[[], int],
        booleans: Callable[[], bool],
    ) -> None:
        self.parsed, self.pairs, self.formula_rows, self.size = parsed, pairs, formula_rows, size
        self.total, self.booleans = total, booleans
        self.checked = 0  # data rows checked so far (the reading is up to a chunk ahead)
        keys = parsed.keys
        at = keys.index
        self.nik_at, self.kk_at, self.name_at, self.sex_at = at("nik"), at("kk_number"), at("name"), at("sex")
        self.birth_at = at("birth_date") if "birth_date" in keys else None
        self.relation_at = at("family_relation") if "family_relation" in keys else None
        self.nik_cell, self.kk_cell = pairs[self.nik_at][0], pairs[self.kk_at][0]
        self.kk_problems = _Memo(_kk_problem, _kk_problem(""))
        self.nik_ok = _nik_fast_path(nik_region_prefixes())
        self.seen_nik: dict[str, int] = {}
        self.heads: dict[str, int] = {}
        self.out_rows: list[ParsedRow] = []
        self.limit = min(size, FIRST_BATCH_ROWS)

    def _row_by_row(self, row_no: int, cells: list[Any]) -> list[Any]:
        """Rare path: the row's cells converted one by one, each problem reported. A boolean
        cell goes to the converter itself, never to what its memo remembers: as a dict key
        TRUE is 1, and would be taken for the 1 of an earlier row."""
        parsed, keys = self.parsed, self.parsed.keys
        values: list[Any] = []
        for i, convert in self.pairs:
            cell = cells[i]
            if type(cell) is bool:
                convert = getattr(getattr(convert, "__self__", None), "fn", convert)
            try:
                values.append(convert(cell))
            except CellError as exc:
                parsed.add_error(row_no, KEY_COLUMNS[keys[len(values)]], str(exc))
                values.append(_FAILED)
        return values

    def check(self, numbers: list[int], chunk: list[list[Any]]) -> Iterator[list[ParsedRow]]:
        parsed = self.parsed
        add_error = parsed.add_error
        nik_at, kk_at, name_at, sex_at = self.nik_at, self.kk_at, self.name_at, self.sex_at
        birth_at, relation_at = self.birth_at, self.relation_at
        nik_cell, kk_cell = self.nik_cell, self.kk_cell
        kk_problems, nik_ok, seen_nik, heads = self.kk_problems, self.nik_ok, self.seen_nik, self.heads
        # Rows with a boolean cell among them are converted row by row (see `_row_by_row`).
        converted = None if self.booleans() else _converted(chunk, self.pairs)
        checked = self.checked
        self.checked += len(chunk)
        for n, (row_no, cells) in enumerate(zip(numbers, chunk, strict=True)):
            if converted is not None:
                values, ok = converted[n], True
            else:
                values = self._row_by_row(row_no, cells)
                ok = _FAILED not in values
            if values[name_at] == "":
                add_error(row_no, "nama", _("Nama wajib diisi."))
                ok = False
            if values[sex_at] is None:
                add_error(row_no, "sex", _("Jenis kelamin wajib diisi."))
                ok = False
            try:
                kk = _number_text(cells[kk_cell])
                values[kk_at] = kk
                problem = kk_problems[kk]
                if problem:
                    add_error(row_no, "no_kk", problem)
                    ok = False
            except CellError as exc:
                add_error(row_no, "no_kk", str(exc))
                ok = False
            temporary = False
            nik_warnings: list[str] = []
            try:
                nik = _number_text(cells[nik_cell])
                values[nik_at] = nik
                if nik == "0":
                    temporary = True
                else:
                    birth = values[birth_at] if birth_at is not None else None
                    sex = values[sex_at]
                    if nik_ok(nik, birth, sex):
                        errors, warnings = [], []
                    else:
                        check = nik_check(
                            nik,
                            birth_date=birth if isinstance(birth, dt.date) else None,
                            sex=sex if isinstance(sex, int) else None,
                        )
                        errors, warnings = check.errors, check.warnings
                    if errors:
                        add_error(row_no, "nik", " ".join(errors))
                        ok = False
                    elif nik in seen_nik:
                        add_error(
                            row_no,
                            "nik",
                            _("NIK %(nik)s sudah ada di baris %(row)d berkas ini.")
                            % {"nik": mask_number(nik), "row": seen_nik[nik]},
                        )
                        ok = False
                    else:
                        seen_nik[nik] = row_no
                        nik_warnings = warnings
            except CellError as exc:
                add_error(row_no, "nik", str(exc))
                ok = False
            if ok and relation_at is not None and values[relation_at] == 1:
                kk = values[kk_at]
                if kk in heads:
                    add_error(
                        row_no,
                        "kk_level",
                        _("KK %(kk)s sudah punya kepala keluarga di baris %(row)d.")
                        % {"kk": mask_number(kk), "row": heads[kk]},
                    )
                    ok = False
                else:
                    heads[kk] = row_no
            if ok and row_no not in self.formula_rows:
                self.out_rows.append(ParsedRow(row_no, values, temporary, bool(nik_warnings)))
                if nik_warnings:
                    parsed.warnings.append(Problem(row_no, "nik", " ".join(nik_warnings)))
                if len(self.out_rows) >= self.limit:
                    yield self.out_rows
                    self.out_rows = []
                    self.limit = self._next_limit(checked + n + 1)

    def _next_limit(self, checked: int) -> int:
        """Batches shrink near the end of the sheet (half the rows left, down to the first
        batch's size): what the writer still has to write once the reading ends is the last
        batch, and until then the reading and the writing share the machine's cores."""
        left = self.total() - checked
        first = min(self.size, FIRST_BATCH_ROWS)
        return max(first, min(self.size, left // 2))


def _kk_problem(kk: str) -> str:
    # One check per family rather than per member.
    return " ".join(kk_check(kk).errors)


def _reject_formulas(
    parsed: ParsedFile,
    cells: list[tuple[int, int]],
    plan: list[tuple[int, str]],
    first_col: int,
) -> None:
    if not cells:
        return
    # The rows themselves were held back while reading (see `_parse_sheet`).
    columns = {i + first_col: KEY_COLUMNS[key] for i, key in plan}
    for row_no, col in cells:
        column = columns.get(col)
        # Formulas outside the data (after '###', in unnamed columns) are not read at all.
        if column is None or not parsed.first_row <= row_no <= parsed.last_row:
            continue
        parsed.add_error(row_no, column, _("Sel berisi rumus (formula); isi dengan nilai, bukan rumus."))
