"""Transparency: the APBDes as residents see it, at the kiosk (`anjungan/keuangan/`) and on the
village's public page (`desa/<village_code>/keuangan/`, no sign-in). Aggregates only: no
payee names, no personal data."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from balai.devices.device import device_required
from balai.devices.http import DeviceRequest
from balai.finance import selectors
from balai.regions.models import Village


@device_required
def kiosk(request: DeviceRequest) -> HttpResponse:
    village = request.kiosk_device.village
    return render(
        request,
        "finance/kiosk.html",
        {"village": village, "summary": selectors.apbdes_summary(village=village)},
    )


@require_GET
def public(request: HttpRequest, village_code: str) -> HttpResponse:
    village = (
        Village.objects.filter(code=village_code, is_active=True).first() if len(village_code) <= 20 else None
    )
    if village is None:
        raise Http404
    year = request.GET.get("tahun", "")
    summary = selectors.apbdes_summary(
        village=village, year=int(year) if year.isdigit() and len(year) == 4 else None
    )
    return render(request, "finance/public.html", {"village": village, "summary": summary})
