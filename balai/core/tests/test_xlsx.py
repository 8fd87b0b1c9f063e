"""The export writer: text as text, the notes sheet, valid sheet names."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django import forms

from balai.core import xlsx


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x?a="&C5,"a")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_looks_like_a_formula_is_text_with_a_quote_prefix(text):
    book = xlsx.Workbook(title="Uji")
    book.add_sheet("Data").write(0, 0, text)

    data = book.close()

    cell = _open(data)["Data"]["A1"]
    assert cell.data_type == "s"
    assert cell.value == text.replace("\r", "_x000D_")  # how openpyxl shows a CR
    assert cell.quotePrefix
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")


def test_values_are_written_by_type():
    book = xlsx.Workbook(title="Uji")
    sheet = book.add_sheet("Data")
    sheet.write_row(0, 0, ["BUDI", 3, 2.5, True, dt.date(2026, 4, 1), None, float("nan")])

    row = next(_open(book.close())["Data"].iter_rows(values_only=True))

    assert row == ("BUDI", 3, 2.5, True, dt.datetime(2026, 4, 1), None, "nan")  # noqa: DTZ001


def test_the_notes_sheet_says_what_when_where_and_which_filters(village_a):
    as_of = dt.datetime(2026, 4, 1, 1, 30, tzinfo=dt.UTC)
    book = xlsx.Workbook(title="Rekap", village=village_a, filters=[("Bulan", "April 2026")], as_of=as_of)
    book.add_sheet("Data").write(0, 0, "x")

    wb = _open(book.close())

    assert wb.sheetnames == ["Data", "Keterangan"]
    rows = {r[0]: r[1] for r in wb["Keterangan"].iter_rows(values_only=True) if r[0]}
    assert rows["Isi"] == "Rekap"
    assert rows["Desa"] == f"{village_a.name} ({village_a.code})"
    assert rows["Data per"] == "01-04-2026 08:30 WIB"
    assert rows["Filter"] == "Bulan: April 2026"


def test_sheet_names_are_made_valid_and_unique():
    book = xlsx.Workbook(title="Uji")
    names = [book.add_sheet(n).name for n in ("A/B: [x]*?", "Keterangan", "a/b- [x]--", "'kutip'", "x" * 40)]
    book.close()

    assert names == ["A-B- -x---", "Keterangan 2", "a-b- -x--- 2", "kutip", "x" * 31]


def test_form_filters_show_labels_and_choice_names():
    class F(forms.Form):
        status = forms.ChoiceField(label="Status", choices=[("ats", "Tidak sekolah"), ("risk", "Berisiko")])
        day = forms.DateField(label="Tanggal", required=False)
        q = forms.CharField(label="Cari", required=False)

    form = F({"status": "ats", "day": "2026-04-01", "q": ""})

    assert xlsx.form_filters(form) == [("Status", "Tidak sekolah"), ("Tanggal", "01-04-2026")]
    assert xlsx.form_filters(F()) == []
