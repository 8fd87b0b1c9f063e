import datetime as dt

import pytest

from balai.economy import services


@pytest.fixture
def bumdes_a(village_a, operator_a):
    return services.bumdes_create(
        actor=operator_a,
        village=village_a,
        data={"name": "BUMDes Maju Bersama", "legal_status": "perdes", "village_share_percent": 40},
    )


@pytest.fixture
def water_a(bumdes_a, operator_a):
    return services.unit_create(actor=operator_a, bumdes=bumdes_a, name="Air Bersih Tirta", kind="air")


@pytest.fixture
def funded_water_a(bumdes_a, water_a, operator_a):
    services.capital_participation_record(
        actor=operator_a,
        bumdes=bumdes_a,
        unit=water_a,
        date=dt.date(2025, 2, 1),
        amount=50_000_000,
        fiscal_year=2025,
    )
    return water_a
