"""Letters through the REST API: same services, same village scoping as the UI."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from balai.accounts.api_auth import actor, village_for
from balai.core.api_errors import NotFound, error_descriptions, error_responses
from balai.core.masking import mask_name, mask_number
from balai.letters import selectors
from balai.letters.models import Letter
from balai.letters.ratelimit import over_limit
from balai.letters.render import letter_pdf
from balai.letters.services import workflow
from balai.letters.signing import verify_url
from balai.letters.types import REGISTRY, get_type
from balai.people.models import Resident
from balai.people.selectors import resident_get
from balai.staff.selectors import signatories

router = Router(tags=["letters"])

State = Literal[
    "draft",
    "submitted",
    "needs_correction",
    "verified",
    "signed",
    "issued",
    "handed_over",
    "rejected",
    "cancelled",
    "revoked",
]
assert set(get_args(State)) == set(Letter.State.values), "State out of step with Letter.State"
Action = Literal[
    "verify", "return", "sign", "issue", "submit", "hand_over", "reject", "cancel", "revoke", "take_over"
]
assert get_args(Action) == workflow.ACTIONS, "Action out of step with workflow.ACTIONS"
VerdictStatus = Literal["valid", "expired", "revoked", "superseded", "not_genuine"]


def _doc(*codes: int) -> dict[str, Any]:
    return {"openapi_extra": error_descriptions(*codes)}


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
    state: State
    fields: dict[str, Any] = Field(description="isian surat; NIK pihak lain disamarkan")
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
    # Required, but checked after the letter is found: another village's letter is a 404
    # whatever the body says.
    action: Action | None = Field(None, description="Langkah (wajib)")
    reason: str = Field(
        "",
        description=(
            "Alasan, wajib untuk return, reject, cancel, revoke dan take_over; untuk hand_over: "
            "nama orang yang menerima surat (wajib); langkah lain mengabaikannya"
        ),
    )
    official: str = Field("", description="public_id pejabat penanda tangan (langkah sign)")
    passphrase: str = Field(
        "",
        description="Passphrase TTE penanda tangan (langkah sign di desa yang memakai TTE); tidak disimpan",
    )


class LetterListQuery(Schema):
    state: State | None = None
    limit: int = Field(50, ge=1, le=200)


def _masked_fields(letter: Letter) -> dict[str, Any]:
    # Masked in every response, the detail too: a staff client gets the numbers in full, as
    # printed, from GET /{id}/pdf (what the verify step checks against the papers), while
    # JSON is what integrations log and cache, and the residents API gives a full NIK only
    # through its audited detail. A type no longer known: fields named nik* are masked.
    letter_type = get_type(letter.type_code)
    if letter_type is not None:
        niks = {f.name for f in letter_type.fields if f.kind == "nik"}
    else:
        niks = {name for name in letter.fields if name.startswith("nik")}
    return {
        name: mask_number(value) if name in niks and isinstance(value, str) else value
        for name, value in letter.fields.items()
    }


def _out(letter: Letter) -> dict[str, Any]:
    return {
        "public_id": letter.public_id,
        "type_code": letter.type_code,
        "type_name": letter.type_name,
        "subject": letter.subject.public_id,
        "subject_name": mask_name(letter.subject.name),
        "state": letter.state,
        "fields": _masked_fields(letter),
        "requirements": letter.checked_requirements,
        "number": letter.number,
        "issued_on": letter.issued_on,
        "valid_until": letter.valid_until,
        "verify_url": verify_url(letter) if letter.token else "",
        "assigned_to": letter.assigned_to.get_username() if letter.assigned_to else None,
        "supersedes": letter.supersedes.public_id if letter.supersedes else None,
    }


class RtHeadOut(Schema):
    rt: str = Field(description="public id of the RT")
    dusun: str
    rw: str
    rt_number: str
    head_name: str | None = Field(description="the current ketua RT (none: vacant)")
    username: str | None
    since: dt.datetime | None


@router.get(
    "/rt-heads",
    response={200: list[RtHeadOut], **error_responses(401, 403)},
    summary="Ketua RT tiap RT desa (tanpa NIK)",
    **_doc(401, 403),
)
def rt_heads(request: HttpRequest) -> list[dict[str, Any]]:
    village = village_for(request, "letters.rt_heads")
    return [
        {
            "rt": row.rt.public_id,
            "dusun": row.rt.dusun.name,
            "rw": row.rt.rw,
            "rt_number": row.rt.rt,
            "head_name": (row.head.resident.name if row.head.resident else row.head.user.get_full_name())
            if row.head
            else None,
            "username": row.head.user.username if row.head else None,
            "since": row.head.created_at if row.head else None,
        }
        for row in selectors.rt_heads_overview(village=village)
    ]


@router.get(
    "/types",
    response={200: list[LetterTypeOut], **error_responses(401, 403)},
    summary="Jenis surat yang tersedia",
    **_doc(401, 403),
)
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
    status: VerdictStatus = Field(
        description=(
            "valid; expired (asli, tetapi lewat valid_until); revoked (dicabut); superseded "
            "(diganti surat koreksi); not_genuine (tidak asli, tanpa data lain). Dicabut dan "
            "digantikan didahulukan dari expired."
        )
    )
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
    response={200: VerdictOut, **error_responses(429)},
    summary="Periksa keaslian surat dari token QR (publik, tanpa token API; dibatasi per alamat)",
    **_doc(429),
)
def letter_verify_public(request: HttpRequest, token: str, p: str = "") -> Any:
    if over_limit(request):
        return Status(429, {"detail": "Terlalu banyak pemeriksaan; coba lagi dalam satu menit."})
    return selectors.verify_token(token=token[:64], payload=p[:2048] or None)


@router.get(
    "",
    response={200: list[LetterOut], **error_responses(401, 403, 422)},
    summary="Surat desa ini, terbaru dahulu",
    **_doc(401, 403, 422),
)
def letter_list(request: HttpRequest, query: Query[LetterListQuery]) -> list[dict[str, Any]]:
    village = village_for(request, "registry.read")
    letters = selectors.letter_queue(village=village, state=query.state)[: query.limit]
    return [_out(letter) for letter in letters]


@router.post(
    "",
    response={201: LetterOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Ajukan permohonan surat untuk penduduk",
    **_doc(401, 403, 404, 409, 422),
)
def letter_create(request: HttpRequest, payload: LetterCreate) -> Status[dict[str, Any]]:
    village = village_for(request, "registry.read")
    try:
        resident = resident_get(village=village, public_id=payload.resident)
    except Resident.DoesNotExist:
        raise NotFound("resident", "Penduduk tidak ditemukan.")
    letter = workflow.letter_request_create(
        actor=actor(request),
        village=village,
        type_code=payload.type_code,
        subject=resident,
        fields=payload.fields,
        requirements=payload.requirements,
        channel=Letter.Channel.API,
    )
    return Status(201, _out(letter))


@router.get(
    "/{public_id}",
    response={200: LetterOut, **error_responses(401, 403, 404)},
    summary="Satu surat",
    **_doc(401, 403, 404),
)
def letter_detail(request: HttpRequest, public_id: str) -> dict[str, Any]:
    village = village_for(request, "registry.read")
    return _out(selectors.letter_get(village=village, public_id=public_id))


@router.post(
    "/{public_id}/steps",
    response={200: LetterOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Langkah alur surat (verify, sign, issue, …)",
    **_doc(401, 403, 404, 409, 422),
)
def letter_step(request: HttpRequest, public_id: str, payload: LetterStep) -> dict[str, Any]:
    village = village_for(request, "registry.read")
    letter = selectors.letter_get(village=village, public_id=public_id)
    if payload.action is None:
        raise ValidationError({"action": f"Wajib diisi; pilih salah satu: {', '.join(workflow.ACTIONS)}."})
    official = None
    if payload.official:
        official = next((o for o in signatories(village=village) if o.public_id == payload.official), None)
        if official is None:
            raise NotFound("official", "Pejabat penanda tangan tidak ditemukan.")
    try:
        letter = workflow.letter_act(
            actor=actor(request),
            letter=letter,
            action=payload.action,
            reason=payload.reason,
            official=official,
            passphrase=payload.passphrase,
        )
    except ValidationError as e:
        # hand_over's receiver is the service's `received_by`, sent here as `reason`.
        if hasattr(e, "error_dict") and "received_by" in e.error_dict:
            raise ValidationError({"reason": e.error_dict["received_by"]})
        raise
    return _out(selectors.letter_get(village=village, public_id=letter.public_id))


_PDF = {
    "responses": {
        200: {
            "description": "PDF surat",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/{public_id}/pdf",
    response=error_responses(401, 403, 404, 409),
    summary="PDF surat (pratinjau bila belum terbit)",
    openapi_extra={"responses": _PDF["responses"] | error_descriptions(401, 403, 404, 409)["responses"]},
)
def letter_pdf_get(request: HttpRequest, public_id: str) -> HttpResponse:
    village = village_for(request, "registry.read")
    letter = selectors.letter_get(village=village, public_id=public_id)
    return HttpResponse(letter_pdf(letter), content_type="application/pdf")
