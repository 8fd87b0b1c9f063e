"""One table page, two downloads: the `tablepdf.Report` a page builds is written both as XLSX
(through the one safe writer, `core.xlsx`) and as PDF (`core.tablepdf`), so the file and the
paper say the same thing: title, "data per", source, filters, then the tables.

Each table becomes a sheet with the title, "data per", source and filters above its column
heads; the workbook's notes sheet repeats them."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core import tablepdf, xlsx


def xlsx_bytes(report: tablepdf.Report) -> bytes:
    as_of = report.as_of or timezone.now()
    notes = [(_("Sumber"), report.source)] if report.source else []
    book = xlsx.Workbook(title=report.title, filters=[*notes, *report.filters], as_of=as_of)
    styles = book.table_styles()
    shown = timezone.localtime(as_of).strftime("%d-%m-%Y %H:%M")
    filters = "; ".join(f"{k}: {v}" for k, v in report.filters)
    for table in report.tables:
        sheet = book.add_sheet(table.title)
        sheet.write(0, 0, report.title, styles.title)
        line = 1
        if report.subtitle:
            sheet.write(line, 0, report.subtitle)
            line += 1
        sheet.write(
            line, 0, _("Data per: %(as_of)s. Sumber: %(source)s") % {"as_of": shown, "source": report.source}
        )
        sheet.write(
            line + 1, 0, _("Filter: %(filters)s") % {"filters": filters or _("tanpa filter (semua data)")}
        )
        head = line + 3
        sheet.write(head - 1, 0, table.title, styles.head)
        sheet.write_header(
            head,
            [(str(c), 24 if i < table.text_columns else 12) for i, c in enumerate(table.columns)],
            styles.head,
        )
        for r, row in enumerate(table.rows, start=head + 1):
            for c, value in enumerate(row):
                sheet.write(r, c, value, styles.date if isinstance(value, dt.date) else styles.cell)
        sheet.freeze_panes(head + 1, table.text_columns)
    return book.close()


def response(report: tablepdf.Report, *, kind: str, name: str) -> HttpResponse:
    """The download of `report` as `kind` ("xlsx" or "pdf"), named `<name>-<today>.<kind>`."""
    if kind == "xlsx":
        body, content_type = xlsx_bytes(report), xlsx.CONTENT_TYPE
    else:
        body, content_type = tablepdf.render(report), tablepdf.CONTENT_TYPE
    out = HttpResponse(body, content_type=content_type)
    out["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate().isoformat()}.{kind}"'
    return out
