"""The registry's books (B1–B5), the monthly report, statistics and data quality pages."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.accounts.decorators import require
from balai.accounts.http import RegionalRequest, VillageRequest
from balai.audit.services import audit_record
from balai.core import xlsx
from balai.core.dates import Month, Period, Reporting, date_id
from balai.people import books, pdf, quality, statistics
from balai.regions.models import Village


def _period(request: HttpRequest) -> Period:
    """`?bulan=YYYY-MM` up to the running month (the books describe what happened); by
    default the last complete month (core.dates.Period)."""
    return Period.choose(request.GET.get("bulan"), today=timezone.localdate())


def _month(request: HttpRequest) -> Month:
    return _period(request).month


def _region_label(village: Village) -> str:
    kind = _("Kelurahan") if village.is_kelurahan else _("Desa")
    return f"{kind} {village.name}, {_('Kecamatan')} {village.district_name}"


@require("registry.read")
def index(request: VillageRequest) -> HttpResponse:
    village = request.village
    period = _period(request)
    month = period.month
    report = books.monthly_report(village_ids=[village.pk], year=month.year, month=month.month)
    return render(
        request,
        "people/books.html",
        {
            "village": village,
            "report": report,
            "books": books.BOOKS.values(),
            "month": month,
            **period.nav(),
            "quality": quality.village_quality(village=village),
        },
    )


def _content(
    *, village: Village, month: Month, title: str, code: str, columns: Any, rows: list[list[str]]
) -> dict[str, Any]:
    period = Period(month, timezone.localdate())
    return {
        "code": code,
        "title": title,
        "subtitle": f"{_region_label(village)} · {_('Bulan')} {period.label}",
        "columns": [{"label": c.label, "width": c.width} for c in columns],
        "rows": rows,
        "empty": _("Tidak ada data pada bulan ini."),
        "place_date": f"{village.name}, {date_id(timezone.localdate())}",
        "signer_position": _("Kepala Desa %(name)s") % {"name": village.name},
        # The village profile's head (the registry sits below staffing and cannot read its
        # posts); a blank line to sign on when the profile has none.
        "signer_name": village.head_name,
    }


def _audit(request: VillageRequest, what: str, month: Month, fmt: str) -> None:
    # A book lists every resident with full NIK: who took it, and when, is on the record.
    audit_record(
        actor=request.user,
        village=request.village,
        action="registry.book_exported",
        object_type="book",
        object_id=what,
        changes={"month": str(month), "format": fmt},
    )


def _xlsx_response(
    *, village: Village, month: Month, title: str, columns: Any, rows: Any, name: str
) -> FileResponse:
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", prefix="buku-")
    os.close(fd)
    path = Path(tmp)
    period = Period(month, timezone.localdate())
    try:
        with xlsx.Workbook(
            title=title,
            village=village,
            filters=[(_("Bulan"), month.label), *period.filters()],
            path=path,
            constant_memory=True,
        ) as book:
            sheet = book.add_sheet(title)
            styles = book.table_styles()
            sheet.write(0, 0, title, styles.title)
            sheet.write(1, 0, f"{_region_label(village)} · {_('Bulan')} {period.label}")
            sheet.write_header(3, [(c.label, c.width) for c in columns], styles.head)
            for i, row in enumerate(rows, start=4):
                sheet.write_row(i, 0, row, styles.cell)
        handle = path.open("rb")
    finally:
        path.unlink(missing_ok=True)
    return FileResponse(handle, as_attachment=True, filename=f"{name}.xlsx", content_type=xlsx.CONTENT_TYPE)


def _format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("format")
    return fmt if fmt in ("xlsx", "pdf") else None


@require("registry.read")
def book_download(request: VillageRequest) -> HttpResponseBase:
    """`?buku=induk&format=pdf&bulan=2026-11`; without a format, back to the books page."""
    fmt = _format(request)
    if fmt is None:
        return redirect("people:books")
    slug = request.GET.get("buku", "")
    book = books.BOOKS.get(slug)
    if book is None:
        raise Http404
    village, month = request.village, _month(request)
    title = f"{book.code} {book.title}"
    rows = books.book_rows(book=book, village=village, year=month.year, month=month.month)
    _audit(request, slug, month, fmt)
    name = f"{book.code.lower()}-{book.slug}-{village.code_digits}-{month}"
    if fmt == "xlsx":
        return _xlsx_response(
            village=village, month=month, title=title, columns=book.columns, rows=rows, name=name
        )
    content = _content(
        village=village,
        month=month,
        title=title,
        code=book.code,
        columns=book.columns,
        rows=list(books.as_text(rows)),
    )
    response = HttpResponse(pdf.render_book(content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


REPORT_COLUMNS = (
    books.Column(_("Uraian"), 30),
    books.Column("L", 8),
    books.Column("P", 8),
    books.Column("L+P", 8),
)


def _report_rows(report: books.MonthlyReport) -> list[list[Any]]:
    rows: list[list[Any]] = [[str(label), ln.male, ln.female, ln.total] for _k, label, ln in report.rows]
    rows.append([_("Jumlah keluarga (KK) akhir bulan"), "", "", report.families_end])
    return rows


@require("registry.read")
def monthly_report_download(request: VillageRequest) -> HttpResponseBase:
    fmt = _format(request)
    if fmt is None:
        return redirect("people:books")
    village, month = request.village, _month(request)
    report = books.monthly_report(village_ids=[village.pk], year=month.year, month=month.month)
    title = _("Laporan Bulanan Kependudukan")
    name = f"laporan-bulanan-{village.code_digits}-{month}"
    _audit(request, "laporan-bulanan", month, fmt)
    if fmt == "xlsx":
        return _xlsx_response(
            village=village,
            month=month,
            title=title,
            columns=REPORT_COLUMNS,
            rows=_report_rows(report),
            name=name,
        )
    content = _content(
        village=village,
        month=month,
        title=title,
        code="LB",
        columns=REPORT_COLUMNS,
        rows=list(books.as_text(_report_rows(report))),
    )
    response = HttpResponse(pdf.render_book(content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@require("registry.read")
def village_statistics(request: VillageRequest) -> HttpResponse:
    village = request.village
    category = statistics.category_or_default(request.GET.get("kategori"))
    table = statistics.category_table(village_ids=[village.pk], category=category)
    if request.GET.get("format") == "xlsx":
        return _stats_xlsx(
            village=village, table=table, name=f"statistik-{category.key}-{village.code_digits}"
        )
    return render(
        request,
        "people/statistics.html",
        {
            "area": _region_label(village),
            "table": table,
            "categories": statistics.CATEGORIES,
            "category": category,
        },
    )


def _stats_xlsx(
    *,
    village: Village | None,
    table: statistics.CategoryTable,
    name: str,
    by_village: statistics.VillageCategoryTable | None = None,
) -> HttpResponse:
    body = statistics.table_xlsx(village=village, table=table, by_village=by_village)
    response = HttpResponse(body, content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@require("aggregates.read", village=False)
def regional_statistics(request: RegionalRequest) -> HttpResponse:
    scope = request.scope
    villages = list(scope.readable_villages().order_by("district_code", "code"))
    ids = [v.pk for v in villages]
    category = statistics.category_or_default(request.GET.get("kategori"))
    period = _period(request)
    month = period.month
    table, by_village = statistics.regional_tables_cached(villages=villages, category=category)
    if request.GET.get("format") == "xlsx":
        return _stats_xlsx(
            village=None, table=table, name=f"statistik-{category.key}-wilayah", by_village=by_village
        )
    if request.GET.get("format") == "pdf":
        from balai.accounts.area import area_name
        from balai.core import tabledownload
        from balai.people import downloads

        return tabledownload.response(
            downloads.statistics_report(area=area_name(scope), table=table, by_village=by_village),
            kind="pdf",
            name=f"statistik-{category.key}-wilayah",
        )
    report = books.monthly_report(village_ids=ids, year=month.year, month=month.month)
    reported = books.villages_with_events(village_ids=ids, year=month.year, month=month.month)
    return render(
        request,
        "people/statistics.html",
        {
            "area": _("Wilayah Anda (%(n)d desa)") % {"n": len(ids)},
            "table": table,
            "by_village": by_village,
            "categories": statistics.CATEGORIES,
            "category": category,
            "report": report,
            "month": month,
            **period.nav(),
            "reporting": Reporting(len(reported), len(ids), _("desa")),
            "regional": True,
        },
    )


@require("aggregates.read", village=False)
def regional_quality(request: RegionalRequest) -> HttpResponse:
    villages = list(request.scope.readable_villages().order_by("code"))
    ranking = quality.ranking(villages=villages)
    return render(request, "people/quality_ranking.html", {"ranking": ranking})


@require("aggregates.read", village=False)
def regional_quality_download(request: RegionalRequest, kind: str) -> HttpResponse:
    """The ranking as XLSX or PDF: the villages the page shows (a camat's district only)."""
    from balai.accounts.area import area_name
    from balai.core import tabledownload
    from balai.people import downloads

    villages = list(request.scope.readable_villages().order_by("code"))
    report = downloads.quality_report(
        area=area_name(request.scope), ranking=quality.ranking(villages=villages)
    )
    return tabledownload.response(report, kind=kind, name="mutu-data-penduduk")
