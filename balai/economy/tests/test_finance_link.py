"""The seam to the village's finance module: each flow is recorded there when it can be, and
a refusal there leaves the BUMDes's own books standing with the reason shown."""

import datetime as dt
from types import SimpleNamespace

from balai.core.errors import ApplicationError
from balai.economy import chart, finance_link, services


def test_capital_and_profit_share_are_recorded_as_apbdes_realisation(
    monkeypatch, sekdes_a, bumdes_a, water_a
):
    calls = []

    def recorder(**kwargs):
        calls.append(kwargs)
        return SimpleNamespace(public_id=f"fin{len(calls)}")

    monkeypatch.setattr(finance_link, "_finance_recorder", lambda: recorder)
    capital = services.capital_participation_record(
        actor=sekdes_a,
        bumdes=bumdes_a,
        unit=water_a,
        date=dt.date(2025, 1, 10),
        amount=10_000_000,
        fiscal_year=2025,
    )
    services.entry_post(
        actor=sekdes_a,
        bumdes=bumdes_a,
        unit=water_a,
        date=dt.date(2025, 5, 1),
        description="Iuran air",
        lines=[("1-101", 5_000_000, 0), ("4-101", 0, 5_000_000)],
    )
    services.period_close(
        actor=sekdes_a, bumdes=bumdes_a, through=dt.date(2025, 12, 31), today=dt.date(2026, 1, 5)
    )
    share = services.profit_distribute(
        actor=sekdes_a, bumdes=bumdes_a, unit=water_a, year=2025, date=dt.date(2026, 1, 10)
    )
    assert capital.finance_ref == "fin1"
    assert share.finance_ref == "fin2"
    assert [(c["account_code"], c["amount"], c["year"]) for c in calls] == [
        (chart.APBDES_CAPITAL_PARTICIPATION, 10_000_000, 2025),
        (chart.APBDES_PADES_BUMDES, 2_000_000, 2026),
    ]


def test_a_refusal_in_finance_keeps_the_bumdes_books_and_says_why(monkeypatch, operator_a, bumdes_a, water_a):
    def recorder(**kwargs):
        raise ApplicationError("APBDes 2025 belum ada.")

    monkeypatch.setattr(finance_link, "_finance_recorder", lambda: recorder)
    capital = services.capital_participation_record(
        actor=operator_a,
        bumdes=bumdes_a,
        unit=water_a,
        date=dt.date(2025, 1, 10),
        amount=1_000_000,
        fiscal_year=2025,
    )
    assert capital.finance_ref == ""
    assert capital.finance_note == "APBDes 2025 belum ada."
