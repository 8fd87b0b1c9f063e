"""The BUMDes books: balanced entries only, closed periods stay closed, cash never below zero,
statements balance, and the village's profit share."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balai.audit.models import AuditEvent
from balai.core.errors import ApplicationError
from balai.economy import chart, rules, selectors, services
from balai.economy.models import JournalEntry, JournalLine

D = dt.date


def test_capital_participation_puts_cash_and_village_equity_in_the_unit(village_a, bumdes_a, funded_water_a):
    books = selectors.books(village=village_a, unit=funded_water_a, year=2025)
    assert books.position.balanced
    assert books.position.total_assets == 50_000_000
    assert [(a.code, v) for a, v in books.position.equity] == [("3-101", 50_000_000)]
    assert books.cash_flow["pendanaan"] == 50_000_000
    assert AuditEvent.objects.filter(action="economy.capital_recorded").count() == 1


def test_unbalanced_entry_is_refused_and_nothing_is_written(operator_a, bumdes_a, funded_water_a):
    before = JournalLine.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.entry_post(
            actor=operator_a,
            bumdes=bumdes_a,
            unit=funded_water_a,
            date=D(2025, 3, 1),
            description="Tagihan air",
            lines=[("1-103", 100_000, 0), ("4-101", 0, 90_000)],
        )
    assert "tidak seimbang" in " ".join(exc.value.message_dict["lines"])
    assert JournalLine.objects.count() == before


def test_unknown_account_is_named(operator_a, bumdes_a, funded_water_a):
    with pytest.raises(ValidationError) as exc:
        services.entry_post(
            actor=operator_a,
            bumdes=bumdes_a,
            unit=funded_water_a,
            date=D(2025, 3, 1),
            description="x",
            lines=[("9-999", 100, 0), ("4-101", 0, 100)],
        )
    assert "9-999" in " ".join(exc.value.message_dict["lines"])


def test_cash_may_not_go_below_zero(operator_a, bumdes_a, funded_water_a):
    with pytest.raises(ValidationError) as exc:
        services.entry_post(
            actor=operator_a,
            bumdes=bumdes_a,
            unit=funded_water_a,
            date=D(2025, 3, 1),
            description="Beli pipa",
            lines=[("1-201", 60_000_000, 0), ("1-101", 0, 60_000_000)],
        )
    assert "tidak boleh minus" in " ".join(exc.value.message_dict["lines"])
    # Nor before the money came in.
    with pytest.raises(ValidationError):
        services.entry_post(
            actor=operator_a,
            bumdes=bumdes_a,
            unit=funded_water_a,
            date=D(2025, 1, 15),
            description="Beli pipa",
            lines=[("1-201", 1_000_000, 0), ("1-101", 0, 1_000_000)],
        )


def test_closing_a_year_moves_profit_to_retained_earnings_and_locks_the_period(
    village_a, operator_a, sekdes_a, bumdes_a, funded_water_a
):
    unit = funded_water_a
    services.entry_post(
        actor=operator_a,
        bumdes=bumdes_a,
        unit=unit,
        date=D(2025, 6, 30),
        description="Pendapatan air",
        lines=[("1-101", 12_000_000, 0), ("4-101", 0, 12_000_000)],
    )
    services.entry_post(
        actor=operator_a,
        bumdes=bumdes_a,
        unit=unit,
        date=D(2025, 7, 31),
        description="Honor pengelola",
        lines=[("5-201", 2_000_000, 0), ("1-101", 0, 2_000_000)],
    )
    services.period_close(actor=sekdes_a, bumdes=bumdes_a, through=D(2025, 12, 1), today=D(2026, 1, 10))
    bumdes_a.refresh_from_db()
    assert bumdes_a.closed_through == D(2025, 12, 31)
    closing = JournalEntry.objects.get(kind="penutup")
    assert closing.date == D(2025, 12, 31)

    year = selectors.books(village=village_a, unit=unit, year=2025)
    assert year.income.net_income == 10_000_000  # the P&L ignores the closing entry
    assert year.position.balanced
    assert {a.code: v for a, v in year.position.equity}[chart.RETAINED] == 10_000_000

    with pytest.raises(ValidationError) as exc:
        services.entry_post(
            actor=operator_a,
            bumdes=bumdes_a,
            unit=unit,
            date=D(2025, 12, 20),
            description="Terlambat",
            lines=[("1-101", 1, 0), ("4-101", 0, 1)],
        )
    assert "ditutup" in exc.value.message_dict["date"][0]

    dist = services.profit_distribute(
        actor=sekdes_a, bumdes=bumdes_a, unit=unit, year=2025, date=D(2026, 1, 15)
    )
    assert dist.net_profit == 10_000_000
    assert dist.village_share == 4_000_000
    after = selectors.books(village=village_a, unit=unit, year=2026)
    assert after.position.balanced
    assert after.closing_cash == 50_000_000 + 10_000_000 - 4_000_000
    with pytest.raises(ApplicationError):
        services.profit_distribute(actor=sekdes_a, bumdes=bumdes_a, unit=unit, year=2025, date=D(2026, 1, 16))


def test_profit_of_an_open_year_is_not_shared(sekdes_a, bumdes_a, funded_water_a):
    with pytest.raises(ApplicationError, match="belum ditutup"):
        services.profit_distribute(
            actor=sekdes_a, bumdes=bumdes_a, unit=funded_water_a, year=2025, date=D(2026, 1, 2)
        )


def test_an_open_month_only_can_be_closed(sekdes_a, bumdes_a):
    with pytest.raises(ValidationError):
        services.period_close(actor=sekdes_a, bumdes=bumdes_a, through=D(2026, 1, 1), today=D(2026, 1, 20))


ACCOUNTS = [rules.AccountInfo(c, n, t, contra) for c, n, t, _cash, contra in chart.CHART]
CODES = [a.code for a in ACCOUNTS]


@st.composite
def entries(draw):
    n = draw(st.integers(min_value=2, max_value=5))
    codes = draw(st.lists(st.sampled_from(CODES), min_size=n, max_size=n))
    amounts = draw(st.lists(st.integers(min_value=1, max_value=10**9), min_size=n - 1, max_size=n - 1))
    # n-1 free lines, the last one balances them on whichever side it needs.
    lines = []
    for i, (code, amount) in enumerate(zip(codes, amounts, strict=False)):
        lines.append((code, amount, 0) if i % 2 == 0 else (code, 0, amount))
    net = sum(d - c for _code, d, c in lines)
    if net == 0:
        return lines
    lines.append((codes[-1], 0, net) if net > 0 else (codes[-1], -net, 0))
    return lines


@given(st.lists(entries(), max_size=30))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_accepted_entries_keep_the_trial_balance_and_the_accounting_equation(batch):
    sums: dict[str, list[int]] = {}
    for lines in batch:
        if rules.entry_problems(lines):
            continue
        for code, debit, credit in lines:
            acc = sums.setdefault(code, [0, 0])
            acc[0] += debit
            acc[1] += credit
    result = rules.statements(ACCOUNTS, {k: (v[0], v[1]) for k, v in sums.items()})
    assert result.total_debit == result.total_credit
    assert result.total_assets == result.total_liabilities + result.total_equity


@pytest.mark.django_db
@given(st.lists(entries(), min_size=1, max_size=6))
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_entries_the_service_accepts_keep_the_books_balanced(batch):
    from django.db import transaction

    from balai.people.tests.factories import VillageFactory

    # Each example in a savepoint rolled back, so examples do not see each other's books.
    with transaction.atomic():
        village = VillageFactory()
        bumdes = services.bumdes_create(
            actor=None, village=village, data={"name": "B", "legal_status": "perdes"}
        )
        unit = services.unit_create(actor=None, bumdes=bumdes, name="U", kind="toko")
        for lines in batch:
            try:
                services.entry_post(
                    actor=None, bumdes=bumdes, unit=unit, date=D(2025, 5, 1), description="x", lines=lines
                )
            except ValidationError:
                pass
        books = selectors.books(village=village, unit=unit, year=2025)
        assert books.position.balanced
        assert books.closing_cash >= 0
        transaction.set_rollback(True)
