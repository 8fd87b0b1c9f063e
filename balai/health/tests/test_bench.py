"""The health bench hook, on a tiny database (no timing thresholds here)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.utils import timezone

from balai.health import bench, demo
from balai.health.models import AntenatalVisit, ChildMeasurement, Posyandu, PosyanduSession, Pregnancy
from balai.health.tests.test_demo import village  # noqa: F401 - fixture
from balai.people.tests.factories import ResidentFactory


def test_synthetic_measurements_are_repeatable_and_under_five():
    rows = bench.synthetic_measurements(500, seed=3)

    assert rows == bench.synthetic_measurements(500, seed=3)
    assert all(0 <= r["age_days"] <= 1826 and r["measured"] in {"l", "h"} for r in rows)


def test_time_zscores_scores_every_row():
    rows = bench.synthetic_measurements(300)

    seconds, categorised = bench.time_zscores(rows)

    assert seconds > 0
    assert categorised == 300  # every child under five has a TB/U category


def test_chart_child_gets_sixty_measurements_once(village_a):
    today = timezone.localdate()
    kid = ResidentFactory(village=village_a, birth_date=today - dt.timedelta(days=62 * 30), family_relation=4)

    first = bench.chart_child()
    again = bench.chart_child()

    assert first.pk == again.pk == kid.pk
    assert ChildMeasurement.objects.filter(child=kid).count() == bench.CHART_POINTS


def test_bench_reports_every_metric(village, monkeypatch):  # noqa: F811 - the fixture
    monkeypatch.setattr(bench, "ZSCORE_COUNT", 200)
    today = timezone.localdate()
    ResidentFactory(village=village, birth_date=today - dt.timedelta(days=62 * 30), family_relation=4)

    result = bench.bench(None, None, lambda _text: None)

    keys = [m.key for m in result["metrics"]]
    assert keys == [
        "health.zscores",
        "health.demo",
        "health.chart",
        "health.report_monthly",
        "health.stunting",
        "health.regional",
        "health.regional_warm",
    ]
    assert Posyandu.objects.filter(village=village).exists()
    assert bench.bench(None, None, lambda _text: None)["demo"]["villages"] == 0  # idempotent


@pytest.mark.skipif(connection.vendor != "postgresql", reason="indexes are deferred on PostgreSQL only")
def test_prepare_demo_loads_measurements_without_their_indexes_and_makes_them_again(
    village,  # noqa: F811 - the fixture
    tmp_path,
    monkeypatch,
):
    # given
    def schema() -> set:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'health_childmeasurement'"
                " UNION ALL SELECT conname FROM pg_constraint"
                " WHERE conrelid = 'health_childmeasurement'::regclass"
            )
            return {name for (name,) in cursor.fetchall()}

    with connection.cursor() as cursor:
        # The fixture's rows, committed in the bench: their deferred checks would forbid the
        # foreign keys' ALTER TABLE inside the test's transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    before = schema()
    during: list[set] = []
    plan = demo.plan_village

    def plan_and_look(**kwargs):
        during.append(schema())
        return plan(**kwargs)

    monkeypatch.setattr(demo, "plan_village", plan_and_look)
    state = tmp_path / bench.DEFERRED_STATE

    # when
    result = bench.prepare_demo(lambda _text: None, state)

    # then
    assert result["measurements"] == ChildMeasurement.objects.filter(village=village).count() > 0
    assert "childmeasure_child_idx" in before
    assert "childmeasure_child_idx" not in during[0]
    assert "health_childmeasurement_pkey" in during[0]
    assert schema() == before
    assert not state.exists()


def test_prepare_demo_writes_what_extend_village_writes(village):  # noqa: F811 - the fixture
    # given
    def written() -> tuple[list, list]:
        measurements = list(
            ChildMeasurement.objects.filter(village=village)
            .order_by("child_id", "measured_on")
            .values_list(
                "child_id", "session__held_on", "weight_kg", "lenhei_cm", "z_lhfa", "cat_wflh", "flags"
            )
        )
        pregnancies = list(
            Pregnancy.objects.filter(village=village)
            .order_by("mother_id")
            .values_list("mother_id", "lmp_date", "gravida")
        )
        return measurements, pregnancies

    # when: drawn in the worker while the previous village is written
    bench.prepare_demo(lambda _text: None)
    pipelined = written()
    for model in (AntenatalVisit, Pregnancy, ChildMeasurement, PosyanduSession, Posyandu):
        model.objects.filter(village=village).delete()
    demo.extend_village(
        village=village, rnd=random.Random(f"bench:{village.code}"), today=timezone.localdate()
    )

    # then
    assert pipelined == written()
    assert pipelined[0]
    assert pipelined[1]
