"""Writes of kiosk devices and residents' kiosk credentials: devices, PINs and cards, sign-in
counters. Keyword-only, actor first, atomic, audited."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_record
from balai.core.digits import ascii_digits, only_digits
from balai.core.errors import ApplicationError
from balai.devices import pins
from balai.devices.device import credential_digest
from balai.devices.models import KioskDevice, KioskVillageSettings, ResidentCredential, SignInFailure

if TYPE_CHECKING:
    from balai.accounts.models import User
    from balai.people.models import Resident
    from balai.regions.models import Village

ENROL_CODE_TTL = dt.timedelta(minutes=30)
# Digits only: typed on the kiosk's numeric keyboard. 10 digits with a 30-minute life and
# the enrolment throttle leave nothing to guess.
ENROL_CODE_DIGITS = 10

# Resident lockout: from the 5th wrong PIN a growing wait, at the 10th the PIN is disabled.
LOCK_AFTER = 5
DISABLE_AFTER = 10
LOCK_BASE = dt.timedelta(minutes=1)

# Spraying guard: distinct NIKs (or cards) failing on one device within the window.
SPRAY_WINDOW = dt.timedelta(hours=1)
SPRAY_THROTTLE_AT = 5
SPRAY_THROTTLE_FOR = dt.timedelta(seconds=30)
SPRAY_BLOCK_AT = 12


def _new_enrol_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(ENROL_CODE_DIGITS))


def _clean_code(code: str) -> str:
    return only_digits(code)


# --- Devices --------------------------------------------------------------------------------


@transaction.atomic
def device_create(
    *, actor: User, village: Village, label: str, idle_seconds: int | None = None
) -> tuple[KioskDevice, str]:
    """A new device and its one-time enrolment code (returned once, stored hashed)."""
    label = label.strip()
    if not label:
        raise ApplicationError(_("Nama anjungan wajib diisi."))
    code = _new_enrol_code()
    device = KioskDevice.objects.create(
        village=village,
        label=label[:80],
        idle_seconds=idle_seconds or None,
        enrol_code_hash=credential_digest(code),
        enrol_code_expires_at=timezone.now() + ENROL_CODE_TTL,
        created_by=actor,
    )
    audit_record(
        actor=actor, village=village, action="kiosk.device_create", object_type="kiosk_device",
        object_id=device.public_id, changes={"label": device.label},
    )  # fmt: skip
    return device, code


@transaction.atomic
def device_new_code(*, actor: User, device: KioskDevice) -> str:
    """A fresh enrolment code; the device's old credential stops working when it is used."""
    code = _new_enrol_code()
    KioskDevice.objects.filter(pk=device.pk).update(
        enrol_code_hash=credential_digest(code), enrol_code_expires_at=timezone.now() + ENROL_CODE_TTL
    )
    audit_record(
        actor=actor, village=device.village, action="kiosk.device_code", object_type="kiosk_device",
        object_id=device.public_id,
    )  # fmt: skip
    return code


@transaction.atomic
def device_enrol(*, code: str) -> tuple[KioskDevice, str] | None:
    """Trade a valid enrolment code for the device's long-lived credential (returned once)."""
    code = _clean_code(code)
    if len(code) != ENROL_CODE_DIGITS:
        return None
    device = (
        KioskDevice.objects.select_for_update()
        .select_related("village")
        .filter(enrol_code_hash=credential_digest(code), is_active=True, village__is_active=True)
        .first()
    )
    if (
        device is None
        or device.enrol_code_expires_at is None
        or device.enrol_code_expires_at < timezone.now()
    ):
        return None
    credential = secrets.token_urlsafe(32)
    device.credential_hash = credential_digest(credential)
    device.enrol_code_hash = ""
    device.enrol_code_expires_at = None
    device.enrolled_at = timezone.now()
    device.save(update_fields=["credential_hash", "enrol_code_hash", "enrol_code_expires_at", "enrolled_at"])
    audit_record(
        actor=None, village=device.village, action="kiosk.device_enrol", object_type="kiosk_device",
        object_id=device.public_id,
    )  # fmt: skip
    return device, credential


@transaction.atomic
def device_update(*, actor: User, device: KioskDevice, label: str, idle_seconds: int | None) -> KioskDevice:
    label = label.strip()
    if not label:
        raise ApplicationError(_("Nama anjungan wajib diisi."))
    if idle_seconds is not None and not 15 <= idle_seconds <= 900:
        raise ApplicationError(_("Batas diam harus 15–900 detik."))
    device.label, device.idle_seconds = label[:80], idle_seconds
    device.save(update_fields=["label", "idle_seconds", "updated_at"])
    audit_record(
        actor=actor, village=device.village, action="kiosk.device_update", object_type="kiosk_device",
        object_id=device.public_id, changes={"label": device.label, "idle_seconds": idle_seconds},
    )  # fmt: skip
    return device


@transaction.atomic
def device_set_active(*, actor: User, device: KioskDevice, active: bool) -> None:
    KioskDevice.objects.filter(pk=device.pk).update(is_active=active)
    audit_record(
        actor=actor, village=device.village, action="kiosk.device_enable" if active else "kiosk.device_disable",
        object_type="kiosk_device", object_id=device.public_id,
    )  # fmt: skip


@transaction.atomic
def device_unblock(*, actor: User, device: KioskDevice) -> None:
    KioskDevice.objects.filter(pk=device.pk).update(sign_in_blocked=False, sign_in_throttled_until=None)
    SignInFailure.objects.filter(device=device).delete()
    audit_record(
        actor=actor, village=device.village, action="kiosk.device_unblock", object_type="kiosk_device",
        object_id=device.public_id,
    )  # fmt: skip


@transaction.atomic
def village_settings_update(*, actor: User, village: Village, idle_seconds: int) -> None:
    if not 15 <= idle_seconds <= 900:
        raise ApplicationError(_("Batas diam harus 15–900 detik."))
    KioskVillageSettings.objects.update_or_create(village=village, defaults={"idle_seconds": idle_seconds})
    audit_record(
        actor=actor, village=village, action="kiosk.settings", object_type="kiosk_settings",
        object_id=village.code, changes={"idle_seconds": idle_seconds},
    )  # fmt: skip


# --- PINs and cards (operator) ------------------------------------------------------------


def _credential_for_update(resident: Resident) -> ResidentCredential:
    cred = ResidentCredential.objects.select_for_update().filter(resident=resident).first()
    if cred is None:
        try:
            with transaction.atomic():
                ResidentCredential.objects.create(village_id=resident.village_id, resident=resident)
        except IntegrityError:
            pass  # created concurrently
        cred = ResidentCredential.objects.select_for_update().get(resident=resident)
    return cred


def random_first_pin(resident: Resident) -> str:
    while True:
        pin = "".join(secrets.choice("0123456789") for _ in range(pins.PIN_LENGTH))
        if not pins.pin_problem(pin, nik=resident.nik, birth_date=resident.birth_date):
            return pin


@transaction.atomic
def pin_issue(*, actor: User, resident: Resident) -> str:
    """A new random first PIN (returned once for the slip); the resident must change it.
    Also clears the lockout: this is the operator's reset."""
    pin = random_first_pin(resident)
    cred = _credential_for_update(resident)
    cred.pin_hash = pins.hash_pin(pin)
    cred.must_change_pin = True
    cred.pin_set_at = timezone.now()
    cred.pin_set_by = actor
    cred.failed_count = 0
    cred.locked_until = None
    cred.pin_disabled = False
    cred.save()
    audit_record(
        actor=actor, village=resident.village, action="kiosk.pin_issue", object_type="resident",
        object_id=resident.public_id,
    )  # fmt: skip
    return pin


@transaction.atomic
def card_register(*, actor: User, resident: Resident, uid: str) -> None:
    uid = pins.normalise_card_uid(uid)
    if not 4 <= len(uid) <= 32:
        raise ApplicationError(_("ID kartu tidak terbaca; tempelkan kartu sekali lagi."))
    digest = pins.card_digest(uid)
    taken = (
        ResidentCredential.objects.filter(card_digest__in=pins.card_digests(uid))
        .exclude(resident=resident)
        .exists()
    )
    if taken:
        raise ApplicationError(_("Kartu ini sudah terdaftar untuk penduduk lain."))
    cred = _credential_for_update(resident)
    cred.card_digest = digest
    cred.save(update_fields=["card_digest", "updated_at"])
    audit_record(
        actor=actor, village=resident.village, action="kiosk.card_register", object_type="resident",
        object_id=resident.public_id,
    )  # fmt: skip


@transaction.atomic
def card_remove(*, actor: User, resident: Resident) -> None:
    ResidentCredential.objects.filter(resident=resident).update(card_digest="")
    audit_record(
        actor=actor, village=resident.village, action="kiosk.card_remove", object_type="resident",
        object_id=resident.public_id,
    )  # fmt: skip


# --- Sign-in ------------------------------------------------------------------------------


@dataclass
class SignInResult:
    resident: Resident | None = None
    must_change_pin: bool = False
    message: str = ""
    # Seconds until the next attempt may be made (locked resident or throttled device).
    wait_seconds: int = 0


def _generic_failure() -> SignInResult:
    return SignInResult(message=_("NIK/kartu atau PIN salah."))


def _refusal_for(state: Mapping[str, Any], now: dt.datetime) -> SignInResult | None:
    if state["sign_in_blocked"]:
        return SignInResult(
            message=_(
                "Terlalu banyak percobaan masuk di anjungan ini. Hubungi petugas desa untuk membukanya."
            )
        )
    until = state["sign_in_throttled_until"]
    if until is not None and until > now:
        wait = int((until - now).total_seconds()) + 1
        return SignInResult(
            message=_("Terlalu banyak percobaan. Tunggu %(s)d detik lalu coba lagi.") % {"s": wait},
            wait_seconds=wait,
        )
    return None


def _device_refusal(device: KioskDevice, now: dt.datetime) -> SignInResult | None:
    state = (
        KioskDevice.objects.filter(pk=device.pk).values("sign_in_blocked", "sign_in_throttled_until").get()
    )
    return _refusal_for(state, now)


def _distinct_failures(device: KioskDevice, now: dt.datetime) -> int:
    return (
        SignInFailure.objects.filter(device=device, at__gte=now - SPRAY_WINDOW)
        .values("subject_digest")
        .distinct()
        .count()
    )


def _apply_spray_guard(device: KioskDevice, distinct: int, now: dt.datetime) -> None:
    if distinct >= SPRAY_BLOCK_AT:
        KioskDevice.objects.filter(pk=device.pk).update(sign_in_blocked=True)
        audit_record(
            actor=None, village=device.village, action="kiosk.device_blocked",
            object_type="kiosk_device", object_id=device.public_id, changes={"distinct_subjects": distinct},
        )  # fmt: skip
    elif distinct >= SPRAY_THROTTLE_AT:
        KioskDevice.objects.filter(pk=device.pk).update(sign_in_throttled_until=now + SPRAY_THROTTLE_FOR)


def _reserve_device_attempt(
    device: KioskDevice, subject: str, now: dt.datetime
) -> tuple[SignInResult | None, int]:
    """Check the device's guard and count this attempt as a failure *before* any secret is
    checked, in one transaction under the device's row lock: parallel attempts queue here, so
    the 5th distinct subject throttles and the 12th blocks the device for every attempt after
    it, however many arrive at once (issue 16: 16 parallel guesses were all checked). A
    successful sign-in takes its reservation back (`_release_device_attempt`).

    Returns (refusal, reservation id)."""
    with transaction.atomic():
        state = (
            KioskDevice.objects.select_for_update()
            .filter(pk=device.pk)
            .values("sign_in_blocked", "sign_in_throttled_until")
            .get()
        )
        refusal = _refusal_for(state, now)
        if refusal is not None:
            return refusal, 0
        failure = SignInFailure.objects.create(device=device, subject_digest=subject, at=now)
        _apply_spray_guard(device, _distinct_failures(device, now), now)
        return None, failure.pk


def _release_device_attempt(device: KioskDevice, reservation: int, now: dt.datetime) -> None:
    """The attempt did not guess wrong (it succeeded, or checked nothing): uncount it, and lift
    a throttle that only the reservation had caused."""
    with transaction.atomic():
        KioskDevice.objects.select_for_update().filter(pk=device.pk).values("pk").get()
        SignInFailure.objects.filter(pk=reservation).delete()
        if _distinct_failures(device, now) < SPRAY_THROTTLE_AT:
            KioskDevice.objects.filter(pk=device.pk).update(sign_in_throttled_until=None)


def _record_device_failure(device: KioskDevice, subject: str, now: dt.datetime) -> None:
    with transaction.atomic():
        KioskDevice.objects.select_for_update().filter(pk=device.pk).values("pk").get()
        SignInFailure.objects.create(device=device, subject_digest=subject, at=now)
        _apply_spray_guard(device, _distinct_failures(device, now), now)


def device_sign_in_refusal(*, device: KioskDevice) -> str:
    """Why sign-in on this device is refused now by the spraying guard, or empty. Shared with
    the other secrets typed at the kiosk (officials' card + PIN and username + password)."""
    refusal = _device_refusal(device, timezone.now())
    return refusal.message if refusal is not None else ""


def device_sign_in_failed(*, device: KioskDevice, subject: str) -> None:
    """Count a failed sign-in on the device against `subject`, a keyed digest of what was
    tried (`pins.keyed_digest`), never the value itself: enough distinct subjects throttle,
    then block, the device for residents and officials alike."""
    _record_device_failure(device, subject, timezone.now())


def device_attempt_reserve(*, device: KioskDevice, subject: str) -> tuple[str, int]:
    """(refusal message or "", reservation id): the device's guard checked and this attempt
    counted as a failure under the device's row lock, before the secret is checked. Call
    `device_attempt_release` if the secret was right (or was never checked)."""
    refusal, reservation = _reserve_device_attempt(device, subject, timezone.now())
    return (refusal.message if refusal is not None else ""), reservation


def device_attempt_release(*, device: KioskDevice, reservation: int) -> None:
    if reservation:
        _release_device_attempt(device, reservation, timezone.now())


def _lock_message(cred_state: dict[str, Any], now: dt.datetime) -> SignInResult | None:
    if cred_state["pin_disabled"]:
        return SignInResult(
            message=_(
                "PIN Anda dinonaktifkan karena terlalu sering salah. Minta petugas desa mengatur ulang PIN."
            )
        )
    until = cred_state["locked_until"]
    if until is not None and until > now:
        wait = int((until - now).total_seconds()) + 1
        minutes = (wait + 59) // 60
        return SignInResult(
            message=_("PIN terkunci sementara. Coba lagi dalam %(m)d menit.") % {"m": minutes},
            wait_seconds=wait,
        )
    return None


def _reserve_resident_attempt(cred_pk: int, now: dt.datetime) -> tuple[SignInResult | None, int]:
    """Under the credential's row lock: refuse if locked, else count this attempt as a failure
    before the PIN is checked, locking (or disabling) the PIN already if this attempt is the
    5th (or 10th). Parallel attempts on many devices thus never check more PINs than the
    lockout allows (issue 16: 25 wrong and 1 right in parallel checked 12 and signed in).
    Returns (refusal, failure count including this attempt)."""
    with transaction.atomic():
        cred = ResidentCredential.objects.select_for_update().get(pk=cred_pk)
        locked = _lock_message({"pin_disabled": cred.pin_disabled, "locked_until": cred.locked_until}, now)
        if locked is not None:
            return locked, 0
        cred.failed_count += 1
        fields = ["failed_count", "updated_at"]
        if cred.failed_count >= DISABLE_AFTER:
            cred.pin_disabled = True
            fields.append("pin_disabled")
        elif cred.failed_count >= LOCK_AFTER:
            cred.locked_until = now + LOCK_BASE * 2 ** (cred.failed_count - LOCK_AFTER)
            fields.append("locked_until")
        cred.save(update_fields=fields)
        return None, cred.failed_count


def sign_in(*, device: KioskDevice, pin: str, nik: str = "", card_uid: str = "") -> SignInResult:
    """Check NIK (or card) + PIN for a resident of the device's village.

    Both counters (the device's spraying guard and the resident's lockout) are checked and
    this attempt recorded in them, each under its row lock in one transaction, *before* the
    slow PIN check, which runs outside any transaction; a right PIN then takes the counts back.
    """
    from balai.devices.selectors import resident_for_sign_in

    nik, pin = ascii_digits(nik), ascii_digits(pin)
    now = timezone.now()
    refusal = _device_refusal(device, now)
    if refusal is not None:
        return refusal
    if card_uid:
        subject = pins.card_digest(card_uid)
        # Current pepper first; a card registered before a pepper rotation is re-keyed below.
        for digest in pins.card_digests(card_uid):
            resident, cred_state = resident_for_sign_in(village=device.village, card_digest=digest)
            if cred_state is not None:
                break
    else:
        if not pins.NIK_RE.match(nik):
            return SignInResult(message=_("NIK harus 16 angka."))
        subject = pins.nik_digest(nik)
        resident, cred_state = resident_for_sign_in(village=device.village, nik=nik)
    if not pins.PIN_RE.match(pin):
        return SignInResult(message=_("PIN harus 6 angka."))
    refusal, reservation = _reserve_device_attempt(device, subject, now)
    if refusal is not None:
        return refusal
    if resident is None or cred_state is None or not cred_state["pin_hash"]:
        pins.burn_verify(pin)
        return _generic_failure()
    locked = _lock_message(cred_state, now)
    if locked is None:
        locked, failed = _reserve_resident_attempt(cred_state["pk"], now)
    if locked is not None:
        _release_device_attempt(device, reservation, now)  # nothing was checked
        return locked
    # A PIN hashed under an old pepper (or older argon2 costs) is re-hashed here, outside the lock.
    ok, new_hash = pins.check_pin(cred_state["pin_hash"], pin)
    if not ok:
        return _failed(device, resident, cred_state["pk"], failed, now)
    with transaction.atomic():
        cred = ResidentCredential.objects.select_for_update().get(pk=cred_state["pk"])
        cred.failed_count = 0
        cred.locked_until = None
        # Disabled by this attempt's own reservation (a 10th try, and the right one).
        cred.pin_disabled = False
        cred.last_sign_in_at = now
        fields = ["failed_count", "locked_until", "pin_disabled", "last_sign_in_at", "updated_at"]
        signed: dict[str, Any] = {"device": device.public_id, "card": bool(card_uid)}
        if new_hash and cred.pin_hash == cred_state["pin_hash"]:
            cred.pin_hash = new_hash
            fields.append("pin_hash")
            signed["pin_rehashed"] = True
        if (
            card_uid
            and cred.card_digest != subject
            and not ResidentCredential.objects.filter(card_digest=subject).exists()
        ):
            cred.card_digest = subject
            fields.append("card_digest")
            signed["card_rekeyed"] = True
        if cred.pin_hash != cred_state["pin_hash"] and "pin_hash" not in fields:
            # The PIN was reset or changed while this attempt checked the old one.
            return _generic_failure()
        cred.save(update_fields=fields)
        audit_record(
            actor=None, village=device.village, action="kiosk.sign_in", object_type="resident",
            object_id=resident.public_id, changes=signed,
        )  # fmt: skip
    _release_device_attempt(device, reservation, now)
    return SignInResult(resident=resident, must_change_pin=cred.must_change_pin)


def _failed(
    device: KioskDevice, resident: Resident, cred_pk: int, failed: int, now: dt.datetime
) -> SignInResult:
    """A wrong PIN: already counted by the reservation; audited here, with what it caused."""
    cred = ResidentCredential.objects.get(pk=cred_pk)
    changes: dict[str, Any] = {"device": device.public_id, "failed": failed}
    if failed >= DISABLE_AFTER:
        changes["disabled"] = True
    elif failed >= LOCK_AFTER:
        changes["locked_until"] = cred.locked_until
    audit_record(
        actor=None, village=device.village, action="kiosk.sign_in_failed", object_type="resident",
        object_id=resident.public_id, changes=changes,
    )  # fmt: skip
    if failed >= LOCK_AFTER:
        return _lock_message(
            {"pin_disabled": failed >= DISABLE_AFTER, "locked_until": cred.locked_until}, now
        ) or (_generic_failure())
    result = _generic_failure()
    result.message += " " + _("Sisa %(n)d kali sebelum PIN dikunci.") % {"n": LOCK_AFTER - failed}
    return result


@transaction.atomic
def pin_change(*, resident: Resident, device: KioskDevice, current: str, new: str) -> None:
    """The resident replaces their PIN (required after the operator's first PIN)."""
    current, new = ascii_digits(current), ascii_digits(new)
    cred = _credential_for_update(resident)
    if not pins.verify_pin(cred.pin_hash, current):
        raise ApplicationError(_("PIN lama salah."))
    problem = pins.pin_problem(new, nik=resident.nik, birth_date=resident.birth_date)
    if problem:
        raise ApplicationError(problem)
    if new == current:
        raise ApplicationError(_("PIN baru harus berbeda dari PIN lama."))
    cred.pin_hash = pins.hash_pin(new)
    cred.must_change_pin = False
    cred.pin_set_at = timezone.now()
    cred.pin_set_by = None
    cred.save()
    audit_record(
        actor=None, village=resident.village, action="kiosk.pin_change", object_type="resident",
        object_id=resident.public_id, changes={"device": device.public_id},
    )  # fmt: skip
