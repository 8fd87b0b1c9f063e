"""Demo data: a BUMDes with a clean-water unit and a shop, a year of books closed and the
village's profit share paid; residents' businesses with products and photos; the village's
potential and twelve weeks of market prices.

Through the services (so the books are exactly what an operator could have posted), kept
small: it runs for every bench village.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

from django.db import transaction

from balai.economy import chart, services
from balai.economy.models import MarketPrice
from balai.people import codes
from balai.people.models import Resident
from balai.regions.models import Village

DEMO_ORDER = 80

BUSINESSES: list[tuple[str, str, str, list[tuple[str, int, str]]]] = [
    (
        "Keripik Singkong {n}",
        "C",
        "10794",
        [("Keripik singkong pedas", 15000, "bungkus"), ("Keripik original", 12000, "bungkus")],
    ),
    (
        "Batik Tulis {n}",
        "C",
        "13134",
        [("Kain batik tulis", 350000, "lembar"), ("Kemeja batik", 175000, "potong")],
    ),
    (
        "Warung Makan Bu {n}",
        "I",
        "56102",
        [("Nasi megono", 8000, "porsi"), ("Soto Batang", 12000, "mangkuk")],
    ),
    ("Kopi Robusta {n}", "C", "10761", [("Kopi bubuk robusta", 40000, "250 g")]),
    ("Toko Kelontong {n}", "G", "47111", [("Beras medium", 13500, "kg")]),
    ("Bengkel Motor {n}", "S", "95211", [("Servis ringan", 50000, "sekali")]),
    ("Madu Hutan {n}", "A", "01499", [("Madu hutan", 90000, "botol")]),
    ("Anyaman Bambu {n}", "C", "16292", [("Besek bambu", 5000, "buah"), ("Tampah", 25000, "buah")]),
]
COLOURS = [(196, 122, 52), (52, 120, 196), (60, 160, 90), (120, 70, 40), (200, 180, 60), (90, 90, 90)]
BASE_PRICES = {
    "beras": 13500,
    "gula": 17500,
    "minyak": 17000,
    "telur": 28000,
    "ayam": 36000,
    "cabai": 45000,
    "bawang_merah": 38000,
    "bawang_putih": 40000,
}


def _photo(rnd: random.Random, label: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), rnd.choice(COLOURS))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 150, 300, 220), fill=(255, 255, 255))
    draw.text((30, 175), label[:40], fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _adults(village: Village, today: dt.date) -> list[Resident]:
    cutoff = today.replace(year=today.year - 20)
    return list(
        Resident.objects.filter(village=village, status=codes.STATUS_ALIVE, birth_date__lte=cutoff).order_by(
            "pk"
        )[:400]
    )


def _books(*, village: Village, rnd: random.Random, today: dt.date, adults: list[Resident]) -> int:
    last = today.year - 1
    bumdes = services.bumdes_create(
        actor=None,
        village=village,
        data={
            "name": f"BUMDes {village.name.title()} Sejahtera",
            "legal_status": "badan_hukum",
            "perdes_number": f"Perdes No. 3 Tahun {last - 3}",
            "registration_number": f"AHU-{rnd.randint(10000, 99999)}.AH.01.33.Tahun {last - 2}",
            "established_on": dt.date(last - 3, 3, 1),
            "address": f"Balai Desa {village.name.title()}",
            "village_share_percent": 40,
        },
    )
    water = services.unit_create(actor=None, bumdes=bumdes, name="Air Bersih Tirta Makmur", kind="air")
    shop = services.unit_create(actor=None, bumdes=bumdes, name="Toko Desa", kind="toko")
    for resident, position, unit in zip(
        rnd.sample(adults, 4),
        ["direktur", "sekretaris", "bendahara", "kepala_unit"],
        [None, None, None, water],
        strict=False,
    ):
        services.manager_appoint(
            actor=None,
            bumdes=bumdes,
            resident=resident,
            position=position,
            started_on=dt.date(last - 1, 1, 1),
            unit=unit,
        )
    services.capital_participation_record(
        actor=None,
        bumdes=bumdes,
        unit=water,
        date=dt.date(last, 1, 15),
        amount=60_000_000,
        fiscal_year=last,
        decree=f"Perdes APBDes TA {last}",
    )
    services.capital_participation_record(
        actor=None,
        bumdes=bumdes,
        unit=shop,
        date=dt.date(last, 2, 1),
        amount=25_000_000,
        fiscal_year=last,
        decree=f"Perdes APBDes TA {last}",
    )
    post = services.entry_post
    post(
        actor=None,
        bumdes=bumdes,
        unit=water,
        date=dt.date(last, 2, 1),
        description="Pembelian pompa dan pipa",
        lines=[("1-201", 40_000_000, 0), ("1-101", 0, 40_000_000)],
    )
    post(
        actor=None,
        bumdes=bumdes,
        unit=shop,
        date=dt.date(last, 2, 5),
        description="Pembelian persediaan awal",
        lines=[("1-104", 15_000_000, 0), ("1-101", 0, 15_000_000)],
    )
    n = 4

    def month(unit: Any, year: int, m: int) -> int:
        if unit is water:
            bill = rnd.randint(150, 210) * 100_000
            post(
                actor=None,
                bumdes=bumdes,
                unit=water,
                date=dt.date(year, m, 25),
                description=f"Pendapatan iuran air triwulan s.d. bulan {m}",
                lines=[("1-101", bill, 0), ("4-101", 0, bill)],
            )
            post(
                actor=None,
                bumdes=bumdes,
                unit=water,
                date=dt.date(year, m, 27),
                description=f"Listrik pompa dan honor petugas triwulan s.d. bulan {m}",
                lines=[("5-202", 1_200_000, 0), ("5-201", 1_500_000, 0), ("1-101", 0, 2_700_000)],
            )
            return 2
        sales = rnd.randint(90, 135) * 100_000
        cost = sales * 78 // 100
        post(
            actor=None,
            bumdes=bumdes,
            unit=shop,
            date=dt.date(year, m, 26),
            description=f"Penjualan toko triwulan s.d. bulan {m}",
            lines=[("1-101", sales, 0), ("4-101", 0, sales), ("5-101", cost, 0), ("1-104", 0, cost)],
        )
        post(
            actor=None,
            bumdes=bumdes,
            unit=shop,
            date=dt.date(year, m, 27),
            description=f"Kulakan barang triwulan s.d. bulan {m}",
            lines=[("1-104", cost, 0), ("1-101", 0, cost)],
        )
        return 2

    # Quarterly totals keep the demo quick (it runs for every bench village).
    for m in (3, 6, 9, 12):
        n += month(water, last, m) + month(shop, last, m)
    post(
        actor=None,
        bumdes=bumdes,
        unit=water,
        date=dt.date(last, 12, 31),
        description="Penyusutan peralatan",
        lines=[("5-204", 4_000_000, 0), ("1-202", 0, 4_000_000)],
    )
    services.period_close(actor=None, bumdes=bumdes, through=dt.date(last, 12, 31), today=today)
    services.profit_distribute(
        actor=None,
        bumdes=bumdes,
        unit=water,
        year=last,
        date=dt.date(today.year, 1, 20) if today > dt.date(today.year, 1, 20) else today,
    )
    for m in (3, 6, 9):
        if m < today.month:
            n += month(water, today.year, m) + month(shop, today.year, m)
    return n


def extend_village(*, village: Village, rnd: random.Random, today: dt.date) -> dict[str, int]:
    adults = _adults(village, today)
    if len(adults) < 12:
        return {}
    with transaction.atomic():
        entries = _books(village=village, rnd=rnd, today=today, adults=adults)
        owners = rnd.sample(adults[4:], len(BUSINESSES))
        products = 0
        for i, ((pattern, sector, kbli, items), owner) in enumerate(zip(BUSINESSES, owners, strict=True)):
            business = services.business_create(
                actor=None,
                village=village,
                owner=owner,
                data={
                    "name": pattern.format(n=owner.name.split()[0].title()),
                    "sector": sector,
                    "kbli": kbli,
                    "description": f"Usaha warga Desa {village.name.title()}.",
                    "address": f"RT {rnd.randint(1, 6):03d} RW {rnd.randint(1, 3):03d}, Desa {village.name.title()}",
                    "started_year": str(rnd.randint(2005, today.year - 1)),
                    "phone": f"08{rnd.randint(1000000000, 9999999999)}",
                    "contact_public": i % 2 == 0,
                    "listed": True,
                    "nib": f"{rnd.randint(10**12, 10**13 - 1)}" if i % 3 == 0 else "",
                    "pirt": f"P-IRT {rnd.randint(1000000, 9999999)}" if sector == "C" and i % 2 == 0 else "",
                },
                today=today,
            )
            for name, price, unit in items:
                services.product_save(
                    actor=None,
                    business=business,
                    data={"name": name, "price": price, "unit": unit},
                    photo=_photo(rnd, name),
                )
                products += 1
        for category, name, quantity, unit in [
            ("pertanian", "Padi sawah", rnd.randint(80, 200), "ha"),
            ("perkebunan", "Kopi robusta", rnd.randint(10, 60), "ha"),
            ("peternakan", "Kambing", rnd.randint(200, 900), "ekor"),
            ("perikanan", "Kolam lele", rnd.randint(5, 40), "kolam"),
            ("wisata", "Curug dan bumi perkemahan", 1, "lokasi"),
            ("kerajinan", "Perajin batik dan anyaman bambu", rnd.randint(10, 40), "perajin"),
        ]:
            services.potential_save(
                actor=None,
                village=village,
                data={
                    "category": category,
                    "name": name,
                    "quantity": quantity,
                    "unit": unit,
                    "year": today.year,
                },
            )
        monday = today - dt.timedelta(days=today.weekday())
        MarketPrice.objects.bulk_create(
            MarketPrice(
                village=village,
                commodity=code,
                week=monday - dt.timedelta(weeks=w),
                price=round(base * (1 + rnd.uniform(-0.08, 0.08)) / 100) * 100,
            )
            for code, base in BASE_PRICES.items()
            for w in range(12)
        )
    return {
        "economy_entries": entries,
        "economy_businesses": len(BUSINESSES),
        "economy_products": products,
        "economy_prices": len(BASE_PRICES) * 12,
        "economy_units": 2 if chart.CASH else 0,
    }
