"""For any sequence of postings, accepted or refused, the books balance: cash + bank = opening
+ receipts − payments on every book, the tax book = withheld − deposited, and the LRA totals
equal the postings. Randomised with fixed seeds (hypothesis is not a dependency of the project;
each seed is one reproducible sequence)."""

import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from balai.core.errors import ApplicationError
from balai.finance import advances, rules, selectors, services
from balai.finance.models import Entry, PaymentRequest, Tax


def _sum(qs):
    return qs.aggregate(s=Sum("amount"))["s"] or 0


@pytest.mark.parametrize("seed", range(4))
def test_any_sequence_of_postings_keeps_the_books_balanced(ledger, village_a, seed):
    rnd = random.Random(seed)
    b = ledger["budget"]
    actor = ledger["bendahara"]
    lines = [ledger["material"], ledger["service"], ledger["capital"]]
    accepted = refused = 0
    for step in range(30):
        day = dt.date(2026, 1 + step % 12, 1 + rnd.randint(0, 27))
        op = rnd.choice(["receipt", "spp", "spp", "deposit", "transfer", "reverse", "um", "spj", "sts"])
        try:
            if op == "receipt":
                services.receipt_record(
                    actor=actor,
                    village=village_a,
                    budget=b,
                    line=rnd.choice([ledger["dd"], ledger["pad"]]),
                    number=f"T{seed}-{step}",
                    date=day,
                    amount=rnd.choice([1, 5_000_000, 20_000_000, -3, "1,5"]),
                    medium=rnd.choice(["tunai", "bank"]),
                )
            elif op == "spp":
                line = rnd.choice(lines)
                amount = rnd.choice([500_000, 3_000_000, 9_000_000, 60_000_000])
                kind = "PBY" if line.account_code.startswith("6") else "LS"
                taxes = (
                    [services.TaxInput(rnd.choice(["pph23", "pph22", "ppn"]), amount)]
                    if kind == "LS" and rnd.random() < 0.7
                    else []
                )
                spp = services.payment_request_create(
                    actor=actor,
                    village=village_a,
                    budget=b,
                    line=line,
                    number=f"S{seed}-{step}",
                    date=day,
                    amount=amount,
                    description="x",
                    payee_vendor=ledger["vendor"],
                    kind=kind,
                    taxes=taxes,
                    medium=rnd.choice(["tunai", "bank"]),
                )
                services.payment_request_act(
                    actor=ledger["sekdes"], village=village_a, spp=spp, step="verify"
                )
                services.payment_request_act(
                    actor=ledger["kades"], village=village_a, spp=spp, step="approve"
                )
                services.payment_request_pay(actor=actor, village=village_a, spp=spp, paid_on=day)
            elif op == "deposit":
                tax = Tax.objects.filter(
                    village=village_a, deposited_on__isnull=True, payment_request__status="paid"
                ).first()
                if tax is None:
                    continue
                services.tax_deposit(
                    actor=actor,
                    village=village_a,
                    tax=tax,
                    deposited_on=max(day, tax.payment_request.paid_on),
                    billing_code="1" * 15,
                )
            elif op == "um":
                spp = services.payment_request_create(
                    actor=actor,
                    village=village_a,
                    budget=b,
                    line=rnd.choice(lines[:2]),
                    number=f"U{seed}-{step}",
                    date=day,
                    amount=rnd.choice([400_000, 2_000_000, 8_000_000]),
                    description="panjar",
                    payee_vendor=ledger["vendor"],
                    kind="UM",
                    medium=rnd.choice(["tunai", "bank"]),
                )
                services.payment_request_act(
                    actor=ledger["sekdes"], village=village_a, spp=spp, step="verify"
                )
                services.payment_request_act(
                    actor=ledger["kades"], village=village_a, spp=spp, step="approve"
                )
                services.payment_request_pay(actor=actor, village=village_a, spp=spp, paid_on=day)
            elif op == "spj":
                spp = PaymentRequest.objects.filter(
                    budget=b, kind="UM", status="paid", settlement__isnull=True
                ).first()
                if spp is None:
                    continue
                spent = rnd.choice([0, spp.amount // 2, spp.amount, spp.amount + 1_000_000, -1])
                advances.advance_settle(
                    actor=actor,
                    village=village_a,
                    spp=spp,
                    number=f"J{seed}-{step}",
                    date=max(day, spp.paid_on),
                    spent=spent,
                    extra_confirmed=rnd.random() < 0.5,
                    taxes=[services.TaxInput("pph23", spent)] if spent > 0 and rnd.random() < 0.3 else [],
                )
            elif op == "sts":
                cash = advances.undeposited_receipts(village=village_a, budget=b)
                if not cash:
                    continue
                advances.deposit_slip_create(
                    actor=actor,
                    village=village_a,
                    budget=b,
                    number=f"D{seed}-{step}",
                    date=max(day, *(r.date for r in cash)),
                    receipts=cash,
                )
            elif op == "transfer":
                services.transfer_record(
                    actor=actor,
                    village=village_a,
                    budget=b,
                    number=f"M{seed}-{step}",
                    date=day,
                    amount=rnd.choice([1_000_000, 90_000_000]),
                    to_medium=rnd.choice(["tunai", "bank"]),
                )
            else:
                entry = (
                    Entry.objects.filter(budget=b, kind=Entry.Kind.RECEIPT, reversed_by__isnull=True)
                    .order_by("?")
                    .first()
                )
                if entry is None:
                    continue
                services.entry_reverse(
                    actor=actor, village=village_a, entry=entry, date=day, reason="koreksi"
                )
            accepted += 1
        except (ValidationError, ApplicationError):
            refused += 1
        # after every step: each book closes at opening + in − out, never below zero
        bal = selectors.balances(budget=b)
        for book, key in (("bku", "total"), ("bank", "bank"), ("tunai", "cash")):
            page = selectors.book_page(budget=b, book=book, page=10**6)
            assert page.closing == bal[key]
            assert page.closing == page.opening + page.total_in - page.total_out
        assert bal["cash"] >= 0
        assert bal["bank"] >= 0
        assert bal["total"] == 51_000_000 + _sum(Entry.objects.filter(budget=b, direction="in")) - _sum(
            Entry.objects.filter(budget=b, direction="out")
        )
        withheld = _sum(Entry.objects.filter(budget=b, account_code__startswith="7.", direction="in"))
        deposited = _sum(Entry.objects.filter(budget=b, account_code__startswith="7.", direction="out"))
        assert bal["tax"] == withheld - deposited >= 0
    report = selectors.lra(budget=b)
    spent = _sum(Entry.objects.filter(budget=b, account_code__startswith="5", direction="out")) - _sum(
        Entry.objects.filter(budget=b, account_code__startswith="5", direction="in")
    )
    received = _sum(Entry.objects.filter(budget=b, account_code__startswith="4", direction="in")) - _sum(
        Entry.objects.filter(budget=b, account_code__startswith="4", direction="out")
    )
    assert (report.spending.realised, report.revenue.realised) == (spent, received)
    # the SiLPA carried in (the opening balance) is realised financing, and the closing cash is
    # the SiLPA of the year plus taxes held minus advances out, for any sequence
    assert next(r for r in report.rows if r.code == "6.1.1").realised == 51_000_000
    assert report.cash_closing == bal["total"]
    assert bal["total"] == report.silpa_realised + bal["tax"] - report.advances_out
    assert report.advances_out == sum(
        a.outstanding for a in advances.advance_list(village=village_a, budget=b)
    )
    assert report.spending.realised <= report.spending.budget
    paid = PaymentRequest.objects.filter(budget=b, status="paid")
    # every tax withheld, on an SPP or at an advance's SPJ (which leaves the paid SPP UM unchanged)
    assert sum(t.amount for s in paid for t in s.taxes.all()) == withheld
    assert all(t.amount == rules.tax_due(t.kind, t.base) for t in Tax.objects.filter(village=village_a))
    outstanding = sum(a.outstanding for a in advances.advance_list(village=village_a, budget=b))
    assert advances.advance_book(village=village_a, budget=b).closing == outstanding
    assert accepted
    assert refused
