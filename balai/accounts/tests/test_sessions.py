"""The session store reads with a compiled query and otherwise behaves as Django's db store."""

import datetime as dt

from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from balai.accounts.sessions import SessionStore


def test_reads_what_djangos_store_wrote_and_refuses_expired_and_unknown(db):
    written = DjangoStore()
    written["_auth_user_id"] = "7"
    written.save()
    assert SessionStore(written.session_key).load() == {"_auth_user_id": "7"}

    Session.objects.filter(session_key=written.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(written.session_key)
    assert expired.load() == {}
    assert expired.session_key is None  # a new key on the next save, as Django does

    assert SessionStore("x" * 32).load() == {}
    assert SessionStore(None).load() == {}


def test_a_signed_in_page_uses_it(client, operator_a):
    client.force_login(operator_a)
    key = client.cookies["sessionid"].value
    assert SessionStore(key).load()["_auth_user_id"] == str(operator_a.pk)
    assert client.get("/penduduk/").status_code == 200


def test_the_signed_in_user_keeps_djangos_checks(client, operator_a, settings):
    """`request.user` comes from one compiled query; the session's backend path, the active
    flag and the session-hash check (a password change signs out other sessions) are Django's."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY

    client.force_login(operator_a)
    session = client.session
    # Sessions written before this middleware keep Django's own backend path, and stay valid.
    assert session[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"
    page = client.get("/penduduk/")
    assert page.status_code == 200
    assert page.wsgi_request.user.pk == operator_a.pk
    assert page.wsgi_request.user.village_id == operator_a.village_id

    # A hash made with an old secret is renewed, as Django does.
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "another-secret-" + "x" * 40
    old_key = client.cookies["sessionid"].value
    assert client.get("/penduduk/").status_code == 200
    assert client.cookies["sessionid"].value != old_key
    assert client.session[HASH_SESSION_KEY] == operator_a.get_session_auth_hash()

    operator_a.set_password("a-new-password-123")
    operator_a.save()
    assert client.get("/penduduk/").status_code == 302  # signed out: the hash no longer matches

    client.force_login(operator_a)
    assert client.get("/penduduk/").status_code == 200
    type(operator_a).objects.filter(pk=operator_a.pk).update(is_active=False)
    assert client.get("/penduduk/").status_code == 302

    client.force_login(operator_a)  # force_login does not check is_active
    settings.AUTHENTICATION_BACKENDS = ["balai.accounts.tests.test_sessions.OtherBackend"]
    assert client.get("/penduduk/").status_code == 302  # a backend no longer listed: signed out


class OtherBackend:
    pass
