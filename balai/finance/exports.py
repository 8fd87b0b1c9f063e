"""Finance spreadsheets through `core.xlsx` (text written as text, never as formulas)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from balai.core import xlsx
from balai.finance import selectors

if TYPE_CHECKING:
    from balai.finance.models import Budget
    from balai.regions.models import Village


def book_xlsx(*, budget: Budget, book: str, title: str, village: Village) -> bytes:
    wb = xlsx.Workbook(title=title, village=village, constant_memory=False)
    sheet = wb.add_sheet(title)
    st = wb.table_styles()
    sheet.write(0, 0, title, st.title)
    cols = [
        ("No.", 6),
        ("Tanggal", 12),
        ("Nomor bukti", 26),
        ("Uraian", 44),
        ("Kode rekening", 14),
        ("Penerimaan", 16),
        ("Pengeluaran", 16),
        ("Saldo", 18),
    ]
    sheet.write_header(2, cols, st.head)
    first = selectors.book_page(budget=budget, book=book, page=1, per_page=10**7)
    sheet.write_row(3, 0, ["", "", "", "Saldo awal", "", "", "", first.opening], st.cell)
    sheet.write(3, 7, first.opening, st.money)
    for n, r in enumerate(first.rows, start=1):
        row = n + 3
        sheet.write_row(row, 0, [n], st.cell)
        sheet.write(row, 1, r["date"], st.date)
        sheet.write_row(row, 2, [r["number"], r["description"], r["account_code"]], st.cell)
        for col, key in ((5, "in"), (6, "out"), (7, "balance")):
            sheet.write(row, col, r[key], st.money)
    end = len(first.rows) + 4
    sheet.write(end, 3, "Jumlah", st.head)
    sheet.write(end, 5, first.total_in, st.money)
    sheet.write(end, 6, first.total_out, st.money)
    sheet.write(end, 7, first.closing, st.money)
    sheet.freeze_panes(3, 0)
    return wb.close()


def lra_xlsx(*, report: selectors.Lra, title: str, village: Village) -> bytes:
    wb = xlsx.Workbook(title=title, village=village)
    sheet = wb.add_sheet("LRA")
    st = wb.table_styles()
    sheet.write(0, 0, title, st.title)
    sheet.write_header(
        2,
        [("Kode", 12), ("Uraian", 50), ("Anggaran", 18), ("Realisasi", 18), ("Lebih/(kurang)", 18), ("%", 6)],
        st.head,
    )
    row = 3
    for r in report.rows:
        sheet.write_row(row, 0, [r.code, ("  " * (r.level - 1)) + r.name], st.cell)
        for col, value in ((2, r.budget), (3, r.realised), (4, r.difference)):
            sheet.write(row, col, value, st.money)
        sheet.write(row, 5, r.percent, st.cell)
        row += 1
    for label, b, real in (
        ("Surplus/(defisit)", report.surplus_budget, report.surplus_realised),
        ("Pembiayaan netto", report.net_financing_budget, report.net_financing_realised),
        ("SiLPA tahun berjalan", report.silpa_budget, report.silpa_realised),
    ):
        sheet.write(row, 1, label, st.head)
        sheet.write(row, 2, b, st.money)
        sheet.write(row, 3, real, st.money)
        row += 1
    for label, real in (
        ("Pajak dipungut belum disetor", report.tax_held),
        ("Panjar belum di-SPJ-kan", -report.advances_out),
        ("Kas akhir", report.cash_closing),
    ):
        sheet.write(row, 1, label, st.head)
        sheet.write(row, 3, real, st.money)
        row += 1
    return wb.close()


def regional_xlsx(*, rows: Iterable[selectors.VillageRealisation], title: str) -> bytes:
    wb = xlsx.Workbook(title=title)
    sheet = wb.add_sheet("Per desa")
    st = wb.table_styles()
    sheet.write(0, 0, title, st.title)
    cols = [
        ("Kode desa", 16),
        ("Desa", 24),
        ("Kecamatan", 20),
        ("Status APBDes", 20),
        ("Pendapatan", 18),
        ("Realisasi pendapatan", 18),
        ("Belanja", 18),
        ("Realisasi belanja", 18),
        ("% belanja", 10),
        ("Terlambat", 10),
    ]
    sheet.write_header(2, cols, st.head)
    for n, r in enumerate(rows, start=3):
        v = r.village
        sheet.write_row(n, 0, [v.code, v.name, v.district_name, r.status], st.cell)
        for col, value in (
            (4, r.revenue),
            (5, r.revenue_realised),
            (6, r.spending),
            (7, r.spending_realised),
        ):
            sheet.write(n, col, value, st.money)
        sheet.write_row(n, 8, [r.spending_percent, r.behind_label], st.cell)
    sheet.freeze_panes(3, 2)
    return wb.close()
