"""Village profile: identity for letterheads, dusun and RW/RT units (village staff only).

The pages of `balai.regions` data, here because they need the signed-in user's scope (accounts,
a layer above regions). URL names stay in the `regions` namespace."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from balai.accounts.decorators import require
from balai.accounts.http import VillageRequest
from balai.core.http import ServiceCall
from balai.core.plugins import record_sections
from balai.regions import services
from balai.regions.forms import DusunForm, RtForm, VillageProfileForm
from balai.regions.models import Dusun, Rt, Village
from balai.regions.selectors import dusun_list, rt_list


def _dusun(village: Village, pk: int) -> Dusun:
    try:
        return dusun_list(village=village).get(pk=pk)
    except Dusun.DoesNotExist:
        raise Http404


def _rt(village: Village, public_id: str) -> Rt:
    try:
        return rt_list(village=village).get(public_id=public_id)
    except Rt.DoesNotExist:
        raise Http404


@require("registry.read")
def profile(request: VillageRequest) -> HttpResponse:
    village = request.village
    village.refresh_from_db()
    dusuns = list(dusun_list(village=village))
    can_write = request.scope.can("registry.write")
    # The appointed ketua RT (letters' RtHead, a plug-in: letters sits above people) wins over
    # the free-text name, which is kept (OpenSID fills it) and labelled as not appointed.
    appointed: dict[str, str] = {}
    heads_url = ""
    for section in record_sections("regions.rts", obj=village, scope=request.scope):
        appointed.update({str(k): v for k, v in section.rows})
        heads_url = heads_url or section.link_url
    rts = [(u, appointed.get(u.public_id, "")) for u in rt_list(village=village)]
    # The kepala dusun: whoever holds the dusun's kadus post (staff's plug-in, above people);
    # a typed name nobody linked yet is shown apart, as not appointed.
    heads: dict[str, str] = {}
    staff_url = ""
    for section in record_sections("regions.dusuns", obj=village, scope=request.scope):
        heads.update({str(k): v for k, v in section.rows})
        staff_url = staff_url or section.link_url
    dusun_rows = [(d, str(d.pk) in heads, heads.get(str(d.pk), "")) for d in dusuns]
    return render(
        request,
        "regions/profile.html",
        {
            "village": village,
            "dusuns": dusun_rows,
            "staff_url": staff_url,
            "rts": rts,
            "rt_heads_url": heads_url,
            "can_write": can_write,
            "dusun_form": DusunForm(),
            "rt_form": RtForm(village=village) if dusuns else None,
        },
    )


@require("registry.write")
def profile_edit(request: VillageRequest) -> HttpResponse:
    village = request.village
    village.refresh_from_db()
    initial: dict[str, object] = {name: getattr(village, name) for name in services.PROFILE_FIELDS}
    initial |= {name: getattr(village, name) or "" for name in services.COORDINATE_FIELDS}
    form = VillageProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k in services.PROFILE_FIELDS or k in services.COORDINATE_FIELDS
        }
        with ServiceCall(form) as call:
            services.village_profile_update(
                actor=request.user,
                village=village,
                data=data,
                logo=form.cleaned_data["logo"] or None,
                remove_logo=form.cleaned_data["remove_logo"],
            )
        if call.ok:
            messages.success(request, _("Profil desa disimpan."))
            return redirect("regions:profile")
    status = 400 if request.method == "POST" else 200
    return render(request, "regions/profile_form.html", {"village": village, "form": form}, status=status)


@require("registry.write")
def dusun_create(request: VillageRequest) -> HttpResponse:
    village = request.village
    form = DusunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form) as call:
            dusun = services.dusun_create(actor=request.user, village=village, **form.cleaned_data)
        if call.ok:
            messages.success(request, _("Dusun %(name)s ditambahkan.") % {"name": dusun.name})
            return redirect("regions:profile")
    status = 400 if request.method == "POST" else 200
    return render(request, "regions/dusun_form.html", {"form": form, "dusun": None}, status=status)


@require("registry.write")
def dusun_edit(request: VillageRequest, pk: int) -> HttpResponse:
    village = request.village
    dusun = _dusun(village, pk)
    form = DusunForm(request.POST or None, initial={"name": dusun.name})
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form) as call:
            services.dusun_update(actor=request.user, dusun=dusun, **form.cleaned_data)
        if call.ok:
            messages.success(request, _("Dusun %(name)s disimpan.") % {"name": dusun.name})
            return redirect("regions:profile")
    status = 400 if request.method == "POST" else 200
    return render(request, "regions/dusun_form.html", {"form": form, "dusun": dusun}, status=status)


@require("registry.write")
def rt_create(request: VillageRequest) -> HttpResponse:
    village = request.village
    form = RtForm(request.POST or None, village=village)
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form) as call:
            unit = services.rt_create(actor=request.user, village=village, **form.cleaned_data)
        if call.ok:
            messages.success(
                request, _("RT %(rt)s / RW %(rw)s ditambahkan.") % {"rt": unit.rt, "rw": unit.rw}
            )
            return redirect("regions:profile")
    status = 400 if request.method == "POST" else 200
    return render(request, "regions/rt_form.html", {"form": form, "unit": None}, status=status)


@require("registry.write")
def rt_edit(request: VillageRequest, public_id: str) -> HttpResponse:
    village = request.village
    unit = _rt(village, public_id)
    form = RtForm(
        request.POST or None,
        village=village,
        initial={"dusun": unit.dusun_id, "rw": unit.rw, "rt": unit.rt, "head_name": unit.head_name},
    )
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form) as call:
            services.rt_update(actor=request.user, unit=unit, **form.cleaned_data)
        if call.ok:
            messages.success(request, _("RT %(rt)s / RW %(rw)s disimpan.") % {"rt": unit.rt, "rw": unit.rw})
            return redirect("regions:profile")
    status = 400 if request.method == "POST" else 200
    return render(request, "regions/rt_form.html", {"form": form, "unit": unit}, status=status)
