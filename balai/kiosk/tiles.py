"""The kiosk home's tiles: every module's `kiosk_tiles.TILES` (balai.core.plugins), in order.

A module adds its tile by defining it; the kiosk never names the module. A tile whose URL
does not resolve (its module's kiosk screens are not routed) is left out rather than
breaking the home screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.urls import NoReverseMatch, reverse

from balai.core.plugins import KioskTile, collect


@dataclass(frozen=True)
class Tile:
    key: str
    label: Any  # lazy translation: rendered in the request's language
    description: Any
    url: str
    needs_sign_in: bool
    order: int


@cache
def all_tiles() -> tuple[Tile, ...]:
    """Collected once per process (reversing URLs on every home request is waste)."""
    found: list[Tile] = []
    seen: set[str] = set()
    for tile in collect("kiosk_tiles", "TILES"):
        if not isinstance(tile, KioskTile) or tile.key in seen:
            continue
        try:
            url = reverse(tile.url_name)
        except NoReverseMatch:
            continue
        seen.add(tile.key)
        found.append(Tile(tile.key, tile.label, tile.description, url, tile.needs_sign_in, tile.order))
    return tuple(sorted(found, key=lambda t: (t.order, t.key)))


def home_tiles() -> list[Tile]:
    return list(all_tiles())


def menu_tiles() -> list[Tile]:
    """Signed in: the resident's own services first, then the rest."""
    tiles = all_tiles()
    return [t for t in tiles if t.needs_sign_in] + [t for t in tiles if not t.needs_sign_in]
