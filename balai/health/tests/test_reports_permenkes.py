"""Permenkes 2/2020 boundaries through the whole chain: a measure lying exactly on a WHO SD
curve gets z = that SD (2 decimals) and the category the regulation's table gives it.

The table writes "−3 SD sd < −2 SD" (pendek), "−2 SD sd +3 SD" (normal), "> +3 SD" (tinggi):
−3 itself is pendek, not sangat pendek; −2 is normal; +3 is normal, not tinggi.
"""

from __future__ import annotations

import pytest

from balai.health.classify import classify, length_for_age
from balai.health.who import growth_z, table


def sd_value(name: str, sex: int, age_days: int, k: float) -> float:
    l, m, s = table(name)[sex][age_days]  # noqa: E741 - the method's own letter
    return m * (1 + l * s * k) ** (1 / l)


@pytest.mark.parametrize(
    ("k", "category"),
    [(-3.0, "pendek"), (-2.0, "normal"), (3.0, "normal")],
)
def test_length_on_an_sd_curve(k, category):
    # given a boy of 365 days whose length lies exactly on the k SD curve
    cm = sd_value("lenanthro", 1, 365, k)

    z = growth_z(sex=1, age_days=365, lenhei_cm=cm, measured="l")

    assert z.lhfa == k
    assert classify(z).lhfa == category


@pytest.mark.parametrize(
    ("k", "category"),
    [(-3.0, "bb_kurang"), (-2.0, "bb_normal"), (1.0, "bb_normal")],
)
def test_weight_for_age_on_an_sd_curve(k, category):
    kg = sd_value("weianthro", 2, 900, k)

    z = growth_z(sex=2, age_days=900, weight_kg=kg)

    assert z.wfa == k
    assert classify(z).wfa == category


@pytest.mark.parametrize(("z", "expected"), [(-2.01, "pendek"), (-3.01, "sangat_pendek"), (3.01, "tinggi")])
def test_just_past_the_boundaries(z, expected):
    assert length_for_age(z) == expected
