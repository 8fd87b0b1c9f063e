"""Finance and the single data (issue 17 item 7 and item 2, issue 18 siltap): vendors and
resident payees, life events holding SPPs, aid distributions booked once, officials' 5.1
lines on their record, and the regency's chart of accounts."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from balai.aid.models import Distribution, DistributionCycle, Entitlement
from balai.aid.tests.distribution_fixtures import enrol, make_family, make_programme
from balai.audit.models import AuditEvent
from balai.core.errors import ApplicationError, NotAllowed
from balai.finance import selectors, services, services_aid, services_chart, services_payees
from balai.finance.models import Account, AidPosting, Entry, PaymentRequest
from balai.people import services as people_services
from balai.people.consequences import life_event_cancel
from balai.people.models import ReviewItem
from balai.people.tests.factories import ResidentFactory
from balai.staff.services import official_create

D = dt.date(2026, 3, 10)


def _spp(ledger, village, number="0001/SPP/2026", amount=1_000_000, **kw):
    args = {
        "actor": ledger["bendahara"],
        "village": village,
        "budget": ledger["budget"],
        "line": ledger["service"],
        "number": number,
        "date": D,
        "amount": amount,
        "description": "Jasa",
    } | kw
    return services.payment_request_create(**args)


def _approve(ledger, village, spp):
    services.payment_request_act(actor=ledger["sekdes"], village=village, spp=spp, step="verify")
    return services.payment_request_act(actor=ledger["kades"], village=village, spp=spp, step="approve")


# --- Vendors and payees --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "CV A", "npwp": "12345"}, "npwp"),
        ({"name": "CV A", "bank_account": "12ab"}, "bank_account"),
        ({"name": "CV A", "bank_account": "1234567890"}, "bank_name"),
        ({"name": "cv karya mandiri"}, "name"),  # the ledger's vendor, another case
    ],
)
def test_vendor_bad_input_is_refused_naming_the_field(ledger, village_a, values, field):
    with pytest.raises(ValidationError) as exc:
        services_payees.vendor_create(actor=ledger["bendahara"], village=village_a, **values)
    assert field in exc.value.message_dict


def test_vendor_page_masks_npwp_and_account(client, ledger, village_a):
    client.force_login(ledger["bendahara"])
    page = client.get(reverse("finance:vendors")).content.decode()
    assert "CV Karya Mandiri" in page
    assert "012345678901000" not in page
    assert "…1000" in page
    assert "0123010001233" not in page
    bad = client.post(reverse("finance:vendors"), {"name": "CV Baru", "npwp": "1"})
    assert bad.status_code == 400
    assert "NPWP" in bad.content.decode()


def test_vendor_registration_refused_to_kades(ledger, village_a, kades_a):
    with pytest.raises(NotAllowed):
        services_payees.vendor_create(actor=kades_a, village=village_a, name="CV Kades")


def test_spp_needs_a_resident_or_a_vendor(ledger, village_a):
    with pytest.raises(ValidationError) as exc:
        _spp(ledger, village_a)
    assert "payee" in exc.value.message_dict
    resident = ResidentFactory(village=village_a)
    with pytest.raises(ValidationError):
        _spp(ledger, village_a, payee_resident=resident, payee_vendor=ledger["vendor"])


def test_spp_to_a_vendor_takes_its_npwp(ledger, village_a):
    spp = _spp(ledger, village_a, payee_vendor=ledger["vendor"])
    assert spp.payee == "CV Karya Mandiri"
    assert spp.payee_npwp == "012345678901000"


def test_spp_to_a_resident_of_another_village_is_not_found(ledger, village_a, village_b):
    stranger = ResidentFactory(village=village_b)
    with pytest.raises(stranger.DoesNotExist):
        _spp(ledger, village_a, payee_resident=stranger)


def test_spp_to_a_dead_resident_is_refused(ledger, village_a):
    resident = ResidentFactory(village=village_a)
    people_services.death_record(actor=None, resident=resident, event_date=dt.date(2026, 2, 1))
    resident.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        _spp(ledger, village_a, payee_resident=resident)
    assert "tidak lagi tercatat" in str(exc.value)


def test_death_holds_an_unpaid_spp_for_review_and_cancelling_releases_it(ledger, village_a, operator_a):
    resident = ResidentFactory(village=village_a, name="PAIJO")
    spp = _approve(ledger, village_a, _spp(ledger, village_a, payee_resident=resident))
    paid_before = _spp(ledger, village_a, number="0002/SPP/2026", payee_resident=resident)
    event = people_services.death_record(actor=operator_a, resident=resident, event_date=dt.date(2026, 3, 11))
    spp.refresh_from_db()
    assert spp.hold_reason
    assert "PAIJO" in spp.hold_reason
    item = ReviewItem.objects.get(module="finance", link__contains=spp.public_id)
    assert item.state == ReviewItem.State.OPEN
    with pytest.raises(ApplicationError):
        services.payment_request_pay(actor=ledger["bendahara"], village=village_a, spp=spp, paid_on=D)
    assert not Entry.objects.filter(payment_request=spp).exists()
    assert PaymentRequest.objects.get(pk=paid_before.pk).hold_reason  # every open SPP to them
    life_event_cancel(actor=operator_a, event=event, reason="salah catat")
    spp.refresh_from_db()
    assert spp.hold_reason == ""
    services.payment_request_pay(actor=ledger["bendahara"], village=village_a, spp=spp, paid_on=D)


def test_spp_page_searches_residents_with_masked_nik(client, ledger, village_a):
    resident = ResidentFactory(village=village_a, name="SUKIMAN WIRYO")
    client.force_login(ledger["bendahara"])
    url = reverse("finance:spp_list")
    page = client.get(url, {"tahun": 2026, "cari": "sukiman"}).content.decode()
    assert "SUKIMAN WIRYO" in page
    assert resident.nik not in page
    assert resident.nik[-6:] in page
    page = client.get(url, {"tahun": 2026, "penerima": resident.public_id}).content.decode()
    assert 'id="payee-chosen"' in page
    assert AuditEvent.objects.filter(action="resident.viewed", object_id=resident.public_id).exists()
    data = {
        "tahun": "2026",
        "number": "0007/SPP/2026",
        "kind": "LS",
        "date": "2026-03-01",
        "line": ledger["service"].pk,
        "amount": "1.000.000",
        "payee_resident": resident.public_id,
        "medium": "bank",
    }
    response = client.post(url + "?tahun=2026", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PaymentRequest.objects.get(number="0007/SPP/2026").payee_resident_id == resident.pk
    missing = client.post(url + "?tahun=2026", data | {"number": "0008/SPP/2026", "payee_resident": ""})
    assert missing.status_code == 400
    assert "Pilih penerima" in missing.content.decode()


# --- Aid distributions ---------------------------------------------------------------------------


@pytest.fixture
def blt(village_a, kades_a, sekdes_a, bendahara_a, operator_a):
    """A set APBDes with a BLT line, a BLT programme and three distributions (two on one day)."""
    b = services.budget_create(actor=bendahara_a, village=village_a, year=2026, opening_cash=5_000_000)
    dd = services.budget_line_create(
        actor=bendahara_a,
        village=village_a,
        budget=b,
        account_code="4.2.1.01",
        funding_source="DDS",
        description="Dana Desa",
        unit_price=100_000_000,
    )
    act = services.activity_create(
        actor=bendahara_a, village=village_a, budget=b, code="05.03.01", name="BLT DD"
    )
    line = services.budget_line_create(
        actor=bendahara_a,
        village=village_a,
        budget=b,
        activity=act,
        account_code="5.4.1.02",
        funding_source="DDS",
        description="BLT Dana Desa",
        volume=12,
        unit="KPM-bulan",
        unit_price=300_000,
    )
    services.budget_set(
        actor=kades_a, village=village_a, budget=b, perdes_number="1/2026", perdes_date=dt.date(2025, 12, 20)
    )
    programme = make_programme(village_a)
    days = [dt.date(2026, 3, 5), dt.date(2026, 3, 5), dt.date(2026, 4, 5)]
    for n, day in enumerate(days, start=1):
        family = make_family(village_a, f"PENERIMA {n}")
        rec = enrol(programme, family)
        cycle, _c = DistributionCycle.objects.get_or_create(
            village=village_a,
            programme=programme,
            period="2026",
            number=day.month,
            defaults={
                "label": f"Tahap {day.month}",
                "covers_start": day,
                "covers_end": day,
                "planned_on": day,
                "amount": 300_000,
            },
        )
        ent = Entitlement.objects.create(village=village_a, cycle=cycle, recipient=rec, amount=300_000)
        Distribution.objects.create(
            village=village_a,
            entitlement=ent,
            distributed_on=day,
            amount=300_000,
            received_by="recipient",
            receiver_name=f"PENERIMA {n}",
            proof_kind="signature",
            proof="aid/proof/x.png",
            recorded_by=operator_a,
        )
    b.refresh_from_db()
    return {
        "budget": b,
        "line": line,
        "dd": dd,
        "programme": programme,
        "bendahara": bendahara_a,
        "operator": operator_a,
    }


def test_aid_distributions_are_booked_once_per_day(blt, village_a):
    link = services_aid.aid_link_create(
        actor=blt["operator"], village=village_a, line=blt["line"], programme=blt["programme"]
    )
    entries = services_aid.aid_distributions_post(actor=blt["bendahara"], village=village_a, link=link)
    assert [(e.date, e.amount) for e in entries] == [
        (dt.date(2026, 3, 5), 600_000),
        (dt.date(2026, 4, 5), 300_000),
    ]
    assert all(e.account_code == "5.4.1.02" and e.medium == "tunai" for e in entries)
    assert AidPosting.objects.count() == 3
    assert selectors.realised_by_line(budget=blt["budget"])[blt["line"].pk] == 900_000
    with pytest.raises(ApplicationError):  # nothing new: never twice
        services_aid.aid_distributions_post(actor=blt["bendahara"], village=village_a, link=link)
    with pytest.raises(ValidationError) as exc:  # the treasurer cannot pay it again by SPP
        services.payment_request_create(
            actor=blt["bendahara"],
            village=village_a,
            budget=blt["budget"],
            line=blt["line"],
            number="S1",
            date=D,
            amount=300_000,
            description="BLT",
            payee_resident=ResidentFactory(village=village_a),
        )
    assert "dua kali" in str(exc.value)
    with pytest.raises(ApplicationError):
        services_aid.aid_link_remove(actor=blt["operator"], village=village_a, link=link)
    assert AuditEvent.objects.filter(action="finance.aid_link.post").count() == 1


def test_aid_posting_refused_over_budget_or_cash_and_books_unchanged(blt, village_a):
    link = services_aid.aid_link_create(
        actor=blt["operator"], village=village_a, line=blt["line"], programme=blt["programme"], medium="bank"
    )
    with pytest.raises(ApplicationError) as exc:  # no money in the bank yet
        services_aid.aid_distributions_post(actor=blt["bendahara"], village=village_a, link=link)
    assert "Saldo" in str(exc.value)
    assert not Entry.objects.filter(budget=blt["budget"]).exists()


def test_aid_link_refused_on_a_line_with_spp_or_of_another_village(blt, village_a, village_b):
    resident = ResidentFactory(village=village_a)
    services.payment_request_create(
        actor=blt["bendahara"],
        village=village_a,
        budget=blt["budget"],
        line=blt["line"],
        number="S1",
        date=D,
        amount=300_000,
        description="BLT",
        payee_resident=resident,
    )
    with pytest.raises(ValidationError) as exc:
        services_aid.aid_link_create(
            actor=blt["operator"], village=village_a, line=blt["line"], programme=blt["programme"]
        )
    assert "dua kali" in str(exc.value)
    other = make_programme(village_b)
    with pytest.raises(other.DoesNotExist):
        services_aid.aid_link_create(
            actor=blt["operator"], village=village_a, line=blt["line"], programme=other
        )


def test_aid_link_shows_on_both_pages(client, blt, village_a):
    link = services_aid.aid_link_create(
        actor=blt["operator"], village=village_a, line=blt["line"], programme=blt["programme"]
    )
    client.force_login(blt["operator"])
    page = client.get(reverse("finance:aid_links"), {"tahun": 2026}).content.decode()
    assert "BLT Dana Desa" in page
    assert "900.000" in page
    aid_page = client.get(reverse("aid:programme_detail", args=[blt["programme"].public_id])).content.decode()
    assert "Pembiayaan dari APBDes" in aid_page
    assert "5.4.1.02" in aid_page
    client.force_login(blt["bendahara"])
    # The treasurer may not open the aid programme: its name is shown without a link.
    detail = reverse("aid:programme_detail", args=[blt["programme"].public_id])
    assert client.get(detail).status_code == 403
    page = client.get(reverse("finance:aid_links"), {"tahun": 2026}).content.decode()
    assert "BLT Dana Desa" in page
    assert detail not in page
    assert "Penyaluran belum dibukukan" in page
    response = client.post(reverse("finance:aid_link_post", args=[link.public_id]))
    assert response.status_code == 302
    assert Entry.objects.filter(budget_line=blt["line"]).count() == 2


# --- Officials' fixed income ---------------------------------------------------------------------


def test_siltap_lines_show_on_the_officials_record(client, ledger, village_a, operator_a):
    resident = ResidentFactory(village=village_a, name="SRI KADES")
    official = official_create(
        actor=None,
        village=village_a,
        data={"name": "SRI KADES", "position": "Kepala Desa", "resident": resident},
    )
    b = ledger["budget"]
    b = services.budget_revision_start(actor=ledger["bendahara"], village=village_a, budget=b)
    act = services.activity_create(
        actor=ledger["bendahara"], village=village_a, budget=b, code="01.01.01", name="Siltap Kades"
    )
    line = services.budget_line_create(
        actor=ledger["bendahara"],
        village=village_a,
        budget=b,
        activity=act,
        account_code="5.1.1.01",
        funding_source="ADD",
        description="Penghasilan tetap Kepala Desa",
        volume=12,
        unit="OB",
        unit_price=3_000_000,
    )
    with pytest.raises(ValidationError):  # only 5.1 lines
        services_payees.line_official_set(
            actor=operator_a, village=village_a, line=ledger["service"], official=official
        )
    services_payees.line_official_set(actor=operator_a, village=village_a, line=line, official=official)
    client.force_login(operator_a)
    page = client.get(reverse("staff:official_career", args=[official.public_id])).content.decode()
    assert "Penghasilan tetap dan tunjangan di APBDes" in page
    assert "5.1.1.01" in page
    assert "Rp36.000.000" in page
    listing = client.get(reverse("finance:officials"), {"tahun": 2026}).content.decode()
    assert "SRI KADES" in listing
    assert "36.000.000" in listing


# --- The regency's chart -------------------------------------------------------------------------


def test_chart_is_edited_per_regency_and_year_and_used_accounts_stay(ledger, village_a, regency_viewer):
    kab = village_a.regency_code
    services_chart.account_add(
        actor=regency_viewer, regency_code=kab, year=2027, code="5.2.1.77", name="Belanja khusus kabupaten"
    )
    assert Account.objects.filter(regency_code=kab, year=2027, code="5.2.1.77").exists()
    assert not Account.objects.filter(regency_code="", code="5.2.1.77").exists()
    services_chart.account_rename(
        actor=regency_viewer, regency_code=kab, year=2026, code="5.2.2.03", name="Jasa konsultan (kab.)"
    )
    names = services.account_names(year=2026, regency_code=kab)
    assert names["5.2.2.03"] == "Jasa konsultan (kab.)"
    with pytest.raises(ApplicationError) as exc:  # used by the ledger's line
        services_chart.account_delete(actor=regency_viewer, regency_code=kab, year=2026, code="5.2.2.03")
    assert "dipakai" in str(exc.value)
    services_chart.account_set_active(
        actor=regency_viewer, regency_code=kab, year=2026, code="5.2.2.03", active=False
    )
    b = ledger["budget"]
    b = services.budget_revision_start(actor=ledger["bendahara"], village=village_a, budget=b)
    with pytest.raises(ValidationError):  # inactive: no new lines
        services.budget_line_create(
            actor=ledger["bendahara"],
            village=village_a,
            budget=b,
            activity=ledger["road"],
            account_code="5.2.2.03",
            funding_source="DDS",
            description="x",
            unit_price=1,
        )
    services_chart.account_delete(actor=regency_viewer, regency_code=kab, year=2027, code="5.2.1.77")
    assert AuditEvent.objects.filter(action__startswith="finance.account.").count() == 4


@pytest.mark.parametrize(
    ("code", "name"), [("9.1", "x"), ("5.2.1.07", "dup"), ("5.9.9.01", "no parent"), ("5.2.1.98", "")]
)
def test_chart_bad_input(db, regency_viewer, village_a, code, name):
    with pytest.raises(ValidationError):
        services_chart.account_add(
            actor=regency_viewer, regency_code=village_a.regency_code, year=2026, code=code, name=name
        )


def test_chart_page_for_dispermades_only(client, village_a, regency_viewer, operator_a):
    client.force_login(operator_a)
    assert client.get(reverse("finance:chart")).status_code == 403
    client.force_login(regency_viewer)
    page = client.get(reverse("finance:chart"), {"tahun": 2026})
    assert page.status_code == 200
    assert "4.2.1.01" in page.content.decode()
    bad = client.post(reverse("finance:chart"), {"tahun": 2026, "aksi": "tambah", "code": "x", "name": "y"})
    assert bad.status_code == 400
    assert "Kode rekening" in bad.content.decode()
    ok = client.post(
        reverse("finance:chart"), {"tahun": 2026, "aksi": "tambah", "code": "4.1.4.99", "name": "Lain"}
    )
    assert ok.status_code == 302
    with pytest.raises(NotAllowed):
        services_chart.account_add(
            actor=operator_a, regency_code=village_a.regency_code, year=2026, code="4.1.4.98", name="x"
        )


def test_demo_links_vendors_officials_and_blt(village_a, operator_a):
    import random

    from balai.finance.demo import VENDORS, extend_village
    from balai.finance.models import AidLink, BudgetLine, Vendor

    for n in range(22):
        make_family(village_a, f"KELUARGA {n}")
    head = official_create(
        actor=None, village=village_a, data={"name": "KADES DEMO", "position": "Kepala Desa"}
    )
    kaur = official_create(
        actor=None, village=village_a, data={"name": "KAUR DEMO", "position": "Kaur Keuangan (Bendahara)"}
    )
    today = dt.date(2026, 12, 6)
    counts = extend_village(village=village_a, rnd=random.Random(5), today=today)
    assert Vendor.objects.filter(village=village_a).count() == len(VENDORS) == counts["finance_vendors"]
    assert BudgetLine.objects.get(village=village_a, official=head).account_code == "5.1.1.01"
    assert BudgetLine.objects.get(village=village_a, official=kaur).account_code == "5.1.2.01"
    link = AidLink.objects.get(village=village_a)
    budget = link.budget_line.budget
    # twenty families a month, January to November (December's is due on the 20th), booked
    # once per distribution day
    assert selectors.realised_by_line(budget=budget)[link.budget_line_id] == 20 * 300_000 * 11
    assert Entry.objects.filter(budget_line=link.budget_line).count() == 11
    assert AidPosting.objects.filter(link=link).count() == 220
    report = selectors.lra(budget=budget)
    spent = sum(e.amount for e in Entry.objects.filter(budget=budget, account_code__startswith="5"))
    assert report.spending.realised == spent


def test_api_vendors_aid_links_and_spp_to_a_vendor(client, blt, village_a):
    from balai.accounts.services import api_token_create
    from balai.finance.services_payees import vendor_create

    vendor = vendor_create(actor=None, village=village_a, name="CV API", npwp="012345678901000")
    services_aid.aid_link_create(actor=None, village=village_a, line=blt["line"], programme=blt["programme"])
    _, key = api_token_create(user=blt["bendahara"], name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    vendors = client.get("/api/v1/finance/vendors", **auth).json()
    assert vendors == [
        {
            "public_id": vendor.public_id,
            "name": "CV API",
            "npwp_masked": "…1000",
            "bank_name": "",
            "is_active": True,
        }
    ]
    links = client.get("/api/v1/finance/aid-links?year=2026", **auth).json()
    assert links[0]["pending"] == 900_000
    assert links[0]["pending_count"] == 3
    assert client.get("/api/v1/finance/officials?year=2026", **auth).status_code == 200
    body = {
        "year": 2026,
        "line": blt["dd"].public_id,
        "number": "API-1",
        "date": "2026-03-10",
        "amount": 1000,
        "payee_vendor": vendor.public_id,
    }
    # a revenue line takes no SPP; a vendor of no one is not found
    assert (
        client.post("/api/v1/finance/spp", body, content_type="application/json", **auth).status_code == 422
    )
    missing = body | {"payee_vendor": "tidakada23456789"}
    assert (
        client.post("/api/v1/finance/spp", missing, content_type="application/json", **auth).status_code
        == 404
    )
