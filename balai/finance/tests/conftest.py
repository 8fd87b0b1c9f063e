import datetime as dt

import pytest

from balai.accounts.models import Role, User
from balai.finance import services
from balai.finance.models import Medium


def _user(username, role, village):
    return User.objects.create_user(
        username=username, password="rahasia-demo-123", role=role, village=village
    )


@pytest.fixture
def bendahara_a(village_a):
    return _user("bendahara_a", Role.BENDAHARA, village_a)


@pytest.fixture
def ledger(village_a, kades_a, sekdes_a, bendahara_a):
    """A set 2026 APBDes of village A: Dana Desa revenue, a road activity, a BUMDes capital line."""
    v = village_a
    b = services.budget_create(
        actor=bendahara_a, village=v, year=2026, opening_bank=50_000_000, opening_cash=1_000_000
    )
    dd = services.budget_line_create(
        actor=bendahara_a,
        village=v,
        budget=b,
        account_code="4.2.1.01",
        funding_source="DDS",
        description="Dana Desa",
        unit_price=800_000_000,
    )
    pad = services.budget_line_create(
        actor=bendahara_a,
        village=v,
        budget=b,
        account_code="4.1.1.01",
        funding_source="PAD",
        description="Bagi hasil BUMDes",
        unit_price=10_000_000,
    )
    road = services.activity_create(
        actor=bendahara_a,
        village=v,
        budget=b,
        code="02.03.01",
        name="Pemeliharaan Jalan Desa",
        executor="Kasi Pembangunan",
    )
    material = services.budget_line_create(
        actor=bendahara_a,
        village=v,
        budget=b,
        activity=road,
        account_code="5.2.1.07",
        funding_source="DDS",
        description="Batu split",
        volume=100,
        unit="m3",
        unit_price=222_000,
    )
    service = services.budget_line_create(
        actor=bendahara_a,
        village=v,
        budget=b,
        activity=road,
        account_code="5.2.2.03",
        funding_source="DDS",
        description="Jasa konsultan",
        unit_price=10_000_000,
    )
    capital = services.budget_line_create(
        actor=bendahara_a,
        village=v,
        budget=b,
        account_code="6.2.2.01",
        funding_source="DDS",
        description="Penyertaan modal BUMDes",
        unit_price=50_000_000,
    )
    services.budget_set(
        actor=kades_a, village=v, budget=b, perdes_number="3 Tahun 2025", perdes_date=dt.date(2025, 12, 20)
    )
    b.refresh_from_db()
    from balai.finance.services_payees import vendor_create

    vendor = vendor_create(
        actor=bendahara_a,
        village=v,
        name="CV Karya Mandiri",
        npwp="01.234.567.8-901.000",
        bank_name="BRI",
        bank_account="0123-01-000123-30-1",
        address="Jl. Raya 1",
    )
    return {
        "vendor": vendor,
        "budget": b,
        "dd": dd,
        "pad": pad,
        "road": road,
        "material": material,
        "service": service,
        "capital": capital,
        "bendahara": bendahara_a,
        "kades": kades_a,
        "sekdes": sekdes_a,
        "medium": Medium.BANK,
    }
