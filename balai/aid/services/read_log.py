"""Audit events for reads of recipient and welfare data (UU PDP: who saw whose data)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from balai.aid.models import Programme
from balai.audit.services import audit_record
from balai.people.models import Family

if TYPE_CHECKING:
    from balai.accounts.models import User


def recipient_list_viewed(
    *, actor: User | None, programme: Programme, what: str, count: int | None = None
) -> None:
    """Record that someone saw (or exported) a programme's recipient/candidate list."""
    audit_record(
        actor=actor,
        village=programme.village,
        action="aid.recipient_list_viewed",
        object_type="aid_programme",
        object_id=programme.public_id,
        changes={"what": what, "rows": count},
    )


def family_welfare_viewed(*, actor: User | None, family: Family) -> None:
    audit_record(
        actor=actor,
        village=family.village,
        action="aid.welfare_viewed",
        object_type="family",
        object_id=family.public_id,
    )
