"""Programmes and their targeting rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from balai.aid import targeting
from balai.aid.models import Criterion, Decree, Programme, ProgrammeExclusion
from balai.aid.rules import RuleSet
from balai.aid.services.common import AidError
from balai.audit.services import audit_record
from balai.core.services import audit_value, model_update
from balai.regions.models import Village

if TYPE_CHECKING:
    from balai.accounts.models import User


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
