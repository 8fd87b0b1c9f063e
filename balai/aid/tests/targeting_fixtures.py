"""Builders for the targeting/decision tests (imported by name in those modules)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from balai.aid.models import OfficialDecile, Programme, WelfareSurvey
from balai.aid.rules import Rule, RuleSet
from balai.people.models import Family, Resident
from balai.people.tests.factories import FamilyFactory, ResidentFactory
from balai.regions.models import Village

TODAY = dt.date(2026, 6, 15)


def programme(village: Village, **kw: Any) -> Programme:
    data: dict[str, Any] = {
        "village": village,
        "name": "BLT Dana Desa 2026",
        "code": "blt-dd",
        "source": Programme.Source.DANA_DESA,
        "target_unit": Programme.TargetUnit.FAMILY,
        "period": "2026",
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 12, 31),
        "benefit_amount": 300_000,
        "benefit_frequency": Programme.Frequency.MONTHLY,
    } | kw
    return Programme.objects.create(**data)


def family(
    village: Village,
    head: str = "KEPALA",
    *,
    head_sex: int = 1,
    head_birth: dt.date = dt.date(1980, 1, 1),
    occupation: int | None = 9,
    members: list[dict[str, Any]] | None = None,
) -> Family:
    fam = FamilyFactory(village=village)
    h = ResidentFactory(
        village=village,
        family=fam,
        rt=fam.rt,
        name=head,
        sex=head_sex,
        birth_date=head_birth,
        occupation=occupation,
        family_relation=1,
    )
    fam.head = h
    fam.save(update_fields=["head"])
    for m in members or []:
        ResidentFactory(village=village, family=fam, rt=fam.rt, **m)
    return fam


def decile(fam: Family, value: int, *, received_on: dt.date = dt.date(2026, 1, 5)) -> OfficialDecile:
    OfficialDecile.objects.filter(family=fam, is_latest=True).update(is_latest=False)
    return OfficialDecile.objects.create(
        village=fam.village, family=fam, decile=value, received_on=received_on, source="DTSEN Dinsos 2026-Q1"
    )


SURVEY_DEFAULTS: dict[str, Any] = {
    "surveyed_on": dt.date(2026, 2, 1),
    "enumerator_name": "PENDATA",
    "ownership": 1,
    "floor_area_m2": 48,
    "floor": WelfareSurvey.Floor.CERAMIC,
    "wall": WelfareSurvey.Wall.BRICK,
    "roof": WelfareSurvey.Roof.CLAY_TILE,
    "water": WelfareSurvey.Water.PROTECTED_WELL,
    "sanitation": WelfareSurvey.Sanitation.OWN,
    "energy": WelfareSurvey.Energy.PLN_METERED,
    "cooking_fuel": WelfareSurvey.CookingFuel.LPG_3KG,
}


def survey(fam: Family, **kw: Any) -> WelfareSurvey:
    WelfareSurvey.objects.filter(family=fam, is_latest=True).update(is_latest=False)
    return WelfareSurvey.objects.create(village=fam.village, family=fam, **(SURVEY_DEFAULTS | kw))


def member(fam: Family, **kw: Any) -> Resident:
    return ResidentFactory(village=fam.village, family=fam, rt=fam.rt, **kw)


def blt_rules(pkh: Programme | None = None) -> RuleSet:
    """BLT Dana Desa as in the demo: no civil servants; decile ≤ 4 first; vulnerability score."""
    from balai.aid.rules import Exclusion

    return RuleSet(
        rules=[
            Rule("eligibility", "has_civil_servant", "false"),
            Rule("priority", "desil", "lte", 1, tier=1),
            Rule("priority", "desil", "lte", 4, tier=2),
            Rule("score", "elderly_alone", "true", weight=30),
            Rule("score", "has_disabled_member", "true", weight=30),
            Rule("score", "floor", "in", [WelfareSurvey.Floor.EARTH, WelfareSurvey.Floor.BAMBOO], weight=40),
        ],
        exclusions=[Exclusion(pkh.pk, pkh.name, pkh.code, "recipient")] if pkh else [],
    )
