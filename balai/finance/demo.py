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
from typing import Any

from balai.finance import demo_advances, rules, services, services_aid
from balai.finance.models import AidLink, Budget, BudgetLine, Entry, Medium, Source, Vendor
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
    head, perangkat = _officials(village)
    blt_line: BudgetLine | None = None
    _vendors(village)
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
            if account == "5.1.2.01" and perangkat:
                # One line per official (issue 18: the siltap shows on each official's record).
                for official, siltap in perangkat:
                    line = services.budget_line_create(
                        actor=None,
                        village=village,
                        budget=budget,
                        activity=act,
                        account_code=account,
                        funding_source=source,
                        description=f"Penghasilan tetap {official.position}"[:255],
                        volume=12,
                        unit="OB",
                        unit_price=siltap,
                    )
                    BudgetLine.objects.filter(pk=line.pk).update(official=official)
                    spending.append(line)
                    by_source[source] = by_source.get(source, 0) + line.amount
                continue
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
            if account == "5.1.1.01" and head is not None:
                BudgetLine.objects.filter(pk=line.pk).update(official=head)
            if account == BLT_ACCOUNT:
                blt_line = line
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
        # the whole opening balance (bank and cash) is the SiLPA carried in
        unit_price=budget.opening_bank + budget.opening_cash,
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
    link = _blt_link(village=village, line=blt_line, rnd=rnd, today=today) if blt_line else None
    entries = _ledger(
        village=village,
        budget=budget,
        revenue=revenue,
        spending=[line for line in spending if link is None or line.pk != link.budget_line_id],
        capital=capital,
        rnd=rnd,
        today=today,
    )
    Entry.objects.bulk_create(entries, batch_size=500)
    added = demo_advances.extend(village=village, budget=budget, spending=spending, today=today)
    posted = blt_distribute(village=village, today=today) if link else 0
    return {
        "finance_lines": len(spending) + len(revenue) + 2,
        "finance_entries": len(entries) + added + posted,
        "finance_vendors": len(VENDORS),
    }


VENDORS = [
    ("CV Karya Mandiri", "012345678901000", "BRI", "012301000123301", "Jl. Raya Batang 12"),
    ("UD Sumber Bangunan", "023456789012000", "Bank Jateng", "2012345678", "Jl. Pasar Wonotunggal 3"),
    ("Toko Makmur ATK", "", "", "", "Jl. Kauman 7"),
    ("CV Tirta Konsultan", "034567890123000", "BNI", "0987654321", "Jl. Diponegoro 40, Batang"),
]
BLT_ACCOUNT = "5.4.1.02"
BLT_RECIPIENTS = 20
BLT_AMOUNT = 300_000


def _vendors(village: Village) -> None:
    Vendor.objects.bulk_create(
        [
            Vendor(village=village, name=n, npwp=npwp, bank_name=bank, bank_account=acc, address=addr)
            for n, npwp, bank, acc, addr in VENDORS
        ],
        ignore_conflicts=True,
    )


def _officials(village: Village) -> tuple[Any, list[tuple[Any, int]]]:
    """The village head and the other active officials with their siltap (Rp/month)."""
    from balai.staff.models import Official

    head = None
    perangkat: list[tuple[Any, int]] = []
    for official in Official.objects.filter(village=village, is_active=True).select_related("profile"):
        if official.position.startswith(("Kepala Desa", "Lurah")):
            head = head or official
            continue
        profile = getattr(official, "profile", None)
        siltap = getattr(profile, "siltap", None) or 2_200_000
        perangkat.append((official, int(siltap)))
    return head, perangkat


def _blt_link(*, village: Village, line: BudgetLine, rnd: random.Random, today: dt.date) -> AidLink | None:
    """BLT Dana Desa of the year in the aid module: twenty poor families, a monthly cycle to date
    with its entitlements, linked to the APBDes BLT line (distributions: `blt_distribute`)."""
    from balai.aid.models import DistributionCycle, Entitlement, Programme, Recipient
    from balai.people.models import Family

    year = line.budget.year
    if Programme.objects.filter(village=village, code="blt-dd", period=str(year)).exists():
        return None
    families = list(
        Family.objects.filter(village=village, is_active=True).order_by("pk").values_list("pk", flat=True)
    )
    if len(families) < BLT_RECIPIENTS:
        return None
    programme = Programme.objects.create(
        village=village,
        name=f"BLT Dana Desa {year}",
        code="blt-dd",
        source=Programme.Source.DANA_DESA,
        target_unit=Programme.TargetUnit.FAMILY,
        period=str(year),
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        benefit_amount=BLT_AMOUNT,
        benefit_frequency=Programme.Frequency.MONTHLY,
        status=Programme.Status.ACTIVE,
        uses_targeting=False,
        description="Penerima ditetapkan musyawarah desa khusus (demo).",
    )
    chosen = rnd.sample(families, BLT_RECIPIENTS)
    Recipient.objects.bulk_create(
        [
            Recipient(
                village=village,
                programme=programme,
                period=str(year),
                family_id=fid,
                source=Recipient.Source.MANUAL,
                enrolled_on=dt.date(year, 1, 1),
            )
            for fid in chosen
        ]
    )
    recipients = list(Recipient.objects.filter(programme=programme).order_by("pk"))
    last_month = today.month if today.year == year else 12
    for month in range(1, last_month + 1):
        day = dt.date(year, month, 20)
        cycle = DistributionCycle.objects.create(
            village=village,
            programme=programme,
            period=str(year),
            number=month,
            label=f"BLT DD bulan {month}",
            covers_start=dt.date(year, month, 1),
            covers_end=dt.date(year, month, 28),
            planned_on=day,
            amount=BLT_AMOUNT,
            status=DistributionCycle.Status.APPROVED,
        )
        Entitlement.objects.bulk_create(
            [Entitlement(village=village, cycle=cycle, recipient=r, amount=BLT_AMOUNT) for r in recipients]
        )
    return services_aid.aid_link_create(
        actor=None, village=village, line=line, programme=programme, medium=Medium.BANK
    )


def blt_distribute(*, village: Village, today: dt.date) -> int:
    """Hand over the BLT entitlements due by today (recorded by the village's operator, as the
    aid module's distribution page would) and book them in finance through the link. Needs a
    user of the village to record them: `balai demo` calls this again once the accounts exist.
    Returns the ledger entries posted."""
    from balai.accounts.models import Role, User
    from balai.aid.models import Distribution, DistributionCycle, Entitlement

    links = list(AidLink.objects.filter(village=village).select_related("programme", "budget_line__budget"))
    recorder = (
        User.objects.filter(village=village, role=Role.OPERATOR, is_active=True).order_by("pk").first()
        or User.objects.filter(village=village, is_active=True).order_by("pk").first()
    )
    if not links or recorder is None:
        return 0
    posted = 0
    for link in links:
        pending = list(
            Entitlement.objects.filter(
                cycle__programme=link.programme,
                status=Entitlement.Status.PENDING,
                cycle__planned_on__lte=today,
            ).select_related("cycle", "recipient__family__head")
        )
        if not pending:
            continue
        Distribution.objects.bulk_create(
            [
                Distribution(
                    village=village,
                    entitlement=e,
                    distributed_on=e.cycle.planned_on,
                    amount=e.amount,
                    received_by=Distribution.ReceivedBy.RECIPIENT,
                    receiver_name=(
                        e.recipient.family.head.name
                        if e.recipient.family and e.recipient.family.head
                        else "-"
                    )[:100],
                    proof_kind=Distribution.ProofKind.SIGNATURE,
                    proof="aid/proof/demo-tanda-tangan.png",
                    recorded_by=recorder,
                )
                for e in pending
            ]
        )
        Entitlement.objects.filter(pk__in=[e.pk for e in pending]).update(
            status=Entitlement.Status.DISTRIBUTED
        )
        DistributionCycle.objects.filter(entitlements__in=pending).update(
            status=DistributionCycle.Status.DISTRIBUTED
        )
        posted += len(services_aid.aid_distributions_post(actor=None, village=village, link=link))
    return posted


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
    # The year's history is bulk-posted without its SPPs in the register, so its payments carry
    # their kuitansi numbers: SPP numbers here would take 0001…0152 of the SPP series and the
    # first real SPP would be offered 0153.
    seq = {"tbp": 0, "kwt": 0, "ssp": 0}

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
            no = number("kwt")
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
        no=number("kwt"),
    )
    rows.sort(key=lambda e: e.date)
    return rows
