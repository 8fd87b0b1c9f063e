"""Isolation entries of village finance (see "Modules' own checks" in tests/test_isolation.py).

The kiosk screen needs an enrolled device (an operator's browser gets 403); the public page
shows one village's aggregates by its code, to anyone, by law — checked here for not leaking
the other village's payees or ids."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from balai.aid.models import Programme
from balai.finance import services
from balai.finance.models import AidLink, Budget, BudgetLine, Entry, PaymentRequest, Tax, Vendor
from balai.finance.services_aid import aid_link_create
from balai.finance.services_payees import vendor_create
from tests.isolation_checks import API, BodyRefs, Listing, Obj, Public

POST_ONLY = Listing(refused=(405,))

UI_CHECKS: dict[str, Any] = {
    "finance:home": Listing(),
    "finance:apbdes": Listing(),
    "finance:budget_create": POST_ONLY,
    "finance:activity_create": POST_ONLY,
    "finance:line_create": POST_ONLY,
    "finance:line_revise": Obj({"public_id": "fin_line"}),
    "finance:budget_step": POST_ONLY,
    "finance:spp_list": Listing(),
    "finance:spp": Obj({"public_id": "fin_spp"}),
    "finance:spp_step": Obj(
        {"public_id": "fin_spp"}, variants=({"step": "setujui"}, {"step": "bayar"}, {"step": "tolak"})
    ),
    "finance:tax_deposit": Obj({"public_id": "fin_tax"}),
    "finance:receipt": Listing(),
    "finance:transfer": POST_ONLY,
    "finance:entry_reverse": Obj({"public_id": "fin_entry"}),
    "finance:book": Listing(),
    "finance:book_xlsx": Listing(),
    "finance:lra": Listing(),
    "finance:lra_xlsx": Listing(),
    "finance:import": Listing(),
    "finance:import_apply": POST_ONLY,
    "finance:spp_pdf": Obj({"public_id": "fin_spp"}, variants=({"doc": "spp"}, {"doc": "kuitansi"})),
    "finance:advances": Listing(),
    "finance:advance_book_xlsx": Listing(),
    "finance:advance_book_pdf": Listing(),
    "finance:advance_settle": Obj({"public_id": "fin_spp"}),
    "finance:activity_books": Listing(),
    "finance:activity_book": Obj({"public_id": "fin_activity"}),
    "finance:activity_book_xlsx": Obj({"public_id": "fin_activity"}),
    "finance:activity_book_pdf": Obj({"public_id": "fin_activity"}),
    "finance:sts": Listing(),
    "finance:banner": Listing(),
    "finance_public:banner": Public(
        "the APBDes banner is public by law (aggregates only)", kwargs=(("village_code", "99.99.99.9999"),)
    ),
    "finance:vendors": Listing(),
    "finance:vendor": Obj({"public_id": "fin_vendor"}),
    "finance:aid_links": Listing(),
    "finance:aid_link_post": Obj({"public_id": "fin_aidlink"}, refused=(403,)),
    "finance:aid_link_remove": Obj({"public_id": "fin_aidlink"}),
    "finance:officials": Listing(),
    # The regency's chart: Dispermades only (an operator gets 403); it holds no village data.
    "finance:chart": Listing(refused=(403,)),
    "finance:regional": Listing(),
    "finance:regional_xlsx": Listing(),
    "finance:regional_pdf": Listing(),
    "finance_kiosk:home": Listing(refused=(403,)),
    "finance_public:village": Public(
        "APBDes aggregates are public by law", kwargs=(("village_code", "99.99.99.9999"),)
    ),
}
API_CHECKS: dict[tuple[str, str], Any] = {
    ("GET", f"{API}/finance/budget"): Listing(),
    ("GET", f"{API}/finance/realisation"): Listing(),
    ("GET", f"{API}/finance/books"): Listing(),
    ("GET", f"{API}/finance/spp"): Listing(),
    ("POST", f"{API}/finance/spp"): BodyRefs(
        lambda o: {
            "year": timezone.localdate().year,
            "line": o.id_of("fin_line"),
            "number": "X-1",
            "date": str(timezone.localdate()),
            "amount": 1000,
            "payee_vendor": o.id_of("fin_vendor"),
        }
    ),
    ("POST", f"{API}/finance/spp/{{public_id}}/steps"): Obj({"public_id": "fin_spp"}),
    ("GET", f"{API}/finance/villages"): Listing(),
    ("POST", f"{API}/finance/spp/{{public_id}}/spj"): Obj({"public_id": "fin_spp"}),
    ("POST", f"{API}/finance/sts"): BodyRefs(
        lambda o: {
            "year": timezone.localdate().year,
            "number": "STS-X",
            "date": str(timezone.localdate()),
            "receipts": [o.id_of("fin_entry")],
        }
    ),
    ("GET", f"{API}/finance/vendors"): Listing(),
    ("GET", f"{API}/finance/aid-links"): Listing(),
    ("GET", f"{API}/finance/officials"): Listing(),
}

MISSING = {
    "fin_line": "tidakada23456789",
    "fin_spp": "tidakada23456789",
    "fin_tax": "tidakada23456789",
    "fin_entry": "tidakada23456789",
    "fin_activity": "tidakada23456789",
    "fin_vendor": "tidakada23456789",
    "fin_aidlink": "tidakada23456789",
}
MISSING_FORM_IDS: dict[str, Any] = {}


def populate(*, village: Any, operator: Any, family: Any, resident: Any, tag: str) -> dict[str, Any]:
    year = timezone.localdate().year
    day = dt.date(year, 1, 10)
    budget = services.budget_create(actor=None, village=village, year=year, opening_bank=100_000_000)
    dd = services.budget_line_create(
        actor=None,
        village=village,
        budget=budget,
        account_code="4.2.1.01",
        funding_source="DDS",
        description=f"DANA DESA {tag}",
        unit_price=500_000_000,
    )
    act = services.activity_create(
        actor=None, village=village, budget=budget, code="02.03.01", name=f"JALAN {tag}"
    )
    line = services.budget_line_create(
        actor=None,
        village=village,
        budget=budget,
        activity=act,
        account_code="5.2.2.03",
        funding_source="DDS",
        description=f"JASA {tag}",
        unit_price=50_000_000,
    )
    services.budget_set(actor=None, village=village, budget=budget, perdes_number=f"1/{tag}", perdes_date=day)
    receipt = services.receipt_record(
        actor=None, village=village, budget=budget, line=dd, number=f"TBP-{tag}", date=day, amount=200_000_000
    )
    vendor = vendor_create(actor=None, village=village, name=f"CV PENYEDIA {tag}", npwp="012345678901000")
    blt_act = services.activity_create(
        actor=None, village=village, budget=budget, code="05.03.01", name=f"BLT {tag}"
    )
    blt_line = services.budget_line_create(
        actor=None,
        village=village,
        budget=budget,
        activity=blt_act,
        account_code="5.4.1.02",
        funding_source="DDS",
        description=f"BLT DD {tag}",
        unit_price=30_000_000,
    )
    spp = services.payment_request_create(
        actor=None,
        village=village,
        budget=budget,
        line=line,
        number=f"SPP-{tag}",
        date=day,
        amount=10_000_000,
        description=f"KONSULTAN {tag}",
        payee_vendor=vendor,
        taxes=[services.TaxInput("pph23", 10_000_000)],
    )
    services.payment_request_act(actor=None, village=village, spp=spp, step="verify")
    services.payment_request_act(actor=None, village=village, spp=spp, step="approve")
    paid = services.payment_request_create(
        actor=None,
        village=village,
        budget=budget,
        line=line,
        number=f"SPP2-{tag}",
        date=day,
        amount=1_000_000,
        description=f"KONSULTAN DUA {tag}",
        payee_vendor=vendor,
        taxes=[services.TaxInput("pph23", 1_000_000)],
    )
    services.payment_request_act(actor=None, village=village, spp=paid, step="verify")
    services.payment_request_act(actor=None, village=village, spp=paid, step="approve")
    services.payment_request_pay(actor=None, village=village, spp=paid, paid_on=day)
    tax = Tax.objects.get(payment_request=paid)
    programme = Programme.objects.create(
        village=village,
        name=f"BLT DANA DESA {tag}",
        code="blt-dd-keu",
        source=Programme.Source.DANA_DESA,
        target_unit=Programme.TargetUnit.FAMILY,
        period=str(year),
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        benefit_amount=300_000,
        benefit_frequency=Programme.Frequency.MONTHLY,
        status=Programme.Status.ACTIVE,
    )
    link = aid_link_create(actor=None, village=village, line=blt_line, programme=programme)
    return {
        "fin_vendor": vendor.public_id,
        "fin_aidlink": link.public_id,
        "fin_line": line.public_id,
        "fin_spp": spp.public_id,
        "fin_tax": tax.public_id,
        "fin_entry": receipt.public_id,
        "fin_activity": act.public_id,
    }


def markers(village: Any) -> list[str]:
    found: list[str] = []
    for row in PaymentRequest.objects.filter(village=village).values_list("public_id", "payee", "number"):
        found += list(row)
    found += list(Entry.objects.filter(village=village).values_list("public_id", flat=True))
    found += list(Vendor.objects.filter(village=village).values_list("public_id", flat=True))
    found += list(AidLink.objects.filter(village=village).values_list("public_id", flat=True))
    found += list(BudgetLine.objects.filter(village=village).values_list("public_id", flat=True))
    return [m for m in found if m]


def fingerprint(village: Any) -> dict[str, Any]:
    return {
        "budgets": list(Budget.objects.filter(village=village).order_by("pk").values_list()),
        "lines": list(
            BudgetLine.objects.filter(village=village)
            .order_by("pk")
            .values_list("pk", "amount", "revised_amount")
        ),
        "spp": list(
            PaymentRequest.objects.filter(village=village).order_by("pk").values_list("pk", "status")
        ),
        "entries": Entry.objects.filter(village=village).count(),
        "taxes": list(Tax.objects.filter(village=village).order_by("pk").values_list("pk", "deposited_on")),
        "vendors": list(
            Vendor.objects.filter(village=village).order_by("pk").values_list("pk", "name", "is_active")
        ),
        "aid_links": list(
            AidLink.objects.filter(village=village).order_by("pk").values_list("pk", "budget_line_id")
        ),
    }


def form_refs(other: Any) -> dict[str, Any]:
    return {"line": other.id_of("fin_line"), "receipts": [other.id_of("fin_entry")]}
