import random

from django.utils import timezone

from balai.devtools.demo import populate_village
from balai.economy import selectors
from balai.economy.demo import extend_village
from balai.economy.models import Business, Product, ProfitDistribution


def test_demo_books_balance_and_the_water_unit_pays_the_village(village_a):
    populate_village(village=village_a, records=300, seed=5)
    today = timezone.localdate()
    counts = extend_village(village=village_a, rnd=random.Random(5), today=today)
    assert counts["economy_businesses"] == Business.objects.filter(village=village_a).count()
    water = selectors.unit_list(village=village_a).get(kind="air")
    for year in (today.year - 1, today.year):
        assert selectors.books(village=village_a, unit=water, year=year).position.balanced
        assert selectors.books(village=village_a, unit=None, year=year).position.balanced
    share = ProfitDistribution.objects.get(unit=water, year=today.year - 1)
    assert share.village_share > 0
    assert Product.objects.filter(village=village_a).exclude(photo="").count() == counts["economy_products"]
    assert len(selectors.public_businesses(village=village_a)) == counts["economy_businesses"]
