"""The subsidiary books (Buku Pembantu Panjar, Buku Pembantu Kegiatan) as XLSX through
`core.xlsx` (text written as text, never as formulas)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from balai.core import xlsx

if TYPE_CHECKING:
    from balai.finance.advances import SubBook
    from balai.regions.models import Village


def subbook_xlsx(*, book: SubBook, village: Village, year: int) -> bytes:
    title = f"{book.title} {year}"
    wb = xlsx.Workbook(title=title, village=village, constant_memory=False)
    sheet = wb.add_sheet(book.title[:31])
    st = wb.table_styles()
    sheet.write(0, 0, title, st.title)
    if book.subtitle:
        sheet.write(1, 0, book.subtitle, st.cell)
    cols = [("No.", 6), ("Tanggal", 12), ("Nomor bukti", 24), ("Uraian", 48)]
    cols += [(label, 18) for _k, label in book.columns] + [("Saldo", 18)]
    sheet.write_header(3, cols, st.head)
    row = 4
    for n, r in enumerate(book.rows, start=1):
        sheet.write_row(row, 0, [n], st.cell)
        sheet.write(row, 1, r.date, st.date)
        sheet.write_row(row, 2, [r.number, r.description], st.cell)
        for i, (key, _label) in enumerate(book.columns):
            sheet.write(row, 4 + i, r.columns.get(key, 0), st.money)
        sheet.write(row, 4 + len(book.columns), r.balance, st.money)
        row += 1
    sheet.write(row, 3, "Jumlah", st.head)
    for i, (key, _label) in enumerate(book.columns):
        sheet.write(row, 4 + i, book.totals.get(key, 0), st.money)
    sheet.write(row, 4 + len(book.columns), book.closing, st.money)
    sheet.freeze_panes(4, 0)
    return wb.close()
