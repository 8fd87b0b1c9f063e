"""The follow-up list as a spreadsheet (NIK masked: the list goes to cadres and schools)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from balai.core import xlsx
from balai.education.selectors import Child

if TYPE_CHECKING:
    from balai.regions.models import Village

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


def follow_up_xlsx(
    children: Iterable[Child],
    *,
    title: str,
    day: dt.date,
    village: Village | None = None,
    filters: xlsx.Filters = (),
) -> bytes:
    book = xlsx.Workbook(title=title, village=village, filters=filters)
    sheet = book.add_sheet("Tindak lanjut")
    styles = book.table_styles()
    cell, date = styles.cell, styles.date
    sheet.write(0, 0, title, styles.title)
    sheet.write(1, 0, f"Umur dihitung pada {day:%d-%m-%Y}")
    sheet.write_header(3, COLUMNS, styles.head)
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
        sheet.write_row(row, 0, values, cell)
        sheet.write(row, len(values), c.followup_on, date if c.followup_on else cell)
    sheet.freeze_panes(4, 0)
    return book.close()
