"""Aid through the REST API (`/api/v1/aid/...`): same services, same village scoping as the UI.

Programmes, rules evaluation ("what if" without saving), candidates, recipients, distribution
cycles, entitlements and distributions; coverage counts (own village, or per village for
district and regency tokens). Lists naming recipients are audited like the UI's. Write
bodies have no required fields at the schema level: an object of another village answers
404 exactly like a missing one before the body is looked at.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from balai.accounts.api_auth import actor, village_for
from balai.accounts.http import scope_of
from balai.aid import coverage, targeting
from balai.aid import selectors as aid_selectors
from balai.aid import services as aid_services
from balai.aid.models import (
    Candidate,
    Distribution,
    DistributionCycle,
    Entitlement,
    Programme,
    Recipient,
)
from balai.aid.rules import RuleError
from balai.aid.services import distribution as dist
from balai.core.api_errors import NotFound
from balai.core.masking import mask_number
from balai.people.models import Family, Resident
from balai.people.selectors import resident_get
from balai.regions.models import Village

router = Router(tags=["aid"])


# --- Schemas ---------------------------------------------------------------------------------


class ProgrammeOut(Schema):
    public_id: str
    name: str
    code: str
    source: str
    target_unit: str
    period: str
    period_start: dt.date
    period_end: dt.date
    benefit_kind: str
    benefit_amount: int
    benefit_frequency: str
    benefit_in_kind: str
    quota: int | None
    privacy: str
    status: str
    uses_targeting: bool
    active_recipients: int


class UnitOut(Schema):
    kind: str = Field(description="family, person, household atau group")
    family: str | None = Field(None, description="public_id keluarga")
    resident: str | None = Field(None, description="public_id penduduk")
    name: str = Field(description="kepala keluarga / penerima")
    kk_masked: str


class CandidateOut(Schema):
    public_id: str
    unit: UnitOut
    source: str
    status: str
    eligible: bool
    excluded: bool
    tier: int
    score: float
    rank: int | None
    explanation: dict[str, Any]


class RecipientOut(Schema):
    public_id: str
    unit: UnitOut
    source: str
    status: str
    status_reason: str
    enrolled_on: dt.date
    ended_on: dt.date | None
    external_id: str
    benefit_amount: int | None
    decree: str | None = Field(None, description="nomor SK")


class RuleIn(Schema):
    kind: str = ""
    field: str = ""
    operator: str = ""
    value: Any = None
    weight: int = 0
    tier: int = 0
    label: str = ""


class ExclusionIn(Schema):
    programme: str = Field("", description="public_id program yang dikecualikan")
    basis: str = "recipient"
    reason: str = ""


class EvaluateIn(Schema):
    rules: list[RuleIn] | None = Field(
        None, description="Aturan yang dicoba (tanpa disimpan); kosong = aturan program yang tersimpan"
    )
    exclusions: list[ExclusionIn] = Field(default_factory=list)
    limit: int = Field(50, ge=0, le=1000)


class EvaluatedOut(Schema):
    rank: int
    family: str
    name: str
    kk_masked: str
    tier: int
    score: int
    explanation: dict[str, Any]


class EvaluateOut(Schema):
    counts: dict[str, int]
    quota: int | None
    candidates: list[EvaluatedOut]


class CycleOut(Schema):
    public_id: str
    programme: str
    period: str
    number: int
    label: str
    covers_start: dt.date
    covers_end: dt.date
    planned_on: dt.date
    amount: int
    status: str
    status_reason: str
    approved_by: str | None
    approved_at: dt.datetime | None
    entitlements: int
    distributed: int
    pending: int
    amount_due: int
    amount_paid: int


class CycleIn(Schema):
    label: str = ""
    covers_start: dt.date | None = None
    covers_end: dt.date | None = None
    planned_on: dt.date | None = None
    amount: int | None = Field(None, ge=0, description="kosong: manfaat program × periode yang dicakup")


class CycleStep(Schema):
    action: str = Field("", description=", ".join(dist.ACTIONS))
    reason: str = ""


class DistributionOut(Schema):
    public_id: str
    distributed_on: dt.date
    amount: int
    received_by: str
    receiver_name: str
    proxy_relation: str
    proof_kind: str
    recorded_by: str


class EntitlementOut(Schema):
    public_id: str
    recipient: str
    unit: UnitOut
    amount: int
    in_kind: str
    status: str
    distribution: DistributionOut | None


class DistributionIn(Schema):
    distributed_on: dt.date | None = None
    received_by: str = Field("", description="recipient atau proxy")
    receiver_name: str = ""
    proxy_relation: str = Field("", description="wajib bila diwakilkan (mis. anak, istri)")
    proxy_resident: str = Field("", description="public_id penduduk wakil (opsional)")
    amount: int | None = Field(None, ge=0)
    proof_kind: str = Field("", description="signature atau photo")
    proof_base64: str = Field("", description="PNG tanda tangan atau foto JPEG/PNG, base64")
    notes: str = ""


class BandOut(Schema):
    band: str
    label: str
    families: int
    reached: int
    not_reached: int


class CoverageOut(Schema):
    village: str
    families: int
    bands: list[BandOut]
    programmes: list[dict[str, Any]]


class VillageCoverageOut(Schema):
    code: str
    name: str
    district: str
    families: int
    decile_1_4: int
    decile_1_4_reached: int
    decile_1_4_not_reached: int
    decile_7_10_reached: int
    reached: int
    no_decile: int


# --- Helpers ---------------------------------------------------------------------------------


def _unit(obj: Candidate | Recipient) -> dict[str, Any]:
    family = obj.family
    resident = obj.resident
    household = getattr(obj, "household", None)
    if resident is not None:
        kind, name = "person", resident.name
    elif family is not None:
        kind, name = "family", (family.head.name if family.head_id and family.head else "")
    elif household is not None:
        kind, name = "household", (household.head.name if household.head else household.number)
    else:
        kind, name = "group", getattr(obj, "group_name", "")
    return {
        "kind": kind,
        "family": family.public_id if family is not None else None,
        "resident": resident.public_id if resident is not None else None,
        "name": name,
        "kk_masked": mask_number(family.kk_number) if family is not None else "",
    }


def _programme(village: Village, public_id: str) -> Programme:
    return aid_selectors.programme_get(village=village, public_id=public_id)


def _programme_out(p: Programme, active: int) -> dict[str, Any]:
    data = {f: getattr(p, f) for f in ProgrammeOut.model_fields if f != "active_recipients"}
    return data | {"active_recipients": active}


def _cycle_out(village: Village, c: DistributionCycle) -> dict[str, Any]:
    s = aid_selectors.cycle_summary(village=village, cycle=c)
    return {
        "public_id": c.public_id,
        "programme": c.programme.public_id,
        "period": c.period,
        "number": c.number,
        "label": c.label,
        "covers_start": c.covers_start,
        "covers_end": c.covers_end,
        "planned_on": c.planned_on,
        "amount": c.amount,
        "status": c.status,
        "status_reason": c.status_reason,
        "approved_by": c.approved_by.get_username() if c.approved_by else None,
        "approved_at": c.approved_at,
        "entitlements": s.entitlements,
        "distributed": s.distributed,
        "pending": s.pending,
        "amount_due": s.amount_due,
        "amount_paid": s.amount_paid,
    }


def _distribution_out(d: Distribution) -> dict[str, Any]:
    return {
        "public_id": d.public_id,
        "distributed_on": d.distributed_on,
        "amount": d.amount,
        "received_by": d.received_by,
        "receiver_name": d.receiver_name,
        "proxy_relation": d.proxy_relation,
        "proof_kind": d.proof_kind,
        "recorded_by": d.recorded_by.get_username(),
    }


def _entitlement_out(e: Entitlement) -> dict[str, Any]:
    d = e.distribution if e.status == Entitlement.Status.DISTRIBUTED else None
    return {
        "public_id": e.public_id,
        "recipient": e.recipient.public_id,
        "unit": _unit(e.recipient),
        "amount": e.amount,
        "in_kind": e.in_kind,
        "status": e.status,
        "distribution": _distribution_out(d) if d is not None else None,
    }


def _required(**values: Any) -> None:
    missing = {name: ["Wajib diisi."] for name, v in values.items() if v in (None, "")}
    if missing:
        raise ValidationError(missing)


# --- Programmes, evaluation, candidates, recipients ------------------------------------------


@router.get("/programmes", response=list[ProgrammeOut], summary="Program bantuan desa ini")
def programme_list(request: HttpRequest) -> list[dict[str, Any]]:
    village = village_for(request, "aid.read")
    rows = aid_selectors.programme_overview(village=village)
    return [_programme_out(r["programme"], r["recipients"]) for r in rows]


@router.get("/programmes/{public_id}", response=ProgrammeOut, summary="Satu program")
def programme_detail(request: HttpRequest, public_id: str) -> dict[str, Any]:
    village = village_for(request, "aid.read")
    p = _programme(village, public_id)
    counts = aid_selectors.recipient_counts(village=village, programme=p)
    return _programme_out(p, counts.get(Recipient.Status.ACTIVE, 0))


@router.post(
    "/programmes/{public_id}/evaluate",
    response=EvaluateOut,
    summary="Evaluasi aturan program atas keluarga desa (atau coba aturan lain tanpa menyimpan)",
)
def programme_evaluate(request: HttpRequest, public_id: str, payload: EvaluateIn) -> dict[str, Any]:
    village = village_for(request, "aid.read")
    programme = _programme(village, public_id)
    ruleset = None
    if payload.rules is not None:
        excluded: list[dict[str, Any]] = []
        for e in payload.exclusions:
            try:
                other = _programme(village, e.programme)
            except Programme.DoesNotExist:
                raise NotFound("exclusions.programme", "Program tidak ditemukan.")
            excluded.append({"programme_id": other.pk, "basis": e.basis, "reason": e.reason})
        ruleset = targeting.ruleset_from_rows([r.dict() for r in payload.rules], excluded)
    try:
        ev = targeting.evaluate_programme(programme=programme, ruleset=ruleset)
    except RuleError as exc:
        raise ValidationError({"rules": exc.messages})
    top = ev.order[: payload.limit]
    ids = [ev.table.ids[i] for i in top]
    families = {f.pk: f for f in Family.objects.filter(village=village, pk__in=ids).select_related("head")}
    out = []
    for rank, i in enumerate(top, start=1):
        fam = families.get(ev.table.ids[i])
        if fam is None:
            continue
        out.append(
            {
                "rank": rank,
                "family": fam.public_id,
                "name": fam.head.name if fam.head else "",
                "kk_masked": mask_number(fam.kk_number),
                "tier": ev.tier[i],
                "score": ev.score[i],
                "explanation": ev.explain(i),
            }
        )
    if out:
        aid_services.recipient_list_viewed(
            actor=actor(request), programme=programme, what="api evaluasi aturan", count=len(out)
        )
    return {"counts": ev.counts(), "quota": programme.quota, "candidates": out}


@router.get(
    "/programmes/{public_id}/candidates", response=list[CandidateOut], summary="Calon penerima, berperingkat"
)
def candidate_list(request: HttpRequest, public_id: str, status: str = "") -> list[dict[str, Any]]:
    village = village_for(request, "aid.read")
    programme = _programme(village, public_id)
    rows = list(aid_selectors.candidate_list(village=village, programme=programme, status=status)[:5000])
    aid_services.recipient_list_viewed(
        actor=actor(request), programme=programme, what="api calon", count=len(rows)
    )
    return [
        {
            "public_id": c.public_id,
            "unit": _unit(c),
            "source": c.source,
            "status": c.status,
            "eligible": c.eligible,
            "excluded": c.excluded,
            "tier": c.tier,
            "score": float(c.score),
            "rank": c.rank,
            "explanation": c.explanation,
        }
        for c in rows
    ]


@router.get("/programmes/{public_id}/recipients", response=list[RecipientOut], summary="Penerima program")
def recipient_list(request: HttpRequest, public_id: str, status: str = "") -> list[dict[str, Any]]:
    village = village_for(request, "aid.read")
    programme = _programme(village, public_id)
    rows = list(aid_selectors.recipient_list(village=village, programme=programme, status=status)[:20000])
    aid_services.recipient_list_viewed(
        actor=actor(request), programme=programme, what="api penerima", count=len(rows)
    )
    return [
        {
            "public_id": r.public_id,
            "unit": _unit(r),
            "source": r.source,
            "status": r.status,
            "status_reason": r.status_reason,
            "enrolled_on": r.enrolled_on,
            "ended_on": r.ended_on,
            "external_id": r.external_id,
            "benefit_amount": r.benefit_amount,
            "decree": r.decree.number if r.decree else None,
        }
        for r in rows
    ]


# --- Cycles and distributions ----------------------------------------------------------------


@router.get("/programmes/{public_id}/cycles", response=list[CycleOut], summary="Tahap penyaluran program")
def cycle_list(request: HttpRequest, public_id: str) -> list[dict[str, Any]]:
    village = village_for(request, "aid.read")
    programme = _programme(village, public_id)
    return [_cycle_out(village, c) for c in aid_selectors.cycles_of(village=village, programme=programme)]


@router.post(
    "/programmes/{public_id}/cycles", response={201: CycleOut}, summary="Buat tahap penyaluran (konsep)"
)
def cycle_create(request: HttpRequest, public_id: str, payload: CycleIn) -> Status[dict[str, Any]]:
    village = village_for(request, "aid.write")
    programme = _programme(village, public_id)
    _required(covers_start=payload.covers_start, covers_end=payload.covers_end, planned_on=payload.planned_on)
    assert payload.covers_start
    assert payload.covers_end
    assert payload.planned_on
    cycle = dist.cycle_create(
        actor=actor(request),
        programme=programme,
        covers_start=payload.covers_start,
        covers_end=payload.covers_end,
        planned_on=payload.planned_on,
        label=payload.label,
        amount=payload.amount,
    )
    return Status(
        201, _cycle_out(village, aid_selectors.cycle_get(village=village, public_id=cycle.public_id))
    )


@router.get("/cycles/{public_id}", response=CycleOut, summary="Satu tahap penyaluran")
def cycle_detail(request: HttpRequest, public_id: str) -> dict[str, Any]:
    village = village_for(request, "aid.read")
    return _cycle_out(village, aid_selectors.cycle_get(village=village, public_id=public_id))


@router.post(
    "/cycles/{public_id}/generate", response=CycleOut, summary="Susun ulang daftar hak (tahap konsep)"
)
def cycle_generate(request: HttpRequest, public_id: str) -> dict[str, Any]:
    village = village_for(request, "aid.write")
    cycle = aid_selectors.cycle_get(village=village, public_id=public_id)
    dist.cycle_generate(actor=actor(request), cycle=cycle)
    return _cycle_out(village, aid_selectors.cycle_get(village=village, public_id=public_id))


@router.post(
    "/cycles/{public_id}/steps",
    response=CycleOut,
    summary="Langkah tahap: approve (Kepala Desa), distributed, close, cancel (dengan alasan)",
)
def cycle_step(request: HttpRequest, public_id: str, payload: CycleStep) -> dict[str, Any]:
    village = village_for(request, "aid.read")
    cycle = aid_selectors.cycle_get(village=village, public_id=public_id)
    dist.cycle_transition(actor=actor(request), cycle=cycle, action=payload.action, reason=payload.reason)
    return _cycle_out(village, aid_selectors.cycle_get(village=village, public_id=public_id))


@router.get(
    "/cycles/{public_id}/entitlements", response=list[EntitlementOut], summary="Hak penerima pada tahap"
)
def entitlement_list(request: HttpRequest, public_id: str) -> list[dict[str, Any]]:
    village = village_for(request, "aid.read")
    cycle = aid_selectors.cycle_get(village=village, public_id=public_id)
    rows = aid_selectors.entitlements_of(village=village, cycle=cycle)
    aid_services.recipient_list_viewed(
        actor=actor(request),
        programme=cycle.programme,
        what=f"api hak tahap {cycle.public_id}",
        count=len(rows),
    )
    return [_entitlement_out(e) for e in rows]


@router.post(
    "/entitlements/{public_id}/distribution",
    response={201: DistributionOut},
    summary="Catat penyaluran satu hak, dengan bukti (tanda tangan atau foto)",
)
def distribution_create(
    request: HttpRequest, public_id: str, payload: DistributionIn
) -> Status[dict[str, Any]]:
    village = village_for(request, "aid.write")
    ent = aid_selectors.entitlement_get(village=village, public_id=public_id)
    _required(
        distributed_on=payload.distributed_on,
        received_by=payload.received_by,
        proof_kind=payload.proof_kind,
    )
    assert payload.distributed_on is not None
    proxy: Resident | None = None
    if payload.proxy_resident:
        try:
            proxy = resident_get(village=village, public_id=payload.proxy_resident)
        except Resident.DoesNotExist:
            raise NotFound("proxy_resident", "Penduduk tidak ditemukan.")
    try:
        raw = base64.b64decode(payload.proof_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"proof_base64": ["Bukan base64 yang sah."]})
    if payload.proof_kind == Distribution.ProofKind.SIGNATURE:
        proof = dist.proof_from_signature(raw)
    elif payload.proof_kind == Distribution.ProofKind.PHOTO:
        proof = dist.proof_from_photo(raw)
    else:
        raise ValidationError({"proof_kind": ["Harus signature atau photo."]})
    d = dist.distribution_record(
        actor=actor(request),
        entitlement=ent,
        distributed_on=payload.distributed_on,
        received_by=payload.received_by,
        receiver_name=payload.receiver_name,
        proxy_relation=payload.proxy_relation,
        proxy_resident=proxy,
        amount=payload.amount,
        proof=proof,
        notes=payload.notes,
    )
    return Status(201, _distribution_out(d))


@router.get(
    "/cycles/{public_id}/distributions", response=list[DistributionOut], summary="Penyaluran tercatat"
)
def distribution_list(request: HttpRequest, public_id: str) -> list[dict[str, Any]]:
    village = village_for(request, "aid.read")
    cycle = aid_selectors.cycle_get(village=village, public_id=public_id)
    rows = list(
        Distribution.objects.filter(village=village, entitlement__cycle=cycle)
        .select_related("recorded_by")
        .order_by("distributed_on", "id")
    )
    aid_services.recipient_list_viewed(
        actor=actor(request),
        programme=cycle.programme,
        what=f"api penyaluran {cycle.public_id}",
        count=len(rows),
    )
    return [_distribution_out(d) for d in rows]


# --- Coverage --------------------------------------------------------------------------------


@router.get("/coverage", response=CoverageOut, summary="Cakupan bantuan desa ini menurut desil (jumlah)")
def coverage_village(request: HttpRequest) -> dict[str, Any]:
    village = village_for(request, "aid.read")
    cov = coverage.village_coverage(village=village)
    return {
        "village": village.code,
        "families": cov.families,
        "bands": [
            {
                "band": b.key,
                "label": b.label,
                "families": b.families,
                "reached": b.reached,
                "not_reached": b.not_reached,
            }
            for b in cov.bands
        ],
        "programmes": [
            {
                "programme": p.programme.public_id,
                "name": p.programme.name,
                "families": p.families,
                "by_band": p.by_band,
            }
            for p in cov.programmes
        ],
    }


@router.get(
    "/coverage/villages",
    response=list[VillageCoverageOut],
    summary="Cakupan per desa dalam wilayah akun (kecamatan/kabupaten): jumlah saja",
)
def coverage_villages(request: HttpRequest) -> list[dict[str, Any]]:
    scope = scope_of(request)
    if not scope.can("aggregates.read"):
        raise PermissionDenied
    rows = coverage.regional_coverage(villages=scope.readable_villages())
    return [
        {
            "code": r.village.code,
            "name": r.village.name,
            "district": r.village.district_name,
            "families": r.families,
            "decile_1_4": r.poor,
            "decile_1_4_reached": r.poor_reached,
            "decile_1_4_not_reached": r.poor_not_reached,
            "decile_7_10_reached": r.rich_reached,
            "reached": r.reached,
            "no_decile": r.no_decile,
        }
        for r in rows
    ]
