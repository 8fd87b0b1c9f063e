"""What a resident's death or departure changes in the economy (called by the single-data
life-event recorder, see balai/core/plugins.py): the businesses they own leave the public page
and the kiosk, and their BUMDes posts end. Nothing is deleted; a cancelled event undoes it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from balai.audit.services import audit_record
from balai.economy import services
from balai.economy.models import BumdesManager, Business

# Lazy: the module is imported at start-up, the words are read in the user's language.
REASONS = {
    "death": _lazy("Pemilik meninggal dunia"),
    "move_out": _lazy("Pemilik pindah keluar desa"),
    "missing": _lazy("Pemilik hilang"),
    "gone": _lazy("Pemilik pergi"),
    "transfer": _lazy("Pemilik pindah ke desa lain"),
}


def _marker(event: Any) -> str:
    return f"[{event.public_id}]"


def probe(*, resident_id: int, village_id: int, family_id: int) -> list[QuerySet[Any]]:
    """What `_handle` may act on: an open business they own, a BUMDes post not ended."""
    return [
        Business.objects.filter(owner_id=resident_id, is_active=True),
        BumdesManager.objects.filter(resident_id=resident_id, ended_on__isnull=True),
    ]


def _handle(kind: str, *, event: Any, actor: Any) -> list[str]:
    resident = getattr(event, "resident", None)
    if resident is None:
        return []
    reason = f"{REASONS[kind]} {_marker(event)}"
    changed: list[str] = []
    for business in Business.objects.filter(owner=resident, is_active=True):
        services.business_close(actor=actor, business=business, reason=reason)
        changed.append(
            _("Usaha %(name)s ditutup dari halaman publik dan anjungan.") % {"name": business.name}
        )
    for manager in BumdesManager.objects.filter(resident=resident, ended_on__isnull=True).select_related(
        "bumdes"
    ):
        services.manager_end(
            actor=actor, manager=manager, ended_on=max(event.event_date, manager.started_on), reason=reason
        )
        changed.append(
            _("Jabatan %(pos)s di %(bumdes)s berakhir.")
            % {"pos": manager.get_position_display(), "bumdes": manager.bumdes.name}
        )
    return changed


def on_death(*, event: Any, actor: Any) -> list[str]:
    return _handle("death", event=event, actor=actor)


def on_move_out(*, event: Any, actor: Any) -> list[str]:
    return _handle("move_out", event=event, actor=actor)


def on_missing(*, event: Any, actor: Any) -> list[str]:
    return _handle("missing", event=event, actor=actor)


def on_gone(*, event: Any, actor: Any) -> list[str]:
    return _handle("gone", event=event, actor=actor)


def on_transfer(*, event: Any, actor: Any) -> list[str]:
    return _handle("transfer", event=event, actor=actor)


def undo(*, event: Any, actor: Any) -> list[str]:
    """The event was cancelled: reopen what it closed (only what carries its marker)."""
    marker = _marker(event)
    changed: list[str] = []
    for business in Business.objects.filter(is_active=False, closed_reason__contains=marker):
        services.business_reopen(actor=actor, business=business)
        changed.append(_("Usaha %(name)s tampil kembali.") % {"name": business.name})
    for manager in BumdesManager.objects.filter(end_reason__contains=marker):
        manager.ended_on = None
        manager.end_reason = ""
        manager.save(update_fields=["ended_on", "end_reason", "updated_at"])
        audit_record(
            actor=actor,
            village=manager.village,
            action="economy.manager_restored",
            object_type="bumdesmanager",
            object_id=manager.public_id,
            changes={"event": event.public_id},
        )
        changed.append(_("Jabatan %(pos)s dipulihkan.") % {"pos": manager.get_position_display()})
    return changed


LIFE_EVENT_HANDLERS = {
    "death": on_death,
    "move_out": on_move_out,
    "missing": on_missing,
    "gone": on_gone,
    "transfer": on_transfer,
}
LIFE_EVENT_UNDO = dict.fromkeys(("death", "move_out", "missing", "gone", "transfer"), undo)
LIFE_EVENT_PROBES = dict.fromkeys(LIFE_EVENT_HANDLERS, probe)
