"""Issue 16, staff accounts: TOTP two-factor with recovery codes (required for kades, sekdes,
camat and dispermades, optional for others), self-service password change, admin-set
passwords changed at first sign-in, API tokens that end and are revoked."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from balai.accounts import two_factor
from balai.accounts.models import ApiToken, RecoveryCode, TwoFactor, User
from balai.accounts.services import (
    api_token_create,
    user_create,
    user_deactivate,
    user_password_reset,
    user_reactivate,
)
from balai.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "rahasia-demo-123"
API = "/api/v1/residents"


@pytest.fixture(autouse=True)
def _cheap_argon2(settings):
    settings.BALAI_RECOVERY_ARGON2 = {"time_cost": 1, "memory_kib": 64}


def _password_step(client: Client, username: str, password: str = PASSWORD):
    return client.post("/akun/masuk/", {"username": username, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _enrol(user: User) -> tuple[str, list[str]]:
    secret = pyotp.random_base32()
    codes = two_factor.enrol(user=user, secret=secret, code=pyotp.TOTP(secret).now())
    TwoFactor.objects.filter(user=user).update(last_step=0)
    return secret, codes


# --- Two-factor ---------------------------------------------------------------------------


def test_required_role_must_enrol_before_it_is_signed_in(client, kades_a):
    # when the kades gives the right password
    response = _password_step(client, "kades_a")
    # then they are not signed in yet, but sent to enrol an authenticator
    assert response.status_code == 302
    assert response.url == "/akun/dua-langkah/pasang/"
    assert not _signed_in(client)
    assert client.get("/penduduk/").status_code == 302
    page = client.get("/akun/dua-langkah/pasang/")
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.content.decode()).group(1)
    # a wrong code enrols nothing
    assert client.post("/akun/dua-langkah/pasang/", {"code": "000000"}).status_code == 400
    assert not TwoFactor.objects.filter(user=kades_a).exists()
    # the right one enrols, signs in and shows ten recovery codes once
    done = client.post("/akun/dua-langkah/pasang/", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert len(re.findall(r"<code>[a-z2-9]{5}-[a-z2-9]{5}</code>", done.content.decode())) == 10
    assert _signed_in(client)
    assert RecoveryCode.objects.filter(user=kades_a).count() == 10
    assert all(c.code_hash.startswith("$argon2") for c in RecoveryCode.objects.filter(user=kades_a))


@pytest.mark.parametrize("role_fixture", ["kades_a", "sekdes_a", "camat_a", "regency_viewer"])
def test_every_required_role_gets_the_second_step(request, client, role_fixture):
    user = request.getfixturevalue(role_fixture)
    assert two_factor.required_for(user)
    _password_step(client, user.username)
    assert not _signed_in(client)


def test_enrolled_user_needs_a_current_code_used_only_once(client, kades_a):
    secret, _codes = _enrol(kades_a)
    response = _password_step(client, "kades_a")
    assert response.url == "/akun/masuk/kode/"
    assert not _signed_in(client)
    assert client.post("/akun/masuk/kode/", {"code": "123456"}).status_code == 400
    code = pyotp.TOTP(secret).now()
    assert client.post("/akun/masuk/kode/", {"code": code}).status_code == 302
    assert _signed_in(client)
    # the same code, replayed by someone who saw it, does not open a second session
    other = Client()
    _password_step(other, "kades_a")
    assert other.post("/akun/masuk/kode/", {"code": code}).status_code == 400
    assert not _signed_in(other)


def test_recovery_code_signs_in_once(client, kades_a):
    _secret, codes = _enrol(kades_a)
    _password_step(client, "kades_a")
    assert client.post("/akun/masuk/kode/", {"code": codes[0].upper()}).status_code == 302
    assert _signed_in(client)
    again = Client()
    _password_step(again, "kades_a")
    assert again.post("/akun/masuk/kode/", {"code": codes[0]}).status_code == 400
    assert two_factor.recovery_codes_left(kades_a) == 9


def test_code_guessing_is_capped(client, kades_a):
    _enrol(kades_a)
    _password_step(client, "kades_a")
    for n in range(two_factor.ATTEMPTS):
        assert client.post("/akun/masuk/kode/", {"code": f"{n:06d}"}).status_code == 400
    assert client.post("/akun/masuk/kode/", {"code": "999999"}).status_code == 429
    # and the password step has to be done again
    assert client.post("/akun/masuk/kode/", {"code": "999999"}).status_code == 302


def test_the_password_step_expires(client, kades_a):
    secret, _ = _enrol(kades_a)
    _password_step(client, "kades_a")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        response = client.post("/akun/masuk/kode/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert response.url == "/akun/masuk/"
    assert not _signed_in(client)


def test_optional_for_an_operator_but_enforced_once_enrolled(client, operator_a):
    assert not two_factor.required_for(operator_a)
    _password_step(client, "operator_a")
    assert _signed_in(client)
    _enrol(operator_a)
    other = Client()
    assert _password_step(other, "operator_a").url == "/akun/masuk/kode/"
    assert not _signed_in(other)


def test_required_role_cannot_turn_it_off_but_an_operator_can(client, kades_a, operator_a):
    _enrol(kades_a)
    client.force_login(kades_a)
    client.post("/akun/dua-langkah/", {"action": "off"})
    assert TwoFactor.objects.filter(user=kades_a).exists()
    _enrol(operator_a)
    client.force_login(operator_a)
    client.post("/akun/dua-langkah/", {"action": "off"})
    assert not TwoFactor.objects.filter(user=operator_a).exists()


# --- Passwords ----------------------------------------------------------------------------


def test_admin_set_password_must_be_changed_at_first_sign_in(client, regency_viewer, village_a):
    user, _ = user_create(
        actor=regency_viewer, username="op.baru", full_name="Op Baru", role="operator",
        village=village_a, district_code="", password="Sementara-2026!",
    )  # fmt: skip
    assert user.must_change_password
    _password_step(client, "op.baru", "Sementara-2026!")
    assert _signed_in(client)
    # every page leads to the change form until the password is replaced
    for path in ("/penduduk/", "/", "/akun/token/"):
        response = client.get(path)
        assert (response.status_code, response.url) == (302, "/akun/kata-sandi/"), path
    changed = client.post(
        "/akun/kata-sandi/",
        {
            "old_password": "Sementara-2026!",
            "new_password1": "Milik-Saya-2026!",
            "new_password2": "Milik-Saya-2026!",
        },
    )
    assert changed.status_code == 302
    assert _signed_in(client)  # the session survives its own password change
    assert client.get("/penduduk/").status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password
    assert AuditEvent.objects.filter(action="user.password_changed", object_id=str(user.pk)).exists()


def test_password_reset_by_admin_forces_a_change(operator_a, regency_viewer):
    user_password_reset(actor=regency_viewer, user=operator_a, password="Dari-Admin-2026!")
    operator_a.refresh_from_db()
    assert operator_a.must_change_password


def test_self_service_password_change_checks_the_old_one(client_a, operator_a):
    wrong = client_a.post(
        "/akun/kata-sandi/",
        {"old_password": "salah", "new_password1": "Milik-Saya-2026!", "new_password2": "Milik-Saya-2026!"},
    )
    assert wrong.status_code == 400
    operator_a.refresh_from_db()
    assert operator_a.check_password(PASSWORD)


# --- API tokens ---------------------------------------------------------------------------


def _api(client: Client, key: str):
    return client.get(API, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_token_ends(client, operator_a):
    _token, key = api_token_create(user=operator_a, name="laptop", days=30)
    assert _api(client, key).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        assert _api(client, key).status_code == 401


def test_password_reset_revokes_tokens(client, operator_a, regency_viewer):
    _token, key = api_token_create(user=operator_a, name="laptop")
    user_password_reset(actor=regency_viewer, user=operator_a)
    assert _api(client, key).status_code == 401


def test_deactivation_revokes_tokens_for_good(client, operator_a, regency_viewer):
    _token, key = api_token_create(user=operator_a, name="laptop")
    user_deactivate(actor=regency_viewer, user=operator_a)
    user_reactivate(actor=regency_viewer, user=operator_a)
    assert _api(client, key).status_code == 401
    assert ApiToken.objects.get(user=operator_a).revoked_at is not None


def test_tokens_page_lists_creates_and_revokes_own_tokens_only(client_a, operator_a, operator_b, client):
    theirs, their_key = api_token_create(user=operator_b, name="milik-b")
    created = client_a.post("/akun/token/", {"action": "create", "name": "skrip", "days": "7"})
    key = re.search(r'id="new-token">([^<]+)<', created.content.decode()).group(1)
    assert _api(Client(), key).status_code == 200
    page = client_a.get("/akun/token/").content.decode()
    assert "skrip" in page
    assert "milik-b" not in page
    mine = ApiToken.objects.get(user=operator_a)
    client_a.post("/akun/token/", {"action": "revoke", "token": str(mine.pk)})
    assert _api(Client(), key).status_code == 401
    # someone else's token id does nothing
    client_a.post("/akun/token/", {"action": "revoke", "token": str(theirs.pk)})
    assert _api(Client(), their_key).status_code == 200


def test_token_lifetime_is_bounded(client_a):
    response = client_a.post("/akun/token/", {"action": "create", "name": "x", "days": "5000"})
    assert response.status_code == 400
