"""The regency's "who read what" page speaks the office's language (review of 2026-12-06)."""

from django.urls import reverse

from balai.people import services as people_services


def test_reads_page_names_the_purpose_and_takes_office_dates(client, regency_viewer, operator_a, resident_a):
    # given a read from the finance module's payee search
    people_services.resident_viewed(actor=operator_a, resident=resident_a, purpose="finance")
    client.force_login(regency_viewer)
    # when the officer asks with dates typed as the office writes them
    page = client.get(reverse("dashboard:reads") + "?dari=01-01-2020&sampai=31-12-2099")
    # then the purpose is in Indonesian, not the module's code
    body = page.content.decode()
    assert page.status_code == 200
    assert "penerima pembayaran (keuangan desa)" in body
    assert ">finance<" not in body
    # and a date that is not a date is refused with the office's format
    bad = client.get(reverse("dashboard:reads") + "?dari=32-13-2026")
    assert bad.status_code == 400
    assert "hh-bb-tttt" in bad.content.decode()
