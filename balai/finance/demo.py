"""Demo data of village finance: this year's APBDes, set, with a year of transactions to date.

Per village: revenue (Dana Desa, ADD, bagi hasil pajak, PADes), about fifteen RAB lines under
eight activities of the five bidang, BUMDes capital participation, and ledger entries from
January to today: Dana Desa in three tranches, ADD monthly, siltap monthly, activities paid
as the year goes, PPh/PPN withheld on goods and services and deposited the next week. The
budget and the activities go through the services (they are few); the ledger rows go in with
one bulk insert (the demo runs for every bench village too). Left for the walkthrough: an LS
payment with PPh 23 that the treasurer raises and the kades approves.
"""

from __future__ import annotations

import datetime as dt
import random

from balai.finance import demo_advances, rules, services
from balai.finance.models import Budget, BudgetLine, Entry, Medium, Source
from balai.regions.models import Village

DEMO_ORDER = 70
UNSPENT = "Jasa konsultan pengawas"

# (code, name, executor, [(account, source, description, volume, unit, unit price)])
ACTIVITIES: list[tuple[str, str, str, list[tuple[str, str, str, int, str, int]]]] = [
    (
        "01.01.01",
        "Penyediaan Penghasilan Tetap dan Tunjangan Kepala Desa",
        "Kaur Keuangan",
        [("5.1.1.01", "ADD", "Penghasilan tetap Kepala Desa", 12, "OB", 3_000_000)],
    ),
    (
        "01.01.02",
        "Penyediaan Penghasilan Tetap dan Tunjangan Perangkat Desa",
        "Kaur Keuangan",
        [("5.1.2.01", "ADD", "Penghasilan tetap perangkat desa", 96, "OB", 2_200_000)],
    ),
    (
        "01.01.04",
        "Penyediaan Operasional Pemerintah Desa",
        "Sekretaris Desa",
        [
            ("5.2.1.01", "ADD", "Alat tulis kantor", 12, "bulan", 750_000),
            ("5.2.5.01", "ADD", "Listrik, air dan telepon", 12, "bulan", 900_000),
        ],
    ),
    (
        "02.03.01",
        "Pemeliharaan Jalan Desa",
        "Kasi Pembangunan",
        [
            ("5.2.1.07", "DDS", "Material batu, pasir, semen", 120, "m3", 450_000),
            ("5.2.2.04", "DDS", "Upah tukang dan pekerja", 300, "HOK", 110_000),
            ("5.2.2.03", "DDS", "Jasa konsultan perencana", 1, "paket", 15_000_000),
            ("5.2.2.03", "DDS", "Jasa konsultan pengawas", 1, "paket", 10_000_000),
        ],
    ),
    (
        "02.02.01",
        "Penyelenggaraan Posyandu (makanan tambahan, kelas ibu hamil)",
        "Kasi Kesejahteraan",
        [("5.2.7.01", "DDS", "Makanan tambahan balita", 12, "bulan", 2_500_000)],
    ),
    (
        "02.01.01",
        "Penyelenggaraan PAUD/TK milik desa",
        "Kasi Kesejahteraan",
        [("5.2.2.01", "DDS", "Honor pendidik PAUD", 36, "OB", 600_000)],
    ),
    (
        "04.02.01",
        "Peningkatan Produksi Tanaman Pangan",
        "Kasi Kesejahteraan",
        [("5.2.7.01", "DDS", "Bibit dan pupuk kelompok tani", 1, "paket", 40_000_000)],
    ),
    (
        "05.03.01",
        "Bantuan Langsung Tunai Dana Desa",
        "Kasi Kesejahteraan",
        [("5.4.1.02", "DDS", "BLT Dana Desa", 240, "KPM-bulan", 300_000)],
    ),
]
REVENUE = [
    ("4.2.1.01", "DDS", "Dana Desa", 0),
    ("4.2.3.01", "ADD", "Alokasi Dana Desa", 0),
    ("4.2.2.01", "PBH", "Bagi hasil pajak dan retribusi daerah", 45_000_000),
    ("4.1.1.01", "PAD", "Bagi hasil BUMDes", 12_000_000),
    ("4.1.2.01", "PAD", "Sewa tanah kas desa", 18_000_000),
]


def extend_village(*, village: Village, rnd: random.Random, today: dt.date) -> dict[str, int]:
    year = today.year
    if Budget.objects.filter(village=village, year=year).exists():
        return {}
    opening = rnd.randrange(20, 90) * 1_000_000
    budget = services.budget_create(
        actor=None, village=village, year=year, opening_bank=opening, opening_cash=2_000_000
    )
    spending: list[BudgetLine] = []
    by_source = {"DDS": 0, "ADD": 0}
    for code, name, executor, lines in ACTIVITIES:
        act = services.activity_create(
            actor=None,
            village=village,
            budget=budget,
            code=code,
            name=name,
            executor=executor,
            location=village.name,
        )
        for account, source, description, volume, unit, price in lines:
            line = services.budget_line_create(
                actor=None,
                village=village,
                budget=budget,
                activity=act,
                account_code=account,
                funding_source=source,
                description=description,
                volume=volume,
                unit=unit,
                unit_price=price,
            )
            spending.append(line)
            by_source[source] = by_source.get(source, 0) + line.amount
    capital = services.budget_line_create(
        actor=None,
        village=village,
        budget=budget,
        account_code="6.2.2.01",
        funding_source="DDS",
        description="Penyertaan modal desa kepada BUMDes",
        unit_price=50_000_000,
    )
    services.budget_line_create(
        actor=None,
        village=village,
        budget=budget,
        account_code="6.1.1.01",
        funding_source="DLL",
        description="SiLPA tahun sebelumnya",
        unit_price=opening,
    )
    revenue: list[BudgetLine] = []
    for account, source, description, amount in REVENUE:
        if account == "4.2.1.01":
            amount = by_source["DDS"] + capital.amount - 30_000_000
        elif account == "4.2.3.01":
            amount = by_source["ADD"] - 20_000_000
        revenue.append(
            services.budget_line_create(
                actor=None,
                village=village,
                budget=budget,
                account_code=account,
                funding_source=source,
                description=description,
                unit_price=amount,
            )
        )
    services.budget_set(
        actor=None,
        village=village,
        budget=budget,
        perdes_number=f"1 Tahun {year - 1}",
        perdes_date=dt.date(year - 1, 12, 28),
    )
    entries = _ledger(
        village=village,
        budget=budget,
        revenue=revenue,
        spending=spending,
        capital=capital,
        rnd=rnd,
        today=today,
    )
    Entry.objects.bulk_create(entries, batch_size=500)
    added = demo_advances.extend(village=village, budget=budget, spending=spending, today=today)
    return {"finance_lines": len(spending) + len(revenue) + 2, "finance_entries": len(entries) + added}


def _ledger(
    *,
    village: Village,
    budget: Budget,
    revenue: list[BudgetLine],
    spending: list[BudgetLine],
    capital: BudgetLine,
    rnd: random.Random,
    today: dt.date,
) -> list[Entry]:
    year = budget.year
    last = min(today, dt.date(year, 12, 31))
    rows: list[Entry] = []
    seq = {"tbp": 0, "spp": 0, "ssp": 0}

    def number(kind: str) -> str:
        seq[kind] += 1
        return f"{seq[kind]:04d}/{kind.upper()}/{village.code_digits[-6:]}/{year}"

    def add(
        day: dt.date,
        kind: str,
        direction: str,
        line: BudgetLine | None,
        amount: int,
        description: str,
        account: str = "",
        no: str = "",
        medium: str = Medium.BANK,
    ) -> None:
        if day > last or amount <= 0:
            return
        rows.append(
            Entry(
                village=village,
                budget=budget,
                date=day,
                number=no,
                kind=kind,
                direction=direction,
                medium=medium,
                account_code=account or (line.account_code if line else ""),
                activity_id=line.activity_id if line else None,
                budget_line=line,
                funding_source=line.funding_source if line else "",
                amount=amount,
                description=description[:255],
                source=Source.BALAI,
            )
        )

    dd, add_line, pbh, bumdes, tkd = revenue
    for month, share in ((4, 40), (6, 40), (9, 20)):
        add(
            dt.date(year, month, 15),
            Entry.Kind.RECEIPT,
            "in",
            dd,
            dd.amount * share // 100,
            f"Dana Desa tahap {month // 3}",
            no=number("tbp"),
        )
    for month in range(1, 13):
        add(
            dt.date(year, month, 5),
            Entry.Kind.RECEIPT,
            "in",
            add_line,
            add_line.amount // 12,
            "Alokasi Dana Desa bulanan",
            no=number("tbp"),
        )
    add(
        dt.date(year, 7, 20),
        Entry.Kind.RECEIPT,
        "in",
        pbh,
        pbh.amount,
        "Bagi hasil pajak dan retribusi",
        no=number("tbp"),
    )
    add(
        dt.date(year, 8, 10),
        Entry.Kind.RECEIPT,
        "in",
        bumdes,
        bumdes.amount // 2,
        "Setoran bagi hasil BUMDes semester I",
        no=number("tbp"),
    )
    add(
        dt.date(year, 2, 1),
        Entry.Kind.RECEIPT,
        "in",
        tkd,
        tkd.amount,
        "Sewa tanah kas desa",
        no=number("tbp"),
        medium=Medium.CASH,
    )
    for line in spending:
        if line.description == UNSPENT:
            continue  # the walkthrough's LS payment with PPh 23
        monthly = line.unit in ("OB", "bulan", "KPM-bulan") or line.account_code.startswith("5.1")
        if monthly:
            parts = [(dt.date(year, m, 25), line.amount // 12) for m in range(1, 13)]
        else:
            start = rnd.randint(3, 8)
            share = rnd.choice((50, 60, 70, 80, 100))
            total = line.amount * share // 100
            parts = [
                (dt.date(year, start, 20), total // 2),
                (dt.date(year, min(start + 3, 12), 20), total - total // 2),
            ]
        for day, amount in parts:
            if day > last:
                break
            no = number("spp")
            add(day, Entry.Kind.PAYMENT, "out", line, amount, f"{line.description} — {day:%m/%Y}", no=no)
            tax_kind = (
                "pph21"
                if line.account_code.startswith("5.2.2")
                else "pph22"
                if line.account_code.startswith("5.2.1.07")
                else ""
            )
            if tax_kind:
                tax = rules.tax_due(tax_kind, amount)
                rule = rules.TAXES[tax_kind]
                add(
                    day,
                    Entry.Kind.TAX_WITHHELD,
                    "in",
                    None,
                    tax,
                    f"{rule.label} dipungut atas {no}",
                    account=rule.account_code,
                    no=no,
                )
                add(
                    day + dt.timedelta(days=7),
                    Entry.Kind.TAX_DEPOSIT,
                    "out",
                    None,
                    tax,
                    f"Setor {rule.label} atas {no}",
                    account=rule.account_code,
                    no=number("ssp"),
                )
    add(
        dt.date(year, 5, 2),
        Entry.Kind.PAYMENT,
        "out",
        capital,
        capital.amount,
        "Penyertaan modal BUMDes",
        no=number("spp"),
    )
    rows.sort(key=lambda e: e.date)
    return rows
