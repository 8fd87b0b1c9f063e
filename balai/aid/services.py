"""Writes of the aid module. Every change to personal data leaves an audit event; every view of
a recipient list is recorded too (`recipient_list_viewed`). Refusals raise AidError with an
Indonesian reason and leave nothing half-done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.accounts.scope import scope_for
from balai.aid import targeting
from balai.aid.models import (
    Candidate,
    Criterion,
    Decree,
    Deliberation,
    DeliberationAttendee,
    OfficialDecile,
    Programme,
    ProgrammeExclusion,
    Recipient,
    RecipientChange,
    Verification,
    WelfareSurvey,
)
from balai.aid.rules import RuleSet
from balai.core.audit import PendingEvent, audit_record, audit_record_many
from balai.core.errors import ApplicationError
from balai.core.masking import mask_number
from balai.core.services import audit_value, model_update
from balai.people.models import Family, Household, Resident
from balai.regions.models import Village

if TYPE_CHECKING:
    from balai.accounts.models import User


class AidError(ApplicationError):
    """Refused: the message says why, in Indonesian; nothing was saved."""


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _family_label(family: Family) -> str:
    return _("keluarga KK %(kk)s") % {"kk": mask_number(family.kk_number)}


# --- 1. Programmes ---------------------------------------------------------------------------

PROGRAMME_FIELDS = [
    "name",
    "code",
    "source",
    "target_unit",
    "period",
    "period_start",
    "period_end",
    "benefit_kind",
    "benefit_amount",
    "benefit_frequency",
    "benefit_in_kind",
    "quota",
    "legal_basis",
    "privacy",
    "status",
    "uses_targeting",
    "description",
]


def _programme_clean(village: Village, data: dict[str, Any], instance: Programme | None) -> None:
    if data["period_end"] < data["period_start"]:
        raise AidError(_("Akhir periode tidak boleh sebelum awal periode."))
    clash = Programme.objects.filter(village=village, code=data["code"], period=data["period"])
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise AidError(
            _("Program dengan kode \u201c%(code)s\u201d untuk periode %(period)s sudah ada.")
            % {"code": data["code"], "period": data["period"]}
        )


@transaction.atomic
def programme_create(*, actor: User | None, village: Village, data: dict[str, Any]) -> Programme:
    _programme_clean(village, data, None)
    programme = Programme(
        village=village, created_by=actor, **{k: data[k] for k in PROGRAMME_FIELDS if k in data}
    )
    programme.save()
    audit_record(
        actor=actor,
        village=village,
        action="aid.programme_created",
        object_type="aid_programme",
        object_id=programme.public_id,
        changes={k: audit_value(data[k]) for k in PROGRAMME_FIELDS if k in data},
    )
    return programme


@transaction.atomic
def programme_update(*, actor: User | None, programme: Programme, data: dict[str, Any]) -> Programme:
    _programme_clean(programme.village, data, programme)
    changes = model_update(instance=programme, fields=PROGRAMME_FIELDS, data=data)
    if changes:
        audit_record(
            actor=actor,
            village=programme.village,
            action="aid.programme_updated",
            object_type="aid_programme",
            object_id=programme.public_id,
            changes=changes.for_audit(),
        )
    return programme


@transaction.atomic
def rules_save(*, actor: User | None, programme: Programme, ruleset: RuleSet) -> RuleSet:
    """Replace the programme's rules and exclusions. Invalid rules: RuleError, nothing saved."""
    checked = targeting.check(programme, ruleset)
    if Decree.objects.filter(programme=programme, period=programme.period).exists():
        raise AidError(
            _("SK penerima sudah terbit untuk periode ini; aturan penjaringan tidak dapat diubah lagi.")
        )
    Criterion.objects.filter(programme=programme).delete()
    ProgrammeExclusion.objects.filter(programme=programme).delete()
    Criterion.objects.bulk_create(
        [
            Criterion(
                village_id=programme.village_id,
                programme=programme,
                kind=r.kind,
                field=r.field,
                operator=r.operator,
                value=r.value,
                weight=r.weight,
                tier=r.tier,
                label=r.label,
                position=n,
            )
            for n, r in enumerate(checked.rules)
        ]
    )
    ProgrammeExclusion.objects.bulk_create(
        [
            ProgrammeExclusion(
                village_id=programme.village_id,
                programme=programme,
                excluded_id=ex.programme_id,
                basis=ex.basis,
                reason=ex.reason,
            )
            for ex in checked.exclusions
        ]
    )
    audit_record(
        actor=actor,
        village=programme.village,
        action="aid.rules_saved",
        object_type="aid_programme",
        object_id=programme.public_id,
        changes={
            "rules": [r.describe() + (f" [{r.weight}]" if r.weight else "") for r in checked.rules],
            "exclusions": [ex.name for ex in checked.exclusions],
        },
    )
    return checked


# --- 2. Welfare data -------------------------------------------------------------------------

SURVEY_FIELDS = [
    "surveyed_on",
    "enumerator_name",
    "ownership",
    "floor_area_m2",
    "floor",
    "wall",
    "roof",
    "water",
    "sanitation",
    "energy",
    "cooking_fuel",
    "electricity_va",
    "has_motorcycle",
    "has_car",
    "has_refrigerator",
    "has_gold_savings",
    "land_m2",
    "livestock_units",
    "income_sources",
    "monthly_income",
    "has_disabled_member",
    "has_chronic_illness",
    "elderly_alone",
    "female_head",
    "notes",
]


@transaction.atomic
def welfare_survey_record(
    *,
    actor: User | None,
    village: Village,
    family: Family,
    data: dict[str, Any],
) -> WelfareSurvey:
    """A new survey of the family's household (or of the family when it has none). The previous
    survey stays as history."""
    if family.village_id != village.pk:
        raise AidError(_("Keluarga bukan warga desa ini."))
    household: Household | None = None
    if family.head_id is not None and family.head is not None and family.head.household_id is not None:
        household = family.head.household
    if data["surveyed_on"] > timezone.localdate():
        raise AidError(_("Tanggal pendataan tidak boleh di masa depan."))
    current = WelfareSurvey.objects.select_for_update().filter(is_latest=True)
    current = (
        current.filter(household=household) if household else current.filter(family=family, household=None)
    )
    previous = current.first()
    if previous is not None and previous.surveyed_on > data["surveyed_on"]:
        raise AidError(
            _("Sudah ada pendataan yang lebih baru (%(date)s); data lama tidak dapat menggantikannya.")
            % {"date": previous.surveyed_on.strftime("%d-%m-%Y")}
        )
    current.update(is_latest=False)
    survey = WelfareSurvey(
        village=village,
        household=household,
        family=family,
        enumerator=actor,
        **{k: data[k] for k in SURVEY_FIELDS if k in data},
    )
    survey.save()
    audit_record(
        actor=actor,
        village=village,
        action="aid.welfare_surveyed",
        object_type="aid_welfare_survey",
        object_id=survey.public_id,
        changes={"family": family.public_id} | {k: audit_value(data[k]) for k in SURVEY_FIELDS if k in data},
    )
    return survey


@transaction.atomic
def decile_record(
    *,
    actor: User | None,
    village: Village,
    family: Family,
    decile: int,
    received_on: dt.date,
    source: str,
    reference_period: str = "",
) -> OfficialDecile:
    """Store the official DTSEN decile exactly as received (Balai never computes one)."""
    if family.village_id != village.pk:
        raise AidError(_("Keluarga bukan warga desa ini."))
    if not 1 <= decile <= 10:
        raise AidError(_("Desil harus 1 sampai 10."))
    if not source.strip():
        raise AidError(_("Sumber data desil harus diisi."))
    OfficialDecile.objects.select_for_update().filter(family=family, is_latest=True).update(is_latest=False)
    row = OfficialDecile.objects.create(
        village=village,
        family=family,
        decile=decile,
        received_on=received_on,
        source=source.strip(),
        reference_period=reference_period.strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        village=village,
        action="aid.decile_recorded",
        object_type="aid_decile",
        object_id=row.public_id,
        changes={
            "family": family.public_id,
            "decile": decile,
            "received_on": received_on.isoformat(),
            "source": source,
        },
    )
    return row


# --- 4. Candidates and decision --------------------------------------------------------------

OPEN_CANDIDATE = (
    Candidate.Status.PROPOSED,
    Candidate.Status.LISTED,
    Candidate.Status.VERIFIED,
    Candidate.Status.NOT_VERIFIED,
)


def _decreed(programme: Programme) -> bool:
    return Decree.objects.filter(programme=programme, period=programme.period).exists()


def _explanation(evaluation: targeting.Evaluation, row: int, rank: int | None) -> dict[str, Any]:
    data = evaluation.explain(row)
    data["rank"] = rank
    data["evaluated_on"] = evaluation.table.today.isoformat()
    return data


@transaction.atomic
def candidates_generate(*, actor: User | None, programme: Programme) -> dict[str, int]:
    """(Re)build the candidate list from the programme's rules: every eligible, not excluded
    family ranked with its explanation; proposals (RT/RW, kiosk) are kept and re-explained."""
    if programme.target_unit != Programme.TargetUnit.FAMILY:
        raise AidError(_("Penjaringan otomatis tersedia untuk program sasaran keluarga (KK)."))
    if _decreed(programme):
        raise AidError(_("SK penerima sudah terbit; daftar calon tidak dapat dihitung ulang."))
    if not Criterion.objects.filter(programme=programme).exists():
        raise AidError(_("Program ini belum punya aturan penjaringan."))
    evaluation = targeting.evaluate_programme(programme=programme)
    now = timezone.now()
    rank_of = {row: n for n, row in enumerate(evaluation.order, start=1)}
    existing = {
        c.family_id: c for c in Candidate.objects.filter(programme=programme, period=programme.period)
    }
    ids = evaluation.table.ids
    kept = 0
    # Rule-sourced candidates no longer ranked leave the list; everything else (still ranked,
    # verified, proposed by a person) is updated in place, keeping its public id.
    ranked = {ids[i] for i in evaluation.order}
    stale = {
        c.pk
        for fid, c in existing.items()
        if c.source == Candidate.Source.RULES and c.status == Candidate.Status.LISTED and fid not in ranked
    }
    Candidate.objects.filter(pk__in=stale).delete()
    existing = {fid: c for fid, c in existing.items() if c.pk not in stale}
    new: list[Candidate] = []
    updated: list[Candidate] = []
    row_of = evaluation.table.index
    for fid, c in existing.items():
        i = row_of.get(fid)  # type: ignore[arg-type]
        if i is None:
            continue
        c.eligible = evaluation.eligible[i]
        c.excluded = evaluation.excluded[i] is not None
        c.tier = evaluation.tier[i]
        c.score = Decimal(evaluation.score[i])
        c.rank = rank_of.get(i)
        c.explanation = _explanation(evaluation, i, c.rank)
        c.evaluated_at = now
        if c.status == Candidate.Status.PROPOSED:
            c.status = Candidate.Status.LISTED
        updated.append(c)
        kept += 1
    for i in evaluation.order:
        if ids[i] in existing:
            continue
        new.append(
            Candidate(
                village_id=programme.village_id,
                programme=programme,
                period=programme.period,
                family_id=ids[i],
                source=Candidate.Source.RULES,
                status=Candidate.Status.LISTED,
                eligible=True,
                excluded=False,
                tier=evaluation.tier[i],
                score=Decimal(evaluation.score[i]),
                rank=rank_of[i],
                explanation=_explanation(evaluation, i, rank_of[i]),
                evaluated_at=now,
            )
        )
    Candidate.objects.bulk_create(new, batch_size=500)
    _update_rows(
        Candidate,
        updated,
        ["eligible", "excluded", "tier", "score", "rank", "explanation", "evaluated_at", "status"],
    )
    counts = evaluation.counts() | {"new": len(new), "kept": kept}
    audit_record(
        actor=actor,
        village=programme.village,
        action="aid.candidates_generated",
        object_type="aid_programme",
        object_id=programme.public_id,
        changes=counts,
    )
    return counts


def _update_rows(model: type[models.Model], objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    """UPDATE … WHERE id = ? for many rows in one executemany (bulk_update builds a CASE per
    field and row, which costs seconds for a village's candidate list)."""
    if not objs:
        return
    meta = model._meta
    concrete: list[Any] = [meta.get_field(f) for f in fields]
    quote = connection.ops.quote_name
    pk_column: str = meta.pk.column  # type: ignore[union-attr]
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in concrete),
        quote(pk_column),
    )
    rows = [[f.get_db_prep_save(getattr(o, f.attname), connection) for f in concrete] + [o.pk] for o in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _candidate_unit_filter(family: Family | None, resident: Resident | None) -> dict[str, Any]:
    if resident is not None:
        return {"resident": resident}
    return {"family": family, "resident": None}


@transaction.atomic
def candidate_nominate(
    *,
    village: Village,
    family: Family,
    programme: Programme,
    source: str,
    actor: User | None = None,
    proposer_name: str = "",
    note: str = "",
    resident: Resident | None = None,
) -> Candidate:
    """A family (or one member, for person programmes) proposed by RT/RW, an operator or the
    family itself at the kiosk joins the candidate list with its source, explained by the
    programme's rules. Refused when it is already a candidate or recipient."""
    if family.village_id != village.pk or programme.village_id != village.pk:
        raise AidError(_("Keluarga atau program bukan milik desa ini."))
    if resident is not None and resident.family_id != family.pk:
        raise AidError(_("Penduduk bukan anggota keluarga ini."))
    if source not in Candidate.Source.values or source in (Candidate.Source.RULES, Candidate.Source.IMPORT):
        raise AidError(_("Asal usulan tidak sah."))
    if programme.status == Programme.Status.CLOSED:
        raise AidError(_("Program %(name)s sudah selesai.") % {"name": programme.name})
    if not programme.uses_targeting:
        raise AidError(
            _("Penerima %(name)s ditetapkan oleh program asal, bukan lewat usulan desa.")
            % {"name": programme.name}
        )
    if _decreed(programme):
        raise AidError(
            _("SK penerima %(name)s periode %(period)s sudah terbit; usulan untuk periode berikutnya.")
            % {"name": programme.name, "period": programme.period}
        )
    if programme.target_unit == Programme.TargetUnit.PERSON and resident is None:
        raise AidError(_("Program ini untuk perorangan: pilih anggota keluarga yang diusulkan."))
    if programme.target_unit != Programme.TargetUnit.PERSON:
        resident = None
    unit = _candidate_unit_filter(family, resident)
    recipient = Recipient.objects.filter(programme=programme, period=programme.period, **unit).first()
    if recipient is not None:
        raise AidError(
            _("Sudah terdaftar sebagai penerima %(name)s periode %(period)s.")
            % {"name": programme.name, "period": programme.period}
        )
    existing = Candidate.objects.filter(programme=programme, period=programme.period, **unit).first()
    if existing is not None:
        raise AidError(
            _("Sudah ada dalam daftar calon %(name)s (%(source)s, status %(status)s).")
            % {
                "name": programme.name,
                "source": existing.get_source_display(),
                "status": existing.get_status_display(),
            }
        )
    explanation: dict[str, Any] = {}
    eligible = excluded = False
    tier, score = 0, 0
    if (
        Criterion.objects.filter(programme=programme).exists()
        or ProgrammeExclusion.objects.filter(programme=programme).exists()
    ):
        evaluation = targeting.evaluate_programme(programme=programme, family_ids=[family.pk])
        if evaluation.table.ids:
            explanation = _explanation(evaluation, 0, None)
            eligible = evaluation.eligible[0]
            excluded = evaluation.excluded[0] is not None
            tier, score = evaluation.tier[0], evaluation.score[0]
    candidate = Candidate.objects.create(
        village=village,
        programme=programme,
        period=programme.period,
        family=family,
        resident=resident,
        source=source,
        status=Candidate.Status.PROPOSED,
        proposed_by=actor,
        proposer_name=proposer_name.strip()[:100],
        proposal_note=note.strip(),
        eligible=eligible,
        excluded=excluded,
        tier=tier,
        score=Decimal(score),
        explanation=explanation,
        evaluated_at=timezone.now() if explanation else None,
    )
    audit_record(
        actor=actor,
        village=village,
        action="aid.candidate_nominated",
        object_type="aid_candidate",
        object_id=candidate.public_id,
        changes={
            "programme": programme.public_id,
            "family": family.public_id,
            "resident": resident.public_id if resident else None,
            "source": source,
            "proposer": proposer_name,
        },
    )
    return candidate


@transaction.atomic
def candidate_verify(
    *,
    actor: User | None,
    candidate: Candidate,
    result: str,
    verified_on: dt.date,
    verifier_name: str,
    notes: str = "",
) -> Verification:
    if candidate.status not in OPEN_CANDIDATE:
        raise AidError(
            _("Calon berstatus %(status)s tidak dapat diverifikasi lagi.")
            % {"status": candidate.get_status_display()}
        )
    if result not in Verification.Result.values:
        raise AidError(_("Hasil verifikasi tidak sah."))
    if verified_on > timezone.localdate():
        raise AidError(_("Tanggal verifikasi tidak boleh di masa depan."))
    if not verifier_name.strip():
        raise AidError(_("Nama petugas verifikasi harus diisi."))
    row = Verification.objects.create(
        village_id=candidate.village_id,
        candidate=candidate,
        result=result,
        verified_on=verified_on,
        verifier_name=verifier_name.strip(),
        verified_by=actor,
        notes=notes.strip(),
    )
    old = candidate.status
    candidate.status = (
        Candidate.Status.VERIFIED if result == Verification.Result.VALID else Candidate.Status.NOT_VERIFIED
    )
    candidate.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        village=candidate.village,
        action="aid.candidate_verified",
        object_type="aid_candidate",
        object_id=candidate.public_id,
        changes={"result": result, "status": [old, candidate.status], "verified_on": verified_on.isoformat()},
    )
    return row


@transaction.atomic
def candidates_verify(
    *,
    actor: User | None,
    candidates: Sequence[Candidate],
    result: str,
    verified_on: dt.date,
    verifier_name: str,
    notes: str = "",
) -> int:
    """The same verification result for several candidates: all recorded or none."""
    for c in candidates:
        candidate_verify(
            actor=actor,
            candidate=c,
            result=result,
            verified_on=verified_on,
            verifier_name=verifier_name,
            notes=notes,
        )
    return len(candidates)


@dataclass(frozen=True)
class Attendee:
    name: str
    position: str = ""


@transaction.atomic
def deliberation_record(
    *,
    actor: User | None,
    programme: Programme,
    held_on: dt.date,
    place: str,
    chair: str,
    minutes: str,
    attendees: Sequence[Attendee],
    approved: Iterable[Candidate],
    declined: Iterable[Candidate] = (),
    notes: dict[int, str] | None = None,
) -> Deliberation:
    """Musyawarah desa on the verified candidates: who is approved, who declined, the minutes
    and who attended. Only verified candidates can be approved; the quota holds."""
    approved, declined = list(approved), list(declined)
    notes = notes or {}
    if _decreed(programme):
        raise AidError(_("SK penerima sudah terbit untuk periode ini."))
    if held_on > timezone.localdate():
        raise AidError(_("Tanggal musyawarah tidak boleh di masa depan."))
    if not minutes.strip() or not place.strip() or not chair.strip():
        raise AidError(_("Tempat, pimpinan dan berita acara musyawarah harus diisi."))
    people = [a for a in attendees if a.name.strip()]
    if len(people) < 3:
        raise AidError(_("Daftar hadir musyawarah minimal 3 orang."))
    if not approved:
        raise AidError(_("Musyawarah harus menyetujui sedikitnya satu calon."))
    both = {c.pk for c in approved} & {c.pk for c in declined}
    if both:
        raise AidError(_("Seorang calon tidak dapat sekaligus disetujui dan ditolak."))
    for c in [*approved, *declined]:
        if c.programme_id != programme.pk or c.period != programme.period:
            raise AidError(_("Calon bukan dari program dan periode ini."))
    not_ready = [c for c in approved if c.status != Candidate.Status.VERIFIED]
    if not_ready:
        raise AidError(
            _("%(n)s calon yang disetujui belum lolos verifikasi (mis. %(who)s).")
            % {"n": len(not_ready), "who": _unit_label(not_ready[0])}
        )
    already = Candidate.objects.filter(
        programme=programme, period=programme.period, status=Candidate.Status.APPROVED
    ).exclude(pk__in=[c.pk for c in [*approved, *declined]])
    total = already.count() + len(approved)
    if programme.quota is not None and total > programme.quota:
        raise AidError(
            _("Jumlah calon disetujui (%(n)s) melebihi kuota program (%(quota)s).")
            % {"n": total, "quota": programme.quota}
        )
    deliberation = Deliberation.objects.create(
        village_id=programme.village_id,
        programme=programme,
        period=programme.period,
        held_on=held_on,
        place=place.strip(),
        chair=chair.strip(),
        minutes=minutes.strip(),
        recorded_by=actor,
    )
    DeliberationAttendee.objects.bulk_create(
        [
            DeliberationAttendee(
                village_id=programme.village_id,
                deliberation=deliberation,
                name=a.name.strip()[:100],
                position=a.position.strip()[:100],
            )
            for a in people
        ]
    )
    events = []
    for status, group in ((Candidate.Status.APPROVED, approved), (Candidate.Status.DECLINED, declined)):
        for c in group:
            c.status = status
            c.deliberation_note = notes.get(c.pk, "")[:255]
            events.append(
                PendingEvent(
                    action="aid.candidate_deliberated",
                    object_type="aid_candidate",
                    object_id=c.public_id,
                    changes={"status": status, "deliberation": deliberation.public_id},
                )
            )
    Candidate.objects.bulk_update([*approved, *declined], ["status", "deliberation_note"])
    audit_record(
        actor=actor,
        village=programme.village,
        action="aid.deliberation_recorded",
        object_type="aid_deliberation",
        object_id=deliberation.public_id,
        changes={
            "programme": programme.public_id,
            "held_on": held_on.isoformat(),
            "attendees": len(people),
            "approved": len(approved),
            "declined": len(declined),
        },
    )
    audit_record_many(actor=actor, village=programme.village, events=events)
    return deliberation


def _unit_label(c: Candidate | Recipient) -> str:
    if c.family_id is not None and c.family is not None:
        return _family_label(c.family)
    if c.resident_id is not None and c.resident is not None:
        return c.resident.name
    return "?"


@transaction.atomic
def decree_issue(
    *,
    actor: User,
    programme: Programme,
    deliberation: Deliberation,
    number: str,
    title: str,
    decided_on: dt.date,
) -> Decree:
    """The head's decree (SK): every candidate approved in the deliberation becomes a
    recipient. One refused enrolment (double aid, exclusion) refuses the whole decree."""
    if not scope_for(actor).can("aid.decide"):
        raise AidError(_("Hanya Kepala Desa yang dapat menetapkan SK penerima."))
    if deliberation.programme_id != programme.pk or deliberation.period != programme.period:
        raise AidError(_("Berita acara musyawarah bukan untuk program dan periode ini."))
    if _decreed(programme):
        raise AidError(_("SK penerima untuk periode ini sudah terbit; gunakan perubahan penerima."))
    if decided_on < deliberation.held_on:
        raise AidError(_("Tanggal SK tidak boleh sebelum tanggal musyawarah."))
    if decided_on > timezone.localdate():
        raise AidError(_("Tanggal SK tidak boleh di masa depan."))
    if not number.strip() or not title.strip():
        raise AidError(_("Nomor dan judul SK harus diisi."))
    if Decree.objects.filter(village_id=programme.village_id, number=number.strip()).exists():
        raise AidError(_("Nomor SK %(number)s sudah dipakai.") % {"number": number.strip()})
    approved = list(
        Candidate.objects.filter(
            programme=programme, period=programme.period, status=Candidate.Status.APPROVED
        ).select_related("family", "resident")
    )
    if not approved:
        raise AidError(_("Belum ada calon yang disetujui musyawarah."))
    decree = Decree.objects.create(
        village_id=programme.village_id,
        programme=programme,
        period=programme.period,
        deliberation=deliberation,
        number=number.strip(),
        title=title.strip(),
        decided_on=decided_on,
        decided_by=actor,
    )
    problems = enrolment_problems(
        programme=programme, family_ids=[c.family_id for c in approved if c.family_id and not c.resident_id]
    )
    if problems:
        fid, reason = next(iter(problems.items()))
        who = next(c for c in approved if c.family_id == fid)
        raise AidError(
            _("SK tidak dapat ditetapkan: %(n)s calon terkendala, mis. %(who)s: %(reason)s")
            % {"n": len(problems), "who": _unit_label(who), "reason": reason}
        )
    recipients = []
    for c in approved:
        recipients.append(
            _enrol(
                actor=actor,
                programme=programme,
                family=c.family if c.resident_id is None else None,
                resident=c.resident,
                source=Recipient.Source.DECREE,
                decree=decree,
                candidate=c,
                enrolled_on=max(decided_on, programme.period_start),
                audit=False,
            )
        )
    Candidate.objects.filter(pk__in=[c.pk for c in approved]).update(status=Candidate.Status.DECREED)
    if programme.status == Programme.Status.DRAFT:
        programme.status = Programme.Status.ACTIVE
        programme.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        village=programme.village,
        action="aid.decree_issued",
        object_type="aid_decree",
        object_id=decree.public_id,
        changes={"programme": programme.public_id, "number": decree.number, "recipients": len(recipients)},
    )
    audit_record_many(
        actor=actor,
        village=programme.village,
        events=[
            PendingEvent(
                action="aid.recipient_enrolled",
                object_type="aid_recipient",
                object_id=r.public_id,
                changes={"programme": programme.public_id, "source": r.source, "decree": decree.public_id},
            )
            for r in recipients
        ],
    )
    return decree


# --- 5. Double-aid control and enrolment -----------------------------------------------------


def enrolment_problems(
    *, programme: Programme, family_ids: Iterable[int], check_enrolled: bool = True
) -> dict[int, str]:
    """Family id → why it cannot be enrolled in `programme` now (set-wise; empty = all fine):
    already enrolled this period, excluded by this programme's rules, or enrolled in a
    programme that excludes this one."""
    ids = list(dict.fromkeys(family_ids))
    if not ids:
        return {}
    problems: dict[int, str] = {}
    enrolled = Recipient.objects.filter(
        programme=programme, period=programme.period, family_id__in=ids, resident__isnull=True
    )
    for fid, status in enrolled.values_list("family_id", "status") if check_enrolled else []:
        problems[fid] = _(
            "sudah terdaftar sebagai penerima %(name)s periode %(period)s (status %(status)s)."
        ) % {
            "name": programme.name,
            "period": programme.period,
            "status": Recipient.Status(status).label,
        }
    ruleset = targeting.ruleset_for(programme)
    for ex in ruleset.exclusions:
        other = Programme.objects.get(pk=ex.programme_id)
        if ex.basis == ProgrammeExclusion.Basis.RECIPIENT:
            hits = list(
                Recipient.objects.filter(
                    programme=other, status=Recipient.Status.ACTIVE, family_id__in=ids
                ).values_list("family_id", flat=True)
            )
        else:
            ev = targeting.evaluate_programme(programme=other, family_ids=ids)
            hits = [f for n, f in enumerate(ev.table.ids) if ev.eligible[n] and ev.excluded[n] is None]
        if ex.basis == ProgrammeExclusion.Basis.RECIPIENT:
            reason = _("menerima %(other)s; %(this)s tidak untuk penerima %(other)s (aturan pengecualian).")
        else:
            reason = _("memenuhi syarat %(other)s; %(this)s mengecualikan keluarga tersebut.")
        reason = reason % {"other": other.name, "this": programme.name}
        if ex.reason:
            reason = f"{reason} {ex.reason}"
        for fid in hits:
            problems.setdefault(fid, reason)
    # The other direction: a programme the family already receives may exclude this one.
    for src_id, src_name, fid in Recipient.objects.filter(
        status=Recipient.Status.ACTIVE,
        family_id__in=ids,
        programme__exclusions__excluded=programme,
        programme__exclusions__basis=ProgrammeExclusion.Basis.RECIPIENT,
    ).values_list("programme_id", "programme__name", "family_id"):
        if src_id != programme.pk:
            problems.setdefault(
                fid,
                _(
                    "menerima %(other)s, yang tidak boleh digabung dengan %(this)s (aturan pengecualian %(other)s)."
                )
                % {"other": src_name, "this": programme.name},
            )
    return problems


def _enrol(
    *,
    actor: User | None,
    programme: Programme,
    family: Family | None,
    resident: Resident | None,
    source: str,
    decree: Decree | None,
    candidate: Candidate | None,
    enrolled_on: dt.date,
    external_id: str = "",
    household: Household | None = None,
    group_name: str = "",
    audit: bool = True,
) -> Recipient:
    try:
        with transaction.atomic():
            recipient = Recipient.objects.create(
                village_id=programme.village_id,
                programme=programme,
                period=programme.period,
                family=family if resident is None else (resident.family if resident.family_id else None),
                household=household,
                resident=resident,
                group_name=group_name,
                candidate=candidate,
                decree=decree,
                source=source,
                enrolled_on=enrolled_on,
                external_id=external_id,
            )
    except IntegrityError:
        # Two requests raced past the check: the database refused the second.
        raise AidError(
            _("Sudah terdaftar sebagai penerima %(name)s periode %(period)s.")
            % {"name": programme.name, "period": programme.period}
        )
    if audit:
        audit_record(
            actor=actor,
            village=programme.village,
            action="aid.recipient_enrolled",
            object_type="aid_recipient",
            object_id=recipient.public_id,
            changes={
                "programme": programme.public_id,
                "family": family.public_id if family else None,
                "resident": resident.public_id if resident else None,
                "source": source,
                "decree": decree.public_id if decree else None,
                "external_id": external_id,
            },
        )
    return recipient


@transaction.atomic
def recipient_enrol(
    *,
    actor: User | None,
    programme: Programme,
    source: str,
    family: Family | None = None,
    resident: Resident | None = None,
    household: Household | None = None,
    group_name: str = "",
    decree: Decree | None = None,
    candidate: Candidate | None = None,
    external_id: str = "",
    enrolled_on: dt.date | None = None,
    reason: str = "",
) -> Recipient:
    """The one way into a recipient list. Refused, with the reason, for a family of another
    village, a double enrolment in the same programme and period, or an exclusion rule.
    Adding a recipient to a programme whose decree is out is a change after the decree: it
    needs `reason` and the head's decision (aid.decide)."""
    village_id = programme.village_id
    for unit in (family, resident, household):
        if unit is not None and unit.village_id != village_id:
            raise AidError(_("Penerima bukan warga desa ini."))
    if not (family or resident or household or group_name.strip()):
        raise AidError(_("Pilih keluarga, penduduk, rumah tangga atau kelompok penerima."))
    if source not in Recipient.Source.values:
        raise AidError(_("Sumber penerima tidak sah."))
    if source != Recipient.Source.IMPORT and _decreed(programme) and decree is None:
        if actor is None or not scope_for(actor).can("aid.decide"):
            raise AidError(_("Perubahan penerima setelah SK hanya oleh Kepala Desa."))
        if not reason.strip():
            raise AidError(_("Perubahan penerima setelah SK harus disertai alasan."))
        decree = (
            Decree.objects.filter(programme=programme, period=programme.period)
            .order_by("-decided_on")
            .first()
        )
    if resident is not None:
        if Recipient.objects.filter(programme=programme, period=programme.period, resident=resident).exists():
            raise AidError(
                _("%(who)s sudah terdaftar sebagai penerima %(name)s periode %(period)s.")
                % {"who": resident.name, "name": programme.name, "period": programme.period}
            )
    if family is not None and resident is None:
        if family.is_active is False:
            raise AidError(_("KK %(kk)s tidak aktif.") % {"kk": mask_number(family.kk_number)})
        problems = enrolment_problems(programme=programme, family_ids=[family.pk])
        if problems:
            raise AidError(_first_upper(_family_label(family)) + " " + problems[family.pk])
    recipient = _enrol(
        actor=actor,
        programme=programme,
        family=family,
        resident=resident,
        household=household if family is None else None,
        group_name=group_name.strip() if not (family or resident or household) else "",
        source=source,
        decree=decree,
        candidate=candidate,
        enrolled_on=enrolled_on or max(timezone.localdate(), programme.period_start),
        external_id=external_id.strip(),
    )
    if reason.strip() and actor is not None:
        RecipientChange.objects.create(
            village_id=village_id,
            recipient=recipient,
            changed_by=actor,
            field="status",
            old_value="",
            new_value=Recipient.Status.ACTIVE,
            reason=reason.strip()[:255],
        )
    return recipient


@transaction.atomic
def recipient_change_status(*, actor: User, recipient: Recipient, status: str, reason: str) -> Recipient:
    """Suspend, remove, graduate or reactivate a recipient: a reason is required, the change is
    kept on the recipient and in the audit trail. After the decree only the head decides."""
    if status not in Recipient.Status.values:
        raise AidError(_("Status penerima tidak sah."))
    if not reason.strip():
        raise AidError(_("Alasan perubahan harus diisi."))
    if recipient.decree_id is not None and not scope_for(actor).can("aid.decide"):
        raise AidError(_("Perubahan penerima setelah SK hanya oleh Kepala Desa."))
    if status == recipient.status:
        raise AidError(_("Status penerima sudah %(status)s.") % {"status": recipient.get_status_display()})
    if status == Recipient.Status.ACTIVE and recipient.family_id is not None:
        blocking = enrolment_problems(
            programme=recipient.programme, family_ids=[recipient.family_id], check_enrolled=False
        )
        if blocking and recipient.family is not None:
            raise AidError(
                _first_upper(_family_label(recipient.family)) + " " + blocking[recipient.family_id]
            )
    old = recipient.status
    recipient.status = status
    recipient.status_reason = reason.strip()[:255]
    recipient.ended_on = None if status == Recipient.Status.ACTIVE else timezone.localdate()
    recipient.save(update_fields=["status", "status_reason", "ended_on", "updated_at"])
    RecipientChange.objects.create(
        village_id=recipient.village_id,
        recipient=recipient,
        changed_by=actor,
        field="status",
        old_value=old,
        new_value=status,
        reason=reason.strip()[:255],
    )
    audit_record(
        actor=actor,
        village=recipient.village,
        action="aid.recipient_status_changed",
        object_type="aid_recipient",
        object_id=recipient.public_id,
        changes={"status": [old, status], "reason": reason.strip()},
    )
    return recipient


# --- 8. Audited views of recipient data ------------------------------------------------------


def recipient_list_viewed(
    *, actor: User | None, programme: Programme, what: str, count: int | None = None
) -> None:
    """Record that someone saw (or exported) a programme's recipient/candidate list."""
    audit_record(
        actor=actor,
        village=programme.village,
        action="aid.recipient_list_viewed",
        object_type="aid_programme",
        object_id=programme.public_id,
        changes={"what": what, "rows": count},
    )


def family_welfare_viewed(*, actor: User | None, family: Family) -> None:
    audit_record(
        actor=actor,
        village=family.village,
        action="aid.welfare_viewed",
        object_type="family",
        object_id=family.public_id,
    )


@dataclass(frozen=True)
class DecileRow:
    row: int  # row number in the file, for messages
    kk_number: str
    decile: str


@transaction.atomic
def deciles_import(
    *,
    actor: User | None,
    village: Village,
    rows: Sequence[DecileRow],
    received_on: dt.date,
    source: str,
    reference_period: str = "",
) -> int:
    """Store a received DTSEN decile list (No. KK + desil) for this village's families, all or
    nothing: any unknown KK, another village's KK, a bad decile or a KK listed twice refuses
    the whole file with every problem named by row."""
    if not source.strip():
        raise AidError(_("Sumber data desil harus diisi."))
    if received_on > timezone.localdate():
        raise AidError(_("Tanggal diterima tidak boleh di masa depan."))
    if not rows:
        raise AidError(_("Berkas tidak berisi baris data."))
    kks = {r.kk_number.strip() for r in rows}
    found = list(
        Family.objects.filter(village=village, kk_number__in=kks).values_list("kk_number", "pk", "public_id")
    )
    families = {kk: pk for kk, pk, _p in found}
    public = {pk: p for _kk, pk, p in found}
    problems: list[str] = []
    seen: dict[str, int] = {}
    parsed: list[tuple[int, int]] = []
    for r in rows:
        kk = r.kk_number.strip()
        label = _("Baris %(n)s") % {"n": r.row}
        if kk in seen:
            problems.append(
                _("%(row)s: No. KK %(kk)s sudah ada di baris %(first)s.")
                % {"row": label, "kk": mask_number(kk), "first": seen[kk]}
            )
            continue
        seen[kk] = r.row
        fid = families.get(kk)
        if fid is None:
            problems.append(
                _("%(row)s: No. KK %(kk)s tidak ditemukan di desa ini.")
                % {"row": label, "kk": mask_number(kk) or "—"}
            )
            continue
        try:
            value = int(float(str(r.decile).strip()))
        except ValueError:
            value = 0
        if not 1 <= value <= 10:
            problems.append(
                _("%(row)s: desil \u201c%(d)s\u201d harus 1 sampai 10.") % {"row": label, "d": r.decile}
            )
            continue
        parsed.append((fid, value))
    if problems:
        shown = problems[:20]
        if len(problems) > 20:
            shown.append(_("… dan %(n)s masalah lain.") % {"n": len(problems) - 20})
        raise AidError(
            _("Berkas ditolak, tidak ada yang disimpan. ") + " ".join(shown), extra={"problems": problems}
        )
    family_ids = [fid for fid, _d in parsed]
    OfficialDecile.objects.filter(village=village, family_id__in=family_ids, is_latest=True).update(
        is_latest=False
    )
    created = OfficialDecile.objects.bulk_create(
        [
            OfficialDecile(
                village=village,
                family_id=fid,
                decile=d,
                received_on=received_on,
                source=source.strip(),
                reference_period=reference_period.strip(),
                recorded_by=actor,
            )
            for fid, d in parsed
        ],
        batch_size=500,
    )
    audit_record(
        actor=actor,
        village=village,
        action="aid.deciles_imported",
        object_type="aid_decile",
        changes={"rows": len(created), "source": source.strip(), "received_on": received_on.isoformat()},
    )
    audit_record_many(
        actor=actor,
        village=village,
        events=[
            PendingEvent(
                action="aid.decile_recorded",
                object_type="aid_decile",
                object_id=row.public_id,
                changes={"family": public[row.family_id], "decile": row.decile},
            )
            for row in created
        ],
    )
    return len(created)
