"""Village finance through the REST API: the budget, realisation and books (read) and the SPP
steps (write), on the same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from balai.accounts.api_auth import actor, village_for
from balai.accounts.http import scope_of
from balai.core.api_errors import NotFound
from balai.finance import selectors, selectors_links, services
from balai.finance.models import Budget, BudgetLine, PaymentRequest, Vendor
from balai.people.models import Resident
from balai.regions.models import Village

router = Router(tags=["finance"])


class YearQuery(Schema):
    year: int | None = Field(
        None, ge=1900, le=2200, description="tahun anggaran; kosong = tahun ini (atau APBDes terbaru)"
    )


class LineOut(Schema):
    public_id: str
    activity_code: str
    activity_name: str
    account_code: str
    funding_source: str
    description: str
    volume: str
    unit: str
    unit_price: int
    amount: int
    revised_amount: int | None
    in_force: int
    realised: int
    source: str


class BudgetOut(Schema):
    year: int
    status: str
    perdes_number: str
    perdes_date: dt.date | None
    revision_number: str
    lines: list[LineOut]


class LraRowOut(Schema):
    code: str
    name: str
    level: int
    budget: int
    realised: int


class LraOut(Schema):
    year: int
    rows: list[LraRowOut]
    surplus_budget: int
    surplus_realised: int
    net_financing_budget: int
    net_financing_realised: int


class BookRowOut(Schema):
    public_id: str
    date: dt.date
    number: str
    kind: str
    medium: str
    account_code: str
    description: str
    amount_in: int = Field(alias="in")
    amount_out: int = Field(alias="out")
    balance: int
    source: str


class BookOut(Schema):
    book: str
    opening: int
    closing: int
    page: int
    pages: int
    rows: list[BookRowOut]


class TaxIn(Schema):
    kind: str = Field(description="ppn, pph21, pph22, pph23")
    base: int
    amount: int | None = Field(None, description="kosong = dihitung dari tarif")


class SppIn(Schema):
    year: int
    line: str = Field(description="public_id rincian anggaran (belanja 5.x atau pembiayaan 6.2)")
    number: str
    kind: str = "LS"
    date: dt.date
    amount: int
    description: str = ""
    payee_vendor: str = Field("", description="public_id penyedia terdaftar (GET /finance/vendors)")
    payee_resident: str = Field("", description="public_id penduduk hidup desa ini (bukan NIK)")
    payee_npwp: str = ""
    medium: str = "bank"
    taxes: list[TaxIn] = []


class SppStepIn(Schema):
    step: str = Field("", description="verify (Sekdes), approve (Kades), reject, pay (bendahara)")
    note: str = ""
    paid_on: dt.date | None = None


class SppOut(Schema):
    public_id: str
    number: str
    kind: str
    date: dt.date
    account_code: str
    amount: int
    tax_total: int
    net: int
    payee: str
    status: str


class VillageRealisationOut(Schema):
    code: str
    name: str
    district_name: str
    status: str
    revenue: int
    revenue_realised: int
    spending: int
    spending_realised: int
    behind: bool


def _budget(village: Village, year: int | None) -> Budget:
    if year is None:
        budget = selectors.budget_current(village=village)
        if budget is None:
            raise Budget.DoesNotExist
        return budget
    return selectors.budget_get(village=village, year=year)


@router.get("/budget", response=BudgetOut, summary="APBDes desa pengguna dengan rincian dan realisasinya")
def budget(request: HttpRequest, query: Query[YearQuery]) -> dict[str, Any]:
    village = village_for(request, "finance.read")
    b = _budget(village, query.year)
    realised = selectors.realised_by_line(budget=b)
    lines = BudgetLine.objects.filter(budget=b).select_related("activity").order_by("account_code", "id")
    return {
        "year": b.year,
        "status": b.status,
        "perdes_number": b.perdes_number,
        "perdes_date": b.perdes_date,
        "revision_number": b.revision_number,
        "lines": [
            {
                "public_id": line.public_id,
                "activity_code": line.activity.code if line.activity else "",
                "activity_name": line.activity.name if line.activity else "",
                "account_code": line.account_code,
                "funding_source": line.funding_source,
                "description": line.description,
                "volume": str(line.volume),
                "unit": line.unit,
                "unit_price": line.unit_price,
                "amount": line.amount,
                "revised_amount": line.revised_amount,
                "in_force": line.in_force,
                "realised": realised.get(line.pk, 0),
                "source": line.source,
            }
            for line in lines
        ],
    }


class LraQuery(YearQuery):
    semester: int | None = Field(None, description="1 = sampai 30 Juni; kosong = satu tahun")
    group: str = Field("account", description="account, source (sumber dana) atau bidang")


@router.get("/realisation", response=LraOut, summary="Laporan Realisasi Anggaran (LRA)")
def realisation(request: HttpRequest, query: Query[LraQuery]) -> dict[str, Any]:
    village = village_for(request, "finance.read")
    b = _budget(village, query.year)
    group = query.group if query.group in ("account", "source", "bidang") else "account"
    report = selectors.lra(
        budget=b, until=dt.date(b.year, 6, 30) if query.semester == 1 else None, group=group
    )
    return {
        "year": b.year,
        "rows": [vars(r) for r in report.rows],
        "surplus_budget": report.surplus_budget,
        "surplus_realised": report.surplus_realised,
        "net_financing_budget": report.net_financing_budget,
        "net_financing_realised": report.net_financing_realised,
    }


class BookQuery(YearQuery):
    book: str = Field("bku", description="bku (Buku Kas Umum), bank, tunai atau pajak")
    page: int = 1


@router.get(
    "/books", response=BookOut, summary="Buku kas umum, bank, tunai atau pajak, dengan saldo berjalan"
)
def book(request: HttpRequest, query: Query[BookQuery]) -> dict[str, Any]:
    village = village_for(request, "finance.read")
    book = query.book
    if book not in ("bku", "bank", "tunai", "pajak"):
        raise ValidationError({"book": "Buku tidak dikenal: bku, bank, tunai atau pajak."})
    b = _budget(village, query.year)
    page = selectors.book_page(budget=b, book=book, page=query.page)
    return {
        "book": book,
        "opening": page.opening,
        "closing": page.closing,
        "page": page.page,
        "pages": page.pages,
        "rows": page.rows,
    }


def _spp_out(spp: PaymentRequest) -> dict[str, Any]:
    return {
        "public_id": spp.public_id,
        "number": spp.number,
        "kind": spp.kind,
        "date": spp.date,
        "account_code": spp.budget_line.account_code,
        "amount": spp.amount,
        "tax_total": spp.tax_total,
        "net": spp.net,
        "payee": spp.payee,
        "status": spp.status,
    }


@router.get("/spp", response=list[SppOut], summary="SPP tahun anggaran")
def spp_list(request: HttpRequest, query: Query[YearQuery]) -> list[dict[str, Any]]:
    village = village_for(request, "finance.read")
    b = _budget(village, query.year)
    return [
        _spp_out(s) for s in selectors.spp_list(village=village, budget=b).prefetch_related("taxes")[:500]
    ]


@router.post("/spp", response={201: SppOut}, summary="Ajukan SPP")
def spp_create(request: HttpRequest, payload: SppIn) -> Status[dict[str, Any]]:
    village = village_for(request, "finance.spp_raise")
    b = selectors.budget_get(village=village, year=payload.year)
    try:
        line = selectors.line_get(village=village, public_id=payload.line)
    except BudgetLine.DoesNotExist:
        raise NotFound("line", "Rincian anggaran tidak ditemukan.") from None
    vendor = resident = None
    try:
        if payload.payee_vendor:
            vendor = selectors_links.vendor_get(village=village, public_id=payload.payee_vendor)
        if payload.payee_resident:
            resident = selectors_links.payee_resident_get(village=village, public_id=payload.payee_resident)
    except (Vendor.DoesNotExist, Resident.DoesNotExist):
        raise NotFound("payee", "Penerima tidak ditemukan.") from None
    spp = services.payment_request_create(
        actor=actor(request),
        village=village,
        budget=b,
        line=line,
        number=payload.number,
        date=payload.date,
        amount=payload.amount,
        description=payload.description,
        payee_vendor=vendor,
        payee_resident=resident,
        payee_npwp=payload.payee_npwp,
        kind=payload.kind,
        medium=payload.medium,
        taxes=[services.TaxInput(t.kind, t.base, t.amount) for t in payload.taxes],
    )
    return Status(201, _spp_out(selectors.spp_get(village=village, public_id=spp.public_id)))


@router.post(
    "/spp/{public_id}/steps",
    response=SppOut,
    summary="Langkah SPP: verify (Sekdes), approve (Kades), reject, pay (bendahara)",
)
def spp_step(request: HttpRequest, public_id: str, payload: SppStepIn) -> dict[str, Any]:
    village = village_for(request, "finance.read")
    spp = selectors.spp_get(village=village, public_id=public_id)
    step = payload.step
    if step == "pay":
        services.payment_request_pay(
            actor=actor(request), village=village, spp=spp, paid_on=payload.paid_on or timezone.localdate()
        )
    elif step in ("verify", "approve", "reject"):
        services.payment_request_act(
            actor=actor(request), village=village, spp=spp, step=step, note=payload.note
        )
    else:
        raise ValidationError({"step": "Langkah tidak dikenal: verify, approve, reject atau pay."})
    return _spp_out(selectors.spp_get(village=village, public_id=public_id))


class VendorOut(Schema):
    public_id: str
    name: str
    npwp_masked: str
    bank_name: str
    is_active: bool


@router.get("/vendors", response=list[VendorOut], summary="Penyedia terdaftar desa (NPWP tersamar)")
def vendors(request: HttpRequest) -> list[dict[str, Any]]:
    village = village_for(request, "finance.read")
    return [
        {
            "public_id": v.public_id,
            "name": v.name,
            "npwp_masked": selectors_links.npwp_masked(v.npwp),
            "bank_name": v.bank_name,
            "is_active": v.is_active,
        }
        for v in selectors_links.vendor_list(village=village)[:500]
    ]


class AidLinkOut(Schema):
    programme: str
    programme_name: str
    line: str
    account_code: str
    budget: int
    realised: int
    booked: int
    pending: int
    pending_count: int


@router.get("/aid-links", response=list[AidLinkOut], summary="Program bantuan yang dibayar dari APBDes")
def aid_links(request: HttpRequest, query: Query[YearQuery]) -> list[dict[str, Any]]:
    village = village_for(request, "finance.read")
    b = _budget(village, query.year)
    return [
        {
            "programme": r.link.programme.public_id,
            "programme_name": r.link.programme.name,
            "line": r.link.budget_line.public_id,
            "account_code": r.link.budget_line.account_code,
            "budget": r.budget,
            "realised": r.realised,
            "booked": r.posted_amount,
            "pending": r.pending_amount,
            "pending_count": r.pending_count,
        }
        for r in selectors_links.aid_links(village=village, budget=b)
    ]


class OfficialPayOut(Schema):
    official: str
    name: str
    position: str
    lines: list[str]
    budgeted: int
    paid: int


@router.get(
    "/officials",
    response=list[OfficialPayOut],
    summary="Penghasilan tetap/tunjangan (5.1) per perangkat desa",
)
def officials(request: HttpRequest, query: Query[YearQuery]) -> list[dict[str, Any]]:
    from balai.staff.selectors import official_list

    village = village_for(request, "finance.read")
    b = _budget(village, query.year)
    out = []
    listed = list(official_list(village=village, active_only=True).select_related("profile"))
    pays = selectors_links.officials_pay(village=village, year=b.year, officials=listed) or {}
    for official in listed:
        pay = pays.get(official.pk)
        if pay is None:
            continue
        out.append(
            {
                "official": official.public_id,
                "name": official.name,
                "position": official.position,
                "lines": [line.public_id for line, _r in pay.lines],
                "budgeted": pay.budgeted,
                "paid": pay.realised,
            }
        )
    return out


@router.get(
    "/villages",
    response=list[VillageRealisationOut],
    summary="Realisasi APBDes per desa yang boleh dibaca pengguna",
)
def villages(request: HttpRequest, query: Query[YearQuery]) -> list[dict[str, Any]]:
    scope = scope_of(request)
    if not scope.can("aggregates.read"):
        raise PermissionDenied
    year = query.year or timezone.localdate().year
    return [
        {
            "code": r.village.code,
            "name": r.village.name,
            "district_name": r.village.district_name,
            "status": r.status,
            "revenue": r.revenue,
            "revenue_realised": r.revenue_realised,
            "spending": r.spending,
            "spending_realised": r.spending_realised,
            "behind": r.behind,
        }
        for r in selectors.regional_realisation(villages=scope.readable_villages(), year=year)
    ]


# --- Advances (SPJ) and deposits (STS) -------------------------------------------------------------


class SpjIn(Schema):
    number: str = ""
    date: dt.date | None = None
    spent: int | None = Field(None, description="belanja sesuai bukti (bruto), rupiah bulat")
    description: str = ""
    extra_confirmed: bool = Field(False, description="bayar kekurangan bila belanja melebihi panjar")
    taxes: list[TaxIn] = []


class SpjOut(Schema):
    public_id: str
    number: str
    date: dt.date
    spp: str
    advance: int
    spent: int
    returned: int
    extra: int


@router.post(
    "/spp/{public_id}/spj",
    response={201: SpjOut},
    summary="SPJ panjar (SPP UM yang sudah dibayar): belanja, sisa kembali atau kekurangan dibayar",
)
def spp_spj(request: HttpRequest, public_id: str, payload: SpjIn) -> Status[dict[str, Any]]:
    from balai.finance import advances

    village = village_for(request, "finance.read")  # the service asks finance.pay
    spp = selectors.spp_get(village=village, public_id=public_id)
    if payload.date is None:
        raise ValidationError({"date": "Tanggal SPJ wajib diisi."})
    spj = advances.advance_settle(
        actor=actor(request),
        village=village,
        spp=spp,
        number=payload.number,
        date=payload.date,
        spent=payload.spent,
        description=payload.description,
        extra_confirmed=payload.extra_confirmed,
        taxes=[services.TaxInput(t.kind, t.base, t.amount) for t in payload.taxes],
    )
    return Status(
        201,
        {
            "public_id": spj.public_id,
            "number": spj.number,
            "date": spj.date,
            "spp": spp.public_id,
            "advance": spp.amount,
            "spent": spj.spent,
            "returned": spj.returned,
            "extra": spj.extra,
        },
    )


class StsIn(Schema):
    year: int
    number: str
    date: dt.date
    receipts: list[str] = Field(description="public_id penerimaan tunai (TBP) yang disetor")
    bank_reference: str = ""


class StsOut(Schema):
    public_id: str
    number: str
    date: dt.date
    amount: int
    receipts: list[str]


@router.post("/sts", response={201: StsOut}, summary="STS: setor penerimaan tunai ke rekening kas desa")
def sts_create(request: HttpRequest, payload: StsIn) -> Status[dict[str, Any]]:
    from balai.finance import advances
    from balai.finance.models import Entry

    village = village_for(request, "finance.read")  # the service asks finance.pay
    b = selectors.budget_get(village=village, year=payload.year)
    wanted = list(dict.fromkeys(payload.receipts))[:500]
    found = list(Entry.objects.filter(village=village, budget=b, public_id__in=wanted))
    if len(found) != len(wanted):
        raise NotFound("receipts", "Sebagian penerimaan tidak ditemukan.")
    slip = advances.deposit_slip_create(
        actor=actor(request),
        village=village,
        budget=b,
        number=payload.number,
        date=payload.date,
        receipts=found,
        bank_reference=payload.bank_reference,
    )
    return Status(
        201,
        {
            "public_id": slip.public_id,
            "number": slip.number,
            "date": slip.date,
            "amount": slip.amount,
            "receipts": [r.public_id for r in found],
        },
    )
