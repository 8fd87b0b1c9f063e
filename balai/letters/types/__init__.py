"""Letter types by code. Each module of this package defines `TYPE`; adding a type is adding a
module, and nothing in the workflow, numbering or rendering names a type."""

from __future__ import annotations

import importlib
import pkgutil

from balai.letters.types.base import LetterType


def _discover() -> dict[str, LetterType]:
    found: dict[str, LetterType] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name == "base":
            continue
        letter_type = importlib.import_module(f"{__name__}.{info.name}").TYPE
        if letter_type.code in found:
            raise RuntimeError(f"duplicate letter type code {letter_type.code!r}")
        found[letter_type.code] = letter_type
    return dict(sorted(found.items(), key=lambda kv: kv[1].name))


REGISTRY: dict[str, LetterType] = _discover()


def get_type(code: str) -> LetterType | None:
    return REGISTRY.get(code)
