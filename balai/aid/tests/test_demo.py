"""The aid demo data: plausible, consistent with the rules engine, and the walkthrough's start."""

from __future__ import annotations

import datetime as dt
import random

from balai.aid import demo, targeting
from balai.aid.models import Candidate, DistributionCycle, OfficialDecile, Programme, Recipient, WelfareSurvey
from balai.aid.tests.targeting_fixtures import family


def test_extend_village_adds_deciles_surveys_central_lists_and_a_ruled_programme(village_a):
    families = [family(village_a, f"WARGA {n}") for n in range(40)]
    counts = demo.extend_village(village=village_a, rnd=random.Random(3), today=dt.date(2026, 5, 10))
    assert counts["aid_deciles"] == OfficialDecile.objects.filter(village=village_a).count() > 10
    assert (
        counts["aid_surveys"] == WelfareSurvey.objects.filter(village=village_a, is_latest=True).count() > 5
    )
    pkh = Programme.objects.get(village=village_a, code="pkh")
    assert not pkh.uses_targeting
    assert Recipient.objects.filter(programme=pkh, source="import").count() == counts["aid_entitlements"]
    cycle = DistributionCycle.objects.get(programme=pkh)
    assert cycle.status == "approved"
    assert cycle.planned_on >= dt.date(2026, 5, 10)
    rtlh = Programme.objects.get(village=village_a, code="rtlh")
    assert Candidate.objects.filter(programme=rtlh, source="rt_rw").count() == 2
    # the stored rules are valid rules: they evaluate
    ev = targeting.evaluate_programme(programme=rtlh, today=dt.date(2026, 5, 10))
    assert len(ev.table.ids) == len(families)
    # nobody is enrolled twice
    assert (
        Recipient.objects.filter(programme=pkh).values("family_id").distinct().count()
        == Recipient.objects.filter(programme=pkh).count()
    )


def test_entitlements_point_at_each_villages_own_pkh_recipients(village_a, village_b):
    # given two villages' demo data, their recipients' ids reserved before they were written
    from balai.aid.models import Entitlement

    for v in (village_a, village_b):
        for n in range(60):
            family(v, f"WARGA {v.pk} {n}")
        demo.extend_village(village=v, rnd=random.Random(v.pk), today=dt.date(2026, 5, 10))
    # then every PKH recipient has one entitlement in its own village's cycle, and no other does
    for v in (village_a, village_b):
        pkh = set(
            Recipient.objects.filter(programme__village=v, programme__code="pkh").values_list("pk", flat=True)
        )
        entitled = list(
            Entitlement.objects.filter(village=v).values_list("recipient_id", "cycle__programme__code")
        )
        assert pkh
        assert sorted(r for r, _code in entitled) == sorted(pkh)
        assert {code for _r, code in entitled} == {"pkh"}


def test_clear_village_removes_only_that_villages_aid_rows(village_a, village_b):
    for v in (village_a, village_b):
        for n in range(15):
            family(v, f"WARGA {n}")
        demo.extend_village(village=v, rnd=random.Random(5), today=dt.date(2026, 5, 10))
    assert demo.clear_village(village=village_a) > 0
    assert not Programme.objects.filter(village=village_a).exists()
    assert not OfficialDecile.objects.filter(village=village_a).exists()
    assert Programme.objects.filter(village=village_b).count() == 3
