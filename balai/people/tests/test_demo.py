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
