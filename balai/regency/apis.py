"""Regency figures through the REST API, read-only: the same snapshot, freshness and rollout
selectors as the pages. For district and regency tokens; a village's token is refused (403)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.timezone import localdate
from ninja import Query, Router, Schema
from pydantic import Field

from balai.accounts.http import scope_of
from balai.accounts.models import ScopeLevel
from balai.core.dates import Month
from balai.regency import figures as F
from balai.regency import selectors
from balai.regency.exports import metadata

router = Router(tags=["regency"])


def _scope(request: HttpRequest) -> Any:
    scope = scope_of(request)
    if not scope.can("regency.read"):
        raise PermissionDenied
    return scope


class FiguresQuery(Schema):
    bulan: str = Field("", description="TTTT-BB; kosong = bulan terakhir yang sudah selesai dan dibekukan")
    kecamatan: str = Field("", description="kode kecamatan (di dalam wilayah pengguna)")


class VillageFiguresOut(Schema):
    code: str
    name: str
    district_code: str
    figures: dict[str, float | int | None] | None


class FiguresOut(Schema):
    month: str
    running: bool = False
    data_until: dt.date | None = None
    villages_reported: int = 0
    as_of: dt.datetime | None
    estimated: bool
    missing: int
    # Villages switched on after the month: not rows, not missing (the month stays frozen).
    not_yet_live: int = 0
    total: dict[str, float | int | None]
    villages: list[VillageFiguresOut]


@router.get("/figures", response=FiguresOut, summary="Angka bulanan per desa (dari snapshot)")
def figures(request: HttpRequest, q: Query[FiguresQuery]) -> dict[str, Any]:
    scope = _scope(request)
    villages = scope.readable_villages()
    months = selectors.snapshot_months(villages=villages)
    month = Month.parse(q.bulan) if q.bulan else selectors.default_month(months, today=localdate())
    if q.bulan and month is None:
        raise ValidationError({"bulan": "Bulan harus ditulis TTTT-BB, misalnya 2026-03."})
    if month is None:
        return {"month": "", "as_of": None, "estimated": False, "missing": 0, "total": {}, "villages": []}
    table = selectors.regency_table(villages=villages, month=month, district_code=q.kecamatan)

    def values(row: selectors.TableRow) -> dict[str, float | int | None] | None:
        return {f.key: row.value(f.key) for f in F.FIGURES} if row.figures is not None else None

    return {
        **table.period.as_api(),
        "villages_reported": table.reporting.reported,
        "as_of": table.as_of,
        "estimated": table.estimated,
        "missing": table.missing,
        "not_yet_live": table.later,
        "total": values(table.total) or {},
        "villages": [
            {"code": v.code, "name": v.name, "district_code": d.code, "figures": values(v)}
            for d in table.districts
            for v in d.villages
        ],
    }


class VariableOut(Schema):
    nama_variabel: str
    alias: str
    konsep: str
    tipe_data: str
    aturan_validasi: str
    akses: str


@router.get("/figures/variables", response=list[VariableOut], summary="Metadata variabel (gaya MS-Var BPS)")
def variables(request: HttpRequest) -> list[dict[str, str]]:
    _scope(request)
    return metadata()


class FreshOut(Schema):
    code: str
    name: str
    district_code: str
    status: str
    reasons: list[str]
    last_activity: dt.datetime | None
    last_event: dt.date | None
    events_month: int
    letters_month: int
    last_posyandu: dt.date | None
    aid_overdue: int


@router.get("/freshness", response=list[FreshOut], summary="Kesegaran data per desa (merah/kuning/hijau)")
def freshness(request: HttpRequest, kecamatan: str = "", urut: str = "status") -> list[Any]:
    scope = _scope(request)
    return selectors.freshness(villages=scope.readable_villages(), district_code=kecamatan, sort=urut)


class RolloutOut(Schema):
    code: str
    name: str
    district_code: str
    stage: str
    missing: list[str]


@router.get("/rollout", response=list[RolloutOut], summary="Tahap peluncuran setiap desa")
def rollout(request: HttpRequest) -> list[dict[str, Any]]:
    scope = _scope(request)
    district = scope.district_code if scope.level == ScopeLevel.DISTRICT else ""
    return [
        {
            "code": r.code,
            "name": r.name,
            "district_code": r.district_code,
            "stage": r.stage_key,
            "missing": r.missing,
        }
        for r in selectors.rollout(district_code=district).rows
    ]
