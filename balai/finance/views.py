"""Finance pages of the village office: parse input, call one service or selector, render.

The year comes from `?tahun=` (default: this year's APBDes, else the newest); the village
only from the signed-in user's scope, so another village's ids answer 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from balai.accounts.decorators import require
from balai.accounts.http import RegionalRequest, VillageRequest
from balai.core import xlsx
from balai.core.http import ServiceCall
from balai.core.masking import mask_tail
from balai.finance import exports, forms, forms_advances, selectors, services
from balai.finance.models import Budget, BudgetLine, Entry, PaymentRequest
from balai.finance.office_tasks import TAX_WAITING, TAX_WAITING_Q

BOOK_TITLES = {
    "bku": "Buku Kas Umum",
    "bank": "Buku Pembantu Bank",
    "tunai": "Buku Pembantu Kas Tunai",
    "pajak": "Buku Pembantu Pajak",
}


def _year(request: VillageRequest) -> int | None:
    raw = request.POST.get("tahun") or request.GET.get("tahun") or ""
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None


def _budget(request: VillageRequest, *, required: bool = True) -> Budget | None:
    year = _year(request)
    if year is not None:
        budget = Budget.objects.filter(village=request.village, year=year).first()
    else:
        budget = selectors.budget_current(village=request.village)
    if budget is None and required:
        raise Http404
    return budget


def _back(name: str, budget: Budget, *args: Any) -> HttpResponse:
    return redirect(f"{reverse(name, args=args)}?tahun={budget.year}")


def _errors(call: ServiceCall, request: VillageRequest) -> None:
    if not call.ok:
        messages.error(request, call.text())


def _form_error(request: VillageRequest, form: Any) -> None:
    text = " ".join(
        f"{form.fields[k].label if k in form.fields else ''}: {' '.join(v)}".strip(": ")
        for k, v in form.errors.items()
    )
    messages.error(request, text)


@require("finance.read")
def home(request: VillageRequest) -> HttpResponse:
    budget = _budget(request, required=False)
    context: dict[str, Any] = {"budget": budget, "budgets": selectors.budget_list(village=request.village)}
    if budget is not None:
        context["balances"] = selectors.balances(budget=budget)
        context["report"] = selectors.lra(budget=budget)
        context["pending"] = selectors.spp_list(village=request.village, budget=budget).exclude(
            status__in=[PaymentRequest.Status.PAID, PaymentRequest.Status.REJECTED]
        )[:20]
    context["create_form"] = forms.BudgetCreateForm(initial={"year": timezone.localdate().year})
    return render(request, "finance/home.html", context)


@require("finance.budget")
@require_POST
def budget_create(request: VillageRequest) -> HttpResponse:
    form = forms.BudgetCreateForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
        return redirect("finance:home")
    with ServiceCall(request=request) as call:
        budget = services.budget_create(
            actor=request.user,
            village=request.village,
            year=form.cleaned_data["year"],
            opening_bank=form.cleaned_data["opening_bank"] or 0,
            opening_cash=form.cleaned_data["opening_cash"] or 0,
        )
    if not call.ok:
        return redirect("finance:home")
    return _back("finance:apbdes", budget)


@require("finance.read")
def apbdes(request: VillageRequest) -> HttpResponse:
    budget = _budget(request)
    assert budget is not None
    return render(
        request,
        "finance/apbdes.html",
        {
            "budget": budget,
            "blocks": selectors.apbdes_blocks(budget=budget),
            "report": selectors.lra(budget=budget),
            "activity_form": forms.ActivityForm(),
            "line_form": forms.LineForm(budget=budget),
            "set_form": forms.SetForm(),
            "revision_form": forms.RevisionSetForm(),
            "editable": not budget.is_set or budget.revising,
        },
    )


@require("finance.budget")
@require_POST
def activity_create(request: VillageRequest) -> HttpResponse:
    budget = _budget(request)
    assert budget is not None
    form = forms.ActivityForm(request.POST)
    if form.is_valid():
        with ServiceCall(request=request):
            services.activity_create(
                actor=request.user, village=request.village, budget=budget, **form.cleaned_data
            )
    else:
        _form_error(request, form)
    return _back("finance:apbdes", budget)


@require("finance.budget")
@require_POST
def line_create(request: VillageRequest) -> HttpResponse:
    budget = _budget(request)
    assert budget is not None
    form = forms.LineForm(request.POST, budget=budget)
    if form.is_valid():
        with ServiceCall(request=request):
            services.budget_line_create(
                actor=request.user, village=request.village, budget=budget, **form.cleaned_data
            )
    else:
        _form_error(request, form)
    return _back("finance:apbdes", budget)


@require("finance.budget")
@require_POST
def line_revise(request: VillageRequest, public_id: str) -> HttpResponse:
    try:
        line = selectors.line_get(village=request.village, public_id=public_id)
    except BudgetLine.DoesNotExist:
        raise Http404 from None
    form = forms.ReviseForm(request.POST)
    if form.is_valid():
        with ServiceCall(request=request):
            services.budget_line_revise(
                actor=request.user, village=request.village, line=line, **form.cleaned_data
            )
    else:
        _form_error(request, form)
    return _back("finance:apbdes", line.budget)


@require("finance.read")
@require_POST
def budget_step(request: VillageRequest) -> HttpResponse:
    """set (kades), revision start (clerk/treasurer), revision set (kades): each service asks
    the actor's capability, so a role without it gets 403."""
    budget = _budget(request)
    assert budget is not None
    step = request.POST.get("langkah", "")
    with ServiceCall(request=request):
        if step == "tetapkan":
            form = forms.SetForm(request.POST)
            if form.is_valid():
                services.budget_set(
                    actor=request.user, village=request.village, budget=budget, **form.cleaned_data
                )
                messages.success(request, _("APBDes %(y)s ditetapkan.") % {"y": budget.year})
            else:
                _form_error(request, form)
        elif step == "perubahan":
            services.budget_revision_start(actor=request.user, village=request.village, budget=budget)
        elif step == "perubahan-tetapkan":
            rform = forms.RevisionSetForm(request.POST)
            if rform.is_valid():
                services.budget_revision_set(
                    actor=request.user,
                    village=request.village,
                    budget=budget,
                    number=rform.cleaned_data["revision_number"],
                    date=rform.cleaned_data["revision_date"],
                )
            else:
                _form_error(request, rform)
        elif step == "tutup-tahun":
            services.year_close(actor=request.user, village=request.village, budget=budget)
            messages.success(
                request, _("Tahun %(y)s ditutup; saldo dibawa ke tahun berikutnya.") % {"y": budget.year}
            )
        elif step == "kunci":
            cform = forms.CloseForm(request.POST)
            if cform.is_valid():
                services.period_close(
                    actor=request.user, village=request.village, budget=budget, **cform.cleaned_data
                )
            else:
                _form_error(request, cform)
        else:
            messages.error(request, _("Langkah tidak dikenal."))
    return _back("finance:apbdes" if step != "kunci" else "finance:home", budget)


# --- SPP ------------------------------------------------------------------------------------------


@require("finance.read")
def spp_list(request: VillageRequest) -> HttpResponse:
    budget = _budget(request)
    assert budget is not None
    from balai.finance.payee_search import payee_context

    payee = payee_context(request)
    initial = {
        "date": timezone.localdate(),
        "number": selectors.next_spp_number(village=request.village, budget=budget),
    }
    if payee["payee_chosen"] is not None:
        initial["payee_resident"] = payee["payee_chosen"].public_id
    form = forms.SppForm(request.POST or None, budget=budget, initial=initial)
    if request.method == "POST":
        if not request.scope.can("finance.spp_raise"):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            resident = payee["payee_chosen"] if data["payee_resident"] else None
            if data["payee_resident"] and resident is None:
                form.add_error(None, _("Warga penerima tidak ditemukan; cari lagi."))
        if form.is_valid():
            with ServiceCall(form) as call:
                spp = services.payment_request_create(
                    actor=request.user,
                    village=request.village,
                    budget=budget,
                    line=data["line"],
                    number=data["number"],
                    date=data["date"],
                    amount=data["amount"],
                    description=data["description"],
                    payee_resident=resident,
                    payee_vendor=data["payee_vendor"],
                    payee_npwp=data["payee_npwp"],
                    kind=data["kind"],
                    medium=data["medium"],
                    taxes=form.taxes(),
                )
            if call.ok:
                messages.success(request, _("SPP %(n)s diajukan.") % {"n": spp.number})
                return redirect("finance:spp", spp.public_id)
    status = request.GET.get("status", "")
    if status not in PaymentRequest.Status.values:
        status = ""
    spps = selectors.spp_list(village=request.village, budget=budget, status=status)
    tax_waiting = request.GET.get("pajak") == TAX_WAITING
    if tax_waiting:
        spps = spps.filter(TAX_WAITING_Q).distinct()
    counts = dict(
        selectors.spp_list(village=request.village, budget=budget)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return render(
        request,
        "finance/spp_list.html",
        {
            "budget": budget,
            "spps": spps[:200],
            "status": status,
            "tax_waiting": tax_waiting,
            "status_filters": [
                (value, label, counts.get(value, 0)) for value, label in PaymentRequest.Status.choices
            ],
            "total": sum(counts.values()),
            "form": form,
            **payee,
        },
        status=400 if request.method == "POST" else 200,
    )


def _spp_or_404(request: VillageRequest, public_id: str) -> PaymentRequest:
    try:
        return selectors.spp_get(village=request.village, public_id=public_id)
    except PaymentRequest.DoesNotExist:
        raise Http404 from None


@require("finance.read")
def spp_detail(request: VillageRequest, public_id: str) -> HttpResponse:
    from balai.finance.rules import terbilang

    spp = _spp_or_404(request, public_id)
    return render(
        request,
        "finance/spp_detail.html",
        {
            "spp": spp,
            "budget": spp.budget,
            "taxes": spp.voucher_taxes,
            "spj_taxes": [t for t in spp.taxes.all() if t.settlement_id is not None],
            "all_taxes": list(spp.taxes.all()),
            "words": terbilang(spp.amount),
            "net_words": terbilang(spp.net),
            "pay_form": forms.PayForm(
                initial={
                    "paid_on": max(spp.date, min(timezone.localdate(), dt.date(spp.budget.year, 12, 31)))
                }
            ),
            "step_form": forms.StepForm(),
            "deposit_form": forms.DepositForm(initial={"deposited_on": spp.paid_on}),
            "entries": list(spp.entries.all()),
            "payee_npwp_masked": mask_tail(spp.payee_npwp, keep=4),
            "spj_tax_rows": forms_advances.SpjForm.tax_rows(),
            "spj_number": (
                selectors.next_spj_number(village=request.village, budget=spp.budget)
                if spp.kind == PaymentRequest.Kind.UM and spp.status == PaymentRequest.Status.PAID
                else ""
            ),
            "tax_choices": forms.TAX_CHOICES[1:],
        },
    )


@require("finance.read")
@require_POST
def spp_step(request: VillageRequest, public_id: str, step: str) -> HttpResponse:
    spp = _spp_or_404(request, public_id)
    names = {"verifikasi": "verify", "setujui": "approve", "tolak": "reject"}
    with ServiceCall(request=request):
        if step == "bayar":
            form = forms.PayForm(request.POST)
            if form.is_valid():
                services.payment_request_pay(
                    actor=request.user, village=request.village, spp=spp, **form.cleaned_data
                )
                messages.success(request, _("SPP %(n)s dibayar dan dibukukan.") % {"n": spp.number})
            else:
                _form_error(request, form)
        elif step in names:
            services.payment_request_act(
                actor=request.user,
                village=request.village,
                spp=spp,
                step=names[step],
                note=request.POST.get("note", ""),
            )
        else:
            raise Http404
    return redirect("finance:spp", spp.public_id)


@require("finance.read")
@require_POST
def tax_deposit(request: VillageRequest, public_id: str) -> HttpResponse:
    from balai.finance.models import Tax

    try:
        tax = selectors.tax_get(village=request.village, public_id=public_id)
    except Tax.DoesNotExist:
        raise Http404 from None
    form = forms.DepositForm(request.POST)
    if form.is_valid():
        with ServiceCall(request=request):
            services.tax_deposit(actor=request.user, village=request.village, tax=tax, **form.cleaned_data)
    else:
        _form_error(request, form)
    return redirect("finance:spp", tax.payment_request.public_id)


# --- Receipts, transfers, reversals ---------------------------------------------------------------


@require("finance.read")
def receipt(request: VillageRequest) -> HttpResponse:
    budget = _budget(request)
    assert budget is not None
    form = forms.ReceiptForm(request.POST or None, budget=budget, initial={"date": timezone.localdate()})
    transfer = forms.TransferForm(initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form) as call:
            services.receipt_record(
                actor=request.user, village=request.village, budget=budget, **form.cleaned_data
            )
        if call.ok:
            messages.success(request, _("Penerimaan dibukukan."))
            return _back("finance:book", budget)
    return render(
        request,
        "finance/receipt.html",
        {"budget": budget, "form": form, "transfer_form": transfer},
        status=400 if request.method == "POST" else 200,
    )


@require("finance.read")
@require_POST
def transfer(request: VillageRequest) -> HttpResponse:
    budget = _budget(request)
    assert budget is not None
    form = forms.TransferForm(request.POST)
    if form.is_valid():
        with ServiceCall(request=request) as call:
            services.transfer_record(
                actor=request.user, village=request.village, budget=budget, **form.cleaned_data
            )
        if call.ok:
            messages.success(request, _("Mutasi kas dibukukan."))
    else:
        _form_error(request, form)
    return _back("finance:book", budget)


@require("finance.read")
@require_POST
def entry_reverse(request: VillageRequest, public_id: str) -> HttpResponse:
    try:
        entry = selectors.entry_get(village=request.village, public_id=public_id)
    except Entry.DoesNotExist:
        raise Http404 from None
    form = forms.ReverseForm(request.POST)
    if form.is_valid():
        with ServiceCall(request=request):
            services.entry_reverse(
                actor=request.user, village=request.village, entry=entry, **form.cleaned_data
            )
    else:
        _form_error(request, form)
    return _back("finance:book", entry.budget)


# --- Books and reports ------------------------------------------------------------------------------


def _book_name(request: VillageRequest) -> str:
    book = request.GET.get("buku", "bku")
    return book if book in BOOK_TITLES else "bku"


@require("finance.read")
def book(request: VillageRequest) -> HttpResponse:
    book = _book_name(request)
    budget = _budget(request)
    assert budget is not None
    raw = request.GET.get("hal", "1")
    page = selectors.book_page(budget=budget, book=book, page=int(raw) if raw.isdigit() else 1)
    can_pay = request.scope.can("finance.pay")
    if can_pay:
        # One reversal URL and one set of labels for the page, not a tag per row (issue 17: the
        # page of 100 rows spent most of its time in per-row template tags).
        pattern = reverse("finance:entry_reverse", args=["__id__"])
        for r in page.rows:
            r["reverse_url"] = pattern.replace("__id__", r["public_id"])
    return render(
        request,
        "finance/book.html",
        {
            "budget": budget,
            "book": book,
            "title": BOOK_TITLES[book],
            "books": BOOK_TITLES,
            "page": page,
            "can_pay": can_pay,
            "label_reverse": _("Koreksi"),
            "label_date": _("Tanggal koreksi"),
            "label_reason": _("alasan"),
            "label_reason_aria": _("Alasan koreksi"),
            "label_button": _("Jurnal balik"),
        },
    )


@require("finance.read")
def book_xlsx(request: VillageRequest) -> HttpResponse:
    book = _book_name(request)
    budget = _budget(request)
    assert budget is not None
    data = exports.book_xlsx(
        budget=budget, book=book, title=f"{BOOK_TITLES[book]} {budget.year}", village=request.village
    )
    response = HttpResponse(data, content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{book}-{request.village.code_digits}-{budget.year}.xlsx"'
    )
    return response


def _lra_args(request: VillageRequest, budget: Budget) -> tuple[str, str, dt.date | None]:
    period = request.GET.get("periode", "tahun")
    period = period if period in ("s1", "tahun") else "tahun"
    group = request.GET.get("kelompok", "account")
    group = group if group in ("account", "source", "bidang") else "account"
    return period, group, selectors.period_end(budget.year, period)


@require("finance.read")
def lra(request: VillageRequest) -> HttpResponse:
    budget = _budget(request)
    assert budget is not None
    period, group, until = _lra_args(request, budget)
    return render(
        request,
        "finance/lra.html",
        {
            "budget": budget,
            "report": selectors.lra(
                budget=budget,
                until=until,
                group=group,
                names=services.account_names(year=budget.year, regency_code=request.village.regency_code),
            ),
            "period": period,
            "group": group,
        },
    )


@require("finance.read")
def lra_xlsx(request: VillageRequest) -> HttpResponse:
    budget = _budget(request)
    assert budget is not None
    period, group, until = _lra_args(request, budget)
    report = selectors.lra(
        budget=budget,
        until=until,
        group=group,
        names=services.account_names(year=budget.year, regency_code=request.village.regency_code),
    )
    title = f"Laporan Realisasi APBDes {budget.year}" + (" Semester I" if period == "s1" else "")
    data = exports.lra_xlsx(report=report, title=title, village=request.village)
    response = HttpResponse(data, content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="lra-{request.village.code_digits}-{budget.year}.xlsx"'
    )
    return response


# --- Regional ------------------------------------------------------------------------------------------


def _regional_year(request: RegionalRequest) -> int:
    raw = request.GET.get("tahun", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


@require("aggregates.read", village=False)
def regional(request: RegionalRequest) -> HttpResponse:
    year = _regional_year(request)
    rows = selectors.regional_realisation(villages=request.scope.readable_villages(), year=year)
    return render(
        request,
        "finance/regional.html",
        {
            "year": year,
            "rows": rows,
            "pace": selectors.expected_percent(year, timezone.localdate()),
            "behind": sum(1 for r in rows if r.behind),
            "grace": selectors.START_GRACE_DAYS,
            "total_spending": sum(r.spending for r in rows),
            "total_realised": sum(r.spending_realised for r in rows),
        },
    )


@require("aggregates.read", village=False)
def regional_xlsx(request: RegionalRequest) -> HttpResponse:
    year = _regional_year(request)
    rows = selectors.regional_realisation(villages=request.scope.readable_villages(), year=year)
    data = exports.regional_xlsx(rows=rows, title=f"Realisasi APBDes {year} per desa")
    response = HttpResponse(data, content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="realisasi-apbdes-{year}.xlsx"'
    return response


@require("aggregates.read", village=False)
def regional_pdf(request: RegionalRequest) -> HttpResponse:
    from balai.core import tablepdf

    year = _regional_year(request)
    rows = selectors.regional_realisation(villages=request.scope.readable_villages(), year=year)
    report = tablepdf.Report(
        title=_("Realisasi APBDes %(year)s per desa") % {"year": year},
        source=_("Balai — buku kas dan APBDes desa, dihitung saat diunduh"),
        filters=[(_("Tahun anggaran"), str(year))],
        landscape=True,
        tables=[
            tablepdf.Table(
                title=_("Per desa"),
                columns=[
                    _("Kecamatan"),
                    _("Desa"),
                    _("Status APBDes"),
                    _("Pendapatan"),
                    _("Realisasi pendapatan"),
                    _("Belanja"),
                    _("Realisasi belanja"),
                    _("% belanja"),
                    _("Terlambat"),
                ],
                rows=[
                    [
                        r.village.district_name,
                        r.village.name,
                        r.status,
                        r.revenue,
                        r.revenue_realised,
                        r.spending,
                        r.spending_realised,
                        r.spending_percent,
                        r.behind_label,
                    ]
                    for r in rows
                ],
                text_columns=3,
            )
        ],
    )
    response = HttpResponse(tablepdf.render(report), content_type=tablepdf.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="realisasi-apbdes-{year}.pdf"'
    return response
