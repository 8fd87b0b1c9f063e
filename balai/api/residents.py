from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from balai.accounts.api_auth import actor, village_for
from balai.api.schemas import (
    ResidentCreate,
    ResidentOut,
    ResidentPage,
    ResidentPatch,
    SearchIn,
    SexCode,
    StatusCode,
    Text100,
    resident_data,
)
from balai.core.api_errors import NotFound
from balai.people import codes, services
from balai.people.models import Family, Resident
from balai.people.selectors import ResidentFilters, family_get, resident_cursor, resident_get, resident_page
from balai.regions.models import Rt, Village
from balai.regions.selectors import rt_list

router = Router(tags=["residents"])


def family_ref(village: Village, public_id: str | None, field: str = "family") -> Family | None:
    if not public_id:
        return None
    try:
        return family_get(village=village, public_id=public_id)
    except Family.DoesNotExist:
        raise NotFound(field, _("Keluarga tidak ditemukan di desa ini."))


def rt_ref(village: Village, public_id: str | None) -> Rt | None:
    if not public_id:
        return None
    try:
        return rt_list(village=village).get(public_id=public_id)
    except Rt.DoesNotExist:
        raise NotFound("rt", _("RT tidak ditemukan di desa ini."))


def resident_ref(village: Village, public_id: str, field: str = "resident") -> Resident:
    try:
        return resident_get(village=village, public_id=public_id)
    except Resident.DoesNotExist:
        raise NotFound(field, _("Penduduk tidak ditemukan di desa ini."))


def bad_cursor() -> HttpError:
    return HttpError(400, _("Cursor tidak sah; pakai nilai next_cursor dari halaman sebelumnya."))


def _page(village: Village, filters: ResidentFilters, cursor: str | None, limit: int) -> dict[str, Any]:
    # The cursor is the last row's public_id: a (name, id) cursor would put names in URLs and logs.
    after = None
    if cursor:
        after = resident_cursor(village=village, public_id=cursor)
        if after is None:
            raise bad_cursor()
    page = resident_page(village=village, filters=filters, after=after, limit=limit)
    return {"items": page.items, "next_cursor": page.items[-1].public_id if page.next_cursor else None}


class ListQuery(Schema):
    q: Text100 = Field(
        "", description="Bagian nama. NIK/KK tidak boleh di URL: pakai POST /residents/search."
    )
    status: StatusCode | None = Field(codes.STATUS_ALIVE, description="Status dasar (1 = hidup).")
    sex: SexCode | None = None
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=100)


@router.get("", response=ResidentPage, summary="Daftar penduduk (NIK/KK disamarkan)")
def resident_list(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    village = village_for(request, "registry.read")
    if any(ch.isdigit() for ch in query.q):
        # Query strings end up in access logs; a NIK must never be written there.
        raise HttpError(400, _("Pencarian dengan angka (NIK/KK) lewat POST /residents/search, bukan di URL."))
    filters = ResidentFilters(q=query.q, status=query.status, sex=query.sex)
    page = _page(village, filters, query.cursor, query.limit)
    _log_listed(request, village, page, "api_list")
    return page


@router.post("/search", response=ResidentPage, summary="Cari penduduk menurut nama, NIK atau nomor KK")
def resident_search(request: HttpRequest, payload: SearchIn) -> dict[str, Any]:
    village = village_for(request, "registry.read")
    filters = ResidentFilters(q=payload.q, status=payload.status, sex=payload.sex)
    page = _page(village, filters, payload.cursor, payload.limit)
    _log_listed(request, village, page, "api_search")
    return page


def _log_listed(request: HttpRequest, village: Village, page: dict[str, Any], purpose: str) -> None:
    # Every resident returned is a read of personal data (issue 16), logged like a detail view.
    ids = [item["public_id"] if isinstance(item, dict) else item.public_id for item in page["items"]]
    services.residents_listed(actor=actor(request), village=village, public_ids=ids, purpose=purpose)


@router.get("/{public_id}", response=ResidentOut, summary="Data lengkap satu penduduk (dicatat di audit)")
def resident_detail(request: HttpRequest, public_id: str) -> Resident:
    village = village_for(request, "registry.read")
    resident = resident_get(village=village, public_id=public_id)
    services.resident_viewed(actor=actor(request), resident=resident, purpose="api")
    return resident


@router.post("", response={201: ResidentOut}, summary="Daftarkan penduduk (pendataan awal)")
def resident_create(request: HttpRequest, payload: ResidentCreate) -> Status[Resident]:  # type: ignore[valid-type]
    village = village_for(request, "registry.write")
    body: Any = payload
    resident = services.resident_register(
        actor=actor(request),
        village=village,
        data=resident_data(body),
        family=family_ref(village, body.family),
        rt=rt_ref(village, body.rt),
        accept_warnings=body.accept_warnings,
    )
    return Status(201, resident_get(village=village, public_id=resident.public_id))


@router.patch("/{public_id}", response=ResidentOut, summary="Ubah data penduduk (hanya isian yang dikirim)")
def resident_update(request: HttpRequest, public_id: str, payload: ResidentPatch) -> Resident:  # type: ignore[valid-type]
    village = village_for(request, "registry.write")
    resident = resident_get(village=village, public_id=public_id)
    body: Any = payload
    services.resident_update(
        actor=actor(request),
        resident=resident,
        data=resident_data(body),
        rt=rt_ref(village, body.rt),
        accept_warnings=body.accept_warnings,
    )
    return resident_get(village=village, public_id=public_id)
