"""Residents' reports that an official was absent during office hours (issue 18 item 5, issue 23
item 1): filed at the kiosk by a signed-in resident, decided by the kepala desa.

Refused with the field named: an official not active in the device's village, a time in the
future, more than a week ago or outside the village's office hours (weekends, holidays, its own
days off), a day the official was on approved leave or travel, more than `DAILY_LIMIT` reports
by one resident in a day or the same official twice on one day. A form's one-time key makes a
double tap or a resend one report."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.accounts.models import User
from balai.accounts.scope import user_can
from balai.audit.services import audit_record
from balai.core.errors import ApplicationError, NotAllowed
from balai.people.models import Resident
from balai.regions.models import Village
from balai.staff.attendance import is_workday, settings_for, village_calendar
from balai.staff.leave import is_head
from balai.staff.models import AbsenceReport, Leave, Official

DAILY_LIMIT = 3
MAX_AGE = dt.timedelta(days=7)
NOTE_MAX = 500


def _clean_key(submit_key: str) -> str:
    key = (submit_key or "")[:64]
    if key and key.replace("-", "").replace("_", "").isalnum():
        return key
    return "auto-" + secrets.token_urlsafe(12)


def parse_seen_at(raw: Any) -> dt.datetime:
    """`YYYY-MM-DDTHH:MM` (the kiosk's date-time field) in the village's time zone."""
    text = str(raw or "").strip()[:20]
    try:
        local = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            {"seen_at": _("Tanggal dan jam tidak dikenali (contoh 2026-12-07 09:30).")}
        ) from None
    if local.tzinfo is None:
        local = timezone.make_aware(local.replace(second=0, microsecond=0))
    return local


def _check_office_hours(village: Village, official: Official, seen_at: dt.datetime) -> None:
    local = timezone.localtime(seen_at)
    now = timezone.now()
    if seen_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"seen_at": _("Waktu kejadian tidak boleh di masa depan.")})
    if now - seen_at > MAX_AGE:
        raise ValidationError({"seen_at": _("Laporan hanya untuk kejadian dalam 7 hari terakhir.")})
    rules = settings_for(village)
    day = local.date()
    holidays, workdays = village_calendar(village, day, day)
    if not is_workday(rules, day, holidays, workdays):
        raise ValidationError({"seen_at": _("Tanggal itu bukan hari kerja kantor desa.")})
    if not (rules.starts_at <= local.time() <= rules.ends_at):
        raise ValidationError(
            {
                "seen_at": _("Di luar jam kantor (%(start)s–%(end)s).")
                % {"start": rules.starts_at.strftime("%H:%M"), "end": rules.ends_at.strftime("%H:%M")}
            }
        )
    if Leave.objects.filter(
        official=official, status=Leave.Status.APPROVED, start__lte=day, end__gte=day
    ).exists():
        raise ValidationError(
            {
                "official": _("%(name)s sedang cuti, izin atau dinas pada tanggal itu.")
                % {"name": official.name}
            }
        )


def _check_limits(village: Village, resident: Resident, official: Official, seen_at: dt.datetime) -> None:
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    if AbsenceReport.objects.filter(resident=resident, created_at__gte=start).count() >= DAILY_LIMIT:
        raise ApplicationError(
            _("Anda sudah mengirim %(n)d laporan hari ini. Silakan kembali besok atau sampaikan ke petugas.")
            % {"n": DAILY_LIMIT}
        )
    day = timezone.localtime(seen_at).date()
    day_start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    if AbsenceReport.objects.filter(
        resident=resident,
        official=official,
        seen_at__gte=day_start,
        seen_at__lt=day_start + dt.timedelta(days=1),
    ).exists():
        raise ApplicationError(_("Anda sudah melaporkan perangkat ini untuk tanggal itu."))


def absence_report_file(
    *,
    village: Village,
    resident: Resident,
    data: dict[str, Any],
    device_id: str = "",
    submit_key: str = "",
) -> tuple[AbsenceReport, bool]:
    """A signed-in resident reports an official absent. Returns the report and whether it is new."""
    if resident.village_id != village.pk:
        raise ApplicationError(_("Penduduk tidak ditemukan."))
    key = _clean_key(submit_key)
    found = AbsenceReport.objects.filter(village=village, submit_key=key, resident=resident).first()
    if found is not None:
        return found, False
    wanted = str(data.get("official") or "").strip()[:32]
    if not wanted:
        raise ValidationError({"official": _("Pilih perangkat desa yang dilaporkan.")})
    official = Official.objects.filter(village=village, is_active=True, public_id=wanted).first()
    if official is None:
        raise ValidationError({"official": _("Perangkat desa tidak ditemukan di desa ini.")})
    seen_at = parse_seen_at(data.get("seen_at")) if data.get("seen_at") else timezone.now()
    note = " ".join(str(data.get("note") or "").split())
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("Keterangan paling banyak 500 karakter.")})
    _check_office_hours(village, official, seen_at)
    try:
        with transaction.atomic():
            # One resident's reports are counted under their row's lock (two kiosks at once).
            Resident.objects.select_for_update().filter(pk=resident.pk).first()
            _check_limits(village, resident, official, seen_at)
            report = AbsenceReport.objects.create(
                village=village,
                official=official,
                resident=resident,
                seen_at=seen_at,
                note=note,
                device_id=device_id[:16],
                submit_key=key,
            )
            audit_record(
                actor=None,
                village=village,
                action="absence_report.filed",
                object_type="absence_report",
                object_id=report.public_id,
                changes={
                    "official": official.public_id,
                    "resident": resident.public_id,
                    "seen_at": timezone.localtime(seen_at).strftime("%Y-%m-%d %H:%M"),
                    "device": device_id[:16],
                },
            )
    except IntegrityError:
        again = AbsenceReport.objects.filter(village=village, submit_key=key).first()
        if again is None:
            raise
        return again, False
    return report, True


@transaction.atomic
def absence_report_decide(
    *, actor: User, village: Village, report: AbsenceReport, status: str, note: str = ""
) -> AbsenceReport:
    """The kepala desa marks a report handled (ditindaklanjuti) or unfounded (tidak terbukti); a
    report about the kepala desa himself is decided by the camat of the village's district."""
    if report.village_id != village.pk:
        raise ApplicationError(_("Laporan tidak ditemukan."))
    if is_head(report.official):
        if not user_can(actor, "staff.head_absences") or actor.district_code != village.district_code:
            raise NotAllowed(_("Laporan tentang kepala desa diputuskan oleh camat kecamatannya."))
    elif not user_can(actor, "staff.absences") or actor.village_id != village.pk:
        raise NotAllowed(_("Hanya kepala desa yang menindaklanjuti laporan ketidakhadiran."))
    if status not in (AbsenceReport.Status.HANDLED, AbsenceReport.Status.UNFOUNDED):
        raise ValidationError({"status": _("Pilih: sudah ditindaklanjuti atau tidak terbukti.")})
    note = " ".join((note or "").split())
    if len(note) > 300:
        raise ValidationError({"note": _("Catatan paling banyak 300 karakter.")})
    if status == AbsenceReport.Status.UNFOUNDED and not note:
        raise ValidationError({"note": _("Tuliskan mengapa laporan tidak terbukti.")})
    report = AbsenceReport.objects.select_for_update().select_related("official").get(pk=report.pk)
    if report.official.user_id is not None and report.official.user_id == actor.pk:
        raise ApplicationError(_("Laporan tentang Anda sendiri tidak dapat Anda putuskan."))
    if report.status != AbsenceReport.Status.OPEN:
        raise ApplicationError(_("Laporan ini sudah diputuskan."))
    report.status, report.decided_by, report.decided_at = status, actor, timezone.now()
    report.decision_note = note
    report.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    audit_record(
        actor=actor,
        village=village,
        action="absence_report.decided",
        object_type="absence_report",
        object_id=report.public_id,
        changes={"status": status, "note": note, "official": report.official.public_id},
    )
    return report
