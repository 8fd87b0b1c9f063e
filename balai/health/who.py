"""WHO child growth z-scores, computed exactly as WHO's own software does.

Under five (0–1826 days): WHO Child Growth Standards 2006, following the `anthro` R package
(WorldHealthOrganization/anthro, R/z-score*.R). Five to nineteen (61–228 months): WHO
Growth Reference 2007, following WHO's `who2007` R macro. Tables are in `health/data/`.

Every function returns None for "not applicable" (age or length out of range, missing or
non-positive measure, oedema for weight-based indicators) and never raises on bad numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

DAYS_PER_MONTH = 30.4375
# anthro scores a child while the age in (unrounded) months is below 60, i.e. up to day 1826.
UNDER5_MAX_DAYS = 1826
LENGTH_AGE_LIMIT_DAYS = 731  # under 24 months: recumbent length; from 731 days: standing height
POSITION_CORRECTION_CM = 0.7
MUAC_MIN_DAYS = 91
WFL_RANGE = (45.0, 110.0)
WFH_RANGE = (65.0, 120.0)
WHO2007_MIN_MONTHS = 61.0
WHO2007_MAX_MONTHS = 228.0
WHO2007_WFA_MAX_MONTHS = 120.0

LMS = tuple[float, float, float]

# Implausibility thresholds of WHO (anthro and who2007): (low, high) on the rounded z.
FLAG_LIMITS: dict[str, tuple[float, float]] = {
    "lhfa": (-6.0, 6.0),
    "wfa": (-6.0, 5.0),
    "wflh": (-5.0, 5.0),
    "bmi": (-5.0, 5.0),
    "hcfa": (-5.0, 5.0),
    "acfa": (-5.0, 5.0),
}
_LHFA_LOW, _LHFA_HIGH = FLAG_LIMITS["lhfa"]
_WFA_LOW, _WFA_HIGH = FLAG_LIMITS["wfa"]
_WFLH_LOW, _WFLH_HIGH = FLAG_LIMITS["wflh"]
_BMI_LOW, _BMI_HIGH = FLAG_LIMITS["bmi"]
# anthro's flag for a standing measurement under 9 months: the position is ignored.
POSITION_FLAG = "position"


def zscore(y: float, lms: LMS) -> float:
    """Plain LMS z-score: ((y/M)^L − 1) / (L·S)."""
    l, m, s = lms  # noqa: E741 - the method's own letter
    if l == 0:
        return math.log(y / m) / s
    return ((y / m) ** l - 1) / (s * l)


def zscore_adjusted(y: float, lms: LMS) -> float:
    """LMS z-score with WHO's restriction beyond ±3 SD (weight-based indicators).

    Beyond ±3 SD the LMS curves get too far apart, so WHO measures the distance past
    SD3 in units of the SD2–SD3 gap on that side.
    """
    z = zscore(y, lms)
    if -3 <= z <= 3:
        return z
    if z > 3:
        sd3, sd2 = _sd(lms, 3), _sd(lms, 2)
        return 3 + (y - sd3) / (sd3 - sd2)
    sd3neg, sd2neg = _sd(lms, -3), _sd(lms, -2)
    return -3 + (y - sd3neg) / (sd2neg - sd3neg)


def _sd(lms: LMS, k: int) -> float:
    """The measurement at k SD: M·(1 + L·S·k)^(1/L)."""
    l, m, s = lms  # noqa: E741
    if l == 0:
        return m * math.exp(s * k)
    return float(m * (1 + l * s * k) ** (1 / l))


# --- tables -------------------------------------------------------------------------------


def _read_table(name: str) -> dict[int, list[tuple[float, LMS]]]:
    """Rows of one WHO table per sex, in file order: (key, (L, M, S))."""
    rows: dict[int, list[tuple[float, LMS]]] = {1: [], 2: []}
    with (DATA_DIR / name).open(encoding="ascii") as handle:
        next(handle)
        for line in handle:
            parts = line.split()
            if not parts:
                continue
            rows[int(parts[0])].append((float(parts[1]), (float(parts[2]), float(parts[3]), float(parts[4]))))
    return rows


def _by_step(name: str, start: float, step: float) -> dict[int, list[LMS]]:
    """A table whose keys run from `start` in equal steps, as a list per sex indexed by step.

    Checks the keys are complete, so a damaged table fails loudly at load, not silently later.
    """
    result: dict[int, list[LMS]] = {}
    for sex, rows in _read_table(name).items():
        for index, (key, _lms) in enumerate(rows):
            if abs(key - (start + index * step)) > step / 100:
                raise ValueError(f"{name}: sex {sex}, row {index + 1} has key {key}")
        result[sex] = [lms for _key, lms in rows]
    return result


@cache
def table(name: str) -> dict[int, list[LMS]]:
    """LMS rows of a WHO table by sex, loaded once."""
    if name in {"wflanthro", "wfhanthro"}:
        start, step = (WFL_RANGE[0] if name == "wflanthro" else WFH_RANGE[0]), 0.1
    elif name.endswith("who2007"):
        start, step = 60.0, 1.0
    elif name == "acanthro":
        start, step = float(MUAC_MIN_DAYS), 1.0
    else:
        start, step = 0.0, 1.0
    return _by_step(f"{name}.txt", start, step)


# --- helpers ------------------------------------------------------------------------------


def _positive(value: float | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or number <= 0:
        return None
    return number


def _round_half_up(value: float) -> int:
    # anthro's round_up(): ages are never negative here, .5 goes up.
    return math.floor(value + 0.5)


def _round2(z: float) -> float | None:
    if not math.isfinite(z):
        return None
    return round(z, 2)


def _round2_half_away(z: float) -> float | None:
    # The who2007 macro's rounde(): half away from zero on z·100 (R's round() is not used).
    if not math.isfinite(z):
        return None
    scaled = abs(z * 100)
    whole = math.floor(scaled)
    if scaled - whole >= 0.5:
        whole += 1
    return math.copysign(whole, z) / 100


def _flagged(indicator: str, z: float | None) -> bool:
    if z is None:
        return False
    low, high = FLAG_LIMITS[indicator]
    return z < low or z > high


def _by_age(name: str, sex: int, age_days: int, y: float | None, adjusted: bool) -> float | None:
    rows = table(name)[sex]
    offset = MUAC_MIN_DAYS if name == "acanthro" else 0
    index = age_days - offset
    if y is None or index < 0 or index >= len(rows):
        return None
    compute = zscore_adjusted if adjusted else zscore
    return _round2(compute(y, rows[index]))


def _by_lenhei(name: str, sex: int, lenhei: float, weight: float) -> float | None:
    """Weight-for-length/height with L, M, S interpolated between the 0.1 cm rows (anthro)."""
    low, high = WFL_RANGE if name == "wflanthro" else WFH_RANGE
    if not low <= lenhei <= high:
        return None
    return _round2(zscore_adjusted(weight, _lms_at(table(name)[sex], low, lenhei)))


def _lms_at(rows: list[LMS], low: float, lenhei: float) -> LMS:
    """L, M, S of a length or height in a table of 0.1 cm rows from `low`, interpolated
    between its rows (anthro)."""
    tenths = lenhei * 10
    lower = int(tenths)  # anthro: trunc(lenhei * 10) / 10
    fraction = tenths - lower
    index = lower - round(low * 10)
    lms = rows[index]
    if fraction > 0 and index + 1 < len(rows):
        upper = rows[index + 1]
        lms = (
            lms[0] + fraction * (upper[0] - lms[0]),
            lms[1] + fraction * (upper[1] - lms[1]),
            lms[2] + fraction * (upper[2] - lms[2]),
        )
    return lms


def _by_month(name: str, sex: int, age_months: float, y: float | None, adjusted: bool) -> float | None:
    """WHO 2007: L, M, S interpolated between the whole months around the exact age."""
    if y is None:
        return None
    rows = table(name)[sex]
    lower = math.trunc(age_months)
    index = lower - 60
    if index < 0 or index >= len(rows):
        return None
    fraction = age_months - lower
    lms = rows[index]
    if fraction > 0:
        if index + 1 >= len(rows):
            return None
        upper = rows[index + 1]
        lms = (
            lms[0] + fraction * (upper[0] - lms[0]),
            lms[1] + fraction * (upper[1] - lms[1]),
            lms[2] + fraction * (upper[2] - lms[2]),
        )
    compute = zscore_adjusted if adjusted else zscore
    return _round2_half_away(compute(y, lms))


# --- public API ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GrowthZ:
    """z-scores of one measurement, rounded to 2 decimals as WHO reports them; None = n/a.

    `flags` names the indicators WHO marks implausible (plus "position" for a standing
    measurement under 9 months); such values need confirmation before they are used.
    """

    standard: str  # "who2006" (under 5), "who2007" (5–19) or "" (no applicable standard)
    lenhei_cm: float | None = None  # length/height after the lying/standing correction
    bmi: float | None = None
    lhfa: float | None = None
    wfa: float | None = None
    wflh: float | None = None
    bmifa: float | None = None
    hcfa: float | None = None
    acfa: float | None = None
    flags: frozenset[str] = field(default_factory=frozenset)


NOT_APPLICABLE = GrowthZ(standard="")


def parse_sex(value: object) -> int | None:
    """1/2, L/P (laki-laki/perempuan) or M/F; None if unrecognised."""
    text = str(value).strip().upper() if value is not None else ""
    if text in {"1", "L", "M"}:
        return 1
    if text in {"2", "P", "F"}:
        return 2
    return None


def corrected_lenhei(age_days: int, lenhei_cm: float, measured: str | None) -> tuple[float, bool]:
    """Length/height on the scale the tables expect, and whether the position was implausible.

    Under 731 days the tables are for recumbent length, so a standing height gets +0.7 cm;
    from 731 days they are for standing height, so a lying length gets −0.7 cm. A standing
    measurement under 9 months is implausible: anthro ignores the position (no correction).
    """
    if measured == "h" and age_days / DAYS_PER_MONTH < 9:
        return lenhei_cm, True
    if age_days < LENGTH_AGE_LIMIT_DAYS and measured == "h":
        return lenhei_cm + POSITION_CORRECTION_CM, False
    if age_days >= LENGTH_AGE_LIMIT_DAYS and measured == "l":
        return lenhei_cm - POSITION_CORRECTION_CM, False
    return lenhei_cm, False


def growth_z(
    *,
    sex: int,
    age_days: float | None,
    weight_kg: float | None = None,
    lenhei_cm: float | None = None,
    measured: str | None = None,
    oedema: bool = False,
    head_cm: float | None = None,
    muac_cm: float | None = None,
) -> GrowthZ:
    """All z-scores of one measurement; under 5 by WHO 2006, 61–228 months by WHO 2007.

    `measured` is "l" (lying) or "h" (standing) or None (unknown: no correction).
    Between day 1827 and 61 months no WHO software scores a child: not applicable.
    """
    if sex not in (1, 2) or age_days is None:
        return NOT_APPLICABLE
    try:
        age = float(age_days)
    except (TypeError, ValueError):
        return NOT_APPLICABLE
    if not math.isfinite(age) or age < 0:
        return NOT_APPLICABLE
    measure = measured.strip().lower() if isinstance(measured, str) else None
    if measure not in {"l", "h"}:
        measure = None
    weight = _positive(weight_kg)
    lenhei = _positive(lenhei_cm)
    if age / DAYS_PER_MONTH < 60:
        return _under5(sex, _round_half_up(age), weight, lenhei, measure, oedema, head_cm, muac_cm)
    return who2007_z(
        sex=sex, age_months=age / DAYS_PER_MONTH, weight_kg=weight, height_cm=lenhei, oedema=oedema
    )


def _under5(
    sex: int,
    age: int,
    weight: float | None,
    lenhei: float | None,
    measure: str | None,
    oedema: bool,
    head_cm: float | None,
    muac_cm: float | None,
) -> GrowthZ:
    if age > UNDER5_MAX_DAYS:
        return NOT_APPLICABLE
    clenhei, bmi, lhfa, wfa, wflh, bmifa, flags = under5_scores(sex, age, weight, lenhei, measure, oedema)
    hcfa = acfa = None
    if head_cm is not None or muac_cm is not None:
        hcfa = _by_age("hcanthro", sex, age, _positive(head_cm), adjusted=False)
        acfa = _by_age("acanthro", sex, age, _positive(muac_cm), adjusted=True)
        extra = {name for name, z in (("hcfa", hcfa), ("acfa", acfa)) if _flagged(name, z)}
        flags = tuple(sorted({*flags, *extra}))
    return GrowthZ(
        standard="who2006",
        lenhei_cm=clenhei,
        bmi=bmi,
        lhfa=lhfa,
        wfa=wfa,
        wflh=wflh,
        bmifa=bmifa,
        hcfa=hcfa,
        acfa=acfa,
        flags=frozenset(flags),
    )


Under5Scores = tuple[
    float | None, float | None, float | None, float | None, float | None, float | None, tuple[str, ...]
]


def under5_scores(
    sex: int, age: int, weight: float | None, lenhei: float | None, measure: str | None, oedema: bool = False
) -> Under5Scores:
    """The WHO 2006 part of `growth_z` for a child of `age` days (0–1826, whole), sex 1/2, positive
    measures or None: (corrected length/height, BMI, lhfa, wfa, wflh, bmifa, sorted flags).

    `growth_z` is built on it; callers scoring many rows (the demo, imports) call it directly
    and skip the argument checks and the result objects, which cost more than the arithmetic.
    The arithmetic of `zscore`, `zscore_adjusted`, `_by_lenhei`, `_round2` and `_flagged` is
    written out here, the same operations in the same order (the same floats): their calls
    were half of its time (the demo scores ~900,000 measurements per million residents).
    """
    flags: list[str] = []
    clenhei: float | None = None
    if lenhei is not None:
        if (measure == "l" and age < LENGTH_AGE_LIMIT_DAYS) or (
            measure == "h" and age >= LENGTH_AGE_LIMIT_DAYS
        ):
            clenhei = lenhei  # the table's own position: nothing to correct
        else:
            clenhei, bad_position = corrected_lenhei(age, lenhei, measure)
            if bad_position:
                flags.append(POSITION_FLAG)
    bmi = weight / (clenhei / 100) ** 2 if weight is not None and clenhei is not None else None
    scale_weight = None if oedema else weight  # oedema inflates weight: WHO scores none of these
    lhfa = wfa = wflh = bmifa = None
    tables = _TABLES
    if clenhei is not None:
        rows = tables["lenanthro"][sex]
        if age < len(rows):
            l, m, s = rows[age]  # noqa: E741
            z = math.log(clenhei / m) / s if l == 0 else ((clenhei / m) ** l - 1) / (s * l)
            if math.isfinite(z):
                lhfa = round(z, 2)
                if lhfa < _LHFA_LOW or lhfa > _LHFA_HIGH:
                    flags.append("lhfa")
    if scale_weight is not None:
        rows = tables["weianthro"][sex]
        if age < len(rows):
            wfa = _adjusted2(scale_weight, rows[age])
            if wfa is not None and (wfa < _WFA_LOW or wfa > _WFA_HIGH):
                flags.append("wfa")
        if clenhei is not None:
            if age < LENGTH_AGE_LIMIT_DAYS:
                name, (low, high) = "wflanthro", WFL_RANGE
            else:
                name, (low, high) = "wfhanthro", WFH_RANGE
            if low <= clenhei <= high:
                wflh = _adjusted2(scale_weight, _lms_at(tables[name][sex], low, clenhei))
                if wflh is not None and (wflh < _WFLH_LOW or wflh > _WFLH_HIGH):
                    flags.append("wflh")
            rows = tables["bmianthro"][sex]
            if bmi is not None and age < len(rows):
                bmifa = _adjusted2(bmi, rows[age])
                if bmifa is not None and (bmifa < _BMI_LOW or bmifa > _BMI_HIGH):
                    flags.append("bmi")
    if not flags:
        return clenhei, bmi, lhfa, wfa, wflh, bmifa, ()
    return clenhei, bmi, lhfa, wfa, wflh, bmifa, tuple(sorted(flags))


def _adjusted2(y: float, lms: LMS) -> float | None:
    """`_round2(zscore_adjusted(y, lms))`, the usual case (within ±3 SD) without their calls."""
    l, m, s = lms  # noqa: E741
    z = math.log(y / m) / s if l == 0 else ((y / m) ** l - 1) / (s * l)
    if not -3 <= z <= 3:
        z = zscore_adjusted(y, lms)
    if not math.isfinite(z):
        return None
    return round(z, 2)


class _Tables(dict[str, dict[int, list[LMS]]]):
    """`table(name)` by item, loaded on first use (a dict look-up in the hot path)."""

    def __missing__(self, name: str) -> dict[int, list[LMS]]:
        self[name] = table(name)
        return self[name]


_TABLES = _Tables()


def who2007_z(
    *,
    sex: int,
    age_months: float,
    weight_kg: float | None = None,
    height_cm: float | None = None,
    oedema: bool = False,
) -> GrowthZ:
    """WHO 2007 reference, 5–19 years: height- and BMI-for-age 61–228 months, weight-for-age
    61–120 months (the `who2007` macro's ranges); no lying/standing correction."""
    if sex not in (1, 2) or not math.isfinite(age_months):
        return NOT_APPLICABLE
    if not WHO2007_MIN_MONTHS <= age_months <= WHO2007_MAX_MONTHS:
        return NOT_APPLICABLE
    weight = _positive(weight_kg)
    height = _positive(height_cm)
    bmi = weight / (height / 100) ** 2 if weight is not None and height is not None else None
    lhfa = _by_month("hfawho2007", sex, age_months, height, adjusted=False)
    wfa = None
    if age_months <= WHO2007_WFA_MAX_MONTHS and not oedema:
        wfa = _by_month("wfawho2007", sex, age_months, weight, adjusted=True)
    bmifa = None if oedema else _by_month("bfawho2007", sex, age_months, bmi, adjusted=True)
    flags = {name for name, z in (("lhfa", lhfa), ("wfa", wfa), ("bmi", bmifa)) if _flagged(name, z)}
    return GrowthZ(
        standard="who2007",
        lenhei_cm=height,
        bmi=bmi,
        lhfa=lhfa,
        wfa=wfa,
        bmifa=bmifa,
        flags=frozenset(flags),
    )
