from collections.abc import Callable
from typing import cast

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from balai.accounts.http import ScopedRequest
from balai.accounts.scope import Scope, scope_for


class ScopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Lazy: a request that never asks (static files, the kiosk) costs no user lookup.
        scope = SimpleLazyObject(lambda: scope_for(getattr(request, "user", None)))
        cast(ScopedRequest, request).scope = cast(Scope, scope)
        return self.get_response(request)
