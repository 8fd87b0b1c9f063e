"""What a resident's death or departure changes in village finance (called by the single-data
life-event recorder, see balai/core/plugins.py): an SPP raised to them and not yet paid is
held, and a review item asks the office to decide (reject it, or pay someone else through a
new SPP). Nothing is paid or rejected automatically; a cancelled event releases the hold."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from balai.finance.models import PaymentRequest
from balai.finance.services_payees import spp_hold, spp_release
from balai.people.consequences import event_reason, review_item_add, undo_data

LABEL = "finance"
OPEN = (PaymentRequest.Status.DRAFT, PaymentRequest.Status.VERIFIED, PaymentRequest.Status.APPROVED)


def probe(*, resident_id: int, village_id: int, family_id: int) -> list[QuerySet[Any]]:
    """What `on_leaving` may act on: an unpaid SPP to them, not already held."""
    return [PaymentRequest.objects.filter(payee_resident_id=resident_id, status__in=OPEN, hold_reason="")]


def on_leaving(*, event: Any, actor: Any) -> list[str]:
    resident = getattr(event, "resident", None)
    if resident is None:
        return []
    held = []
    reason = _("Penerima %(n)s: %(r)s.") % {"n": resident.name, "r": event_reason(event)}
    for spp in PaymentRequest.objects.filter(
        payee_resident=resident, status__in=OPEN, hold_reason=""
    ).select_related("village"):
        spp_hold(actor=actor, spp=spp, reason=reason)
        review_item_add(
            event=event,
            module=LABEL,
            title=_("SPP %(no)s kepada %(n)s belum dibayar") % {"no": spp.number, "n": resident.name},
            reason=_("Penerima tidak lagi penduduk hidup desa; SPP ditahan sampai diputuskan."),
            link=reverse("finance:spp", args=[spp.public_id]),
            village=spp.village,
        )
        held.append(spp.pk)
    if not held:
        return []
    undo_data(event, LABEL)["held"] = held
    return [_("%(k)d SPP kepada %(n)s ditahan untuk ditinjau.") % {"k": len(held), "n": resident.name}]


def undo(*, event: Any, actor: Any) -> list[str]:
    """The event was cancelled: release the SPPs it held (only those still held and unpaid)."""
    held = (event.details or {}).get("undo", {}).get(LABEL, {}).get("held", [])
    changed = []
    for spp in (
        PaymentRequest.objects.filter(pk__in=held, status__in=OPEN)
        .exclude(hold_reason="")
        .select_related("village")
    ):
        spp_release(actor=actor, spp=spp)
        changed.append(_("SPP %(no)s tidak lagi ditahan.") % {"no": spp.number})
    return changed


KEYS = ("death", "move_out", "missing", "gone", "transfer")
LIFE_EVENT_HANDLERS = dict.fromkeys(KEYS, on_leaving)
LIFE_EVENT_UNDO = dict.fromkeys(KEYS, undo)
LIFE_EVENT_PROBES = dict.fromkeys(KEYS, probe)
