"""Writes of the front desk: queue, complaints, guest book, IKM answers, printer settings, and
officials' sign-in for attendance at the kiosk (behind the kiosk's per-device spraying guard).

Double taps at the kiosk: every kiosk form carries a random `submit_key`; the same key twice
gives back the first row (a unique constraint per village makes this hold under races too).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_record
from balai.core.digits import ascii_digits
from balai.core.errors import ApplicationError
from balai.core.ids import ALPHABET
from balai.core.services import model_update
from balai.desk.models import (
    IKM_FIELDS,
    Complaint,
    Counter,
    GuestEntry,
    PrinterConfig,
    QueueCall,
    SatisfactionResponse,
    ServiceCategory,
    Ticket,
    TicketSequence,
)
from balai.devices import pins
from balai.devices import services as device_services
from balai.regions.models import Village
from balai.regions.services import village_public_changed
from balai.staff import attendance

if TYPE_CHECKING:
    from django.http import HttpRequest

    from balai.accounts.models import User
    from balai.devices.models import KioskDevice
    from balai.people.models import Resident

M = TypeVar("M", bound=models.Model)
TRACKING_LENGTH = 10


def _text(data: dict[str, Any], name: str, limit: int, *, required: bool, label: str) -> str:
    value = " ".join(str(data.get(name) or "").split())
    if required and not value:
        raise ValidationError({name: _("%(field)s wajib diisi.") % {"field": label}})
    if len(value) > limit:
        raise ValidationError(
            {name: _("%(field)s paling banyak %(n)d karakter.") % {"field": label, "n": limit}}
        )
    return value


def _order(data: dict[str, Any]) -> int:
    try:
        order = int(data.get("order") or 0)
    except (TypeError, ValueError):
        raise ValidationError({"order": _("Urutan harus angka.")})
    if not 0 <= order <= 999:
        raise ValidationError({"order": _("Urutan harus antara 0 dan 999.")})
    return order


def _clean_key(submit_key: str) -> str:
    key = (submit_key or "")[:32]
    return key if key.replace("-", "").replace("_", "").isalnum() else ""


def _existing(model: type[M], village: Village, submit_key: str) -> M | None:
    if not submit_key:
        return None
    return model._default_manager.filter(village=village, submit_key=submit_key).first()


# --- Categories and counters ---------------------------------------------------------------


def _category_values(
    village: Village, data: dict[str, Any], current: ServiceCategory | None
) -> dict[str, Any]:
    name = _text(data, "name", 60, required=True, label=_("Nama layanan"))
    code = _text(data, "code", 2, required=True, label=_("Kode")).upper()
    if not code.isalpha():
        raise ValidationError({"code": _("Kode berupa 1–2 huruf, mis. A.")})
    clash = ServiceCategory.objects.filter(village=village, code=code)
    if current is not None:
        clash = clash.exclude(pk=current.pk)
    if clash.exists():
        raise ValidationError({"code": _("Kode %(code)s sudah dipakai layanan lain.") % {"code": code}})
    return {
        "name": name,
        "code": code,
        "order": _order(data),
        "is_active": bool(data.get("is_active", True)),
    }


@transaction.atomic
def category_save(
    *, actor: User | None, village: Village, data: dict[str, Any], category: ServiceCategory | None = None
) -> ServiceCategory:
    values = _category_values(village, data, category)
    if category is None:
        category = ServiceCategory.objects.create(village=village, **values)
        action = "desk.category_created"
    else:
        for k, v in values.items():
            setattr(category, k, v)
        category.save()
        action = "desk.category_updated"
    audit_record(
        actor=actor,
        village=village,
        action=action,
        object_type="service_category",
        object_id=category.public_id,
        changes=values,
    )
    village_public_changed(village=village)  # the public page lists the counter's services
    return category


@transaction.atomic
def counter_save(
    *,
    actor: User | None,
    village: Village,
    data: dict[str, Any],
    counter: Counter | None = None,
) -> Counter:
    name = _text(data, "name", 40, required=True, label=_("Nama loket"))
    categories = list(data.get("categories") or [])
    if any(c.village_id != village.pk for c in categories):
        raise ApplicationError(_("Layanan tidak ditemukan."))
    values = {
        "name": name,
        "order": _order(data),
        "is_active": bool(data.get("is_active", True)),
    }
    if counter is None:
        counter = Counter.objects.create(village=village, **values)
    else:
        for k, v in values.items():
            setattr(counter, k, v)
        counter.save()
    counter.categories.set(categories)
    audit_record(
        actor=actor,
        village=village,
        action="desk.counter_saved",
        object_type="counter",
        object_id=counter.public_id,
        changes=values | {"categories": [c.code for c in categories]},
    )
    return counter


DEFAULT_CATEGORIES = [("A", "Surat"), ("B", "Kependudukan"), ("C", "Pengaduan")]


def ensure_defaults(*, village: Village) -> None:
    """A village with no categories yet gets the usual three and one counter."""
    if ServiceCategory.objects.filter(village=village).exists():
        return
    with transaction.atomic():
        ServiceCategory.objects.bulk_create(
            [
                ServiceCategory(village=village, code=code, name=name, order=n)
                for n, (code, name) in enumerate(DEFAULT_CATEGORIES)
            ],
            ignore_conflicts=True,
        )
        if not Counter.objects.filter(village=village).exists():
            Counter.objects.create(village=village, name="Loket 1", order=1)


# --- Queue ---------------------------------------------------------------------------------


def _next_number(*, village: Village, category: ServiceCategory, day: dt.date) -> int:
    qs = TicketSequence.objects.select_for_update()
    seq = qs.filter(category=category, day=day).first()
    if seq is None:
        try:
            with transaction.atomic():
                TicketSequence.objects.create(village=village, category=category, day=day)
        except IntegrityError:
            pass  # created concurrently: lock the winner's row below
        seq = qs.get(category=category, day=day)
    seq.last_number += 1
    TicketSequence.objects.filter(pk=seq.pk).update(last_number=seq.last_number)
    return seq.last_number


def ticket_take(
    *,
    village: Village,
    category: ServiceCategory,
    device_id: str = "",
    submit_key: str = "",
    now: dt.datetime | None = None,
) -> tuple[Ticket, bool]:
    """A new ticket (A-001, A-002… per category per day); (ticket, created)."""
    if category.village_id != village.pk or not category.is_active:
        raise ApplicationError(_("Layanan tidak ditemukan."))
    key = _clean_key(submit_key)
    found = _existing(Ticket, village, key)
    if found is not None:
        return found, False
    now = now or timezone.now()
    day = timezone.localdate(now)
    try:
        with transaction.atomic():
            number = _next_number(village=village, category=category, day=day)
            ticket = Ticket.objects.create(
                village=village,
                category=category,
                day=day,
                number=number,
                created_at=now,
                device_id=device_id,
                submit_key=key,
            )
    except IntegrityError:
        again = _existing(Ticket, village, key)
        if again is None:
            raise
        return again, False
    return ticket, True


def _call(*, ticket: Ticket, counter: Counter, now: dt.datetime, recall: bool) -> None:
    QueueCall.objects.create(
        village=ticket.village,
        ticket=ticket,
        counter=counter,
        label=ticket.label,
        counter_name=counter.name,
        called_at=now,
        is_recall=recall,
    )


def counter_current(*, village: Village, counter: Counter, day: dt.date) -> Ticket | None:
    return (
        Ticket.objects.select_related("category")
        .filter(village=village, counter=counter, day=day, state=Ticket.State.CALLED)
        .order_by("-called_at", "-pk")
        .first()
    )


def ticket_call_next(
    *,
    actor: User | None,
    village: Village,
    counter: Counter,
    now: dt.datetime | None = None,
    outcome: str = "done",
) -> Ticket | None:
    """Finish the counter's current ticket (`outcome` "done" = served, "skip" = did not come)
    and call the oldest waiting one it serves.

    Two operators pressing at once never get the same ticket: the claim is a conditional
    UPDATE (state still `waiting`), and whoever loses moves on to the next ticket.
    """
    if counter.village_id != village.pk:
        raise ApplicationError(_("Loket tidak ditemukan."))
    now = now or timezone.now()
    day = timezone.localdate(now)
    served = list(counter.categories.values_list("pk", flat=True))
    if outcome not in ("done", "skip"):
        raise ApplicationError(_("Pilih dulu: nomor yang sedang dilayani selesai atau tidak datang."))
    finished_state = Ticket.State.SKIPPED if outcome == "skip" else Ticket.State.DONE
    with transaction.atomic():
        Ticket.objects.filter(village=village, counter=counter, day=day, state=Ticket.State.CALLED).update(
            state=finished_state, finished_at=now
        )
        waiting = Ticket.objects.filter(
            village=village, day=day, state=Ticket.State.WAITING, category__is_active=True
        )
        if served:
            waiting = waiting.filter(category_id__in=served)
        for _attempt in range(20):
            candidate = waiting.order_by("created_at", "pk").values_list("pk", flat=True).first()
            if candidate is None:
                return None
            won = Ticket.objects.filter(pk=candidate, state=Ticket.State.WAITING).update(
                state=Ticket.State.CALLED, counter=counter, called_at=now, called_by=actor, calls=1
            )
            if won:
                ticket = Ticket.objects.select_related("category", "village").get(pk=candidate)
                _call(ticket=ticket, counter=counter, now=now, recall=False)
                return ticket
    raise ApplicationError(_("Antrean sedang sibuk; coba lagi."))


def ticket_recall(
    *, actor: User | None, village: Village, counter: Counter, now: dt.datetime | None = None
) -> Ticket:
    now = now or timezone.now()
    with transaction.atomic():
        ticket = counter_current(village=village, counter=counter, day=timezone.localdate(now))
        if ticket is None:
            raise ApplicationError(_("Belum ada nomor yang dipanggil di loket ini."))
        Ticket.objects.filter(pk=ticket.pk).update(calls=models.F("calls") + 1)
        _call(ticket=ticket, counter=counter, now=now, recall=True)
    return ticket


def ticket_finish(
    *, actor: User | None, village: Village, counter: Counter, skip: bool, now: dt.datetime | None = None
) -> Ticket:
    """Mark the counter's current ticket served (or skipped: the resident did not come)."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = counter_current(village=village, counter=counter, day=timezone.localdate(now))
        if ticket is None:
            raise ApplicationError(_("Belum ada nomor yang dipanggil di loket ini."))
        state = Ticket.State.SKIPPED if skip else Ticket.State.DONE
        Ticket.objects.filter(pk=ticket.pk, state=Ticket.State.CALLED).update(state=state, finished_at=now)
        ticket.state = state
    return ticket


UNDO_SECONDS = 60


def ticket_last_finished(
    *, village: Village, counter: Counter, now: dt.datetime | None = None
) -> Ticket | None:
    """The ticket this counter finished in the last minute, which "Batalkan" can still reopen."""
    now = now or timezone.now()
    return (
        Ticket.objects.filter(
            village=village,
            counter=counter,
            day=timezone.localdate(now),
            state__in=[Ticket.State.DONE, Ticket.State.SKIPPED],
            finished_at__gte=now - dt.timedelta(seconds=UNDO_SECONDS),
        )
        .order_by("-finished_at", "-pk")
        .first()
    )


def ticket_undo_finish(
    *, actor: User | None, village: Village, counter: Counter, now: dt.datetime | None = None
) -> Ticket:
    """Reopen the ticket finished by mistake in the last minute; a ticket called by the same
    press goes back to the head of the queue, uncalled."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = ticket_last_finished(village=village, counter=counter, now=now)
        if ticket is None:
            raise ApplicationError(_("Tidak ada nomor yang dapat dibatalkan (batasnya satu menit)."))
        Ticket.objects.filter(
            village=village,
            counter=counter,
            day=ticket.day,
            state=Ticket.State.CALLED,
            called_at__gte=ticket.finished_at,
        ).update(state=Ticket.State.WAITING, counter=None, called_at=None, called_by=None, calls=0)
        Ticket.objects.filter(pk=ticket.pk).update(state=Ticket.State.CALLED, finished_at=None)
        ticket.state, ticket.finished_at = Ticket.State.CALLED, None
    return ticket


# --- Complaints ----------------------------------------------------------------------------


def new_tracking_number() -> str:
    """10 characters of a look-alike-free alphabet (~50 bits): unguessable, says nothing about anyone."""
    return "".join(secrets.choice(ALPHABET) for _ in range(TRACKING_LENGTH))


def normalize_tracking(value: str) -> str:
    return "".join(c for c in (value or "").lower() if c.isalnum())[:TRACKING_LENGTH]


def _complaint_values(data: dict[str, Any]) -> dict[str, Any]:
    kind = str(data.get("kind") or Complaint.Kind.COMPLAINT)
    if kind not in Complaint.Kind.values:
        raise ValidationError({"kind": _("Jenis tidak dikenal.")})
    # The body keeps its line breaks; only its ends are trimmed.
    body = str(data.get("body") or "").strip()
    if not body:
        raise ValidationError({"body": _("Isi wajib diisi.")})
    if len(body) > 4000:
        raise ValidationError({"body": _("Isi paling banyak 4000 karakter.")})
    return {
        "kind": kind,
        "subject": _text(data, "subject", 120, required=True, label=_("Perihal")),
        "body": body,
        "name": _text(data, "name", 120, required=False, label=_("Nama")),
        "contact": _text(data, "contact", 60, required=False, label=_("Kontak")),
    }


def complaint_submit(
    *,
    actor: User | None,
    village: Village,
    data: dict[str, Any],
    resident: Resident | None = None,
    device_id: str = "",
    submit_key: str = "",
) -> tuple[Complaint, bool]:
    """A complaint or suggestion from the kiosk (actor None) or typed in by an operator."""
    if resident is not None and resident.village_id != village.pk:
        raise ApplicationError(_("Penduduk tidak ditemukan."))
    values = _complaint_values(data)
    if resident is not None and not values["name"]:
        values["name"] = resident.name
    key = _clean_key(submit_key)
    found = _existing(Complaint, village, key)
    if found is not None:
        return found, False
    source = Complaint.Source.OPERATOR if actor is not None else Complaint.Source.KIOSK
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                village=village,
                tracking_number=new_tracking_number(),
                resident=resident,
                source=source,
                device_id=device_id,
                submit_key=key,
                **values,
            )
            audit_record(
                actor=actor,
                village=village,
                action="complaint.submitted",
                object_type="complaint",
                object_id=complaint.public_id,
                changes={
                    "kind": values["kind"],
                    "source": source,
                    "resident": resident.public_id if resident else "",
                },
            )
    except IntegrityError:
        again = _existing(Complaint, village, key)
        if again is None:
            raise
        return again, False
    return complaint, True


@transaction.atomic
def complaint_handle(*, actor: User, complaint: Complaint, state: str, response: str) -> Complaint:
    if state not in Complaint.State.values:
        raise ValidationError({"state": _("Status tidak dikenal.")})
    response = (response or "").strip()
    if len(response) > 4000:
        raise ValidationError({"response": _("Tanggapan paling banyak 4000 karakter.")})
    if state == Complaint.State.ANSWERED and not response:
        raise ValidationError({"response": _("Tulis tanggapan sebelum menandai sudah dijawab.")})
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    handled: dict[str, Any] = {"handled_by": actor}
    if complaint.response != response:
        handled["responded_at"] = timezone.now() if response else None
    values = {"state": state, "response": response}
    changes = model_update(instance=complaint, fields=list(values), data=values, also=handled)
    if not changes:
        return complaint
    audit_record(
        actor=actor,
        village=complaint.village,
        action="complaint.handled",
        object_type="complaint",
        object_id=complaint.public_id,
        changes=changes.for_audit(),
    )
    return complaint


# --- Guest book ----------------------------------------------------------------------------


def guest_sign(
    *,
    actor: User | None,
    village: Village,
    data: dict[str, Any],
    device_id: str = "",
    submit_key: str = "",
    now: dt.datetime | None = None,
) -> tuple[GuestEntry, bool]:
    phone = "".join(c for c in ascii_digits(str(data.get("phone") or "")) if "0" <= c <= "9" or c == "+")
    if phone and not 8 <= len(phone.lstrip("+")) <= 15:
        raise ValidationError({"phone": _("Nomor telepon 8–15 angka.")})
    values = {
        "name": _text(data, "name", 120, required=True, label=_("Nama")),
        "origin": _text(data, "origin", 120, required=True, label=_("Asal / instansi")),
        "purpose": _text(data, "purpose", 250, required=True, label=_("Keperluan")),
        "visiting": _text(data, "visiting", 120, required=False, label=_("Bertemu dengan")),
        "phone": phone,
    }
    key = _clean_key(submit_key)
    found = _existing(GuestEntry, village, key)
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            entry = GuestEntry.objects.create(
                village=village,
                visited_at=now or timezone.now(),
                device_id=device_id,
                submit_key=key,
                **values,
            )
            audit_record(
                actor=actor,
                village=village,
                action="guestbook.signed",
                object_type="guest_entry",
                object_id=entry.public_id,
            )
    except IntegrityError:
        again = _existing(GuestEntry, village, key)
        if again is None:
            raise
        return again, False
    return entry, True


# --- Satisfaction (IKM) --------------------------------------------------------------------


def ikm_submit(
    *,
    village: Village,
    answers: dict[str, Any],
    service: str = "",
    device_id: str = "",
    submit_key: str = "",
    now: dt.datetime | None = None,
) -> tuple[SatisfactionResponse, bool]:
    """One respondent's answers: every element 1–4 (anonymous: no name, no resident)."""
    values: dict[str, int] = {}
    missing = []
    for field in IKM_FIELDS:
        try:
            value = int(answers.get(field) or 0)
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 4:
            missing.append(field)
        values[field] = value
    if missing:
        raise ValidationError({f: _("Pilih salah satu nilai 1–4.") for f in missing})
    key = _clean_key(submit_key)
    found = _existing(SatisfactionResponse, village, key)
    if found is not None:
        return found, False
    service = " ".join(str(service or "").split())[:60]
    try:
        with transaction.atomic():
            row = SatisfactionResponse.objects.create(
                village=village,
                service=service,
                created_at=now or timezone.now(),
                device_id=device_id,
                submit_key=key,
                **values,
            )
    except IntegrityError:
        again = _existing(SatisfactionResponse, village, key)
        if again is None:
            raise
        return again, False
    return row, True


# --- Printer -------------------------------------------------------------------------------


@transaction.atomic
def printer_save(
    *, actor: User | None, village: Village, device_id: str, data: dict[str, Any]
) -> PrinterConfig:
    device_id = (device_id or "").strip()
    if not device_id or len(device_id) > 16:
        raise ValidationError(
            {"device_id": _("ID perangkat anjungan wajib diisi (paling banyak 16 karakter).")}
        )
    kind = str(data.get("kind") or PrinterConfig.Kind.NETWORK)
    if kind not in PrinterConfig.Kind.values:
        raise ValidationError({"kind": _("Jenis sambungan tidak dikenal.")})
    host = _text(data, "host", 100, required=kind == PrinterConfig.Kind.NETWORK, label=_("Alamat IP / host"))
    path = _text(
        data, "device_path", 100, required=kind == PrinterConfig.Kind.USB, label=_("Berkas perangkat USB")
    )
    if path and not path.startswith("/dev/"):
        raise ValidationError({"device_path": _("Berkas perangkat USB harus di /dev/, mis. /dev/usb/lp0.")})
    try:
        port = int(data.get("port") or 9100)
    except (TypeError, ValueError):
        port = 0
    if not 1 <= port <= 65535:
        raise ValidationError({"port": _("Port harus 1–65535.")})
    raw_width = str(data.get("paper_width") or "58")
    width = int(raw_width) if raw_width in ("58", "80") else 0
    if width not in (58, 80):
        raise ValidationError({"paper_width": _("Lebar kertas 58 atau 80 mm.")})
    values = {
        "kind": kind,
        "host": host,
        "port": port,
        "device_path": path,
        "paper_width": width,
        "header": _text(data, "header", 60, required=False, label=_("Judul struk")),
    }
    config, _created = PrinterConfig.objects.update_or_create(
        village=village, device_id=device_id, defaults=values
    )
    audit_record(
        actor=actor,
        village=village,
        action="desk.printer_saved",
        object_type="printer",
        object_id=config.public_id,
        changes=values | {"device": device_id},
    )
    return config


# --- Officials' sign-in for attendance at the kiosk ----------------------------------------


def attendance_identify(
    *,
    request: HttpRequest,
    device: KioskDevice,
    mode: str,
    card_uid: str = "",
    pin: str = "",
    username: str = "",
    password: str = "",
) -> attendance.Identified:
    """Who is checking in: card + PIN (`mode="kartu"`) or username + password (`"sandi"`).

    The official's own lockout is the staff module's (its own counter for passwords, apart from
    the web sign-in's); on top,
    the device's spraying guard of the residents' sign-in (`balai.kiosk.services`) counts each
    failed attempt by a keyed digest of the card or username tried. Many distinct ones on one
    device throttle it, then block sign-in there (residents' and officials') until an
    operator lifts the block; refused attempts check no secret. Attempts missing the PIN or
    password are not counted: nothing was guessed.
    """
    refusal = device_services.device_sign_in_refusal(device=device)
    if refusal:
        raise ApplicationError(refusal)
    village: Village = device.village
    try:
        if mode == "sandi":
            username = username.strip()
            subject = (
                pins.keyed_digest("official-username", username.casefold()) if username and password else ""
            )
            return attendance.identify_by_password(
                request=request, village=village, username=username, password=password
            )
        uid = pins.normalise_card_uid(card_uid)
        subject = pins.keyed_digest("official-card", uid) if uid and pin else ""
        return attendance.identify_by_card(village=village, card_uid=card_uid, pin=pin)
    except ApplicationError:
        if subject:
            device_services.device_sign_in_failed(device=device, subject=subject)
        raise
