"""Counts only. The same selectors as the dashboard, so the API and the pages never disagree."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router

from balai.accounts.api_auth import village_for
from balai.accounts.http import scope_of
from balai.api.schemas import VillagesStatsOut, VillageStatsOut
from balai.dashboard.selectors import BAND_LABELS, Counts, regency_overview, village_breakdown

router = Router(tags=["stats"])


def _by_age(counts: Counts) -> list[dict[str, Any]]:
    return [
        {"label": label, "male": counts.male[i], "female": counts.female[i]}
        for i, label in enumerate(BAND_LABELS)
    ]


@router.get("/village", response=VillageStatsOut, summary="Jumlah penduduk dan keluarga desa pengguna")
def village_stats(request: HttpRequest) -> dict[str, Any]:
    village = village_for(request, "aggregates.read")
    breakdown = village_breakdown(village=village)
    counts = breakdown.counts
    return {
        "code": village.code,
        "name": village.name,
        "residents": counts.residents,
        "families": counts.families,
        "by_sex": {"male": counts.male_total, "female": counts.female_total},
        "by_age": _by_age(counts),
        "unknown_age": {"male": counts.male_unknown_age, "female": counts.female_unknown_age},
        "dusuns": [
            {"name": d.name, "residents": d.counts.residents, "families": d.counts.families}
            for d in breakdown.dusuns
        ],
    }


@router.get("/villages", response=VillagesStatsOut, summary="Jumlah per desa yang boleh dibaca pengguna")
def villages_stats(request: HttpRequest) -> dict[str, Any]:
    scope = scope_of(request)
    if not scope.can("aggregates.read"):
        raise PermissionDenied
    overview = regency_overview(villages=scope.readable_villages())
    return {
        "items": [
            {
                "code": v.code,
                "name": v.name,
                "district_code": v.district_code,
                "district_name": v.district_name,
                "residents": v.counts.residents,
                "male": v.counts.male_total,
                "female": v.counts.female_total,
                "families": v.counts.families,
            }
            for v in overview.villages
        ],
        "residents": overview.counts.residents,
        "families": overview.counts.families,
    }
