"""Regency tables (and the freshness board, rollout and weekly digest) as XLSX (through `core.xlsx`, with "as of", source and filters in the file)
and CSV (open data: counts per village and month, small cells suppressed)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core.xlsx import Workbook
from balai.regency import figures as F
from balai.regency.selectors import STAGES, FreshRow, Ranked, RegencyTable, Rollout, RolloutRow

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
            *(
                [(_("Belum aktif pada bulan itu"), _("%(n)s desa, tidak dihitung") % {"n": table.later})]
                if table.later
                else []
            ),
            (_("Sumber"), SOURCE),
            *([(_("Perkiraan"), _("sebagian diperkirakan dari riwayat"))] if table.estimated else []),
            *filters,
        ],
        as_of=table.as_of,
    )
    styles = book.table_styles()
    sheet = book.add_sheet(table.month.label)
    sheet.write(
        0, 0, _("Angka desa %(month)s — %(area)s") % {"month": table.period.label, "area": area}, styles.title
    )
    # Local time, as the page and the PDF say it (the snapshot is stored in UTC).
    as_of = (
        timezone.localtime(table.as_of).strftime("%d-%m-%Y %H:%M") if table.as_of else _("belum ada snapshot")
    )
    if table.estimated:
        as_of = _("%(when)s (sebagian diperkirakan dari riwayat)") % {"when": as_of}
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


# --- The freshness board, the rollout and the weekly digest as workbooks --------------------

BOARD_SOURCE = "Balai — dihitung langsung dari data desa saat diunduh"


def _day(value: dt.datetime | dt.date | None) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _sheet_table(
    book: Workbook,
    *,
    name: str,
    title: str,
    columns: Sequence[tuple[str, float]],
    rows: Sequence[Sequence[object]],
    source: str = BOARD_SOURCE,
) -> None:
    """A titled sheet with "data per" and source under the title, column heads, then rows."""
    styles = book.table_styles()
    sheet = book.add_sheet(name)
    sheet.write(0, 0, title, styles.title)
    as_of = timezone.localtime(book.as_of).strftime("%d-%m-%Y %H:%M")
    sheet.write(1, 0, _("Data per: %(as_of)s. Sumber: %(source)s") % {"as_of": as_of, "source": source})
    filters = "; ".join(f"{k}: {v}" for k, v in book.filters if k != _("Sumber"))
    if filters:
        sheet.write(2, 0, _("Filter: %(filters)s") % {"filters": filters})
    sheet.write_header(4, columns, styles.head)
    for i, cells in enumerate(rows, start=5):
        for col, value in enumerate(cells):
            sheet.write(i, col, value, styles.date if isinstance(value, dt.date) else styles.cell)
    sheet.freeze_panes(5, 1)


def freshness_columns(year: int) -> list[tuple[str, float]]:
    return [
        (_("Kode desa"), 14),
        (_("Desa"), 18),
        (_("Kecamatan"), 16),
        (_("Status"), 9),
        (_("Penduduk: terakhir dicatat"), 13),
        (_("Peristiwa terakhir"), 13),
        (_("Peristiwa bulan ini"), 10),
        (_("Surat terakhir"), 13),
        (_("Surat bulan ini"), 10),
        (_("Posyandu terakhir"), 13),
        (_("Sesi posyandu bulan ini"), 10),
        (_("Tahap bantuan lewat jadwal"), 10),
        (_("Keuangan terakhir"), 13),
        (_("APBDes %(year)s") % {"year": year}, 14),
        (_("Tanpa tanggal lahir"), 10),
        (_("Tanpa RT"), 10),
        (_("Alasan"), 60),
    ]


def freshness_cells(r: FreshRow) -> list[object]:
    quality = r.quality or {}
    return [
        r.code,
        r.name,
        r.district_name,
        r.status_label,
        _day(r.last_activity),
        r.last_event,
        r.events_month,
        _day(r.last_letter),
        r.letters_month,
        r.last_posyandu if r.has_posyandu else _("belum ada posyandu"),
        r.posyandu_month,
        r.aid_overdue,
        _day(r.last_finance),
        r.apbdes_label,
        quality.get("no_birth_date") if r.quality else None,
        quality.get("no_rt") if r.quality else None,
        "; ".join(r.reasons),
    ]


def freshness_xlsx(
    rows: list[FreshRow], *, area: str, filters: list[tuple[str, str]], today: dt.date
) -> bytes:
    title = _("Kesegaran data desa — %(area)s") % {"area": area}
    book = Workbook(title=title, filters=[(_("Sumber"), BOARD_SOURCE), *filters])
    _sheet_table(
        book,
        name=_("Kesegaran"),
        title=title,
        columns=freshness_columns(today.year),
        rows=[freshness_cells(r) for r in rows],
    )
    return book.close()


def rollout_xlsx(
    data: Rollout, rows: list[RolloutRow], *, area: str, filters: list[tuple[str, str]]
) -> bytes:
    title = _("Peluncuran Balai ke desa — %(area)s") % {"area": area}
    book = Workbook(title=title, filters=[(_("Sumber"), BOARD_SOURCE), *filters])
    stages = [str(label) for _key, label in STAGES]
    _sheet_table(
        book,
        name=_("Desa"),
        title=title,
        columns=[(_("Kode desa"), 14), (_("Desa"), 18), (_("Kecamatan"), 16), (_("Tahap"), 14)]
        + [(_("Tanggal: %(stage)s") % {"stage": s}, 12) for s in stages[1:]]
        + [(_("Yang kurang untuk tahap berikutnya"), 50)],
        rows=[
            [r.code, r.name, r.district_name, r.stage_label]
            + [_day(r.reached.get(key)) for key, _label in STAGES[1:]]
            + ["; ".join(r.missing)]
            for r in rows
        ],
    )
    _sheet_table(
        book,
        name=_("Per kecamatan"),
        title=title,
        columns=[(_("Kecamatan"), 18), *[(s, 11) for s in stages]],
        rows=[[name, *counts] for _code, name, counts in data.by_district()],
    )
    _sheet_table(
        book,
        name=_("Linimasa"),
        title=title,
        columns=[(_("Bulan"), 16), *[(s, 11) for s in stages[1:]]],
        rows=[[month.label, *counts[1:]] for month, counts in data.timeline()],
    )
    return book.close()


def digest_xlsx(data: dict[str, Any], *, area: str) -> bytes:
    title = _("Ringkasan mingguan — %(area)s") % {"area": area}
    period = "{} – {}".format(data["since"].strftime("%d-%m-%Y"), data["today"].strftime("%d-%m-%Y"))
    book = Workbook(title=title, filters=[(_("Sumber"), BOARD_SOURCE), (_("Pekan"), period)])
    _sheet_table(
        book,
        name=_("Perlu dihubungi"),
        title=title,
        columns=[(_("Desa"), 18), (_("Kecamatan"), 16), (_("Status"), 9), (_("Alasan"), 70)],
        rows=[[r.name, r.district_name, r.status_label, "; ".join(r.reasons)] for r in data["attention"]],
    )
    _sheet_table(
        book,
        name=_("Kegiatan pekan ini"),
        title=title,
        columns=[
            (_("Desa"), 18),
            (_("Kecamatan"), 16),
            (_("Peristiwa (menurut tanggal peristiwa)"), 12),
            (_("Surat terbit"), 12),
        ],
        rows=[[i["row"].name, i["row"].district_name, i["events"], i["letters"]] for i in data["rows"]],
    )
    return book.close()


def compare_xlsx(
    ranked: list[Ranked],
    *,
    median: float | None,
    figure: F.Figure,
    area: str,
    filters: list[tuple[str, str]],
    as_of: dt.datetime | None,
) -> bytes:
    title = _("Banding desa: %(figure)s — %(area)s") % {"figure": figure.label, "area": area}
    book = Workbook(title=title, filters=[(_("Sumber"), SOURCE), *filters], as_of=as_of)
    rows: list[list[object]] = [
        [i, r.code, r.name, r.district_name, r.value] for i, r in enumerate(ranked, start=1)
    ]
    rows.append(["", "", _("Median"), "", median])
    _sheet_table(
        book,
        name=_("Banding desa"),
        title=title,
        columns=[
            ("#", 5),
            (_("Kode desa"), 14),
            (_("Desa"), 18),
            (_("Kecamatan"), 16),
            (str(figure.label), 14),
        ],
        rows=rows,
        source=SOURCE,
    )
    return book.close()
