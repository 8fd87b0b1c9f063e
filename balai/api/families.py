from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from balai.accounts.api_auth import actor, village_for
from balai.api.residents import bad_cursor, rt_ref
from balai.api.schemas import FamilyCreate, FamilyOut, FamilyPage
from balai.people import services
from balai.people.models import Family
from balai.people.selectors import family_get, family_page

router = Router(tags=["families"])


class FamilyListQuery(Schema):
    cursor: str | None = Field(None, description="next_cursor dari halaman sebelumnya")
    limit: int = Field(50, ge=1, le=100)


@router.get("", response=FamilyPage, summary="Daftar keluarga aktif (nomor KK disamarkan)")
def family_list(request: HttpRequest, query: Query[FamilyListQuery]) -> dict[str, Any]:
    village = village_for(request, "registry.read")
    if query.cursor:
        try:
            family_get(village=village, public_id=query.cursor)
        except Family.DoesNotExist:
            raise bad_cursor()
    page = family_page(village=village, after=query.cursor, limit=query.limit)
    return {"items": page.items, "next_cursor": page.next_id}


@router.get("/{public_id}", response=FamilyOut, summary="Satu keluarga dengan anggotanya")
def family_detail(request: HttpRequest, public_id: str) -> Family:
    village = village_for(request, "registry.read")
    return family_get(village=village, public_id=public_id)


@router.post("", response={201: FamilyOut}, summary="Buat keluarga (KK) baru tanpa anggota")
def family_create(request: HttpRequest, payload: FamilyCreate) -> Status[Family]:
    village = village_for(request, "registry.write")
    family = services.family_create(
        actor=actor(request),
        village=village,
        kk_number=payload.kk_number,
        rt=rt_ref(village, payload.rt),
        address=payload.address,
        issued_on=payload.issued_on,
    )
    return Status(201, family_get(village=village, public_id=family.public_id))
