"""Nutritional status categories of Permenkes No. 2/2020 "Standar Antropometri Anak".

The regulation's table is the authority (DOMAIN.md §6). Boundaries as it writes them:
"−3 SD sd < −2 SD" puts exactly −3 in the milder class; "−2 SD sd +1 SD" keeps −2 and +1
in the normal class; "> +1 SD sd +2 SD" keeps +2 in the lower class, and so on. z-scores
come rounded to 2 decimals (as WHO reports them), so comparisons are exact.

For 5–18 years the regulation classifies only IMT/U; the other indices get no category.
Codes are stable identifiers (CSV output, stored values); LABELS gives the regulation's words.
"""

from __future__ import annotations

from dataclasses import dataclass

from balai.health.who import GrowthZ

LABELS: dict[str, str] = {
    # BB/U, 0–60 months
    "bb_sangat_kurang": "Berat badan sangat kurang",
    "bb_kurang": "Berat badan kurang",
    "bb_normal": "Berat badan normal",
    "risiko_bb_lebih": "Risiko berat badan lebih",
    # PB/U or TB/U, 0–60 months
    "sangat_pendek": "Sangat pendek",
    "pendek": "Pendek",
    "normal": "Normal",
    "tinggi": "Tinggi",
    # BB/PB or BB/TB and IMT/U (0–60 months; IMT/U 5–18 years without berisiko_gizi_lebih)
    "gizi_buruk": "Gizi buruk",
    "gizi_kurang": "Gizi kurang",
    "gizi_baik": "Gizi baik",
    "berisiko_gizi_lebih": "Berisiko gizi lebih",
    "gizi_lebih": "Gizi lebih",
    "obesitas": "Obesitas",
}


def weight_for_age(z: float | None) -> str | None:
    """BB/U, 0–60 months."""
    if z is None:
        return None
    if z < -3:
        return "bb_sangat_kurang"
    if z < -2:
        return "bb_kurang"
    if z <= 1:
        return "bb_normal"
    return "risiko_bb_lebih"


def length_for_age(z: float | None) -> str | None:
    """PB/U or TB/U, 0–60 months. Stunting in programme reports is pendek + sangat pendek."""
    if z is None:
        return None
    if z < -3:
        return "sangat_pendek"
    if z < -2:
        return "pendek"
    if z <= 3:
        return "normal"
    return "tinggi"


def weight_for_length(z: float | None) -> str | None:
    """BB/PB or BB/TB, and IMT/U, 0–60 months."""
    if z is None:
        return None
    if z < -3:
        return "gizi_buruk"
    if z < -2:
        return "gizi_kurang"
    if z <= 1:
        return "gizi_baik"
    if z <= 2:
        return "berisiko_gizi_lebih"
    if z <= 3:
        return "gizi_lebih"
    return "obesitas"


def bmi_for_age_5_18(z: float | None) -> str | None:
    """IMT/U, 5–18 years."""
    if z is None:
        return None
    if z < -3:
        return "gizi_buruk"
    if z < -2:
        return "gizi_kurang"
    if z <= 1:
        return "gizi_baik"
    if z <= 2:
        return "gizi_lebih"
    return "obesitas"


def is_stunted(z_lhfa: float | None) -> bool:
    return z_lhfa is not None and z_lhfa < -2


def under5_categories(
    lhfa: float | None, wfa: float | None, wflh: float | None, bmifa: float | None
) -> tuple[str | None, str | None, str | None, str | None]:
    """Categories (lhfa, wfa, wflh, bmi) of a child under five's z-scores (`who.under5_scores`)."""
    return length_for_age(lhfa), weight_for_age(wfa), weight_for_length(wflh), weight_for_length(bmifa)


@dataclass(frozen=True, slots=True)
class Categories:
    lhfa: str | None = None
    wfa: str | None = None
    wflh: str | None = None
    bmi: str | None = None


def classify(z: GrowthZ) -> Categories:
    """Permenkes categories of one measurement's z-scores (None where not applicable)."""
    if z.standard == "who2006":
        return Categories(*under5_categories(z.lhfa, z.wfa, z.wflh, z.bmifa))
    if z.standard == "who2007":
        return Categories(bmi=bmi_for_age_5_18(z.bmifa))
    return Categories()
