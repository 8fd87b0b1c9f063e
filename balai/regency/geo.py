"""The map of village points on the compare page: drawn on the server as SVG, so it works
offline and under the CSP (no tiles, no script). Equirectangular: x is longitude scaled by
the cosine of the middle latitude, y is latitude, fitted into the drawing with a margin;
over a regency (tens of kilometres) the distortion is far below what a reader can see.

No district outlines: Balai has no boundary files (BIG's are not open to redistribute); each
district's name is written at the middle of its villages' points instead."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

# Approximate centres of Batang's kecamatan (WGS84), for the demo's village points only: real
# villages get theirs from the operator (the village profile) or from the regency's GIS.
DISTRICT_CENTRES: dict[str, tuple[float, float]] = {
    "33.25.01": (-7.020, 109.700),  # Wonotunggal
    "33.25.02": (-7.040, 109.775),  # Bandar
    "33.25.03": (-7.090, 109.830),  # Blado
    "33.25.04": (-7.060, 109.880),  # Reban
    "33.25.05": (-7.070, 109.960),  # Bawang
    "33.25.06": (-6.990, 109.900),  # Tersono
    "33.25.07": (-6.950, 110.060),  # Gringsing
    "33.25.08": (-6.985, 109.970),  # Limpung
    "33.25.09": (-6.935, 109.925),  # Subah
    "33.25.10": (-6.925, 109.835),  # Tulis
    "33.25.11": (-6.910, 109.730),  # Batang
    "33.25.12": (-6.945, 109.690),  # Warungasem
    "33.25.13": (-6.925, 109.780),  # Kandeman
    "33.25.14": (-7.005, 110.015),  # Pecalungan
    "33.25.15": (-6.930, 110.000),  # Banyuputih
}
REGENCY_CENTRE = (-6.98, 109.85)


def demo_point(district_code: str, rnd: random.Random) -> tuple[Decimal, Decimal]:
    """A plausible point for a demo village: within ~3 km of its district's centre."""
    lat, lon = DISTRICT_CENTRES.get(district_code, REGENCY_CENTRE)
    lat += rnd.uniform(-0.025, 0.025)
    lon += rnd.uniform(-0.025, 0.025)
    return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")


# ColorBrewer YlOrRd, 5 classes (colour-blind safe, prints in grey in order).
PALETTE = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
NO_VALUE = "#bdbdbd"


@dataclass
class Place:
    code: str
    name: str
    district_name: str
    lat: float
    lon: float
    value: float | int | None


@dataclass
class Dot:
    x: float
    y: float
    fill: str
    place: Place
    label: bool
    width: float = 0.0  # the drawing's width: a dot in its right part is labelled to its left

    @property
    def label_end(self) -> bool:
        return bool(self.width) and self.x > self.width * 0.6

    @property
    def label_x(self) -> float:
        return round(self.x - 8 if self.label_end else self.x + 8, 1)

    @property
    def label_anchor(self) -> str:
        """Labels stay inside the viewBox: right of the dot, or left of it near the right edge."""
        return "end" if self.label_end else "start"


@dataclass
class Map:
    width: int
    height: int
    dots: list[Dot] = field(default_factory=list)
    # (x, y, name, text-anchor): a name near an edge is anchored to it so it is not clipped.
    districts: list[tuple[float, float, str, str]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, range)
    scale_km: int = 0
    scale_px: float = 0.0

    @property
    def scale_y(self) -> int:
        return self.height - 12


def _classes(values: Sequence[float]) -> list[float]:
    """Upper bounds of (up to) five quantile classes of `values` (distinct, ascending)."""
    ordered = sorted(values)
    bounds: list[float] = []
    for i in range(1, len(PALETTE) + 1):
        bound = ordered[min(len(ordered) - 1, math.ceil(i * len(ordered) / len(PALETTE)) - 1)]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:.1f}".replace(".", ",")


def village_map(places: Sequence[Place], *, width: int = 640, label_limit: int = 40) -> Map:
    """Project `places` into a `width`-wide drawing (height from the area's shape), colour
    each by its value's quantile class, and write the districts' names."""
    if not places:
        return Map(width=width, height=0)
    lats = [p.lat for p in places]
    lons = [p.lon for p in places]
    mid_lat = (min(lats) + max(lats)) / 2
    kx = math.cos(math.radians(mid_lat))
    # At least ~5 km across, so one village (or a handful close together) is not blown up.
    span_x = max((max(lons) - min(lons)) * kx, 0.045)
    span_y = max(max(lats) - min(lats), 0.045)
    margin = 28
    inner_w = width - 2 * margin
    # Height follows the area's shape, between a third and three quarters of the width.
    height = round(min(max(inner_w * span_y / span_x, width / 3), 0.75 * width)) + 2 * margin + 16
    scale = min(inner_w / span_x, (height - 2 * margin - 16) / span_y)
    cx, cy = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2

    def project(lat: float, lon: float) -> tuple[float, float]:
        return (
            round(width / 2 + (lon - cx) * kx * scale, 1),
            round((height - 16) / 2 - (lat - cy) * scale, 1),
        )

    values = [float(p.value) for p in places if p.value is not None]
    bounds = _classes(values) if values else []
    result = Map(width=width, height=height)
    lower = min(values) if values else 0.0
    for i, bound in enumerate(bounds):
        colour = PALETTE[i + len(PALETTE) - len(bounds)] if len(bounds) < len(PALETTE) else PALETTE[i]
        if i == 0:
            text = _number(bound) if lower == bound else f"{_number(lower)} s.d. {_number(bound)}"
        else:
            text = f"> {_number(lower)} s.d. {_number(bound)}"
        result.legend.append((colour, text))
        lower = bound
    colours = [c for c, _r in result.legend]
    if any(p.value is None for p in places):
        result.legend.append((NO_VALUE, _("tanpa angka")))
    label = len(places) <= label_limit
    for p in sorted(places, key=lambda p: -p.lat):
        x, y = project(p.lat, p.lon)
        if p.value is None:
            fill = NO_VALUE
        else:
            fill = next((c for c, b in zip(colours, bounds, strict=True) if float(p.value) <= b), colours[-1])
        result.dots.append(Dot(x, y, fill, p, label, width))
    by_district: dict[str, list[tuple[float, float]]] = {}
    for d in result.dots:
        by_district.setdefault(d.place.district_name, []).append((d.x, d.y))
    if len(by_district) > 1:
        for name, points in sorted(by_district.items()):
            x = round(sum(x for x, _y in points) / len(points), 1)
            anchor = "start" if x < width * 0.25 else "end" if x > width * 0.75 else "middle"
            if anchor != "middle":
                x = 4.0 if anchor == "start" and x < 4 else min(x, width - 4.0)
            result.districts.append(
                (
                    x,
                    # below the middle of its points, so it does not cover a village's dot,
                    # and above the scale bar at the bottom
                    round(min(sum(y for _x, y in points) / len(points) + 24, height - 30), 1),
                    name,
                    anchor,
                )
            )
    # A scale bar of a round number of km, about a fifth of the width.
    km_per_px = 111.32 / scale
    target = width / 5 * km_per_px
    result.scale_km = next((k for k in (1, 2, 5, 10, 20, 50) if k >= target * 0.6), 50)
    result.scale_px = round(result.scale_km / km_per_px, 1)
    return result


def places_from(
    rows: Sequence[dict[str, Any]], values: dict[str, float | int | None]
) -> tuple[list[Place], list[dict[str, Any]]]:
    """Split villages (dicts with code, name, district_name, latitude, longitude) into those
    with a point and those without (listed beside the map)."""
    placed, unplaced = [], []
    for r in rows:
        if r["latitude"] is None or r["longitude"] is None:
            unplaced.append({**r, "value": values.get(r["code"])})
            continue
        placed.append(
            Place(
                r["code"],
                r["name"],
                r["district_name"],
                float(r["latitude"]),
                float(r["longitude"]),
                values.get(r["code"]),
            )
        )
    return placed, unplaced
