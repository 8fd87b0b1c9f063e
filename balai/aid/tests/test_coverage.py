# ruff: noqa: F811  (fixtures imported from distribution_fixtures)
import pytest

from balai.aid import coverage
from balai.aid.models import Programme, Recipient
from balai.aid.tests.distribution_fixtures import blt_a, enrol, give_decile, make_family, make_programme  # noqa: F401
from balai.people.models import Household


@pytest.fixture
def small_village(village_a, blt_a):
    """Six families: deciles 1, 3, 4 (poor), 6, 8, none. BLT reaches 1 and 8; PKH (person) reaches 3."""
    fams = {d: make_family(village_a, f"KELUARGA {d}") for d in ("d1", "d3", "d4", "d6", "d8", "dn")}
    for key, decile in (("d1", 1), ("d3", 3), ("d4", 4), ("d6", 6), ("d8", 8)):
        give_decile(fams[key], decile)
    enrol(blt_a, fams["d1"])
    enrol(blt_a, fams["d8"])
    pip = make_programme(village_a, name="PIP", code="pip", target_unit="person", uses_targeting=False)
    enrol(pip, None, resident=fams["d3"].head)
    # a removed recipient and a closed programme reach nobody
    enrol(make_programme(village_a, name="Lama", code="lama", status=Programme.Status.CLOSED), fams["d4"])
    enrol(pip, fams["d6"], resident=None, status=Recipient.Status.REMOVED)
    return fams


def test_village_coverage_counts(small_village, village_a):
    cov = coverage.village_coverage(village=village_a)
    poor = cov.band("d1_4")
    assert cov.families == 6
    assert (poor.families, poor.reached, poor.not_reached) == (3, 2, 1)
    assert (cov.band("d7_10").families, cov.band("d7_10").reached) == (1, 1)
    assert cov.band("none").families == 1
    blt = next(p for p in cov.programmes if p.programme.code == "blt-dd")
    assert blt.families == 2
    assert blt.by_band == {"d1_4": 1, "d5_6": 0, "d7_10": 1, "none": 0}


def test_exclusion_and_inclusion_errors(small_village, village_a, blt_a):
    excluded = coverage.exclusion_errors(village=village_a)
    assert [line.head_name for line in excluded] == ["KELUARGA d4"]
    assert "*" in excluded[0].kk_masked
    # by programme: BLT misses desil 3 and 4
    by_blt = {line.head_name for line in coverage.exclusion_errors(village=village_a, programme=blt_a)}
    assert by_blt == {"KELUARGA d3", "KELUARGA d4"}
    included = coverage.inclusion_errors(village=village_a)
    assert [(line.head_name, line.decile, line.programmes) for line in included] == [
        ("KELUARGA d8", 8, ["BLT Dana Desa"])
    ]


def test_household_recipient_reaches_member_families(village_a):
    fam = make_family(village_a, "RUMAH TANGGA")
    give_decile(fam, 2)
    household = Household.objects.create(village=village_a, number="RT-01", head=fam.head)
    fam.head.household = household
    fam.head.save()
    prog = make_programme(village_a, name="RTLH", code="rtlh", target_unit="household")
    Recipient.objects.create(
        village=village_a,
        programme=prog,
        period=prog.period,
        household=household,
        source="manual",
        enrolled_on=prog.period_start,
    )
    assert coverage.village_coverage(village=village_a).band("d1_4").reached == 1


def test_regional_coverage_counts_per_village(small_village, village_a, village_b):
    other = make_family(village_b, "DESA LAIN")
    give_decile(other, 2)
    rows = coverage.regional_coverage(
        villages=type(village_a).objects.filter(pk__in=[village_a.pk, village_b.pk])
    )
    by = {r.village.pk: r for r in rows}
    a, b = by[village_a.pk], by[village_b.pk]
    assert (a.families, a.poor, a.poor_reached, a.rich_reached, a.reached, a.no_decile) == (6, 3, 2, 1, 3, 1)
    assert (b.families, b.poor, b.poor_reached, b.percent) == (1, 1, 0, 0.0)
    assert coverage.totals(rows)["poor_not_reached"] == 2
    assert coverage.totals(rows)["percent"] == 50.0
