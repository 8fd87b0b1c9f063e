"""What a life event means for the children's schooling (docs/single-data.md).

- Death: active enrolments end as "meninggal"; PIP counts already read living children only.
- Missing, gone, move out of the regency: active enrolments end as "pindah" with the reason.
- Transfer within the regency: the old village's enrolment ends as "pindah"; the new village
  is asked (review item) to record the child's school.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from balai.audit.services import PendingEvent, audit_record_many
from balai.education.models import Enrolment, VillageSummary
from balai.people.consequences import event_key, event_reason, review_item_add, undo_data
from balai.people.models import LifeEvent

if TYPE_CHECKING:
    from balai.accounts.models import User

LABEL = "education"


def probe(*, resident_id: int, village_id: int, family_id: int) -> list[QuerySet[Any]]:
    """What `on_leaving` may act on: an active enrolment."""
    return [Enrolment.objects.filter(resident_id=resident_id, status=Enrolment.Status.ACTIVE)]


def on_leaving(*, event: LifeEvent, actor: User | None) -> list[str]:
    resident = event.resident
    if resident is None:
        return []
    rows = list(
        Enrolment.objects.filter(resident=resident, status=Enrolment.Status.ACTIVE).select_related("school")
    )
    if not rows:
        return []
    status = Enrolment.Status.DECEASED if event.kind == LifeEvent.Kind.DEATH else Enrolment.Status.MOVED
    reason = event_reason(event)
    undo_data(event, LABEL)["enrolments"] = [[e.pk, e.note] for e in rows]
    Enrolment.objects.filter(pk__in=[e.pk for e in rows]).update(status=status, note=reason[:255])
    VillageSummary.objects.filter(village_id__in={e.village_id for e in rows}).delete()
    audit_record_many(
        actor=actor,
        village=event.village,
        events=[
            PendingEvent(
                "education.enrolment_status",
                "resident",
                resident.public_id,
                {"enrolment": e.public_id, "status": ["aktif", status], "life_event": event.public_id},
            )
            for e in rows
        ],
    )
    changes = [
        _("Pendaftaran di %(school)s diakhiri (%(status)s).")
        % {"school": e.school.name, "status": Enrolment.Status(status).label}
        for e in rows
    ]
    if event_key(event) == "transfer":
        review_item_add(
            event=event,
            village=resident.village,
            module=LABEL,
            title=_("Anak pindahan: catat sekolahnya di desa ini"),
            reason=reason,
            link=reverse("education:child", args=[resident.public_id]),
        )
    return changes


def undo_leaving(*, event: LifeEvent, actor: User | None) -> list[str]:
    rows = (event.details or {}).get("undo", {}).get(LABEL, {}).get("enrolments") or []
    restored = 0
    for pk, note in rows:
        restored += Enrolment.objects.filter(
            pk=pk, status__in=[Enrolment.Status.DECEASED, Enrolment.Status.MOVED]
        ).update(status=Enrolment.Status.ACTIVE, note=note)
    if restored:
        VillageSummary.objects.filter(village_id=event.village_id).delete()
        return [_("%(n)d pendaftaran sekolah aktif kembali.") % {"n": restored}]
    return []


LIFE_EVENT_HANDLERS = dict.fromkeys(("death", "missing", "gone", "move_out", "transfer"), on_leaving)
LIFE_EVENT_UNDO = dict.fromkeys(("death", "missing", "gone", "move_out"), undo_leaving)
LIFE_EVENT_PROBES = dict.fromkeys(("death", "missing", "gone", "move_out", "transfer"), probe)
