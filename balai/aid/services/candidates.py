"""The candidate list: generated from the programme's rules, nominated by people (RT/RW, the
operator, the family at the kiosk), verified in the field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.aid import targeting
from balai.aid.models import Candidate, Criterion, Programme, ProgrammeExclusion, Recipient, Verification
from balai.aid.services.common import AidError, decreed
from balai.audit.services import audit_record
from balai.people.models import Family, Resident
from balai.regions.models import Village

if TYPE_CHECKING:
    from balai.accounts.models import User


OPEN_CANDIDATE = (
    Candidate.Status.PROPOSED,
    Candidate.Status.LISTED,
    Candidate.Status.VERIFIED,
    Candidate.Status.NOT_VERIFIED,
)


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
    if decreed(programme):
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
    pk_column: str = meta.pk.column
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
    if decreed(programme):
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
