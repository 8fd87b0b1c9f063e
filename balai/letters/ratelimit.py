"""Per-address request limit for the public verification (web page and API), in the cache."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

PER_MINUTE = getattr(settings, "BALAI_VERIFY_RATE_PER_MINUTE", 30)


def over_limit(request: HttpRequest) -> bool:
    key = f"letters:verify:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=60)
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        hits = 1
    return hits > PER_MINUTE
