"""Finance pages for vouchers (SPP and kuitansi PDF), advances and their SPJ, deposits (STS),
the subsidiary books Panjar and Kegiatan (page, XLSX, PDF) and the APBDes banner (baliho).

Thin as `views.py`: the village comes only from the signed-in user's scope, so another
village's ids answer 404; each write is one service call that asks the actor's capability.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from balai.accounts.decorators import require
from balai.accounts.http import VillageRequest
from balai.core import xlsx
from balai.core.http import ServiceCall, page_number
from balai.finance import advances, exports_books, forms_advances, pdf, selectors
from balai.finance.models import Activity, Budget, PaymentRequest
from balai.finance.office_tasks import UNSETTLED
from balai.finance.views import _back, _budget, _form_error, _spp_or_404
from balai.regions.models import Village

PDF = "application/pdf"
PER_PAGE = 100


def _paged(request: VillageRequest, book: advances.SubBook) -> dict[str, Any]:
    """One page of a subsidiary book's rows; the balance carried in is the row before it."""
    raw = request.GET.get("hal", "1")
    pages = max(1, -(-len(book.rows) // PER_PAGE))
    page = min(max(1, int(raw) if raw.isdigit() and len(raw) < 7 else 1), pages)
    start = (page - 1) * PER_PAGE
    rows = book.rows[start : start + PER_PAGE]
    advances.format_rows(rows, book.columns)
    return {
        "rows": rows,
        "page": page,
        "pages": pages,
        "carried": book.rows[start - 1].balance if start else None,
    }


def _pdf(data: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(data, content_type=PDF)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return response


# --- Vouchers ------------------------------------------------------------------------------------------


@require("finance.read")
def spp_pdf(request: VillageRequest, public_id: str, doc: str) -> HttpResponse:
    spp = _spp_or_404(request, public_id)
    safe = "".join(c if c.isalnum() else "-" for c in spp.number)[:40]
    if doc == "spp":
        return _pdf(pdf.spp_document(spp), f"spp-{safe}.pdf")
    if doc == "kuitansi" and spp.status != PaymentRequest.Status.REJECTED:
        return _pdf(pdf.receipt_voucher(spp), f"kuitansi-{safe}.pdf")
    raise Http404


# --- Advances (panjar) and SPJ ---------------------------------------------------------------------------


@require("finance.read")
def advance_list(request: VillageRequest) -> HttpResponse:
    budget = _budget(request)
    assert budget is not None
    book = advances.advance_book(village=request.village, budget=budget)
    shown = advances.advance_list(village=request.village, budget=budget)
    unsettled_only = request.GET.get("status") == UNSETTLED
    if unsettled_only:
        shown = [a for a in shown if a.settlement is None]
    return render(
        request,
        "finance/advances.html",
        {
            "budget": budget,
            "advances": shown,
            "unsettled_only": unsettled_only,
            "book": book,
            "paging": _paged(request, book),
        },
    )


@require("finance.read")
@require_POST
def advance_settle(request: VillageRequest, public_id: str) -> HttpResponse:
    spp = _spp_or_404(request, public_id)
    form = forms_advances.SpjForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with ServiceCall(request=request) as call:
            spj = advances.advance_settle(
                actor=request.user,
                village=request.village,
                spp=spp,
                number=data["number"],
                date=data["date"],
                spent=data["spent"],
                description=data["description"],
                extra_confirmed=data["extra_confirmed"],
                taxes=form.taxes(),
            )
        if call.ok:
            # Tax withheld at the SPJ is cash the holder keeps back from the payees and hands to
            # the treasurer with the remainder, to be deposited to the state.
            withheld = sum(t.amount for t in spj.taxes.all())
            if spj.extra:
                text = _("SPJ %(n)s dicatat; kekurangan Rp%(e)s dibayarkan.")
                if withheld:
                    text += " " + _("Pajak dipungut Rp%(p)s masuk kas untuk disetor ke kas negara.")
            elif withheld:
                text = _(
                    "SPJ %(n)s dicatat; pemegang panjar menyerahkan Rp%(t)s ke kas: sisa panjar "
                    "Rp%(r)s dan pajak dipungut Rp%(p)s yang harus disetor ke kas negara."
                )
            elif spj.returned:
                text = _("SPJ %(n)s dicatat; sisa panjar Rp%(r)s dikembalikan ke kas.")
            else:
                text = _("SPJ %(n)s dicatat; panjar habis terpakai.")
            messages.success(
                request,
                text
                % {
                    "n": spj.number,
                    "r": pdf.rp(spj.returned),
                    "e": pdf.rp(spj.extra),
                    "p": pdf.rp(withheld),
                    "t": pdf.rp(spj.returned + withheld),
                },
            )
    else:
        _form_error(request, form)
    return redirect("finance:spp", spp.public_id)


def _book_response(
    request: VillageRequest, book: advances.SubBook, budget: Budget, stem: str, fmt: str
) -> HttpResponse:
    name = f"{stem}-{request.village.code_digits}-{budget.year}"
    if fmt == "xlsx":
        data = exports_books.subbook_xlsx(book=book, village=request.village, year=budget.year)
        response = HttpResponse(data, content_type=xlsx.CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    return _pdf(
        pdf.subbook(book=book, village=request.village, year=budget.year), f"{name}.pdf", inline=False
    )


def _advance_book(request: VillageRequest, fmt: str) -> HttpResponse:
    budget = _budget(request)
    assert budget is not None
    book = advances.advance_book(village=request.village, budget=budget)
    return _book_response(request, book, budget, "buku-panjar", fmt)


@require("finance.read")
def advance_book_xlsx(request: VillageRequest) -> HttpResponse:
    return _advance_book(request, "xlsx")


@require("finance.read")
def advance_book_pdf(request: VillageRequest) -> HttpResponse:
    return _advance_book(request, "pdf")


# --- Buku Pembantu Kegiatan ---------------------------------------------------------------------------------


def _activity(request: VillageRequest, public_id: str) -> Activity:
    try:
        return selectors.activity_get(village=request.village, public_id=public_id)
    except Activity.DoesNotExist:
        raise Http404 from None


@require("finance.read")
def activity_books(request: VillageRequest) -> HttpResponse:
    budget = _budget(request)
    assert budget is not None
    return render(
        request,
        "finance/activity_book.html",
        {"budget": budget, "activities": advances.activity_list(village=request.village, budget=budget)},
    )


@require("finance.read")
def activity_book(request: VillageRequest, public_id: str) -> HttpResponse:
    activity = _activity(request, public_id)
    budget = activity.budget
    book, paging = advances.activity_book_page(
        village=request.village,
        budget=budget,
        activity=activity,
        page=page_number(request.GET.get("hal"), 10**6),
        per_page=PER_PAGE,
    )
    return render(
        request,
        "finance/activity_book.html",
        {
            "budget": budget,
            "activity": activity,
            "activities": advances.activity_list(village=request.village, budget=budget),
            "book": book,
            "paging": paging,
        },
    )


def _activity_book(request: VillageRequest, public_id: str, fmt: str) -> HttpResponse:
    activity = _activity(request, public_id)
    book = advances.activity_book(village=request.village, budget=activity.budget, activity=activity)
    return _book_response(request, book, activity.budget, f"buku-kegiatan-{activity.code}", fmt)


@require("finance.read")
def activity_book_xlsx(request: VillageRequest, public_id: str) -> HttpResponse:
    return _activity_book(request, public_id, "xlsx")


@require("finance.read")
def activity_book_pdf(request: VillageRequest, public_id: str) -> HttpResponse:
    return _activity_book(request, public_id, "pdf")


# --- STS ---------------------------------------------------------------------------------------------------


@require("finance.read")
def deposit_slips(request: VillageRequest) -> HttpResponse:
    budget = _budget(request)
    assert budget is not None
    pending = advances.undeposited_receipts(village=request.village, budget=budget)
    form = forms_advances.StsForm(
        request.POST or None, receipts=pending, initial={"date": advances.today_in(budget)}
    )
    if request.method == "POST":
        if not request.scope.can("finance.pay"):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            with ServiceCall(form) as call:
                slip = advances.deposit_slip_create(
                    actor=request.user,
                    village=request.village,
                    budget=budget,
                    number=data["number"],
                    date=data["date"],
                    receipts=list(data["receipts"]),
                    bank_reference=data["bank_reference"],
                )
            if call.ok:
                messages.success(
                    request,
                    _("STS %(n)s dibukukan: Rp%(a)s pindah dari kas tunai ke bank.")
                    % {"n": slip.number, "a": pdf.rp(slip.amount)},
                )
                return _back("finance:sts", budget)
    return render(
        request,
        "finance/sts.html",
        {
            "budget": budget,
            "form": form,
            "pending": pending,
            "slips": advances.deposit_slip_list(village=request.village, budget=budget),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Baliho -------------------------------------------------------------------------------------------------


def _banner(village: Village, request: HttpRequest, year: int | None) -> HttpResponse:
    form = forms_advances.BannerForm(request.GET)
    paper, orient = "a1", "tegak"
    if form.is_valid():
        paper = form.cleaned_data["kertas"] or "a1"
        orient = form.cleaned_data["arah"] or "tegak"
    summary = selectors.apbdes_summary(village=village, year=year)
    if summary is None:
        raise Http404
    # One render per village-year-size for a few minutes: the public URL is open to anyone.
    key = f"finance:baliho:{village.pk}:{summary.year}:{paper}:{orient}:{summary.spending_realised}:{summary.revenue_realised}"
    data = cache.get(key)
    if data is None:
        data = pdf.banner(summary=summary, village=village, paper=paper, landscape=orient == "mendatar")
        cache.set(key, data, 600)
    return _pdf(data, f"baliho-apbdes-{village.code_digits}-{summary.year}-{paper}.pdf")


@require("finance.read")
def banner(request: VillageRequest) -> HttpResponse:
    budget = _budget(request)
    assert budget is not None
    return _banner(request.village, request, budget.year)


@require_GET
def public_banner(request: HttpRequest, village_code: str) -> HttpResponse:
    village = (
        Village.objects.filter(code=village_code, is_active=True).first() if len(village_code) <= 20 else None
    )
    if village is None:
        raise Http404
    year = request.GET.get("tahun", "")
    return _banner(village, request, int(year) if year.isdigit() and len(year) == 4 else None)
