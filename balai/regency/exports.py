"""Regency tables as XLSX (through `core.xlsx`, with "as of", source and filters in the file)
and CSV (open data: counts per village and month, small cells suppressed)."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from balai.core.xlsx import Workbook
from balai.regency import figures as F
from balai.regency.selectors import RegencyTable

SOURCE = "Balai — snapshot bulanan (dibekukan, tidak berubah setelah diambil)"
# Open data: a count below this (but above zero) is shown as blank, so a small village's
# rare event (one death, two stunted toddlers) cannot point at a household.
SMALL_CELL = 5


def table_xlsx(table: RegencyTable, *, area: str, filters: list[tuple[str, str]]) -> bytes:
    book = Workbook(
        title=_("Angka desa %(month)s — %(area)s") % {"month": table.month.label, "area": area},
        filters=[
            (_("Bulan"), table.month.label),
            *table.period.filters(),
            (_("Desa"), table.reporting.label),
            (_("Sumber"), SOURCE),
            *filters,
        ],
        as_of=table.as_of,
    )
    styles = book.table_styles()
    sheet = book.add_sheet(table.month.label)
    sheet.write(
        0, 0, _("Angka desa %(month)s — %(area)s") % {"month": table.period.label, "area": area}, styles.title
    )
    as_of = table.as_of.strftime("%d-%m-%Y %H:%M") if table.as_of else _("belum ada snapshot")
    sheet.write(1, 0, _("Data per: %(as_of)s. Sumber: %(source)s") % {"as_of": as_of, "source": SOURCE})
    columns = [(_("Kecamatan"), 18), (_("Kode desa"), 14), (_("Desa"), 20)] + [
        (str(f.label), 11) for f in F.FIGURES
    ]
    sheet.write_header(3, columns, styles.head)
    row = 4
    for district in table.districts:
        for v in district.villages:
            cells = [v.value(f.key) for f in F.FIGURES] if v.figures else [_("belum ada snapshot")]
            sheet.write_row(row, 0, [district.name, v.code, v.name, *cells], styles.cell)
            row += 1
        total = district.total
        sheet.write_row(
            row,
            0,
            [district.name, "", _("Jumlah kecamatan"), *[total.value(f.key) for f in F.FIGURES]],
            styles.head,
        )
        row += 1
    total = table.total
    sheet.write_row(row, 0, [_("Jumlah"), "", "", *[total.value(f.key) for f in F.FIGURES]], styles.head)
    sheet.freeze_panes(4, 3)
    return book.close()


def _suppressed(value: object) -> object:
    if isinstance(value, int) and 0 < value < SMALL_CELL:
        return ""
    return value


def table_csv(table: RegencyTable, *, suppress: bool = True) -> str:
    """One row per village: region codes, month, every figure (small counts blank when `suppress`)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["bulan", "kode_kecamatan", "kecamatan", "kode_desa", "desa", *[f.key for f in F.FIGURES]]
    )
    for district in table.districts:
        for v in district.villages:
            if not v.figures:
                continue
            cells = [v.value(f.key) for f in F.FIGURES]
            if suppress:
                cells = [
                    _suppressed(c) if F.BY_KEY[f.key].kind == "sum" else c
                    for c, f in zip(cells, F.FIGURES, strict=True)
                ]
                # A rate over a suppressed denominator would reveal what was blanked.
                measured = v.figures.get("children_measured", 0)
                if 0 < measured < SMALL_CELL:
                    cells[[f.key for f in F.FIGURES].index("stunting_rate")] = ""
            writer.writerow(
                [
                    str(table.month),
                    district.code,
                    district.name,
                    v.code,
                    v.name,
                    *["" if c is None else c for c in cells],
                ]
            )
    return out.getvalue()


def metadata() -> list[dict[str, str]]:
    """BPS MS-Var style metadata of the open dataset's variables."""
    return [
        {
            "nama_variabel": f.key,
            "alias": str(f.label),
            "konsep": str(f.group),
            "tipe_data": "persen" if f.kind == "rate" else "bilangan bulat",
            "aturan_validasi": f"kosong bila 1–{SMALL_CELL - 1} (disamarkan)" if f.kind == "sum" else "0–100",
            "akses": "publik",
        }
        for f in F.FIGURES
    ]
