"""Siskeudes import pages: upload → preview of totals → apply (all or nothing).

The uploaded bytes wait for the apply step in a private file under the var directory, named
by a random token kept in the session (never a path from the form)."""

from __future__ import annotations

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
from balai.finance import forms, siskeudes
from balai.finance.models import ImportBatch

MAX_UPLOAD = 100 * 1024**2
SESSION_KEY = "finance_import"


def _pending_dir() -> Path:
    path = Path(settings.VAR_DIR) / "finance-imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _year(request: VillageRequest) -> int:
    raw = request.POST.get("tahun") or request.GET.get("tahun") or ""
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


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
                context.update({"plan": plan, "totals": plan.totals()})
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
