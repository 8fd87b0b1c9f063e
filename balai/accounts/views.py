"""Regency administration for Dispermades: the villages served and the staff accounts."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from balai.accounts import services
from balai.accounts.decorators import require
from balai.accounts.forms_admin import PasswordResetForm, UserCreateForm, VillageAddForm
from balai.accounts.http import RegionalRequest
from balai.accounts.models import Role, User
from balai.accounts.selectors import user_get, user_list
from balai.core.errors import ApplicationError
from balai.core.http import ServiceCall, paginate
from balai.regions import services as region_services
from balai.regions.models import Village
from balai.regions.selectors import deployment_villages, village_list

MANAGE = "villages.manage"


def _user(pk: int) -> User:
    try:
        return user_get(pk=pk)
    except User.DoesNotExist:
        raise Http404


def _password_page(request: HttpRequest, user: User, password: str, created: bool) -> HttpResponse:
    # Shown once, in the POST's own response: never in a URL, a session or a redirect.
    response = render(
        request, "accounts/admin_password.html", {"account": user, "password": password, "created": created}
    )
    add_never_cache_headers(response)
    return response


@require(MANAGE, village=False)
def village_admin(request: RegionalRequest) -> HttpResponse:
    villages = list(deployment_villages())
    served = {v.code for v in villages if v.is_active}
    form = VillageAddForm(request.POST or None, served=served)
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form) as call:
            village = region_services.village_add(actor=request.user, code=form.cleaned_data["code"])
        if call.ok:
            messages.success(request, _("Desa %(name)s kini dilayani.") % {"name": village.name})
            return redirect("accounts:village_admin")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "accounts/admin_villages.html", {"villages": villages, "form": form}, status=status
    )


@require_POST
@require(MANAGE, village=False)
def village_admin_deactivate(request: RegionalRequest, code: str) -> HttpResponse:
    try:
        village = deployment_villages().get(code=code)
    except Village.DoesNotExist:
        raise Http404
    region_services.village_deactivate(actor=request.user, village=village)
    messages.success(
        request,
        _("Desa %(name)s dinonaktifkan; penggunanya tidak dapat masuk lagi.") % {"name": village.name},
    )
    return redirect("accounts:village_admin")


@require(MANAGE, village=False)
def user_admin_list(request: RegionalRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    role = request.GET.get("peran", "")
    users = user_list(q=q, role=role if role in Role.values else "")
    page = paginate(request, users, 50)
    return render(
        request, "accounts/admin_users.html", {"page": page, "q": q, "role": role, "roles": Role.choices}
    )


@require(MANAGE, village=False)
def user_admin_create(request: RegionalRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        village = village_list().filter(code=data["village"]).first() if data["village"] else None
        with ServiceCall(form) as call:
            user, generated = services.user_create(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                role=data["role"],
                village=village,
                district_code=data["district_code"],
                password=data["password"],
            )
        if call.ok:
            if generated:
                return _password_page(request, user, generated, created=True)
            messages.success(request, _("Akun %(username)s dibuat.") % {"username": user.username})
            return redirect("accounts:user_admin_detail", pk=user.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/admin_user_form.html", {"form": form}, status=status)


@require(MANAGE, village=False)
def user_admin_detail(request: RegionalRequest, pk: int) -> HttpResponse:
    account = _user(pk)
    return render(
        request,
        "accounts/admin_user_detail.html",
        {"account": account, "password_form": PasswordResetForm(), "is_self": account.pk == request.user.pk},
    )


@require_POST
@require(MANAGE, village=False)
def user_admin_deactivate(request: RegionalRequest, pk: int) -> HttpResponse:
    account = _user(pk)
    with ServiceCall(request=request) as call:
        services.user_deactivate(actor=request.user, user=account)
    if call.ok:
        messages.success(request, _("Akun %(username)s dinonaktifkan.") % {"username": account.username})
    return redirect("accounts:user_admin_detail", pk=account.pk)


@require_POST
@require(MANAGE, village=False)
def user_admin_reactivate(request: RegionalRequest, pk: int) -> HttpResponse:
    account = _user(pk)
    with ServiceCall(request=request) as call:
        services.user_reactivate(actor=request.user, user=account)
    if call.ok:
        messages.success(request, _("Akun %(username)s diaktifkan kembali.") % {"username": account.username})
    return redirect("accounts:user_admin_detail", pk=account.pk)


@require_POST
@require(MANAGE, village=False)
def user_admin_password(request: RegionalRequest, pk: int) -> HttpResponse:
    account = _user(pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        with ServiceCall(form) as call:
            generated = services.user_password_reset(
                actor=request.user,
                user=account,
                password=form.cleaned_data["password"],
            )
        if isinstance(call.refusal, ApplicationError):
            messages.error(request, call.text())
            return redirect("accounts:user_admin_detail", pk=account.pk)
        if call.ok:
            if generated:
                return _password_page(request, account, generated, created=False)
            messages.success(request, _("Kata sandi %(username)s diganti.") % {"username": account.username})
            return redirect("accounts:user_admin_detail", pk=account.pk)
    return render(
        request,
        "accounts/admin_user_detail.html",
        {"account": account, "password_form": form, "is_self": account.pk == request.user.pk},
        status=400,
    )
