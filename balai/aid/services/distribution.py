"""Writes of aid distribution: cycles (tahap) per programme, entitlements per recipient per
cycle, distribution records with proof. The reads (cycles, entitlements, the undistributed
report) are in `balai.aid.selectors`.

State machine of a cycle (preconditions enforced here, never only in the UI):
draft → approved → distributed → closed, and draft/approved → cancelled. Entitlements are
(re)generated while the cycle is a draft and frozen by the approval, so nothing is paid
against a list nobody approved. One distribution per entitlement: the database's one-to-one
plus a locked status check here.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from balai.accounts.scope import scope_for
from balai.aid.models import Distribution, DistributionCycle, Entitlement, Programme, Recipient
from balai.aid.selectors import unit_label
from balai.audit.services import audit_record
from balai.core.errors import NotAllowed
from balai.people import codes
from balai.people.models import Resident
from balai.regions.models import Village

if TYPE_CHECKING:
    from balai.accounts.models import User

C = DistributionCycle.Status
E = Entitlement.Status

# status -> statuses it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    C.DRAFT: frozenset({C.APPROVED, C.CANCELLED}),
    C.APPROVED: frozenset({C.DISTRIBUTED, C.CANCELLED}),
    C.DISTRIBUTED: frozenset({C.CLOSED}),
    C.CLOSED: frozenset(),
    C.CANCELLED: frozenset(),
}
# Action word (URL, API) -> target status.
ACTIONS: dict[str, str] = {
    "approve": C.APPROVED,
    "distributed": C.DISTRIBUTED,
    "close": C.CLOSED,
    "cancel": C.CANCELLED,
}
# Distributions may be recorded while the cycle is approved, and late ones after it was
# marked distributed (someone away on the day); never on a draft, closed or cancelled cycle.
RECORDING_STATUSES = frozenset({C.APPROVED, C.DISTRIBUTED})

PROOF_MAX_BYTES = 5 * 1024 * 1024
SIGNATURE_MAX_BYTES = 1024 * 1024
PROOF_MAX_SIDE = 1600
PROOF_MAX_PIXELS = 40_000_000
# A drawn signature has at least this many dark pixels; an untouched canvas has none.
SIGNATURE_MIN_INK = 40


class DistributionError(ValidationError):
    """A refused distribution step; the Indonesian message names the reason. Nothing saved."""


def months_covered(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def benefit_units(programme: Programme, start: dt.date, end: dt.date) -> int:
    """How many benefit periods of the programme a cycle covering start..end pays."""
    months = months_covered(start, end)
    months_per: dict[str, int] = {
        Programme.Frequency.MONTHLY: 1,
        Programme.Frequency.QUARTERLY: 3,
        Programme.Frequency.SEMESTER: 6,
        Programme.Frequency.YEARLY: 12,
    }
    per = months_per.get(programme.benefit_frequency)
    if per is None:  # once
        return 1
    return max(1, math.ceil(months / per))


def _can(actor: User, capability: str) -> bool:
    return scope_for(actor).can(capability)


# --- Cycle services --------------------------------------------------------------------------


def _overlapping(programme: Programme, start: dt.date, end: dt.date, exclude: int | None = None) -> Any:
    qs = DistributionCycle.objects.filter(
        programme=programme, period=programme.period, covers_start__lte=end, covers_end__gte=start
    ).exclude(status=C.CANCELLED)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("number").first()


@transaction.atomic
def cycle_create(
    *,
    actor: User,
    programme: Programme,
    covers_start: dt.date,
    covers_end: dt.date,
    planned_on: dt.date,
    label: str = "",
    amount: int | None = None,
) -> DistributionCycle:
    """A new draft cycle. The amount per recipient defaults to the programme's benefit times
    the benefit periods covered (BLT Rp300.000 a month, three months at once: Rp900.000)."""
    errors: dict[str, list[str]] = {}
    if programme.status == Programme.Status.CLOSED:
        raise DistributionError(_("Program sudah selesai; tidak dapat membuat tahap baru."))
    if covers_end < covers_start:
        errors.setdefault("covers_end", []).append(_("Akhir masa manfaat sebelum awalnya."))
    elif covers_start < programme.period_start or covers_end > programme.period_end:
        errors.setdefault("covers_start", []).append(
            _("Masa manfaat harus di dalam periode program (%(a)s s.d. %(b)s).")
            % {
                "a": programme.period_start.strftime("%d-%m-%Y"),
                "b": programme.period_end.strftime("%d-%m-%Y"),
            }
        )
    else:
        clash = _overlapping(programme, covers_start, covers_end)
        if clash is not None:
            errors.setdefault("covers_start", []).append(
                _(
                    "Masa manfaat tumpang tindih dengan tahap %(n)s (%(label)s); manfaat yang sama tidak dibayar dua kali."
                )
                % {"n": clash.number, "label": clash.label}
            )
    if amount is not None and amount < 0:
        errors.setdefault("amount", []).append(_("Nilai tidak boleh negatif."))
    if errors:
        raise DistributionError(errors)
    if amount is None:
        amount = programme.benefit_amount * benefit_units(programme, covers_start, covers_end)
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    number = (
        DistributionCycle.objects.filter(programme=locked, period=locked.period).aggregate(m=Max("number"))[
            "m"
        ]
        or 0
    ) + 1
    cycle = DistributionCycle.objects.create(
        village=programme.village,
        programme=programme,
        period=programme.period,
        number=number,
        label=(label or _("Tahap %(n)d") % {"n": number})[:100],
        covers_start=covers_start,
        covers_end=covers_end,
        planned_on=planned_on,
        amount=amount,
    )
    # The draft starts with the current recipients; "susun ulang" refreshes it until approval.
    counts = _generate(cycle)
    audit_record(
        actor=actor,
        village=programme.village,
        action="aid.cycle.created",
        object_type="aid.cycle",
        object_id=cycle.public_id,
        changes={
            "programme": programme.public_id,
            "number": number,
            "covers": [covers_start, covers_end],
            "planned_on": planned_on,
            "amount": amount,
            "entitlements": counts,
        },
    )
    return cycle


def _eligible_recipients(cycle: DistributionCycle) -> QuerySet[Recipient]:
    return Recipient.objects.filter(
        village=cycle.village,
        programme=cycle.programme,
        period=cycle.period,
        status=Recipient.Status.ACTIVE,
        enrolled_on__lte=cycle.covers_end,
    ).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=cycle.covers_start),
        # Data tunggal: a person-targeted recipient who is no longer alive gets nothing, even
        # if the recipient row was not suspended (an event recorded before handlers existed).
        Q(resident__isnull=True) | Q(resident__status=codes.STATUS_ALIVE),
    )


def _lock_cycle(cycle: DistributionCycle) -> DistributionCycle:
    return (
        DistributionCycle.objects.select_for_update(of=("self",)).select_related("programme").get(pk=cycle.pk)
    )


def _generate(cycle: DistributionCycle) -> dict[str, int]:
    programme = cycle.programme
    units = benefit_units(programme, cycle.covers_start, cycle.covers_end)
    wanted = {
        pk: (cycle.amount if own is None else own * units)
        for pk, own in _eligible_recipients(cycle).values_list("id", "benefit_amount")
    }
    existing = {
        rid: (pk, amount)
        for pk, rid, amount in Entitlement.objects.filter(cycle=cycle).values_list(
            "id", "recipient_id", "amount"
        )
    }
    gone = [pk for rid, (pk, _a) in existing.items() if rid not in wanted]
    Entitlement.objects.filter(pk__in=gone).delete()
    changed = 0
    for rid, (pk, amount) in existing.items():
        if rid in wanted and wanted[rid] != amount:
            Entitlement.objects.filter(pk=pk).update(amount=wanted[rid], updated_at=timezone.now())
            changed += 1
    new = [
        Entitlement(
            village=cycle.village,
            cycle=cycle,
            recipient_id=rid,
            amount=amount,
            in_kind=programme.benefit_in_kind[:255],
        )
        for rid, amount in wanted.items()
        if rid not in existing
    ]
    Entitlement.objects.bulk_create(new, batch_size=1000)
    return {"added": len(new), "removed": len(gone), "changed": changed, "total": len(wanted)}


@transaction.atomic
def cycle_generate(*, actor: User, cycle: DistributionCycle) -> dict[str, int]:
    """(Re)build the draft cycle's entitlements from the programme's active recipients."""
    cycle = _lock_cycle(cycle)
    if cycle.status != C.DRAFT:
        raise DistributionError(_("Daftar hak hanya dapat disusun ulang selama tahap masih konsep."))
    counts = _generate(cycle)
    audit_record(
        actor=actor,
        village=cycle.village,
        action="aid.cycle.entitlements_generated",
        object_type="aid.cycle",
        object_id=cycle.public_id,
        changes=counts,
    )
    return counts


@transaction.atomic
def cycle_transition(
    *, actor: User, cycle: DistributionCycle, action: str, reason: str = ""
) -> DistributionCycle:
    target = ACTIONS.get(action)
    if target is None:
        raise DistributionError(_("Langkah tidak dikenal."))
    cycle = _lock_cycle(cycle)
    if target not in TRANSITIONS[cycle.status]:
        raise DistributionError(
            _("Tahap berstatus %(status)s tidak dapat diubah menjadi %(target)s.")
            % {"status": cycle.get_status_display(), "target": C(target).label}
        )
    # Approval commits village money: the head's decision (aid.decide), not the clerk's.
    needed = "aid.decide" if target == C.APPROVED else "aid.write"
    if not _can(actor, needed):
        raise NotAllowed(
            _("Persetujuan tahap adalah keputusan Kepala Desa.")
            if target == C.APPROVED
            else _("Peran Anda tidak boleh mengubah status tahap.")
        )
    reason = reason.strip()
    changes: dict[str, Any] = {"status": [cycle.status, target]}
    now = timezone.now()
    if target == C.APPROVED:
        if cycle.programme.status == Programme.Status.CLOSED:
            raise DistributionError(_("Program sudah selesai; tahap tidak dapat disetujui."))
        counts = _generate(cycle)
        if counts["total"] == 0:
            raise DistributionError(
                _("Tahap ini tidak punya penerima aktif; tidak ada yang dapat disetujui.")
            )
        changes["entitlements"] = counts
        cycle.approved_by, cycle.approved_at = actor, now
    elif target == C.CANCELLED:
        if not reason:
            raise DistributionError({"reason": [_("Alasan pembatalan wajib diisi.")]})
        if Distribution.objects.filter(entitlement__cycle=cycle).exists():
            raise DistributionError(
                _("Sudah ada penyaluran tercatat pada tahap ini; tahap tidak dapat dibatalkan.")
            )
        Entitlement.objects.filter(cycle=cycle, status=E.PENDING).update(status=E.CANCELLED, updated_at=now)
    elif target == C.DISTRIBUTED:
        if not Entitlement.objects.filter(cycle=cycle, status=E.DISTRIBUTED).exists():
            raise DistributionError(_("Belum ada penyaluran yang tercatat pada tahap ini."))
    if reason:
        cycle.status_reason = reason[:255]
        changes["reason"] = reason[:255]
    cycle.status = target
    cycle.save()
    audit_record(
        actor=actor,
        village=cycle.village,
        action=f"aid.cycle.{target}",
        object_type="aid.cycle",
        object_id=cycle.public_id,
        changes=changes,
    )
    return cycle


# --- Proof -----------------------------------------------------------------------------------


@dataclass
class Proof:
    kind: str
    content: bytes
    extension: str


def _open_image(data: bytes, label: str) -> Image.Image:
    try:
        probe = Image.open(io.BytesIO(data))
        fmt = probe.format
        if fmt not in ("PNG", "JPEG"):
            raise DistributionError(
                {"proof": [_("%(label)s harus berupa gambar PNG atau JPEG.") % {"label": label}]}
            )
        width, height = probe.size
        if width * height > PROOF_MAX_PIXELS or max(width, height) > 12000:
            raise DistributionError(
                {"proof": [_("%(label)s terlalu besar ukurannya (piksel).") % {"label": label}]}
            )
        if min(width, height) < 40:
            raise DistributionError({"proof": [_("%(label)s terlalu kecil.") % {"label": label}]})
        probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except DistributionError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DistributionError(
            {"proof": [_("%(label)s bukan gambar yang dapat dibaca.") % {"label": label}]}
        )
    return image


def proof_from_signature(data: bytes) -> Proof:
    """A signature drawn on the touch screen (PNG from the canvas): must not be blank."""
    label = _("Tanda tangan")
    if not data:
        raise DistributionError({"proof": [_("Tanda tangan penerima belum dibuat.")]})
    if len(data) > SIGNATURE_MAX_BYTES:
        raise DistributionError({"proof": [_("Gambar tanda tangan terlalu besar (paling besar 1 MB).")]})
    image = _open_image(data, label)
    # Transparent canvas strokes: flatten onto white before looking for ink.
    rgba = image.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    flat = Image.alpha_composite(white, rgba).convert("L")
    ink = sum(flat.point(lambda v: 255 if v < 160 else 0).histogram()[255:])
    if ink < SIGNATURE_MIN_INK:
        raise DistributionError(
            {"proof": [_("Tanda tangan kosong; minta penerima menandatangani di layar.")]}
        )
    out = io.BytesIO()
    flat.save(out, format="PNG", optimize=True)
    return Proof(Distribution.ProofKind.SIGNATURE, out.getvalue(), "png")


def proof_from_photo(data: bytes) -> Proof:
    """A photo of the handover: re-encoded as JPEG, so camera metadata (GPS, device) is dropped."""
    label = _("Foto bukti")
    if not data:
        raise DistributionError({"proof": [_("Foto bukti belum dipilih.")]})
    if len(data) > PROOF_MAX_BYTES:
        raise DistributionError({"proof": [_("Foto bukti terlalu besar (paling besar 5 MB).")]})
    image = _open_image(data, label)
    image = ImageOps.exif_transpose(image) or image
    image = image.convert("RGB")
    image.thumbnail((PROOF_MAX_SIDE, PROOF_MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return Proof(Distribution.ProofKind.PHOTO, out.getvalue(), "jpg")


def proof_path(village: Village, day: dt.date, public_id: str, extension: str) -> str:
    # By village (data moves with its village); a random part so a path is never guessable.
    return f"aid/proof/{village.code_digits}/{day:%Y}/{public_id}-{secrets.token_urlsafe(12)}.{extension}"


# --- Distribution ----------------------------------------------------------------------------


@transaction.atomic
def distribution_record(
    *,
    actor: User,
    entitlement: Entitlement,
    distributed_on: dt.date,
    received_by: str,
    proof: Proof,
    receiver_name: str = "",
    proxy_relation: str = "",
    proxy_resident: Resident | None = None,
    amount: int | None = None,
    notes: str = "",
) -> Distribution:
    ent = (
        Entitlement.objects.select_for_update(of=("self",))
        .select_related(
            "cycle__programme", "recipient__family__head", "recipient__resident", "recipient__household__head"
        )
        .get(pk=entitlement.pk)
    )
    cycle = ent.cycle
    if ent.status == E.DISTRIBUTED:
        done = Distribution.objects.filter(entitlement=ent).values_list("distributed_on", flat=True).first()
        raise DistributionError(
            _("Hak ini sudah disalurkan pada %(day)s; penyaluran ganda ditolak.")
            % {"day": done.strftime("%d-%m-%Y") if done else "-"}
        )
    if ent.status == E.CANCELLED:
        raise DistributionError(_("Hak ini sudah dibatalkan."))
    if cycle.status not in RECORDING_STATUSES:
        raise DistributionError(
            _("Penyaluran hanya dicatat pada tahap yang sudah disetujui (status sekarang: %(status)s).")
            % {"status": cycle.get_status_display()}
        )
    recipient = ent.recipient
    if recipient.status != Recipient.Status.ACTIVE:
        raise DistributionError(
            _("Penerima berstatus %(status)s; penyaluran tidak dicatat.")
            % {"status": recipient.get_status_display()}
        )
    if recipient.resident is not None and recipient.resident.status != codes.STATUS_ALIVE:
        raise DistributionError(
            _("%(name)s tidak tercatat hidup di data kependudukan (%(status)s); penyaluran ditolak.")
            % {"name": recipient.resident.name, "status": recipient.resident.get_status_display()}
        )
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if distributed_on > today:
        errors["distributed_on"] = [_("Tanggal penyaluran tidak boleh di masa depan.")]
    elif cycle.approved_at is not None and distributed_on < timezone.localtime(cycle.approved_at).date():
        errors["distributed_on"] = [_("Tanggal penyaluran sebelum tahap disetujui.")]
    receiver_name = " ".join(receiver_name.split())
    proxy_relation = " ".join(proxy_relation.split())
    if received_by == Distribution.ReceivedBy.RECIPIENT:
        receiver_name = receiver_name or unit_label(recipient)
        proxy_relation, proxy_resident = "", None
    elif received_by == Distribution.ReceivedBy.PROXY:
        if proxy_resident is not None:
            if proxy_resident.village_id != ent.village_id:
                raise Resident.DoesNotExist
            receiver_name = receiver_name or proxy_resident.name
        if not receiver_name:
            errors["receiver_name"] = [_("Nama wakil yang menerima wajib diisi.")]
        if not proxy_relation:
            errors["proxy_relation"] = [
                _("Hubungan wakil dengan penerima wajib diisi (mis. anak, istri, tetangga).")
            ]
    else:
        errors["received_by"] = [_("Pilih siapa yang menerima: penerima sendiri atau wakil.")]
    if amount is None:
        amount = ent.amount
    if amount < 0 or amount > ent.amount:
        errors["amount"] = [
            _("Nilai yang diterima harus antara Rp0 dan Rp%(max)s.")
            % {"max": f"{ent.amount:,}".replace(",", ".")}
        ]
    elif amount == 0 and ent.amount > 0:
        errors["amount"] = [_("Nilai yang diterima wajib diisi.")]
    if errors:
        raise DistributionError(errors)
    distribution = Distribution(
        village=ent.village,
        entitlement=ent,
        distributed_on=distributed_on,
        amount=amount,
        received_by=received_by,
        receiver_name=receiver_name[:100],
        proxy_relation=proxy_relation[:100],
        proxy_resident=proxy_resident,
        proof_kind=proof.kind,
        recorded_by=actor,
        notes=notes.strip(),
    )
    name = proof_path(ent.village, distributed_on, distribution.public_id, proof.extension)
    distribution.proof.name = default_storage.save(name, ContentFile(proof.content))
    # The file is written before the row; if the row cannot be written, remove it again.
    try:
        distribution.save()
    except Exception:
        default_storage.delete(distribution.proof.name)
        raise
    Entitlement.objects.filter(pk=ent.pk).update(status=E.DISTRIBUTED, updated_at=timezone.now())
    audit_record(
        actor=actor,
        village=ent.village,
        action="aid.distribution.recorded",
        object_type="aid.distribution",
        object_id=distribution.public_id,
        changes={
            "entitlement": ent.public_id,
            "cycle": cycle.public_id,
            "recipient": recipient.public_id,
            "distributed_on": distributed_on,
            "amount": amount,
            "received_by": received_by,
            "proxy_relation": proxy_relation,
            "proof_kind": proof.kind,
        },
    )
    return distribution


def proof_viewed(*, actor: User, distribution: Distribution) -> None:
    # A signature or a photo of a person is personal data: every look is on the record.
    audit_record(
        actor=actor,
        village=distribution.village,
        action="aid.proof.viewed",
        object_type="aid.distribution",
        object_id=distribution.public_id,
    )


def list_viewed(
    *, actor: User, village: Village, what: str, object_id: str, count: int, **extra: Any
) -> None:
    """Audit of a view or export of a list of recipients (names, NIK)."""
    audit_record(
        actor=actor,
        village=village,
        action="aid.recipient_list_viewed",
        object_type="aid.list",
        object_id=object_id,
        changes={"what": what, "rows": count, **extra},
    )
