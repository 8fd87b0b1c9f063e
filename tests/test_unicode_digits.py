"""Numbers typed in another script's digits are the same numbers (issue 16).

A kiosk PIN typed as `٢٦٠٦٤٦` (Arabic-Indic digits for 260646, the resident's birth date)
was accepted as a new PIN: the "not your birth date" rule compared it with an ASCII string.
Every NIK, KK number and PIN is now turned into ASCII digits before any rule
(`balai.core.digits.ascii_digits`): in the kiosk, the forms, letters' NIK fields and the API.
"""

from __future__ import annotations

import json

import pytest

from balai.devices import pins, services
from balai.devices.models import ResidentCredential
from balai.kiosk.tests.conftest import GOOD_PIN, device_client, enrol, give_pin

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.fixture(autouse=True)
def _cheap_argon2(settings):
    settings.BALAI_KIOSK_ARGON2 = {"time_cost": 1, "memory_kib": 64, "parallelism": 1}
    settings.BALAI_KIOSK_PEPPER = "test-pepper"


@pytest.fixture
def kiosk_client(operator_a, village_a):
    _device, credential = enrol(operator_a, village_a)
    return device_client(credential)


def _signed_in_with_first_pin(client, resident, operator):
    pin = services.pin_issue(actor=operator, resident=resident)
    assert client.post("/anjungan/masuk/", {"nik": resident.nik, "pin": pin})["Location"] == "/anjungan/pin/"
    return pin


@pytest.mark.parametrize(
    "script", [ARABIC_INDIC, DEVANAGARI, FULL_WIDTH], ids=["arabic", "devanagari", "fullwidth"]
)
def test_a_birth_date_pin_in_other_digits_is_refused_like_its_ascii_form(
    kiosk_client, resident_a, operator_a, script
):
    # given: signed in with the operator's first PIN, asked to choose a new one
    pin = _signed_in_with_first_pin(kiosk_client, resident_a, operator_a)
    birth = f"{resident_a.birth_date:%d%m%y}"

    # when
    def change(new):
        return kiosk_client.post("/anjungan/pin/", {"current_pin": pin, "new_pin": new, "new_pin_again": new})

    ascii_answer = change(birth)
    other_answer = change(birth.translate(script))

    # then: both refused, with the same message
    assert ascii_answer.status_code == other_answer.status_code == 400
    assert "tanggal lahir" in other_answer.content.decode()
    assert ResidentCredential.objects.get(resident=resident_a).must_change_pin


def test_the_pin_rules_see_ascii(resident_a):
    birth = f"{resident_a.birth_date:%d%m%y}"
    for script in (ARABIC_INDIC, DEVANAGARI, FULL_WIDTH):
        assert pins.pin_problem(
            birth.translate(script), birth_date=resident_a.birth_date
        ) == pins.pin_problem(birth, birth_date=resident_a.birth_date)
        assert pins.pin_problem("123456".translate(script)) == pins.pin_problem("123456")


def test_sign_in_with_nik_and_pin_in_arabic_indic_digits(kiosk_client, resident_a, operator_a):
    give_pin(resident_a, operator_a)

    response = kiosk_client.post(
        "/anjungan/masuk/",
        {"nik": resident_a.nik.translate(ARABIC_INDIC), "pin": GOOD_PIN.translate(ARABIC_INDIC)},
    )

    assert response["Location"] == "/anjungan/saya/"


def test_a_new_pin_in_other_digits_is_stored_as_its_ascii_form(kiosk_client, resident_a, operator_a):
    pin = _signed_in_with_first_pin(kiosk_client, resident_a, operator_a)

    kiosk_client.post(
        "/anjungan/pin/",
        {
            "current_pin": pin,
            "new_pin": "715264".translate(FULL_WIDTH),
            "new_pin_again": "715264".translate(FULL_WIDTH),
        },
    )

    assert pins.verify_pin(ResidentCredential.objects.get(resident=resident_a).pin_hash, "715264")


def test_resident_form_stores_a_full_width_nik_as_ascii(client_a, family_a):
    from django.urls import reverse

    from balai.people.models import Resident
    from balai.people.tests.test_views import _resident_post

    nik = "3325014107900001"
    response = client_a.post(
        reverse("people:resident_create"),
        _resident_post(nik=nik.translate(FULL_WIDTH), kk_number=family_a.kk_number, family_relation="3"),
    )

    assert response.status_code == 302
    assert Resident.objects.filter(nik=nik, family=family_a).exists()


def test_search_by_nik_in_arabic_indic_digits(client_a, resident_a):
    from django.urls import reverse

    page = client_a.get(reverse("people:resident_list"), {"q": resident_a.nik.translate(ARABIC_INDIC)})

    assert resident_a.name in page.content.decode()


def test_letter_nik_field_in_devanagari_digits_is_stored_as_ascii(resident_a):
    from balai.letters.fields import clean_fields
    from balai.letters.types import REGISTRY

    letter_type = REGISTRY["kuasa"]
    data = {f.name: "x" for f in letter_type.fields if f.required}
    data["nik_penerima_kuasa"] = "3325014107900001".translate(DEVANAGARI)

    fields = {f.name: f for f in letter_type.fields}
    for name, f in fields.items():
        if f.kind == "date":
            data[name] = "2026-01-01"
        if f.choices:
            data[name] = f.choices[0][0]

    cleaned = clean_fields(letter_type, data)

    assert cleaned["nik_penerima_kuasa"] == "3325014107900001"


def test_api_takes_niks_in_other_digits(client, operator_a, resident_a, family_a):
    from balai.accounts.services import api_token_create

    _, key = api_token_create(user=operator_a, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    found = client.post(
        "/api/v1/residents/search",
        json.dumps({"q": resident_a.nik.translate(ARABIC_INDIC)}),
        content_type="application/json",
        **auth,
    )
    created = client.post(
        "/api/v1/residents",
        json.dumps(
            {
                "nik": "3325014107900001".translate(FULL_WIDTH),
                "name": "Siti Aminah",
                "sex": 2,
                "birth_date": "1990-07-01",
            }
        ),
        content_type="application/json",
        **auth,
    )

    assert [r["name"] for r in found.json()["items"]] == [resident_a.name]
    assert created.status_code == 201, created.content
    assert created.json()["nik"] == "3325014107900001"
