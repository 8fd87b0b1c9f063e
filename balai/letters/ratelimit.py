"""Per-address request limit for the public letter pages (verification, status link) and the
verify API, counted in the database (`balai.core.ratelimit`) so every worker shares one count.
The visitor's address comes from `client_ip` (X-Forwarded-For only from trusted proxies).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest

from balai.core.ratelimit import client_ip, hit

__all__ = ["client_ip", "over_limit"]

PER_MINUTE = getattr(settings, "BALAI_VERIFY_RATE_PER_MINUTE", 30)


def over_limit(request: HttpRequest, bucket: str = "verify") -> bool:
    return hit(f"letters:{bucket}", client_ip(request), limit=PER_MINUTE, window=dt.timedelta(minutes=1))
