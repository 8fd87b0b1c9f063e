"""Issue 23, guidance: a help button that calls an operator (office home task, handled once),
the tour after the first sign-in, the guide's controls on every kiosk page."""

from __future__ import annotations

import pytest

from balai.kiosk.models import HelpCall
from balai.kiosk.office_tasks import kiosk_tasks
from balai.kiosk.tests.conftest import OTHER_PIN, sign_in

pytestmark = pytest.mark.django_db


def test_help_button_calls_an_operator_once(kiosk_client_a, client_a, village_a):
    response = kiosk_client_a.post("/anjungan/panggil-petugas/", {"screen": "/anjungan/status/"})
    assert response["Location"] == "/anjungan/status/"
    kiosk_client_a.post("/anjungan/panggil-petugas/", {"screen": "https://evil.example/"})
    call = HelpCall.objects.get()  # the second press within minutes is the same call
    assert call.screen == "/anjungan/status/"
    page = client_a.get("/anjungan/kelola/panggilan/").content.decode()
    assert call.public_id in page
    client_a.post("/anjungan/kelola/panggilan/", {"call": call.public_id})
    call.refresh_from_db()
    assert call.handled_at is not None
    assert client_a.post("/anjungan/kelola/panggilan/", {"call": "tidakada23456789"}).status_code == 404


def test_help_calls_are_an_office_task(kiosk_client_a, operator_a, village_a):
    from balai.accounts.scope import scope_for

    kiosk_client_a.post("/anjungan/panggil-petugas/", {"screen": "/anjungan/"})
    scope = scope_for(operator_a)
    tasks = kiosk_tasks(scope=scope, user=operator_a)
    assert tasks[0].count == 1
    assert tasks[0].urgent


def test_every_kiosk_page_has_the_guide_controls(kiosk_client_a):
    html = kiosk_client_a.get("/anjungan/").content.decode()
    for marker in (
        'id="k-tour-open"',
        'id="k-large-toggle"',
        'id="k-voice-toggle"',
        'id="k-help-form"',
        'id="k-tour"',
    ):
        assert marker in html
    assert "<script>" not in html  # CSP: scripts come from static files only
    assert 'data-tour="0"' in html


def test_tour_opens_once_after_the_first_pin_change(kiosk_client_a, resident_a, operator_a):
    from balai.devices import services as device_services

    pin = device_services.pin_issue(actor=operator_a, resident=resident_a)
    assert sign_in(kiosk_client_a, resident_a, pin)["Location"] == "/anjungan/pin/"
    done = kiosk_client_a.post(
        "/anjungan/pin/", {"current_pin": pin, "new_pin": OTHER_PIN, "new_pin_again": OTHER_PIN}
    )
    assert done["Location"] == "/anjungan/saya/"
    assert 'data-tour="1"' in kiosk_client_a.get("/anjungan/saya/").content.decode()
    assert 'data-tour="0"' in kiosk_client_a.get("/anjungan/saya/").content.decode()
