"""The spreadsheet reader: limits checked before reading, parsing in a limited child process.

The imports' own tests (people, aid) and tests/test_hostile_spreadsheets.py cover the
entry points; these cover the reader's rules one by one.
"""

from __future__ import annotations

import datetime as dt
import io
import pickle
import subprocess
import zipfile

import pytest
import xlsxwriter

from balai.core import spreadsheets
from balai.core.spreadsheets import Limits, Refused, open_workbook
from balai.core.tests import hostile_sheets as h


def _xlsx(tmp_path, rows, *, name="Data", start=(0, 0), formulas=None):
    path = tmp_path / "a.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = book.add_worksheet(name)
    day = book.add_format({"num_format": "dd-mm-yyyy"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(start[0] + r, start[1] + c, value, day if isinstance(value, dt.date) else None)
    for (r, c), formula in (formulas or {}).items():
        sheet.write_formula(r, c, formula, None, 2)
    book.close()
    return path


def _read_all(source, **kw) -> None:
    with open_workbook(source, **kw) as book:
        for name in book.sheet_names:
            book.table(name)


def _refused(source, **kw) -> Refused:
    with pytest.raises(Refused) as info:
        _read_all(source, **kw)
    return info.value


@pytest.fixture
def no_child(monkeypatch):
    """Fails the test if the reader starts its child: the refusal must come before."""

    def forbidden(*args, **kwargs):
        raise AssertionError("the child process was started")

    monkeypatch.setattr(spreadsheets.subprocess, "Popen", forbidden)


def test_rows_come_back_typed_and_as_wide_as_the_used_range(tmp_path):
    # given
    path = _xlsx(tmp_path, [["nik", "nama", "lahir"], ["3325", "BUDI", dt.datetime(1990, 5, 1)], [1.5, True]])  # noqa: DTZ001

    # when
    with open_workbook(path) as book:
        with book.rows("Data") as rows:
            meta = (rows.start, rows.height, rows.width)
            table = list(rows)

    # then
    assert meta == ((0, 0), 3, 3)
    assert table == [["nik", "nama", "lahir"], ["3325", "BUDI", dt.date(1990, 5, 1)], [1.5, True, ""]]


def test_from_a1_keeps_sheet_positions_and_max_rows_stops_early(tmp_path):
    path = _xlsx(tmp_path, [["a", "b"], ["c", "d"], ["e", "f"]], start=(2, 1))

    with open_workbook(path) as book:
        assert book.table("Data") == [["a", "b"], ["c", "d"], ["e", "f"]]
        assert book.table("Data", from_a1=True) == [
            ["", "", ""],
            ["", "", ""],
            ["", "a", "b"],
            ["", "c", "d"],
            ["", "e", "f"],
        ]
        assert book.table("Data", from_a1=True, max_rows=3) == [["", "", ""], ["", "", ""], ["", "a", "b"]]
        assert book.table("Data", max_rows=1) == [["a", "b"]]


def test_formula_cells_are_found_by_the_scan(tmp_path):
    path = _xlsx(tmp_path, [["x", "y"], [1, 2]], formulas={(1, 1): "=1+1", (2, 0): "=A1"})

    with open_workbook(path) as book:
        assert sorted(book.sheet("Data").formula_cells) == [(2, 1), (3, 0)]


def test_the_rows_say_whether_a_boolean_cell_was_handed_on(tmp_path):
    # "É" is C3 89 in UTF-8: pickle's opcode for False among the bytes, and no boolean.
    with open_workbook(_xlsx(tmp_path, [["x", "y"], ["JOSÉ", "TRUE"], [1, 0]])) as book:
        with book.rows("Data") as rows:
            assert list(rows) == [["x", "y"], ["JOSÉ", "TRUE"], [1, 0]]
            assert not rows.booleans
    with open_workbook(_xlsx(tmp_path, [["x", "y"], ["JOSÉ", 1], [2, False]])) as book:
        with book.rows("Data") as rows:
            assert list(rows)[2] == [2, False]
            assert rows.booleans


def test_sheet_named_ignores_case_and_spaces(tmp_path):
    path = _xlsx(tmp_path, [["x"]], name=" Peserta ")

    with open_workbook(path) as book:
        assert book.sheet_named("peserta") == " Peserta "
        assert book.sheet_named("Program") is None


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "xls"),
        (b"hello, this is text", "not_spreadsheet"),
    ],
)
def test_files_that_are_not_xlsx_are_refused(data, code):
    assert _refused(data).code == code


def test_ods_and_xlsb_and_plain_zips_are_refused_by_name(tmp_path):
    def zipped(parts):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            for name, text in parts.items():
                zf.writestr(name, text)
        return out.getvalue()

    ods = zipped({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"})
    xlsb = zipped({"[Content_Types].xml": "<Types/>", "xl/workbook.bin": "\0"})
    plain = zipped({"hello.txt": "halo"})

    assert "simpan ulang sebagai .xlsx" in _refused(ods).message
    assert _refused(ods).code == "ods"
    assert _refused(xlsb).code == "xlsb"
    assert _refused(plain).code == "not_xlsx_zip"


def test_a_part_whose_size_is_a_lie_is_refused_as_broken(no_child):
    # given: a sheet part whose declared size is smaller than what it inflates to
    data = bytearray(h.package({"S": h.sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>')}))
    name = b"xl/worksheets/sheet1.xml"
    at = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    size = int.from_bytes(data[at + 24 : at + 28], "little")
    data[at + 24 : at + 28] = (size - 10).to_bytes(4, "little")

    # then
    with pytest.raises(Refused) as info:
        with open_workbook(bytes(data)) as book:
            book.sheet("S")
    assert info.value.code == "broken"


def test_the_corner_cell_attack_is_refused_without_a_child(no_child):
    refused = _refused(h.corner_cells(sheet="Peserta"))

    assert refused.code == "columns"
    assert refused.sheet == "Peserta"
    assert "kolom XFD" in refused.message
    assert "paling banyak 100 kolom" in refused.message


def test_the_real_extent_counts_without_a_dimension(no_child):
    corner = h.package(
        {
            "S": h.sheet_xml(
                '<row r="1"><c r="A1"><v>1</v></c></row><row r="9"><c r="ZZ9"><v>1</v></c></row>',
                dimension=None,
            )
        }
    )
    far_row = h.package(
        {"S": h.sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="250000"/>', dimension=None)}
    )

    assert _refused(corner).code == "columns"
    assert "baris ke-250.000" in _refused(far_row).message


def test_cells_are_rows_times_columns(no_child):
    body = '<row r="1"><c r="A1"><v>1</v></c></row><row r="150000"><c r="CV150000"><v>1</v></c></row>'
    refused = _refused(h.package({"S": h.sheet_xml(body, dimension=None)}))

    assert refused.code == "cells"
    assert "15.000.000 sel" in refused.message


def test_cells_without_references_are_placed_as_a_reader_places_them(no_child):
    # Rows and cells without r follow the previous one: 300 cells in a row end at column KN.
    body = "<row><c><v>1</v></c></row><row>" + "<c><v>1</v></c>" * 300 + "</row>"

    refused = _refused(h.package({"S": h.sheet_xml(body, dimension=None)}))

    assert refused.code == "columns"
    assert "KN" in refused.message


def test_a_namespace_prefix_does_not_hide_cells(no_child):
    xml = (
        '<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="XFD1"><x:v>1</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    )

    assert _refused(h.package({"S": xml})).code == "columns"


def test_zip_bomb_shared_strings_bomb_and_empty_rows_are_refused_without_a_child(no_child):
    assert _refused(h.zip_bomb()).code == "ratio"
    assert _refused(h.shared_strings_bomb()).code == "ratio"
    refused = _refused(h.empty_rows())
    assert (refused.code, refused.sheet) == ("rows", "Sheet1")


def test_shared_strings_and_parts_are_counted(tmp_path, no_child):
    many = h.package({"S": h.sheet_xml("")}, shared_strings=h.shared_strings_xml([str(i) for i in range(50)]))
    assert _refused(many, limit=Limits(shared_strings=10)).code == "shared_strings"
    assert _refused(many, limit=Limits(parts=3)).code == "parts"
    assert _refused(many, limit=Limits(uncompressed_bytes=500)).code == "uncompressed"


def test_a_dtd_is_refused(no_child):
    xml = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet xmlns="x"><sheetData/></worksheet>'
    )

    assert _refused(h.package({"S": xml})).code == "dtd"


def test_what_the_scan_cannot_see_is_stopped_by_the_child(tmp_path):
    # given: a cell whose reference disagrees with its row (the scan counts row tags)
    body = '<row r="1"><c r="A1"><v>1</v></c><c r="CV150000"><v>1</v></c></row>'
    data = h.package({"S": h.sheet_xml(body, dimension=None)})

    # then: the child refuses after loading, within its memory limit...
    assert _refused(data).code == "cells"
    # ...and dies at its memory limit when that is lower; the caller gets a refusal
    refused = _refused(data, limit=Limits(memory_bytes=200 * 1024**2))
    assert refused.code == "memory"
    assert "200 MB" in refused.message


def test_the_child_is_limited_even_when_the_scan_is_skipped(tmp_path, monkeypatch):
    # given: the corner-cell file, with the scan made to see nothing
    monkeypatch.setattr(spreadsheets._SheetScan, "run", lambda self, chunks, passed=None: self.sheet)
    data = h.corner_cells(sheet="S")

    # then: the child asks for 512 GB, is refused by its address-space limit and ends
    refused = _refused(data)
    assert refused.code == "memory"


def test_the_child_gets_a_time_limit(tmp_path, monkeypatch):
    path = _xlsx(tmp_path, [["x"]])
    real_popen = subprocess.Popen

    def slow_child(args, **kwargs):
        return real_popen([args[0], "-c", "import time; time.sleep(30)"], **kwargs)

    monkeypatch.setattr(spreadsheets.subprocess, "Popen", slow_child)

    refused = _refused(path, limit=Limits(seconds=1))

    assert refused.code == "time"


def test_only_plain_values_are_unpickled_from_the_child():
    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    good = pickle.dumps([["a", 1.0, dt.date(2020, 1, 1), dt.datetime(2020, 1, 1, 1, 1)]])  # noqa: DTZ001
    assert spreadsheets._Unpickler(io.BytesIO(good)).load()[0][2] == dt.date(2020, 1, 1)
    with pytest.raises(pickle.UnpicklingError):
        spreadsheets._Unpickler(io.BytesIO(pickle.dumps(Evil()))).load()


def test_csv_is_read_when_accepted_with_limits(tmp_path):
    text = "No KK;Desil\n3325010101010001;2\n"

    with open_workbook(text.encode(), csv=True) as book:
        assert book.table(book.sheet_names[0]) == [["No KK", "Desil"], ["3325010101010001", "2"]]
    assert _refused(text.encode()).code == "not_spreadsheet"  # not where CSV is not accepted
    assert _refused("é".encode("latin-1") * 10, csv=True).code == "csv_encoding"
    wide = (",".join(["x"] * 150) + "\n").encode()
    assert _refused(wide, csv=True).code == "columns"
    long = ("x\n" * 30).encode()
    assert _refused(long, csv=True, limit=Limits(rows=10)).code == "rows"


def test_uploaded_bytes_leave_no_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheets.tempfile, "tempdir", str(tmp_path))
    good = _xlsx(tmp_path / "..", [["x"]]).read_bytes()

    with open_workbook(good) as book:
        book.table(book.sheet_names[0])
    _refused(h.corner_cells())

    assert not list(tmp_path.glob("balai-upload-*"))


# --- Reading in pieces ---------------------------------------------------------------------------


def _frames(data: bytes) -> list[tuple[bytes, object]]:
    stream, frames = io.BytesIO(data), []
    while head := stream.read(spreadsheets._FRAME.size):
        kind, length = spreadsheets._FRAME.unpack(head)
        frames.append((kind, pickle.loads(stream.read(length))))
    return frames


def _in_process(path, monkeypatch, *, piece_bytes=2000) -> tuple[list[tuple[bytes, object]], int]:
    """The child's work in this process: its frames, and how many packages python-calamine opened."""
    import python_calamine

    opened = []
    real = python_calamine.CalamineWorkbook

    class Counting:
        @staticmethod
        def from_filelike(fh):
            opened.append(1)
            return real.from_filelike(fh)

        from_path = staticmethod(real.from_path)

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Counting)
    with open_workbook(path) as book:
        part = book._package.sheets["Data"]
    request = {"path": str(path), "sheet": "Data", "part": part, "piece_bytes": piece_bytes, "max_rows": None}
    request |= {"rows": 1_000_001, "columns": 100, "cells": 10_000_000}
    out = io.BytesIO()
    spreadsheets._child_xlsx(request, out)
    return _frames(out.getvalue()), len(opened)


def _sheet_of_many_rows(tmp_path):
    day = dt.date(2020, 1, 31)
    rows = [["nik", "nama", "lahir", "n"]]
    rows += [
        [3325000000 + i, "SITI" if i % 2 else "BUDI", day + dt.timedelta(days=i), i * 1.5] for i in range(600)
    ]
    rows[300:330] = [[None] * 4] * 30  # empty rows across a piece's edge
    return _xlsx(tmp_path, rows, start=(2, 2)), rows


def test_a_sheet_read_in_pieces_gives_the_rows_of_the_whole_sheet_from_column_a(tmp_path, monkeypatch):
    # given: 600 rows from C3, 30 empty ones among them, shared strings and dates
    path, _rows = _sheet_of_many_rows(tmp_path)
    monkeypatch.setattr(spreadsheets, "PIECE_BYTES", 2000)

    # when
    with open_workbook(path) as book:
        whole = book.table("Data")
        with book.rows("Data", pieces=True) as rows:
            meta = (rows.start, rows.height)
            in_pieces = list(rows)

    # then
    assert meta == ((2, 0), 601)
    assert len(in_pieces) == len(whole) == 601
    assert [row + [""] * (6 - len(row)) for row in in_pieces] == [["", "", *row] for row in whole]
    assert in_pieces[0] == ["", "", "nik", "nama", "lahir", "n"]
    assert in_pieces[2][4] == dt.date(2020, 2, 1)


def test_the_child_loads_a_piece_at_a_time_and_sends_rows_before_the_end(tmp_path, monkeypatch):
    path, _rows = _sheet_of_many_rows(tmp_path)

    frames, opened = _in_process(path, monkeypatch)

    assert opened > 5
    assert frames[0] == (b"M", {"start": [2, 0], "height": None, "width": 6})
    assert sum(len(rows) for kind, rows in frames if kind == b"R") == 601
    assert frames[-1] == (b"D", None)


def test_a_small_sheet_or_one_without_row_numbers_is_read_whole(tmp_path, monkeypatch):
    # given: rows without r attributes, which a piece would number from 1 again
    body = "".join(f"<row><c><v>{i}</v></c><c><v>{i * 2}</v></c></row>" for i in range(400))
    path = tmp_path / "norefs.xlsx"
    path.write_bytes(h.package({"Data": h.sheet_xml(body, dimension=None)}))

    frames, opened = _in_process(path, monkeypatch, piece_bytes=500)
    small, opened_small = _in_process(_sheet_of_many_rows(tmp_path)[0], monkeypatch, piece_bytes=10**7)

    assert opened == 0  # read whole, by path
    assert [row for kind, rows in frames if kind == b"R" for row in rows][399] == [399.0, 798.0]
    assert opened_small == 0
    assert small[0] == (b"M", {"start": [2, 0], "height": 601, "width": 6})


def _numbered_rows(first: int, end: int) -> str:
    """Rows `first`..`end - 1`, each with its own number in column A."""
    return "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(first, end))


@pytest.mark.parametrize(
    "body",
    [
        # a row numbered before the rows of an earlier piece
        _numbered_rows(1, 400) + '<row r="2"><c r="B2"><v>1</v></c></row>',
        # a cell placed after its piece's last row (a reader taking it whole puts it there)
        '<row r="1"><c r="A1"><v>1</v></c><c r="A390"><v>1</v></c></row>' + _numbered_rows(2, 400),
    ],
)
def test_rows_out_of_order_are_refused_when_read_in_pieces(tmp_path, monkeypatch, body):
    path = tmp_path / "order.xlsx"
    path.write_bytes(h.package({"Data": h.sheet_xml(body, dimension=None)}))
    monkeypatch.setattr(spreadsheets, "PIECE_BYTES", 500)

    with open_workbook(path) as book:
        assert len(book.table("Data")) == 399  # read whole, the reader sorts them
        with pytest.raises(Refused) as info, book.rows("Data", pieces=True) as rows:
            list(rows)

    assert info.value.code == "order"
    assert "tidak berurutan" in info.value.message


def test_rows_read_in_pieces_come_while_the_scan_goes_on_and_never_before_it(tmp_path, monkeypatch):
    # given: 600 rows, a formula at row 450, scanned and read a few rows at a time
    rows = [["nik", "nama"]] + [[3325000000 + i, f"NAMA {i}"] for i in range(599)]
    path = _xlsx(tmp_path, rows, formulas={(449, 1): "=1+1"})
    monkeypatch.setattr(spreadsheets, "_CHUNK", 2000)
    monkeypatch.setattr(spreadsheets, "PIECE_BYTES", 2000)

    # when: each row as it comes, with the formula cells the scan has found by then
    with open_workbook(path) as book, book.rows("Data", pieces=True) as stream:
        seen = [(row[1], list(stream.scanned.formula_cells)) for row in stream]
        scanned = book.sheet("Data")

    # then: the first rows came before the scan reached row 450, and row 450 after it
    assert seen[0] == ("nama", [])
    assert seen[449][1] == [(450, 1)]
    assert scanned.rows == 600
    assert scanned.formula_cells == [(450, 1)]


def test_a_formula_found_after_its_row_was_handed_on_refuses_the_sheet(tmp_path, monkeypatch):
    # given: a cell of row 5 with a formula, written inside row 300 (a reader taking the sheet
    # whole puts it at row 5), in a sheet the child reads whole while the scan hands rows on
    body = (
        _numbered_rows(1, 300)
        + '<row r="300"><c r="A300"><v>300</v></c><c r="B5"><f>1+1</f><v>2</v></c></row>'
    )
    path = tmp_path / "late.xlsx"
    path.write_bytes(h.package({"Data": h.sheet_xml(body, dimension=None)}))
    monkeypatch.setattr(spreadsheets, "_CHUNK", 500)

    with open_workbook(path) as book:
        with pytest.raises(Refused) as info, book.rows("Data", pieces=True) as stream:
            list(stream)

    assert info.value.code == "order"


def test_a_refusal_further_into_the_scan_ends_the_rows(tmp_path, monkeypatch):
    # given: a cell in column Z of row 500, with at most 10 columns allowed
    body = _numbered_rows(1, 500) + '<row r="500"><c r="Z500"><v>1</v></c></row>'
    path = tmp_path / "wide.xlsx"
    path.write_bytes(h.package({"Data": h.sheet_xml(body, dimension=None)}))
    monkeypatch.setattr(spreadsheets, "_CHUNK", 500)
    monkeypatch.setattr(spreadsheets, "PIECE_BYTES", 500)
    came: list[list] = []

    with open_workbook(path, limit=Limits(columns=10)) as book:
        with pytest.raises(Refused) as info, book.rows("Data", pieces=True) as stream:
            came.extend(stream)

    assert info.value.code == "columns"
    assert len(came) < 499


def test_pieces_read_every_row():
    with pytest.raises(ValueError, match="every row"):
        open_workbook(h.package({"Data": h.sheet_xml("")})).rows("Data", pieces=True, max_rows=5)
