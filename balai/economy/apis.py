"""The economy through the REST API, read-only: the same selectors as the pages.

BUMDes statements per unit and consolidated, the UMKM directory (as the public page shows
it: no owner, the phone only with consent) and the village's potential and prices.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from balai.accounts.api_auth import village_for
from balai.accounts.http import scope_of
from balai.economy import chart, rules, selectors
from balai.economy.models import BusinessUnit

router = Router(tags=["economy"])


class UnitOut(Schema):
    public_id: str
    name: str
    kind: str
    is_active: bool


class BumdesOut(Schema):
    public_id: str
    name: str
    legal_status: str
    registration_number: str
    village_share_percent: int
    closed_through: dt.date | None
    units: list[UnitOut]


class Line(Schema):
    code: str
    name: str
    amount: int


class TrialLine(Schema):
    code: str
    name: str
    debit: int
    credit: int


class StatementsOut(Schema):
    unit: str | None = Field(None, description="public_id unit; kosong = konsolidasi")
    year: int
    end: dt.date
    balanced: bool
    trial_balance: list[TrialLine]
    revenue: list[Line]
    expense: list[Line]
    net_income: int
    assets: list[Line]
    liabilities: list[Line]
    equity: list[Line]
    total_assets: int
    total_liabilities_and_equity: int
    cash_flow: dict[str, int]
    opening_cash: int
    closing_cash: int


class YearQuery(Schema):
    tahun: int | None = Field(None, description="tahun buku; kosong = tahun ini")


class BusinessQuery(Schema):
    q: str = ""
    sektor: str = Field("", description="kategori KBLI (huruf)")


class ProductOut(Schema):
    public_id: str
    name: str
    price: int
    unit: str
    has_photo: bool


class BusinessOut(Schema):
    public_id: str
    name: str
    sector: str
    sector_label: str
    description: str
    address: str
    phone: str
    permits: list[str]
    products: list[ProductOut]


class PotentialOut(Schema):
    public_id: str
    category: str
    name: str
    quantity: str
    unit: str
    year: int


class PriceOut(Schema):
    commodity: str
    label: str
    unit: str
    week: dt.date
    price: int


class SectorCountsOut(Schema):
    code: str
    name: str
    district_name: str
    sectors: dict[str, int]


def _lines(items: list[tuple[rules.AccountInfo, int]]) -> list[dict[str, Any]]:
    return [{"code": a.code, "name": a.name, "amount": v} for a, v in items]


@router.get("/bumdes", response=BumdesOut, summary="BUMDes desa ini dan unit usahanya")
def bumdes(request: HttpRequest) -> dict[str, Any]:
    village = village_for(request, "economy.read")
    found = selectors.bumdes_for(village=village)
    if found is None:
        raise Http404
    return {
        "public_id": found.public_id,
        "name": found.name,
        "legal_status": found.legal_status,
        "registration_number": found.registration_number,
        "village_share_percent": found.village_share_percent,
        "closed_through": found.closed_through,
        "units": [
            {"public_id": u.public_id, "name": u.name, "kind": u.kind, "is_active": u.is_active}
            for u in selectors.unit_list(village=village)
        ],
    }


def _statements(request: HttpRequest, unit_id: str | None, year: int | None) -> dict[str, Any]:
    village = village_for(request, "economy.read")
    if selectors.bumdes_for(village=village) is None:
        raise Http404
    unit = None
    if unit_id is not None:
        try:
            unit = selectors.unit_get(village=village, public_id=unit_id)
        except BusinessUnit.DoesNotExist:
            raise Http404
    year = year or timezone.localdate().year
    b = selectors.books(village=village, unit=unit, year=year)
    return {
        "unit": unit.public_id if unit else None,
        "year": year,
        "end": b.end,
        "balanced": b.position.balanced,
        "trial_balance": [
            {"code": a.code, "name": a.name, "debit": d, "credit": c} for a, d, c in b.position.trial
        ],
        "revenue": _lines(b.income.revenue),
        "expense": _lines(b.income.expense),
        "net_income": b.income.net_income,
        "assets": _lines(b.position.assets),
        "liabilities": _lines(b.position.liabilities),
        "equity": _lines(b.position.equity),
        "total_assets": b.position.total_assets,
        "total_liabilities_and_equity": b.position.total_liabilities + b.position.total_equity,
        "cash_flow": b.cash_flow,
        "opening_cash": b.opening_cash,
        "closing_cash": b.closing_cash,
    }


@router.get("/bumdes/statements", response=StatementsOut, summary="Laporan keuangan BUMDes (konsolidasi)")
def statements(request: HttpRequest, query: Query[YearQuery]) -> dict[str, Any]:
    return _statements(request, None, query.tahun)


@router.get(
    "/bumdes/units/{public_id}/statements", response=StatementsOut, summary="Laporan keuangan satu unit usaha"
)
def unit_statements(request: HttpRequest, public_id: str, query: Query[YearQuery]) -> dict[str, Any]:
    return _statements(request, public_id, query.tahun)


@router.get("/businesses", response=list[BusinessOut], summary="Usaha warga (UMKM) yang tampil publik")
def businesses(request: HttpRequest, query: Query[BusinessQuery]) -> list[dict[str, Any]]:
    village = village_for(request, "economy.read")
    return [
        {
            **{
                k: getattr(b, k)
                for k in ("public_id", "name", "sector", "sector_label", "description", "address")
            },
            "phone": b.phone,
            "permits": b.permits,
            "products": [
                {
                    "public_id": p["public_id"],
                    "name": p["name"],
                    "price": p["price"],
                    "unit": p["unit"],
                    "has_photo": bool(p["photo"]),
                }
                for p in b.products
            ],
        }
        for b in selectors.public_businesses(village=village, query=query.q[:60], sector=query.sektor)
    ]


@router.get("/potential", response=list[PotentialOut], summary="Potensi ekonomi desa")
def potential(request: HttpRequest) -> list[dict[str, Any]]:
    village = village_for(request, "economy.read")
    return [
        {
            "public_id": p.public_id,
            "category": p.category,
            "name": p.name,
            "quantity": str(p.quantity.normalize()),
            "unit": p.unit,
            "year": p.year,
        }
        for p in selectors.potential_list(village=village)
    ]


@router.get("/prices", response=list[PriceOut], summary="Harga bahan pokok mingguan (12 minggu)")
def prices(request: HttpRequest) -> list[dict[str, Any]]:
    village = village_for(request, "economy.read")
    series = selectors.price_series(village=village, weeks=12, today=timezone.localdate())
    return [
        {
            "commodity": code,
            "label": str(chart.COMMODITIES[code][0]),
            "unit": chart.COMMODITIES[code][1],
            "week": w,
            "price": p,
        }
        for code, points in sorted(series.items())
        if code in chart.COMMODITIES
        for w, p in sorted(points)
    ]


@router.get(
    "/sectors", response=list[SectorCountsOut], summary="UMKM aktif per sektor, per desa yang boleh dibaca"
)
def sectors(request: HttpRequest) -> list[dict[str, Any]]:
    scope = scope_of(request)
    if not scope.can("aggregates.read"):
        raise PermissionDenied
    villages = list(scope.readable_villages())
    counts = selectors.sector_counts(villages=villages)
    return [
        {"code": v.code, "name": v.name, "district_name": v.district_name, "sectors": counts.get(v.pk, {})}
        for v in villages
    ]
