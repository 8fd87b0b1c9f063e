"""Village UI of distribution (cycles, entitlements, distributions with proof), recipient
list import/export, coverage views, and the district/regency coverage page.

Thin: parse, call one service or selector, render. Objects are looked up with the user's
village, so another village's public id is a 404 exactly like a missing one. Every page or
file that shows recipients by name is recorded in the audit trail.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from balai.accounts.decorators import require
from balai.accounts.http import RegionalRequest, VillageRequest
from balai.accounts.models import ScopeLevel
from balai.aid import coverage, exports, imports
from balai.aid import selectors as aid_selectors
from balai.aid import services as aid_services
from balai.aid.models import Distribution, DistributionCycle, Entitlement, Programme, RecipientImport
from balai.aid.services import distribution as dist
from balai.core.http import ServiceCall
from balai.people.models import Resident
from balai.people.selectors import resident_get
from balai.regions.selectors import deployment_regency_code, region_names

T = "aid/distribution/"


def _programme(request: VillageRequest, public_id: str) -> Programme:
    try:
        return aid_selectors.programme_get(village=request.village, public_id=public_id)
    except Programme.DoesNotExist:
        raise Http404


def _cycle(request: VillageRequest, public_id: str) -> DistributionCycle:
    try:
        return aid_selectors.cycle_get(village=request.village, public_id=public_id)
    except DistributionCycle.DoesNotExist:
        raise Http404


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- Cycles ----------------------------------------------------------------------------------


class CycleForm(forms.Form):
    label = forms.CharField(label=_lazy("Nama tahap"), max_length=100, required=False)
    covers_start = forms.DateField(
        label=_lazy("Awal masa manfaat"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    covers_end = forms.DateField(
        label=_lazy("Akhir masa manfaat"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    planned_on = forms.DateField(
        label=_lazy("Rencana tanggal penyaluran"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    amount = forms.IntegerField(
        label=_lazy("Nilai per penerima (Rp)"),
        min_value=0,
        required=False,
        help_text=_lazy("Kosongkan: nilai manfaat program × jumlah periode yang dicakup."),
    )


@require("aid.read")
def cycles(request: VillageRequest, public_id: str) -> HttpResponse:
    programme = _programme(request, public_id)
    village = request.village
    form = CycleForm(request.POST or None)
    if request.method == "POST":
        if not request.scope.can("aid.write"):
            raise PermissionDenied
        if form.is_valid():
            with ServiceCall(form) as call:
                cycle = dist.cycle_create(actor=request.user, programme=programme, **form.cleaned_data)
            if call.ok:
                messages.success(
                    request, _("Tahap %(label)s dibuat sebagai konsep.") % {"label": cycle.label}
                )
                return redirect("aid:cycle_detail", public_id=cycle.public_id)
    return render(
        request,
        T + "cycles.html",
        {
            "programme": programme,
            "cycles": aid_selectors.cycles_of(village=village, programme=programme),
            "form": form,
            "can_write": request.scope.can("aid.write"),
        },
        status=400 if request.method == "POST" else 200,
    )


@require("aid.read")
def cycle_detail(request: VillageRequest, public_id: str) -> HttpResponse:
    cycle = _cycle(request, public_id)
    village = request.village
    entitlements = aid_selectors.entitlements_of(village=village, cycle=cycle)
    aid_services.recipient_list_viewed(
        actor=request.user,
        programme=cycle.programme,
        what=f"tahap {cycle.public_id}",
        count=len(entitlements),
    )
    allowed = sorted(dist.TRANSITIONS[cycle.status])
    actions = [(a, t) for a, t in dist.ACTIONS.items() if t in allowed]
    return render(
        request,
        T + "cycle_detail.html",
        {
            "cycle": cycle,
            "programme": cycle.programme,
            "entitlements": entitlements,
            "summary": aid_selectors.cycle_summary(village=village, cycle=cycle),
            "history": aid_selectors.cycle_history(village=village, cycle=cycle),
            "actions": actions,
            "can_write": request.scope.can("aid.write"),
            "can_decide": request.scope.can("aid.decide"),
            "recording": cycle.status in dist.RECORDING_STATUSES,
        },
    )


@require("aid.write")
@require_POST
def cycle_generate(request: VillageRequest, public_id: str) -> HttpResponse:
    cycle = _cycle(request, public_id)
    with ServiceCall(request=request) as call:
        counts = dist.cycle_generate(actor=request.user, cycle=cycle)
    if call.ok:
        messages.success(
            request,
            _("Daftar hak disusun: %(total)d penerima (%(added)d baru, %(removed)d dikeluarkan).") % counts,
        )
    return redirect("aid:cycle_detail", public_id=cycle.public_id)


@require("aid.read")
@require_POST
def cycle_transition(request: VillageRequest, public_id: str, action: str) -> HttpResponse:
    cycle = _cycle(request, public_id)
    if action not in dist.ACTIONS:
        raise Http404
    with ServiceCall(request=request) as call:
        cycle = dist.cycle_transition(
            actor=request.user, cycle=cycle, action=action, reason=request.POST.get("reason", "")
        )
    if call.ok:
        messages.success(request, _("Status tahap sekarang: %(s)s.") % {"s": cycle.get_status_display()})
    return redirect("aid:cycle_detail", public_id=cycle.public_id)


def _full_numbers(request: VillageRequest) -> bool:
    # Full NIK only for the roles that handle the data, and only when asked for.
    return request.GET.get("nik") == "lengkap" and request.scope.can("aid.write")


def _cycle_report(request: VillageRequest, public_id: str, fmt: str) -> HttpResponse:
    cycle = _cycle(request, public_id)
    village = request.village
    lines = exports.entitlement_lines(aid_selectors.entitlements_of(village=village, cycle=cycle))
    summary = aid_selectors.cycle_summary(village=village, cycle=cycle)
    full = fmt == "xlsx" or _full_numbers(request)
    aid_services.recipient_list_viewed(
        actor=request.user,
        programme=cycle.programme,
        what=f"ekspor {fmt} tahap {cycle.public_id}" + (" NIK lengkap" if full else ""),
        count=len(lines),
    )
    name = f"penyaluran-{cycle.programme.code}-{cycle.period}-tahap-{cycle.number}"
    if fmt == "xlsx":
        return _attachment(exports.cycle_xlsx(cycle, lines, summary), name + ".xlsx", exports.XLSX)
    pdf = exports.cycle_pdf(cycle, lines, summary, actor=request.user, full_numbers=full)
    return _attachment(pdf, name + ".pdf", "application/pdf")


@require("aid.write")
def cycle_report_xlsx(request: VillageRequest, public_id: str) -> HttpResponse:
    return _cycle_report(request, public_id, "xlsx")


@require("aid.read")
def cycle_report_pdf(request: VillageRequest, public_id: str) -> HttpResponse:
    return _cycle_report(request, public_id, "pdf")


# --- Distribution ----------------------------------------------------------------------------


class DistributionForm(forms.Form):
    distributed_on = forms.DateField(
        label=_lazy("Tanggal penyaluran"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    received_by = forms.ChoiceField(
        label=_lazy("Diterima oleh"), choices=Distribution.ReceivedBy.choices, widget=forms.RadioSelect
    )
    receiver_name = forms.CharField(label=_lazy("Nama wakil"), max_length=100, required=False)
    proxy_relation = forms.CharField(
        label=_lazy("Hubungan wakil dengan penerima"), max_length=100, required=False
    )
    proxy_resident = forms.CharField(required=False, widget=forms.HiddenInput)
    amount = forms.IntegerField(label=_lazy("Nilai diterima (Rp)"), min_value=0, required=False)
    proof_kind = forms.ChoiceField(
        label=_lazy("Bukti"), choices=Distribution.ProofKind.choices, widget=forms.RadioSelect
    )
    signature = forms.CharField(required=False, widget=forms.HiddenInput)
    photo = forms.FileField(
        label=_lazy("Foto penyerahan (JPEG/PNG, paling besar 5 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}),
    )
    notes = forms.CharField(label=_lazy("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def signature_bytes(value: str) -> bytes:
    """The canvas's `data:image/png;base64,...` URL as bytes (empty when nothing was drawn)."""
    prefix = "data:image/png;base64,"
    if not value:
        return b""
    if not value.startswith(prefix):
        raise dist.DistributionError(
            {"proof": [_("Tanda tangan harus berupa gambar PNG dari layar sentuh.")]}
        )
    try:
        return base64.b64decode(value[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        raise dist.DistributionError({"proof": [_("Data tanda tangan rusak; ulangi tanda tangan.")]})


def _entitlement(request: VillageRequest, public_id: str) -> Entitlement:
    try:
        return aid_selectors.entitlement_get(village=request.village, public_id=public_id)
    except Entitlement.DoesNotExist:
        raise Http404


@require("aid.write")
def distribution_record(request: VillageRequest, public_id: str) -> HttpResponse:
    ent = _entitlement(request, public_id)
    village = request.village
    initial = {
        "distributed_on": timezone.localdate(),
        "received_by": "recipient",
        "proof_kind": "signature",
        "amount": ent.amount,
    }
    form = DistributionForm(request.POST or None, request.FILES or None, initial=initial)
    proof_error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with ServiceCall() as call:
            proxy = None
            if data["proxy_resident"]:
                try:
                    proxy = resident_get(village=village, public_id=data["proxy_resident"])
                except Resident.DoesNotExist:
                    raise Http404
            if data["proof_kind"] == Distribution.ProofKind.PHOTO:
                upload = data["photo"]
                if upload is not None and upload.size > dist.PROOF_MAX_BYTES:
                    raise dist.DistributionError(
                        {"proof": [_("Foto bukti terlalu besar (paling besar 5 MB).")]}
                    )
                proof = dist.proof_from_photo(upload.read() if upload is not None else b"")
            else:
                proof = dist.proof_from_signature(signature_bytes(data["signature"]))
            d = dist.distribution_record(
                actor=request.user,
                entitlement=ent,
                distributed_on=data["distributed_on"],
                received_by=data["received_by"],
                receiver_name=data["receiver_name"],
                proxy_relation=data["proxy_relation"],
                proxy_resident=proxy,
                amount=data["amount"],
                proof=proof,
                notes=data["notes"],
            )
        # The proof (signature or photo) has its own place on the page, next to the canvas.
        proof_error = " ".join(call.errors.pop("proof", []))
        call.show_on(form)
        if call.ok:
            messages.success(
                request,
                _("Penyaluran kepada %(name)s tercatat.") % {"name": aid_selectors.unit_label(ent.recipient)},
            )
            return redirect(
                reverse("aid:cycle_detail", kwargs={"public_id": ent.cycle.public_id}) + f"#hak-{d.pk}"
            )
    return render(
        request,
        T + "record.html",
        {
            "ent": ent,
            "cycle": ent.cycle,
            "label": aid_selectors.unit_label(ent.recipient),
            "form": form,
            "proof_error": proof_error,
            "max_photo": dist.PROOF_MAX_BYTES,
        },
        status=400 if request.method == "POST" else 200,
    )


@require("aid.read")
def distribution_proof(request: VillageRequest, public_id: str) -> FileResponse:
    try:
        d = aid_selectors.distribution_get(village=request.village, public_id=public_id)
    except Distribution.DoesNotExist:
        raise Http404
    if not d.proof.name or not default_storage.exists(d.proof.name):
        raise Http404
    dist.proof_viewed(actor=request.user, distribution=d)
    content_type = "image/png" if d.proof.name.endswith(".png") else "image/jpeg"
    response = FileResponse(default_storage.open(d.proof.name, "rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require("aid.read")
def undistributed(request: VillageRequest) -> HttpResponse:
    village = request.village
    rows = aid_selectors.undistributed(village=village)
    dist.list_viewed(
        actor=request.user,
        village=village,
        what="hak belum tersalur",
        object_id=village.code,
        count=len(rows),
    )
    return render(
        request,
        T + "undistributed.html",
        {"rows": rows, "total": sum(e.amount for e in rows), "label": aid_selectors.unit_label},
    )


# --- Recipient list exports ------------------------------------------------------------------


def _recipients_for_export(request: VillageRequest, programme: Programme) -> list[exports.RecipientLine]:
    recipients = aid_selectors.recipient_list(village=request.village, programme=programme).select_related(
        "resident__rt__dusun", "family__rt__dusun", "family__head__rt__dusun", "household__head__rt__dusun"
    )
    return exports.recipient_lines(programme, recipients)


@require("aid.write")
def recipients_xlsx(request: VillageRequest, public_id: str) -> HttpResponse:
    programme = _programme(request, public_id)
    lines = _recipients_for_export(request, programme)
    aid_services.recipient_list_viewed(
        actor=request.user, programme=programme, what="ekspor xlsx NIK lengkap", count=len(lines)
    )
    return _attachment(
        exports.recipients_xlsx(programme, lines),
        f"penerima-{programme.code}-{programme.period}.xlsx",
        exports.XLSX,
    )


@require("aid.read")
def recipients_pdf(request: VillageRequest, public_id: str) -> HttpResponse:
    programme = _programme(request, public_id)
    lines = _recipients_for_export(request, programme)
    full = _full_numbers(request)
    aid_services.recipient_list_viewed(
        actor=request.user,
        programme=programme,
        what="ekspor pdf" + (" NIK lengkap" if full else ""),
        count=len(lines),
    )
    pdf = exports.recipients_pdf(programme, lines, actor=request.user, full_numbers=full)
    return _attachment(pdf, f"penerima-{programme.code}-{programme.period}.pdf", "application/pdf")


# --- Import ----------------------------------------------------------------------------------


class ImportForm(forms.Form):
    format = forms.ChoiceField(
        label=_lazy("Format berkas"), choices=RecipientImport.Format.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=_lazy("Berkas spreadsheet (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            raise ValidationError(_("Berkas terlalu besar (paling besar 10 MB)."))
        return upload


def _import(request: VillageRequest, public_id: str) -> RecipientImport:
    try:
        return imports.import_get(village=request.village, public_id=public_id)
    except RecipientImport.DoesNotExist:
        raise Http404


@require("aid.write")
def import_start(request: VillageRequest, public_id: str) -> HttpResponse:
    programme = _programme(request, public_id)
    form = ImportForm(request.POST or None, request.FILES or None, initial={"format": "opensid"})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with ServiceCall() as call:
            batch = imports.import_preview(
                actor=request.user,
                programme=programme,
                data=upload.read(),
                fmt=form.cleaned_data["format"],
                file_name=str(upload.name),
            )
        if not call.ok:
            form.add_error("file", call.messages)  # the file as a whole cannot be read
        else:
            return redirect("aid:import_preview", public_id=batch.public_id)
    batches = imports.import_qs(village=request.village).filter(programme=programme)[:10]
    return render(
        request,
        T + "import_start.html",
        {"programme": programme, "form": form, "batches": batches},
        status=400 if request.method == "POST" else 200,
    )


@require("aid.write")
def import_preview(request: VillageRequest, public_id: str) -> HttpResponse:
    batch = _import(request, public_id)
    rows = imports.import_rows(village=request.village, batch=batch)
    aid_services.recipient_list_viewed(
        actor=request.user,
        programme=batch.programme,
        what=f"pratinjau impor {batch.public_id}",
        count=len(rows),
    )
    only = request.GET.get("tampil")
    shown = imports.problem_rows_of(rows) if only == "masalah" else rows
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.match] = counts.get(r.match, 0) + 1
    return render(
        request,
        T + "import_preview.html",
        {
            "batch": batch,
            "programme": batch.programme,
            "rows": shown[:2000],
            "more": max(len(shown) - 2000, 0),
            "counts": [(m, label, counts.get(m, 0)) for m, label in imports.M.choices],
            "problems": sum(1 for r in rows if r.match in imports.PROBLEMS),
            "only_problems": only == "masalah",
            "is_preview": batch.status == RecipientImport.Status.PREVIEW,
        },
    )


@require("aid.write")
@require_POST
def import_apply(request: VillageRequest, public_id: str) -> HttpResponse:
    batch = _import(request, public_id)
    with ServiceCall(request=request) as call:
        result = imports.import_apply(
            actor=request.user, batch=batch, apply_matched=request.POST.get("apply_matched") == "1"
        )
    if not call.ok:
        return redirect("aid:import_preview", public_id=batch.public_id)
    messages.success(
        request,
        _(
            "%(n)d penerima ditambahkan; %(a)d sudah terdaftar dilewati; %(x)d baris bermasalah tidak diterapkan."
        )
        % {"n": result.enrolled, "a": result.skipped_already, "x": result.left_out},
    )
    return redirect("aid:recipients", public_id=batch.programme.public_id)


@require("aid.write")
@require_POST
def import_discard(request: VillageRequest, public_id: str) -> HttpResponse:
    batch = _import(request, public_id)
    with ServiceCall(request=request) as call:
        imports.import_discard(actor=request.user, batch=batch)
    if call.ok:
        messages.success(request, _("Impor dibatalkan; tidak ada penerima yang ditambahkan."))
    return redirect("aid:import_start", public_id=batch.programme.public_id)


@require("aid.read")
def conflicts(request: VillageRequest) -> HttpResponse:
    village = request.village
    rows, current = imports.conflicts_report(village=village)
    dist.list_viewed(
        actor=request.user,
        village=village,
        what="laporan konflik impor",
        object_id=village.code,
        count=len(rows) + len(current),
    )
    return render(request, T + "conflicts.html", {"rows": rows, "current": current})


# --- Coverage --------------------------------------------------------------------------------


@require("aid.read")
def coverage_view(request: VillageRequest) -> HttpResponse:
    village = request.village
    return render(
        request,
        T + "coverage.html",
        {
            "cov": coverage.village_coverage(village=village),
            "programmes": aid_selectors.programmes_for_village(village=village).exclude(
                status=Programme.Status.CLOSED
            ),
        },
    )


@require("aid.read")
def targeting_errors(request: VillageRequest) -> HttpResponse:
    village = request.village
    kind = "inklusi" if request.GET.get("jenis") == "inklusi" else "eksklusi"
    programme = None
    if request.GET.get("program"):
        programme = _programme(request, request.GET["program"])
    if kind == "inklusi":
        lines = coverage.inclusion_errors(village=village, programme=programme)
    else:
        lines = coverage.exclusion_errors(village=village, programme=programme)
    dist.list_viewed(
        actor=request.user,
        village=village,
        what=f"salah sasaran {kind}",
        object_id=programme.public_id if programme else village.code,
        count=len(lines),
    )
    return render(
        request,
        T + "targeting_errors.html",
        {
            "kind": kind,
            "programme": programme,
            "lines": lines,
            "programmes": aid_selectors.programmes_for_village(village=village).exclude(
                status=Programme.Status.CLOSED
            ),
        },
    )


@require("aggregates.read", village=False)
def regional(request: RegionalRequest) -> HttpResponse:
    scope = request.scope
    if scope.village is not None:
        # A village account sees its own village's page, with names where its role allows.
        return redirect("aid:coverage") if scope.can("aid.read") else redirect("home")
    rows = coverage.regional_coverage(villages=scope.readable_villages())
    is_district = scope.level == ScopeLevel.DISTRICT
    area_code = scope.district_code if is_district else deployment_regency_code()
    return render(
        request,
        T + "regional.html",
        {
            "rows": rows,
            "totals": coverage.totals(rows),
            "area_name": region_names().get(area_code, area_code),
            "is_district": is_district,
            "today": dt.date.today(),
        },
    )


@require("aggregates.read", village=False)
def regional_download(request: RegionalRequest, kind: str) -> HttpResponse:
    """The coverage table as XLSX or PDF: counts of the villages the scope reads (a camat's
    district only), never a name."""
    from balai.accounts.area import area_name
    from balai.aid.downloads import regional_report
    from balai.core import tabledownload

    rows = coverage.regional_coverage(villages=request.scope.readable_villages())
    report = regional_report(rows, coverage.totals(rows), area=area_name(request.scope))
    return tabledownload.response(report, kind=kind, name="cakupan-bantuan-per-desa")
