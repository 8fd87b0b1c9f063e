"""The village's public pages (no sign-in): its UMKM directory and its potential and prices,
and the same directory on the kiosk. Only what a business chose to show: never the owner's
NIK or home address; the phone only with the owner's consent."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control

from balai.devices.device import device_required
from balai.devices.http import DeviceRequest
from balai.economy import chart, selectors
from balai.economy.models import Business, Product
from balai.economy.views import photo_response, price_charts
from balai.regions.models import Village


def _village(code: str) -> Village:
    try:
        return Village.objects.get(code=code, is_active=True)
    except Village.DoesNotExist:
        raise Http404


def _search(request: HttpRequest) -> tuple[str, str]:
    query = request.GET.get("q", "").strip()[:60]
    sector = request.GET.get("sektor", "")
    return query, sector if sector in chart.SECTORS else ""


@cache_control(public=True, max_age=60)
def businesses(request: HttpRequest, village_code: str) -> HttpResponse:
    village = _village(village_code)
    query, sector = _search(request)
    return render(
        request,
        "economy/public/businesses.html",
        {
            "village": village,
            "businesses": selectors.public_businesses(village=village, query=query, sector=sector),
            "q": query,
            "sector": sector,
            "sectors": chart.SECTORS.items(),
        },
    )


@cache_control(public=True, max_age=60)
def business(request: HttpRequest, village_code: str, public_id: str) -> HttpResponse:
    village = _village(village_code)
    try:
        found = selectors.public_business(village=village, public_id=public_id)
    except Business.DoesNotExist:
        raise Http404
    return render(request, "economy/public/business.html", {"village": village, "b": found})


def photo(request: HttpRequest, village_code: str, public_id: str) -> HttpResponseBase:
    village = _village(village_code)
    try:
        name = selectors.public_photo(village=village, public_id=public_id)
    except Product.DoesNotExist:
        raise Http404
    return photo_response(name)


@cache_control(public=True, max_age=300)
def potential(request: HttpRequest, village_code: str) -> HttpResponse:
    village = _village(village_code)
    series = selectors.price_series(village=village, weeks=12, today=timezone.localdate())
    return render(
        request,
        "economy/public/potential.html",
        {
            "village": village,
            "potentials": selectors.potential_list(village=village),
            "charts": price_charts(series),
        },
    )


# --- Kiosk -------------------------------------------------------------------------------


@device_required
def kiosk_businesses(request: DeviceRequest) -> HttpResponse:
    village = request.kiosk_device.village
    query, sector = _search(request)
    return render(
        request,
        "economy/kiosk/businesses.html",
        {
            "village": village,
            "businesses": selectors.public_businesses(village=village, query=query, sector=sector),
            "q": query,
            "sector": sector,
            "sectors": chart.SECTORS.items(),
        },
    )


@device_required
def kiosk_business(request: DeviceRequest, public_id: str) -> HttpResponse:
    village = request.kiosk_device.village
    try:
        found = selectors.public_business(village=village, public_id=public_id)
    except Business.DoesNotExist:
        raise Http404
    return render(request, "economy/kiosk/business.html", {"village": village, "b": found})
