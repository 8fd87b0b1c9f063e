"""Recipient lists: the double-aid check, enrolment and status changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.accounts.scope import scope_for
from balai.aid import targeting
from balai.aid.models import Candidate, Decree, Programme, ProgrammeExclusion, Recipient, RecipientChange
from balai.aid.services.common import AidError, decreed, family_label
from balai.audit.services import audit_record
from balai.core.masking import mask_number
from balai.people.models import Family, Household, Resident

if TYPE_CHECKING:
    from balai.accounts.models import User


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def enrolment_problems(
    *, programme: Programme, family_ids: Iterable[int], check_enrolled: bool = True
) -> dict[int, str]:
    """Family id → why it cannot be enrolled in `programme` now (set-wise; empty = all fine):
    already enrolled this period, excluded by this programme's rules, or enrolled in a
    programme that excludes this one."""
    ids = list(dict.fromkeys(family_ids))
    if not ids:
        return {}
    problems: dict[int, str] = {}
    enrolled = Recipient.objects.filter(
        programme=programme, period=programme.period, family_id__in=ids, resident__isnull=True
    )
    for fid, status in enrolled.values_list("family_id", "status") if check_enrolled else []:
        problems[fid] = _(
            "sudah terdaftar sebagai penerima %(name)s periode %(period)s (status %(status)s)."
        ) % {
            "name": programme.name,
            "period": programme.period,
            "status": Recipient.Status(status).label,
        }
    ruleset = targeting.ruleset_for(programme)
    for ex in ruleset.exclusions:
        other = Programme.objects.get(pk=ex.programme_id)
        if ex.basis == ProgrammeExclusion.Basis.RECIPIENT:
            hits = list(
                Recipient.objects.filter(
                    programme=other, status=Recipient.Status.ACTIVE, family_id__in=ids
                ).values_list("family_id", flat=True)
            )
        else:
            ev = targeting.evaluate_programme(programme=other, family_ids=ids)
            hits = [f for n, f in enumerate(ev.table.ids) if ev.eligible[n] and ev.excluded[n] is None]
        if ex.basis == ProgrammeExclusion.Basis.RECIPIENT:
            reason = _("menerima %(other)s; %(this)s tidak untuk penerima %(other)s (aturan pengecualian).")
        else:
            reason = _("memenuhi syarat %(other)s; %(this)s mengecualikan keluarga tersebut.")
        reason = reason % {"other": other.name, "this": programme.name}
        if ex.reason:
            reason = f"{reason} {ex.reason}"
        for fid in hits:
            problems.setdefault(fid, reason)
    # The other direction: a programme the family already receives may exclude this one.
    for src_id, src_name, fid in Recipient.objects.filter(
        status=Recipient.Status.ACTIVE,
        family_id__in=ids,
        programme__exclusions__excluded=programme,
        programme__exclusions__basis=ProgrammeExclusion.Basis.RECIPIENT,
    ).values_list("programme_id", "programme__name", "family_id"):
        if src_id != programme.pk:
            problems.setdefault(
                fid,
                _(
                    "menerima %(other)s, yang tidak boleh digabung dengan %(this)s (aturan pengecualian %(other)s)."
                )
                % {"other": src_name, "this": programme.name},
            )
    return problems


def recipient_insert(
    *,
    actor: User | None,
    programme: Programme,
    family: Family | None,
    resident: Resident | None,
    source: str,
    decree: Decree | None,
    candidate: Candidate | None,
    enrolled_on: dt.date,
    external_id: str = "",
    household: Household | None = None,
    group_name: str = "",
    audit: bool = True,
) -> Recipient:
    """The recipient row, without `recipient_enrol`'s checks: for callers that checked their
    whole batch set-wise first (the decree, a recipient list import)."""
    try:
        with transaction.atomic():
            recipient = Recipient.objects.create(
                village_id=programme.village_id,
                programme=programme,
                period=programme.period,
                family=family if resident is None else (resident.family if resident.family_id else None),
                household=household,
                resident=resident,
                group_name=group_name,
                candidate=candidate,
                decree=decree,
                source=source,
                enrolled_on=enrolled_on,
                external_id=external_id,
            )
    except IntegrityError:
        # Two requests raced past the check: the database refused the second.
        raise AidError(
            _("Sudah terdaftar sebagai penerima %(name)s periode %(period)s.")
            % {"name": programme.name, "period": programme.period}
        )
    if audit:
        audit_record(
            actor=actor,
            village=programme.village,
            action="aid.recipient_enrolled",
            object_type="aid_recipient",
            object_id=recipient.public_id,
            changes={
                "programme": programme.public_id,
                "family": family.public_id if family else None,
                "resident": resident.public_id if resident else None,
                "source": source,
                "decree": decree.public_id if decree else None,
                "external_id": external_id,
            },
        )
    return recipient


@transaction.atomic
def recipient_enrol(
    *,
    actor: User | None,
    programme: Programme,
    source: str,
    family: Family | None = None,
    resident: Resident | None = None,
    household: Household | None = None,
    group_name: str = "",
    decree: Decree | None = None,
    candidate: Candidate | None = None,
    external_id: str = "",
    enrolled_on: dt.date | None = None,
    reason: str = "",
) -> Recipient:
    """The one way into a recipient list. Refused, with the reason, for a family of another
    village, a double enrolment in the same programme and period, or an exclusion rule.
    Adding a recipient to a programme whose decree is out is a change after the decree: it
    needs `reason` and the head's decision (aid.decide)."""
    village_id = programme.village_id
    for unit in (family, resident, household):
        if unit is not None and unit.village_id != village_id:
            raise AidError(_("Penerima bukan warga desa ini."))
    if not (family or resident or household or group_name.strip()):
        raise AidError(_("Pilih keluarga, penduduk, rumah tangga atau kelompok penerima."))
    if source not in Recipient.Source.values:
        raise AidError(_("Sumber penerima tidak sah."))
    if source != Recipient.Source.IMPORT and decreed(programme) and decree is None:
        if actor is None or not scope_for(actor).can("aid.decide"):
            raise AidError(_("Perubahan penerima setelah SK hanya oleh Kepala Desa."))
        if not reason.strip():
            raise AidError(_("Perubahan penerima setelah SK harus disertai alasan."))
        decree = (
            Decree.objects.filter(programme=programme, period=programme.period)
            .order_by("-decided_on")
            .first()
        )
    if resident is not None:
        if Recipient.objects.filter(programme=programme, period=programme.period, resident=resident).exists():
            raise AidError(
                _("%(who)s sudah terdaftar sebagai penerima %(name)s periode %(period)s.")
                % {"who": resident.name, "name": programme.name, "period": programme.period}
            )
    if family is not None and resident is None:
        if family.is_active is False:
            raise AidError(_("KK %(kk)s tidak aktif.") % {"kk": mask_number(family.kk_number)})
        problems = enrolment_problems(programme=programme, family_ids=[family.pk])
        if problems:
            raise AidError(_first_upper(family_label(family)) + " " + problems[family.pk])
    recipient = recipient_insert(
        actor=actor,
        programme=programme,
        family=family,
        resident=resident,
        household=household if family is None else None,
        group_name=group_name.strip() if not (family or resident or household) else "",
        source=source,
        decree=decree,
        candidate=candidate,
        enrolled_on=enrolled_on or max(timezone.localdate(), programme.period_start),
        external_id=external_id.strip(),
    )
    if reason.strip() and actor is not None:
        RecipientChange.objects.create(
            village_id=village_id,
            recipient=recipient,
            changed_by=actor,
            field="status",
            old_value="",
            new_value=Recipient.Status.ACTIVE,
            reason=reason.strip()[:255],
        )
    return recipient


@transaction.atomic
def recipient_change_status(*, actor: User, recipient: Recipient, status: str, reason: str) -> Recipient:
    """Suspend, remove, graduate or reactivate a recipient: a reason is required, the change is
    kept on the recipient and in the audit trail. After the decree only the head decides."""
    if status not in Recipient.Status.values:
        raise AidError(_("Status penerima tidak sah."))
    if not reason.strip():
        raise AidError(_("Alasan perubahan harus diisi."))
    if recipient.decree_id is not None and not scope_for(actor).can("aid.decide"):
        raise AidError(_("Perubahan penerima setelah SK hanya oleh Kepala Desa."))
    if status == recipient.status:
        raise AidError(_("Status penerima sudah %(status)s.") % {"status": recipient.get_status_display()})
    if status == Recipient.Status.ACTIVE and recipient.family_id is not None:
        blocking = enrolment_problems(
            programme=recipient.programme, family_ids=[recipient.family_id], check_enrolled=False
        )
        if blocking and recipient.family is not None:
            raise AidError(_first_upper(family_label(recipient.family)) + " " + blocking[recipient.family_id])
    old = recipient.status
    recipient.status = status
    recipient.status_reason = reason.strip()[:255]
    recipient.ended_on = None if status == Recipient.Status.ACTIVE else timezone.localdate()
    recipient.save(update_fields=["status", "status_reason", "ended_on", "updated_at"])
    RecipientChange.objects.create(
        village_id=recipient.village_id,
        recipient=recipient,
        changed_by=actor,
        field="status",
        old_value=old,
        new_value=status,
        reason=reason.strip()[:255],
    )
    audit_record(
        actor=actor,
        village=recipient.village,
        action="aid.recipient_status_changed",
        object_type="aid_recipient",
        object_id=recipient.public_id,
        changes={"status": [old, status], "reason": reason.strip()},
    )
    return recipient
