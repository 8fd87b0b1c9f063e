"""A kiosk of village A with a resident of A signed in gets 404 for anything of village B,
through every kiosk URL that names an object; and B's residents do not exist at A's kiosk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from balai.devices.device import SESSION_RESIDENT
from balai.kiosk.models import CorrectionReport
from balai.kiosk.tests.conftest import give_pin, office_issues, sign_in
from balai.letters.models import Letter
from balai.letters.services.workflow import letter_request_create
from balai.people.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def b_objects(operator_b, village_b, family_b, resident_b):
    child = ResidentFactory(
        village=village_b,
        family=family_b,
        rt=family_b.rt,
        birth_date=timezone.localdate() - dt.timedelta(days=300),
    )
    letter = letter_request_create(
        actor=operator_b,
        village=village_b,
        type_code="penduduk",
        subject=resident_b,
        fields={"keperluan": "x"},
    )
    return {"letter": letter, "child": child, "resident": resident_b}


def test_every_object_url_of_b_is_404_for_a_resident_of_a(resident_client_a, b_objects):
    letter, child = b_objects["letter"], b_objects["child"]
    urls = [
        reverse("kiosk:letter_result", args=[letter.public_id]),
        reverse("kiosk:letter_pdf", args=[letter.public_id]),
        reverse("kiosk:growth_child", args=[child.public_id]),
    ]
    for url in urls:
        assert resident_client_a.get(url).status_code == 404, url
    assert (
        resident_client_a.post(reverse("kiosk:letter_print_failed", args=[letter.public_id])).status_code
        == 404
    )


def test_missing_ids_answer_like_b_ids(resident_client_a, b_objects):
    for name in ("kiosk:letter_result", "kiosk:letter_pdf", "kiosk:growth_child"):
        assert resident_client_a.get(reverse(name, args=["tidakada23456789"])).status_code == 404


def test_correction_naming_bs_resident_is_404(resident_client_a, b_objects):
    data = {"token": "c" * 32, "subject": b_objects["resident"].public_id, "text": "x"}
    assert resident_client_a.post(reverse("kiosk:correction"), data).status_code == 404
    assert not CorrectionReport.objects.exists()


def test_letter_type_allowed_only_by_own_village_settings(resident_client_a, b_objects):
    # Requests are made for the signed-in resident only; there is no subject parameter to point at B.
    response = resident_client_a.post(
        reverse("kiosk:letter_request", args=["penduduk"]),
        {"token": "d" * 32, "keperluan": "x", "subject": b_objects["resident"].public_id},
    )
    assert response.status_code in (302, 400)
    assert (
        not Letter.objects.filter(subject=b_objects["resident"]).exclude(pk=b_objects["letter"].pk).exists()
    )


def test_bs_tracking_code_is_unknown_at_as_kiosk(kiosk_client_a, b_objects):
    code = b_objects["letter"].tracking_code_display
    assert kiosk_client_a.post(reverse("kiosk:track"), {"code": code}).status_code == 404


def test_bs_resident_cannot_sign_in_at_as_kiosk(kiosk_client_a, resident_b, operator_b):
    give_pin(resident_b, operator_b)
    assert sign_in(kiosk_client_a, resident_b).status_code == 400


def test_session_pointing_at_bs_resident_is_not_signed_in(resident_client_a, resident_b):
    # Even a tampered session (resident id of B) on A's device shows nothing of B.
    session = resident_client_a.session
    session[SESSION_RESIDENT] = resident_b.pk
    session.save()
    response = resident_client_a.get(reverse("kiosk:family"))
    assert response.status_code == 302
    assert resident_b.name not in resident_client_a.get(reverse("kiosk:home")).content.decode()


def test_bs_issued_letter_pdf_is_404_at_as_kiosk(resident_client_a, village_b, operator_b, resident_b):
    from balai.accounts.models import Role, User
    from balai.staff.services import official_create

    kades_b = User.objects.create_user(
        username="kades_b", password="x-rahasia-123", role=Role.KADES, village=village_b
    )
    official = official_create(
        actor=None,
        village=village_b,
        data={"name": "KADES B", "position": "Kepala Desa", "signs_letters": True, "signs_as": "own"},
    )
    official.user = kades_b
    official.save(update_fields=["user"])
    letter = letter_request_create(
        actor=operator_b,
        village=village_b,
        type_code="penduduk",
        subject=resident_b,
        fields={"keperluan": "x"},
    )
    letter = office_issues(letter, operator=operator_b, kades=kades_b)
    assert letter.state == "issued"
    assert resident_client_a.get(reverse("kiosk:letter_pdf", args=[letter.public_id])).status_code == 404


def test_home_of_a_shows_nothing_of_b(kiosk_client_a, operator_b, village_b):
    from balai.kiosk import services

    services.announcement_save(
        actor=operator_b,
        village=village_b,
        data={
            "title": "RAPAT DESA CEPAGAN",
            "body": "x",
            "published_on": timezone.localdate(),
            "expires_on": None,
            "is_active": True,
        },
    )
    assert "RAPAT DESA CEPAGAN" not in kiosk_client_a.get(reverse("kiosk:home")).content.decode()
