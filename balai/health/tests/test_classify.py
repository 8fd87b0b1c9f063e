import pytest

from balai.health.classify import (
    LABELS,
    bmi_for_age_5_18,
    classify,
    is_stunted,
    length_for_age,
    weight_for_age,
    weight_for_length,
)
from balai.health.who import NOT_APPLICABLE, growth_z, who2007_z


@pytest.mark.parametrize(
    ("z", "category"),
    [
        (-3.01, "bb_sangat_kurang"),
        (-3.0, "bb_kurang"),
        (-2.01, "bb_kurang"),
        (-2.0, "bb_normal"),
        (1.0, "bb_normal"),
        (1.01, "risiko_bb_lebih"),
        (2.0, "risiko_bb_lebih"),
        (3.0, "risiko_bb_lebih"),
        (None, None),
    ],
)
def test_weight_for_age_boundaries(z, category):
    assert weight_for_age(z) == category


@pytest.mark.parametrize(
    ("z", "category"),
    [
        (-3.01, "sangat_pendek"),
        (-3.0, "pendek"),
        (-2.01, "pendek"),
        (-2.0, "normal"),
        (1.0, "normal"),
        (2.0, "normal"),
        (3.0, "normal"),
        (3.01, "tinggi"),
        (None, None),
    ],
)
def test_length_for_age_boundaries(z, category):
    assert length_for_age(z) == category


@pytest.mark.parametrize(
    ("z", "category"),
    [
        (-3.01, "gizi_buruk"),
        (-3.0, "gizi_kurang"),
        (-2.01, "gizi_kurang"),
        (-2.0, "gizi_baik"),
        (1.0, "gizi_baik"),
        (1.01, "berisiko_gizi_lebih"),
        (2.0, "berisiko_gizi_lebih"),
        (2.01, "gizi_lebih"),
        (3.0, "gizi_lebih"),
        (3.01, "obesitas"),
        (None, None),
    ],
)
def test_weight_for_length_boundaries(z, category):
    assert weight_for_length(z) == category


@pytest.mark.parametrize(
    ("z", "category"),
    [
        (-3.01, "gizi_buruk"),
        (-3.0, "gizi_kurang"),
        (-2.0, "gizi_baik"),
        (1.0, "gizi_baik"),
        (1.01, "gizi_lebih"),
        (2.0, "gizi_lebih"),
        (2.01, "obesitas"),
        (3.0, "obesitas"),
    ],
)
def test_bmi_for_age_5_18_boundaries(z, category):
    assert bmi_for_age_5_18(z) == category


def test_every_category_has_a_label():
    values = [-3.5, -2.5, 0, 1.5, 2.5, 3.5]
    for classify_one in (weight_for_age, length_for_age, weight_for_length, bmi_for_age_5_18):
        for z in values:
            assert classify_one(z) in LABELS


def test_stunting_is_below_minus_2():
    assert is_stunted(-2.01)
    assert not is_stunted(-2.0)
    assert not is_stunted(None)


def test_classify_under_five_uses_all_four_indices():
    # a short, light 18-month-old boy
    cats = classify(growth_z(sex=1, age_days=548, weight_kg=8.0, lenhei_cm=74.0, measured="l"))
    assert cats.lhfa in {"pendek", "sangat_pendek"}
    assert cats.wfa in {"bb_kurang", "bb_sangat_kurang"}
    assert cats.wflh is not None
    assert cats.bmi is not None


def test_classify_school_age_only_bmi():
    cats = classify(who2007_z(sex=2, age_months=100, weight_kg=25, height_cm=128))
    assert (cats.lhfa, cats.wfa, cats.wflh) == (None, None, None)
    assert cats.bmi == "gizi_baik"


def test_classify_not_applicable():
    cats = classify(NOT_APPLICABLE)
    assert (cats.lhfa, cats.wfa, cats.wflh, cats.bmi) == (None, None, None, None)


def test_under5_categories_are_the_classes_of_classify():
    from balai.health.bench import synthetic_measurements
    from balai.health.classify import under5_categories

    for row in synthetic_measurements(2000, seed=5):
        z = growth_z(**row)
        cats = classify(z)
        assert under5_categories(z.lhfa, z.wfa, z.wflh, z.bmifa) == (cats.lhfa, cats.wfa, cats.wflh, cats.bmi)
