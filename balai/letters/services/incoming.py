"""Incoming letters (surat masuk): the agenda number, the scan, and dispositions to the
officials with their follow-up."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from balai.accounts.scope import user_can
from balai.audit.services import audit_record
from balai.core.errors import ApplicationError
from balai.letters import numbering
from balai.letters.models import Disposition, IncomingLetter, IncomingScan
from balai.regions.models import Village
from balai.staff.models import Official

if TYPE_CHECKING:
    from balai.accounts.models import User

INCOMING_SEQUENCE = "@masuk"  # its own counter row, apart from the outgoing letters' sequences
SCAN_MAX_BYTES = getattr(settings, "BALAI_INCOMING_SCAN_MAX_BYTES", 10 * 1024 * 1024)
# Checked on the bytes, not on the name or the browser's content type.
SCAN_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def scan_type_of(data: bytes) -> str:
    for magic, content_type in SCAN_SIGNATURES:
        if data.startswith(magic):
            return content_type
    return ""


def _incoming_data(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    texts = {
        "sender": ("Pengirim", 200, True),
        "letter_number": ("Nomor surat", 120, True),
        "subject": ("Perihal", 300, True),
        "summary": ("Isi singkat", 2000, False),
        "note": ("Keterangan", 300, False),
    }
    for name, (label, limit, required) in texts.items():
        value = (
            " ".join(str(data.get(name) or "").split())
            if name != "summary"
            else str(data.get(name) or "").strip()
        )
        if required and not value:
            errors[name] = f"{label} wajib diisi."
        elif len(value) > limit:
            errors[name] = f"{label}: paling banyak {limit} karakter."
        cleaned[name] = value
    today = timezone.localdate()
    for name, label in (("letter_date", "Tanggal surat"), ("received_on", "Tanggal diterima")):
        raw = data.get(name) or (today if name == "received_on" else "")
        try:
            day = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))
        except ValueError:
            errors[name] = f"{label} wajib diisi dengan tanggal yang valid (TTTT-BB-HH)."
            continue
        if day > today:
            errors[name] = f"{label} tidak boleh setelah hari ini."
        cleaned[name] = day
    if not errors and cleaned["letter_date"] > cleaned["received_on"]:
        errors["letter_date"] = "Tanggal surat tidak boleh setelah tanggal diterima."
    if errors:
        raise ValidationError(errors)
    return cleaned


def _scan_check(scan: tuple[str, bytes] | None) -> tuple[str, bytes, str] | None:
    if scan is None:
        return None
    name, data = scan
    if not data:
        return None
    if len(data) > SCAN_MAX_BYTES:
        raise ValidationError(
            {
                "scan": f"Berkas pindaian terlalu besar ({len(data) // 1024} KB); paling besar {SCAN_MAX_BYTES // (1024 * 1024)} MB."
            }
        )
    content_type = scan_type_of(data)
    if not content_type:
        raise ValidationError({"scan": "Berkas pindaian harus PDF, PNG atau JPEG."})
    return (name or "pindaian")[-200:], data, content_type


def _incoming_audit(actor: User, incoming: IncomingLetter, action: str, **changes: Any) -> None:
    audit_record(
        actor=actor,
        village=incoming.village,
        action=f"incoming_letter.{action}",
        object_type="incoming_letter",
        object_id=incoming.public_id,
        changes=changes,
    )


def _require_clerk(actor: User, village_id: int, capability: str = "letters.incoming") -> None:
    if not user_can(actor, capability):
        raise ApplicationError("Peran Anda tidak boleh melakukan langkah ini.")
    if actor.village_id != village_id:
        raise ApplicationError("Surat ini bukan milik desa Anda.")


@transaction.atomic
def incoming_create(
    *, actor: User, village: Village, data: dict[str, Any], scan: tuple[str, bytes] | None = None
) -> IncomingLetter:
    """Record a received letter with the next agenda number of the year of receipt."""
    _require_clerk(actor, village.pk)
    cleaned = _incoming_data(data)
    checked_scan = _scan_check(scan)
    year = cleaned["received_on"].year
    number = numbering.next_sequence(village=village, year=year, type_code=INCOMING_SEQUENCE)
    incoming = IncomingLetter.objects.create(
        village=village, year=year, agenda_number=number, recorded_by=actor, **cleaned
    )
    if checked_scan:
        incoming.scan_name, data_bytes, incoming.scan_type = checked_scan
        incoming.scan_size = len(data_bytes)
        incoming.save(update_fields=["scan_name", "scan_type", "scan_size"])
        IncomingScan.objects.create(incoming=incoming, data=data_bytes)
    _incoming_audit(
        actor,
        incoming,
        "recorded",
        agenda_number=number,
        sender=incoming.sender,
        letter_number=incoming.letter_number,
        scan=incoming.scan_name,
    )
    return incoming


def _refresh_incoming_status(incoming: IncomingLetter) -> None:
    states = list(incoming.dispositions.values_list("status", flat=True))
    if not states:
        status = IncomingLetter.Status.NEW
    elif all(s == Disposition.Status.DONE for s in states):
        status = IncomingLetter.Status.DONE
    else:
        status = IncomingLetter.Status.DISPOSED
    if status != incoming.status:
        incoming.status = status
        incoming.save(update_fields=["status", "updated_at"])


@transaction.atomic
def disposition_create(
    *,
    actor: User,
    incoming: IncomingLetter,
    to_official: Official,
    instruction: str,
    due_on: dt.date | None = None,
) -> Disposition:
    """The kepala desa (or sekdes) passes the letter to an official with an instruction."""
    _require_clerk(actor, incoming.village_id, "letters.dispose")
    if to_official.village_id != incoming.village_id or not to_official.is_active:
        raise ValidationError({"to_official": "Pejabat tujuan bukan perangkat aktif desa ini."})
    instruction = " ".join(instruction.split())
    if not instruction:
        raise ValidationError({"instruction": "Instruksi disposisi wajib diisi."})
    if len(instruction) > 500:
        raise ValidationError({"instruction": "Instruksi paling banyak 500 karakter."})
    if due_on is not None and due_on < incoming.received_on:
        raise ValidationError({"due_on": "Batas waktu tidak boleh sebelum tanggal surat diterima."})
    incoming = IncomingLetter.objects.select_for_update().get(pk=incoming.pk)
    disposition = Disposition.objects.create(
        village_id=incoming.village_id,
        incoming=incoming,
        to_official=to_official,
        instruction=instruction,
        due_on=due_on,
        created_by=actor,
    )
    _refresh_incoming_status(incoming)
    _incoming_audit(
        actor,
        incoming,
        "disposed",
        disposition=disposition.public_id,
        to=to_official.public_id,
        instruction=instruction,
        due_on=due_on.isoformat() if due_on else None,
    )
    return disposition


@transaction.atomic
def disposition_update(*, actor: User, disposition: Disposition, status: str, follow_up: str) -> Disposition:
    """Record the follow-up of a disposition: by the official it went to, or the office."""
    own = disposition.to_official.user_id == actor.pk
    if not own:
        _require_clerk(actor, disposition.village_id, "letters.dispose")
    elif actor.village_id != disposition.village_id:
        raise ApplicationError("Surat ini bukan milik desa Anda.")
    if status not in Disposition.Status.values:
        raise ValidationError({"status": "Status tindak lanjut tidak dikenal."})
    follow_up = " ".join(follow_up.split())
    if len(follow_up) > 500:
        raise ValidationError({"follow_up": "Tindak lanjut paling banyak 500 karakter."})
    if status == Disposition.Status.DONE and not follow_up:
        raise ValidationError({"follow_up": "Tuliskan tindak lanjutnya sebelum menandai selesai."})
    disposition = (
        Disposition.objects.select_for_update().select_related("incoming__village").get(pk=disposition.pk)
    )
    before = disposition.status
    disposition.status, disposition.follow_up = status, follow_up
    disposition.done_at = timezone.now() if status == Disposition.Status.DONE else None
    disposition.save()
    _refresh_incoming_status(disposition.incoming)
    _incoming_audit(
        actor,
        disposition.incoming,
        "followed_up",
        disposition=disposition.public_id,
        status=[before, status],
        follow_up=follow_up,
    )
    return disposition
