"""Spreadsheet import (OpenSID format) and export of the operator's village.

The import runs as a background job (see `imports.import_job_create`); the status page
polls a fragment with htmx until the job is done. Jobs are looked up with the operator's
village, so another village's job id is a 404 like an unknown one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from balai.accounts.decorators import require
from balai.accounts.http import VillageRequest
from balai.core import xlsx
from balai.people import imports
from balai.people.exports import export_residents
from balai.people.models import ImportJob

SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_lazy("Berkas spreadsheet (.xlsx, format OpenSID)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm"}),
    )
    apply_valid = forms.BooleanField(
        label=_lazy("Terapkan baris yang valid saja"),
        required=False,
        help_text=_lazy(
            "Tanpa centang, satu baris bermasalah membatalkan seluruh impor dan tidak ada data yang disimpan."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.BALAI_IMPORT_MAX_BYTES
        if not str(upload.name).lower().endswith(SPREADSHEET_EXTENSIONS):
            raise ValidationError(_("Hanya berkas .xlsx (format impor OpenSID) yang diterima."))
        if upload.size > limit:
            raise ValidationError(
                _("Berkas terlalu besar (%(size)s); batasnya %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        if upload.size == 0:
            raise ValidationError(_("Berkas kosong."))
        head = upload.read(4)
        upload.seek(0)
        if head != b"PK\x03\x04":
            raise ValidationError(_("Berkas ini bukan spreadsheet xlsx; simpan ulang sebagai .xlsx."))
        return upload


def _job_or_404(request: VillageRequest, public_id: str) -> ImportJob:
    imports.import_jobs_reap(village=request.village)
    try:
        return imports.import_job_get(village=request.village, public_id=public_id)
    except ImportJob.DoesNotExist:
        raise Http404


@require("registry.import")
def import_start(request: VillageRequest) -> HttpResponse:
    limit = settings.BALAI_IMPORT_MAX_BYTES
    if request.method == "POST" and int(request.META.get("CONTENT_LENGTH") or 0) > limit + 64 * 1024:
        # Refuse before Django reads (and spools to disk) an oversized body.
        message = _("Berkas terlalu besar; batasnya %(limit)s.") % {"limit": filesizeformat(limit)}
        return render(
            request,
            "people/import_start.html",
            {
                "form": ImportForm(),
                "jobs": imports.import_job_list(village=request.village),
                "max_bytes": limit,
                "too_large": message,
            },
            status=413,
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = imports.import_job_create(
            village=request.village,
            actor=request.user,
            upload=form.cleaned_data["file"],
            apply_valid=form.cleaned_data["apply_valid"],
        )
        return redirect("people:import_status", public_id=job.public_id)
    status = 400 if request.method == "POST" else 200
    imports.import_jobs_reap(village=request.village)
    return render(
        request,
        "people/import_start.html",
        {
            "form": form,
            "jobs": imports.import_job_list(village=request.village),
            "max_bytes": limit,
        },
        status=status,
    )


def _job_context(job: ImportJob) -> dict[str, Any]:
    result = job.result or {}
    running = job.state in (ImportJob.State.QUEUED, ImportJob.State.RUNNING)
    percent = 100 * job.processed_rows // job.total_rows if job.total_rows else 0
    return {
        "job": job,
        "result": result,
        "running": running,
        "saving": running and job.total_rows and job.processed_rows >= job.total_rows,
        "percent": min(percent, 100),
        "errors": result.get("errors", []),
        "warnings": result.get("warnings", []),
        "more_errors": max(result.get("error_count", 0) - len(result.get("errors", [])), 0),
        "has_report": bool(result.get("error_count") or result.get("errors")),
    }


@require("registry.import")
def import_status(request: VillageRequest, public_id: str) -> HttpResponse:
    job = _job_or_404(request, public_id)
    context = _job_context(job)
    if request.headers.get("HX-Request") == "true":
        return render(request, "people/_import_job.html", context)
    return render(request, "people/import_status.html", context)


@require("registry.import")
def import_errors_csv(request: VillageRequest, public_id: str) -> HttpResponse | FileResponse:
    job = _job_or_404(request, public_id)
    filename = f"galat-impor-{job.public_id}.csv"
    path = imports.import_job_errors_path(job)
    if path is not None:
        return FileResponse(path.open("rb"), as_attachment=True, filename=filename, content_type="text/csv")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    imports.write_errors_csv((job.result or {}).get("errors", []), response)
    return response


@require("registry.read")
def export_xlsx(request: VillageRequest) -> FileResponse:
    village = request.village
    fd, name = tempfile.mkstemp(suffix=".xlsx", prefix="ekspor-")
    os.close(fd)
    path = Path(name)
    try:
        export_residents(village=village, path=path, actor=request.user)
        handle = path.open("rb")
    finally:
        # Unlinked while open: the response still streams it and no copy stays on disk.
        path.unlink(missing_ok=True)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"penduduk-{village.code_digits}.xlsx",
        content_type=xlsx.CONTENT_TYPE,
    )
