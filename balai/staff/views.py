"""Village officials (perangkat desa): list for village staff, edits for operator/sekdes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from balai.accounts.decorators import require
from balai.regions.models import Village
from balai.staff import services
from balai.staff.forms import OfficialForm
from balai.staff.models import Official
from balai.staff.selectors import official_get, official_list, signatories


def _village(request: HttpRequest) -> Village:
    village: Village = request.scope.village  # type: ignore[attr-defined]
    return village


def _official(request: HttpRequest, public_id: str) -> Official:
    try:
        return official_get(village=_village(request), public_id=public_id)
    except Official.DoesNotExist:
        raise Http404


def _show_errors(form: Form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require("registry.read")
def official_list_view(request: HttpRequest) -> HttpResponse:
    village = _village(request)
    return render(
        request,
        "staff/official_list.html",
        {
            "officials": official_list(village=village),
            "signatories": signatories(village=village),
            "can_write": request.scope.can("registry.write"),  # type: ignore[attr-defined]
        },
    )


@require("registry.write")
def official_create(request: HttpRequest) -> HttpResponse:
    form = OfficialForm(request.POST or None, village=_village(request))
    if request.method == "POST" and form.is_valid():
        try:
            official = services.official_create(
                actor=request.user,  # type: ignore[arg-type]
                village=_village(request),
                data=form.cleaned_data,
            )
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("%(name)s ditambahkan.") % {"name": official.name})
            return redirect("staff:official_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/official_form.html", {"form": form, "official": None}, status=status)


@require("registry.write")
def official_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    official = _official(request, public_id)
    initial = {name: getattr(official, name) for name in services.OFFICIAL_FIELDS}
    form = OfficialForm(request.POST or None, initial=initial, village=official.village)
    if request.method == "POST" and form.is_valid():
        try:
            services.official_update(actor=request.user, official=official, data=form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("%(name)s disimpan.") % {"name": official.name})
            return redirect("staff:official_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/official_form.html", {"form": form, "official": official}, status=status)


@require_POST
@require("registry.write")
def official_deactivate(request: HttpRequest, public_id: str) -> HttpResponse:
    official = _official(request, public_id)
    services.official_deactivate(actor=request.user, official=official)  # type: ignore[arg-type]
    messages.success(request, _("%(name)s dinonaktifkan.") % {"name": official.name})
    return redirect("staff:official_list")
