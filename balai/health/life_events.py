"""What a life event means for posyandu and the village midwife (docs/single-data.md).

- Death of a pregnant woman: the ongoing pregnancy ends as a maternal death.
- Missing, gone, move out of the regency: the ongoing pregnancy is no longer followed here.
- Transfer within the regency: the pregnancy and its visits follow her to the new village's
  midwife (review item there to take her into a posyandu).
- Birth: the mother's ongoing pregnancy is closed as a live birth linked to the baby when the
  mother (her NIK) and the date match; otherwise a review item asks the midwife. The newborn is
  a posyandu target (children under five are counted from the registry).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from balai.audit.services import audit_record
from balai.core.errors import ApplicationError
from balai.health.models import AntenatalVisit, Posyandu, PosyanduArea, Pregnancy
from balai.health.services import pregnancy_close
from balai.people import codes
from balai.people.consequences import event_key, event_reason, review_item_add, undo_data
from balai.people.models import LifeEvent, Resident

if TYPE_CHECKING:
    from balai.accounts.models import User

LABEL = "health"
Outcome = Pregnancy.Outcome


def _ongoing(resident: Resident, village_id: int) -> Pregnancy | None:
    return Pregnancy.objects.filter(village_id=village_id, mother=resident, outcome=Outcome.ONGOING).first()


def _end(pregnancy: Pregnancy, *, outcome: str, event: LifeEvent, actor: User | None) -> None:
    pregnancy.outcome = outcome
    pregnancy.outcome_date = event.event_date
    pregnancy.save(update_fields=["outcome", "outcome_date", "updated_at"])
    audit_record(
        actor=actor,
        village=pregnancy.village,
        action="pregnancy.closed",
        object_type="pregnancy",
        object_id=pregnancy.public_id,
        changes={
            "outcome": outcome,
            "outcome_date": event.event_date.isoformat(),
            "life_event": event.public_id,
        },
    )


def probe(*, resident_id: int, village_id: int, family_id: int) -> list[QuerySet[Any]]:
    """What `on_leaving` may act on: her ongoing pregnancy."""
    return [Pregnancy.objects.filter(village_id=village_id, mother_id=resident_id, outcome=Outcome.ONGOING)]


def on_leaving(*, event: LifeEvent, actor: User | None) -> list[str]:
    resident = event.resident
    if resident is None or resident.sex != 2:
        return []
    pregnancy = _ongoing(resident, event.village_id)
    if pregnancy is None:
        return []
    undo_data(event, LABEL)["pregnancy"] = pregnancy.pk
    if event_key(event) == "transfer":
        old_village = pregnancy.village
        pregnancy.village_id = resident.village_id
        pregnancy.save(update_fields=["village", "updated_at"])
        AntenatalVisit.objects.filter(pregnancy=pregnancy).update(village_id=resident.village_id)
        audit_record(
            actor=actor,
            village=old_village,
            action="pregnancy.transferred",
            object_type="pregnancy",
            object_id=pregnancy.public_id,
            changes={"to_village": resident.village.code, "life_event": event.public_id},
        )
        review_item_add(
            event=event,
            village=resident.village,
            module=LABEL,
            title=_("Ibu hamil pindahan: jadwalkan di posyandu desa ini"),
            reason=event_reason(event),
            link=reverse("health:pregnancy_detail", args=[pregnancy.public_id]),
        )
        return [_("Catatan kehamilan dan kunjungannya pindah ke desa tujuan.")]
    if event.kind == LifeEvent.Kind.DEATH:
        _end(pregnancy, outcome=Outcome.MATERNAL_DEATH, event=event, actor=actor)
        review_item_add(
            event=event,
            module=LABEL,
            title=_("Kematian ibu hamil: lengkapi laporan kematian ibu"),
            reason=event_reason(event),
            link=reverse("health:pregnancy_detail", args=[pregnancy.public_id]),
        )
        return [_("Kehamilan ditutup: ibu meninggal.")]
    _end(pregnancy, outcome=Outcome.MOVED, event=event, actor=actor)
    return [_("Kehamilan tidak diikuti lagi (ibu tidak lagi tinggal di desa).")]


def undo_leaving(*, event: LifeEvent, actor: User | None) -> list[str]:
    pk = (event.details or {}).get("undo", {}).get(LABEL, {}).get("pregnancy")
    if pk is None:
        return []
    pregnancy = Pregnancy.objects.filter(pk=pk, outcome__in=[Outcome.MATERNAL_DEATH, Outcome.MOVED]).first()
    if (
        pregnancy is None
        or Pregnancy.objects.filter(mother_id=pregnancy.mother_id, outcome=Outcome.ONGOING).exists()
    ):
        return []
    pregnancy.outcome = Outcome.ONGOING
    pregnancy.outcome_date = None
    pregnancy.save(update_fields=["outcome", "outcome_date", "updated_at"])
    audit_record(
        actor=actor,
        village=pregnancy.village,
        action="pregnancy.reopened",
        object_type="pregnancy",
        object_id=pregnancy.public_id,
        changes={"life_event_cancelled": event.public_id},
    )
    return [_("Kehamilan dibuka kembali.")]


def _posyandu_for(baby: Resident) -> Posyandu | None:
    if baby.rt_id is None:
        return None
    area = PosyanduArea.objects.filter(rt_id=baby.rt_id).select_related("posyandu").first()
    return area.posyandu if area is not None else None


def on_birth(*, event: LifeEvent, actor: User | None) -> list[str]:
    baby = event.resident
    if baby is None or baby.birth_date is None:
        return []
    changes: list[str] = []
    mother = None
    if baby.mother_nik:
        mother = Resident.objects.filter(
            village_id=event.village_id, nik=baby.mother_nik, status=codes.STATUS_ALIVE
        ).first()
    pregnancy = _ongoing(mother, event.village_id) if mother is not None else None
    if pregnancy is not None:
        near = pregnancy.lmp_date + dt.timedelta(weeks=20) <= baby.birth_date
        linked = False
        if near:
            try:
                pregnancy_close(
                    actor=actor,
                    pregnancy=pregnancy,
                    outcome=Outcome.LIVE_BIRTH,
                    outcome_date=baby.birth_date,
                    baby=baby,
                )
                linked = True
            except (ValidationError, ApplicationError):
                linked = False
        if linked:
            undo_data(event, LABEL)["linked_pregnancy"] = pregnancy.pk
            changes.append(_("Kehamilan ibu ditutup: lahir hidup, tertaut ke bayi ini."))
        else:
            review_item_add(
                event=event,
                module=LABEL,
                title=_(
                    "Kelahiran tidak cocok dengan kehamilan ibu yang tercatat: periksa dan tutup kehamilan"
                ),
                reason=event_reason(event),
                link=reverse("health:pregnancy_detail", args=[pregnancy.public_id]),
                resident=baby,
            )
            changes.append(_("Kehamilan ibu perlu ditinjau bidan."))
    posyandu = _posyandu_for(baby)
    if posyandu is not None:
        changes.append(_("Bayi menjadi sasaran balita Posyandu %(name)s.") % {"name": posyandu.name})
    else:
        changes.append(_("Bayi menjadi sasaran balita posyandu desa."))
    return changes


def undo_birth(*, event: LifeEvent, actor: User | None) -> list[str]:
    pk = (event.details or {}).get("undo", {}).get(LABEL, {}).get("linked_pregnancy")
    if pk is None:
        return []
    pregnancy = Pregnancy.objects.filter(pk=pk, baby_id=event.resident_id).first()
    if pregnancy is None:
        return []
    pregnancy.outcome = Outcome.ONGOING
    pregnancy.outcome_date = None
    pregnancy.baby = None
    pregnancy.save(update_fields=["outcome", "outcome_date", "baby", "updated_at"])
    audit_record(
        actor=actor,
        village=pregnancy.village,
        action="pregnancy.reopened",
        object_type="pregnancy",
        object_id=pregnancy.public_id,
        changes={"life_event_cancelled": event.public_id},
    )
    return [_("Tautan kelahiran dilepas; kehamilan dibuka kembali.")]


LIFE_EVENT_HANDLERS = dict.fromkeys(("death", "missing", "gone", "move_out", "transfer"), on_leaving) | {
    "birth": on_birth
}
LIFE_EVENT_UNDO = dict.fromkeys(("death", "missing", "gone", "move_out"), undo_leaving) | {
    "birth": undo_birth
}
LIFE_EVENT_PROBES = dict.fromkeys(("death", "missing", "gone", "move_out", "transfer"), probe)
