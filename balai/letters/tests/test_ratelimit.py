"""X-Forwarded-For is believed only from trusted proxies."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from balai.letters.ratelimit import client_ip, over_limit


def _request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/v/x", **meta)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        ([], "10.0.0.5", "203.0.113.9", "10.0.0.5"),  # no proxies configured: header ignored
        (["10.0.0.0/8"], "198.51.100.7", "203.0.113.9", "198.51.100.7"),  # not from the proxy
        (["10.0.0.0/8"], "10.0.0.5", "203.0.113.9", "203.0.113.9"),
        (["10.0.0.0/8"], "10.0.0.5", "1.1.1.1, 203.0.113.9", "203.0.113.9"),  # left part forgeable
        (["10.0.0.0/8", "127.0.0.1"], "127.0.0.1", "203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (["10.0.0.0/8"], "10.0.0.5", "", "10.0.0.5"),
        (["10.0.0.0/8"], "10.0.0.5", "bukan-alamat", "10.0.0.5"),
        (["10.0.0.0/8"], "10.0.0.5", "2001:db8::1", "2001:db8::1"),
        (["salah ketik", "10.0.0.0/8"], "10.0.0.5", "203.0.113.9", "203.0.113.9"),
    ],
)
def test_client_ip(settings, proxies, remote, forwarded, expected):
    settings.BALAI_TRUSTED_PROXIES = proxies
    assert client_ip(_request(remote, forwarded)) == expected


@pytest.mark.django_db
def test_limit_counts_visitors_behind_the_proxy_apart(settings):
    # given
    cache.clear()
    settings.BALAI_TRUSTED_PROXIES = ["127.0.0.1"]
    # when: one visitor uses up the limit through the proxy
    for _ in range(30):
        over_limit(_request("127.0.0.1", "203.0.113.9"))
    # then: that visitor is limited, another one behind the same proxy is not
    assert over_limit(_request("127.0.0.1", "203.0.113.9"))
    assert not over_limit(_request("127.0.0.1", "203.0.113.10"))


@pytest.mark.django_db
def test_forged_header_does_not_escape_the_limit(settings):
    cache.clear()
    settings.BALAI_TRUSTED_PROXIES = []
    for i in range(30):
        over_limit(_request("198.51.100.7", f"203.0.113.{i}"))
    assert over_limit(_request("198.51.100.7", "203.0.113.200"))


@pytest.mark.django_db
def test_limit_is_shared_by_every_process(settings):
    """Issue 16: the public pages' limit was kept per process (a locmem cache); each gunicorn
    worker granted the full quota again. The count now lives in the database: emptying this
    process's cache (what another worker would see) does not reset it."""
    settings.BALAI_TRUSTED_PROXIES = []
    for _ in range(15):
        over_limit(_request("198.51.100.8"))
    cache.clear()  # another worker: its own empty cache
    for _ in range(15):
        over_limit(_request("198.51.100.8"))
    assert over_limit(_request("198.51.100.8"))
