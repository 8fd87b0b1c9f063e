import datetime as dt

import pytest
from django.urls import reverse

from balai.finance import siskeudes
from balai.finance.models import Budget, PaymentRequest
from balai.finance.siskeudes_sample import sample_tables


def _login(client, user):
    client.force_login(user)
    return client


def test_pages_render(client, ledger):
    _login(client, ledger["bendahara"])
    for name, args in [
        ("finance:home", []),
        ("finance:apbdes", []),
        ("finance:spp_list", []),
        ("finance:receipt", []),
        ("finance:book", ["bku"]),
        ("finance:book", ["bank"]),
        ("finance:book", ["pajak"]),
        ("finance:lra", []),
        ("finance:import", []),
        ("finance:book_xlsx", ["bku"]),
        ("finance:lra_xlsx", []),
    ]:
        query = f"?buku={args[0]}&tahun=2026" if args else "?tahun=2026"
        response = client.get(reverse(name) + query)
        assert response.status_code == 200, (name, response.status_code)
    assert client.get(reverse("finance:lra") + "?tahun=2026&periode=s1&kelompok=source").status_code == 200
    assert client.get(reverse("finance:lra") + "?tahun=2026&kelompok=bidang").status_code == 200


def test_spp_flow_through_the_pages(client, ledger, village_a):
    _login(client, ledger["bendahara"])
    url = reverse("finance:spp_list") + "?tahun=2026"
    data = {
        "tahun": "2026",
        "number": "0009/SPP/2026",
        "kind": "LS",
        "date": "2026-03-01",
        "line": ledger["service"].pk,
        "amount": "10.000.000",
        "payee_vendor": ledger["vendor"].pk,
        "medium": "bank",
        "tax_1": "pph23",
        "tax_1_base": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    spp = PaymentRequest.objects.get()
    assert spp.tax_total == 200_000
    bad = client.post(url, data | {"number": "X", "amount": "99.000.000"})
    assert bad.status_code == 400
    assert "sisa anggaran" in bad.content.decode()
    forbidden = client.post(reverse("finance:spp_step", args=[spp.public_id, "setujui"]))
    assert forbidden.status_code == 403
    _login(client, ledger["sekdes"])
    client.post(reverse("finance:spp_step", args=[spp.public_id, "verifikasi"]))
    _login(client, ledger["kades"])
    client.post(reverse("finance:spp_step", args=[spp.public_id, "setujui"]))
    _login(client, ledger["bendahara"])
    client.post(reverse("finance:spp_step", args=[spp.public_id, "bayar"]), {"paid_on": "2026-03-02"})
    spp.refresh_from_db()
    assert spp.status == PaymentRequest.Status.PAID
    page = client.get(reverse("finance:book") + "?buku=pajak&tahun=2026").content.decode()
    assert "200.000" in page


def test_import_preview_and_apply(client, village_a, bendahara_a):
    _login(client, bendahara_a)
    data = siskeudes.write_zip(sample_tables(siskeudes.siskeudes_village_code(village_a), 2024))
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("finance:import"), {"tahun": "2024", "file": SimpleUploadedFile("x.zip", data)}
    )
    assert response.status_code == 200
    assert "64.140.000" in response.content.decode()
    assert not Budget.objects.exists()
    response = client.post(reverse("finance:import_apply"))
    assert response.status_code == 302
    assert Budget.objects.get().year == 2024
    bad = client.post(
        reverse("finance:import"), {"tahun": "2024", "file": SimpleUploadedFile("x.zip", b"PK\x03\x04junk")}
    )
    assert bad.status_code == 400
    assert "rusak" in bad.content.decode()


def test_public_kiosk_summary_and_regional(client, ledger, village_a, regency_viewer):
    response = client.get(f"/desa/{village_a.code}/keuangan/")
    assert response.status_code == 200
    assert "Pendapatan menurut sumber" in response.content.decode()
    assert client.get("/desa/99.99.99.9999/keuangan/").status_code == 404
    _login(client, regency_viewer)
    response = client.get(reverse("finance:regional") + "?tahun=2026")
    assert response.status_code == 200
    assert village_a.name in response.content.decode()
    assert client.get(reverse("finance:regional_xlsx") + "?tahun=2026").status_code == 200
    pdf = client.get(reverse("finance:regional_pdf") + "?tahun=2026")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    assert client.get(reverse("finance:regional_pdf") + "?tahun=abc").status_code == 200  # this year
    assert client.get(reverse("finance:home")).status_code == 403


@pytest.mark.parametrize("role_fixture", ["operator_a", "kades_a"])
def test_non_treasurer_cannot_post_receipts(client, ledger, request, role_fixture):
    _login(client, request.getfixturevalue(role_fixture))
    response = client.post(
        reverse("finance:receipt") + "?tahun=2026",
        {
            "tahun": "2026",
            "number": "T1",
            "date": "2026-02-01",
            "line": ledger["dd"].pk,
            "amount": "1000",
            "medium": "bank",
        },
    )
    assert response.status_code == 403
    assert dt.date(2026, 1, 1)


def test_spp_form_shows_what_each_line_has_left_and_steps_name_people(client, ledger, village_a):
    import datetime as dt

    from django.urls import reverse

    from balai.finance import services

    ledger["sekdes"].first_name, ledger["sekdes"].last_name = "Wahyu", "Santoso"
    ledger["sekdes"].save()
    spp = services.payment_request_create(
        actor=ledger["bendahara"], village=village_a, budget=ledger["budget"], line=ledger["service"],
        number="S-LEFT", date=dt.date(2026, 3, 1), amount=4_000_000, description="Jasa",
        payee_vendor=ledger["vendor"],
    )  # fmt: skip
    services.payment_request_act(actor=ledger["sekdes"], village=village_a, spp=spp, step="verify")
    client.force_login(ledger["bendahara"])
    page = client.get(reverse("finance:spp_list") + "?tahun=2026").content.decode()
    assert "sisa Rp6.000.000 dari Rp10.000.000" in page
    detail = client.get(reverse("finance:spp", args=[spp.public_id])).content.decode()
    assert "Wahyu Santoso" in detail
