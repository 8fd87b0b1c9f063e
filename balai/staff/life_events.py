"""What a life event means for village officials (docs/single-data.md).

An official linked to a resident who dies, goes missing or leaves the village is deactivated
and loses signing authority at once (no letter can be signed in their name); the vacancy is
a review item. Letters already waiting for that signer are listed by the letters module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from balai.audit.services import audit_record
from balai.people.consequences import event_reason, review_item_add, undo_data
from balai.people.models import LifeEvent
from balai.staff.models import Official

if TYPE_CHECKING:
    from balai.accounts.models import User

LABEL = "staff"


def probe(*, resident_id: int, village_id: int, family_id: int) -> list[QuerySet[Any]]:
    """What `on_leaving` may act on: an active official post."""
    return [Official.objects.filter(village_id=village_id, resident_id=resident_id, is_active=True)]


def on_leaving(*, event: LifeEvent, actor: User | None) -> list[str]:
    resident = event.resident
    if resident is None:
        return []
    officials = list(Official.objects.filter(village_id=event.village_id, resident=resident, is_active=True))
    if not officials:
        return []
    reason = event_reason(event)
    undo_data(event, LABEL)["officials"] = [[o.pk, o.signs_letters, o.signs_as] for o in officials]
    changes = []
    for official in officials:
        before = {"is_active": True, "signs_letters": official.signs_letters, "signs_as": official.signs_as}
        official.is_active = False
        official.signs_letters = False
        official.signs_as = ""
        official.save(update_fields=["is_active", "signs_letters", "signs_as", "updated_at"])
        audit_record(
            actor=actor,
            village=event.village,
            action="official.deactivated",
            object_type="official",
            object_id=official.public_id,
            changes={"before": before, "reason": reason, "life_event": event.public_id},
        )
        review_item_add(
            event=event,
            module=LABEL,
            title=_("Jabatan %(position)s kosong: tetapkan pengganti atau pelaksana tugas")
            % {"position": official.position},
            reason=reason,
            link=reverse("staff:official_list"),
        )
        changes.append(
            _("%(position)s dinonaktifkan; kewenangan tanda tangan dicabut.")
            % {"position": official.position}
        )
    return changes


def undo_leaving(*, event: LifeEvent, actor: User | None) -> list[str]:
    rows = (event.details or {}).get("undo", {}).get(LABEL, {}).get("officials") or []
    changes = []
    for pk, signs_letters, signs_as in rows:
        official = Official.objects.filter(pk=pk, is_active=False).first()
        if official is None:
            continue
        official.is_active = True
        official.signs_letters = signs_letters
        official.signs_as = signs_as
        official.save(update_fields=["is_active", "signs_letters", "signs_as", "updated_at"])
        audit_record(
            actor=actor,
            village=event.village,
            action="official.reactivated",
            object_type="official",
            object_id=official.public_id,
            changes={"life_event_cancelled": event.public_id},
        )
        changes.append(_("%(position)s aktif kembali.") % {"position": official.position})
    return changes


LIFE_EVENT_HANDLERS = dict.fromkeys(("death", "missing", "gone", "move_out", "transfer"), on_leaving)
LIFE_EVENT_UNDO = dict.fromkeys(("death", "missing", "gone", "move_out"), undo_leaving)
LIFE_EVENT_PROBES = dict.fromkeys(("death", "missing", "gone", "move_out", "transfer"), probe)
