"""The decision: the village deliberation (musyawarah desa) on the verified candidates and
the head's decree (SK) that enrols the approved ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.accounts.scope import scope_for
from balai.aid.models import Candidate, Decree, Deliberation, DeliberationAttendee, Programme, Recipient
from balai.aid.services.common import AidError, decreed, family_label
from balai.aid.services.recipients import enrolment_problems, recipient_insert
from balai.audit.services import PendingEvent, audit_record, audit_record_many
from balai.core.masking import mask_number

if TYPE_CHECKING:
    from balai.accounts.models import User


@dataclass(frozen=True)
class Attendee:
    name: str
    position: str = ""


@transaction.atomic
def deliberation_record(
    *,
    actor: User | None,
    programme: Programme,
    held_on: dt.date,
    place: str,
    chair: str,
    minutes: str,
    attendees: Sequence[Attendee],
    approved: Iterable[Candidate],
    declined: Iterable[Candidate] = (),
    notes: dict[int, str] | None = None,
) -> Deliberation:
    """Musyawarah desa on the verified candidates: who is approved, who declined, the minutes
    and who attended. Only verified candidates can be approved; the quota holds."""
    approved, declined = list(approved), list(declined)
    notes = notes or {}
    if decreed(programme):
        raise AidError(_("SK penerima sudah terbit untuk periode ini."))
    if held_on > timezone.localdate():
        raise AidError(_("Tanggal musyawarah tidak boleh di masa depan."))
    if not minutes.strip() or not place.strip() or not chair.strip():
        raise AidError(_("Tempat, pimpinan dan berita acara musyawarah harus diisi."))
    people = [a for a in attendees if a.name.strip()]
    if len(people) < 3:
        raise AidError(_("Daftar hadir musyawarah minimal 3 orang."))
    if not approved:
        raise AidError(_("Musyawarah harus menyetujui sedikitnya satu calon."))
    # Every refusal names each family it is about (head's name, masked KK) and its problem.
    both = {c.pk for c in approved} & {c.pk for c in declined}
    problems = [
        (c, _("dicentang setuju dan tolak sekaligus; pilih salah satu")) for c in approved if c.pk in both
    ]
    problems += [
        (
            c,
            _("bukan calon program %(name)s periode %(period)s")
            % {"name": programme.name, "period": programme.period},
        )
        for c in [*approved, *declined]
        if c.programme_id != programme.pk or c.period != programme.period
    ]
    problems += [
        (c, _("belum lolos verifikasi (status: %(status)s)") % {"status": c.get_status_display()})
        for c in approved
        if c.status != Candidate.Status.VERIFIED and c.pk not in both
    ]
    if problems:
        raise AidError(_refusal(_("Hasil musyawarah tidak dapat dicatat"), problems))
    already = Candidate.objects.filter(
        programme=programme, period=programme.period, status=Candidate.Status.APPROVED
    ).exclude(pk__in=[c.pk for c in [*approved, *declined]])
    total = already.count() + len(approved)
    if programme.quota is not None and total > programme.quota:
        over = total - programme.quota
        last = sorted(approved, key=lambda c: (c.rank is None, c.rank or 0, c.pk))[-over:]
        raise AidError(
            _(
                "Jumlah calon disetujui (%(n)s) melebihi kuota program (%(quota)s): kurangi %(over)s, "
                "mis. yang peringkatnya terbawah: %(who)s."
            )
            % {
                "n": total,
                "quota": programme.quota,
                "over": over,
                "who": "; ".join(unit_who(c) for c in last),
            }
        )
    deliberation = Deliberation.objects.create(
        village_id=programme.village_id,
        programme=programme,
        period=programme.period,
        held_on=held_on,
        place=place.strip(),
        chair=chair.strip(),
        minutes=minutes.strip(),
        recorded_by=actor,
    )
    DeliberationAttendee.objects.bulk_create(
        [
            DeliberationAttendee(
                village_id=programme.village_id,
                deliberation=deliberation,
                name=a.name.strip()[:100],
                position=a.position.strip()[:100],
            )
            for a in people
        ]
    )
    events = []
    for status, group in ((Candidate.Status.APPROVED, approved), (Candidate.Status.DECLINED, declined)):
        for c in group:
            c.status = status
            c.deliberation_note = notes.get(c.pk, "")[:255]
            events.append(
                PendingEvent(
                    action="aid.candidate_deliberated",
                    object_type="aid_candidate",
                    object_id=c.public_id,
                    changes={"status": status, "deliberation": deliberation.public_id},
                )
            )
    Candidate.objects.bulk_update([*approved, *declined], ["status", "deliberation_note"])
    audit_record(
        actor=actor,
        village=programme.village,
        action="aid.deliberation_recorded",
        object_type="aid_deliberation",
        object_id=deliberation.public_id,
        changes={
            "programme": programme.public_id,
            "held_on": held_on.isoformat(),
            "attendees": len(people),
            "approved": len(approved),
            "declined": len(declined),
        },
    )
    audit_record_many(actor=actor, village=programme.village, events=events)
    return deliberation


def unit_who(c: Candidate | Recipient) -> str:
    """Whom an operator will recognise: the head's (or the person's) name and the masked KK
    (or NIK) — "SLAMET RIYADI (KK 3325********0001)"."""
    if c.resident_id is not None and c.resident is not None:
        return f"{c.resident.name} (NIK {mask_number(c.resident.nik)})"
    if c.family_id is not None and c.family is not None:
        head = c.family.head if c.family.head_id else None
        kk = family_label(c.family)
        return f"{head.name} ({kk})" if head is not None else kk
    return "?"


def _refusal(what: str, problems: Sequence[tuple[Candidate | Recipient, str]]) -> str:
    """ "<what>: 2 calon bermasalah — A (KK …): reason; B (KK …): reason." """
    listed = "; ".join(f"{unit_who(c)}: {reason.rstrip('.')}" for c, reason in problems)
    return _("%(what)s: %(n)s calon bermasalah — %(list)s.") % {
        "what": what,
        "n": len(problems),
        "list": listed,
    }


@transaction.atomic
def decree_issue(
    *,
    actor: User,
    programme: Programme,
    deliberation: Deliberation,
    number: str,
    title: str,
    decided_on: dt.date,
) -> Decree:
    """The head's decree (SK): every candidate approved in the deliberation becomes a
    recipient. One refused enrolment (double aid, exclusion) refuses the whole decree."""
    if not scope_for(actor).can("aid.decide"):
        raise AidError(_("Hanya Kepala Desa yang dapat menetapkan SK penerima."))
    if deliberation.programme_id != programme.pk or deliberation.period != programme.period:
        raise AidError(_("Berita acara musyawarah bukan untuk program dan periode ini."))
    if decreed(programme):
        raise AidError(_("SK penerima untuk periode ini sudah terbit; gunakan perubahan penerima."))
    if decided_on < deliberation.held_on:
        raise AidError(_("Tanggal SK tidak boleh sebelum tanggal musyawarah."))
    if decided_on > timezone.localdate():
        raise AidError(_("Tanggal SK tidak boleh di masa depan."))
    if not number.strip() or not title.strip():
        raise AidError(_("Nomor dan judul SK harus diisi."))
    if Decree.objects.filter(village_id=programme.village_id, number=number.strip()).exists():
        raise AidError(_("Nomor SK %(number)s sudah dipakai.") % {"number": number.strip()})
    approved = list(
        Candidate.objects.filter(
            programme=programme, period=programme.period, status=Candidate.Status.APPROVED
        ).select_related("family", "family__head", "resident")
    )
    if not approved:
        raise AidError(_("Belum ada calon yang disetujui musyawarah."))
    decree = Decree.objects.create(
        village_id=programme.village_id,
        programme=programme,
        period=programme.period,
        deliberation=deliberation,
        number=number.strip(),
        title=title.strip(),
        decided_on=decided_on,
        decided_by=actor,
    )
    problems = enrolment_problems(
        programme=programme, family_ids=[c.family_id for c in approved if c.family_id and not c.resident_id]
    )
    if problems:
        by_family = {c.family_id: c for c in approved}
        raise AidError(
            _refusal(
                _("SK tidak dapat ditetapkan"), [(by_family[fid], reason) for fid, reason in problems.items()]
            )
        )
    recipients = []
    for c in approved:
        recipients.append(
            recipient_insert(
                actor=actor,
                programme=programme,
                family=c.family if c.resident_id is None else None,
                resident=c.resident,
                source=Recipient.Source.DECREE,
                decree=decree,
                candidate=c,
                enrolled_on=max(decided_on, programme.period_start),
                audit=False,
            )
        )
    Candidate.objects.filter(pk__in=[c.pk for c in approved]).update(status=Candidate.Status.DECREED)
    if programme.status == Programme.Status.DRAFT:
        programme.status = Programme.Status.ACTIVE
        programme.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        village=programme.village,
        action="aid.decree_issued",
        object_type="aid_decree",
        object_id=decree.public_id,
        changes={"programme": programme.public_id, "number": decree.number, "recipients": len(recipients)},
    )
    audit_record_many(
        actor=actor,
        village=programme.village,
        events=[
            PendingEvent(
                action="aid.recipient_enrolled",
                object_type="aid_recipient",
                object_id=r.public_id,
                changes={"programme": programme.public_id, "source": r.source, "decree": decree.public_id},
            )
            for r in recipients
        ],
    )
    return decree
