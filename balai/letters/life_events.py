"""What a life event means for letters (docs/single-data.md).

- Open requests (draft … signed) whose subject may no longer have that letter (most letters
  need a living resident of the village; a death certificate needs a dead one) are cancelled
  with the event as the reason. Issued letters stay valid history.
- A ketua RT is gone: the operator is asked to name a successor on the RT's page.
- An official who signs letters is gone: letters in progress that name them as signer are
  listed for the kepala desa to choose another signer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from balai.audit.services import audit_record
from balai.letters.models import Letter, RtHead
from balai.letters.policy import OPEN_STATES
from balai.letters.types import REGISTRY
from balai.people.consequences import event_reason, review_item_add, undo_data
from balai.people.models import LifeEvent
from balai.staff.models import Official

if TYPE_CHECKING:
    from balai.accounts.models import User

LABEL = "letters"


def probe(*, resident_id: int, village_id: int, family_id: int) -> list[QuerySet[Any]]:
    """What `on_leaving` may act on: an open request about them, an official post of theirs
    (letters waiting for that signer), an RT they head."""
    return [
        Letter.objects.filter(village_id=village_id, subject_id=resident_id, state__in=OPEN_STATES),
        Official.objects.filter(village_id=village_id, resident_id=resident_id),
        RtHead.objects.filter(village_id=village_id, resident_id=resident_id, ended_at__isnull=True),
    ]


def on_leaving(*, event: LifeEvent, actor: User | None) -> list[str]:
    resident = event.resident
    if resident is None:
        return []
    reason = event_reason(event)
    changes: list[str] = []
    cancelled: list[list[object]] = []
    for letter in Letter.objects.filter(village_id=event.village_id, subject=resident, state__in=OPEN_STATES):
        letter_type = REGISTRY.get(letter.type_code)
        refusal = letter_type.subject.check(resident) if letter_type is not None else ""
        # After a transfer the person is another village's resident: this village's open
        # requests for them end whatever the type.
        if not refusal and resident.village_id == event.village_id:
            continue
        cancelled.append([letter.pk, letter.state, letter.state_note])
        letter.state = Letter.State.CANCELLED
        letter.state_note = reason[:500]
        letter.save(update_fields=["state", "state_note", "updated_at"])
        audit_record(
            actor=actor,
            village=letter.village,
            action="letter.cancelled",
            object_type="letter",
            object_id=letter.public_id,
            changes={"state": Letter.State.CANCELLED, "reason": reason, "life_event": event.public_id},
        )
        changes.append(_("Permohonan %(type)s dibatalkan.") % {"type": letter.type_name})
    if cancelled:
        undo_data(event, LABEL)["cancelled"] = cancelled
    officials = list(Official.objects.filter(village_id=event.village_id, resident=resident))
    if officials:
        waiting = Letter.objects.filter(
            village_id=event.village_id, signer__in=officials, state__in=OPEN_STATES
        ).only("public_id", "type_code")
        for letter in waiting:
            review_item_add(
                event=event,
                module=LABEL,
                title=_("Surat menunggu tanda tangan %(name)s: pilih penanda tangan lain")
                % {"name": resident.name},
                reason=reason,
                link=reverse("letters:detail", args=[letter.public_id]),
            )
            changes.append(_("Surat %(type)s menunggu penanda tangan lain.") % {"type": letter.type_name})
    # A ketua RT who leaves: the operator names a successor (or ends the post) on the RT's page;
    # until then their account still approves, so the office sees it at once.
    for head in RtHead.objects.filter(
        village_id=event.village_id, resident=resident, ended_at__isnull=True
    ).select_related("rt", "rt__dusun"):
        review_item_add(
            event=event,
            module=LABEL,
            title=_("%(name)s adalah ketua %(rt)s: tetapkan pengganti atau akhiri")
            % {"name": resident.name, "rt": head.rt},
            reason=reason,
            link=reverse("letters:rt_head_detail", args=[head.rt.public_id]),
        )
        changes.append(_("Ketua %(rt)s perlu diganti.") % {"rt": head.rt})
    return changes


def undo_leaving(*, event: LifeEvent, actor: User | None) -> list[str]:
    rows = (event.details or {}).get("undo", {}).get(LABEL, {}).get("cancelled") or []
    n = 0
    for pk, state, note in rows:
        n += Letter.objects.filter(pk=pk, state=Letter.State.CANCELLED).update(state=state, state_note=note)
    return [_("%(n)d permohonan surat dipulihkan.") % {"n": n}] if n else []


LIFE_EVENT_HANDLERS = dict.fromkeys(("death", "missing", "gone", "move_out", "transfer"), on_leaving)
LIFE_EVENT_UNDO = dict.fromkeys(("death", "missing", "gone", "move_out"), undo_leaving)
LIFE_EVENT_PROBES = dict.fromkeys(("death", "missing", "gone", "move_out", "transfer"), probe)
