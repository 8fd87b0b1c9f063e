from collections.abc import Callable
from functools import partial
from typing import Any, cast

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.auth.middleware import auser
from django.contrib.auth.models import AnonymousUser
from django.db import router
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from balai.accounts.http import ScopedRequest
from balai.accounts.models import User
from balai.accounts.scope import Scope, scope_for
from balai.core.db.compiled import CompiledQuery

_USER_FIELDS = tuple(f.attname for f in User._meta.concrete_fields)
_USER = CompiledQuery(
    User, lambda _shape, pk: User._default_manager.filter(pk=pk).values_list(*_USER_FIELDS)[:2]
)


def _model_backend_user(user_id: Any) -> User | None:
    """`ModelBackend.get_user` with one compiled query: the ORM's `get()` spent more CPU
    building the query than the database spent answering it, on every signed-in page."""
    rows = _USER.rows(user_id) if type(user_id) is int else None
    if rows is None:
        return cast(User | None, ModelBackend().get_user(user_id))
    if len(rows) != 1:
        return None
    user = User.from_db(router.db_for_read(User), _USER_FIELDS, rows[0])
    return user if ModelBackend().user_can_authenticate(user) else None


def get_user(request: HttpRequest) -> Any:
    """`django.contrib.auth.get_user`, the same session keys and the same session-hash check
    (a password change still signs out every other session), with the user read through
    `_model_backend_user` when the session's backend is Django's ModelBackend itself. The
    session keeps that backend's path, so nobody is signed out when this is deployed."""
    try:
        # As `auth._get_user_session_key`: the id as the primary key's Python value.
        user_id = User._meta.pk.to_python(request.session[SESSION_KEY])
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    backend = load_backend(backend_path)
    if type(backend) is not ModelBackend:
        return auth.get_user(request)
    user = _model_backend_user(user_id)
    if user is None:
        return AnonymousUser()
    session_hash = request.session.get(HASH_SESSION_KEY)
    session_auth_hash = user.get_session_auth_hash()
    if session_hash and constant_time_compare(session_hash, session_auth_hash):
        return user
    # As Django does: a hash made with a fallback secret is renewed, anything else signs out.
    if session_hash and any(
        constant_time_compare(session_hash, fallback) for fallback in user.get_session_auth_fallback_hash()
    ):
        request.session.cycle_key()
        request.session[HASH_SESSION_KEY] = session_auth_hash
        return user
    request.session.flush()
    return AnonymousUser()


def _cached_user(request: HttpRequest) -> Any:
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with `request.user` from `get_user` above (async views keep Django's)."""

    def process_request(self, request: HttpRequest) -> None:
        if not hasattr(request, "session"):
            super().process_request(request)  # Django's error about the missing session
            return
        request.user = SimpleLazyObject(lambda: _cached_user(request))  # type: ignore[assignment]
        request.auser = partial(auser, request)


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
