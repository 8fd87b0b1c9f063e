import random

from django.utils import timezone

from balai.devtools.demo import populate_village
from balai.education import rules, selectors
from balai.education.demo import extend_village
from balai.education.models import Enrolment, School
from balai.people.models import Resident


def test_demo_data_is_consistent_with_the_registry(village_a):
    # given a populated village
    populate_village(village=village_a, records=600, seed=3)
    today = timezone.localdate()
    # when
    counts = extend_village(village=village_a, rnd=random.Random(3), today=today)
    # then
    assert counts["schools"] == School.objects.filter(village=village_a).count() >= 4
    assert counts["enrolments"] == Enrolment.objects.filter(village=village_a).count() > 0
    school_year = rules.school_year_of(today)
    latest = Enrolment.objects.filter(village=village_a, is_latest=True).select_related("resident")
    level_of = {4: "sd", 6: "smp", 7: "sma"}
    for e in latest:
        current = e.resident.education_current
        if current in level_of:
            # in school according to the registry: enrolled this year at that level
            assert (e.level, e.school_year, e.status) == (level_of[current], school_year, "aktif")
        elif current == 18:
            assert e.status in ("lulus", "putus")
            assert e.school_year < school_year
    assert Enrolment.objects.filter(village=village_a, is_latest=True).count() == len(
        set(Enrolment.objects.filter(village=village_a).values_list("resident_id", flat=True))
    )
    # and the follow-up list has children out of school, each with a reason
    children = selectors.school_age_children(village=village_a, day=today)
    out = [c for c in children if c.status == rules.Status.OUT]
    assert out
    assert all(c.reason for c in out)
    # and the registry's "not in school" children are all accounted for as ATS or completed
    registry_out = set(
        Resident.objects.filter(village=village_a, education_current=18, status=1).values_list(
            "public_id", flat=True
        )
    )
    assert {c.public_id for c in out} >= {c.public_id for c in children if c.public_id in registry_out}


def test_follow_up_prefilter_keeps_every_child_the_rules_flag(village_a):
    # given demo data with every kind of status
    populate_village(village=village_a, records=800, seed=5)
    today = timezone.localdate()
    extend_village(village=village_a, rnd=random.Random(5), today=today)
    # when
    everyone = selectors.school_age_children(village=village_a, day=today)
    listed = selectors.follow_up_list(village=village_a, day=today)
    # then the database's shortcut loses no one and adds no one
    assert {c.public_id for c in listed} == {c.public_id for c in everyone if c.needs_follow_up}
    assert listed


def test_children_page_is_paged_by_the_database(village_a):
    populate_village(village=village_a, records=600, seed=4)
    today = timezone.localdate()
    everyone = selectors.school_age_children(village=village_a, day=today)
    page, total = selectors.school_age_page(
        village=village_a, day=today, filters=selectors.ChildFilters(), offset=10, limit=20
    )
    assert total == len(everyone)
    assert [c.public_id for c in page] == [c.public_id for c in everyone[10:30]]
    out, out_total = selectors.school_age_page(
        village=village_a, day=today, filters=selectors.ChildFilters(status="ats"), offset=0, limit=5
    )
    assert out_total == sum(1 for c in everyone if c.status == "ats")
    assert all(c.status == "ats" for c in out)
