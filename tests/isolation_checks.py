"""The kinds of isolation check (see tests/test_isolation.py), in a module of their own so
that modules' `tests/isolation.py` files can import them without importing the test module
(which imports those files while it loads)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

API = "/api/v1"


@dataclasses.dataclass(frozen=True)
class Obj:
    """Path parameters naming objects: parameter -> kind of object (a key of MISSING)."""

    params: dict[str, str]
    # Other path parameters that are not objects, one request per variant.
    variants: tuple[dict[str, str], ...] = ({},)
    # Besides 404: refusals that do not depend on the object (a page this role may not use).
    refused: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class Listing:
    # A marker of the viewer's own village the page must show (so the check is not vacuous).
    shows_own: str | None = None
    follow: bool = True
    refused: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class Public:
    reason: str
    # Path parameters for a public page that takes one (e.g. a letter's verification token).
    kwargs: tuple[tuple[str, str], ...] = ()


@dataclasses.dataclass(frozen=True)
class BodyRefs:
    """API write whose JSON body names objects; `body(other)` builds it for the other village."""

    body: Callable[[Any], dict[str, Any]]


@dataclasses.dataclass(frozen=True)
class FormRefs:
    """UI POST whose form names objects (no path parameter): answers as for missing ids, 404."""


@dataclasses.dataclass(frozen=True)
class StatsOwn:
    """Counts of the viewer's own village only."""


Check = Obj | Listing | Public | BodyRefs | FormRefs | StatsOwn
