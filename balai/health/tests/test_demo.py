"""Demo data of the health module (`demo.extend_village`)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from balai.core.db.bulk import copy_text, model_rows
from balai.health import demo, reports
from balai.health.classify import classify
from balai.health.models import AntenatalVisit, ChildMeasurement, Posyandu, PosyanduSession, Pregnancy
from balai.health.services import naegele_due_date
from balai.health.who import growth_z
from balai.people import codes
from balai.people.tests.factories import DusunFactory, FamilyFactory, ResidentFactory, RtFactory

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def village(village_a):
    """Two dusuns, forty children of every age under five (and a few older or dead), one
    pregnant woman."""
    rnd = random.Random(7)
    for name in ("Krajan", "Sidomulyo"):
        dusun = DusunFactory(village=village_a, name=name)
        rt = RtFactory(village=village_a, dusun=dusun)
        family = FamilyFactory(village=village_a, rt=rt)
        for i in range(20):
            ResidentFactory(
                village=village_a,
                family=family,
                rt=rt,
                sex=1 + i % 2,
                birth_date=TODAY - dt.timedelta(days=rnd.randint(0, 2100)),
                family_relation=4,
            )
        ResidentFactory(
            village=village_a,
            family=family,
            rt=rt,
            birth_date=TODAY - dt.timedelta(days=400),
            status=codes.STATUS_DEAD,
            family_relation=4,
            name=f"MENINGGAL {name}",
        )
    ResidentFactory(
        village=village_a,
        family=family,
        rt=rt,
        sex=2,
        birth_date=dt.date(1998, 1, 1),
        pregnant=1,
        family_relation=3,
    )
    return village_a


def test_one_posyandu_per_dusun_with_twelve_monthly_sessions(village):
    counts = demo.extend_village(village=village, rnd=random.Random(1), today=TODAY)

    posyandus = list(Posyandu.objects.filter(village=village))
    assert sorted(p.dusun for p in posyandus) == ["Krajan", "Sidomulyo"]
    assert counts["posyandu"] == 2
    for posyandu in posyandus:
        days = list(PosyanduSession.objects.filter(posyandu=posyandu).values_list("held_on", flat=True))
        assert len(days) == 12
        assert len({(d.year, d.month) for d in days}) == 12
        assert max(days) <= TODAY


def test_measurements_carry_who_z_scores_and_categories(village):
    demo.extend_village(village=village, rnd=random.Random(1), today=TODAY)

    measurements = list(ChildMeasurement.objects.filter(village=village).select_related("child"))
    assert measurements
    for m in measurements:
        z = growth_z(
            sex=m.child.sex,
            age_days=m.age_days,
            weight_kg=float(m.weight_kg),
            lenhei_cm=float(m.lenhei_cm),
            measured=m.position,
        )
        cats = classify(z)
        assert (m.lenhei_scored_cm, m.z_lhfa, m.z_wfa, m.z_wflh, m.z_bmi) == (
            z.lenhei_cm,
            z.lhfa,
            z.wfa,
            z.wflh,
            z.bmifa,
        )
        assert (m.cat_lhfa, m.cat_wfa, m.cat_wflh, m.cat_bmi) == (
            cats.lhfa or "",
            cats.wfa or "",
            cats.wflh or "",
            cats.bmi or "",
        )
        assert m.flags == ";".join(sorted(z.flags))
        assert m.created_at == m.updated_at
        assert abs(m.created_at - timezone.now()) < dt.timedelta(minutes=5)  # the offset kept
        # the columns the demo leaves to the model's defaults
        assert (m.immunizations, m.oedema, m.head_cm, m.z_hcfa, m.recorded_by_id) == (
            [],
            False,
            None,
            None,
            None,
        )
        assert m.age_days == (m.measured_on - m.child.birth_date).days
        assert m.age_days <= 1826
        assert m.child.status == codes.STATUS_ALIVE


def test_demo_has_stunting_faltering_and_flagged_values(village):
    demo.extend_village(village=village, rnd=random.Random(3), today=TODAY)

    rows = ChildMeasurement.objects.filter(village=village)
    flagged = rows.exclude(flags="")
    assert flagged.count() >= demo.IMPLAUSIBLE_PER_VILLAGE
    assert rows.filter(z_lhfa__lt=-2).exists()
    assert rows.filter(weight_trend="T").exists()
    assert rows.filter(weight_trend="N").exists()


def test_pregnancies_for_women_the_registry_marks_pregnant(village):
    counts = demo.extend_village(village=village, rnd=random.Random(1), today=TODAY)

    pregnancy = Pregnancy.objects.get(village=village)
    assert counts["pregnancies"] == 1
    assert pregnancy.due_date == naegele_due_date(pregnancy.lmp_date)
    assert pregnancy.lmp_date < TODAY
    assert AntenatalVisit.objects.filter(pregnancy=pregnancy).count() == counts["antenatal_visits"]


def test_demo_feeds_the_reports(village):
    demo.extend_village(village=village, rnd=random.Random(1), today=TODAY)
    month = reports.latest_month(villages=[village], today=TODAY)

    report = reports.monthly_report(village=village, month=month)
    prevalence = reports.prevalence_by(villages=[village], month=month, by="dusun")

    assert 0 < report.total.D <= report.total.S
    assert report.total.D == report.total.N + report.total.T + report.total.O + report.total.B
    assert set(prevalence) <= {"Krajan", "Sidomulyo"}


def test_a_village_without_dusun_gets_nothing(village_b):
    assert demo.extend_village(village=village_b, rnd=random.Random(1), today=TODAY) == {}


def test_copy_text_of_the_measurements_is_the_generic_encoders(village):
    plan = demo.plan_village(village=village, rnd=random.Random(1), today=TODAY)
    rows = demo.measurement_rows(plan, random.Random(2))
    rows[0] = rows[0][:9] + (None,) + rows[0][10:15] + (None,) + rows[0][16:]  # the NULLs it may hold
    suffix = model_rows(ChildMeasurement, demo._MEASURE_COLUMNS).suffix

    assert rows
    assert demo.copy_text(rows, suffix) == copy_text(rows, suffix)
