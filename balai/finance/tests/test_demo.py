import datetime as dt
import random

from balai.finance import selectors
from balai.finance.demo import extend_village
from balai.finance.models import Budget, Entry


def test_demo_year_balances_and_stays_within_budget(village_a):
    today = dt.date(2026, 12, 6)
    counts = extend_village(village=village_a, rnd=random.Random(3), today=today)
    assert counts["finance_entries"] == Entry.objects.filter(village=village_a).count() > 50
    budget = Budget.objects.get(village=village_a, year=2026)
    assert budget.is_set
    bal = selectors.balances(budget=budget)
    assert bal["cash"] >= 0
    assert bal["bank"] >= 0
    assert bal["tax"] >= 0
    report = selectors.lra(budget=budget)
    assert 0 < report.spending.realised <= report.spending.budget
    for block in selectors.apbdes_blocks(budget=budget):
        for row in block.rows:
            assert row.realised <= row.line.in_force, row.line.description
    # LRA totals equal the postings on 5.x
    spent = sum(e.amount for e in Entry.objects.filter(budget=budget, account_code__startswith="5"))
    assert report.spending.realised == spent
    assert extend_village(village=village_a, rnd=random.Random(3), today=today) == {}


def test_demo_plans_the_silpa_it_opens_with(village_a):
    extend_village(village=village_a, rnd=random.Random(5), today=dt.date(2026, 12, 6))
    budget = Budget.objects.get(village=village_a, year=2026)
    opening = budget.opening_cash + budget.opening_bank
    report = selectors.lra(budget=budget)
    silpa = next(r for r in report.rows if r.code == "6.1.1")
    assert silpa.budget == silpa.realised == opening
    bal = selectors.balances(budget=budget)
    # the closing cash is the SiLPA of the year plus what is held for others
    assert report.cash_closing == bal["total"]
    assert bal["total"] == report.silpa_realised + bal["tax"] - report.advances_out
