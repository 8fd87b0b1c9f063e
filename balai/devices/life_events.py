"""What a life event means for kiosk credentials (docs/single-data.md): the PIN of a resident
who died, went missing or left is disabled and the card unregistered, so neither works even
if the registry's status check were bypassed. Cancelling the event restores both."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from balai.audit.services import audit_record
from balai.devices.models import ResidentCredential
from balai.people.consequences import undo_data
from balai.people.models import LifeEvent

if TYPE_CHECKING:
    from balai.accounts.models import User

LABEL = "devices"


def probe(*, resident_id: int, village_id: int, family_id: int) -> list[QuerySet[Any]]:
    """What `on_leaving` may act on: a PIN still enabled or a card still registered."""
    return [
        ResidentCredential.objects.filter(Q(pin_disabled=False) | ~Q(card_digest=""), resident_id=resident_id)
    ]


def on_leaving(*, event: LifeEvent, actor: User | None) -> list[str]:
    if event.resident_id is None:
        return []
    cred = ResidentCredential.objects.select_for_update().filter(resident_id=event.resident_id).first()
    if cred is None or (cred.pin_disabled and not cred.card_digest):
        return []
    undo_data(event, LABEL).update({"pin_disabled": cred.pin_disabled, "card": cred.card_digest})
    changes = []
    if not cred.pin_disabled and cred.pin_hash:
        changes.append(_("PIN anjungan dinonaktifkan."))
    if cred.card_digest:
        changes.append(_("Kartu anjungan dicabut."))
    cred.pin_disabled = True
    cred.card_digest = ""
    cred.save(update_fields=["pin_disabled", "card_digest", "updated_at"])
    audit_record(
        actor=actor,
        village=event.village,
        action="kiosk.credential_disabled",
        object_type="resident",
        object_id=event.resident.public_id if event.resident else "",
        changes={"life_event": event.public_id},
    )
    return changes


def undo_leaving(*, event: LifeEvent, actor: User | None) -> list[str]:
    data = (event.details or {}).get("undo", {}).get(LABEL)
    if not data or event.resident_id is None:
        return []
    cred = ResidentCredential.objects.select_for_update().filter(resident_id=event.resident_id).first()
    if cred is None:
        return []
    card = data.get("card") or ""
    if card and ResidentCredential.objects.filter(card_digest=card).exclude(pk=cred.pk).exists():
        card = ""  # the card was given to someone else meanwhile
    cred.pin_disabled = bool(data.get("pin_disabled"))
    cred.card_digest = card or cred.card_digest
    cred.save(update_fields=["pin_disabled", "card_digest", "updated_at"])
    audit_record(
        actor=actor,
        village=event.village,
        action="kiosk.credential_restored",
        object_type="resident",
        object_id=event.resident.public_id if event.resident else "",
        changes={"life_event_cancelled": event.public_id, "card": bool(card)},
    )
    return [_("PIN dan kartu anjungan dipulihkan.")]


LIFE_EVENT_HANDLERS = dict.fromkeys(("death", "missing", "gone", "move_out", "transfer"), on_leaving)
LIFE_EVENT_UNDO = dict.fromkeys(("death", "missing", "gone", "move_out"), undo_leaving)
LIFE_EVENT_PROBES = dict.fromkeys(("death", "missing", "gone", "move_out", "transfer"), probe)
