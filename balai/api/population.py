"""The registry's monthly report, statistics by category, data quality and the review queue
through the API: the same functions as the pages, so the figures never disagree."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from balai.accounts.api_auth import village_for
from balai.accounts.http import scope_of
from balai.core.dates import Period
from balai.people import books, quality, selectors, statistics

router = Router(tags=["population"])


def _period(text: str | None) -> Period:
    """As the pages: `?bulan=` up to the running month, by default the last complete one."""
    return Period.choose(text, today=timezone.localdate())


def _regional_ids(request: HttpRequest) -> list[int]:
    scope = scope_of(request)
    if not scope.can("aggregates.read"):
        raise PermissionDenied
    return list(scope.readable_villages().values_list("pk", flat=True))


class ReviewOut(Schema):
    public_id: str
    module: str
    title: str
    reason: str
    link: str
    created_at: Any
    event: str | None = Field(None, description="public_id peristiwa")
    resident: str | None = Field(None, description="public_id penduduk")

    @staticmethod
    def resolve_event(obj: Any) -> str | None:
        return obj.event.public_id if obj.event_id else None

    @staticmethod
    def resolve_resident(obj: Any) -> str | None:
        return obj.resident.public_id if obj.resident_id else None


@router.get("/monthly", summary="Laporan bulanan kependudukan desa pengguna (?bulan=YYYY-MM)")
def monthly(request: HttpRequest, bulan: str | None = None) -> dict[str, Any]:
    village = village_for(request, "registry.read")
    period = _period(bulan)
    month = period.month
    report = books.monthly_report(village_ids=[village.pk], year=month.year, month=month.month)
    return {"village": village.code, **report.as_dict(), "adds_up": report.adds_up, **period.as_api()}


@router.get("/monthly/regional", summary="Laporan bulanan wilayah: jumlah dan per desa")
def monthly_regional(request: HttpRequest, bulan: str | None = None) -> dict[str, Any]:
    ids = _regional_ids(request)
    period = _period(bulan)
    month = period.month
    per_village = books.monthly_reports(village_ids=ids, year=month.year, month=month.month)
    total = books.monthly_report(village_ids=ids, year=month.year, month=month.month)
    reported = books.villages_with_events(village_ids=ids, year=month.year, month=month.month)
    codes = dict(scope_of(request).readable_villages().values_list("pk", "code"))
    return {
        **total.as_dict(),
        "adds_up": total.adds_up,
        **period.as_api(),
        "villages_reported": len(reported),
        "villages_total": len(ids),
        "villages": [
            {"village": codes[vid], **rep.as_dict()}
            for vid, rep in sorted(per_village.items())
            if vid in codes
        ],
    }


@router.get("/statistics", summary="Statistik penduduk hidup desa pengguna per kategori")
def village_statistics(request: HttpRequest, kategori: str | None = None) -> dict[str, Any]:
    village = village_for(request, "registry.read")
    category = statistics.category_or_default(kategori)
    return statistics.category_table(village_ids=[village.pk], category=category).as_dict()


@router.get(
    "/statistics/regional", summary="Statistik penduduk hidup wilayah per kategori: jumlah dan per desa"
)
def regional_statistics(request: HttpRequest, kategori: str | None = None) -> dict[str, Any]:
    scope = scope_of(request)
    if not scope.can("aggregates.read"):
        raise PermissionDenied
    category = statistics.category_or_default(kategori)
    villages = list(scope.readable_villages().order_by("district_code", "code"))
    table, by_village_table = statistics.regional_tables_cached(villages=villages, category=category)
    by_village = by_village_table.as_dict()
    return {
        **table.as_dict(),
        "per_village": {"columns": by_village["columns"], "villages": by_village["rows"]},
    }


@router.get("/quality", summary="Mutu data kependudukan desa pengguna")
def village_quality(request: HttpRequest) -> dict[str, Any]:
    village = village_for(request, "registry.read")
    return quality.village_quality(village=village).as_dict()


@router.get("/quality/ranking", summary="Peringkat mutu data desa di wilayah pengguna")
def quality_ranking(request: HttpRequest) -> list[dict[str, Any]]:
    _regional_ids(request)
    villages = list(scope_of(request).readable_villages().order_by("code"))
    return [q.as_dict() for q in quality.ranking(villages=villages)]


@router.get(
    "/reviews", response=list[ReviewOut], summary="Perlu ditinjau: keputusan yang menunggu (maks. 200)"
)
def reviews(request: HttpRequest) -> Any:
    village = village_for(request, "registry.read")
    return list(selectors.review_queue(village=village)[:200])
