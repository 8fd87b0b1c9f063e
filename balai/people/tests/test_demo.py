import random

from django.utils import timezone

from balai.devtools.demo import populate_village
from balai.people.demo import extend_village
from balai.people.models import LifeEvent


def test_demo_death_reaches_the_modules(village_a):
    populate_village(village=village_a, records=300, seed=5)
    counts = extend_village(village=village_a, rnd=random.Random(5), today=timezone.localdate())
    assert "review_items" in counts
    event = LifeEvent.objects.filter(village=village_a, kind=LifeEvent.Kind.DEATH).order_by("-id").first()
    assert event is not None
    assert event.note.startswith("Data demo")


def test_bench_rows_run(village_a, tmp_path):
    from balai.devtools.bench import BenchConfig
    from balai.people.bench import bench

    populate_village(village=village_a, records=200, seed=2)
    deaths = LifeEvent.objects.filter(kind=LifeEvent.Kind.DEATH).count()
    config = BenchConfig.quick_config(requests=3, overview_runs=1)
    result = bench(config, tmp_path, lambda _msg: None)
    keys = {m.key for m in result["metrics"]}
    assert keys == {
        "single_death",
        "single_report_village",
        "single_report_regency",
        "single_induk_pdf",
        "single_quality",
        "single_stats_village",
        "single_stats_regency",
    }
    # the measured deaths were rolled back
    assert LifeEvent.objects.filter(kind=LifeEvent.Kind.DEATH).count() == deaths
