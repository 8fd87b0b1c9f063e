"""What a life event means for social aid (see docs/single-data.md, the rule table).

- Death, missing, gone, move out: the person's own recipient rows are suspended; after a death
  their undistributed entitlements are cancelled. A family recipient whose head is gone
  continues, but the operator must confirm the new head and re-verify the family (review
  item). A family recipient with no living member left in the village is suspended.
- Transfer to another village of the regency: as a move out in the old village; where the new
  village runs a programme with the same code and period, the person (or the whole family)
  is proposed there as a candidate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.aid.models import Candidate, Entitlement, Programme, Recipient, RecipientChange
from balai.audit.services import PendingEvent, audit_record_many
from balai.people import codes
from balai.people.consequences import event_key, event_reason, review_item_add, undo_data
from balai.people.models import LifeEvent, Resident

if TYPE_CHECKING:
    from balai.accounts.models import User

LABEL = "aid"
OPEN_CYCLE_STATUSES = ("draft", "approved", "distributed")


def _suspend(recipients: list[Recipient], *, event: LifeEvent, actor: User | None, reason: str) -> list[int]:
    pending = []
    for rec in recipients:
        old = rec.status
        rec.status = Recipient.Status.SUSPENDED
        rec.status_reason = reason[:255]
        rec.ended_on = event.event_date
        rec.save(update_fields=["status", "status_reason", "ended_on", "updated_at"])
        if actor is not None:
            RecipientChange.objects.create(
                village_id=rec.village_id,
                recipient=rec,
                changed_by=actor,
                field="status",
                old_value=old,
                new_value=rec.status,
                reason=reason[:255],
            )
        pending.append(
            PendingEvent(
                "aid.recipient_status_changed",
                "aid_recipient",
                rec.public_id,
                {"status": [old, rec.status], "reason": reason, "life_event": event.public_id},
            )
        )
    if pending:
        audit_record_many(actor=actor, village=recipients[0].village, events=pending)
    return [r.pk for r in recipients]


def _family_left(family_id: int, village_id: int) -> bool:
    """No living member of the family remains a resident of the village."""
    return not Resident.objects.filter(
        family_id=family_id, village_id=village_id, status=codes.STATUS_ALIVE
    ).exists()


def probe(*, resident_id: int, village_id: int, family_id: int) -> list[QuerySet[Any]]:
    """What `on_leaving` may act on: the person's or the family's active recipient rows."""
    active = Recipient.objects.filter(village_id=village_id, status=Recipient.Status.ACTIVE)
    return [active.filter(resident_id=resident_id), active.filter(family_id=family_id, resident__isnull=True)]


def on_leaving(*, event: LifeEvent, actor: User | None) -> list[str]:
    resident = event.resident
    if resident is None:
        return []
    village_id = event.village_id
    reason = event_reason(event)
    undo = undo_data(event, LABEL)
    changes: list[str] = []

    own = list(
        Recipient.objects.filter(village_id=village_id, resident=resident, status=Recipient.Status.ACTIVE)
        .select_related("programme", "village")
        .order_by("id")
    )
    family_rows: list[Recipient] = []
    if event.family_id is not None:
        family_rows = list(
            Recipient.objects.filter(
                village_id=village_id,
                family_id=event.family_id,
                resident__isnull=True,
                status=Recipient.Status.ACTIVE,
            )
            .select_related("programme", "village", "family")
            .order_by("id")
        )
    family_gone = event.family_id is not None and _family_left(event.family_id, village_id)
    suspended = own + (family_rows if family_gone else [])
    if suspended:
        undo["suspended"] = _suspend(suspended, event=event, actor=actor, reason=reason)
        for rec in suspended:
            changes.append(_("Penerima %(programme)s ditangguhkan.") % {"programme": rec.programme.name})
    if event.kind == LifeEvent.Kind.DEATH and own:
        pending = list(
            Entitlement.objects.filter(
                recipient__in=own, status=Entitlement.Status.PENDING, cycle__status__in=OPEN_CYCLE_STATUSES
            ).values_list("pk", flat=True)
        )
        if pending:
            Entitlement.objects.filter(pk__in=pending).update(
                status=Entitlement.Status.CANCELLED, updated_at=timezone.now()
            )
            undo["cancelled_entitlements"] = pending
            changes.append(_("%(n)d hak bantuan yang belum disalurkan dibatalkan.") % {"n": len(pending)})
    # The family's aid continues without the head: a person confirms the new head.
    if not family_gone:
        if _is_head(resident, event):
            for rec in family_rows:
                review_item_add(
                    event=event,
                    module=LABEL,
                    title=_(
                        "Konfirmasi kepala keluarga baru penerima %(programme)s dan verifikasi ulang keluarga"
                    )
                    % {"programme": rec.programme.name},
                    reason=_("Kepala keluarga %(name)s: %(reason)s")
                    % {"name": resident.name, "reason": reason},
                    link=reverse("aid:recipient_detail", args=[rec.public_id]),
                )
                changes.append(
                    _("Bantuan keluarga %(programme)s berlanjut; kepala keluarga baru perlu dikonfirmasi.")
                    % {"programme": rec.programme.name}
                )
    if event_key(event) == "transfer":
        changes += _propose_in_new_village(event=event, actor=actor, suspended=suspended, resident=resident)
    return changes


def _is_head(resident: Resident, event: LifeEvent) -> bool:
    if event.family is None:
        return False
    return event.family.head_id == resident.pk or resident.family_relation == 1


def _propose_in_new_village(
    *, event: LifeEvent, actor: User | None, suspended: list[Recipient], resident: Resident
) -> list[str]:
    """A recipient of a village programme is proposed as candidate of the same programme
    (same code and period) in the new village, for its own targeting and decision."""
    changes: list[str] = []
    new_village_id = resident.village_id
    for rec in suspended:
        programme = (
            Programme.objects.filter(village_id=new_village_id, code=rec.programme.code, period=rec.period)
            .exclude(status=Programme.Status.CLOSED)
            .first()
        )
        if programme is None:
            continue
        unit: dict[str, Any] = (
            {"resident": resident} if rec.resident_id else {"family_id": rec.family_id, "resident": None}
        )
        exists = Candidate.objects.filter(programme=programme, period=rec.period, **unit).exists()
        if exists:
            continue
        candidate = Candidate.objects.create(
            village_id=new_village_id,
            programme=programme,
            period=rec.period,
            source=Candidate.Source.OPERATOR,
            status=Candidate.Status.PROPOSED,
            proposed_by=actor,
            proposer_name=_("Pindahan dari Desa %(v)s") % {"v": event.village.name},
            proposal_note=_("Penerima %(programme)s di desa asal sampai %(day)s.")
            % {"programme": rec.programme.name, "day": event.event_date.strftime("%d-%m-%Y")},
            **unit,
        )
        review_item_add(
            event=event,
            village=resident.village,
            module=LABEL,
            title=_("Penduduk pindahan diusulkan sebagai calon %(programme)s")
            % {"programme": programme.name},
            reason=event_reason(event),
            link=reverse("aid:candidate_detail", args=[candidate.public_id]),
            resident=resident,
        )
        changes.append(
            _("Diusulkan sebagai calon %(programme)s di desa tujuan.") % {"programme": programme.name}
        )
    return changes


def undo_leaving(*, event: LifeEvent, actor: User | None) -> list[str]:
    data = (event.details or {}).get("undo", {}).get(LABEL, {})
    changes: list[str] = []
    ids = data.get("suspended") or []
    if ids:
        rows = list(
            Recipient.objects.filter(pk__in=ids, status=Recipient.Status.SUSPENDED).select_related(
                "programme", "village"
            )
        )
        pending = []
        for rec in rows:
            rec.status = Recipient.Status.ACTIVE
            rec.status_reason = ""
            rec.ended_on = None
            rec.save(update_fields=["status", "status_reason", "ended_on", "updated_at"])
            if actor is not None:
                RecipientChange.objects.create(
                    village_id=rec.village_id,
                    recipient=rec,
                    changed_by=actor,
                    field="status",
                    old_value=Recipient.Status.SUSPENDED,
                    new_value=Recipient.Status.ACTIVE,
                    reason=_("Peristiwa kependudukan dibatalkan"),
                )
            pending.append(
                PendingEvent(
                    "aid.recipient_status_changed",
                    "aid_recipient",
                    rec.public_id,
                    {"status": ["suspended", "active"], "life_event_cancelled": event.public_id},
                )
            )
            changes.append(_("Penerima %(programme)s aktif kembali.") % {"programme": rec.programme.name})
        if pending:
            audit_record_many(actor=actor, village=rows[0].village, events=pending)
    ent_ids = data.get("cancelled_entitlements") or []
    if ent_ids:
        n = Entitlement.objects.filter(
            Q(pk__in=ent_ids), status=Entitlement.Status.CANCELLED, cycle__status__in=OPEN_CYCLE_STATUSES
        ).update(status=Entitlement.Status.PENDING, updated_at=timezone.now())
        if n:
            changes.append(_("%(n)d hak bantuan dipulihkan.") % {"n": n})
    return changes


LIFE_EVENT_HANDLERS = dict.fromkeys(("death", "missing", "gone", "move_out", "transfer"), on_leaving)
LIFE_EVENT_UNDO = dict.fromkeys(("death", "missing", "gone", "move_out"), undo_leaving)
LIFE_EVENT_PROBES = dict.fromkeys(("death", "missing", "gone", "move_out", "transfer"), probe)
