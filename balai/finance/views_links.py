"""Pages of finance's links to the single data: vendors, aid programmes paid from the APBDes,
officials' fixed income, and the regency's chart of accounts (Dispermades)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from balai.accounts.decorators import require
from balai.accounts.http import RegionalRequest, VillageRequest
from balai.aid import selectors as aid_selectors
from balai.core.http import ServiceCall
from balai.finance import forms, selectors_links, services_aid, services_chart, services_payees
from balai.finance.models import AidLink, BudgetLine, Vendor
from balai.finance.views import _budget
from balai.staff import selectors as staff_selectors

# --- Vendors ---------------------------------------------------------------------------------------


@require("finance.read")
def vendors(request: VillageRequest) -> HttpResponse:
    budget = _budget(request, required=False)
    form = forms.VendorForm(request.POST or None)
    if request.method == "POST":
        if not request.scope.can("finance.budget"):
            raise Http404
        if form.is_valid():
            with ServiceCall(form) as call:
                vendor = services_payees.vendor_create(
                    actor=request.user,
                    village=request.village,
                    **{k: v for k, v in form.cleaned_data.items() if k != "is_active"},
                )
            if call.ok:
                messages.success(request, _("Penyedia %(n)s didaftarkan.") % {"n": vendor.name})
                return redirect("finance:vendors")
    rows = [
        {
            "vendor": v,
            "npwp": selectors_links.npwp_masked(v.npwp),
            "account": selectors_links.account_masked(v.bank_account),
        }
        for v in selectors_links.vendor_list(village=request.village)
    ]
    return render(
        request,
        "finance/vendors.html",
        {"budget": budget, "rows": rows, "form": form},
        status=400 if form.errors else 200,
    )


@require("finance.budget")
def vendor_edit(request: VillageRequest, public_id: str) -> HttpResponse:
    try:
        vendor = selectors_links.vendor_get(village=request.village, public_id=public_id)
    except Vendor.DoesNotExist:
        raise Http404 from None
    initial = {k: getattr(vendor, k) for k in (*services_payees.VENDOR_FIELDS, "is_active")}
    form = forms.VendorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form) as call:
            services_payees.vendor_update(
                actor=request.user, village=request.village, vendor=vendor, **form.cleaned_data
            )
        if call.ok:
            messages.success(request, _("Data penyedia %(n)s disimpan.") % {"n": vendor.name})
            return redirect("finance:vendors")
    return render(
        request,
        "finance/vendor_edit.html",
        {"budget": _budget(request, required=False), "vendor": vendor, "form": form},
        status=400 if form.errors else 200,
    )


# --- Aid programmes paid from the APBDes ------------------------------------------------------------


@require("finance.read")
def aid_links(request: VillageRequest) -> HttpResponse:
    budget = _budget(request)
    assert budget is not None
    programmes = aid_selectors.programmes_for_village(village=request.village)
    form = forms.AidLinkForm(request.POST or None, budget=budget, programmes=programmes)
    if request.method == "POST":
        if not request.scope.can("finance.budget"):
            raise Http404
        if form.is_valid():
            with ServiceCall(form) as call:
                services_aid.aid_link_create(
                    actor=request.user,
                    village=request.village,
                    line=form.cleaned_data["line"],
                    programme=form.cleaned_data["programme"],
                    medium=form.cleaned_data["medium"],
                )
            if call.ok:
                messages.success(request, _("Program ditautkan ke rincian APBDes."))
                return redirect(f"{reverse('finance:aid_links')}?tahun={budget.year}")
    return render(
        request,
        "finance/aid_links.html",
        {
            "budget": budget,
            "rows": selectors_links.aid_links(village=request.village, budget=budget),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _link_or_404(request: VillageRequest, public_id: str) -> AidLink:
    try:
        return selectors_links.aid_link_get(village=request.village, public_id=public_id)
    except AidLink.DoesNotExist:
        raise Http404 from None


@require("finance.pay")
@require_POST
def aid_link_post(request: VillageRequest, public_id: str) -> HttpResponse:
    link = _link_or_404(request, public_id)
    with ServiceCall(request=request) as call:
        entries = services_aid.aid_distributions_post(actor=request.user, village=request.village, link=link)
    if call.ok:
        messages.success(
            request,
            _("%(n)d transaksi penyaluran dibukukan di Buku Kas Umum.") % {"n": len(entries)},
        )
    return redirect(f"{reverse('finance:aid_links')}?tahun={link.budget_line.budget.year}")


@require("finance.budget")
@require_POST
def aid_link_remove(request: VillageRequest, public_id: str) -> HttpResponse:
    link = _link_or_404(request, public_id)
    year = link.budget_line.budget.year
    with ServiceCall(request=request) as call:
        services_aid.aid_link_remove(actor=request.user, village=request.village, link=link)
    if call.ok:
        messages.success(request, _("Tautan dilepas."))
    return redirect(f"{reverse('finance:aid_links')}?tahun={year}")


# --- Officials' fixed income ----------------------------------------------------------------------


@require("finance.read")
def officials(request: VillageRequest) -> HttpResponse:
    budget = _budget(request)
    assert budget is not None
    people = staff_selectors.official_list(village=request.village, active_only=True)
    form = forms.OfficialLineForm(request.POST or None, budget=budget, officials=people)
    if request.method == "POST":
        if not request.scope.can("finance.budget"):
            raise Http404
        if form.is_valid():
            with ServiceCall(form) as call:
                services_payees.line_official_set(
                    actor=request.user,
                    village=request.village,
                    line=form.cleaned_data["line"],
                    official=form.cleaned_data["official"],
                )
            if call.ok:
                messages.success(request, _("Tautan rincian dan perangkat disimpan."))
                return redirect(f"{reverse('finance:officials')}?tahun={budget.year}")
    listed = list(people.select_related("profile"))
    pays = selectors_links.officials_pay(village=request.village, year=budget.year, officials=listed) or {}
    rows = [{"official": official, "pay": pays.get(official.pk)} for official in listed]
    lines = list(
        BudgetLine.objects.filter(budget=budget, account_code__startswith="5.1")
        .select_related("official")
        .order_by("account_code", "id")
    )
    return render(
        request,
        "finance/officials.html",
        {"budget": budget, "rows": rows, "lines": lines, "form": form},
        status=400 if form.errors else 200,
    )


# --- The regency's chart of accounts ---------------------------------------------------------------


def _chart_args(request: RegionalRequest) -> tuple[str, str, int]:
    regencies = selectors_links.regency_codes(villages=request.scope.readable_villages())
    raw = request.POST.get("kab") or request.GET.get("kab") or ""
    codes = dict(regencies)
    code = raw if raw in codes else (regencies[0][0] if regencies else "")
    year_raw = request.POST.get("tahun") or request.GET.get("tahun") or ""
    year = (
        int(year_raw) if year_raw.isdigit() and 2000 <= int(year_raw) <= 2100 else timezone.localdate().year
    )
    return code, codes.get(code, ""), year


@require("finance.chart", village=False)
def chart(request: RegionalRequest) -> HttpResponse:
    code, name, year = _chart_args(request)
    if not code:
        raise Http404
    form = forms.AccountForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("aksi", "")
        if form.is_valid():
            data = form.cleaned_data
            with ServiceCall(form) as call:
                if action == "tambah":
                    services_chart.account_add(
                        actor=request.user, regency_code=code, year=year, code=data["code"], name=data["name"]
                    )
                elif action == "ubah":
                    services_chart.account_rename(
                        actor=request.user, regency_code=code, year=year, code=data["code"], name=data["name"]
                    )
                elif action in ("nonaktif", "aktif"):
                    services_chart.account_set_active(
                        actor=request.user,
                        regency_code=code,
                        year=year,
                        code=data["code"],
                        active=action == "aktif",
                    )
                elif action == "hapus":
                    services_chart.account_delete(
                        actor=request.user, regency_code=code, year=year, code=data["code"]
                    )
                else:
                    raise Http404
            if call.ok:
                messages.success(request, _("Bagan akun %(y)s disimpan.") % {"y": year})
                return redirect(f"{reverse('finance:chart')}?kab={code}&tahun={year}")
        else:
            messages.error(request, " ".join(str(e) for v in form.errors.values() for e in v))
    return render(
        request,
        "finance/chart.html",
        {
            "regency_code": code,
            "regency_name": name,
            "year": year,
            "years": [year - 1, year, year + 1],
            "rows": selectors_links.chart_rows(regency_code=code, year=year),
            "form": form,
        },
        status=400 if form.errors or (request.method == "POST") else 200,
    )
