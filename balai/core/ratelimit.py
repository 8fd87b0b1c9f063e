"""Rate limits kept in the database, so every web worker and every app server sees the same
count (a per-process cache let each gunicorn worker grant the full quota again).

`hit(bucket, key, limit=, window=)` counts one request in a fixed window and says whether the
key is over its limit. The row is changed under a row lock (SQLite: the IMMEDIATE
transaction), so parallel requests each count. Keys are stored as SHA-256 digests: an address
or a username is not kept in clear just to be counted.

`client_ip(request)` is the visitor's address. Behind a reverse proxy every request comes from
the proxy; X-Forwarded-For names the visitor, but anyone can send that header. It is read only
when the request comes from one of `BALAI_TRUSTED_PROXIES`, and then from the right: the first
address that is not itself a trusted proxy is the visitor (entries left of it could be forged).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    found = []
    for entry in proxies:
        try:
            found.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue  # a typo in the setting must not open the header to everyone
    return tuple(found)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def trusted_proxies() -> tuple[Network, ...]:
    value = getattr(settings, "BALAI_TRUSTED_PROXIES", ()) or ()
    if isinstance(value, str):
        value = [p.strip() for p in value.split(",") if p.strip()]
    return _networks(tuple(value))


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    networks = trusted_proxies()
    if not networks or not _trusted(remote, networks):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # garbage in the header: count it against the proxy
    return hops[0] if hops else remote


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def hit(bucket: str, key: str, *, limit: int, window: dt.timedelta) -> bool:
    """Count one hit of `key` in `bucket`; True when it is over `limit` in the current window."""
    from balai.core.models import RateCounter

    digest = key_digest(key)
    now = timezone.now()
    with transaction.atomic():
        row = RateCounter.objects.select_for_update().filter(bucket=bucket, key=digest).first()
        if row is None:
            try:
                with transaction.atomic():
                    RateCounter.objects.create(bucket=bucket, key=digest, window_start=now, hits=1)
                return 1 > limit
            except IntegrityError:  # created by a parallel request meanwhile
                row = RateCounter.objects.select_for_update().get(bucket=bucket, key=digest)
        if row.window_start + window <= now:
            row.window_start, row.hits = now, 0
        row.hits += 1
        row.save(update_fields=["window_start", "hits"])
        return row.hits > limit


def hits(bucket: str, key: str, *, window: dt.timedelta) -> int:
    """The key's hits in the current window (0 when the window has passed)."""
    from balai.core.models import RateCounter

    row = RateCounter.objects.filter(bucket=bucket, key=key_digest(key)).first()
    if row is None or row.window_start + window <= timezone.now():
        return 0
    return row.hits


def clear(bucket: str, key: str) -> None:
    from balai.core.models import RateCounter

    RateCounter.objects.filter(bucket=bucket, key=key_digest(key)).delete()


def purge(older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Drop counters whose window began long ago (run by `balai audit-anchor`'s schedule or cron)."""
    from balai.core.models import RateCounter

    return RateCounter.objects.filter(window_start__lt=timezone.now() - older_than).delete()[0]
