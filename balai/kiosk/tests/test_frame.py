"""The kiosk frame: enrolment, device credential, refusals, idle timeout, no-store."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from balai.devices import services
from balai.devices.device import ACTIVITY_STEP, COOKIE_NAME, SESSION_ACTIVITY, credential_digest
from balai.devices.models import KioskDevice, KioskVillageSettings
from balai.kiosk.tests.conftest import device_client, sign_in

pytestmark = pytest.mark.django_db


def test_operator_creates_device_and_kiosk_enrols_with_the_code(client_a, village_a):
    # given an operator creating a kiosk
    response = client_a.post("/anjungan/kelola/", {"label": "Anjungan lobi"})
    assert response.status_code == 200
    code = response.context["code"]
    assert len(code) == 10
    assert "no-store" in response["Cache-Control"]
    device = KioskDevice.objects.get(label="Anjungan lobi")
    assert device.village == village_a
    assert device.enrol_code_hash == credential_digest(code)
    assert code not in str(KioskDevice.objects.filter(pk=device.pk).values().get())
    # when the kiosk browser enters the code
    kiosk = Client()
    response = kiosk.post("/anjungan/daftar/", {"code": code})
    # then it receives an HttpOnly credential cookie and lands on the home screen
    assert response.status_code == 302
    assert response["Location"] == "/anjungan/"
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["path"] == "/anjungan/"
    device.refresh_from_db()
    assert device.credential_hash == credential_digest(cookie.value)
    assert cookie.value not in str(KioskDevice.objects.filter(pk=device.pk).values().get())
    assert kiosk.get("/anjungan/").status_code == 200


def test_enrolment_code_works_once(operator_a, village_a):
    device, code = services.device_create(actor=operator_a, village=village_a, label="K1")
    assert services.device_enrol(code=code) is not None
    assert services.device_enrol(code=code) is None
    response = Client().post("/anjungan/daftar/", {"code": code})
    assert response.status_code == 400
    assert COOKIE_NAME not in response.cookies


def test_enrolment_code_expires(operator_a, village_a):
    device, code = services.device_create(actor=operator_a, village=village_a, label="K1")
    KioskDevice.objects.filter(pk=device.pk).update(
        enrol_code_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert services.device_enrol(code=code) is None


def test_secure_cookie_when_settings_say_so(operator_a, village_a, settings):
    settings.SESSION_COOKIE_SECURE = True
    device, code = services.device_create(actor=operator_a, village=village_a, label="K1")
    response = Client().post("/anjungan/daftar/", {"code": code})
    assert response.cookies[COOKIE_NAME]["secure"]


def test_unenrolled_browser_is_refused_in_indonesian(db):
    response = Client().get("/anjungan/")
    assert response.status_code == 403
    assert "bukan anjungan terdaftar" in response.content.decode()


def test_forged_cookie_is_refused(db):
    assert device_client("tebakan-acak").get("/anjungan/masuk/").status_code == 403


def test_disabled_device_refuses_every_page(kiosk_device_a, kiosk_client_a, operator_a, resident_a):
    device, _ = kiosk_device_a
    services.device_set_active(actor=operator_a, device=device, active=False)
    for url in ("/anjungan/", "/anjungan/masuk/", "/anjungan/saya/", "/anjungan/status/"):
        assert kiosk_client_a.get(url).status_code == 403, url


def test_operator_session_without_device_is_refused(client_a):
    # An operator's browser is not a kiosk.
    assert client_a.get("/anjungan/").status_code == 403
    assert client_a.get("/anjungan/saya/").status_code == 403


def test_kiosk_pages_are_no_store(kiosk_client_a):
    response = kiosk_client_a.get("/anjungan/")
    assert "no-store" in response["Cache-Control"]


def test_home_shows_village_and_idle_default(kiosk_client_a, village_a):
    body = kiosk_client_a.get("/anjungan/").content.decode()
    assert village_a.name in body
    assert 'data-idle-seconds="60"' in body


def test_idle_seconds_from_village_then_device(kiosk_device_a, kiosk_client_a, village_a, operator_a):
    KioskVillageSettings.objects.create(village=village_a, idle_seconds=90)
    assert 'data-idle-seconds="90"' in kiosk_client_a.get("/anjungan/").content.decode()
    device, _ = kiosk_device_a
    services.device_update(actor=operator_a, device=device, label=device.label, idle_seconds=30)
    assert 'data-idle-seconds="30"' in kiosk_client_a.get("/anjungan/").content.decode()


def test_idle_session_ends_on_the_server(resident_client_a):
    # given a signed-in resident
    assert resident_client_a.get("/anjungan/saya/").status_code == 200
    # when more than the idle timeout passes without a request
    session = resident_client_a.session
    session[SESSION_ACTIVITY] = timezone.now().timestamp() - (60 + ACTIVITY_STEP + 1)
    session.save()
    # then the next page asks for sign-in again and the session holds nothing of theirs
    response = resident_client_a.get("/anjungan/saya/")
    assert response.status_code == 302
    assert response["Location"] == "/anjungan/masuk/"
    assert "kiosk_resident" not in resident_client_a.session


def test_session_of_another_device_does_not_carry_over(resident_client_a, operator_a, village_a):
    # A session cookie copied to another kiosk of the same village is not a signed-in resident there.
    _, credential = __import__("balai.kiosk.tests.conftest", fromlist=["enrol"]).enrol(
        operator_a, village_a, "K2"
    )
    resident_client_a.cookies[COOKIE_NAME] = credential
    assert resident_client_a.get("/anjungan/saya/").status_code == 302


def test_sign_out_then_back_shows_nothing_personal(resident_client_a, resident_a):
    assert resident_a.name in resident_client_a.get("/anjungan/saya/").content.decode()
    resident_client_a.post("/anjungan/keluar/")
    response = resident_client_a.get("/anjungan/saya/", follow=True)
    assert resident_a.name not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_new_session_id_at_sign_in(kiosk_client_a, resident_a, operator_a):
    from balai.kiosk.tests.conftest import give_pin

    give_pin(resident_a, operator_a)
    kiosk_client_a.get("/anjungan/masuk/")
    kiosk_client_a.session.save()
    before = kiosk_client_a.cookies.get("sessionid")
    before_value = before.value if before else ""
    sign_in(kiosk_client_a, resident_a)
    assert kiosk_client_a.cookies["sessionid"].value != before_value


def test_active_session_is_kept(resident_client_a):
    session = resident_client_a.session
    session[SESSION_ACTIVITY] = timezone.now().timestamp() - 50
    session.save()
    assert resident_client_a.get("/anjungan/saya/").status_code == 200
    # and the visit counts as activity
    assert resident_client_a.session[SESSION_ACTIVITY] > timezone.now().timestamp() - 5


def test_enrolment_code_guesses_are_throttled_per_address(operator_a, village_a, settings):
    """Issue 16: /anjungan/daftar/ accepted 200 guesses at 151/s. Ten tries per address per
    30 minutes (counted in the database, so every worker shares them); then even the right
    code waits, while another address (behind the trusted proxy) is not slowed."""
    from django.test import Client

    from balai.devices import services
    from balai.kiosk.views import ENROL_PER_ADDRESS

    settings.BALAI_TRUSTED_PROXIES = ["10.0.0.2"]
    _device, code = services.device_create(actor=operator_a, village=village_a, label="Balai")
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    for n in range(ENROL_PER_ADDRESS):
        assert Client().post("/anjungan/daftar/", {"code": f"{n:010d}"}, **meta).status_code == 400
    refused = Client().post("/anjungan/daftar/", {"code": code}, **meta)
    assert refused.status_code == 429
    other = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert Client().post("/anjungan/daftar/", {"code": code}, **other).status_code == 302
