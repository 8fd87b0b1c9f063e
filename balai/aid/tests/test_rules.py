"""Targeting rules: validation (unknown fields, contradictions, cycles, weights), set-wise
evaluation, ranking and explanations, "what if" without saving."""

from __future__ import annotations

import datetime as dt

import pytest

from balai.aid import services, targeting
from balai.aid.models import Criterion, ProgrammeExclusion, Recipient, WelfareSurvey
from balai.aid.rules import Exclusion, Rule, RuleError, RuleSet, validate
from balai.aid.tests.targeting_fixtures import (
    SURVEY_DEFAULTS,
    TODAY,
    blt_rules,
    decile,
    family,
    member,
    programme,
    survey,
)


def _messages(exc: pytest.ExceptionInfo[RuleError]) -> str:
    return " | ".join(exc.value.messages)


# --- validation ----------------------------------------------------------------------------


def test_unknown_field_is_refused_in_indonesian():
    with pytest.raises(RuleError) as exc:
        validate(RuleSet(rules=[Rule("eligibility", "penghasilan_ajaib", "lt", 5)]))
    assert "Aturan 1" in _messages(exc)
    assert "tidak dikenal" in _messages(exc)


def test_operator_not_valid_for_field_type():
    with pytest.raises(RuleError) as exc:
        validate(RuleSet(rules=[Rule("eligibility", "has_car", "lt", 1)]))
    assert "tidak berlaku" in _messages(exc)


def test_decile_outside_1_to_10_is_refused():
    with pytest.raises(RuleError) as exc:
        validate(RuleSet(rules=[Rule("eligibility", "desil", "lte", 14)]))
    assert "1–10" in _messages(exc)


def test_choice_value_must_be_a_known_code():
    with pytest.raises(RuleError) as exc:
        validate(RuleSet(rules=[Rule("eligibility", "floor", "eq", 42)]))
    assert "bukan pilihan" in _messages(exc)


def test_weights_must_sum_to_100():
    rules = [Rule("score", "elderly_alone", "true", weight=30), Rule("score", "has_car", "false", weight=50)]
    with pytest.raises(RuleError) as exc:
        validate(RuleSet(rules=rules))
    assert "tepat 100, sekarang 80" in _messages(exc)


def test_weights_summing_to_100_are_accepted():
    rules = [Rule("score", "elderly_alone", "true", weight=30), Rule("score", "has_car", "false", weight=70)]
    assert len(validate(RuleSet(rules=rules)).rules) == 2


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (Rule("eligibility", "desil", "lte", 4), Rule("eligibility", "desil", "gte", 6)),
        (Rule("eligibility", "desil", "lt", 4), Rule("eligibility", "desil", "eq", 4)),
        (Rule("eligibility", "has_car", "true"), Rule("eligibility", "has_car", "false")),
        (Rule("eligibility", "floor", "eq", 6), Rule("eligibility", "floor", "ne", 6)),
        (Rule("eligibility", "floor", "in", [5, 6]), Rule("eligibility", "floor", "not_in", [5, 6, 7])),
        (Rule("eligibility", "occupations", "in", [5]), Rule("eligibility", "occupations", "not_in", [5, 6])),
    ],
)
def test_contradictory_eligibility_rules_are_refused(a, b):
    with pytest.raises(RuleError) as exc:
        validate(RuleSet(rules=[a, b]))
    assert "bertentangan" in _messages(exc)


def test_compatible_ranges_are_not_contradictions():
    rules = [Rule("eligibility", "desil", "gte", 2), Rule("eligibility", "desil", "lte", 4)]
    assert len(validate(RuleSet(rules=rules)).rules) == 2


def test_requiring_an_excluded_programme_is_a_contradiction(village_a):
    pkh = programme(village_a, name="PKH", code="pkh", source="pusat")
    rules = RuleSet(
        rules=[Rule("eligibility", "programmes", "in", ["pkh"])],
        exclusions=[Exclusion(pkh.pk, "PKH", "pkh", "recipient")],
    )
    with pytest.raises(RuleError) as exc:
        validate(rules)
    assert "dikecualikan" in _messages(exc)


def test_circular_rules_through_eligibility_exclusions_are_refused(village_a):
    a = programme(village_a, name="Program A", code="a")
    b = programme(village_a, name="Program B", code="b")
    ProgrammeExclusion.objects.create(village=village_a, programme=b, excluded=a, basis="eligible")
    proposed = RuleSet(exclusions=[Exclusion(b.pk, b.name, b.code, "eligible")])
    with pytest.raises(RuleError) as exc:
        services.rules_save(actor=None, programme=a, ruleset=proposed)
    assert "melingkar" in _messages(exc)
    assert "Program A → Program B → Program A" in _messages(exc)
    assert not ProgrammeExclusion.objects.filter(programme=a).exists()


def test_invalid_rules_save_nothing_and_keep_the_old_ones(village_a):
    blt = programme(village_a)
    services.rules_save(
        actor=None, programme=blt, ruleset=RuleSet(rules=[Rule("eligibility", "desil", "lte", 4)])
    )
    bad = RuleSet(
        rules=[Rule("eligibility", "desil", "lte", 4), Rule("score", "has_car", "false", weight=20)]
    )
    with pytest.raises(RuleError):
        services.rules_save(actor=None, programme=blt, ruleset=bad)
    assert list(Criterion.objects.filter(programme=blt).values_list("field", "operator", "value")) == [
        ("desil", "lte", 4)
    ]


def test_values_typed_as_text_are_coerced():
    checked = validate(RuleSet(rules=[Rule("eligibility", "desil", "in", "1, 2,3")]))
    assert checked.rules[0].value == [1, 2, 3]


# --- evaluation ----------------------------------------------------------------------------


@pytest.fixture
def blt_world(village_a):
    pkh = programme(village_a, name="PKH", code="pkh", source="pusat", uses_targeting=False)
    blt = programme(village_a)
    poorest = family(village_a, "SARMINI", head_sex=2)
    decile(poorest, 1)
    survey(poorest, floor=WelfareSurvey.Floor.EARTH, elderly_alone=True)
    poor = family(village_a, "KASNO")
    decile(poor, 3)
    survey(poor, has_disabled_member=True)
    middle = family(village_a, "TUGIMAN")
    decile(middle, 7)
    survey(middle, floor=WelfareSurvey.Floor.BAMBOO)
    civil = family(village_a, "DRS. HARYONO", occupation=5)
    decile(civil, 2)
    on_pkh = family(village_a, "WAGIYEM", head_sex=2)
    decile(on_pkh, 1)
    Recipient.objects.create(
        village=village_a,
        programme=pkh,
        period="2026",
        family=on_pkh,
        source="import",
        enrolled_on=dt.date(2026, 1, 1),
    )
    unknown = family(village_a, "TANPA DATA")
    services.rules_save(actor=None, programme=blt, ruleset=blt_rules(pkh))
    return {
        "blt": blt,
        "pkh": pkh,
        "poorest": poorest,
        "poor": poor,
        "middle": middle,
        "civil": civil,
        "on_pkh": on_pkh,
        "unknown": unknown,
    }


def test_ranking_puts_decile_tiers_first_then_score(blt_world):
    # when
    ev = targeting.evaluate_programme(programme=blt_world["blt"], today=TODAY)
    # then: tier 1 (desil 1), tier 2 (desil ≤ 4), then the rest by score
    assert ev.ranked_ids == [
        blt_world["poorest"].pk,
        blt_world["poor"].pk,
        blt_world["middle"].pk,
        blt_world["unknown"].pk,
    ]


def test_civil_servant_family_fails_eligibility_and_pkh_family_is_excluded(blt_world):
    ev = targeting.evaluate_programme(programme=blt_world["blt"], today=TODAY)
    civil = ev.table.index[blt_world["civil"].pk]
    on_pkh = ev.table.index[blt_world["on_pkh"].pk]
    assert ev.eligible[civil] is False
    assert ev.explain(civil)["rules"][0]["passed"] is False
    assert ev.eligible[on_pkh] is True
    assert "PKH" in (ev.excluded[on_pkh] or "")
    assert ev.counts() == {"families": 6, "eligible": 5, "excluded": 1, "candidates": 4}


def test_explanation_lists_every_rule_and_score_part(blt_world):
    ev = targeting.evaluate_programme(programme=blt_world["blt"], today=TODAY)
    explained = ev.explain(ev.table.index[blt_world["poorest"].pk])
    assert explained["tier"] == 1
    assert explained["score"] == 70
    assert explained["decile"] == 1
    by_field = {(r["kind"], r["field"], r["passed"], r["points"]) for r in explained["rules"]}
    assert ("score", "elderly_alone", True, 30) in by_field
    assert ("score", "has_disabled_member", False, 0) in by_field
    assert ("score", "floor", True, 40) in by_field
    assert len(explained["rules"]) == 6


def test_missing_data_fails_the_rule_and_says_so(blt_world):
    ev = targeting.evaluate_programme(programme=blt_world["blt"], today=TODAY)
    explained = ev.explain(ev.table.index[blt_world["unknown"].pk])
    decile_rules = [r for r in explained["rules"] if r["field"] == "desil"]
    assert all(not r["passed"] and not r["known"] for r in decile_rules)
    assert decile_rules[0]["value"] == "(tidak ada data)"
    assert explained["tier_label"] == "Tanpa prioritas"


def test_what_if_evaluates_without_saving(blt_world):
    blt = blt_world["blt"]
    saved = list(Criterion.objects.filter(programme=blt).values_list("pk", flat=True))
    proposal = RuleSet(rules=[Rule("eligibility", "desil", "lte", 1)])
    ev = targeting.evaluate_programme(programme=blt, ruleset=proposal, today=TODAY)
    assert set(ev.ranked_ids) == {blt_world["poorest"].pk, blt_world["on_pkh"].pk}
    assert list(Criterion.objects.filter(programme=blt).values_list("pk", flat=True)) == saved


def test_what_if_with_bad_rules_raises_clear_errors(blt_world):
    with pytest.raises(RuleError) as exc:
        targeting.evaluate_programme(
            programme=blt_world["blt"], ruleset=RuleSet(rules=[Rule("eligibility", "zzz", "eq", 1)])
        )
    assert "zzz" in _messages(exc)


def test_registry_fields_count_members(village_a):
    blt = programme(village_a)
    with_baby = family(village_a, "IBU MUDA", members=[{"birth_date": dt.date(2025, 1, 1), "name": "BAYI"}])
    with_elder = family(village_a, "MBAH", head_birth=dt.date(1950, 1, 1))
    member(with_elder, birth_date=dt.date(1990, 1, 1), disability=2)
    rules = RuleSet(rules=[Rule("eligibility", "has_child_under5", "true")])
    ev = targeting.evaluate_programme(programme=blt, ruleset=rules, today=TODAY)
    assert ev.ranked_ids == [with_baby.pk]
    rules = RuleSet(
        rules=[
            Rule("eligibility", "head_age", "gte", 70),
            Rule("eligibility", "has_disabled_registry", "true"),
        ]
    )
    ev = targeting.evaluate_programme(programme=blt, ruleset=rules, today=TODAY)
    assert ev.ranked_ids == [with_elder.pk]
    rules = RuleSet(rules=[Rule("eligibility", "occupations", "not_in", [5, 6, 7])])
    ev = targeting.evaluate_programme(programme=blt, ruleset=rules, today=TODAY)
    assert set(ev.ranked_ids) == {with_baby.pk, with_elder.pk}


def test_survey_of_household_applies_to_the_family(village_a):
    from balai.people.models import Household

    blt = programme(village_a)
    fam = family(village_a, "RUMAH TANGGA")
    household = Household.objects.create(village=village_a, number="H1")
    fam.head.household = household
    fam.head.save()
    WelfareSurvey.objects.create(village=village_a, household=household, **(SURVEY_DEFAULTS | {"floor": 6}))
    ev = targeting.evaluate_programme(
        programme=blt, ruleset=RuleSet(rules=[Rule("eligibility", "floor", "eq", 6)]), today=TODAY
    )
    assert ev.ranked_ids == [fam.pk]


def test_exclusion_by_eligibility_of_another_programme(village_a):
    other = programme(village_a, name="Program Lansia", code="lansia")
    services.rules_save(
        actor=None, programme=other, ruleset=RuleSet(rules=[Rule("eligibility", "head_age", "gte", 70)])
    )
    blt = programme(village_a)
    elder = family(village_a, "MBAH", head_birth=dt.date(1940, 1, 1))
    young = family(village_a, "MUDA")
    services.rules_save(
        actor=None,
        programme=blt,
        ruleset=RuleSet(exclusions=[Exclusion(other.pk, other.name, other.code, "eligible")]),
    )
    ev = targeting.evaluate_programme(programme=blt, today=TODAY)
    assert ev.ranked_ids == [young.pk]
    assert "Program Lansia" in (ev.excluded[ev.table.index[elder.pk]] or "")


def test_regency_wide_scan_gives_the_same_columns_as_per_village(monkeypatch, village_a, village_b):
    from balai.aid import rules

    blt = programme(village_a)
    mine = family(village_a, "A", members=[{"birth_date": dt.date(2025, 3, 1), "name": "BAYI A"}])
    theirs = family(village_b, "B", occupation=6)
    ruleset = RuleSet(
        rules=[
            Rule("score", "has_child_under5", "true", weight=60),
            Rule("score", "has_civil_servant", "false", weight=40),
        ]
    )
    villages = [village_a.pk, village_b.pk]
    narrow = targeting.evaluate_programme(programme=blt, ruleset=ruleset, village_ids=villages, today=TODAY)
    monkeypatch.setattr(rules, "WIDE_SCOPE_VILLAGES", 0)
    wide = targeting.evaluate_programme(programme=blt, ruleset=ruleset, village_ids=villages, today=TODAY)
    assert narrow.score == wide.score
    assert dict(zip(wide.table.ids, wide.score, strict=True)) == {mine.pk: 100, theirs.pk: 0}
    # a village-only run does not see the other village's families
    only_a = targeting.evaluate_programme(programme=blt, ruleset=ruleset, today=TODAY)
    assert only_a.table.ids == [mine.pk]
