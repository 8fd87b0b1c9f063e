"""Staff attendance (kehadiran perangkat) at the kiosk: credentials, check-in/out, working hours.

Officials prove who they are with a card tap **plus** their own PIN, or with the username and
password of their linked Balai account. A card UID is readable and clonable, so it only says
whose PIN to check. PINs are hashed with argon2 over an HMAC with a pepper kept outside the
database (`balai.devices.pins`, the same as residents' PINs); wrong PINs lock the official with a growing delay
and, at ten, disable the PIN until an operator issues a new one. Counters live in the database,
so they hold across workers, devices and restarts.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_record
from balai.core import ratelimit
from balai.core.errors import ApplicationError
from balai.core.services import model_update
from balai.devices import pins
from balai.regions.models import Village
from balai.staff.models import Attendance, AttendanceSettings, Official, OfficialCredential

if TYPE_CHECKING:
    from balai.accounts.models import User

# Username + password at the attendance kiosk: its own counter, apart from the web sign-in's.
PASSWORD_BUCKET = "attendance-password"
PASSWORD_FAILURE_LIMIT = 5
PASSWORD_WINDOW = dt.timedelta(minutes=30)
LOCK_AFTER = 5
DISABLE_AFTER = 10
PIN_LENGTH = 6


# --- PINs and cards (hashing and pepper shared with residents' PINs: balai.devices.pins) -----


def pin_is_weak(pin: str, birth_date: dt.date | None = None) -> bool:
    return bool(pins.pin_problem(pin, birth_date=birth_date))


def _credential(official: Official) -> OfficialCredential:
    credential, _created = OfficialCredential.objects.get_or_create(
        official=official, defaults={"village": official.village}
    )
    return credential


def _birth_date(official: Official) -> dt.date | None:
    return official.resident.birth_date if official.resident_id and official.resident else None


@transaction.atomic
def credential_issue_pin(*, actor: User | None, official: Official) -> str:
    """A new random PIN for the official (shown once to the operator); unlocks the official."""
    birth = _birth_date(official)
    while True:
        pin = f"{secrets.randbelow(10**PIN_LENGTH):06d}"
        if not pin_is_weak(pin, birth):
            break
    credential = _credential(official)
    credential.pin_hash = pins.hash_pin(pin)
    credential.failed_pins = 0
    credential.locked_until = None
    credential.pin_disabled = False
    credential.pin_set_at = timezone.now()
    credential.save()
    audit_record(
        actor=actor,
        village=official.village,
        action="attendance.pin_issued",
        object_type="official",
        object_id=official.public_id,
    )
    return pin


@transaction.atomic
def credential_set_card(*, actor: User | None, official: Official, card_uid: str) -> None:
    """Register (or with an empty UID, remove) the official's card."""
    uid = "".join(card_uid.split())
    if uid and not (4 <= len(uid) <= 32 and uid.isalnum()):
        raise ValidationError({"card_uid": _("UID kartu harus 4–32 huruf/angka.")})
    digest = pins.card_digest(uid) if uid else ""
    if digest and (
        OfficialCredential.objects.filter(village=official.village, card_digest__in=pins.card_digests(uid))
        .exclude(official=official)
        .exists()
    ):
        raise ValidationError({"card_uid": _("Kartu ini sudah dipakai perangkat lain.")})
    credential = _credential(official)
    credential.card_digest = digest
    credential.save(update_fields=["card_digest"])
    audit_record(
        actor=actor,
        village=official.village,
        action="attendance.card_set" if uid else "attendance.card_removed",
        object_type="official",
        object_id=official.public_id,
    )


@dataclass(frozen=True)
class Identified:
    official: Official
    method: str


def _fail(credential_pk: int, now: dt.datetime) -> str:
    """Count a wrong PIN in its own committed transaction; the message to show."""
    with transaction.atomic():
        credential = OfficialCredential.objects.select_for_update().get(pk=credential_pk)
        credential.failed_pins += 1
        if credential.failed_pins >= DISABLE_AFTER:
            credential.pin_disabled = True
        elif credential.failed_pins >= LOCK_AFTER:
            # 1, 2, 4, 8, 16 minutes: each further wrong PIN doubles the wait.
            credential.locked_until = now + dt.timedelta(minutes=2 ** (credential.failed_pins - LOCK_AFTER))
        credential.save(update_fields=["failed_pins", "pin_disabled", "locked_until"])
    if credential.pin_disabled:
        return _("PIN diblokir karena terlalu banyak salah. Minta operator membuat PIN baru.")
    if credential.locked_until:
        return _("PIN salah. Coba lagi setelah %(time)s.") % {
            "time": timezone.localtime(credential.locked_until).strftime("%H:%M")
        }
    left = LOCK_AFTER - credential.failed_pins
    return _("PIN salah. Sisa %(n)d kali sebelum dikunci sementara.") % {"n": left}


def identify_by_card(
    *, village: Village, card_uid: str, pin: str, now: dt.datetime | None = None
) -> Identified:
    now = now or timezone.now()
    uid = "".join(card_uid.split())
    if not uid:
        raise ApplicationError(_("Tempelkan kartu Anda."))
    if not pin:
        # A card alone is never proof of identity.
        raise ApplicationError(_("Masukkan PIN Anda."))
    credential = (
        OfficialCredential.objects.select_related("official")
        .filter(village=village, card_digest__in=pins.card_digests(uid), official__is_active=True)
        .first()
    )
    if credential is None:
        pins.burn_verify(pin)
        raise ApplicationError(_("Kartu tidak terdaftar untuk perangkat desa ini."))
    if credential.pin_disabled:
        raise ApplicationError(_("PIN diblokir. Minta operator membuat PIN baru."))
    if credential.locked_until and credential.locked_until > now:
        raise ApplicationError(
            _("PIN dikunci sementara. Coba lagi setelah %(time)s.")
            % {"time": timezone.localtime(credential.locked_until).strftime("%H:%M")}
        )
    if not credential.pin_hash:
        raise ApplicationError(_("PIN belum dibuat. Minta operator membuatkan PIN."))
    ok, new_hash = pins.check_pin(credential.pin_hash, pin)
    if not ok:
        raise ApplicationError(_fail(credential.pk, now))
    updates: dict[str, Any] = {}
    if credential.failed_pins or credential.locked_until:
        updates.update(failed_pins=0, locked_until=None)
    # After a pepper rotation (balai.devices.pins): re-hash the PIN, re-key the card.
    if new_hash:
        updates["pin_hash"] = new_hash
    digest = pins.card_digest(uid)
    if (
        credential.card_digest != digest
        and not OfficialCredential.objects.filter(village=village, card_digest=digest).exists()
    ):
        updates["card_digest"] = digest
    if updates:
        OfficialCredential.objects.filter(pk=credential.pk).update(**updates)
    return Identified(official=credential.official, method=Attendance.Method.CARD_PIN)


def identify_by_password(
    *, request: HttpRequest, village: Village, username: str, password: str
) -> Identified:
    """Username + password of the official's linked account.

    The kiosk keeps its own counter per account (`PASSWORD_FAILURE_LIMIT` tries per
    `PASSWORD_WINDOW`), separate from the web sign-in's (`balai.accounts.throttle`): five wrong
    tries at the attendance kiosk must not lock the sekdes out of the web (issue 16). The try
    is counted before the password is checked (a row lock in `core.ratelimit.hit`), and the
    count is cleared by a right one.
    """
    if not username or not password:
        raise ApplicationError(_("Isi nama pengguna dan kata sandi."))
    key = username.strip().casefold()
    if ratelimit.hit(PASSWORD_BUCKET, key, limit=PASSWORD_FAILURE_LIMIT, window=PASSWORD_WINDOW):
        raise ApplicationError(
            _(
                "Terlalu banyak percobaan gagal; akun dikunci sementara. Coba lagi nanti atau pakai kartu + PIN."
            )
        )
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise ApplicationError(_("Nama pengguna atau kata sandi salah."))
    ratelimit.clear(PASSWORD_BUCKET, key)
    official = Official.objects.filter(village=village, user=user, is_active=True).first()
    if official is None:
        raise ApplicationError(_("Akun ini tidak terhubung dengan perangkat desa ini."))
    return Identified(official=official, method=Attendance.Method.PASSWORD)


# --- Working hours -------------------------------------------------------------------------


def settings_for(village: Village) -> AttendanceSettings:
    """The village's working hours, or the defaults (Monday–Friday, 06:00–18:00) unsaved."""
    found = AttendanceSettings.objects.filter(village=village).first()
    return found or AttendanceSettings(village=village)


@functools.lru_cache(maxsize=32)
def _national_holidays(year: int) -> tuple[tuple[dt.date, str], ...]:
    """One year's national holidays; building the `holidays` table costs milliseconds of CPU on
    every recap, so it is kept per process (fixed for a given year and package version)."""
    import holidays

    table = holidays.country_holidays("ID", years=[year], language="id")
    return tuple(sorted((d, str(name)) for d, name in table.items()))


def holidays_between(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    return {
        d: name
        for year in range(start.year, end.year + 1)
        for d, name in _national_holidays(year)
        if start <= d <= end
    }


def is_workday(
    rules: AttendanceSettings,
    day: dt.date,
    holidays: dict[dt.date, str] | None = None,
    workdays: set[dt.date] | frozenset[dt.date] = frozenset(),
) -> bool:
    """`holidays`: national and village days off; `workdays`: the village's make-up working days,
    which count whatever the weekday or holiday."""
    if day in workdays:
        return True
    if str(day.isoweekday()) not in rules.workdays:
        return False
    if rules.skip_holidays:
        table = holidays if holidays is not None else holidays_between(day, day)
        return day not in table
    return True


def village_calendar(
    village: Village, start: dt.date, end: dt.date
) -> tuple[dict[dt.date, str], set[dt.date]]:
    """The national holidays plus the village's own days off, and its make-up working days."""
    from balai.staff.models import CalendarDay

    holidays = holidays_between(start, end)
    workdays: set[dt.date] = set()
    for day, kind, name in CalendarDay.objects.filter(
        village=village, day__gte=start, day__lte=end
    ).values_list("day", "kind", "name"):
        if kind == CalendarDay.Kind.HOLIDAY:
            holidays[day] = name
        else:
            holidays.pop(day, None)
            workdays.add(day)
    return holidays, workdays


def _check_hours(rules: AttendanceSettings, local: dt.datetime) -> None:
    holidays, workdays = village_calendar(rules.village, local.date(), local.date())
    if not is_workday(rules, local.date(), holidays, workdays):
        raise ApplicationError(_("Hari ini bukan hari kerja; absensi tidak dibuka."))
    if not rules.opens_at <= local.time() <= rules.closes_at:
        raise ApplicationError(
            _("Absensi hanya dibuka pukul %(start)s–%(end)s.")
            % {"start": rules.opens_at.strftime("%H:%M"), "end": rules.closes_at.strftime("%H:%M")}
        )


@transaction.atomic
def settings_update(*, actor: User | None, village: Village, data: dict[str, Any]) -> AttendanceSettings:
    rules = settings_for(village)
    workdays = "".join(sorted({c for c in str(data.get("workdays", rules.workdays)) if c in "1234567"}))
    if not workdays:
        raise ValidationError({"workdays": _("Pilih paling sedikit satu hari kerja.")})
    times = {k: data.get(k, getattr(rules, k)) for k in ("opens_at", "starts_at", "ends_at", "closes_at")}
    if not times["opens_at"] <= times["starts_at"] <= times["ends_at"] <= times["closes_at"]:
        raise ValidationError(
            {"closes_at": _("Urutan jam harus: absen dibuka ≤ jam masuk ≤ jam pulang ≤ absen ditutup.")}
        )
    values = {
        "workdays": workdays,
        **times,
        "skip_holidays": bool(data.get("skip_holidays", rules.skip_holidays)),
    }
    changes = model_update(instance=rules, fields=list(values), data=values)
    audit_record(
        actor=actor,
        village=village,
        action="attendance.settings_updated",
        object_type="village",
        object_id=village.code,
        changes=changes.for_audit(),
    )
    return rules


# --- Check in / out ------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    attendance: Attendance
    action: str  # "in" or "out"
    late: bool
    early: bool


def attendance_check(
    *,
    official: Official,
    action: str,
    method: str,
    device_id: str,
    now: dt.datetime | None = None,
) -> CheckResult:
    """Record the official's check-in (`action="in"`) or check-out (`"out"`) now."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    rules = settings_for(official.village)
    _check_hours(rules, local)
    day = local.date()
    with transaction.atomic():
        row = Attendance.objects.select_for_update().filter(official=official, day=day).first()
        if action == "in":
            if row is not None:
                raise ApplicationError(
                    _("%(name)s sudah absen masuk pukul %(time)s.")
                    % {"name": official.name, "time": timezone.localtime(row.check_in_at).strftime("%H:%M")}
                )
            try:
                with transaction.atomic():
                    row = Attendance.objects.create(
                        village=official.village,
                        official=official,
                        day=day,
                        check_in_at=now,
                        check_in_method=method,
                        check_in_device=device_id,
                    )
            except IntegrityError:  # a second tap at the same moment
                raise ApplicationError(_("%(name)s sudah absen masuk.") % {"name": official.name})
        elif action == "out":
            if row is None:
                raise ApplicationError(_("%(name)s belum absen masuk hari ini.") % {"name": official.name})
            if row.check_out_at is not None:
                raise ApplicationError(
                    _("%(name)s sudah absen pulang pukul %(time)s.")
                    % {"name": official.name, "time": timezone.localtime(row.check_out_at).strftime("%H:%M")}
                )
            row.check_out_at, row.check_out_method, row.check_out_device = now, method, device_id
            row.save(update_fields=["check_out_at", "check_out_method", "check_out_device"])
        else:
            raise ApplicationError(_("Pilih absen masuk atau pulang."))
        audit_record(
            actor=official.user if official.user_id else None,
            village=official.village,
            action=f"attendance.check_{action}",
            object_type="official",
            object_id=official.public_id,
            changes={"method": method, "device": device_id, "at": local.strftime("%Y-%m-%d %H:%M")},
        )
    return CheckResult(
        attendance=row,
        action=action,
        late=action == "in" and local.time() > rules.starts_at,
        early=action == "out" and local.time() < rules.ends_at,
    )


# --- Corrections by the operator ---------------------------------------------------------------


@transaction.atomic
def attendance_correct(
    *,
    actor: User | None,
    official: Official,
    day: dt.date,
    check_in: dt.time | None,
    check_out: dt.time | None,
    reason: str,
) -> Attendance | None:
    """Set (or, with no times, remove) an official's attendance on `day`, with the reason; audited
    with the old and new times. Days after today cannot be corrected."""
    reason = " ".join(str(reason or "").split())
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("Alasan koreksi wajib diisi.")
    elif len(reason) > 300:
        errors["reason"] = _("Paling banyak %(n)d karakter.") % {"n": 300}
    if day > timezone.localdate():
        errors["day"] = _("Kehadiran hari yang belum tiba tidak dapat dikoreksi.")
    if check_out is not None and check_in is None:
        errors["check_in"] = _("Isi jam masuk bila jam pulang diisi.")
    if check_in is not None and check_out is not None and check_out <= check_in:
        errors["check_out"] = _("Jam pulang harus setelah jam masuk.")
    if errors:
        raise ValidationError(errors)
    row = Attendance.objects.select_for_update().filter(official=official, day=day).first()

    def at(t: dt.time | None) -> dt.datetime | None:
        return timezone.make_aware(dt.datetime.combine(day, t)) if t is not None else None

    def hhmm(value: dt.datetime | None) -> str:
        return timezone.localtime(value).strftime("%H:%M") if value else ""

    before = (hhmm(row.check_in_at), hhmm(row.check_out_at)) if row else ("", "")
    start = at(check_in)
    if start is None:
        if row is not None:
            row.delete()
        row = None
    elif row is None:
        row = Attendance.objects.create(
            village=official.village,
            official=official,
            day=day,
            check_in_at=start,
            check_in_method=Attendance.Method.CORRECTION,
            check_out_at=at(check_out),
            check_out_method=Attendance.Method.CORRECTION if check_out else "",
            corrected_by=actor,
            correction_reason=reason,
        )
    else:
        row.check_in_at = start
        row.check_in_method = Attendance.Method.CORRECTION
        row.check_out_at = at(check_out)
        row.check_out_method = Attendance.Method.CORRECTION if check_out else ""
        row.corrected_by, row.correction_reason = actor, reason
        row.save()
    after = (hhmm(row.check_in_at), hhmm(row.check_out_at)) if row else ("", "")
    audit_record(
        actor=actor,
        village=official.village,
        action="attendance.corrected",
        object_type="official",
        object_id=official.public_id,
        changes={
            "day": day.isoformat(),
            "in": [before[0], after[0]],
            "out": [before[1], after[1]],
            "reason": reason,
        },
    )
    return row


# --- The village's calendar --------------------------------------------------------------------

CALENDAR_KINDS = {"libur": "libur", "kerja": "kerja", "hari kerja": "kerja", "cuti bersama": "libur"}


def _calendar_row(raw_day: Any, raw_kind: Any, raw_name: Any) -> tuple[dt.date | None, str, str, str]:
    """(day, kind, name, error) of one row as typed or imported."""
    if isinstance(raw_day, dt.datetime):
        day: dt.date | None = raw_day.date()
    elif isinstance(raw_day, dt.date):
        day = raw_day
    else:
        text = str(raw_day or "").strip()
        day = None
        for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
            try:
                day = dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date, no time)
                break
            except ValueError:
                continue
    kind = CALENDAR_KINDS.get(" ".join(str(raw_kind or "").lower().split()), "")
    name = " ".join(str(raw_name or "").split())
    if day is None:
        return None, kind, name, _("tanggal tidak valid (pakai HH-BB-TTTT atau TTTT-BB-HH)")
    if not kind:
        return day, kind, name, _("jenis harus \u201clibur\u201d atau \u201ckerja\u201d")
    if not name or len(name) > 120:
        return day, kind, name, _("keterangan wajib diisi, paling banyak 120 karakter")
    return day, kind, name, ""


@transaction.atomic
def calendar_days_set(*, actor: User | None, village: Village, rows: list[tuple[Any, Any, Any]]) -> int:
    """Set the village's own days (one typed, or many imported): all or nothing, each error
    naming its row. A day already set is replaced."""
    from balai.staff.models import CalendarDay

    parsed: list[tuple[dt.date, str, str]] = []
    errors: list[str] = []
    for n, (raw_day, raw_kind, raw_name) in enumerate(rows, start=1):
        day, kind, name, error = _calendar_row(raw_day, raw_kind, raw_name)
        if error:
            errors.append(_("Baris %(n)d: %(error)s.") % {"n": n, "error": error})
        elif day is not None:
            parsed.append((day, kind, name))
    if errors:
        raise ValidationError({"rows": errors[:20]})
    if not parsed:
        raise ValidationError({"rows": [_("Tidak ada baris yang berisi tanggal.")]})
    for day, kind, name in parsed:
        CalendarDay.objects.update_or_create(village=village, day=day, defaults={"kind": kind, "name": name})
    audit_record(
        actor=actor,
        village=village,
        action="attendance.calendar_set",
        object_type="village",
        object_id=village.code,
        changes={"days": [[d.isoformat(), k, n] for d, k, n in parsed[:100]], "count": len(parsed)},
    )
    return len(parsed)


def calendar_import(*, actor: User | None, village: Village, data: bytes) -> int:
    """Columns: Tanggal | Jenis (libur/kerja) | Keterangan, a header row first (XLSX or CSV)."""
    from balai.core import spreadsheets

    try:
        with spreadsheets.open_workbook(data, csv=True) as book:
            table = book.table(book.sheet_names[0], max_rows=2000)
    except spreadsheets.Refused as exc:
        raise ValidationError({"rows": [str(exc)]})
    body = [row for row in table[1:] if any(str(v).strip() for v in row)]
    return calendar_days_set(
        actor=actor,
        village=village,
        rows=[(r[0] if r else "", r[1] if len(r) > 1 else "", r[2] if len(r) > 2 else "") for r in body],
    )


@transaction.atomic
def calendar_day_remove(*, actor: User | None, village: Village, day: dt.date) -> bool:
    from balai.staff.models import CalendarDay

    deleted, _detail = CalendarDay.objects.filter(village=village, day=day).delete()
    if deleted:
        audit_record(
            actor=actor,
            village=village,
            action="attendance.calendar_removed",
            object_type="village",
            object_id=village.code,
            changes={"day": day.isoformat()},
        )
    return bool(deleted)


def office_closed(village: Village, at: dt.datetime) -> str:
    """Why the village office is closed at `at`: "holiday" (not a working day), "hours"
    (a working day, outside its hours), or "" when it is open. The kiosk home then says so
    instead of listing every official as not yet present."""
    rules = settings_for(village)
    local = timezone.localtime(at)
    holidays, workdays = village_calendar(village, local.date(), local.date())
    if not is_workday(rules, local.date(), holidays, workdays):
        return "holiday"
    if not (rules.starts_at <= local.time() <= rules.ends_at):
        return "hours"
    return ""
