"""Bearer-token authentication and the scope checks every API operation starts with.

Token only, no session: a session-authenticated API would need CSRF protection on every
write, and the docs page's "try it out" works with the Authorize button instead.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from balai.accounts.http import RegionalRequest, ScopedRequest, scope_of
from balai.accounts.models import ApiToken, User
from balai.accounts.scope import scope_for
from balai.regions.models import Village

# last_used_at is informational; writing it on every request would serialise readers on SQLite.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token:
            return None
        api_token = (
            ApiToken.objects.select_related("user__village")
            .filter(
                key_hash=ApiToken.hash_key(token),
                revoked=False,
                expires_at__gt=timezone.now(),
                user__is_active=True,
            )
            .first()
        )
        if api_token is None:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        user = api_token.user
        # ScopeMiddleware derived a scope from the (anonymous) session; the token decides here.
        request.user = user
        cast(ScopedRequest, request).scope = scope_for(user)
        return user


def village_for(request: HttpRequest, capability: str) -> Village:
    """The caller's village, if it holds `capability` there; 403 otherwise.

    District and regency users have no village, so they never reach individual records.
    """
    scope = scope_of(request)
    if scope.village is None or not scope.can(capability):
        raise PermissionDenied
    return scope.village


def actor(request: HttpRequest) -> User:
    """The token's user (`TokenAuth` lets no operation run without one)."""
    return cast(RegionalRequest, request).user
