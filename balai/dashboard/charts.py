"""Geometry of the population pyramid, drawn as inline SVG by `dashboard/_pyramid.html`.

Data in, numbers out: no ORM and no markup here, so the template stays declarative.
"""

from __future__ import annotations

from dataclasses import dataclass

from balai.dashboard.selectors import BAND_LABELS, Counts

WIDTH = 640
LABEL_WIDTH = 64
BAR_HEIGHT = 16
GAP = 4
TOP = 28  # room for the "Laki-laki" / "Perempuan" headings
BOTTOM = 8
# Bar ends leave room for the count printed beside them.
SIDE = (WIDTH - LABEL_WIDTH) // 2
MAX_BAR = SIDE - 56


@dataclass
class PyramidRow:
    label: str
    male: int
    female: int
    y: float
    text_y: float
    male_x: float
    male_width: float
    female_x: float
    female_width: float
    male_text_x: float
    female_text_x: float


@dataclass
class Pyramid:
    width: int
    height: int
    center: float
    left_heading_x: float
    right_heading_x: float
    rows: list[PyramidRow]
    male_total: int
    female_total: int
    unknown_age: int
    empty: bool


def pyramid(counts: Counts) -> Pyramid:
    """Male bars grow left and female bars right from a central label column; oldest on top."""
    peak = max([*counts.male, *counts.female, 1])
    center = WIDTH / 2
    left_edge = center - LABEL_WIDTH / 2
    right_edge = center + LABEL_WIDTH / 2
    rows = []
    for position, band in enumerate(reversed(range(len(BAND_LABELS)))):
        male, female = counts.male[band], counts.female[band]
        male_width = round(MAX_BAR * male / peak, 1)
        female_width = round(MAX_BAR * female / peak, 1)
        y = TOP + position * (BAR_HEIGHT + GAP)
        rows.append(
            PyramidRow(
                label=BAND_LABELS[band],
                male=male,
                female=female,
                y=y,
                text_y=y + BAR_HEIGHT - 4,
                male_x=left_edge - male_width,
                male_width=male_width,
                female_x=right_edge,
                female_width=female_width,
                male_text_x=left_edge - male_width - 4,
                female_text_x=right_edge + female_width + 4,
            )
        )
    height = TOP + len(rows) * (BAR_HEIGHT + GAP) + BOTTOM
    return Pyramid(
        width=WIDTH,
        height=height,
        center=center,
        left_heading_x=left_edge - 4,
        right_heading_x=right_edge + 4,
        rows=rows,
        male_total=counts.male_total,
        female_total=counts.female_total,
        unknown_age=counts.unknown_age,
        empty=not any(counts.male) and not any(counts.female),
    )
