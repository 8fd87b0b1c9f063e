"""Health reports: monthly posyandu report (SKDN), stunting prevalence per dusun with a tile
map, the district/regency overview, and the e-PPGBM export. Thin: counts come from
`reports`, the by-name file from `eppgbm`."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.accounts.decorators import require
from balai.accounts.http import RegionalRequest, VillageRequest
from balai.accounts.models import ScopeLevel
from balai.audit.services import audit_record
from balai.core import xlsx
from balai.core.dates import Period, Reporting
from balai.health import reports
from balai.health.eppgbm import eppgbm_xlsx
from balai.health.reports import BANDS, METRICS, Month, Prevalence, TrendPoint, suppressed
from balai.regions.models import Village
from balai.regions.selectors import deployment_regency_code, region_names

XLSX = xlsx.CONTENT_TYPE
METRIC_WORDS = {
    "S": gettext_lazy("S — balita di wilayah (0–59 bulan)"),
    "K": gettext_lazy("K — punya KMS (catatan pertumbuhan)"),
    "D": gettext_lazy("D — ditimbang bulan ini"),
    "N": gettext_lazy("N — berat badan naik"),
    "T": gettext_lazy("T — tidak naik"),
    "O": gettext_lazy("O — tidak ditimbang bulan lalu"),
    "B": gettext_lazy("B — baru pertama ditimbang"),
}
# WHO/UNICEF 2018 prevalence thresholds for stunting (public health significance).
LEVELS: tuple[tuple[float, str, str], ...] = (
    (2.5, "sangat-rendah", "#1a9850"),
    (10.0, "rendah", "#91cf60"),
    (20.0, "sedang", "#fee08b"),
    (30.0, "tinggi", "#fc8d59"),
    (math.inf, "sangat-tinggi", "#d73027"),
)
NO_DATA_COLOUR = "#d9d9d9"
REGIONAL_CACHE_SECONDS = 600


def _period(request: HttpRequest) -> Period:
    """`?bulan=` up to the running month; by default the last complete month (core.dates)."""
    return Period.choose(request.GET.get("bulan"), today=timezone.localdate())


def _months(period: Period) -> list[Period]:
    """The month picker's choices, newest first: the running month (labelled) and 11 before."""
    return [Period(m, period.today) for m in Month.of(period.today).back(12)[::-1]]


def level_colour(prevalence: float | None) -> str:
    if prevalence is None:
        return NO_DATA_COLOUR
    for limit, _name, colour in LEVELS:
        if prevalence < limit:
            return colour
    return LEVELS[-1][2]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%".replace(".", ",")


# --- SVG ---------------------------------------------------------------------------------


def sparkline(
    points: Sequence[TrendPoint],
    *,
    x: float,
    y: float,
    width: float,
    height: float,
    running: Month | None = None,
) -> str:
    """Stunting prevalence over the months, as a polyline in a box (0–50 %). The running
    month is left out: its few measurements would make the line jump."""
    values = [None if p.month == running else p.value.stunting for p in points]
    step = width / max(len(values) - 1, 1)
    parts: list[str] = []
    run: list[str] = []
    for i, value in enumerate(values):
        if value is None:
            if len(run) > 1:
                parts.append(" ".join(run))
            run = []
            continue
        top = y + height - min(value, 50.0) / 50.0 * height
        run.append(f"{x + i * step:.1f},{top:.1f}")
    if len(run) > 1:
        parts.append(" ".join(run))
    lines = "".join(f'<polyline points="{p}" fill="none" stroke="#222" stroke-width="1.5"/>' for p in parts)
    base = f'<line x1="{x}" y1="{y + height}" x2="{x + width}" y2="{y + height}" stroke="#555" stroke-width="0.5"/>'
    return base + lines


def tile_map_svg(
    tiles: Sequence[tuple[str, Prevalence, Sequence[TrendPoint]]], *, running: Month | None = None
) -> SafeString:
    """One square per dusun coloured by stunting prevalence, with its 12-month sparkline.

    The registry holds no dusun boundaries, so this is a tile map (small multiples), not a
    geographic map: tiles are in alphabetical order, not where the dusuns lie."""
    if not tiles:
        return mark_safe("")
    cols = max(1, math.ceil(math.sqrt(len(tiles))))
    w, h, gap = 170, 120, 8
    rows = math.ceil(len(tiles) / cols)
    width, height = cols * (w + gap) + gap, rows * (h + gap) + gap
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" class="tilemap" aria-label="{escape(_("Peta petak prevalensi stunting per dusun"))}">'
    ]
    for i, (name, value, trend) in enumerate(tiles):
        x = gap + (i % cols) * (w + gap)
        y = gap + (i // cols) * (h + gap)
        label = _pct(value.stunting)
        title = escape(f"{name}: {label} ({value.stunted}/{value.measured})")
        out.append(
            f'<g><title>{title}</title><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" '
            f'fill="{level_colour(value.stunting)}" stroke="#444" stroke-width="0.5"/>'
            f'<text x="{x + 8}" y="{y + 18}" font-size="13" font-weight="bold">{escape(name[:22])}</text>'
            f'<text x="{x + 8}" y="{y + 42}" font-size="20">{escape(label)}</text>'
            f'<text x="{x + 8}" y="{y + 60}" font-size="11">{value.stunted}/{value.measured} '
            f"{escape(_('anak'))}</text>"
            f"{sparkline(trend, x=x + 8, y=y + 70, width=w - 16, height=40, running=running)}</g>"
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text is escaped above


def trend_svg(points: Sequence[TrendPoint], *, running: Month | None = None) -> SafeString:
    """Stunting, wasting and underweight (%) over the months, as lines. The running month
    (`running`, when the trend reaches it) is joined by a dashed segment and its label marked
    "berjalan": a month of a few days' measurements must not read as a rise or a fall."""
    if not points:
        return mark_safe("")
    width, height, left, bottom, top = 640, 220, 40, 30, 10
    plot_w, plot_h = width - left - 10, height - bottom - top
    ceiling = max(
        [10.0]
        + [
            v
            for p in points
            for v in (p.value.stunting, p.value.wasting, p.value.underweight_rate)
            if v is not None
        ]
    )
    ceiling = math.ceil(ceiling / 10) * 10
    step = plot_w / max(len(points) - 1, 1)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'class="trend" aria-label="{escape(_("Tren prevalensi 12 bulan"))}">'
    ]
    for k in range(0, int(ceiling) + 1, 10):
        yy = top + plot_h - k / ceiling * plot_h
        out.append(
            f'<line x1="{left}" y1="{yy:.1f}" x2="{width - 10}" y2="{yy:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 4}" y="{yy + 4:.1f}" font-size="10" text-anchor="end">{k}%</text>'
        )
    for i, p in enumerate(points):
        mark = "*" if p.month == running else ""
        out.append(
            f'<text x="{left + i * step:.1f}" y="{height - 10}" font-size="10" text-anchor="middle">'
            f"{p.month.month:02d}/{p.month.year % 100:02d}{mark}</text>"
        )
    series = (
        ("stunting", "#d73027", _("Stunting (TB/U < −2 SD)")),
        ("wasting", "#4575b4", _("Wasting (BB/TB < −2 SD)")),
        ("underweight_rate", "#7b3294", _("Underweight (BB/U < −2 SD)")),
    )
    for n, (attr, colour, label) in enumerate(series):
        coords = [
            f"{left + i * step:.1f},{top + plot_h - v / ceiling * plot_h:.1f}"
            for i, p in enumerate(points)
            if (v := getattr(p.value, attr)) is not None and p.month != running
        ]
        if coords:
            out.append(
                f'<polyline points="{" ".join(coords)}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        last = points[-1] if points else None
        if last is not None and last.month == running and (v := getattr(last.value, attr)) is not None:
            here = f"{left + (len(points) - 1) * step:.1f},{top + plot_h - v / ceiling * plot_h:.1f}"
            out.append(
                f'<polyline class="trend-running" points="{" ".join([*coords[-1:], here])}" fill="none" '
                f'stroke="{colour}" stroke-width="1.5" stroke-dasharray="4 3"/>'
            )
        out.append(
            f'<rect x="{left + 10 + n * 200}" y="{top}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{left + 24 + n * 200}" y="{top + 9}" font-size="11">{escape(label)}</text>'
        )
    if running is not None and points and points[-1].month == running:
        out.append(
            f'<text x="{left + 10}" y="{top + 26}" font-size="10">'
            f"{escape(_('* bulan berjalan (garis putus-putus), data belum lengkap'))}</text>"
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text is escaped above


# --- Village pages ------------------------------------------------------------------------


def _posyandu_reporting(village: Village, month: Month) -> Reporting:
    reported, total = reports.posyandu_reporting(village=village, month=month)
    return Reporting(reported, total, _("posyandu"))


@require("health.aggregates")
def report_monthly(request: VillageRequest) -> HttpResponse:
    village = request.village
    period = _period(request)
    month = period.month
    report = reports.monthly_report(village=village, month=month)
    return render(
        request,
        "health/reports/monthly.html",
        {
            "report": report,
            "month": month,
            "period": period,
            "reporting": _posyandu_reporting(village, month),
            "months": _months(period),
            "bands": [name for name, _lo, _hi in BANDS],
            "metric_words": METRIC_WORDS,
            "can_export_names": request.scope.can("health.read"),
        },
    )


def monthly_xlsx_bytes(
    report: reports.MonthlyReport, *, period: Period | None = None, reporting: Reporting | None = None
) -> bytes:
    period = period or Period(report.month, timezone.localdate())
    title = _("Laporan bulanan posyandu (SKDN) Desa %(village)s — %(month)s") % {
        "village": report.village.name,
        "month": report.month,
    }
    filters = [(_("Bulan"), str(report.month)), *period.filters()]
    if reporting is not None:
        filters.append((_("Posyandu melapor"), reporting.label))
    book = xlsx.Workbook(title=title, village=report.village, filters=filters)
    bold = book.style(bold=True)
    pct = book.style(num_format="0.0")
    summary = book.add_sheet(_("Rekap posyandu"))
    summary.write(0, 0, title, bold)
    summary.write(1, 0, " · ".join(x for x in (period.label, reporting.label if reporting else "") if x))
    head = [_("Posyandu"), *METRICS, "D/S (%)", "N/D (%)"]
    summary.write_row(2, 0, head, bold)
    rows = [*report.posyandus, report.total]
    for r, row in enumerate(rows, start=3):
        name = row.name or _("Tanpa posyandu")
        if row is report.total:
            name = _("Jumlah desa")
        summary.write(r, 0, name, bold if row is report.total else None)
        summary.write_row(r, 1, [row.n(m) for m in METRICS])
        for c, value in ((len(METRICS) + 1, row.d_s), (len(METRICS) + 2, row.n_d)):
            if value is not None:
                summary.write(r, c, value, pct)
    summary.set_column(0, 0, 26)
    for index, row in enumerate(rows):
        title = _("Desa") if row is report.total else (row.name or _("Tanpa posyandu"))
        # add_sheet makes the name valid: Excel refuses []:*?/\ and more than 31 characters.
        sheet = book.add_sheet(f"{index + 1} {title}")
        sheet.write(
            0,
            0,
            _("%(title)s — %(month)s: menurut umur (bulan) dan jenis kelamin")
            % {"title": title, "month": report.month},
            bold,
        )
        sheet.write(1, 0, "", bold)
        for b, (band, _lo, _hi) in enumerate(BANDS):
            sheet.merge(1, 1 + 2 * b, 1, 2 + 2 * b, _("%(band)s bulan") % {"band": band}, bold)
            sheet.write_row(2, 1 + 2 * b, ["L", "P"], bold)
        total_col = 1 + 2 * len(BANDS)
        sheet.write_row(2, total_col, ["L", "P", "Jumlah"], bold)
        for r, line in enumerate(row.table(), start=3):
            sheet.write(r, 0, str(line["metric"]), bold)
            sheet.write_row(r, 1, list(line["cells"]))  # type: ignore[call-overload]
            sheet.write_row(r, total_col, [line["male"], line["female"], line["total"]])
    return book.close()


@require("health.aggregates")
def report_monthly_xlsx(request: VillageRequest) -> HttpResponse:
    village = request.village
    period = _period(request)
    month = period.month
    report = reports.monthly_report(village=village, month=month)
    body = monthly_xlsx_bytes(report, period=period, reporting=_posyandu_reporting(village, month))
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="laporan-posyandu-{month}.xlsx"'
    return response


@require("health.aggregates")
def stunting(request: VillageRequest) -> HttpResponse:
    village = request.village
    period = _period(request)
    month = period.month
    running = month if period.running else None
    by_dusun = reports.prevalence_by(villages=[village], month=month, by="dusun")
    trends = reports.prevalence_trend(villages=[village], month=month, by="dusun")
    village_trend = reports.prevalence_trend(villages=[village], month=month, by="all").get(None, [])
    names = reports.dusun_names(village=village)
    extra = sorted(str(k) for k in by_dusun if k and k not in names)
    tiles = [
        (name, by_dusun.get(name) or Prevalence(name), trends.get(name, [])) for name in [*names, *extra]
    ]
    unplaced = by_dusun.get(None)
    total = Prevalence(village.name)
    for value in by_dusun.values():
        total.merge(value)
    return render(
        request,
        "health/reports/stunting.html",
        {
            "village": village,
            "month": month,
            "period": period,
            "reporting": _posyandu_reporting(village, month),
            "months": _months(period),
            "tiles": tiles,
            "unplaced": unplaced,
            "total": total,
            "tile_map": tile_map_svg(tiles, running=running),
            "trend": village_trend,
            "trend_chart": trend_svg(village_trend, running=running),
            "levels": [(name, colour) for _limit, name, colour in LEVELS],
        },
    )


# --- District and regency ----------------------------------------------------------------


def _show(count: int, hide: bool) -> str:
    return suppressed(count) if hide else str(count)


def _show_pct(part: int, whole: int, hide: bool) -> str:
    """A percentage whose numerator is a small count would give the count away."""
    if hide and 0 < part < reports.SUPPRESS_BELOW:
        return f"<{reports.SUPPRESS_BELOW}/{whole}" if whole else "—"
    return _pct(reports.percent(part, whole))


def _regional_data(request: RegionalRequest) -> tuple[Period, list[Village], dict[str, Any]]:
    """The month chosen, the villages the scope reads and the page's rows (cached)."""
    villages = list(request.scope.readable_villages())
    period = _period(request)
    month = period.month
    # Uncached, the regency's page reads a year of measurements (seconds at 1M residents):
    # kept until a measurement of that year is added or removed, and at most
    # REGIONAL_CACHE_SECONDS (corrections in place, births and deaths show after that).
    ids = ",".join(str(v.pk) for v in sorted(villages, key=lambda v: v.pk))
    version = reports.data_version(villages=villages, first=month.back(12)[0].first, after=month.after)
    key = f"health:regional:v2:{hashlib.sha256(f'{ids}|{month}|{version}'.encode()).hexdigest()[:40]}"
    data = cache.get(key)
    if data is None:
        data = regional_rows(villages=villages, month=month)
        cache.set(key, data, REGIONAL_CACHE_SECONDS)
    return period, villages, data


@require("health.aggregates", village=False)
def regional(request: RegionalRequest) -> HttpResponse:
    scope = request.scope
    if scope.village is not None:
        return redirect("health:stunting")
    period, villages, data = _regional_data(request)
    month = period.month
    is_district = scope.level == ScopeLevel.DISTRICT
    area_code = scope.district_code if is_district else deployment_regency_code()
    return render(
        request,
        "health/reports/regional.html",
        {
            "month": month,
            "period": period,
            "reporting": Reporting(data["reported"], len(villages), _("desa")),
            "months": _months(period),
            "districts": data["districts"],
            "total": data["total"],
            "is_district": is_district,
            "area_name": region_names().get(area_code, area_code),
            "trend_chart": trend_svg(data["trend"], running=month if period.running else None),
            "suppress_below": reports.SUPPRESS_BELOW,
            "query": request.GET.urlencode(),
        },
    )


@require("health.aggregates", village=False)
def regional_download(request: RegionalRequest, kind: str) -> HttpResponse:
    """The page's table and trend as XLSX or PDF: the same villages and the same suppressed
    small counts (a camat's file holds only their district)."""
    from balai.accounts.area import area_name
    from balai.core import tabledownload
    from balai.health.downloads import regional_report

    period, villages, data = _regional_data(request)
    report = regional_report(data, period=period, villages=len(villages), area=area_name(request.scope))
    return tabledownload.response(report, kind=kind, name=f"kesehatan-balita-wilayah-{period.month}")


def regional_rows(*, villages: list[Village], month: Month) -> dict[str, Any]:
    """Rows of the district/regency page (counts already suppressed) and the trend."""
    skdn = reports.skdn_by_village(villages=villages, month=month)
    prevalence = reports.prevalence_by(villages=villages, month=month, by="village")
    trend = reports.prevalence_trend(villages=villages, month=month, by="all").get(None, [])
    reported = reports.villages_reporting(villages=villages, month=month)
    hide = True  # aggregates outside the village: see reports.SUPPRESS_BELOW
    districts: dict[str, dict[str, Any]] = {}
    for village in villages:
        s = skdn[village.pk]
        p = prevalence.get(village.pk) or Prevalence(village.name)
        group = districts.setdefault(
            village.district_code,
            {
                "name": village.district_name,
                "skdn": reports.Skdn(village.district_name),
                "prev": Prevalence(village.district_name),
                "villages": [],
                "reported": 0,
            },
        )
        group["skdn"].merge(s)
        group["prev"].merge(p)
        group["reported"] += village.pk in reported
        # A village with no measurement in the month has not reported: its row says so
        # instead of 0 % weighed (issue 21 item 3).
        group["villages"].append(_row(village.name, s, p, hide, reported=village.pk in reported))
    district_rows = []
    for code in sorted(districts, key=lambda c: districts[c]["name"]):
        group = districts[code]
        row = _row(group["name"], group["skdn"], group["prev"], hide)
        row["reporting"] = Reporting(group["reported"], len(group["villages"]), _("desa")).label
        district_rows.append({"row": row, "villages": group["villages"]})
    total_s = reports.Skdn("")
    total_p = Prevalence("")
    for group in districts.values():
        total_s.merge(group["skdn"])
        total_p.merge(group["prev"])
    total = _row(_("Jumlah"), total_s, total_p, hide)
    total["reporting"] = Reporting(len(reported), len(villages), _("desa")).label
    return {"districts": district_rows, "total": total, "trend": trend, "reported": len(reported)}


def _row(name: str, s: reports.Skdn, p: Prevalence, hide: bool, *, reported: bool = True) -> dict[str, Any]:
    return {
        "name": name,
        "reported": reported,
        "reporting": "",
        "S": _show(s.S, hide),
        "D": _show(s.D, hide),
        "N": _show(s.N, hide),
        "d_s": _show_pct(s.D, s.S, hide),
        "n_d": _show_pct(s.N, s.D, hide),
        "measured": _show(p.measured, hide),
        "stunted": _show(p.stunted, hide),
        "stunting": _show_pct(p.stunted, p.measured, hide),
        "wasting": _show_pct(p.wasted, p.weighed_for_length, hide),
        "underweight": _show_pct(p.underweight, p.weighed, hide),
        "colour": level_colour(p.stunting),
    }


# --- e-PPGBM --------------------------------------------------------------------------------


@require("health.read")
def eppgbm_export(request: VillageRequest) -> HttpResponse:
    """By-name-by-address file for e-PPGBM: personal data, health roles only, audited."""
    village = request.village
    period = _period(request)
    month = period.month
    data, count = eppgbm_xlsx(village=village, month=month, period=period)
    audit_record(
        actor=request.user,
        village=village,
        action="health.eppgbm_exported",
        object_type="eppgbm_export",
        object_id=str(month),
        changes={"month": str(month), "children": count},
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="e-ppgbm-{village.code}-{month}.xlsx"'
    return response
