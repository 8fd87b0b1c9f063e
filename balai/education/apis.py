"""Education through the REST API, read-only: the same selectors as the pages.

A future aid module's PIP programme would join on the resident's `public_id` and the year:
`Scholarship(resident, year)` is the village's record of the PIP status; nothing here
depends on the aid module.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from balai.accounts.api_auth import village_for
from balai.accounts.http import scope_of
from balai.education import rules, selectors

router = Router(tags=["education"])


class ChildQuery(Schema):
    tanggal: dt.date | None = Field(None, description="tanggal acuan umur; kosong = hari ini")
    dusun: int | None = None
    age_min: int | None = None
    age_max: int | None = None
    status: str = Field("", description="sekolah, kependudukan, tamat, ats, tidak_diketahui")
    reason: str = Field("", description="alasan ATS atau risiko")


class ChildOut(Schema):
    public_id: str
    name: str
    nik_masked: str
    sex: str
    age: int
    place: str
    status: str
    reason: str
    risks: list[str]
    school: str
    grade: int | None
    school_year: int | None
    pip: str
    followup: str
    followup_on: dt.date | None


class CountsOut(Schema):
    code: str
    name: str
    district_name: str
    children: int
    in_school: int
    out_of_school: int
    at_risk: int
    reasons: dict[str, int]
    risks: dict[str, int]
    by_age: list[dict[str, Any]]
    paud_children: int
    paud_recorded: int
    pip_recipients: int


def _children(request: HttpRequest, query: ChildQuery, *, follow_up: bool) -> list[dict[str, Any]]:
    village = village_for(request, "education.read")
    day = query.tanggal or timezone.localdate()
    filters = selectors.ChildFilters(
        dusun=query.dusun,
        age_min=query.age_min,
        age_max=query.age_max,
        reason=query.reason,
        status=query.status,
    )
    if follow_up:
        items = selectors.follow_up_list(village=village, day=day, filters=filters)
    else:
        items = selectors.school_age_children(village=village, day=day, filters=filters)
    return [
        {
            "public_id": c.public_id,
            "name": c.name,
            "nik_masked": c.nik_masked,
            "sex": c.sex,
            "age": c.age,
            "place": c.place,
            "status": str(c.status),
            "reason": str(c.reason),
            "risks": [str(r) for r in c.risks],
            "school": c.school,
            "grade": c.grade,
            "school_year": c.school_year,
            "pip": c.pip,
            "followup": c.followup,
            "followup_on": c.followup_on,
        }
        for c in items
    ]


@router.get("/children", response=list[ChildOut], summary="Anak 7–18 tahun desa ini dan status pendidikannya")
def children(request: HttpRequest, query: Query[ChildQuery]) -> list[dict[str, Any]]:
    return _children(request, query, follow_up=False)


@router.get(
    "/follow-up", response=list[ChildOut], summary="Anak tidak sekolah (ATS) dan berisiko putus sekolah"
)
def follow_up(request: HttpRequest, query: Query[ChildQuery]) -> list[dict[str, Any]]:
    return _children(request, query, follow_up=True)


def _counts_out(code: str, name: str, district: str, c: selectors.Counts) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "district_name": district,
        "children": c.children,
        "in_school": c.in_school,
        "out_of_school": c.out_of_school,
        "at_risk": c.at_risk,
        "reasons": {str(k): c.reasons.get(k, 0) for k in rules.Reason.values},
        "risks": {str(k): c.risks.get(k, 0) for k in rules.Risk.values},
        "by_age": [
            {"label": label, **{str(s): c.by_band[i].get(s, 0) for s in rules.Status.values}}
            for i, (label, _lo, _hi) in enumerate(rules.AGE_BANDS)
        ],
        "paud_children": c.paud_children,
        "paud_recorded": c.paud_recorded,
        "pip_recipients": c.pip_recipients,
    }


@router.get("/summary", response=CountsOut, summary="Jumlah pendidikan anak desa pengguna (tanpa nama)")
def summary(request: HttpRequest) -> dict[str, Any]:
    village = village_for(request, "aggregates.read")
    counts = selectors.village_counts(village=village, day=timezone.localdate())
    return _counts_out(village.code, village.name, village.district_name, counts)


@router.get("/villages", response=list[CountsOut], summary="Jumlah per desa yang boleh dibaca pengguna")
def villages(request: HttpRequest) -> list[dict[str, Any]]:
    scope = scope_of(request)
    if not scope.can("aggregates.read"):
        raise PermissionDenied
    data = selectors.regional_cached(villages=scope.readable_villages(), day=timezone.localdate())
    return [_counts_out(r.code, r.name, r.district_name, r.counts) for r in data.rows]
