"""Leave, permission and official travel (SPPD): request, decision, cancellation.

An official files their own (or a clerk files for them); the kepala desa decides; the kepala
desa's own leave is decided by the camat of the village's district. Approved days show as
excused in the attendance recap (`selectors.attendance_recap`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.accounts.scope import user_can
from balai.audit.services import audit_record
from balai.core.errors import ApplicationError, NotAllowed
from balai.regions.models import Village
from balai.staff import rules
from balai.staff.models import Leave, Official, OfficialProfile, Position

if TYPE_CHECKING:
    from balai.accounts.models import User

OPEN = (Leave.Status.REQUESTED, Leave.Status.APPROVED)
MAX_DAYS = 90


def is_head(official: Official) -> bool:
    """The kepala desa (or whoever signs in their own name as head): the camat decides their leave."""
    if official.signs_letters and official.signs_as == Official.SignsAs.OWN:
        return True
    return OfficialProfile.objects.filter(official=official, post__kind=Position.Kind.HEAD).exists()


def workdays_between(village: Village, start: dt.date, end: dt.date) -> int:
    from balai.staff.attendance import is_workday, settings_for, village_calendar

    settings = settings_for(village)
    holidays, extra = village_calendar(village, start, end)
    return sum(
        is_workday(settings, start + dt.timedelta(days=n), holidays, extra)
        for n in range((end - start).days + 1)
    )


def annual_taken(*, official: Official, year: int, exclude_pk: int | None = None) -> int:
    """Working days of annual leave requested or approved in `year` (by start date)."""
    qs = Leave.objects.filter(official=official, kind=Leave.Kind.ANNUAL, status__in=OPEN, start__year=year)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return sum(qs.values_list("days", flat=True))


def _parse_day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        return None


@transaction.atomic
def leave_request(*, actor: User | None, village: Village, official: Official, data: dict[str, Any]) -> Leave:
    if official.village_id != village.pk:
        raise ApplicationError(_("Perangkat ini bukan perangkat desa ini."))
    if actor is not None and not user_can(actor, "staff.write") and official.user_id != actor.pk:
        raise NotAllowed(_("Anda hanya dapat mengajukan cuti atau izin untuk diri sendiri."))
    if not official.is_active:
        raise ValidationError({"official": _("%(name)s sudah tidak menjabat.") % {"name": official.name}})
    errors: dict[str, str] = {}
    kind = str(data.get("kind") or "")
    if kind not in Leave.Kind.values:
        errors["kind"] = _("Pilih jenis: cuti, izin, sakit atau perjalanan dinas.")
    start, end = _parse_day(data.get("start")), _parse_day(data.get("end") or data.get("start"))
    if start is None:
        errors["start"] = _("Tanggal mulai wajib diisi dengan tanggal yang valid.")
    if end is None:
        errors["end"] = _("Tanggal selesai tidak valid.")
    reason = " ".join(str(data.get("reason") or "").split())
    destination = " ".join(str(data.get("destination") or "").split())
    transport = " ".join(str(data.get("transport") or "").split())
    if not reason:
        errors["reason"] = _("Keperluan wajib diisi.")
    elif len(reason) > 300:
        errors["reason"] = _("Paling banyak %(n)d karakter.") % {"n": 300}
    if kind == Leave.Kind.TRAVEL and not destination:
        errors["destination"] = _("Tujuan perjalanan dinas wajib diisi.")
    if len(destination) > 200 or len(transport) > 60:
        errors["destination"] = _("Tujuan atau alat angkut terlalu panjang.")
    if errors:
        raise ValidationError(errors)
    assert start is not None
    assert end is not None
    if end < start:
        raise ValidationError({"end": _("Tanggal selesai tidak boleh sebelum tanggal mulai.")})
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError({"end": _("Paling lama %(n)d hari sekali pengajuan.") % {"n": MAX_DAYS}})
    clash = (
        Leave.objects.select_for_update()
        .filter(official=official, status__in=OPEN, start__lte=end, end__gte=start)
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "start": _("Bertumpuk dengan %(kind)s %(start)s s.d. %(end)s (%(status)s).")
                % {
                    "kind": clash.get_kind_display().lower(),
                    "start": clash.start.strftime("%d-%m-%Y"),
                    "end": clash.end.strftime("%d-%m-%Y"),
                    "status": clash.get_status_display().lower(),
                }
            }
        )
    days = workdays_between(village, start, end)
    if kind == Leave.Kind.ANNUAL:
        if start.year != end.year:
            raise ValidationError({"end": _("Cuti tahunan diajukan per tahun; pisahkan di akhir tahun.")})
        left = rules.ANNUAL_LEAVE_DAYS - annual_taken(official=official, year=start.year)
        if days > left:
            raise ValidationError(
                {
                    "end": _("Sisa cuti tahunan %(year)d tinggal %(left)d hari kerja; diajukan %(days)d.")
                    % {"year": start.year, "left": max(left, 0), "days": days}
                }
            )
    leave = Leave.objects.create(
        village=village,
        official=official,
        kind=kind,
        start=start,
        end=end,
        days=days,
        reason=reason,
        destination=destination,
        transport=transport,
        requested_by=actor,
    )
    audit_record(
        actor=actor,
        village=village,
        action="leave.requested",
        object_type="leave",
        object_id=leave.public_id,
        changes={
            "official": official.public_id,
            "kind": kind,
            "start": start.isoformat(),
            "end": end.isoformat(),
        },
    )
    return leave


def may_decide(actor: User | None, leave: Leave) -> bool:
    if actor is None:
        return False
    if is_head(leave.official):
        # The camat of the village's own district, no other.
        return user_can(actor, "staff.head_leave") and actor.district_code == leave.village.district_code
    return user_can(actor, "staff.approve") and actor.village_id == leave.village_id


def _next_sppd_number(leave: Leave, on: dt.date) -> str:
    count = Leave.objects.filter(
        village_id=leave.village_id, kind=Leave.Kind.TRAVEL, status=Leave.Status.APPROVED, start__year=on.year
    ).count()
    return f"094/{count + 1:03d}/SPPD/{on.year}"


@transaction.atomic
def leave_decide(*, actor: User | None, leave: Leave, approve: bool, note: str = "") -> Leave:
    leave = Leave.objects.select_for_update().select_related("official", "village").get(pk=leave.pk)
    if not may_decide(actor, leave):
        raise NotAllowed(
            _("Cuti kepala desa diputuskan oleh camat.")
            if is_head(leave.official)
            else _("Hanya kepala desa yang memutuskan cuti, izin dan perjalanan dinas.")
        )
    if leave.status != Leave.Status.REQUESTED:
        raise ApplicationError(
            _("Pengajuan ini sudah %(status)s.") % {"status": leave.get_status_display().lower()}
        )
    note = " ".join(str(note or "").split())[:300]
    if not approve and not note:
        raise ValidationError({"decision_note": _("Tuliskan alasan penolakan.")})
    now = timezone.now()
    leave.status = Leave.Status.APPROVED if approve else Leave.Status.REJECTED
    leave.decided_by = actor
    leave.decided_at = now
    leave.decision_note = note
    if approve and leave.kind == Leave.Kind.TRAVEL and not leave.number:
        leave.number = _next_sppd_number(leave, timezone.localdate())
    leave.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "number", "updated_at"])
    audit_record(
        actor=actor,
        village=leave.village,
        action="leave.approved" if approve else "leave.rejected",
        object_type="leave",
        object_id=leave.public_id,
        changes={"official": leave.official.public_id, "note": note, "number": leave.number},
    )
    return leave


@transaction.atomic
def leave_cancel(*, actor: User | None, leave: Leave) -> Leave:
    leave = Leave.objects.select_for_update().select_related("official", "village").get(pk=leave.pk)
    if actor is not None and not user_can(actor, "staff.write") and leave.official.user_id != actor.pk:
        raise NotAllowed(_("Anda hanya dapat membatalkan pengajuan sendiri."))
    if leave.status not in OPEN:
        raise ApplicationError(
            _("Pengajuan ini sudah %(status)s.") % {"status": leave.get_status_display().lower()}
        )
    if leave.status == Leave.Status.APPROVED and leave.start <= timezone.localdate():
        raise ApplicationError(_("Cuti atau perjalanan yang sudah dimulai tidak dapat dibatalkan."))
    leave.status = Leave.Status.CANCELLED
    leave.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        village=leave.village,
        action="leave.cancelled",
        object_type="leave",
        object_id=leave.public_id,
    )
    return leave
