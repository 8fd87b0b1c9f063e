"""Per-address request limit for the public letter pages (verification, status link) and the
verify API, in the cache.

Behind a reverse proxy every request comes from the proxy's address; X-Forwarded-For names
the visitor, but anyone can send that header. It is read only when the request comes from one
of `BALAI_TRUSTED_PROXIES`, and then from the right: the first address that is not itself a
trusted proxy is the visitor (the entries left of it could be forged by the visitor).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

PER_MINUTE = getattr(settings, "BALAI_VERIFY_RATE_PER_MINUTE", 30)

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


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(getattr(settings, "BALAI_TRUSTED_PROXIES", ()) or ()))
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


def over_limit(request: HttpRequest, bucket: str = "verify") -> bool:
    key = f"letters:{bucket}:{client_ip(request)}"
    cache.add(key, 0, timeout=60)
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        hits = 1
    return hits > PER_MINUTE
