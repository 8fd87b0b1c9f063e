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
    # grouped by funding source or bidang, the footer is the same
    for group in ("source", "bidang"):
        grouped = selectors.lra(budget=b, group=group)
        assert grouped.silpa_realised == report.silpa_realised, group
        assert grouped.cash_reconciles, group
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


def test_spj_form_is_prefilled_and_styled_like_the_other_fields(client, ledger, village_a):
    from balai.finance.tests.test_advances import _paid_advance

    spp = _paid_advance(ledger, village_a, amount=3_000_000)
    client.force_login(ledger["bendahara"])
    page = client.get(reverse("finance:spp", args=[spp.public_id])).content.decode()
    code = village_a.code_digits[-6:]
    assert f'id="id_spj_number" maxlength="60" required value="0001/SPJ/{code}/2026"' in page
    for field in ("id_spj_number", "id_spj_spent", "id_spj_description", "id_spj_tax_1_base"):
        assert 'type="text" name="' in page.split(f'id="{field}"')[0].rsplit("<input", 1)[1], field


def test_spj_message_names_the_remainder_and_the_tax_the_holder_hands_back(client, ledger, village_a):
    from balai.finance.tests.test_advances import _paid_advance

    spp = _paid_advance(ledger, village_a, amount=3_000_000)
    client.force_login(ledger["bendahara"])
    page = client.post(
        reverse("finance:advance_settle", args=[spp.public_id]),
        {"number": "SPJ-1", "date": "2026-03-20", "spent": "2.775.000", "tax_1": "pph22"},
        follow=True,
    ).content.decode()
    # PPh 22 1,5% of 2.775.000 = 41.625, kept back from the payee and handed over with the rest
    assert "menyerahkan Rp266.625 ke kas: sisa panjar Rp225.000 dan pajak dipungut Rp41.625" in page


def test_next_spp_number_follows_the_register_not_the_bulk_history(village_a):
    import random

    from balai.finance.demo import extend_village
    from balai.people.tests.factories import ResidentFactory

    ResidentFactory(village=village_a, name="BAMBANG WIJAYA")  # the demo advances' executor
    extend_village(village=village_a, rnd=random.Random(3), today=dt.date(2026, 12, 6))
    budget = Budget.objects.get(village=village_a, year=2026)
    register = sorted(budget.payment_requests.values_list("number", flat=True))
    code = village_a.code_digits[-6:]
    assert register == [f"0001/UM/{code}/2026", f"0002/UM/{code}/2026"]
    assert selectors.next_spp_number(village=village_a, budget=budget) == f"0003/SPP/{code}/2026"


def test_panjar_book_names_the_holders_current_post_from_staff(ledger, village_a):
    from balai.finance import advances
    from balai.finance.models import PaymentRequest
    from balai.people.tests.factories import ResidentFactory
    from balai.staff.models import Official, OfficialProfile, Position

    person = ResidentFactory(village=village_a, name="BAMBANG WIJAYA")
    official = Official.objects.create(
        village=village_a, name="Bambang Wijaya", position="Kasi Pembangunan", resident=person
    )
    post = Position.objects.create(village=village_a, kind="kasi", title="Kasi Pemerintahan", order=20)
    OfficialProfile.objects.create(village=village_a, official=official, post=post)
    b = ledger["budget"]
    spp = services.payment_request_create(
        actor=ledger["bendahara"], village=village_a, budget=b, line=ledger["material"], number="0001/UM/2026",
        date=dt.date(2026, 3, 1), amount=1_000_000, description="Panjar batu split", payee_resident=person,
        kind=PaymentRequest.Kind.UM,
    )  # fmt: skip
    services.payment_request_act(actor=ledger["sekdes"], village=village_a, spp=spp, step="verify")
    services.payment_request_act(actor=ledger["kades"], village=village_a, spp=spp, step="approve")
    services.receipt_record(
        actor=ledger["bendahara"], village=village_a, budget=b, line=ledger["dd"], number="TBP-1",
        date=dt.date(2026, 2, 1), amount=10_000_000,
    )  # fmt: skip
    services.payment_request_pay(
        actor=ledger["bendahara"], village=village_a, spp=spp, paid_on=dt.date(2026, 3, 2)
    )
    first = advances.advance_book(village=village_a, budget=b).rows[0].description
    assert "(Kasi Pemerintahan)" in first
    # the road activity's executor field says "Kasi Pembangunan": not the holder's post
    assert "Pembangunan" not in first


def test_regional_page_shows_realised_revenue_and_a_new_village_has_not_started(
    client, ledger, village_a, village_b, regency_viewer
):
    from balai.regions.models import Village

    services.receipt_record(
        actor=ledger["bendahara"], village=village_a, budget=ledger["budget"], line=ledger["dd"],
        number="TBP-1", date=dt.date(2026, 2, 1), amount=200_000_000,
    )  # fmt: skip
    # village B was switched on ten days ago, long after its 2026 APBDes was due
    today = dt.date(2026, 7, 1)
    Village.objects.filter(pk=village_b.pk).update(created_at=dt.datetime(2026, 6, 21, 9, 0, tzinfo=dt.UTC))
    rows = {
        r.village.pk: r
        for r in selectors.regional_realisation(villages=Village.objects.all(), year=2026, today=today)
    }
    assert rows[village_b.pk].not_started
    assert not rows[village_b.pk].behind
    assert rows[village_b.pk].behind_label == "belum mulai"
    # past the grace days it is late
    later = selectors.regional_realisation(
        villages=Village.objects.filter(pk=village_b.pk), year=2026, today=dt.date(2026, 9, 1)
    )
    assert later[0].behind
    assert not later[0].not_started
    client.force_login(regency_viewer)
    page = client.get(reverse("finance:regional") + "?tahun=2026").content.decode()
    assert "200.000.000" in page  # the revenue realised, beside its budget and %
    assert page.count(">Anggaran<") == 2


def test_public_page_and_kiosk_explain_the_financing(client, ledger, village_a):
    # the ledger plans no financing receipt and Rp 50.000.000 capital for the BUMDes
    summary = selectors.apbdes_summary(village=village_a, year=2026)
    assert summary.financing_text == "penerimaan Rp 0 − pengeluaran Rp 50.000.000 = Rp −50.000.000"
    page = client.get(f"/desa/{village_a.code}/keuangan/").content.decode()
    assert "penerimaan Rp 0 − pengeluaran Rp 50.000.000 = Rp −50.000.000" in page
    assert "Pembiayaan netto" not in page
    assert "sisa uang tahun lalu (SiLPA)" in page
    assert "pengeluaran Rp 50.000.000" in summary.rows[2]["label"]


def test_import_preview_warns_over_an_adopted_apbdes_with_both_totals(client, ledger, village_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from balai.finance import siskeudes
    from balai.finance.siskeudes_sample import sample_tables

    tables = sample_tables(siskeudes.siskeudes_village_code(village_a), 2026)
    tables.pop("Ta_Mutasi", None)
    client.force_login(ledger["bendahara"])
    page = client.post(
        reverse("finance:import"),
        {"tahun": "2026", "file": SimpleUploadedFile("x.zip", siskeudes.write_zip(tables))},
    ).content.decode()
    assert 'id="import-set-warning"' in page
    assert "APBDes 2026 desa ini sudah ditetapkan" in page
    assert "Sekarang di Balai" in page
    assert "Dari berkas impor" in page
    assert "810.000.000" in page  # the adopted revenue, beside the file's
    assert 'id="t-budget-spending">64.140.000<' in page
    code = siskeudes.siskeudes_village_code(village_a)
    assert f"desa Siskeudes {code.rstrip('.')}" in page
    assert f"{code.rstrip('.')}. " not in page
    assert f"{code.rstrip('.')}.<" not in page
    assert "Pindah buku kas tunai–bank (Ta_Mutasi)" in page
