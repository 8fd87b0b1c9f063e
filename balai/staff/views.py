"""Village officials (perangkat desa): list for village staff, edits for operator/sekdes."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from balai.accounts.decorators import require
from balai.accounts.http import VillageRequest
from balai.core.http import ServiceCall
from balai.staff import services
from balai.staff.forms import OfficialForm
from balai.staff.models import Official
from balai.staff.selectors import official_get, official_list, signatories


def _official(request: VillageRequest, public_id: str) -> Official:
    try:
        return official_get(village=request.village, public_id=public_id)
    except Official.DoesNotExist:
        raise Http404


@require("registry.read")
def official_list_view(request: VillageRequest) -> HttpResponse:
    village = request.village
    return render(
        request,
        "staff/official_list.html",
        {
            "officials": official_list(village=village),
            "signatories": signatories(village=village),
            "can_write": request.scope.can("registry.write"),
        },
    )


@require("registry.write")
def official_create(request: VillageRequest) -> HttpResponse:
    form = OfficialForm(request.POST or None, village=request.village)
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form) as call:
            official = services.official_create(
                actor=request.user,
                village=request.village,
                data=form.cleaned_data,
            )
        if call.ok:
            messages.success(request, _("%(name)s ditambahkan.") % {"name": official.name})
            return redirect("staff:official_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/official_form.html", {"form": form, "official": None}, status=status)


@require("registry.write")
def official_edit(request: VillageRequest, public_id: str) -> HttpResponse:
    official = _official(request, public_id)
    initial = {name: getattr(official, name) for name in services.OFFICIAL_FIELDS}
    form = OfficialForm(request.POST or None, initial=initial, village=official.village)
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form) as call:
            services.official_update(actor=request.user, official=official, data=form.cleaned_data)
        if call.ok:
            messages.success(request, _("%(name)s disimpan.") % {"name": official.name})
            return redirect("staff:official_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/official_form.html", {"form": form, "official": official}, status=status)


@require_POST
@require("registry.write")
def official_deactivate(request: VillageRequest, public_id: str) -> HttpResponse:
    official = _official(request, public_id)
    services.official_deactivate(actor=request.user, official=official)
    messages.success(request, _("%(name)s dinonaktifkan.") % {"name": official.name})
    return redirect("staff:official_list")
