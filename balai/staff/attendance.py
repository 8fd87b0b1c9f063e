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


def holidays_between(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    import holidays

    years = list(range(start.year, end.year + 1))
    table = holidays.country_holidays("ID", years=years, language="id")
    return {d: str(name) for d, name in table.items() if start <= d <= end}


def is_workday(rules: AttendanceSettings, day: dt.date, holidays: dict[dt.date, str] | None = None) -> bool:
    if str(day.isoweekday()) not in rules.workdays:
        return False
    if rules.skip_holidays:
        table = holidays if holidays is not None else holidays_between(day, day)
        return day not in table
    return True


def _check_hours(rules: AttendanceSettings, local: dt.datetime) -> None:
    if not is_workday(rules, local.date()):
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
