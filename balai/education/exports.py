"""The follow-up list as a spreadsheet (NIK masked: the list goes to cadres and schools)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

import xlsxwriter

from balai.education.selectors import Child

COLUMNS = (
    ("No.", 6),
    ("Nama", 30),
    ("NIK", 20),
    ("JK", 5),
    ("Umur", 7),
    ("Dusun · RW/RT", 24),
    ("Status", 22),
    ("Alasan / risiko", 36),
    ("Sekolah terakhir", 28),
    ("Kelas", 7),
    ("Tahun ajaran", 12),
    ("PIP", 14),
    ("Tindak lanjut terakhir", 24),
    ("Tanggal tindak lanjut", 14),
)


def follow_up_xlsx(children: Iterable[Child], *, title: str, day: dt.date) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Tindak lanjut")
    bold = book.add_format({"bold": True, "border": 1, "bg_color": "#EEEEEE", "text_wrap": True})
    cell = book.add_format({"border": 1, "valign": "top", "text_wrap": True})
    date = book.add_format({"border": 1, "valign": "top", "num_format": "dd-mm-yyyy"})
    sheet.write(0, 0, title, book.add_format({"bold": True, "font_size": 13}))
    sheet.write(1, 0, f"Umur dihitung pada {day:%d-%m-%Y}")
    for col, (label, width) in enumerate(COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write(3, col, label, bold)
    for n, c in enumerate(children, start=1):
        row = n + 3
        why = "; ".join([c.reason_label, *c.risk_labels]) if c.reason_label else "; ".join(c.risk_labels)
        values = [
            n,
            c.name,
            c.nik_masked,
            c.sex,
            c.age,
            c.place,
            c.status_label,
            why,
            c.school,
            "" if c.grade is None else c.grade,
            "" if c.school_year is None else f"{c.school_year}/{c.school_year + 1}",
            c.pip,
            c.followup,
        ]
        for col, value in enumerate(values):
            sheet.write(row, col, value, cell)
        if c.followup_on:
            sheet.write_datetime(row, len(values), dt.datetime.combine(c.followup_on, dt.time()), date)
        else:
            sheet.write_blank(row, len(values), None, cell)
    sheet.freeze_panes(4, 0)
    book.close()
    return out.getvalue()
