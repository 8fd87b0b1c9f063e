"""Operator pages of the kiosk (`kiosk.manage`): devices and enrolment codes, residents' PINs
and cards, announcements, correction reports from the kiosk, the village's idle timeout."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from balai.accounts.decorators import require
from balai.accounts.http import VillageRequest
from balai.audit.services import audit_record
from balai.core.digits import only_digits
from balai.core.http import ServiceCall
from balai.core.masking import mask_number
from balai.devices import selectors as device_selectors
from balai.devices import services as device_services
from balai.devices.models import KioskDevice
from balai.kiosk import selectors, services
from balai.kiosk.forms import AnnouncementForm, DeviceForm
from balai.kiosk.models import Announcement, CorrectionReport, HelpCall
from balai.people import selectors as people_selectors
from balai.people.models import Resident


def _device_or_404(request: VillageRequest, public_id: str) -> KioskDevice:
    try:
        return device_selectors.device_get(village=request.village, public_id=public_id)
    except KioskDevice.DoesNotExist:
        raise Http404 from None


def _resident_or_404(request: VillageRequest, public_id: str) -> Resident:
    try:
        return people_selectors.resident_get(village=request.village, public_id=public_id)
    except Resident.DoesNotExist:
        raise Http404 from None


def _show_once(response: HttpResponse) -> HttpResponse:
    """Pages with a one-time secret (enrolment code, first PIN) are never cached."""
    add_never_cache_headers(response)
    return response


@require("kiosk.manage")
@require_http_methods(["GET", "POST"])
def manage(request: VillageRequest) -> HttpResponse:
    village = request.village
    form = DeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form, field="label") as call:
            device, code = device_services.device_create(
                actor=request.user,
                village=village,
                label=form.cleaned_data["label"],
                idle_seconds=form.cleaned_data["idle_seconds"],
            )
        if call.ok:
            return _show_once(render(request, "kiosk/manage/code.html", _code_context(request, device, code)))
    return render(request, "kiosk/manage/home.html", _manage_context(request, form))


def _code_context(request: VillageRequest, device: KioskDevice, code: str) -> dict[str, object]:
    # The full address: the operator types it into a kiosk browser that knows no host.
    return {
        "device": device,
        "code": code,
        "ttl": 30,
        "enrol_url": request.build_absolute_uri(reverse("kiosk:enrol")),
    }


def _manage_context(request: VillageRequest, form: DeviceForm) -> dict[str, object]:
    village = request.village
    return {
        "devices": device_selectors.device_list(village=village),
        "form": form,
        "idle_seconds": device_selectors.village_idle_seconds(village=village),
        "open_corrections": selectors.correction_list(village=village).count(),
        "print_failures": len(selectors.print_failures(village=village, limit=50)),
    }


@require("kiosk.manage")
@require_POST
def settings_update(request: VillageRequest) -> HttpResponse:
    try:
        seconds = int(request.POST.get("idle_seconds", ""))
    except ValueError:
        messages.error(request, _("Batas diam harus angka (detik)."))
        return redirect("kiosk:manage")
    with ServiceCall(request=request) as call:
        device_services.village_settings_update(
            actor=request.user, village=request.village, idle_seconds=seconds
        )
    if call.ok:
        messages.success(request, _("Batas diam anjungan disimpan."))
    return redirect("kiosk:manage")


@require("kiosk.manage")
@require_http_methods(["GET", "POST"])
def device_detail(request: VillageRequest, public_id: str) -> HttpResponse:
    device = _device_or_404(request, public_id)
    form = DeviceForm(
        request.POST or None, initial={"label": device.label, "idle_seconds": device.idle_seconds}
    )
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form, field="idle_seconds") as call:
            device_services.device_update(
                actor=request.user,
                device=device,
                label=form.cleaned_data["label"],
                idle_seconds=form.cleaned_data["idle_seconds"],
            )
        if call.ok:
            messages.success(request, _("Anjungan disimpan."))
            return redirect("kiosk:device_detail", public_id=device.public_id)
    return render(request, "kiosk/manage/device.html", {"device": device, "form": form})


@require("kiosk.manage")
@require_POST
def device_action(request: VillageRequest, public_id: str, action: str) -> HttpResponse:
    device = _device_or_404(request, public_id)
    actor = request.user
    if action == "kode":
        code = device_services.device_new_code(actor=actor, device=device)
        return _show_once(render(request, "kiosk/manage/code.html", _code_context(request, device, code)))
    if action == "nonaktifkan":
        device_services.device_set_active(actor=actor, device=device, active=False)
        messages.success(
            request, _("Anjungan dinonaktifkan: semua halamannya menolak sampai diaktifkan lagi.")
        )
    elif action == "aktifkan":
        device_services.device_set_active(actor=actor, device=device, active=True)
        messages.success(request, _("Anjungan diaktifkan."))
    elif action == "buka-blokir":
        device_services.device_unblock(actor=actor, device=device)
        messages.success(request, _("Blokir masuk di anjungan ini dibuka."))
    else:
        raise Http404
    return redirect("kiosk:device_detail", public_id=device.public_id)


# --- Residents' PINs and cards -----------------------------------------------------------


@require("kiosk.manage")
@require_POST
def resident_find(request: VillageRequest) -> HttpResponse:
    """Find a resident of the village by NIK (POSTed: never in a URL) to manage kiosk access."""
    nik = only_digits(request.POST.get("kiosk_nik", ""))
    public_id = selectors.resident_public_id_by_nik(village=request.village, nik=nik) if nik else None
    if public_id is None:
        context = _manage_context(request, DeviceForm())
        context["find_error"] = _("NIK tidak ditemukan di antara penduduk desa ini.")
        return render(request, "kiosk/manage/home.html", context, status=404)
    return redirect("kiosk:resident_access", public_id=public_id)


@require("kiosk.manage")
@require_http_methods(["GET", "POST"])
def resident_access(request: VillageRequest, public_id: str) -> HttpResponse:
    """A resident's kiosk access: issue/reset the first PIN (slip), register/remove the card."""
    resident = _resident_or_404(request, public_id)
    village = request.village
    if request.method == "POST":
        action = request.POST.get("action", "")
        actor = request.user
        with ServiceCall(request=request):
            if action == "pin":
                pin = device_services.pin_issue(actor=actor, resident=resident)
                return _show_once(
                    render(
                        request,
                        "kiosk/manage/pin_slip.html",
                        {"resident": resident, "pin": pin, "village": village, "now": timezone.now()},
                    )
                )
            if action == "card":
                device_services.card_register(
                    actor=actor, resident=resident, uid=request.POST.get("card_uid", "")
                )
                messages.success(
                    request, _("Kartu terdaftar. Penduduk tetap harus memasukkan PIN saat masuk.")
                )
            elif action == "card_remove":
                device_services.card_remove(actor=actor, resident=resident)
                messages.success(request, _("Kartu dihapus."))
            else:
                raise Http404
        return redirect("kiosk:resident_access", public_id=resident.public_id)
    cred = device_selectors.credential_of(village=village, resident=resident)
    context = {
        "resident": resident,
        "nik_masked": mask_number(resident.nik),
        "cred": cred,
        "locked": bool(cred and cred.locked_until and cred.locked_until > timezone.now()),
    }
    return render(request, "kiosk/manage/resident.html", context)


# --- Announcements -------------------------------------------------------------------------


@require("kiosk.manage")
@require_http_methods(["GET", "POST"])
def announcements(request: VillageRequest) -> HttpResponse:
    village = request.village
    form = AnnouncementForm(
        request.POST or None, initial={"published_on": timezone.localdate(), "is_active": True}
    )
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form, field="expires_on") as call:
            services.announcement_save(actor=request.user, village=village, data=form.cleaned_data)
        if call.ok:
            messages.success(request, _("Pengumuman disimpan."))
            return redirect("kiosk:announcements")
    items = selectors.announcement_list(village=village)
    return render(request, "kiosk/manage/announcements.html", {"form": form, "items": items})


@require("kiosk.manage")
@require_http_methods(["GET", "POST"])
def announcement_edit(request: VillageRequest, public_id: str) -> HttpResponse:
    village = request.village
    try:
        item = selectors.announcement_get(village=village, public_id=public_id)
    except Announcement.DoesNotExist:
        raise Http404 from None
    if request.method == "POST" and request.POST.get("action") == "delete":
        services.announcement_delete(actor=request.user, announcement=item)
        messages.success(request, _("Pengumuman dihapus."))
        return redirect("kiosk:announcements")
    form = AnnouncementForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form, field="expires_on") as call:
            services.announcement_save(
                actor=request.user,
                village=village,
                data=form.cleaned_data,
                announcement=item,
            )
        if call.ok:
            messages.success(request, _("Pengumuman disimpan."))
            return redirect("kiosk:announcements")
    return render(request, "kiosk/manage/announcement_edit.html", {"form": form, "item": item})


# --- Correction reports --------------------------------------------------------------------


@require("kiosk.manage")
def corrections(request: VillageRequest) -> HttpResponse:
    village = request.village
    state = request.GET.get("status", CorrectionReport.State.OPEN)
    if state not in CorrectionReport.State.values and state != "semua":
        state = CorrectionReport.State.OPEN
    reports = list(selectors.correction_list(village=village, state="" if state == "semua" else state)[:200])
    # Reading the queue shows residents' names and what is wrong with their data: audited.
    audit_record(
        actor=request.user,
        village=village,
        action="kiosk.correction_list_view",
        object_type="correction_report",
        changes={"state": state, "count": len(reports)},
    )
    rows = [
        {
            "report": r,
            "kk_masked": mask_number(r.family.kk_number),
            "reporter": r.reporter.name,
            "subject": r.subject.name if r.subject else "",
        }
        for r in reports
    ]
    return render(
        request,
        "kiosk/manage/corrections.html",
        {"rows": rows, "state": state, "states": CorrectionReport.State.choices},
    )


@require("kiosk.manage")
@require_POST
def correction_handle(request: VillageRequest, public_id: str) -> HttpResponse:
    try:
        report = selectors.correction_get(village=request.village, public_id=public_id)
    except CorrectionReport.DoesNotExist:
        raise Http404 from None
    with ServiceCall(request=request) as call:
        services.correction_handle(
            actor=request.user,
            report=report,
            state=request.POST.get("state", ""),
            note=request.POST.get("note", ""),
        )
    if call.ok:
        messages.success(request, _("Laporan perbaikan diperbarui."))
    return redirect("kiosk:corrections")


@require("kiosk.manage")
def print_failures(request: VillageRequest) -> HttpResponse:
    """Letters whose printing failed at a kiosk: the operator opens and prints them."""
    village = request.village
    rows = selectors.print_failures(village=village)
    return render(request, "kiosk/manage/print_failures.html", {"rows": rows})


@require("kiosk.manage")
@require_http_methods(["GET", "POST"])
def help_calls(request: VillageRequest) -> HttpResponse:
    """Residents at the kiosk asking for an operator; "Sudah ditangani" closes one."""
    if request.method == "POST":
        try:
            call = selectors.help_call_get(village=request.village, public_id=request.POST.get("call", ""))
        except HelpCall.DoesNotExist:
            raise Http404 from None
        services.help_call_handle(actor=request.user, call=call)
        return redirect("kiosk:help_calls")
    return render(
        request, "kiosk/manage/help_calls.html", {"calls": selectors.help_calls_open(village=request.village)}
    )
