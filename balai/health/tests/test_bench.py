"""The health bench hook, on a tiny database (no timing thresholds here)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from balai.health import bench, demo
from balai.health.models import ChildMeasurement, Posyandu
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
    extend = demo.extend_village

    def extend_and_look(**kwargs):
        during.append(schema())
        return extend(**kwargs)

    monkeypatch.setattr(demo, "extend_village", extend_and_look)
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
