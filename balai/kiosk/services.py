"""Writes of the kiosk app: announcements, correction reports. Keyword-only, actor first,
atomic, audited. Devices, PINs and sign-in: `balai.devices.services`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_record
from balai.core.errors import ApplicationError
from balai.kiosk.models import Announcement, CorrectionReport, HelpCall

if TYPE_CHECKING:
    from balai.accounts.models import User
    from balai.devices.models import KioskDevice
    from balai.people.models import Family, Resident
    from balai.regions.models import Village


# --- Announcements -------------------------------------------------------------------------


@transaction.atomic
def announcement_save(
    *, actor: User, village: Village, data: dict[str, Any], announcement: Announcement | None = None
) -> Announcement:
    if announcement is None:
        announcement = Announcement(village=village, created_by=actor)
    for key in ("title", "body", "published_on", "expires_on", "is_active"):
        setattr(announcement, key, data[key])
    if announcement.expires_on and announcement.expires_on < announcement.published_on:
        raise ApplicationError(_("Tanggal 'tayang sampai' tidak boleh sebelum tanggal tayang."))
    announcement.save()
    audit_record(
        actor=actor, village=village, action="kiosk.announcement_save", object_type="announcement",
        object_id=announcement.public_id, changes={"title": announcement.title},
    )  # fmt: skip
    return announcement


@transaction.atomic
def announcement_delete(*, actor: User, announcement: Announcement) -> None:
    audit_record(
        actor=actor, village=announcement.village, action="kiosk.announcement_delete",
        object_type="announcement", object_id=announcement.public_id,
    )  # fmt: skip
    announcement.delete()


# --- Correction reports --------------------------------------------------------------------


def correction_report(
    *,
    resident: Resident,
    device: KioskDevice,
    family: Family,
    subject: Resident | None,
    text: str,
    submit_token: str,
) -> CorrectionReport:
    """File a report; the same form token (double tap, resend) returns the first report."""
    text = text.strip()
    if not text:
        raise ApplicationError(_("Tuliskan apa yang perlu diperbaiki."))
    existing = CorrectionReport.objects.filter(submit_token=submit_token, reporter=resident).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            report = CorrectionReport.objects.create(
                village_id=resident.village_id,
                family=family,
                reporter=resident,
                subject=subject,
                text=text[:2000],
                device=device,
                submit_token=submit_token,
            )
            audit_record(
                actor=None, village=device.village, action="kiosk.correction_report",
                object_type="family", object_id=family.public_id,
                changes={"report": report.public_id, "reporter": resident.public_id},
            )  # fmt: skip
    except IntegrityError:
        existing = CorrectionReport.objects.filter(submit_token=submit_token, reporter=resident).first()
        if existing is None:
            raise ApplicationError(_("Formulir ini sudah dipakai; buka lagi halaman laporan.")) from None
        return existing
    return report


@transaction.atomic
def correction_handle(*, actor: User, report: CorrectionReport, state: str, note: str) -> None:
    if state not in (CorrectionReport.State.DONE, CorrectionReport.State.REJECTED):
        raise ApplicationError(_("Status laporan tidak dikenal."))
    report.state = state
    report.handling_note = note.strip()[:255]
    report.handled_by = actor
    report.handled_at = timezone.now()
    report.save(update_fields=["state", "handling_note", "handled_by", "handled_at", "updated_at"])
    audit_record(
        actor=actor, village=report.village, action="kiosk.correction_handle", object_type="family",
        object_id=report.family.public_id, changes={"report": report.public_id, "state": state},
    )  # fmt: skip


# --- Help calls ---------------------------------------------------------------------------------

# A second press within this time is the same call (an impatient resident, a double tap).
HELP_REPEAT = 180  # seconds


def help_call(*, device: KioskDevice, screen: str) -> tuple[HelpCall, bool]:
    """Call an operator to the kiosk; (call, created)."""
    since = timezone.now() - dt.timedelta(seconds=HELP_REPEAT)
    open_call = HelpCall.objects.filter(device=device, handled_at__isnull=True, created_at__gte=since).first()
    if open_call is not None:
        return open_call, False
    call = HelpCall.objects.create(village_id=device.village_id, device=device, screen=screen[:200])
    audit_record(
        actor=None, village=device.village, action="kiosk.help_call", object_type="kiosk_device",
        object_id=device.public_id, changes={"call": call.public_id},
    )  # fmt: skip
    return call, True


@transaction.atomic
def help_call_handle(*, actor: User, call: HelpCall) -> None:
    if call.handled_at is not None:
        return
    call.handled_by, call.handled_at = actor, timezone.now()
    call.save(update_fields=["handled_by", "handled_at", "updated_at"])
    audit_record(
        actor=actor, village=call.village, action="kiosk.help_call_handled", object_type="kiosk_device",
        object_id=call.device.public_id, changes={"call": call.public_id},
    )  # fmt: skip
