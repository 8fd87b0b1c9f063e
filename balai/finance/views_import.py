"""Siskeudes import pages: upload → preview of totals → apply (all or nothing).

The uploaded bytes wait for the apply step in a private file under the var directory, named
by a random token kept in the session (never a path from the form)."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from balai.accounts.decorators import require
from balai.accounts.http import VillageRequest
from balai.finance import forms, selectors, siskeudes
from balai.finance.models import Budget, ImportBatch

MAX_UPLOAD = 100 * 1024**2
SESSION_KEY = "finance_import"


def _pending_dir() -> Path:
    path = Path(settings.VAR_DIR) / "finance-imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _year(request: VillageRequest) -> int:
    raw = request.POST.get("tahun") or request.GET.get("tahun") or ""
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def _current(request: VillageRequest, year: int) -> dict[str, object]:
    """The village-year as it stands, to set beside the file's totals: an adopted APBDes is
    about to be overwritten, which the preview says plainly."""
    budget = Budget.objects.filter(village=request.village, year=year).first()
    if budget is None:
        return {}
    report = selectors.lra(budget=budget)
    balances = selectors.balances(budget=budget)
    return {
        "current_budget": budget,
        "current_set": budget.is_set,
        "current": {
            "budget_revenue": report.revenue.budget,
            "real_revenue": report.revenue.realised,
            "budget_spending": report.spending.budget,
            "real_spending": report.spending.realised,
            "budget_financing_in": report.financing_in.budget,
            "budget_financing_out": report.financing_out.budget,
            "tax_held": balances["tax"],
        },
    }


def _compare(totals: dict[str, int], current: object) -> list[tuple[str, str, int, int | None]]:
    """(label, element id, from the file, now in Balai or None) per figure of the preview."""
    now = current if isinstance(current, dict) else {}
    imported = dict(totals, tax_held=totals.get("tax_in", 0) - totals.get("tax_out", 0))
    rows = [
        (_("Anggaran pendapatan"), "t-budget-revenue", "budget_revenue"),
        (_("Realisasi pendapatan"), "t-real-revenue", "real_revenue"),
        (_("Anggaran belanja"), "t-budget-spending", "budget_spending"),
        (_("Realisasi belanja"), "t-real-spending", "real_spending"),
        (_("Penerimaan pembiayaan"), "t-financing-in", "budget_financing_in"),
        (_("Pengeluaran pembiayaan"), "t-financing-out", "budget_financing_out"),
        (_("Pajak dipungut belum disetor"), "t-tax-held", "tax_held"),
    ]
    return [(label, id_, imported.get(key, 0), now.get(key) if now else None) for label, id_, key in rows]


@require("finance.import")
def upload(request: VillageRequest) -> HttpResponse:
    year = _year(request)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    context = {
        "form": form,
        "year": year,
        "batches": ImportBatch.objects.filter(village=request.village).order_by("-created_at")[:10],
    }
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        if upload_file.size > MAX_UPLOAD:
            form.add_error("file", _("Berkas lebih dari 100 MB."))
        else:
            data = upload_file.read()
            try:
                plan = siskeudes.read_plan(data, village=request.village, year=year)
            except siskeudes.ImportRefused as exc:
                for message in exc.messages:
                    form.add_error("file", message)
            else:
                token = secrets.token_hex(16)
                (_pending_dir() / token).write_bytes(data)
                request.session[SESSION_KEY] = {
                    "token": token,
                    "year": year,
                    "name": upload_file.name[:200],
                    "sha256": plan.sha256,
                }
                context.update(
                    {
                        "plan": plan,
                        "totals": plan.totals(),
                        # Siskeudes writes its village codes with a closing dot ("01.2007.")
                        "village_code": plan.village_code.rstrip("."),
                        "missing": [siskeudes.table_label(t) for t in plan.missing],
                        "notes": [
                            re.sub(r"\b(?:Ta|Ref)_\w+", lambda m: siskeudes.table_label(m.group(0)), n)
                            for n in plan.notes
                        ],
                        **_current(request, year),
                    }
                )
                context["compare"] = _compare(plan.totals(), context.get("current"))
        return render(request, "finance/import.html", context, status=200 if "plan" in context else 400)
    return render(request, "finance/import.html", context)


@require("finance.import")
@require_POST
def apply(request: VillageRequest) -> HttpResponse:
    pending = request.session.get(SESSION_KEY)
    if not pending:
        messages.error(request, _("Tidak ada berkas yang menunggu; unggah lagi."))
        return redirect("finance:import")
    path = _pending_dir() / str(pending["token"])
    try:
        data = path.read_bytes()
    except OSError:
        messages.error(request, _("Berkas yang menunggu sudah tidak ada; unggah lagi."))
        return redirect("finance:import")
    try:
        plan = siskeudes.read_plan(data, village=request.village, year=int(pending["year"]))
        batch = siskeudes.apply_plan(
            plan, village=request.village, actor=request.user, filename=pending["name"]
        )
    except siskeudes.ImportRefused as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("finance:import")
    finally:
        path.unlink(missing_ok=True)
        request.session.pop(SESSION_KEY, None)
    messages.success(
        request,
        _("Impor Siskeudes %(y)s selesai: %(l)d rincian anggaran, %(e)d transaksi.")
        % {"y": batch.year, "l": batch.summary["lines"], "e": batch.summary["entries"]},
    )
    return redirect(f"/keuangan/?tahun={batch.year}")
