"""Isolation entries of the economy module (see "Modules' own checks" in tests/test_isolation.py).

Public pages take a village code in the path and show only what the village publishes; the
kiosk screens refuse an operator's browser (no device credential). How a kiosk device of one
village is kept to its own village's businesses is tested in test_public.py.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from PIL import Image

from balai.economy import services
from balai.economy.models import (
    Bumdes,
    BumdesManager,
    Business,
    BusinessUnit,
    JournalEntry,
    JournalLine,
    MarketPrice,
    Potential,
    Product,
)
from tests.isolation_checks import API, Listing, Obj, Public

_UNIT = {"public_id": "eco_unit"}
_BUSINESS = {"public_id": "eco_business"}
_PRODUCT = {"public_id": "eco_product"}
_NOWHERE = (("village_code", "99.99.99.9999"),)

UI_CHECKS: dict[str, Any] = {
    "economy:home": Listing(),
    "economy:bumdes_edit": Listing(),
    "economy:unit_create": Listing(),
    "economy:manager_create": Listing(),
    "economy:manager_end": Obj({"public_id": "eco_manager"}),
    "economy:consolidated": Listing(),
    "economy:annual_report": Listing(),
    # Closing and profit sharing are the secretary's and the head's: an operator gets 403.
    "economy:period_close": Listing(refused=(403, 405)),
    "economy:unit": Obj(_UNIT),
    "economy:ledger": Obj(_UNIT),
    "economy:entry_create": Obj(_UNIT),
    "economy:capital_create": Obj(_UNIT),
    "economy:distribute": Obj(_UNIT, refused=(403,)),
    "economy:entry": Obj({"public_id": "eco_entry"}),
    "economy:businesses": Listing(),
    "economy:business_create": Listing(),
    "economy:business": Obj(_BUSINESS),
    "economy:business_close": Obj(_BUSINESS),
    "economy:product_create": Obj(_BUSINESS),
    "economy:product_delete": Obj(_PRODUCT),
    "economy:product_photo": Obj(_PRODUCT),
    "economy:potentials": Listing(),
    "economy:potential_edit": Obj({"public_id": "eco_potential"}),
    "economy:prices": Listing(),
    "economy:regional": Listing(),
    "economy:regional_xlsx": Listing(),
    "economy:regional_pdf": Listing(),
    "economy_public:businesses": Public("a village's published UMKM directory, by its code", _NOWHERE),
    "economy_public:business": Public(
        "one published business, by village code", (*_NOWHERE, ("public_id", "tidakada23456789"))
    ),
    "economy_public:photo": Public(
        "a published product photo, by village code", (*_NOWHERE, ("public_id", "tidakada23456789"))
    ),
    "economy_public:potential": Public("a village's published potential and prices, by its code", _NOWHERE),
    "economy_kiosk:businesses": Listing(refused=(403,)),
    "economy_kiosk:business": Obj(_BUSINESS, refused=(403,)),
}
API_CHECKS: dict[tuple[str, str], Any] = {
    ("GET", f"{API}/economy/bumdes"): Listing(),
    ("GET", f"{API}/economy/bumdes/statements"): Listing(),
    ("GET", f"{API}/economy/bumdes/units/{{public_id}}/statements"): Obj(_UNIT),
    ("GET", f"{API}/economy/businesses"): Listing(),
    ("GET", f"{API}/economy/potential"): Listing(),
    ("GET", f"{API}/economy/prices"): Listing(),
    ("GET", f"{API}/economy/sectors"): Listing(),
}

MISSING = {
    "eco_unit": "tidakada23456789",
    "eco_manager": "tidakada23456789",
    "eco_entry": "tidakada23456789",
    "eco_business": "tidakada23456789",
    "eco_product": "tidakada23456789",
    "eco_potential": "tidakada23456789",
}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 200, 10)).save(out, format="JPEG")
    return out.getvalue()


def populate(*, village: Any, operator: Any, family: Any, resident: Any, tag: str) -> dict[str, Any]:
    today = dt.date.today()
    bumdes = services.bumdes_create(
        actor=operator, village=village, data={"name": f"BUMDES {tag}", "legal_status": "perdes"}
    )
    unit = services.unit_create(actor=operator, bumdes=bumdes, name=f"UNIT AIR {tag}", kind="air")
    services.capital_participation_record(
        actor=operator, bumdes=bumdes, unit=unit, date=today, amount=1_000_000, fiscal_year=today.year
    )
    entry = services.entry_post(
        actor=operator,
        bumdes=bumdes,
        unit=unit,
        date=today,
        description=f"TAGIHAN AIR {tag}",
        lines=[("1-101", 5000, 0), ("4-101", 0, 5000)],
    )
    manager = services.manager_appoint(
        actor=operator, bumdes=bumdes, resident=resident, position="direktur", started_on=today
    )
    business = services.business_create(
        actor=operator,
        village=village,
        owner=resident,
        data={"name": f"WARUNG {tag}", "sector": "G", "address": f"JALAN {tag}", "listed": True},
        today=today,
    )
    product = services.product_save(
        actor=operator, business=business, data={"name": f"PRODUK {tag}", "price": "1000"}, photo=_jpeg()
    )
    potential = services.potential_save(
        actor=operator,
        village=village,
        data={
            "category": "pertanian",
            "name": f"PADI {tag}",
            "quantity": "12",
            "unit": "ha",
            "year": today.year,
        },
    )
    services.price_record(actor=operator, village=village, week=today, prices={"beras": "13000"})
    return {
        "eco_unit": unit.public_id,
        "eco_manager": manager.public_id,
        "eco_entry": entry.public_id,
        "eco_business": business.public_id,
        "eco_product": product.public_id,
        "eco_potential": potential.public_id,
    }


def markers(village: Any) -> list[str]:
    found: list[str] = []
    for model, fields in (
        (Bumdes, ("public_id", "name")),
        (BusinessUnit, ("public_id", "name")),
        (JournalEntry, ("public_id", "description")),
        (Business, ("public_id", "name", "address")),
        (Product, ("public_id", "name")),
        (Potential, ("public_id", "name")),
    ):
        for row in model.objects.filter(village=village).values_list(*fields):
            found += [str(v) for v in row]
    # Entries the services write themselves have the same words in every village: the
    # general entry's own description marks the village.
    found = [
        m for m in found if not m.lower().startswith(("penyertaan modal", "bagi hasil", "jurnal penutup"))
    ]
    return [m for m in found if m]


def fingerprint(village: Any) -> dict[str, Any]:
    return {
        "bumdes": list(Bumdes.objects.filter(village=village).values_list()),
        "units": list(BusinessUnit.objects.filter(village=village).order_by("pk").values_list()),
        "managers": list(BumdesManager.objects.filter(village=village).order_by("pk").values_list()),
        "lines": list(JournalLine.objects.filter(village=village).order_by("pk").values_list()),
        "businesses": list(Business.objects.filter(village=village).order_by("pk").values_list()),
        "products": list(Product.objects.filter(village=village).order_by("pk").values_list()),
        "potential": list(Potential.objects.filter(village=village).order_by("pk").values_list()),
        "prices": list(MarketPrice.objects.filter(village=village).order_by("pk").values_list()),
    }
