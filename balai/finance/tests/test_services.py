import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from balai.core.errors import ApplicationError, NotAllowed
from balai.finance import rules, selectors, services
from balai.finance.models import Entry, PaymentRequest
from balai.regions.models import Village

D = dt.date(2026, 3, 10)


def _ls(ledger, village, **kw):
    args = {
        "actor": ledger["bendahara"],
        "village": village,
        "budget": ledger["budget"],
        "line": ledger["service"],
        "number": "0001/SPP/01.2007/2026",
        "date": D,
        "amount": 10_000_000,
        "description": "Jasa konsultan jalan",
        "payee_vendor": ledger["vendor"],
        "taxes": [services.TaxInput("pph23", 10_000_000)],
    } | kw
    return services.payment_request_create(**args)


def _approve_and_pay(ledger, village, spp):
    services.payment_request_act(actor=ledger["sekdes"], village=village, spp=spp, step="verify")
    services.payment_request_act(actor=ledger["kades"], village=village, spp=spp, step="approve")
    return services.payment_request_pay(actor=ledger["bendahara"], village=village, spp=spp, paid_on=D)


def test_ls_payment_with_pph23_reaches_the_books(ledger, village_a):
    spp = _ls(ledger, village_a)
    assert spp.tax_total == 200_000
    spp = _approve_and_pay(ledger, village_a, spp)
    assert spp.status == PaymentRequest.Status.PAID
    b = ledger["budget"]
    bal = selectors.balances(budget=b)
    assert bal["bank"] == 50_000_000 - 10_000_000 + 200_000
    assert bal["tax"] == 200_000
    tax_book = selectors.book_page(budget=b, book="pajak")
    assert [r["in"] for r in tax_book.rows] == [200_000]
    report = selectors.lra(budget=b)
    assert report.spending.realised == 10_000_000
    tax = spp.taxes.get()
    services.tax_deposit(
        actor=ledger["bendahara"], village=village_a, tax=tax, deposited_on=D, billing_code="123456789012345"
    )
    assert selectors.balances(budget=b)["tax"] == 0
    assert selectors.book_page(budget=b, book="bku").closing == 51_000_000 - 10_000_000


def test_refusals(ledger, village_a, operator_a):
    with pytest.raises(ValidationError) as e:
        _ls(ledger, village_a, amount=20_000_000, taxes=[])
    assert "sisa anggaran" in str(e.value)
    with pytest.raises(ValidationError) as e:
        _ls(ledger, village_a, taxes=[services.TaxInput("pph23", 10_000_000, 150_000)])
    assert "seharusnya Rp200.000" in str(e.value)
    with pytest.raises(ValidationError):
        _ls(ledger, village_a, amount="1500,50")
    with pytest.raises(ValidationError):
        _ls(ledger, village_a, amount=-5)
    _ls(ledger, village_a)
    with pytest.raises(ValidationError) as e:
        _ls(ledger, village_a, amount=1_000)
    assert "sudah dipakai" in str(e.value)
    spp = PaymentRequest.objects.get()
    with pytest.raises(NotAllowed):
        services.payment_request_act(actor=operator_a, village=village_a, spp=spp, step="approve")
    with pytest.raises(ApplicationError):
        services.payment_request_act(actor=ledger["kades"], village=village_a, spp=spp, step="approve")


def test_posting_before_set_and_into_a_closed_period(ledger, village_a, bendahara_a):
    draft = services.budget_create(actor=bendahara_a, village=village_a, year=2027)
    line = services.budget_line_create(
        actor=bendahara_a,
        village=village_a,
        budget=draft,
        account_code="4.2.1.01",
        funding_source="DDS",
        description="DD",
        unit_price=1_000,
    )
    with pytest.raises(ApplicationError, match="belum ditetapkan"):
        services.receipt_record(
            actor=bendahara_a,
            village=village_a,
            budget=draft,
            line=line,
            number="1",
            date=dt.date(2027, 1, 5),
            amount=1,
        )
    services.period_close(
        actor=bendahara_a, village=village_a, budget=ledger["budget"], through=dt.date(2026, 3, 31)
    )
    with pytest.raises(ApplicationError, match="dikunci"):
        services.receipt_record(
            actor=bendahara_a,
            village=village_a,
            budget=ledger["budget"],
            line=ledger["dd"],
            number="1",
            date=D,
            amount=1,
        )


def test_revision_keeps_the_original_and_allows_more(ledger, village_a):
    b, line = ledger["budget"], ledger["service"]
    services.budget_revision_start(actor=ledger["bendahara"], village=village_a, budget=b)
    services.budget_line_revise(
        actor=ledger["bendahara"], village=village_a, line=line, volume=2, unit_price=10_000_000
    )
    services.budget_revision_set(
        actor=ledger["kades"], village=village_a, budget=b, number="7 Tahun 2026", date=D
    )
    line.refresh_from_db()
    assert (line.amount, line.in_force) == (10_000_000, 20_000_000)
    _ls(ledger, village_a, amount=20_000_000, taxes=[])


def test_reversal_and_realisation_record(ledger, village_a):
    entry = services.realisation_record(
        actor=None,
        village=village_a,
        year=2026,
        account_code="4.1.1.01",
        amount=2_500_000,
        date=D,
        number="TBP-BUMDES-1",
        description="Bagi hasil BUMDes",
    )
    cap = services.realisation_record(
        actor=None,
        village=village_a,
        year=2026,
        account_code="6.2.2.01",
        amount=25_000_000,
        date=D,
        number="PBY-1",
        description="Penyertaan modal",
    )
    report = selectors.lra(budget=ledger["budget"])
    assert report.revenue.realised == 2_500_000
    assert report.financing_out.realised == 25_000_000
    services.entry_reverse(
        actor=ledger["bendahara"], village=village_a, entry=entry, date=D, reason="salah catat"
    )
    assert selectors.lra(budget=ledger["budget"]).revenue.realised == 0
    cap.amount = 1
    with pytest.raises(RuntimeError):
        cap.save()
    assert Entry.objects.count() == 3


def test_terbilang_and_rupiah():
    assert rules.terbilang(1_250_000) == "Satu juta dua ratus lima puluh ribu rupiah"
    assert rules.terbilang(11_115) == "Sebelas ribu seratus lima belas rupiah"
    assert rules.rupiah("1.500.000") == 1_500_000
    assert rules.tax_due("pph22", 2_000_000) == 0
    assert rules.tax_due("ppn", 2_000_001) == 220_000


def test_summary_and_regional(ledger, village_a, village_b):
    summary = selectors.apbdes_summary(village=village_a, year=2026)
    assert summary is not None
    assert (summary.revenue, summary.spending) == (810_000_000, 32_200_000)
    # village B has used Balai since before 2026: without an APBDes it is late
    Village.objects.filter(pk=village_b.pk).update(created_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    rows = selectors.regional_realisation(
        villages=Village.objects.all(), year=2026, today=dt.date(2026, 7, 1)
    )
    by = {r.village.pk: r for r in rows}
    assert by[village_b.pk].behind
    assert by[village_a.pk].spending == 32_200_000


def test_spp_number_used_by_a_ledger_entry_is_refused_and_the_next_is_suggested(client, ledger, village_a):
    import datetime as dt

    import pytest
    from django.core.exceptions import ValidationError
    from django.urls import reverse

    from balai.finance import selectors, services
    from balai.finance.models import PaymentRequest

    b = ledger["budget"]
    code = village_a.code_digits[-6:]
    services.receipt_record(
        actor=ledger["bendahara"], village=village_a, budget=b, line=ledger["dd"], number=f"0003/SPP/{code}/2026",
        date=dt.date(2026, 2, 1), amount=100_000_000,
    )  # fmt: skip
    with pytest.raises(ValidationError, match=f"0003/SPP/{code}/2026 sudah dipakai"):
        services.payment_request_create(
            actor=ledger["bendahara"], village=village_a, budget=b, line=ledger["service"],
            number=f"0003/SPP/{code}/2026", date=dt.date(2026, 3, 1), amount=1_000, description="x",
            payee_vendor=ledger["vendor"],
        )  # fmt: skip
    assert not PaymentRequest.objects.filter(budget=b).exists()
    assert selectors.next_spp_number(village=village_a, budget=b) == f"0004/SPP/{code}/2026"
    client.force_login(ledger["bendahara"])
    page = client.get(reverse("finance:spp_list") + "?tahun=2026").content.decode()
    assert f'value="0004/SPP/{code}/2026"' in page


def test_lra_more_or_less_reads_as_more_for_revenue_above_budget(ledger, village_a):
    import datetime as dt

    from balai.finance import selectors, services

    b = ledger["budget"]
    services.receipt_record(
        actor=ledger["bendahara"], village=village_a, budget=b, line=ledger["pad"], number="TBP-X",
        date=dt.date(2026, 2, 1), amount=12_000_000,
    )  # fmt: skip
    rows = {r.code: r for r in selectors.lra(budget=b).rows}
    assert rows["4"].difference == 12_000_000 - 810_000_000  # revenue short of its budget
    pad = rows["4.1.1.01"] if "4.1.1.01" in rows else rows["4.1"]
    assert pad.difference == 2_000_000  # above budget: positive
    assert rows["5"].difference == rows["5"].budget  # nothing spent: all of it left
