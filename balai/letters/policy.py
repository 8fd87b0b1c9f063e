"""What the letter workflow allows: the steps between states, which role may take each step
(asked of the project's one role table, `balai.accounts.scope.CAPABILITIES`), and which letter
types the kiosk offers and issues without an operator. Tables and small functions only; the
services enforce them, the views and selectors ask them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from balai.accounts.scope import user_can
from balai.core.errors import ApplicationError
from balai.letters.models import Letter, LetterSettings
from balai.letters.types import REGISTRY
from balai.letters.types.base import REGISTRY_COVERED, LetterType

if TYPE_CHECKING:
    from balai.accounts.models import User

S = Letter.State

# state -> states it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.CANCELLED}),
    S.SUBMITTED: frozenset({S.VERIFIED, S.NEEDS_CORRECTION, S.REJECTED, S.CANCELLED}),
    S.NEEDS_CORRECTION: frozenset({S.SUBMITTED, S.CANCELLED, S.REJECTED}),
    S.VERIFIED: frozenset({S.SIGNED, S.NEEDS_CORRECTION, S.REJECTED, S.CANCELLED}),
    S.SIGNED: frozenset({S.ISSUED, S.CANCELLED}),
    S.ISSUED: frozenset({S.HANDED_OVER, S.REVOKED}),
    S.HANDED_OVER: frozenset({S.REVOKED}),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
    S.REVOKED: frozenset(),
}

# Still on someone's desk: such a request can be taken over by another clerk.
OPEN_STATES = (S.DRAFT, S.SUBMITTED, S.NEEDS_CORRECTION, S.VERIFIED, S.SIGNED)


def may(user: User | None, action: str) -> bool:
    """The user's role may take this step (`letters.<action>` in the scope module's table)."""
    return user_can(user, f"letters.{action}")


class NotAllowed(ApplicationError):
    """The actor's role may not take this step (the API answers 403; the UI shows the message)."""


# --- Kiosk (anjungan) ------------------------------------------------------------------------


def default_kiosk_types() -> list[str]:
    return [code for code, t in REGISTRY.items() if t.kiosk]


# The paper pengantar the RT signs: at the kiosk the RT's digital approval stands in for it.
PENGANTAR_RT = "Surat pengantar RT/RW"


def needs_rt_pengantar(letter_type: LetterType) -> bool:
    return PENGANTAR_RT in letter_type.requirements


def self_service_possible(letter_type: LetterType) -> bool:
    """Issuing without an operator needs nothing an operator would check by hand: every
    requirement is in the registry, or is the RT's pengantar (given digitally first)."""
    return all(r in REGISTRY_COVERED or r == PENGANTAR_RT for r in letter_type.requirements)


def default_self_service_types() -> list[str]:
    """By default only types the registry covers entirely; a village opts in the types that
    need the RT's pengantar (its kepala desa's kiosk settings)."""
    return [
        code
        for code in default_kiosk_types()
        if self_service_possible(REGISTRY[code]) and not needs_rt_pengantar(REGISTRY[code])
    ]


def kiosk_policy(prefs: LetterSettings) -> tuple[list[str], list[str]]:
    """(types offered at the kiosk, those of them issued at once), known types only."""
    offered = prefs.kiosk_types if prefs.kiosk_types is not None else default_kiosk_types()
    offered = [c for c in REGISTRY if c in set(offered)]
    chosen = (
        prefs.self_service_types if prefs.self_service_types is not None else default_self_service_types()
    )
    self_service = [c for c in offered if c in set(chosen) and self_service_possible(REGISTRY[c])]
    return offered, self_service
