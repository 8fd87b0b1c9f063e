"""Regency and district pages: monthly figures from snapshots, the freshness board, the weekly
digest, rollout and switching villages on. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from balai.accounts.decorators import require
from balai.accounts.http import RegionalRequest
from balai.accounts.models import ScopeLevel
from balai.core.dates import Month, Period
from balai.core.http import ServiceCall
from balai.core.xlsx import CONTENT_TYPE
from balai.regency import exports, geo, pdf, selectors, services
from balai.regency import figures as F
from balai.regency.forms import ActivateForm, OpenSidImportForm
from balai.regions.selectors import deployment_regency_code, region_names


def _area(request: RegionalRequest) -> tuple[str, str]:
    """(district code the scope is limited to or "", the area's name)."""
    scope = request.scope
    if scope.level == ScopeLevel.DISTRICT:
        return scope.district_code, region_names().get(scope.district_code, scope.district_code)
    if scope.level == ScopeLevel.VILLAGE and scope.village is not None:
        return scope.village.district_code, scope.village.name
    code = deployment_regency_code()
    return "", region_names().get(code, code)


def _district_filter(request: RegionalRequest) -> tuple[str, list[tuple[str, str]]]:
    """The district chosen in `?kecamatan=` among the scope's own; another district's code is
    refused with a message, not silently shown as empty."""
    villages = request.scope.readable_villages()
    districts = sorted(set(villages.values_list("district_code", "district_name")))
    wanted = request.GET.get("kecamatan", "").strip()
    if wanted and wanted not in {code for code, _name in districts}:
        messages.error(request, _("Kecamatan %(code)s di luar wilayah Anda.") % {"code": wanted[:20]})
        wanted = ""
    return wanted, districts


def _month(request: RegionalRequest, months: list[Month]) -> Month | None:
    """`?bulan=`, else the newest frozen month that has ended (core.dates.Period: reports
    open on the last complete month), else the running month when it is all there is."""
    chosen = Month.parse(request.GET.get("bulan"))
    if request.GET.get("bulan") and chosen is None:
        messages.error(request, _("Bulan harus ditulis TTTT-BB, misalnya 2026-03."))
    if chosen is not None:
        return chosen
    return selectors.default_month(months, today=timezone.localdate())


@require("regency.read", village=False)
def figures(request: RegionalRequest) -> HttpResponse:
    villages = request.scope.readable_villages()
    months = selectors.snapshot_months(villages=villages)
    month = _month(request, months)
    district, districts = _district_filter(request)
    table = selectors.regency_table(villages=villages, month=month, district_code=district) if month else None
    _code, area = _area(request)
    return render(
        request,
        "regency/figures.html",
        {
            "table": table,
            "months": months,
            "month": month,
            "figures": F.FIGURES,
            "districts": districts,
            "district": district,
            "area": area,
            "query": request.GET.urlencode(),
            "can_manage": request.scope.can("regency.manage"),
            "current_month": Month.of(timezone.localdate()),
            **_trend_tables(villages.filter(district_code=district) if district else villages),
        },
    )


def _trend_tables(villages) -> dict[str, object]:
    """The headline trend, and one trend table per group of figures the domains contribute
    (`<app>/snapshot_figures.py`, e.g. the kiosk's use), all from one query."""
    plugin_keys = [k for k in F.PLUGIN_COUNTS if k in F.BY_KEY]
    rows = selectors.trends(villages=villages, keys=[*TREND_KEYS, *plugin_keys])
    n = len(TREND_KEYS)
    groups: dict[str, list[int]] = {}
    for i, key in enumerate(plugin_keys):
        groups.setdefault(str(F.BY_KEY[key].group), []).append(n + i)
    return {
        "trend_keys": [F.BY_KEY[k] for k in TREND_KEYS],
        "trends": [(month, values[:n]) for month, values in rows],
        "group_trends": [
            (
                group,
                [F.BY_KEY[([*TREND_KEYS, *plugin_keys])[i]] for i in columns],
                [(month, [values[i] for i in columns]) for month, values in rows],
            )
            for group, columns in groups.items()
        ],
    }


TREND_KEYS = ["residents", "families", "births", "deaths", "letters_issued", "stunting_rate"]


def _compared(request: RegionalRequest) -> dict[str, Any]:
    """The compare page's choices and ranking (indicator, month, district)."""
    villages = request.scope.readable_villages()
    months = selectors.snapshot_months(villages=villages)
    month = _month(request, months)
    district, districts = _district_filter(request)
    key = request.GET.get("indikator", "residents")
    if key not in F.BY_KEY:
        messages.error(request, _("Indikator tidak dikenal."))
        key = "residents"
    ranked: list[selectors.Ranked] = []
    median: float | None = None
    table = None
    as_of = None
    if month is not None:
        table = selectors.regency_table(villages=villages, month=month, district_code=district)
        ranked, median = selectors.compare(table=table, key=key)
        as_of = table.as_of
    filters = [(_("Indikator"), str(F.BY_KEY[key].label))]
    if month is not None:
        filters.append((_("Bulan"), month.label))
    if district:
        filters.append((_("Kecamatan"), dict(districts).get(district, district)))
    return {
        "villages": villages,
        "months": months,
        "month": month,
        "district": district,
        "districts": districts,
        "key": key,
        "ranked": ranked,
        "median": median,
        "as_of": as_of,
        "table": table,
        "filters": filters,
    }


def _compare_download(request: RegionalRequest, kind: str) -> HttpResponse:
    c = _compared(request)
    _code, area = _area(request)
    write = exports.compare_xlsx if kind == "xlsx" else pdf.compare_pdf
    body = write(
        c["ranked"],
        median=c["median"],
        figure=F.BY_KEY[c["key"]],
        area=area,
        filters=c["filters"],
        as_of=c["as_of"],
    )
    return _download(body, name=f"banding-desa-{c['key']}", kind=kind)


@require("regency.read", village=False)
def compare_xlsx(request: RegionalRequest) -> HttpResponse:
    return _compare_download(request, "xlsx")


@require("regency.read", village=False)
def compare_pdf(request: RegionalRequest) -> HttpResponse:
    return _compare_download(request, "pdf")


@require("regency.read", village=False)
def compare(request: RegionalRequest) -> HttpResponse:
    c = _compared(request)
    villages, months, month, district, districts, key, ranked, median = (
        c["villages"],
        c["months"],
        c["month"],
        c["district"],
        c["districts"],
        c["key"],
        c["ranked"],
        c["median"],
    )
    placed, unplaced = geo.places_from(
        selectors.village_points(villages=villages, district_code=district), {r.code: r.value for r in ranked}
    )
    _code, area = _area(request)
    return render(
        request,
        "regency/compare.html",
        {
            "ranked": ranked,
            "median": median,
            "table": c["table"],
            "figure": F.BY_KEY[key],
            "figures": F.FIGURES,
            "months": months,
            "month": month,
            "districts": districts,
            "district": district,
            "area": area,
            "map": geo.village_map(placed),
            "query": request.GET.urlencode(),
            "unplaced": unplaced,
        },
    )


def _export_table(
    request: RegionalRequest,
) -> tuple[selectors.RegencyTable | None, str, list[tuple[str, str]]]:
    villages = request.scope.readable_villages()
    months = selectors.snapshot_months(villages=villages)
    month = _month(request, months)
    district, districts = _district_filter(request)
    _code, area = _area(request)
    filters = [(_("Kecamatan"), dict(districts).get(district, district))] if district else []
    if month is None:
        return None, area, filters
    return selectors.regency_table(villages=villages, month=month, district_code=district), area, filters


@require("regency.read", village=False)
def figures_xlsx(request: RegionalRequest) -> HttpResponse:
    table, area, filters = _export_table(request)
    if table is None:
        messages.error(request, _("Belum ada snapshot untuk diunduh."))
        return redirect("regency:figures")
    response = HttpResponse(exports.table_xlsx(table, area=area, filters=filters), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="angka-desa-{table.month}.xlsx"'
    return response


@require("regency.read", village=False)
def figures_csv(request: RegionalRequest) -> HttpResponse:
    table, _area_name, _filters = _export_table(request)
    if table is None:
        messages.error(request, _("Belum ada snapshot untuk diunduh."))
        return redirect("regency:figures")
    response = HttpResponse(exports.table_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="angka-desa-{table.month}.csv"'
    return response


PDF_KEYS = [
    "residents",
    "male",
    "female",
    "families",
    "births",
    "deaths",
    "moves_in",
    "moves_out",
    "letters_issued",
    "aid_recipients",
    "stunting_rate",
]


@require("regency.read", village=False)
def figures_pdf(request: RegionalRequest) -> HttpResponse:
    table, area, filters = _export_table(request)
    if table is None:
        messages.error(request, _("Belum ada snapshot untuk diunduh."))
        return redirect("regency:figures")
    response = HttpResponse(
        pdf.table_pdf(table, area=area, filters=filters, keys=PDF_KEYS), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="angka-desa-{table.month}.pdf"'
    return response


@require("regency.read", village=False)
def report_pdf(request: RegionalRequest) -> HttpResponse:
    """The monthly report for the Bupati (or the camat's for their district)."""
    table, area, _filters = _export_table(request)
    if table is None:
        messages.error(request, _("Belum ada snapshot untuk laporan."))
        return redirect("regency:figures")
    villages = request.scope.readable_villages()
    previous = selectors.regency_table(villages=villages, month=table.month.previous())
    district_scope, _area_name = _area(request)
    body = pdf.bupati_report(
        table=table,
        previous=previous if any(r.figures for r in previous.rows) else None,
        area=area,
        board=selectors.freshness(villages=villages),
        rollout=selectors.rollout(district_code=district_scope),
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="laporan-bulanan-{table.month}.pdf"'
    return response


@require("regency.manage", village=False)
@require_POST
def snapshot_take(request: RegionalRequest) -> HttpResponse:
    month = Month.parse(request.POST.get("bulan")) or Month.of(timezone.localdate())
    with ServiceCall(request=request) as call:
        result = services.snapshot_take(actor=request.user, month=month)
    if call.ok:
        messages.success(
            request,
            _("Snapshot %(month)s: %(created)s desa dibekukan, %(kept)s sudah ada dan tidak diubah.")
            % {"month": month.label, "created": result.created, "kept": result.kept},
        )
    return redirect(f"{_url('regency:figures')}?bulan={month}")


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


def _board(request: RegionalRequest) -> tuple[list[selectors.FreshRow], dict[str, Any]]:
    """The freshness board as the page shows it (district filter, sort) and its filters."""
    district, districts = _district_filter(request)
    sort = request.GET.get("urut", "status")
    if sort not in selectors.SORTS:
        sort = "status"
    rows = selectors.freshness(villages=request.scope.readable_villages(), district_code=district, sort=sort)
    filters = [(_("Kecamatan"), dict(districts).get(district, district))] if district else []
    return rows, {"district": district, "districts": districts, "sort": sort, "filters": filters}


@require("regency.read", village=False)
def freshness(request: RegionalRequest) -> HttpResponse:
    rows, chosen = _board(request)
    _code, area = _area(request)
    return render(
        request,
        "regency/freshness.html",
        {
            "rows": rows,
            "districts": chosen["districts"],
            "district": chosen["district"],
            "sort": chosen["sort"],
            "area": area,
            "today": timezone.localdate(),
            # The board's "this month" columns count a running month: labelled so.
            "running": Period(Month.of(timezone.localdate()), timezone.localdate()),
            "query": request.GET.urlencode(),
            "counts": {s: sum(1 for r in rows if r.status == s) for s in ("red", "amber", "green")},
        },
    )


def _download(body: bytes, *, name: str, kind: str) -> HttpResponse:
    content_type = CONTENT_TYPE if kind == "xlsx" else "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{day}.{kind}"'
    return response


@require("regency.read", village=False)
def freshness_xlsx(request: RegionalRequest) -> HttpResponse:
    rows, chosen = _board(request)
    _code, area = _area(request)
    body = exports.freshness_xlsx(rows, area=area, filters=chosen["filters"], today=timezone.localdate())
    return _download(body, name="kesegaran-data", kind="xlsx")


@require("regency.read", village=False)
def freshness_pdf(request: RegionalRequest) -> HttpResponse:
    rows, chosen = _board(request)
    _code, area = _area(request)
    body = pdf.freshness_pdf(rows, area=area, filters=chosen["filters"], today=timezone.localdate())
    return _download(body, name="kesegaran-data", kind="pdf")


@require("regency.read", village=False)
def digest(request: RegionalRequest) -> HttpResponse:
    data = selectors.weekly_digest(villages=request.scope.readable_villages())
    _code, area = _area(request)
    return render(request, "regency/digest.html", {"data": data, "area": area})


@require("regency.read", village=False)
def digest_xlsx(request: RegionalRequest) -> HttpResponse:
    data = selectors.weekly_digest(villages=request.scope.readable_villages())
    _code, area = _area(request)
    return _download(exports.digest_xlsx(data, area=area), name="ringkasan-mingguan", kind="xlsx")


@require("regency.read", village=False)
def digest_pdf(request: RegionalRequest) -> HttpResponse:
    data = selectors.weekly_digest(villages=request.scope.readable_villages())
    _code, area = _area(request)
    return _download(pdf.digest_pdf(data, area=area), name="ringkasan-mingguan", kind="pdf")


def _rollout(request: RegionalRequest) -> tuple[selectors.Rollout, list[selectors.RolloutRow], str, str]:
    """(the rollout of the scope's area, the rows of the chosen stage, that stage, area name)."""
    district_scope, area = _area(request)
    data = selectors.rollout(district_code=district_scope)
    stage = request.GET.get("tahap", "")
    if stage not in selectors.stage_labels():
        stage = ""
    rows = [r for r in data.rows if not stage or r.stage_key == stage]
    return data, rows, stage, area


@require("regency.read", village=False)
def rollout(request: RegionalRequest) -> HttpResponse:
    data, rows, stage, area = _rollout(request)
    return render(
        request,
        "regency/rollout.html",
        {
            "data": data,
            "rows": rows,
            "stage": stage,
            "stages": selectors.STAGES,
            "area": area,
            "query": request.GET.urlencode(),
            "can_manage": request.scope.can("regency.manage"),
        },
    )


def _rollout_filters(stage: str) -> list[tuple[str, str]]:
    return [(_("Tahap"), selectors.stage_labels()[stage])] if stage else []


@require("regency.read", village=False)
def rollout_xlsx(request: RegionalRequest) -> HttpResponse:
    data, rows, stage, area = _rollout(request)
    body = exports.rollout_xlsx(data, rows, area=area, filters=_rollout_filters(stage))
    return _download(body, name="peluncuran", kind="xlsx")


@require("regency.read", village=False)
def rollout_pdf(request: RegionalRequest) -> HttpResponse:
    data, rows, stage, area = _rollout(request)
    body = pdf.rollout_pdf(data, rows, area=area, filters=_rollout_filters(stage))
    return _download(body, name="peluncuran", kind="pdf")


@require("regency.read", village=False)
def rollout_village(request: RegionalRequest, code: str) -> HttpResponse:
    """One village's checklist, the dates it reached each stage, its registry imports, and
    (Dispermades) an OpenSID file to import for it."""
    district_scope, _area_name = _area(request)
    row = next((r for r in selectors.rollout(district_code=district_scope).rows if r.code == code), None)
    if row is None:  # another district's village, or no village of the regency: as missing
        raise Http404
    village = request.scope.readable_villages().filter(code=code).first()
    can_import = request.scope.can("regency.manage") and village is not None
    form = OpenSidImportForm(request.POST or None, request.FILES or None) if can_import else None
    if request.method == "POST":
        if not can_import or form is None:
            raise PermissionDenied
        if form.is_valid():
            assert village is not None
            services.village_registry_import(
                actor=request.user,
                village=village,
                upload=form.cleaned_data["file"],
                apply_valid=form.cleaned_data["apply_valid"],
            )
            messages.success(
                request, _("Berkas diterima; impor berjalan. Muat ulang halaman ini untuk melihat hasilnya.")
            )
            return redirect("regency:rollout_village", code=code)
    return render(
        request,
        "regency/rollout_village.html",
        {
            "row": row,
            "stages": selectors.STAGES,
            "jobs": selectors.village_imports(village=village) if village is not None else [],
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


def _activate_choices() -> list[tuple[str, str]]:
    return [(code, f"{name} — {district}") for code, name, district in selectors.activatable_villages()]


@require("regency.manage", village=False)
def activate(request: RegionalRequest) -> HttpResponse:
    choices = _activate_choices()
    if request.method == "POST":
        form = ActivateForm(request.POST, choices=choices)
        if form.is_valid():
            with ServiceCall(form) as call:
                result = services.villages_activate(actor=request.user, codes=form.cleaned_data["codes"])
            if call.ok:
                # Shown once, to print and hand over; only the hashes are stored.
                response = render(
                    request,
                    "regency/credentials.html",
                    {"result": result, "has_flag": _has_change_flag()},
                )
                response["Cache-Control"] = "no-store"
                return response
        return render(request, "regency/activate.html", {"form": form, "count": len(choices)}, status=400)
    form = ActivateForm(choices=choices)
    return render(request, "regency/activate.html", {"form": form, "count": len(choices)})


def _has_change_flag() -> bool:
    from balai.accounts.models import User

    return any(f.name == "must_change_password" for f in User._meta.get_fields())


def context_months(months: list[Month]) -> list[dict[str, Any]]:
    return [{"value": str(m), "label": m.label} for m in months]
