import csv
import math
from pathlib import Path

import pytest

from balai.health.who import (
    NOT_APPLICABLE,
    GrowthZ,
    corrected_lenhei,
    growth_z,
    parse_sex,
    table,
    under5_scores,
    who2007_z,
    zscore,
    zscore_adjusted,
)

DATA = Path(__file__).parent / "data"


def _num(text):
    return float(text) if text not in ("", "NA") else None


def _rows(name):
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


ANTHRO_ROWS = _rows("who_anthro_survey_sample.csv")
WHO2007_ROWS = _rows("who2007_survey_sample.csv")
ANTHRO_COLUMNS = (
    ("zlen", "flen", "lhfa"),
    ("zwei", "fwei", "wfa"),
    ("zwfl", "fwfl", "wflh"),
    ("zbmi", "fbmi", "bmifa"),
    ("zhc", "fhc", "hcfa"),
    ("zac", "fac", "acfa"),
)


def _anthro(row) -> GrowthZ:
    return growth_z(
        sex=int(row["GENDER"]),
        age_days=int(row["age.days"]),
        weight_kg=_num(row["WEIGHT"]),
        lenhei_cm=_num(row["HEIGHT"]),
        measured=row["measure"] or None,
        oedema=row["oedema"] == "y",
        head_cm=_num(row["HEAD"]),
        muac_cm=_num(row["MUAC"]),
    )


@pytest.mark.parametrize("row", ANTHRO_ROWS, ids=lambda row: f"id{row['id']}")
def test_golden_under5_matches_who_anthro(row):
    result = _anthro(row)
    if int(row["age.days"]) > 1826:
        # WHO's old survey software ran to 1856 days; the standard stops at 1826.
        assert result == NOT_APPLICABLE
        return
    compared = 0
    for golden, flag, attr in ANTHRO_COLUMNS:
        if row[golden] == "" or row[flag] != "0":
            continue
        ours = getattr(result, attr)
        assert ours is not None, (golden, row["id"])
        assert ours == pytest.approx(float(row[golden]), abs=0.005), golden
        compared += 1
    if row["HEIGHT"]:
        assert result.lenhei_cm == pytest.approx(float(row["clenhei"]), abs=1e-6)
    assert compared > 0


def test_golden_under5_covers_the_sample():
    compared = sum(
        1
        for row in ANTHRO_ROWS
        if int(row["age.days"]) <= 1826
        for golden, flag, _attr in ANTHRO_COLUMNS
        if row[golden] != "" and row[flag] == "0"
    )
    assert compared == 293


@pytest.mark.parametrize("row", WHO2007_ROWS, ids=lambda row: f"id{row['id']}")
def test_golden_5to19_matches_who2007(row):
    result = who2007_z(
        sex=int(row["sex"]),
        age_months=float(row["agemons"]),
        weight_kg=_num(row["weight"]),
        height_cm=_num(row["height"]),
        oedema=row["oedema"] == "y",
    )
    for golden, flag, attr in (("zhfa", "fhfa", "lhfa"), ("zwfa", "fwfa", "wfa"), ("zbfa", "fbfa", "bmifa")):
        ours = getattr(result, attr)
        if row[golden] == "":
            assert ours is None, golden
        elif row[flag] == "0":
            assert ours == pytest.approx(float(row[golden]), abs=0.005), golden


def test_who2007_through_age_in_days():
    # given a golden row's age in months turned into days
    row = WHO2007_ROWS[5]
    days = float(row["agemons"]) * 30.4375
    # when
    result = growth_z(sex=1, age_days=days, weight_kg=float(row["weight"]), lenhei_cm=float(row["height"]))
    # then
    assert result.standard == "who2007"
    assert (result.lhfa, result.wfa, result.bmifa) == (-1.07, -1.26, -0.87)


def test_r_package_anchor_girl_1522_days():
    assert growth_z(sex=2, age_days=1522, weight_kg=17).wfa == 0.24


def test_newborn_at_the_median_scores_zero():
    result = growth_z(sex=1, age_days=0, weight_kg=3.3464, lenhei_cm=49.8842, measured="l", head_cm=34.4618)
    assert (result.wfa, result.lhfa, result.hcfa) == (0.0, 0.0, 0.0)
    assert result.wflh is not None
    assert result.bmifa is not None
    assert result.acfa is None  # MUAC standard starts at 91 days


def _sd(lms, k):
    l, m, s = lms  # noqa: E741
    return m * (1 + l * s * k) ** (1 / l)


def test_weight_beyond_plus_3_sd_uses_the_restricted_z():
    lms = table("weianthro")[1][365]
    sd2, sd3 = _sd(lms, 2), _sd(lms, 3)
    assert growth_z(sex=1, age_days=365, weight_kg=sd3).wfa == 3.0
    # one SD2–SD3 gap beyond SD3 is +4 on WHO's restricted scale, not the LMS value
    heavy = sd3 + (sd3 - sd2)
    assert growth_z(sex=1, age_days=365, weight_kg=heavy).wfa == 4.0
    assert round(zscore(heavy, lms), 2) != 4.0


def test_weight_beyond_minus_3_sd_uses_the_restricted_z():
    lms = table("weianthro")[2][700]
    sd3neg, sd2neg = _sd(lms, -3), _sd(lms, -2)
    assert growth_z(sex=2, age_days=700, weight_kg=sd3neg).wfa == -3.0
    light = sd3neg - (sd2neg - sd3neg) / 2
    assert growth_z(sex=2, age_days=700, weight_kg=light).wfa == -3.5
    assert round(zscore(light, lms), 2) != -3.5


def test_length_for_age_is_not_restricted():
    lms = table("lenanthro")[1][365]
    tall = _sd(lms, 4)
    assert growth_z(sex=1, age_days=365, lenhei_cm=tall, measured="l").lhfa == round(zscore(tall, lms), 2)


def test_restricted_z_equals_plain_inside_3_sd():
    lms = (0.3, 10.0, 0.12)
    for y in (8.0, 10.0, 12.0):
        assert zscore_adjusted(y, lms) == zscore(y, lms)


def test_standing_under_24_months_adds_0_7_cm():
    standing = growth_z(sex=1, age_days=500, weight_kg=10, lenhei_cm=76.0, measured="h")
    lying = growth_z(sex=1, age_days=500, weight_kg=10, lenhei_cm=76.7, measured="l")
    assert standing.lenhei_cm == pytest.approx(76.7)
    assert (standing.lhfa, standing.wflh, standing.bmifa) == (lying.lhfa, lying.wflh, lying.bmifa)


def test_lying_from_24_months_subtracts_0_7_cm():
    lying = growth_z(sex=2, age_days=731, weight_kg=12, lenhei_cm=88.0, measured="l")
    standing = growth_z(sex=2, age_days=731, weight_kg=12, lenhei_cm=87.3, measured="h")
    assert lying.lenhei_cm == pytest.approx(87.3)
    assert (lying.lhfa, lying.wflh, lying.bmifa) == (standing.lhfa, standing.wflh, standing.bmifa)


def test_correction_boundary_is_day_731():
    assert corrected_lenhei(730, 80.0, "h") == (pytest.approx(80.7), False)
    assert corrected_lenhei(730, 80.0, "l") == (80.0, False)
    assert corrected_lenhei(731, 80.0, "h") == (80.0, False)
    assert corrected_lenhei(731, 80.0, "l") == (pytest.approx(79.3), False)
    assert corrected_lenhei(731, 80.0, None) == (80.0, False)


def test_standing_under_9_months_is_flagged_and_not_corrected():
    result = growth_z(sex=1, age_days=200, weight_kg=8, lenhei_cm=68.0, measured="h")
    assert result.lenhei_cm == 68.0
    assert "position" in result.flags


def test_weight_for_length_switches_to_height_table_at_731_days():
    # 66 cm is on both tables; the two give different z for the same weight
    before = growth_z(sex=1, age_days=730, weight_kg=7.5, lenhei_cm=66.0, measured="l").wflh
    after = growth_z(sex=1, age_days=731, weight_kg=7.5, lenhei_cm=66.7, measured="l").wflh
    wfl = table("wflanthro")[1][210]
    wfh = table("wfhanthro")[1][10]
    assert before == round(zscore(7.5, wfl), 2)
    assert after == round(zscore(7.5, wfh), 2)


def test_weight_for_length_interpolates_between_rows():
    low, high = table("wflanthro")[2][352], table("wflanthro")[2][353]  # 80.2 and 80.3 cm
    mid = tuple((a + b) / 2 for a, b in zip(low, high, strict=True))
    result = growth_z(sex=2, age_days=400, weight_kg=11.0, lenhei_cm=80.25, measured="l")
    assert result.wflh == round(zscore(11.0, mid), 2)


def test_weight_for_length_range_ends():
    assert growth_z(sex=1, age_days=10, weight_kg=2.0, lenhei_cm=45.0).wflh is not None
    assert growth_z(sex=1, age_days=10, weight_kg=2.0, lenhei_cm=44.9).wflh is None
    assert growth_z(sex=1, age_days=700, weight_kg=20.0, lenhei_cm=110.0).wflh is not None
    assert growth_z(sex=1, age_days=700, weight_kg=20.0, lenhei_cm=110.05).wflh is None
    assert growth_z(sex=1, age_days=1500, weight_kg=22.0, lenhei_cm=120.0).wflh is not None
    assert growth_z(sex=1, age_days=1500, weight_kg=7.0, lenhei_cm=64.9).wflh is None


def test_oedema_leaves_weight_based_scores_out():
    result = growth_z(sex=1, age_days=400, weight_kg=9, lenhei_cm=75, measured="l", oedema=True)
    assert (result.wfa, result.wflh, result.bmifa) == (None, None, None)
    assert result.lhfa is not None
    assert who2007_z(sex=1, age_months=100, weight_kg=25, height_cm=130, oedema=True).wfa is None


def test_implausible_values_are_flagged_not_dropped():
    # 2 kg at 24 months
    result = growth_z(sex=1, age_days=731, weight_kg=2.0, lenhei_cm=86.0, measured="h")
    assert result.wfa is not None
    assert result.wfa < -6
    assert {"wfa", "wflh", "bmi"} <= result.flags
    assert "lhfa" not in result.flags


@pytest.mark.parametrize(
    "age_days",
    [-1, 1827, 1850, 1856, 61 * 30.4375 - 1, 229 * 30.4375, 10**9, float("nan"), float("inf"), None, "x"],
)
def test_out_of_range_ages_are_not_applicable(age_days):
    assert growth_z(sex=1, age_days=age_days, weight_kg=12, lenhei_cm=90) == NOT_APPLICABLE


def test_last_day_of_under_five_is_scored():
    assert growth_z(sex=2, age_days=1826, weight_kg=18, lenhei_cm=109, measured="h").lhfa is not None


@pytest.mark.parametrize("bad", [None, 0, -3, float("nan"), float("inf"), "abc"])
def test_bad_measurements_are_not_applicable(bad):
    result = growth_z(sex=1, age_days=300, weight_kg=bad, lenhei_cm=bad, head_cm=bad, muac_cm=bad)
    assert result.standard == "who2006"
    assert (result.wfa, result.lhfa, result.wflh, result.bmifa, result.hcfa, result.acfa) == (None,) * 6


def test_unknown_sex_is_not_applicable():
    assert growth_z(sex=3, age_days=300, weight_kg=8) == NOT_APPLICABLE


def test_who2007_age_ranges():
    assert who2007_z(sex=1, age_months=60.9, height_cm=110) == NOT_APPLICABLE
    assert who2007_z(sex=1, age_months=61, height_cm=110).lhfa is not None
    assert who2007_z(sex=1, age_months=120, weight_kg=30).wfa is not None
    assert who2007_z(sex=1, age_months=120.5, weight_kg=30).wfa is None
    assert who2007_z(sex=2, age_months=228, weight_kg=55, height_cm=160).bmifa is not None
    assert who2007_z(sex=2, age_months=228.5, height_cm=160) == NOT_APPLICABLE
    assert who2007_z(sex=2, age_months=math.nan, height_cm=160) == NOT_APPLICABLE


def test_who2007_interpolates_between_months():
    low, high = table("hfawho2007")[2][40], table("hfawho2007")[2][41]  # 100 and 101 months
    lms = tuple(a + 0.25 * (b - a) for a, b in zip(low, high, strict=True))
    assert who2007_z(sex=2, age_months=100.25, height_cm=130).lhfa == round(zscore(130, lms), 2)


@pytest.mark.parametrize(
    ("text", "sex"), [("1", 1), ("2", 2), ("L", 1), ("p", 2), (" l ", 1), ("x", None), (None, None)]
)
def test_parse_sex(text, sex):
    assert parse_sex(text) == sex


def test_from_61_months_in_days_the_2007_reference_applies():
    assert growth_z(sex=1, age_days=1857, weight_kg=19, lenhei_cm=112).standard == "who2007"


def test_who2007_rounds_half_away_from_zero_like_the_macro():
    from balai.health.who import _round2_half_away

    assert _round2_half_away(0.125) == 0.13
    assert _round2_half_away(-0.125) == -0.13
    assert _round2_half_away(1.2349) == 1.23


def test_under5_scores_are_growth_z_without_its_objects():
    # given: the anthro sample and measurements of every age and both positions
    from balai.health.bench import synthetic_measurements

    cases = [
        {
            "sex": int(r["GENDER"]),
            "age_days": int(r["age.days"]),
            "weight_kg": _num(r["WEIGHT"]),
            "lenhei_cm": _num(r["HEIGHT"]),
            "measured": r["measure"] or None,
            "oedema": r["oedema"] == "y",
        }
        for r in ANTHRO_ROWS
        if int(r["age.days"]) <= 1826 and r["GENDER"] in ("1", "2")
    ]
    cases += synthetic_measurements(3000, seed=11)
    cases.append(
        {"sex": 1, "age_days": 200, "weight_kg": 0.9, "lenhei_cm": 30.0, "measured": "l"}
    )  # implausible: flagged
    for case in cases:
        weight, lenhei = case["weight_kg"], case["lenhei_cm"]
        # when
        scored = under5_scores(
            case["sex"],
            case["age_days"],
            weight if weight and weight > 0 else None,
            lenhei if lenhei and lenhei > 0 else None,
            case["measured"],
            case.get("oedema", False),
        )
        # then
        z = growth_z(**case)
        assert scored == (z.lenhei_cm, z.bmi, z.lhfa, z.wfa, z.wflh, z.bmifa, tuple(sorted(z.flags)))
