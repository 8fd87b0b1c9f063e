"""The posyandu schedule as anyone sees it (no sign-in): names, dusun and opening days only."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from balai.health.selectors import posyandu_schedule
from balai.regions.models import Village
from balai.regions.selectors import village_list


def schedule(request: HttpRequest, village_code: str) -> HttpResponse:
    try:
        village = village_list().get(code=village_code)
    except Village.DoesNotExist as exc:
        raise Http404 from exc
    response = render(
        request,
        "health/public_schedule.html",
        {"village": village, "rows": posyandu_schedule(village=village)},
    )
    response["Cache-Control"] = "public, max-age=60"
    return response
