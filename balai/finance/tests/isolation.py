"""Isolation entries of village finance (see "Modules' own checks" in tests/test_isolation.py).

The kiosk screen needs an enrolled device (an operator's browser gets 403); the public page
shows one village's aggregates by its code, to anyone, by law — checked here for not leaking
the other village's payees or ids."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from balai.finance import services
from balai.finance.models import Budget, BudgetLine, Entry, PaymentRequest, Tax
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
            "payee": "X",
        }
    ),
    ("POST", f"{API}/finance/spp/{{public_id}}/steps"): Obj({"public_id": "fin_spp"}),
    ("GET", f"{API}/finance/villages"): Listing(),
}

MISSING = {
    "fin_line": "tidakada23456789",
    "fin_spp": "tidakada23456789",
    "fin_tax": "tidakada23456789",
    "fin_entry": "tidakada23456789",
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
    spp = services.payment_request_create(
        actor=None,
        village=village,
        budget=budget,
        line=line,
        number=f"SPP-{tag}",
        date=day,
        amount=10_000_000,
        description=f"KONSULTAN {tag}",
        payee=f"CV PENYEDIA {tag}",
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
        payee=f"CV LAIN {tag}",
        taxes=[services.TaxInput("pph23", 1_000_000)],
    )
    services.payment_request_act(actor=None, village=village, spp=paid, step="verify")
    services.payment_request_act(actor=None, village=village, spp=paid, step="approve")
    services.payment_request_pay(actor=None, village=village, spp=paid, paid_on=day)
    tax = Tax.objects.get(payment_request=paid)
    return {
        "fin_line": line.public_id,
        "fin_spp": spp.public_id,
        "fin_tax": tax.public_id,
        "fin_entry": receipt.public_id,
    }


def markers(village: Any) -> list[str]:
    found: list[str] = []
    for row in PaymentRequest.objects.filter(village=village).values_list("public_id", "payee", "number"):
        found += list(row)
    found += list(Entry.objects.filter(village=village).values_list("public_id", flat=True))
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
    }


def form_refs(other: Any) -> dict[str, Any]:
    return {"line": other.id_of("fin_line")}
