"""Findings of the browser review of the finance module (December 2026), one test each."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from balai.finance import selectors, services
from balai.finance.models import Budget


def test_lra_realises_the_silpa_carried_in_and_reconciles_with_cash(client, ledger, village_a):
    b = ledger["budget"]
    Budget.objects.filter(pk=b.pk).update(status=Budget.Status.DRAFT)
    b.refresh_from_db()
    silpa_line = services.budget_line_create(
        actor=None,
        village=village_a,
        budget=b,
        account_code="6.1.1.01",
        funding_source="DLL",
        description="SiLPA tahun sebelumnya",
        unit_price=51_000_000,
    )
    Budget.objects.filter(pk=b.pk).update(status=Budget.Status.SET)
    b.refresh_from_db()
    services.receipt_record(
        actor=ledger["bendahara"],
        village=village_a,
        budget=b,
        line=ledger["dd"],
        number="TBP-1",
        date=dt.date(2026, 2, 1),
        amount=20_000_000,
    )
    report = selectors.lra(budget=b)
    row = next(r for r in report.rows if r.code == "6.1.1")
    assert row.realised == 51_000_000
    assert report.financing_in.realised == 51_000_000
    assert report.silpa_realised == 20_000_000 + 51_000_000
    assert report.cash_closing == selectors.balances(budget=b)["total"] == report.silpa_realised
    assert report.cash_reconciles
    # a semester report carries it too (it is realised on 1 January)
    assert selectors.lra(budget=b, until=dt.date(2026, 6, 30)).financing_in.realised == 51_000_000
    # the APBDes page shows it on the SiLPA line
    blocks = selectors.apbdes_blocks(budget=b)
    assert [r.realised for r in blocks[-1].rows if r.line.pk == silpa_line.pk] == [51_000_000]
    # and it is not a receipt: posting it would count the money twice
    with pytest.raises(ValidationError):
        services.receipt_record(
            actor=ledger["bendahara"],
            village=village_a,
            budget=b,
            line=silpa_line,
            number="TBP-2",
            date=dt.date(2026, 2, 1),
            amount=1_000,
        )
    client.force_login(ledger["bendahara"])
    page = client.get(reverse("finance:lra") + "?tahun=2026").content.decode()
    assert 'id="silpa">71.000.000<' in page
    assert "Kas akhir" in page
