"""The checks every finance service starts with (who may, whose rows) and its audit line; a
module of their own so that the services split over several modules (`services_payees`,
`services_aid`, ...) share them without importing each other in a circle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from balai.accounts.scope import user_can
from balai.audit.services import audit_record
from balai.core.errors import NotAllowed

if TYPE_CHECKING:
    from balai.accounts.models import User
    from balai.regions.models import Village


def _allow(actor: User | None, capability: str) -> None:
    # `actor=None` is the system (import, demo, another app's service acting for itself).
    if actor is not None and not user_can(actor, capability):
        raise NotAllowed(_("Peran Anda tidak boleh melakukan langkah ini."))


def _own(village: Village, *objs: Any) -> None:
    for obj in objs:
        if obj is not None and obj.village_id != village.pk:
            raise obj.DoesNotExist


def _audit(actor: User | None, village: Village, action: str, obj: Any, changes: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        village=village,
        action=f"finance.{action}",
        object_type=type(obj).__name__.lower(),
        object_id=obj.public_id,
        changes=changes,
    )
