from collections.abc import Callable
from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
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
        user = getattr(request, "user", None)
        if (
            request.session.get("_auth_user_id")  # signed in (no user query otherwise)
            and user is not None
            and getattr(user, "must_change_password", False)
            and request.path not in _allowed_while_changing()
        ):
            # An admin-set password must be replaced before anything else is opened.
            return redirect("accounts:password_change")
        return self.get_response(request)


def _allowed_while_changing() -> set[str]:
    return {reverse("accounts:password_change"), reverse("accounts:logout")}
