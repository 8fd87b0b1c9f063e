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
