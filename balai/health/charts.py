"""KMS-style growth charts as SVG, drawn here from the WHO LMS tables (no plotting library).

Two charts per child, as on the Kartu Menuju Sehat: weight-for-age (BB/U) and
length/height-for-age (PB/U, TB/U), with the WHO SD curves −3, −2, 0, +2, +3 of the child's
sex and the child's points over time. The SD curves are M·(1 + L·S·k)^(1/L) from the daily
tables (`who._sd`); they depend only on indicator, sex and age range, so their path strings
are computed once per process and a chart costs only the child's points (well under a
millisecond; matplotlib would need ~0.3 s per figure and ~60 MB of dependencies).

The SVG uses presentation attributes only (no CSS, no ids), so several charts can sit in one
page and Typst (the PDF) renders it the same. Length points are the scored value (after
WHO's ±0.7 cm lying/standing correction), so they sit on the same scale as the curves; at
24 months the length curves (lying) give way to the height curves (standing), drawn as two
segments like WHO's own charts.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import TYPE_CHECKING

from balai.health.who import DAYS_PER_MONTH, LENGTH_AGE_LIMIT_DAYS, UNDER5_MAX_DAYS, _sd, table

if TYPE_CHECKING:
    from balai.health.selectors import ChildGrowth

WIDTH, HEIGHT = 640, 420
LEFT, RIGHT, TOP, BOTTOM = 48, 36, 34, 44
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
SD_LINES = (-3, -2, 0, 2, 3)
SAMPLE_DAYS = 7  # curve resolution; the curves are smooth, a week is below a pixel

INDICATORS = {
    "wfa": {
        "table": "weianthro",
        "title": "Berat badan menurut umur (BB/U)",
        "unit": "kg",
        "step": 1.0,
        "label_every": 2,
    },
    "lhfa": {
        "table": "lenanthro",
        "title": "Panjang/tinggi badan menurut umur (PB/U, TB/U)",
        "unit": "cm",
        "step": 5.0,
        "label_every": 2,
    },
}
SEX_LABEL = {1: "Laki-laki", 2: "Perempuan"}
# KMS colours: the green band is normal growth; yellow and red the zones to act on.
BAND_FILL = {"red": "#f6d5d3", "yellow": "#fbefb8", "green": "#d9eed3"}
LINE_STROKE = {-3: "#7f1d1d", -2: "#c2410c", 0: "#166534", 2: "#c2410c", 3: "#7f1d1d"}
POINT_FILL = "#1d4ed8"
FLAG_FILL = "#b91c1c"


@dataclass(frozen=True, slots=True)
class ChartPoint:
    age_days: int
    value: float
    label: str = ""  # tooltip, e.g. "12 Mar 2026: 9,4 kg"
    flagged: bool = False  # confirmed implausible: drawn hollow red


def _segments(indicator: str) -> list[tuple[int, int]]:
    # Length (lying) to 730 days, height (standing) from 731: the tables jump by ~0.7 cm.
    if indicator == "lhfa":
        return [(0, LENGTH_AGE_LIMIT_DAYS - 1), (LENGTH_AGE_LIMIT_DAYS, UNDER5_MAX_DAYS)]
    return [(0, UNDER5_MAX_DAYS)]


def _days(start: int, end: int) -> list[int]:
    days = list(range(start, end + 1, SAMPLE_DAYS))
    if days[-1] != end:
        days.append(end)
    return days


@cache
def _curves(indicator: str, sex: int, max_day: int) -> dict[int, list[list[tuple[int, float]]]]:
    """SD curves as (day, value) per segment, for ages up to `max_day`."""
    rows = table(INDICATORS[indicator]["table"])[sex]
    out: dict[int, list[list[tuple[int, float]]]] = {k: [] for k in SD_LINES}
    for start, end in _segments(indicator):
        if start > max_day:
            continue
        days = _days(start, min(end, max_day))
        for k in SD_LINES:
            out[k].append([(d, _sd(rows[d], k)) for d in days])
    return out


@dataclass(frozen=True, slots=True)
class _Frame:
    max_day: int
    y_min: float
    y_max: float

    def x(self, day: float) -> float:
        return LEFT + PLOT_W * day / self.max_day

    def y(self, value: float) -> float:
        return TOP + PLOT_H * (self.y_max - value) / (self.y_max - self.y_min)


def _nice_range(low: float, high: float, step: float) -> tuple[float, float]:
    return math.floor(low / step) * step, math.ceil(high / step) * step


@cache
def _background(indicator: str, sex: int, max_months: int, y_min: float, y_max: float) -> str:
    """Everything but the child's points: bands, grid, SD curves, axes and labels."""
    spec = INDICATORS[indicator]
    max_day = min(round(max_months * DAYS_PER_MONTH), UNDER5_MAX_DAYS)
    frame = _Frame(max_day, y_min, y_max)
    curves = _curves(indicator, sex, max_day)
    parts: list[str] = []
    top, bottom = frame.y(y_max), frame.y(y_min)

    def path(points: Iterable[tuple[int, float]]) -> str:
        return " ".join(f"{frame.x(d):.1f},{frame.y(v):.1f}" for d, v in points)

    # Bands between curves, segment by segment (the length/height jump stays visible).
    bands = [
        (None, -3, "red"),
        (-3, -2, "yellow"),
        (-2, 2, "green"),
        (2, 3, "yellow"),
        (3, None, "red"),
    ]
    for index in range(len(curves[0])):
        for low, high, colour in bands:
            lower = curves[low][index] if low is not None else None
            upper = curves[high][index] if high is not None else None
            ref = (lower or upper) or []
            upper_pts = upper if upper is not None else [(d, y_max) for d, _ in ref]
            lower_pts = lower if lower is not None else [(d, y_min) for d, _ in ref]
            ring = [(d, min(max(v, y_min), y_max)) for d, v in upper_pts] + [
                (d, min(max(v, y_min), y_max)) for d, v in reversed(lower_pts)
            ]
            parts.append(f'<polygon points="{path(ring)}" fill="{BAND_FILL[colour]}" stroke="none"/>')

    # Grid: months and values.
    month_step = 1 if max_months <= 24 else 3
    label_months = 3 if max_months <= 24 else 6
    for month in range(0, max_months + 1, month_step):
        x = frame.x(min(month * DAYS_PER_MONTH, max_day))
        strong = month % 12 == 0
        parts.append(
            f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" '
            f'stroke="{"#9ca3af" if strong else "#d1d5db"}" stroke-width="{1 if strong else 0.5}"/>'
        )
        if month % label_months == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{bottom + 16:.1f}" font-size="11" text-anchor="middle" '
                f'fill="#374151" font-family="sans-serif">{month}</text>'
            )
    step = float(spec["step"])  # type: ignore[arg-type]
    label_every = int(spec["label_every"])  # type: ignore[call-overload]
    value, index = y_min, 0
    while value <= y_max + 1e-9:
        y = frame.y(value)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + PLOT_W}" y2="{y:.1f}" stroke="#d1d5db" stroke-width="0.5"/>'
        )
        if index % label_every == 0:
            parts.append(
                f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
                f'fill="#374151" font-family="sans-serif">{value:g}</text>'
            )
        value += step
        index += 1

    # SD curves with their labels at the right end.
    for k in SD_LINES:
        width = 2 if k == 0 else 1.4
        for segment in curves[k]:
            parts.append(
                f'<polyline points="{path(segment)}" fill="none" stroke="{LINE_STROKE[k]}" stroke-width="{width}"/>'
            )
        day, val = curves[k][-1][-1]
        if y_min <= val <= y_max:
            label = "0" if k == 0 else f"{k:+d}".replace("-", "−")
            parts.append(
                f'<text x="{frame.x(day) + 4:.1f}" y="{frame.y(val) + 4:.1f}" font-size="11" '
                f'fill="{LINE_STROKE[k]}" font-family="sans-serif">{label}</text>'
            )

    # Frame, axis titles, chart title.
    parts.append(
        f'<rect x="{LEFT}" y="{top:.1f}" width="{PLOT_W}" height="{bottom - top:.1f}" '
        f'fill="none" stroke="#374151" stroke-width="1"/>'
    )
    parts.append(
        f'<text x="{LEFT + PLOT_W / 2:.1f}" y="{HEIGHT - 8}" font-size="12" text-anchor="middle" '
        f'fill="#111827" font-family="sans-serif">Umur (bulan)</text>'
    )
    parts.append(
        f'<text x="14" y="{TOP + PLOT_H / 2:.1f}" font-size="12" text-anchor="middle" fill="#111827" '
        f'font-family="sans-serif" transform="rotate(-90 14 {TOP + PLOT_H / 2:.1f})">{spec["unit"]}</text>'
    )
    parts.append(
        f'<text x="{LEFT}" y="20" font-size="14" font-weight="bold" fill="#111827" '
        f'font-family="sans-serif">{escape(str(spec["title"]))} · {SEX_LABEL[sex]}</text>'
    )
    return "".join(parts)


def _range_for(indicator: str, sex: int, max_months: int, values: Sequence[float]) -> tuple[float, float]:
    max_day = min(round(max_months * DAYS_PER_MONTH), UNDER5_MAX_DAYS)
    curves = _curves(indicator, sex, max_day)
    low = min(v for segment in curves[-3] for _, v in segment)
    high = max(v for segment in curves[3] for _, v in segment)
    if values:
        low, high = min(low, *values), max(high, *values)
    step = float(INDICATORS[indicator]["step"])  # type: ignore[arg-type]
    if indicator == "wfa":
        low = 0.0 if low < 2 * step + 2 else low
    return _nice_range(low, high, step)


def chart_months(points: Sequence[ChartPoint]) -> int:
    """0–24 months while the child is under two (readable spacing), else 0–60."""
    return 24 if all(p.age_days < LENGTH_AGE_LIMIT_DAYS for p in points) else 60


def growth_chart_svg(
    *,
    indicator: str,
    sex: int,
    points: Sequence[ChartPoint],
    max_months: int | None = None,
    title: str = "",
) -> str:
    """One growth chart as an inline SVG element (text, safe to place in HTML or Typst).

    `indicator` is "wfa" (weight in kg) or "lhfa" (length/height in cm, as scored);
    `sex` 1 boy, 2 girl; points beyond 60 months are left out. Raises ValueError for an
    unknown indicator or sex.
    """
    if indicator not in INDICATORS or sex not in (1, 2):
        raise ValueError(f"no chart for indicator {indicator!r}, sex {sex!r}")
    shown = [p for p in points if 0 <= p.age_days <= UNDER5_MAX_DAYS and math.isfinite(p.value)]
    months = max_months or chart_months(shown)
    max_day = min(round(months * DAYS_PER_MONTH), UNDER5_MAX_DAYS)
    shown = [p for p in shown if p.age_days <= max_day]
    y_min, y_max = _range_for(indicator, sex, months, [p.value for p in shown])
    frame = _Frame(max_day, y_min, y_max)
    spec = INDICATORS[indicator]
    label = title or f"{spec['title']} · {SEX_LABEL[sex]}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(label)}" class="growth-chart">',
        f"<title>{escape(label)}</title>",
        _background(indicator, sex, months, y_min, y_max),
    ]
    if len(shown) > 1:
        line = " ".join(f"{frame.x(p.age_days):.1f},{frame.y(p.value):.1f}" for p in shown)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{POINT_FILL}" stroke-width="1.5"/>')
    for p in shown:
        fill, stroke = ("#ffffff", FLAG_FILL) if p.flagged else (POINT_FILL, "#ffffff")
        tip = f"<title>{escape(p.label)}</title>" if p.label else ""
        parts.append(
            f'<circle cx="{frame.x(p.age_days):.1f}" cy="{frame.y(p.value):.1f}" r="3.5" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.2">{tip}</circle>'
        )
    parts.append("</svg>")
    return "".join(parts)


def measurement_points(
    rows: Iterable[tuple[dt.date, int, float | None, bool]], unit: str
) -> list[ChartPoint]:
    """Chart points from (measured_on, age_days, value, flagged) rows; rows without a value skipped."""
    return [
        ChartPoint(age, float(value), f"{on.strftime('%d-%m-%Y')}: {float(value):.1f} {unit}", flagged)
        for on, age, value, flagged in rows
        if value is not None
    ]


def growth_charts(growth: ChildGrowth, *, max_months: int | None = None) -> dict[str, str]:
    """Both KMS charts of one child (`selectors.child_growth` / `children_growth_of_family`):
    {"wfa": svg, "lhfa": svg}. Both use the same age range, chosen from all the measurements."""
    flagged = [bool(m.flags) for m in growth.measurements]
    weights = measurement_points(
        (
            (m.measured_on, m.age_days, m.weight_kg, f)
            for m, f in zip(growth.measurements, flagged, strict=True)
        ),
        "kg",
    )
    lengths = measurement_points(
        (
            (m.measured_on, m.age_days, m.lenhei_scored_cm, f)
            for m, f in zip(growth.measurements, flagged, strict=True)
        ),
        "cm",
    )
    months = max_months or chart_months(weights + lengths)
    return {
        "wfa": growth_chart_svg(indicator="wfa", sex=growth.sex, points=weights, max_months=months),
        "lhfa": growth_chart_svg(indicator="lhfa", sex=growth.sex, points=lengths, max_months=months),
    }
