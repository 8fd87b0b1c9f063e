"""Advances (SPP UM) and their SPJ, STS, Buku Pembantu Panjar/Kegiatan, voucher and banner PDFs."""

import datetime as dt
import re
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from balai.audit.models import AuditEvent
from balai.core.errors import ApplicationError, NotAllowed
from balai.finance import advances, pdf, selectors, services
from balai.finance.models import Entry, Medium, PaymentRequest
from balai.people.tests.factories import ResidentFactory
from balai.staff.models import Official

D = dt.date


def _text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def _paid_advance(ledger, village, *, amount=2_000_000, number="0001/UM/2026", line="material"):
    b = ledger["budget"]
    services.receipt_record(
        actor=ledger["bendahara"], village=village, budget=b, line=ledger["dd"], number=f"TBP-{number}",
        date=D(2026, 2, 1), amount=100_000_000,
    )  # fmt: skip
    spp = services.payment_request_create(
        actor=ledger["bendahara"], village=village, budget=b, line=ledger[line], number=number,
        date=D(2026, 3, 1), amount=amount, description="Panjar batu split", payee_vendor=ledger["vendor"],
        kind=PaymentRequest.Kind.UM,
    )  # fmt: skip
    services.payment_request_act(actor=ledger["sekdes"], village=village, spp=spp, step="verify")
    services.payment_request_act(actor=ledger["kades"], village=village, spp=spp, step="approve")
    return services.payment_request_pay(
        actor=ledger["bendahara"], village=village, spp=spp, paid_on=D(2026, 3, 2)
    )


def _identity(budget):
    bal = selectors.balances(budget=budget)
    sums = dict.fromkeys(("in", "out"), 0)
    for e in Entry.objects.filter(budget=budget):
        sums[e.direction] += e.amount
    assert bal["total"] == budget.opening_cash + budget.opening_bank + sums["in"] - sums["out"]
    return bal


def test_advance_is_not_spending_until_its_spj_and_the_remainder_returns(ledger, village_a):
    b = ledger["budget"]
    spp = _paid_advance(ledger, village_a)
    before = selectors.balances(budget=b)["bank"]
    advance = Entry.objects.get(payment_request=spp)
    assert advance.kind == Entry.Kind.ADVANCE
    assert advance.account_code == ""
    assert advance.budget_line is None
    assert selectors.lra(budget=b).spending.realised == 0
    # The advance still holds the line's budget: 22.2M − 2M left.
    assert services._remaining(ledger["material"]) == 22_200_000 - 2_000_000

    spj = advances.advance_settle(
        actor=ledger["bendahara"], village=village_a, spp=spp, number="0001/SPJ/2026", date=D(2026, 3, 20),
        spent="1.750.000", taxes=[services.TaxInput("pph22", 0)] if False else [],
    )  # fmt: skip
    assert (spj.spent, spj.returned, spj.extra) == (1_750_000, 250_000, 0)
    assert selectors.lra(budget=b).spending.realised == 1_750_000
    assert services._remaining(ledger["material"]) == 22_200_000 - 1_750_000
    assert selectors.balances(budget=b)["bank"] == before + 250_000
    _identity(b)
    assert AuditEvent.objects.filter(action="finance.spj.record").count() == 1

    book = advances.advance_book(village=village_a, budget=b)
    assert book.totals == {"given": 2_000_000, "spj": 1_750_000, "returned": 250_000}
    assert book.closing == 0
    kegiatan = advances.activity_book(village=village_a, budget=b, activity=ledger["road"])
    assert kegiatan.totals == {"received": 2_000_000, "spent": 1_750_000, "returned": 250_000}
    assert kegiatan.closing == 0

    with pytest.raises(ApplicationError, match="sudah dipertanggungjawabkan"):
        advances.advance_settle(
            actor=ledger["bendahara"], village=village_a, spp=spp, number="0002/SPJ/2026",
            date=D(2026, 3, 21), spent=1,
        )  # fmt: skip
    # The SPJ's entries are not reversed by hand.
    pay = Entry.objects.get(payment_request=spp, kind=Entry.Kind.PAYMENT)
    with pytest.raises(ApplicationError, match="tidak dibalik"):
        services.entry_reverse(
            actor=ledger["bendahara"], village=village_a, entry=pay, date=D(2026, 4, 1), reason="x"
        )


def test_spending_over_the_advance_needs_the_additional_payment(ledger, village_a):
    b = ledger["budget"]
    spp = _paid_advance(ledger, village_a)
    kwargs = {
        "actor": ledger["bendahara"],
        "village": village_a,
        "spp": spp,
        "number": "S1",
        "date": D(2026, 3, 20),
    }
    with pytest.raises(ValidationError, match="melebihi panjar"):
        advances.advance_settle(**kwargs, spent=2_300_000)
    with pytest.raises(ValidationError, match="sisa anggaran"):
        advances.advance_settle(**kwargs, spent=30_000_000, extra_confirmed=True)
    with pytest.raises(ValidationError):
        advances.advance_settle(**kwargs, spent="-5")
    with pytest.raises(ValidationError, match="sebelum panjar"):
        advances.advance_settle(**(kwargs | {"date": D(2026, 3, 1)}), spent=1)
    with pytest.raises(NotAllowed):
        advances.advance_settle(**(kwargs | {"actor": ledger["kades"]}), spent=1)
    bank = selectors.balances(budget=b)["bank"]
    spj = advances.advance_settle(
        **kwargs, spent=2_300_000, extra_confirmed=True, taxes=[services.TaxInput("pph22", 2_300_000)]
    )
    assert (spj.returned, spj.extra) == (0, 300_000)
    # Out 2.3M spending, in 2M advance back and the 34,500 PPh 22 the executor withheld.
    assert selectors.balances(budget=b)["bank"] == bank - 300_000 + 34_500
    assert selectors.balances(budget=b)["tax"] == 34_500
    assert advances.advance_book(village=village_a, budget=b).closing == 0
    kegiatan = advances.activity_book(village=village_a, budget=b, activity=ledger["road"])
    assert kegiatan.totals == {"received": 2_300_000, "spent": 2_300_000, "returned": 0}
    _identity(b)


def test_spj_refused_for_ls_or_unpaid(ledger, village_a):
    b = ledger["budget"]
    ls = services.payment_request_create(
        actor=ledger["bendahara"], village=village_a, budget=b, line=ledger["service"], number="LS-1",
        date=D(2026, 3, 1), amount=1_000_000, description="Jasa", payee_vendor=ledger["vendor"],
    )  # fmt: skip
    with pytest.raises(ApplicationError, match="hanya untuk SPP UM"):
        advances.advance_settle(
            actor=ledger["bendahara"], village=village_a, spp=ls, number="S", date=D(2026, 3, 2), spent=1
        )
    with pytest.raises(ValidationError, match="saat SPJ"):
        services.payment_request_create(
            actor=ledger["bendahara"], village=village_a, budget=b, line=ledger["service"], number="UM-T",
            date=D(2026, 3, 1), amount=1_000_000, description="x", payee_vendor=ledger["vendor"], kind="UM",
            taxes=[services.TaxInput("pph23", 1_000_000)],
        )  # fmt: skip


def test_sts_moves_cash_receipts_to_the_bank_once(ledger, village_a):
    b = ledger["budget"]
    r1 = services.receipt_record(
        actor=ledger["bendahara"], village=village_a, budget=b, line=ledger["pad"], number="TBP-1",
        date=D(2026, 2, 1), amount=3_000_000, medium=Medium.CASH,
    )  # fmt: skip
    r2 = services.receipt_record(
        actor=ledger["bendahara"], village=village_a, budget=b, line=ledger["pad"], number="TBP-2",
        date=D(2026, 2, 3), amount=1_500_000, medium=Medium.CASH,
    )  # fmt: skip
    bank_r = services.receipt_record(
        actor=ledger["bendahara"], village=village_a, budget=b, line=ledger["dd"], number="TBP-3",
        date=D(2026, 2, 3), amount=1_000, medium=Medium.BANK,
    )  # fmt: skip
    assert advances.undeposited_receipts(village=village_a, budget=b) == [r1, r2]
    before = selectors.balances(budget=b)
    kw = {"actor": ledger["bendahara"], "village": village_a, "budget": b, "date": D(2026, 2, 4)}
    with pytest.raises(ValidationError, match="bukan tunai"):
        advances.deposit_slip_create(**kw, number="STS-1", receipts=[bank_r])
    with pytest.raises(ValidationError, match="paling sedikit"):
        advances.deposit_slip_create(**kw, number="STS-1", receipts=[])
    with pytest.raises(ValidationError, match="sebelum tanggal penerimaan"):
        advances.deposit_slip_create(**(kw | {"date": D(2026, 2, 2)}), number="STS-1", receipts=[r1, r2])
    slip = advances.deposit_slip_create(**kw, number="STS-1", receipts=[r1, r2], bank_reference="VAL 123")
    assert slip.amount == 4_500_000
    after = selectors.balances(budget=b)
    assert after["cash"] == before["cash"] - 4_500_000
    assert after["bank"] == before["bank"] + 4_500_000
    assert after["total"] == before["total"]
    assert selectors.lra(budget=b).revenue.realised == 4_501_000  # unchanged by the deposit
    with pytest.raises(ValidationError, match="sudah dipakai"):
        advances.deposit_slip_create(**kw, number="STS-1", receipts=[r1])
    with pytest.raises(ValidationError, match="STS lain"):
        advances.deposit_slip_create(**kw, number="STS-2", receipts=[r1])
    with pytest.raises(ApplicationError, match="sudah disetor"):
        services.entry_reverse(
            actor=ledger["bendahara"], village=village_a, entry=r1, date=D(2026, 3, 1), reason="x"
        )
    assert advances.undeposited_receipts(village=village_a, budget=b) == []
    assert AuditEvent.objects.filter(action="finance.sts.record").count() == 1
    _identity(b)


def test_voucher_pdfs_carry_words_and_signers(ledger, village_a):
    b = ledger["budget"]
    Official.objects.create(village=village_a, name="Sutrisno", position="Kepala Desa", nipd="123")
    Official.objects.create(village=village_a, name="Wahyuni", position="Sekretaris Desa")
    Official.objects.create(village=village_a, name="Sri Rahayu", position="Kaur Keuangan (Bendahara)")
    Official.objects.create(village=village_a, name="Bambang", position="Kasi Pembangunan")
    spp = services.payment_request_create(
        actor=ledger["bendahara"], village=village_a, budget=b, line=ledger["service"], number="0007/SPP/2026",
        date=D(2026, 3, 1), amount=10_000_000, description="Jasa konsultan", payee_vendor=ledger["vendor"],
        taxes=[services.TaxInput("pph23", 10_000_000)],
    )  # fmt: skip
    text = _text(pdf.spp_document(spp))
    for expected in ("SURAT PERMINTAAN PEMBAYARAN", "0007/SPP/2026", "Sepuluh juta rupiah", "Sutrisno",
                     "Wahyuni", "Sri Rahayu", "Bambang", "9.800.000", "PPh 23"):  # fmt: skip
        assert expected in text, expected
    kuitansi = _text(pdf.receipt_voucher(spp))
    assert "KUITANSI" in kuitansi
    assert "Sembilan juta delapan ratus ribu rupiah" in kuitansi
    assert "CV Karya" in kuitansi


def test_pages_files_and_banner(client, ledger, village_a):
    b = ledger["budget"]
    spp = _paid_advance(ledger, village_a)
    client.force_login(ledger["bendahara"])
    url = reverse("finance:advance_settle", args=[spp.public_id])
    bad = client.post(url, {"number": "SPJ-1", "date": "2026-03-20", "spent": "2.500.000"}, follow=True)
    assert "melebihi panjar" in bad.content.decode()
    ok = client.post(url, {"number": "SPJ-1", "date": "2026-03-20", "spent": "1.900.000"}, follow=True)
    assert "sisa panjar Rp100.000" in ok.content.decode()
    for name, args in [
        ("finance:advances", []),
        ("finance:activity_books", []),
        ("finance:activity_book", [ledger["road"].public_id]),
        ("finance:sts", []),
        ("finance:spp", [spp.public_id]),
    ]:
        response = client.get(reverse(name, args=args) + "?tahun=2026")
        assert response.status_code == 200, name
    page = client.get(reverse("finance:advances") + "?tahun=2026").content.decode()
    assert "SPJ-1" in page
    # a page past the end shows the last page, a junk page the first
    assert client.get(reverse("finance:advances") + "?tahun=2026&hal=999").status_code == 200
    assert client.get(reverse("finance:advances") + "?tahun=2026&hal=x1").status_code == 200
    for fmt, kind in (("xlsx", "spreadsheet"), ("pdf", "pdf")):
        r = client.get(reverse(f"finance:advance_book_{fmt}") + "?tahun=2026")
        assert r.status_code == 200
        assert kind in r["Content-Type"]
        r = client.get(reverse(f"finance:activity_book_{fmt}", args=[ledger["road"].public_id]))
        assert r.status_code == 200
        assert kind in r["Content-Type"]
    text = _text(client.get(reverse("finance:advance_book_pdf") + "?tahun=2026").content)
    assert "BUKU PEMBANTU PANJAR" in text
    assert "1.900.000" in text
    assert client.get(reverse("finance:spp_pdf", args=[spp.public_id, "spp"])).status_code == 200
    assert client.get(reverse("finance:spp_pdf", args=[spp.public_id, "lain"])).status_code == 404
    banner = client.get(reverse("finance:banner") + "?tahun=2026&kertas=a0&arah=mendatar")
    assert banner.status_code == 200
    text = _text(banner.content)
    info = subprocess.run(
        ["pdfinfo", "-"], input=banner.content, capture_output=True, check=True
    ).stdout.decode()
    assert re.search(r"Pages:\s+1\n", info), info  # one sheet
    assert "A0" in info
    assert "INFOGRAFIS APBDes 2026" in text
    assert "Dana Desa" in text
    client.logout()
    public = client.get(reverse("finance_public:banner", args=[village_a.code]))
    assert public.status_code == 200
    assert public["Content-Type"] == "application/pdf"
    assert "Kasi Pembangunan" not in _text(public.content)  # no payees on the public banner
    assert client.get(reverse("finance_public:banner", args=["99.99"])).status_code == 404

    # STS through the page
    client.force_login(ledger["bendahara"])
    cash = services.receipt_record(
        actor=ledger["bendahara"], village=village_a, budget=b, line=ledger["pad"], number="TBP-K",
        date=D(2026, 4, 1), amount=700_000, medium=Medium.CASH,
    )  # fmt: skip
    r = client.post(
        reverse("finance:sts") + "?tahun=2026",
        {"tahun": "2026", "number": "STS-9", "date": "2026-04-02", "receipts": [cash.public_id]},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    client.force_login(ledger["kades"])
    assert client.post(reverse("finance:sts") + "?tahun=2026", {"number": "X"}).status_code == 403


def test_demo_has_an_accounted_advance_an_open_one_and_an_sts(village_a):
    import random

    from balai.finance.demo import extend_village
    from balai.finance.models import AdvanceSettlement, Budget, DepositSlip

    ResidentFactory(village=village_a, name="KASI PEMBANGUNAN")  # the advance goes to a resident
    extend_village(village=village_a, rnd=random.Random(5), today=D(2026, 12, 6))
    budget = Budget.objects.get(village=village_a, year=2026)
    spj = AdvanceSettlement.objects.get(village=village_a)
    assert (spj.spent, spj.returned) == (4_650_000, 350_000)
    assert advances.advance_book(village=village_a, budget=budget).closing == 3_000_000
    slip = DepositSlip.objects.get(village=village_a)
    assert slip.amount > 0
    assert selectors.balances(budget=budget)["cash"] >= 0
    _identity(budget)


def test_api_spj_and_sts(client, ledger, village_a):
    import json

    from balai.accounts.services import api_token_create

    spp = _paid_advance(ledger, village_a)
    cash = services.receipt_record(
        actor=ledger["bendahara"], village=village_a, budget=ledger["budget"], line=ledger["pad"],
        number="TBP-C", date=D(2026, 4, 1), amount=500_000, medium=Medium.CASH,
    )  # fmt: skip

    def call(user, path, body):
        _, key = api_token_create(user=user, name="t")
        return client.post(
            "/api/v1/finance" + path, json.dumps(body), content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )  # fmt: skip

    body = {"number": "SPJ-A", "date": "2026-03-20", "spent": 2_100_000}
    assert call(ledger["kades"], f"/spp/{spp.public_id}/spj", body).status_code == 403
    refused = call(ledger["bendahara"], f"/spp/{spp.public_id}/spj", body)
    assert refused.status_code in (400, 422)
    assert "melebihi panjar" in refused.content.decode()
    ok = call(ledger["bendahara"], f"/spp/{spp.public_id}/spj", body | {"spent": 1_500_000})
    assert ok.status_code == 201
    assert ok.json()["returned"] == 500_000
    twice = call(ledger["bendahara"], f"/spp/{spp.public_id}/spj", body | {"number": "SPJ-B", "spent": 1})
    assert twice.status_code in (400, 409, 422)
    sts = {"year": 2026, "number": "STS-A", "date": "2026-04-02", "receipts": [cash.public_id]}
    made = call(ledger["bendahara"], "/sts", sts)
    assert made.status_code == 201
    assert made.json()["amount"] == 500_000
    again = call(ledger["bendahara"], "/sts", sts | {"number": "STS-B"})
    assert again.status_code in (400, 422)
    assert "STS lain" in again.content.decode()
    assert call(ledger["bendahara"], "/sts", sts | {"receipts": ["tidakada23456789"]}).status_code == 404


def test_open_advance_is_a_task_on_the_treasurers_home(ledger, village_a):
    from balai.accounts.scope import scope_for
    from balai.finance.office_tasks import advance_tasks

    _paid_advance(ledger, village_a)
    tasks = advance_tasks(scope=scope_for(ledger["bendahara"]), user=ledger["bendahara"])
    assert [(t.label, t.count) for t in tasks] == [("Panjar belum di-SPJ-kan", 1)]
    assert advance_tasks(scope=scope_for(ledger["kades"]), user=ledger["kades"]) == []


def test_year_does_not_close_with_an_advance_outstanding(ledger, village_a):
    from balai.finance.models import Budget

    spp = _paid_advance(ledger, village_a)
    b = ledger["budget"]
    with pytest.raises(ApplicationError, match="belum dipertanggungjawabkan"):
        services.year_close(actor=ledger["bendahara"], village=village_a, budget=b)
    advances.advance_settle(
        actor=ledger["bendahara"],
        village=village_a,
        spp=spp,
        number="SPJ-Y",
        date=D(2026, 12, 20),
        spent=2_000_000,
    )
    services.year_close(actor=ledger["bendahara"], village=village_a, budget=b)
    nxt = Budget.objects.get(village=village_a, year=2027)
    bal = selectors.balances(budget=b)
    assert (nxt.opening_cash, nxt.opening_bank) == (bal["cash"], bal["bank"])


def test_spj_taxes_never_rewrite_the_paid_advance_voucher(client, ledger, village_a):
    """A paid SPP UM and its kuitansi keep showing what was paid; the taxes withheld at the SPJ
    show on the SPJ and can be deposited from there."""
    spp = _paid_advance(ledger, village_a, amount=3_000_000)
    spj = advances.advance_settle(
        actor=ledger["bendahara"], village=village_a, spp=spp, number="0001/SPJ/2026", date=D(2026, 3, 20),
        spent=2_750_000, taxes=[services.TaxInput("pph22", 2_750_000)],
    )  # fmt: skip
    spp = PaymentRequest.objects.get(pk=spp.pk)
    assert spp.net == 3_000_000
    assert spp.tax_total == 0
    tax = spp.taxes.get()
    assert tax.settlement_id == spj.pk
    assert tax.amount == 41_250
    text = _text(pdf.spp_document(spp))
    assert "3.000.000" in text
    assert "2.958.750" not in text
    assert "PPh 22" not in text
    kuitansi = _text(pdf.receipt_voucher(spp))
    assert "3.000.000" in kuitansi
    assert "Tiga juta rupiah" in kuitansi
    assert "2.958.750" not in kuitansi
    assert "potongan pajak" not in kuitansi
    client.force_login(ledger["bendahara"])
    page = client.get(reverse("finance:spp", args=[spp.public_id])).content.decode()
    netto = page.split("Dibayarkan (netto)")[1][:80]
    assert "3.000.000" in netto
    spj_part = page.split('id="spj-facts"')[1].split("</dl>")[0]
    assert "PPh 22" in spj_part
    assert "41.250" in spj_part
    assert reverse("finance:tax_deposit", args=[tax.public_id]) in page
    book = advances.advance_book(village=village_a, budget=ledger["budget"])
    assert book.totals["given"] == 3_000_000


def test_spp_pdf_names_the_submitter_never_an_unrelated_official(ledger, village_a):
    """Raised by the treasurer on an activity whose executor post (Kasi Pembangunan) is vacant:
    the SPP names no one as PKA rather than the Kaur Keuangan who also pays it."""
    Official.objects.create(
        village=village_a, name="Sri Rahayu", position="Kaur Keuangan", user=ledger["bendahara"]
    )
    spp = services.payment_request_create(
        actor=ledger["bendahara"], village=village_a, budget=ledger["budget"], line=ledger["service"],
        number="0008/SPP/2026", date=D(2026, 3, 1), amount=1_000_000, description="Jasa",
        payee_vendor=ledger["vendor"],
    )  # fmt: skip
    text = _text(pdf.spp_document(spp))
    assert text.count("Sri Rahayu") == 1, text  # she signs "Dibayar oleh" only
    assert "( ............................ )" in text
    Official.objects.create(village=village_a, name="Bambang", position="Kasi Pembangunan")
    text = _text(pdf.spp_document(spp))
    assert "Bambang" in text
    assert text.count("Sri Rahayu") == 1


def test_demo_advance_goes_to_the_executor_and_its_steps_name_the_village_accounts(
    village_a, kades_a, sekdes_a, bendahara_a
):
    import random

    from balai.finance.demo import extend_village

    sekdes_person = ResidentFactory(village=village_a, name="SLAMET SEKDES")
    kasi_person = ResidentFactory(village=village_a, name="BAMBANG KASI")
    Official.objects.create(
        village=village_a, name="Slamet", position="Sekretaris Desa", resident=sekdes_person
    )
    Official.objects.create(
        village=village_a, name="Bambang", position="Kasi Pembangunan", resident=kasi_person
    )
    extend_village(village=village_a, rnd=random.Random(5), today=D(2026, 12, 6))
    spps = list(PaymentRequest.objects.filter(village=village_a, kind=PaymentRequest.Kind.UM))
    assert len(spps) == 2
    for spp in spps:
        assert spp.payee_resident_id == kasi_person.pk
        assert (spp.raised_by, spp.verified_by, spp.approved_by, spp.paid_by) == (
            bendahara_a,
            sekdes_a,
            kades_a,
            bendahara_a,
        )
        assert spp.verified_at.date() == spp.date
        assert spp.paid_at.date() == spp.paid_on
    book = advances.advance_book(village=village_a, budget=spps[0].budget)
    assert "BAMBANG KASI" in book.rows[0].description.upper()


def test_undeposited_tax_is_a_task_on_the_treasurers_home(ledger, village_a):
    from balai.accounts.scope import scope_for
    from balai.finance.office_tasks import tax_tasks

    spp = _paid_advance(ledger, village_a, amount=3_000_000)
    assert [t.count for t in tax_tasks(scope=scope_for(ledger["bendahara"]), user=ledger["bendahara"])] == [0]
    advances.advance_settle(
        actor=ledger["bendahara"], village=village_a, spp=spp, number="S-1", date=D(2026, 3, 20),
        spent=2_750_000, taxes=[services.TaxInput("pph22", 2_750_000)],
    )  # fmt: skip
    tasks = tax_tasks(scope=scope_for(ledger["bendahara"]), user=ledger["bendahara"])
    assert [(t.label, t.count) for t in tasks] == [("SPP dengan pajak belum disetor (Rp 41.250)", 1)]
    assert tax_tasks(scope=scope_for(ledger["kades"]), user=ledger["kades"]) == []


def test_banner_percent_never_rounds_up_to_complete():
    assert pdf.pct_text(143_799_996, 143_800_000) == "99,99"
    assert pdf.pct_text(143_800_000, 143_800_000) == "100"
    assert pdf.pct_text(1, 3) == "33,33"
    assert pdf.pct_text(1, 2) == "50"
    assert pdf.pct_text(5, 0) == "0"


def test_spj_form_takes_several_taxes_and_names_the_row(client, ledger, village_a):
    """The office SPJ form: several tax rows, blank rows ignored (even between filled ones);
    a bad row is refused naming it, nothing written; then two taxes land on the SPJ."""
    from balai.finance.models import AdvanceSettlement, Tax

    spp = _paid_advance(ledger, village_a, amount=5_000_000)
    client.force_login(ledger["bendahara"])
    page = client.get(reverse("finance:spp", args=[spp.public_id])).content.decode()
    for n in (1, 2, 3, 4):
        assert f'name="tax_{n}"' in page
        assert f'name="tax_{n}_base"' in page
    url = reverse("finance:advance_settle", args=[spp.public_id])
    base = {"number": "SPJ-T", "date": "2026-03-20", "spent": "4.000.000"}
    entries = Entry.objects.count()

    def refused(data, *expected):
        text = client.post(url, base | data, follow=True).content.decode()
        for e in expected:
            assert e in text, (e, text[text.find("error") - 200 : text.find("error") + 400])
        assert not AdvanceSettlement.objects.filter(payment_request=spp).exists()
        assert Entry.objects.count() == entries

    # the same tax twice: the later row is named
    refused({"tax_1": "ppn", "tax_3": "ppn"}, "Pajak baris 3", "PPN sudah dicatat di baris 1")
    # a base without its kind
    refused({"tax_2_base": "1.000.000"}, "Pajak baris 2", "pilih jenis pajaknya")
    # a wrong amount on row 4 (the service's check, named by the form's row, not its position)
    refused(
        {"tax_1": "pph22", "tax_4": "pph23", "tax_4_amount": "99.000"},
        "Pajak baris 4: PPh 23 atas dasar Rp4.000.000 seharusnya Rp80.000",
    )
    # a fractional base
    refused({"tax_2": "pph23", "tax_2_base": "1000,5"}, "Pajak baris 2:", "tanpa sen")
    # a base over the spending
    refused(
        {"tax_1": "pph23", "tax_1_base": "4.500.000"},
        "Pajak baris 1: Dasar pengenaan pajak melebihi belanja SPJ",
    )
    ok = client.post(
        url, base | {"tax_2": "ppn", "tax_4": "pph22", "tax_4_base": "4.000.000"}, follow=True
    ).content.decode()
    assert "SPJ SPJ-T dicatat" in ok
    spj = AdvanceSettlement.objects.get(payment_request=spp)
    taxes = {t.kind: t.amount for t in Tax.objects.filter(settlement=spj)}
    assert taxes == {"ppn": 440_000, "pph22": 60_000}
    withheld = Entry.objects.filter(payment_request=spp, kind=Entry.Kind.TAX_WITHHELD)
    assert sorted(e.amount for e in withheld) == [60_000, 440_000]
    assert "PPN" in ok
    assert "PPh 22" in ok
