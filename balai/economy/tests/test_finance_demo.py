"""With the finance module's demo APBDes in place, the BUMDes's profit share lands on the
village's books as PADes 4.1.1.01 (the real finance service, no stand-in)."""

import random

from django.utils import timezone

from balai.devtools.demo import populate_village
from balai.economy.demo import extend_village
from balai.economy.models import ProfitDistribution


def test_profit_share_is_recorded_in_the_village_finance(village_a):
    from balai.finance.demo import extend_village as finance_demo
    from balai.finance.models import Entry

    populate_village(village=village_a, records=300, seed=5)
    today = timezone.localdate()
    finance_demo(village=village_a, rnd=random.Random(5), today=today)
    extend_village(village=village_a, rnd=random.Random(5), today=today)
    share = ProfitDistribution.objects.get(village=village_a)
    assert share.finance_ref, share.finance_note
    entry = Entry.objects.get(village=village_a, number=f"BUMDES-{share.entry.number}")
    assert entry.account_code == "4.1.1.01"
    assert entry.amount == share.village_share
