"""Signing in and one's own account: the password step, the second step (TOTP or recovery
code), enrolment of an authenticator, self-service password change, and API tokens."""

from __future__ import annotations

import time
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from balai.accounts import services, two_factor
from balai.accounts.forms import LoginForm
from balai.accounts.http import RegionalRequest
from balai.accounts.models import ApiToken, User
from balai.audit.services import audit_record
from balai.core import ratelimit
from balai.core.errors import ApplicationError
from balai.core.qr import qr_path

PENDING = "balai_2fa_pending"
SETUP = "balai_2fa_setup_secret"
# The password step is good for this long; then it must be done again.
PENDING_SECONDS = 300


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        has_factor = two_factor.enrolled(user)
        if not has_factor and not two_factor.required_for(user):
            return super().form_valid(form)
        # The password was right, but the user is not signed in until the second step.
        self.request.session.cycle_key()
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("accounts:two_factor_verify" if has_factor else "accounts:two_factor_setup")


def _pending(request: HttpRequest) -> tuple[User | None, dict[str, Any]]:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        return None, {}
    user = User.objects.filter(pk=int(pending.get("user") or 0), is_active=True).first()
    return user, pending


def _complete(request: HttpRequest, user: User, pending: dict[str, Any]) -> str:
    request.session.pop(PENDING, None)
    login(request, user, backend=pending.get("backend"))
    return str(pending.get("next") or resolve_url(settings.LOGIN_REDIRECT_URL))


def _no_store(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user, pending = _pending(request)
    if user is None:
        messages.info(request, _("Silakan masuk lagi dengan nama pengguna dan kata sandi."))
        return redirect("accounts:login")
    error, status = "", 200
    if request.method == "POST":
        key = str(user.pk)
        if ratelimit.hit("two-factor", key, limit=two_factor.ATTEMPTS, window=two_factor.ATTEMPT_WINDOW):
            request.session.pop(PENDING, None)
            error, status = _("Terlalu banyak kode salah. Tunggu 15 menit lalu masuk lagi."), 429
        elif two_factor.verify(user=user, code=request.POST.get("code", "")):
            ratelimit.clear("two-factor", key)
            return redirect(_complete(request, user, pending))
        else:
            error, status = _("Kode salah atau sudah dipakai. Masukkan kode yang sedang tampil."), 400
    return _no_store(render(request, "accounts/two_factor_verify.html", {"error": error}, status=status))


@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator: a signed-in user from their account page, or a required role
    right after the password step (then the sign-in completes here)."""
    pending: dict[str, Any] = {}
    if request.user.is_authenticated:
        user = request.user
    else:
        found, pending = _pending(request)
        if found is None:
            return redirect("accounts:login")
        user = found
    user = cast(User, user)
    secret = request.session.get(SETUP) or two_factor.new_secret()
    request.session[SETUP] = secret
    error = ""
    if request.method == "POST":
        try:
            codes = two_factor.enrol(user=user, secret=secret, code=request.POST.get("code", ""))
        except ApplicationError as exc:
            error = exc.message
        else:
            request.session.pop(SETUP, None)
            next_url = _complete(request, user, pending) if pending else resolve_url("accounts:two_factor")
            return _no_store(
                render(request, "accounts/recovery_codes.html", {"codes": codes, "next_url": next_url})
            )
    uri = two_factor.provisioning_uri(user, secret)
    size, path = qr_path(uri)
    context = {
        "secret": secret,
        "uri": uri,
        "qr_size": size,
        "qr_path": path,
        "error": error,
        "pending": bool(pending),
    }
    return _no_store(render(request, "accounts/two_factor_setup.html", context, status=400 if error else 200))


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_manage(request: RegionalRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "codes":
                codes = two_factor.recovery_codes_renew(user=user)
                return _no_store(
                    render(
                        request,
                        "accounts/recovery_codes.html",
                        {"codes": codes, "next_url": resolve_url("accounts:two_factor")},
                    )
                )
            if action == "off":
                two_factor.remove(actor=user, user=user)
                messages.success(request, _("Verifikasi dua langkah dimatikan."))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("accounts:two_factor")
    context = {
        "enrolled": two_factor.enrolled(user),
        "required": two_factor.required_for(user),
        "codes_left": two_factor.recovery_codes_left(user),
    }
    return _no_store(render(request, "accounts/two_factor.html", context))


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: RegionalRequest) -> HttpResponse:
    user = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            User.objects.filter(pk=user.pk).update(must_change_password=False)
            audit_record(
                actor=user, village=None, action="user.password_changed", object_type="user",
                object_id=user.pk, changes={"username": user.get_username()},
            )  # fmt: skip
        update_session_auth_hash(request, form.user)
        messages.success(request, _("Kata sandi sudah diganti."))
        return redirect(settings.LOGIN_REDIRECT_URL)
    context = {"form": form, "forced": user.must_change_password}
    return _no_store(
        render(request, "accounts/password_change.html", context, status=400 if form.errors else 200)
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: RegionalRequest) -> HttpResponse:
    """The user's own API tokens: list, create (shown once), revoke."""
    user = request.user
    created_key = ""
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            token = ApiToken.objects.filter(user=user, pk=_int(request.POST.get("token"))).first()
            if token is not None:
                services.api_token_revoke(token=token, actor=user)
                messages.success(request, _("Token %(prefix)s… dicabut.") % {"prefix": token.prefix})
            return redirect("accounts:tokens")
        if action == "create":
            days = _int(request.POST.get("days")) or 90
            try:
                _token, created_key = services.api_token_create(
                    user=user, name=request.POST.get("name", "").strip(), actor=user, days=days
                )
            except ApplicationError as exc:
                error = exc.message
    listed = ApiToken.objects.filter(user=user).order_by("-created_at")
    context = {"tokens": listed, "created_key": created_key, "error": error, "now": timezone.now()}
    return _no_store(render(request, "accounts/tokens.html", context, status=400 if error else 200))


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0
