"""Economy pages for the village office: BUMDes and its books, UMKM, potential and prices.

Every object is found through a selector with the user's village, so another village's id
answers 404 exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from balai.accounts.decorators import require
from balai.accounts.http import RegionalRequest, VillageRequest
from balai.core.http import ServiceCall, paginate
from balai.economy import chart, forms, pdf, selectors, services
from balai.economy.models import (
    Account,
    Bumdes,
    BumdesManager,
    Business,
    BusinessUnit,
    JournalEntry,
    Potential,
    Product,
)
from balai.people import codes
from balai.people.models import Resident
from balai.people.selectors import resident_get, resident_qs


def _or_404(fn: Any, **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except (
        BusinessUnit.DoesNotExist,
        BumdesManager.DoesNotExist,
        JournalEntry.DoesNotExist,
        Business.DoesNotExist,
        Product.DoesNotExist,
        Potential.DoesNotExist,
        Account.DoesNotExist,
    ):
        raise Http404


def _year(request: VillageRequest) -> int:
    raw = request.GET.get("tahun", "")
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year + 1 else today.year


def _resident_by_nik(request: VillageRequest, form: Any, nik: str) -> Resident | None:
    resident = resident_qs(village=request.village).filter(nik=nik, status=codes.STATUS_ALIVE).first()
    if resident is None:
        form.add_error("nik", _("Tidak ada warga hidup desa ini dengan NIK tersebut."))
    return resident


# --- BUMDes --------------------------------------------------------------------------------


@require("economy.read")
def home(request: VillageRequest) -> HttpResponse:
    village = request.village
    bumdes = selectors.bumdes_for(village=village)
    year = _year(request)
    units = []
    if bumdes is not None:
        for unit in selectors.unit_list(village=village):
            b = selectors.books(village=village, unit=unit, year=year)
            units.append({"unit": unit, "books": b})
    return render(
        request,
        "economy/home.html",
        {
            "bumdes": bumdes,
            "year": year,
            "units": units,
            "consolidated": selectors.books(village=village, unit=None, year=year) if bumdes else None,
            "managers": selectors.manager_list(village=village).filter(ended_on__isnull=True),
            "capital": selectors.capital_list(village=village)[:10],
            "distributions": selectors.distribution_list(village=village)[:10],
            "businesses": selectors.business_list(village=village).filter(is_active=True).count(),
            # The village's own UMKM by sector, as the district and regency see theirs.
            "sectors": sorted(
                (
                    (chart.SECTORS.get(code, code), n)
                    for code, n in selectors.sector_counts(villages=[village]).get(village.pk, {}).items()
                ),
                key=lambda row: -row[1],
            ),
            "potentials": selectors.potential_list(village=village).count(),
        },
    )


@require("economy.read")
def bumdes_edit(request: VillageRequest) -> HttpResponse:
    village = request.village
    bumdes = selectors.bumdes_for(village=village)
    initial = {f: getattr(bumdes, f) for f in services.BUMDES_FIELDS} if bumdes else None
    form = forms.BumdesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not request.scope.can("economy.write"):
            raise PermissionDenied
        if form.is_valid():
            with ServiceCall(form) as call:
                if bumdes is None:
                    services.bumdes_create(actor=request.user, village=village, data=form.cleaned_data)
                else:
                    services.bumdes_update(actor=request.user, bumdes=bumdes, data=form.cleaned_data)
            if call.ok:
                messages.success(request, _("Data BUMDes disimpan."))
                return redirect("economy:home")
    return render(
        request,
        "economy/form.html",
        {"form": form, "title": _("Data BUMDes"), "back": reverse("economy:home")},
        status=400 if form.errors else 200,
    )


def _bumdes_or_404(request: VillageRequest) -> Bumdes:
    bumdes = selectors.bumdes_for(village=request.village)
    if bumdes is None:
        raise Http404
    return bumdes


@require("economy.write")
def unit_create(request: VillageRequest) -> HttpResponse:
    bumdes = selectors.bumdes_for(village=request.village)
    if bumdes is None:
        messages.error(request, _("Isi data BUMDes dulu."))
        return redirect("economy:bumdes_edit")
    form = forms.UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form) as call:
            unit = services.unit_create(actor=request.user, bumdes=bumdes, **form.cleaned_data)
        if call.ok:
            return redirect("economy:unit", unit.public_id)
    return render(
        request,
        "economy/form.html",
        {"form": form, "title": _("Unit usaha baru"), "back": reverse("economy:home")},
        status=400 if form.errors else 200,
    )


@require("economy.write")
def manager_create(request: VillageRequest) -> HttpResponse:
    bumdes = selectors.bumdes_for(village=request.village)
    if bumdes is None:
        messages.error(request, _("Isi data BUMDes dulu."))
        return redirect("economy:bumdes_edit")
    units = list(selectors.unit_list(village=request.village))
    form = forms.ManagerForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        resident = _resident_by_nik(request, form, form.cleaned_data["nik"])
        unit = next((u for u in units if u.public_id == form.cleaned_data["unit"]), None)
        if resident is not None:
            with ServiceCall(form) as call:
                services.manager_appoint(
                    actor=request.user,
                    bumdes=bumdes,
                    resident=resident,
                    position=form.cleaned_data["position"],
                    started_on=form.cleaned_data["started_on"],
                    unit=unit,
                )
            if call.ok:
                messages.success(request, _("Pengurus dicatat."))
                return redirect("economy:home")
    return render(
        request,
        "economy/form.html",
        {"form": form, "title": _("Pengurus BUMDes"), "back": reverse("economy:home")},
        status=400 if form.errors else 200,
    )


@require("economy.write")
@require_POST
def manager_end(request: VillageRequest, public_id: str) -> HttpResponse:
    manager = _or_404(selectors.manager_get, village=request.village, public_id=public_id)
    with ServiceCall(request=request):
        services.manager_end(
            actor=request.user,
            manager=manager,
            ended_on=timezone.localdate(),
            reason=request.POST.get("reason", "") or _("Diberhentikan"),
        )
    return redirect("economy:home")


@require("economy.read")
def unit(request: VillageRequest, public_id: str) -> HttpResponse:
    village = request.village
    the_unit = _or_404(selectors.unit_get, village=village, public_id=public_id)
    return _books_page(request, the_unit)


@require("economy.read")
def consolidated(request: VillageRequest) -> HttpResponse:
    _bumdes_or_404(request)
    return _books_page(request, None)


def _books_page(request: VillageRequest, the_unit: BusinessUnit | None) -> HttpResponse:
    village = request.village
    year = _year(request)
    bumdes = _bumdes_or_404(request)
    entries = paginate(
        request, selectors.entry_list(village=village, unit=the_unit).filter(date__year=year), 50
    )
    return render(
        request,
        "economy/books.html",
        {
            "bumdes": bumdes,
            "unit": the_unit,
            "year": year,
            "books": selectors.books(village=village, unit=the_unit, year=year),
            "entries": entries,
            "accounts": selectors.account_list(village=village),
            "close_form": forms.CloseForm(),
            "distribute_form": forms.DistributeForm(initial={"year": year - 1}),
            "distributions": selectors.distribution_list(village=village).filter(unit=the_unit)
            if the_unit
            else [],
        },
    )


@require("economy.read")
def annual_report(request: VillageRequest) -> HttpResponse:
    bumdes = _bumdes_or_404(request)
    year = _year(request)
    data = pdf.annual_report(village=request.village, bumdes=bumdes, year=year)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="laporan-tahunan-bumdes-{year}.pdf"'
    return response


@require("economy.read")
def ledger(request: VillageRequest, public_id: str) -> HttpResponse:
    village = request.village
    the_unit = _or_404(selectors.unit_get, village=village, public_id=public_id)
    year = _year(request)
    account = _or_404(selectors.account_get, village=village, code=request.GET.get("akun", chart.CASH))
    opening, rows = selectors.ledger(village=village, account=account, unit=the_unit, year=year)
    return render(
        request,
        "economy/ledger.html",
        {
            "unit": the_unit,
            "year": year,
            "account": account,
            "accounts": selectors.account_list(village=village),
            "opening": opening,
            "rows": rows,
        },
    )


@require("economy.write")
def entry_create(request: VillageRequest, public_id: str) -> HttpResponse:
    village = request.village
    the_unit = _or_404(selectors.unit_get, village=village, public_id=public_id)
    form = forms.EntryForm(request.POST or None)
    rows = [
        {k: request.POST.get(f"line-{i}-{k}", "") for k in ("account", "debit", "credit", "memo")}
        for i in range(forms.JOURNAL_ROWS)
    ]
    line_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form) as call:
            entry = services.entry_post(
                actor=request.user,
                bumdes=the_unit.bumdes,
                unit=the_unit,
                date=form.cleaned_data["date"],
                description=form.cleaned_data["description"],
                lines=services.lines_from_rows(rows),
            )
        if call.ok:
            messages.success(request, _("Jurnal nomor %(n)s dibukukan.") % {"n": entry.number})
            return redirect("economy:unit", the_unit.public_id)
        line_errors = call.errors.get("lines", [])
    return render(
        request,
        "economy/entry_form.html",
        {
            "unit": the_unit,
            "form": form,
            "rows": rows,
            "line_errors": line_errors,
            "accounts": selectors.account_list(village=village),
        },
        status=400 if (form.errors or line_errors) else 200,
    )


@require("economy.read")
def entry(request: VillageRequest, public_id: str) -> HttpResponse:
    the_entry = _or_404(selectors.entry_get, village=request.village, public_id=public_id)
    return render(
        request,
        "economy/entry.html",
        {"entry": the_entry, "lines": selectors.entry_lines(entry=the_entry)},
    )


@require("economy.write")
def capital_create(request: VillageRequest, public_id: str) -> HttpResponse:
    the_unit = _or_404(selectors.unit_get, village=request.village, public_id=public_id)
    form = forms.CapitalForm(request.POST or None, initial={"fiscal_year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form) as call:
            services.capital_participation_record(
                actor=request.user, bumdes=the_unit.bumdes, unit=the_unit, **form.cleaned_data
            )
        if call.ok:
            messages.success(request, _("Penyertaan modal desa dibukukan."))
            return redirect("economy:unit", the_unit.public_id)
    return render(
        request,
        "economy/form.html",
        {
            "form": form,
            "title": _("Penyertaan modal desa — %(u)s") % {"u": the_unit.name},
            "note": _("Dari APBDes pembiayaan %(code)s (Penyertaan Modal Desa).")
            % {"code": chart.APBDES_CAPITAL_PARTICIPATION},
            "back": reverse("economy:unit", args=[the_unit.public_id]),
        },
        status=400 if form.errors else 200,
    )


@require("economy.close")
@require_POST
def period_close(request: VillageRequest) -> HttpResponse:
    bumdes = _bumdes_or_404(request)
    form = forms.CloseForm(request.POST)
    if form.is_valid():
        with ServiceCall(request=request) as call:
            services.period_close(
                actor=request.user,
                bumdes=bumdes,
                through=form.cleaned_data["through"],
                today=timezone.localdate(),
            )
        if call.ok:
            messages.success(request, _("Buku ditutup."))
    else:
        messages.error(request, _("Tanggal tutup buku tidak sah."))
    return redirect(request.POST.get("next") or reverse("economy:consolidated"))


@require("economy.close")
@require_POST
def distribute(request: VillageRequest, public_id: str) -> HttpResponse:
    the_unit = _or_404(selectors.unit_get, village=request.village, public_id=public_id)
    form = forms.DistributeForm(request.POST)
    if form.is_valid():
        with ServiceCall(request=request) as call:
            dist = services.profit_distribute(
                actor=request.user, bumdes=the_unit.bumdes, unit=the_unit, **form.cleaned_data
            )
        if call.ok:
            messages.success(
                request,
                _("Bagian desa Rp%(amount)s dicatat sebagai pendapatan desa (PADes %(code)s).")
                % {"amount": f"{dist.village_share:,}".replace(",", "."), "code": chart.APBDES_PADES_BUMDES},
            )
    else:
        messages.error(request, _("Isi tahun buku dan tanggal setor."))
    return redirect("economy:unit", the_unit.public_id)


# --- UMKM ----------------------------------------------------------------------------------


@require("economy.read")
def businesses(request: VillageRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:60]
    sector = request.GET.get("sektor", "")
    page = paginate(request, selectors.business_list(village=request.village, query=query, sector=sector), 50)
    return render(
        request,
        "economy/businesses.html",
        {"page": page, "q": query, "sector": sector, "sectors": chart.SECTORS.items()},
    )


@require("economy.write")
def business_create(request: VillageRequest) -> HttpResponse:
    initial: dict[str, Any] = {"listed": True}
    owner_id = request.GET.get("penduduk", "")
    if owner_id:
        try:
            owner = resident_get(village=request.village, public_id=owner_id)
            initial["nik"] = owner.nik
        except Resident.DoesNotExist:
            raise Http404
    form = forms.NewBusinessForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        resident = _resident_by_nik(request, form, form.cleaned_data["nik"])
        if resident is not None:
            with ServiceCall(form) as call:
                business = services.business_create(
                    actor=request.user,
                    village=request.village,
                    owner=resident,
                    data=form.cleaned_data,
                    today=timezone.localdate(),
                )
            if call.ok:
                return redirect("economy:business", business.public_id)
    return render(
        request,
        "economy/form.html",
        {"form": form, "title": _("Usaha warga (UMKM) baru"), "back": reverse("economy:businesses")},
        status=400 if form.errors else 200,
    )


@require("economy.read")
def business(request: VillageRequest, public_id: str) -> HttpResponse:
    the_business = _or_404(selectors.business_get, village=request.village, public_id=public_id)
    services.business_viewed(actor=request.user, business=the_business)
    form = forms.BusinessForm(
        request.POST or None, initial={f: getattr(the_business, f) for f in services.BUSINESS_FIELDS}
    )
    if request.method == "POST":
        if not request.scope.can("economy.write"):
            raise PermissionDenied
        if form.is_valid():
            with ServiceCall(form) as call:
                services.business_update(
                    actor=request.user,
                    business=the_business,
                    data=form.cleaned_data,
                    today=timezone.localdate(),
                )
            if call.ok:
                messages.success(request, _("Data usaha disimpan."))
                return redirect("economy:business", the_business.public_id)
    letter_url = (
        reverse("letters:create")
        + "?"
        + urlencode(
            {
                "penduduk": the_business.owner.public_id,
                "jenis": "usaha",
                "nama_usaha": the_business.name,
                "alamat_usaha": the_business.address,
                "sejak": the_business.started_year or "",
            }
        )
    )
    return render(
        request,
        "economy/business.html",
        {
            "business": the_business,
            "form": form,
            "product_form": forms.ProductForm(),
            "products": the_business.products.all(),
            "sector_label": chart.SECTORS.get(the_business.sector, ""),
            "letter_url": letter_url,
        },
        status=400 if form.errors else 200,
    )


@require("economy.write")
@require_POST
def business_close(request: VillageRequest, public_id: str) -> HttpResponse:
    the_business = _or_404(selectors.business_get, village=request.village, public_id=public_id)
    if the_business.is_active:
        services.business_close(
            actor=request.user,
            business=the_business,
            reason=request.POST.get("reason", "")[:120] or _("Tutup"),
        )
    else:
        services.business_reopen(actor=request.user, business=the_business)
    return redirect("economy:business", the_business.public_id)


@require("economy.write")
@require_POST
def product_create(request: VillageRequest, public_id: str) -> HttpResponse:
    the_business = _or_404(selectors.business_get, village=request.village, public_id=public_id)
    form = forms.ProductForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data.get("photo")
        try:
            photo = upload.read(services.PHOTO_MAX_BYTES + 1) if upload else None
        except OSError:
            photo = b""
        with ServiceCall(request=request) as call:
            services.product_save(
                actor=request.user, business=the_business, data=form.cleaned_data, photo=photo
            )
        if call.ok:
            messages.success(request, _("Produk disimpan."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("economy:business", the_business.public_id)


@require("economy.write")
@require_POST
def product_delete(request: VillageRequest, public_id: str) -> HttpResponse:
    product = _or_404(selectors.product_get, village=request.village, public_id=public_id)
    business_id = product.business.public_id
    services.product_delete(actor=request.user, product=product)
    return redirect("economy:business", business_id)


@require("economy.read")
def product_photo(request: VillageRequest, public_id: str) -> HttpResponseBase:
    product = _or_404(selectors.product_get, village=request.village, public_id=public_id)
    if not product.photo:
        raise Http404
    return photo_response(product.photo)


def photo_response(name: str) -> FileResponse:
    """A stored product photo: always served as the JPEG it was re-encoded to, never sniffed."""
    try:
        handle = default_storage.open(name, "rb")
    except OSError:
        raise Http404
    response = FileResponse(handle, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "public, max-age=86400"
    return response


# --- Potential and prices ------------------------------------------------------------------


@require("economy.read")
def potentials(request: VillageRequest) -> HttpResponse:
    form = forms.PotentialForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        if not request.scope.can("economy.write"):
            raise PermissionDenied
        if form.is_valid():
            with ServiceCall(form) as call:
                services.potential_save(actor=request.user, village=request.village, data=form.cleaned_data)
            if call.ok:
                return redirect("economy:potentials")
    return render(
        request,
        "economy/potentials.html",
        {"potentials": selectors.potential_list(village=request.village), "form": form},
        status=400 if form.errors else 200,
    )


@require("economy.write")
def potential_edit(request: VillageRequest, public_id: str) -> HttpResponse:
    potential = _or_404(selectors.potential_get, village=request.village, public_id=public_id)
    initial = {f: getattr(potential, f) for f in ("category", "name", "quantity", "unit", "year", "note")}
    form = forms.PotentialForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form) as call:
            services.potential_save(
                actor=request.user, village=request.village, data=form.cleaned_data, potential=potential
            )
        if call.ok:
            return redirect("economy:potentials")
    return render(
        request,
        "economy/form.html",
        {"form": form, "title": potential.name, "back": reverse("economy:potentials")},
        status=400 if form.errors else 200,
    )


@require("economy.read")
def prices(request: VillageRequest) -> HttpResponse:
    form = forms.PriceForm(request.POST or None)
    if request.method == "POST":
        if not request.scope.can("economy.write"):
            raise PermissionDenied
        if form.is_valid():
            with ServiceCall(form) as call:
                services.price_record(
                    actor=request.user,
                    village=request.village,
                    week=form.cleaned_data["week"],
                    prices=form.prices(),
                )
            if call.ok:
                messages.success(request, _("Harga minggu ini disimpan."))
                return redirect("economy:prices")
    series = selectors.price_series(village=request.village, weeks=12, today=timezone.localdate())
    return render(
        request,
        "economy/prices.html",
        {"form": form, "charts": price_charts(series)},
        status=400 if form.errors else 200,
    )


def price_charts(series: dict[str, list[tuple[dt.date, int]]]) -> list[dict[str, Any]]:
    """One small SVG line per staple (drawn here: a dozen points need no chart library)."""
    out = []
    for code, (label, unit) in chart.COMMODITIES.items():
        points = sorted(series.get(code, []))
        if not points:
            continue
        lo = min(p for _w, p in points)
        hi = max(p for _w, p in points)
        span = max(hi - lo, 1)
        n = max(len(points) - 1, 1)
        coords = " ".join(
            f"{10 + i * 280 / n:.0f},{70 - (p - lo) * 60 / span:.0f}" for i, (_w, p) in enumerate(points)
        )
        out.append(
            {
                "label": label,
                "unit": unit,
                "points": coords,
                "last": points[-1][1],
                "last_week": points[-1][0],
                "first": points[0][1],
                "lo": lo,
                "hi": hi,
            }
        )
    return out


# --- District and regency ------------------------------------------------------------------


def _regional_context(request: RegionalRequest) -> dict[str, Any]:
    villages = list(request.scope.readable_villages().order_by("district_code", "name"))
    counts = selectors.sector_counts(villages=villages)
    sectors = [code for code in chart.SECTORS if any(code in c for c in counts.values())]
    rows = [
        {
            "village": v,
            "cells": [counts.get(v.pk, {}).get(s, 0) for s in sectors],
            "total": sum(counts.get(v.pk, {}).values()),
        }
        for v in villages
    ]
    totals = [sum(counts.get(v.pk, {}).get(s, 0) for v in villages) for s in sectors]
    potential = selectors.potential_by_category(villages=villages)
    categories = list(Potential.Category.choices)
    prices = [
        (str(chart.COMMODITIES[code][0]) if code in chart.COMMODITIES else code, median, n)
        for code, median, n in selectors.price_medians(villages=villages, today=timezone.localdate())
    ]
    return {
        "categories": categories,
        "potential_rows": [
            {"village": v, "cells": [potential.get(v.pk, {}).get(c, 0) for c, _label in categories]}
            for v in villages
            if potential.get(v.pk)
        ],
        "prices": prices,
        "sectors": [(s, chart.SECTORS[s]) for s in sectors],
        "rows": rows,
        "totals": totals,
        "grand_total": sum(totals),
    }


@require("aggregates.read", village=False)
def regional(request: RegionalRequest) -> HttpResponse:
    return render(request, "economy/regional.html", _regional_context(request))


@require("aggregates.read", village=False)
def regional_download(request: RegionalRequest, kind: str) -> HttpResponse:
    """The page's three tables as XLSX or PDF: the villages the scope reads (a camat's
    district only), counts and medians, no owner's name."""
    from balai.accounts.area import area_name
    from balai.core import tabledownload
    from balai.economy.downloads import regional_report

    report = regional_report(_regional_context(request), area=area_name(request.scope))
    return tabledownload.response(report, kind=kind, name="umkm-potensi-harga-wilayah")
