"""Open data pages: public (no sign-in), aggregates only, cacheable."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from balai.core.dates import Month
from balai.regency import exports, opendata

PUBLIC_SECONDS = 300


def _public(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={PUBLIC_SECONDS}"
    return response


def index(request: HttpRequest) -> HttpResponse:
    return _public(
        render(
            request,
            "regency/opendata.html",
            {"months": opendata.months(), "variables": exports.metadata(), "small": exports.SMALL_CELL},
        )
    )


def month_csv(request: HttpRequest, month: str) -> HttpResponse:
    parsed = Month.parse(month)
    if parsed is None or parsed not in opendata.months():
        return _public(
            HttpResponse(_("Bulan tidak tersedia."), status=404, content_type="text/plain; charset=utf-8")
        )
    response = HttpResponse(opendata.month_csv(parsed), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="angka-desa-{parsed}.csv"'
    return _public(response)


def _ckan(result: Any, *, ok: bool = True, status: int = 200, error: str = "") -> JsonResponse:
    body: dict[str, Any] = {"help": "CKAN action API (subset) of Balai", "success": ok}
    if ok:
        body["result"] = result
    else:
        body["error"] = {
            "message": error,
            "__type": "Not Found Error" if status == 404 else "Validation Error",
        }
    return _public(JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False}))  # type: ignore[return-value]


def ckan_action(request: HttpRequest, action: str) -> JsonResponse:
    base = request.build_absolute_uri(reverse("regency_opendata:index"))
    if action == "package_list":
        return _ckan([opendata.PACKAGE])
    if action == "package_show":
        if request.GET.get("id") not in (opendata.PACKAGE, None, ""):
            return _ckan(None, ok=False, status=404, error=_("Dataset tidak ditemukan."))
        return _ckan(opendata.package(base))
    if action == "datastore_search":
        resource = request.GET.get("resource_id", "")
        month = Month.parse(resource.removeprefix(f"{opendata.PACKAGE}-"))
        if month is None or month not in opendata.months():
            return _ckan(None, ok=False, status=404, error=_("Sumber data tidak ditemukan."))
        records = opendata.month_records(month)
        try:
            limit = max(0, min(int(request.GET.get("limit", 100)), 1000))
            offset = max(0, int(request.GET.get("offset", 0)))
        except ValueError:
            return _ckan(None, ok=False, status=400, error=_("limit dan offset harus bilangan bulat."))
        return _ckan(
            {
                "resource_id": resource,
                "fields": opendata.fields(),
                "records": records[offset : offset + limit],
                "total": len(records),
                "limit": limit,
                "offset": offset,
            }
        )
    return _ckan(None, ok=False, status=404, error=_("Aksi tidak dikenal."))
