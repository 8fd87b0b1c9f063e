"""Letters through the REST API: same services, same village scoping as the UI."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from balai.api.auth import actor, village_for
from balai.api.errors import NotFound
from balai.core.masking import mask_name
from balai.letters import selectors, services
from balai.letters.models import Letter
from balai.letters.ratelimit import over_limit
from balai.letters.render import letter_pdf
from balai.letters.types import REGISTRY
from balai.people.models import Resident
from balai.people.selectors import resident_get
from balai.staff.selectors import signatories

router = Router(tags=["letters"])


class FieldOut(Schema):
    name: str
    label: str
    kind: str
    required: bool


class LetterTypeOut(Schema):
    code: str
    name: str
    classification: str
    subject: str
    fields: list[FieldOut]
    requirements: list[str]
    validity_days: int | None
    kiosk: bool


class LetterOut(Schema):
    public_id: str
    type_code: str
    type_name: str
    subject: str = Field(description="public_id penduduk")
    subject_name: str = Field(description="nama disamarkan")
    state: str
    fields: dict[str, Any]
    requirements: list[str]
    number: str
    issued_on: dt.date | None
    valid_until: dt.date | None
    verify_url: str
    assigned_to: str | None
    supersedes: str | None


class LetterCreate(Schema):
    type_code: str
    resident: str = Field(description="public_id penduduk")
    fields: dict[str, str] = Field(default_factory=dict)
    requirements: list[str] = Field(default_factory=list, description="persyaratan yang sudah diperiksa")


class LetterStep(Schema):
    action: str = Field("", description=", ".join(services.ACTIONS))
    reason: str = ""
    official: str = Field("", description="public_id pejabat penanda tangan (langkah sign)")
    passphrase: str = Field(
        "",
        description="Passphrase TTE penanda tangan (langkah sign di desa yang memakai TTE); tidak disimpan",
    )


class LetterListQuery(Schema):
    state: str | None = None
    limit: int = Field(50, ge=1, le=200)


def _out(letter: Letter) -> dict[str, Any]:
    return {
        "public_id": letter.public_id,
        "type_code": letter.type_code,
        "type_name": letter.type_name,
        "subject": letter.subject.public_id,
        "subject_name": mask_name(letter.subject.name),
        "state": letter.state,
        "fields": letter.fields,
        "requirements": letter.checked_requirements,
        "number": letter.number,
        "issued_on": letter.issued_on,
        "valid_until": letter.valid_until,
        "verify_url": services.verify_url(letter) if letter.token else "",
        "assigned_to": letter.assigned_to.get_username() if letter.assigned_to else None,
        "supersedes": letter.supersedes.public_id if letter.supersedes else None,
    }


@router.get("/types", response=list[LetterTypeOut], summary="Jenis surat yang tersedia")
def letter_types(request: HttpRequest) -> list[dict[str, Any]]:
    village_for(request, "registry.read")
    return [
        {
            "code": t.code,
            "name": t.name,
            "classification": t.classification,
            "subject": t.subject.label,
            "fields": [f.__dict__ for f in t.fields],
            "requirements": list(t.requirements),
            "validity_days": t.validity_days,
            "kiosk": t.kiosk,
        }
        for t in REGISTRY.values()
    ]


class VerdictOut(Schema):
    status: str = Field(description="valid, revoked, superseded atau not_genuine")
    number: str
    type_name: str
    issued_on: dt.date | None
    valid_until: dt.date | None
    village: str
    signer: str
    masked_name: str


@router.get(
    "/verify/{token}",
    auth=None,
    response={200: VerdictOut, 429: dict[str, str]},
    summary="Periksa keaslian surat dari token QR (publik, tanpa token API; dibatasi per alamat)",
)
def letter_verify_public(request: HttpRequest, token: str, p: str = "") -> Any:
    if over_limit(request):
        return Status(429, {"detail": "Terlalu banyak pemeriksaan; coba lagi dalam satu menit."})
    return selectors.verify_token(token=token[:64], payload=p[:2048] or None)


@router.get("", response=list[LetterOut], summary="Surat desa ini, terbaru dahulu")
def letter_list(request: HttpRequest, query: Query[LetterListQuery]) -> list[dict[str, Any]]:
    village = village_for(request, "registry.read")
    letters = selectors.letter_queue(village=village, state=query.state)[: query.limit]
    return [_out(letter) for letter in letters]


@router.post("", response={201: LetterOut}, summary="Ajukan permohonan surat untuk penduduk")
def letter_create(request: HttpRequest, payload: LetterCreate) -> Status[dict[str, Any]]:
    village = village_for(request, "registry.read")
    try:
        resident = resident_get(village=village, public_id=payload.resident)
    except Resident.DoesNotExist:
        raise NotFound("resident", "Penduduk tidak ditemukan.")
    letter = services.letter_request_create(
        actor=actor(request),
        village=village,
        type_code=payload.type_code,
        subject=resident,
        fields=payload.fields,
        requirements=payload.requirements,
        channel=Letter.Channel.API,
    )
    return Status(201, _out(letter))


@router.get("/{public_id}", response=LetterOut, summary="Satu surat")
def letter_detail(request: HttpRequest, public_id: str) -> dict[str, Any]:
    village = village_for(request, "registry.read")
    return _out(selectors.letter_get(village=village, public_id=public_id))


@router.post("/{public_id}/steps", response=LetterOut, summary="Langkah alur surat (verify, sign, issue, …)")
def letter_step(request: HttpRequest, public_id: str, payload: LetterStep) -> dict[str, Any]:
    village = village_for(request, "registry.read")
    letter = selectors.letter_get(village=village, public_id=public_id)
    official = None
    if payload.official:
        official = next((o for o in signatories(village=village) if o.public_id == payload.official), None)
        if official is None:
            raise NotFound("official", "Pejabat penanda tangan tidak ditemukan.")
    letter = services.letter_act(
        actor=actor(request),
        letter=letter,
        action=payload.action,
        reason=payload.reason,
        official=official,
        passphrase=payload.passphrase,
    )
    return _out(selectors.letter_get(village=village, public_id=letter.public_id))


@router.get("/{public_id}/pdf", summary="PDF surat (pratinjau bila belum terbit)")
def letter_pdf_get(request: HttpRequest, public_id: str) -> HttpResponse:
    village = village_for(request, "registry.read")
    letter = selectors.letter_get(village=village, public_id=public_id)
    return HttpResponse(letter_pdf(letter), content_type="application/pdf")
