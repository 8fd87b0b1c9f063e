"""Reads of the aid module. Every function takes the village; another village's public id
raises DoesNotExist exactly like a missing one (views turn it into 404)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from balai.aid.models import (
    Candidate,
    Criterion,
    Decree,
    Deliberation,
    Distribution,
    DistributionCycle,
    Entitlement,
    OfficialDecile,
    Programme,
    ProgrammeExclusion,
    Recipient,
    RecipientChange,
    Verification,
    WelfareSurvey,
)
from balai.audit.models import AuditEvent
from balai.core.masking import mask_name, mask_number
from balai.people.models import Family
from balai.regions.models import Village

# --- Programmes ---------------------------------------------------------------------------


def programmes_for_village(*, village: Village) -> QuerySet[Programme]:
    return Programme.objects.filter(village=village).order_by("-period_start", "name")


def programme_get(*, village: Village, public_id: str) -> Programme:
    return Programme.objects.select_related("village").get(village=village, public_id=public_id)


def programme_overview(*, village: Village) -> list[dict[str, Any]]:
    """Programmes with their counts (no names), of the programme's period as on its own pages:
    `candidates` is len(candidate_list(status="calon")), `recipients`
    len(recipient_list(status="active"))."""
    programmes = list(programmes_for_village(village=village))
    recipients = dict(
        Recipient.objects.filter(
            village=village, period=F("programme__period"), status=Recipient.Status.ACTIVE
        )
        .values("programme_id")
        .annotate(n=Count("pk"))
        .values_list("programme_id", "n")
    )
    candidates = dict(
        Candidate.objects.filter(village=village, period=F("programme__period"))
        .filter(_candidate_filter("calon"))
        .values("programme_id")
        .annotate(n=Count("pk"))
        .values_list("programme_id", "n")
    )
    return [
        {"programme": p, "recipients": recipients.get(p.pk, 0), "candidates": candidates.get(p.pk, 0)}
        for p in programmes
    ]


def programme_criteria(*, village: Village, programme: Programme) -> list[Criterion]:
    return list(
        Criterion.objects.filter(village=village, programme=programme).order_by("kind", "position", "id")
    )


def programme_exclusions(*, village: Village, programme: Programme) -> list[ProgrammeExclusion]:
    return list(
        ProgrammeExclusion.objects.filter(village=village, programme=programme).select_related("excluded")
    )


def programme_decree(*, village: Village, programme: Programme) -> Decree | None:
    return (
        Decree.objects.filter(village=village, programme=programme, period=programme.period)
        .select_related("decided_by", "deliberation")
        .order_by("-decided_on")
        .first()
    )


def deliberations_for(*, village: Village, programme: Programme) -> list[Deliberation]:
    return list(
        Deliberation.objects.filter(village=village, programme=programme, period=programme.period)
        .prefetch_related("attendees")
        .order_by("-held_on", "-id")
    )


def deliberation_get(*, village: Village, public_id: str) -> Deliberation:
    return Deliberation.objects.select_related("programme").get(village=village, public_id=public_id)


# --- Candidates and recipients -------------------------------------------------------------

UNIT_RELATED = ("family", "family__head", "resident", "family__rt")


# Every counter on the aid pages is a count of one of these filters, and the list it labels is
# the same filter (issue 21: "Verifikasi: 0 lolos" after five were verified — they had moved on
# to approved/decreed; "56 calon" on the home page against "Calon (57)" in the list).
# A status value filters that status; a stage counts everyone who has reached it.
_C = Candidate.Status
CANDIDATE_STAGES: dict[str, tuple[Any, Q]] = {
    "calon": (_lazy("Semua calon kecuali yang ditarik"), ~Q(status=_C.WITHDRAWN)),
    # Approval needs a passed verification; a candidate declined by the musdes counts only if
    # a field visit found it valid (the musdes may also decline one never verified).
    "lolos": (
        _lazy("Lolos verifikasi (termasuk yang sudah dimusyawarahkan)"),
        Q(status__in=[_C.VERIFIED, _C.APPROVED, _C.DECREED])
        | Q(
            Exists(Verification.objects.filter(candidate=OuterRef("pk"), result=Verification.Result.VALID)),
            status=_C.DECLINED,
        ),
    ),
    "disetujui": (
        _lazy("Disetujui musdes (termasuk yang sudah di-SK)"),
        Q(status__in=[_C.APPROVED, _C.DECREED]),
    ),
}


def _candidate_filter(status: str) -> Q:
    if status in CANDIDATE_STAGES:
        return CANDIDATE_STAGES[status][1]
    return Q(status=status) if status else Q()


def candidate_filters() -> list[tuple[str, Any]]:
    """(value, label) of every filter the candidate list offers: the stages, then each status."""
    return [(k, label) for k, (label, _q) in CANDIDATE_STAGES.items()] + list(Candidate.Status.choices)


def candidate_list(*, village: Village, programme: Programme, status: str = "") -> QuerySet[Candidate]:
    """The programme's candidates of its period; `status` a status value or a stage key."""
    qs = Candidate.objects.filter(village=village, programme=programme, period=programme.period)
    qs = qs.filter(_candidate_filter(status))
    return qs.select_related(*UNIT_RELATED).order_by(F("rank").asc(nulls_last=True), "-score", "id")


def candidate_counts(*, village: Village, programme: Programme) -> dict[str, int]:
    """For "" (all), every stage and every status (0 when none): len(candidate_list(status=k))."""
    keys = ["", *CANDIDATE_STAGES, *Candidate.Status.values]
    found = Candidate.objects.filter(village=village, programme=programme, period=programme.period).aggregate(
        **{f"n{i}": Count("pk", filter=_candidate_filter(k)) for i, k in enumerate(keys)}
    )
    return {k: found[f"n{i}"] or 0 for i, k in enumerate(keys)}


def candidate_get(*, village: Village, public_id: str) -> Candidate:
    return Candidate.objects.select_related("programme", *UNIT_RELATED).get(
        village=village, public_id=public_id
    )


def candidates_by_public_ids(
    *, village: Village, programme: Programme, public_ids: Iterable[str]
) -> list[Candidate]:
    """Exactly these candidates of the programme, or DoesNotExist if any is not one."""
    wanted = list(dict.fromkeys(p for p in public_ids if p))
    found = list(
        Candidate.objects.filter(village=village, programme=programme, public_id__in=wanted).select_related(
            *UNIT_RELATED
        )
    )
    if len(found) != len(wanted):
        raise Candidate.DoesNotExist
    return found


def recipient_list(*, village: Village, programme: Programme, status: str = "") -> QuerySet[Recipient]:
    qs = Recipient.objects.filter(village=village, programme=programme, period=programme.period)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related(*UNIT_RELATED, "decree").order_by("id")


def recipient_get(*, village: Village, public_id: str) -> Recipient:
    return Recipient.objects.select_related("programme", "decree", *UNIT_RELATED).get(
        village=village, public_id=public_id
    )


def recipient_changes(*, village: Village, recipient: Recipient) -> list[RecipientChange]:
    return list(
        RecipientChange.objects.filter(village=village, recipient=recipient).select_related("changed_by")
    )


def recipient_counts(*, village: Village, programme: Programme) -> dict[str, int]:
    """For "" (all) and every status (0 when none): len(recipient_list(status=k))."""
    rows = dict(
        Recipient.objects.filter(village=village, programme=programme, period=programme.period)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {"": sum(rows.values()), **{k: rows.get(k, 0) for k in Recipient.Status.values}}


def public_recipient_summary(*, village: Village, programme: Programme) -> dict[str, Any]:
    """What the public may see, by the programme's privacy level: nothing, counts, or counts
    and masked names."""
    if programme.privacy == Programme.Privacy.PRIVATE:
        return {"visible": False}
    active = recipient_list(village=village, programme=programme, status=Recipient.Status.ACTIVE)
    data: dict[str, Any] = {"visible": True, "count": active.count()}
    if programme.privacy == Programme.Privacy.MASKED:
        names = []
        for r in active:
            person = r.resident or (r.family.head if r.family else None)
            names.append(mask_name(person.name) if person else mask_name(r.group_name))
        data["names"] = sorted(names)
    return data


def enrolment_blockers(
    *, village: Village, programme: Programme, family_ids: Iterable[int]
) -> dict[int, str]:
    """Family id → Indonesian reason it cannot be enrolled (already enrolled this period, or an
    exclusion rule in either direction). For import previews; set-wise."""
    from balai.aid.services.recipients import enrolment_problems

    if programme.village_id != village.pk:
        raise Programme.DoesNotExist
    ids = list(Family.objects.filter(village=village, pk__in=list(family_ids)).values_list("pk", flat=True))
    return enrolment_problems(programme=programme, family_ids=ids)


# --- Welfare data -------------------------------------------------------------------------


def welfare_history(*, village: Village, family: Family) -> list[WelfareSurvey]:
    """Every survey of the family (or of its household), newest first."""
    household_id = family.head.household_id if family.head_id and family.head else None
    unit = Q(family=family) | (Q(household_id=household_id) if household_id else Q(pk__in=[]))
    return list(WelfareSurvey.objects.filter(unit, village=village).order_by("-surveyed_on", "-id"))


def decile_history(*, village: Village, family: Family) -> list[OfficialDecile]:
    return list(OfficialDecile.objects.filter(village=village, family=family).order_by("-received_on", "-id"))


def latest_deciles(*, village_ids: Sequence[int]) -> dict[int, int]:
    """Family id → current official decile, for coverage views."""
    return dict(
        OfficialDecile.objects.filter(village_id__in=list(village_ids), is_latest=True).values_list(
            "family_id", "decile"
        )
    )


def welfare_summary(*, village: Village) -> dict[str, Any]:
    families = Family.objects.filter(village=village, is_active=True).count()
    deciles = dict(
        OfficialDecile.objects.filter(village=village, is_latest=True)
        .values("decile")
        .annotate(n=Count("pk"))
        .values_list("decile", "n")
    )
    surveyed = WelfareSurvey.objects.filter(village=village, is_latest=True).count()
    return {
        "families": families,
        "with_decile": sum(deciles.values()),
        "deciles": [(d, deciles.get(d, 0)) for d in range(1, 11)],
        "surveys": surveyed,
    }


# --- The family's own view (kiosk, resident) -------------------------------------------------


@dataclass(frozen=True)
class FamilyAidStatus:
    programme_name: str
    programme_public_id: str
    period: str
    state: str  # recipient | candidate | proposed
    state_label: str
    benefit_label: str
    next_distribution: dt.date | None
    next_amount: int | None


def benefit_label(programme: Programme) -> str:
    if programme.benefit_kind == Programme.BenefitKind.IN_KIND:
        return programme.benefit_in_kind
    amount = f"Rp{programme.benefit_amount:,}".replace(",", ".")
    text = f"{amount} {programme.get_benefit_frequency_display()}"
    if programme.benefit_kind == Programme.BenefitKind.BOTH and programme.benefit_in_kind:
        text += f" + {programme.benefit_in_kind}"
    return text


# What `family_aid_status` reads of a programme (its name and `benefit_label`).
_STATUS_PROGRAMME_FIELDS = tuple(
    f"programme__{name}"
    for name in (
        "name",
        "public_id",
        "benefit_kind",
        "benefit_in_kind",
        "benefit_amount",
        "benefit_frequency",
    )
)


def family_aid_status(
    *, village: Village, family: Family, today: dt.date | None = None
) -> list[FamilyAidStatus]:
    """Programmes the family (or one of its members) receives or was proposed for, with the next
    approved distribution. Safe to show to the family itself: no other family's data."""
    if family.village_id != village.pk:
        return []
    today = today or timezone.localdate()
    member_or_family = Q(family=family) | Q(resident__family=family)
    result: list[FamilyAidStatus] = []
    recipients = list(
        Recipient.objects.filter(member_or_family, village=village, status=Recipient.Status.ACTIVE)
        .select_related("programme")
        .only("programme_id", "period", *_STATUS_PROGRAMME_FIELDS)
    )
    upcoming: dict[int, tuple[dt.date, int]] = {}
    cycles: dict[tuple[int, str], tuple[dt.date, int]] = {}
    if recipients:  # most families receive nothing: no distribution to look up
        for r_id, planned, amount, cycle_amount in (
            Entitlement.objects.filter(
                village=village,
                recipient__in=[r.pk for r in recipients],
                status=Entitlement.Status.PENDING,
                cycle__status=DistributionCycle.Status.APPROVED,
                cycle__planned_on__gte=today,
            )
            .order_by("cycle__planned_on")
            .values_list("recipient_id", "cycle__planned_on", "amount", "cycle__amount")
        ):
            upcoming.setdefault(r_id, (planned, amount or cycle_amount))
        for prog_id, period, planned, amount in (
            DistributionCycle.objects.filter(
                village=village,
                programme__in={r.programme_id for r in recipients},
                status=DistributionCycle.Status.APPROVED,
                planned_on__gte=today,
            )
            .order_by("planned_on")
            .values_list("programme_id", "period", "planned_on", "amount")
        ):
            cycles.setdefault((prog_id, period), (planned, amount))
    for r in recipients:
        nxt = upcoming.get(r.pk) or cycles.get((r.programme_id, r.period))
        result.append(
            FamilyAidStatus(
                programme_name=r.programme.name,
                programme_public_id=r.programme.public_id,
                period=r.period,
                state="recipient",
                state_label=_("Penerima"),
                benefit_label=benefit_label(r.programme),
                next_distribution=nxt[0] if nxt else None,
                next_amount=nxt[1] if nxt else None,
            )
        )
    open_states = [
        Candidate.Status.PROPOSED,
        Candidate.Status.LISTED,
        Candidate.Status.VERIFIED,
        Candidate.Status.APPROVED,
    ]
    # A family sees what it (or its RT/RW) applied for, and the deliberation's approval; a
    # place on the rule-generated list alone is not announced before the musyawarah.
    seen = Q(status=Candidate.Status.APPROVED) | ~Q(source=Candidate.Source.RULES)
    for c in (
        Candidate.objects.filter(member_or_family, seen, village=village, status__in=open_states)
        .select_related("programme")
        .only("programme_id", "period", "status", *_STATUS_PROGRAMME_FIELDS)
    ):
        proposed = c.status == Candidate.Status.PROPOSED
        result.append(
            FamilyAidStatus(
                programme_name=c.programme.name,
                programme_public_id=c.programme.public_id,
                period=c.period,
                state="proposed" if proposed else "candidate",
                state_label=_("Diusulkan, menunggu penjaringan") if proposed else _("Dalam proses penetapan"),
                benefit_label=benefit_label(c.programme),
                next_distribution=None,
                next_amount=None,
            )
        )
    return result


def nominable_programmes(*, village: Village) -> QuerySet[Programme]:
    """Programmes a family may be proposed for (RT/RW, kiosk): local, with targeting, not closed,
    and no decree yet for the current period."""
    decreed = Decree.objects.filter(village=village).values("programme_id")
    return (
        Programme.objects.filter(village=village, uses_targeting=True)
        .exclude(status=Programme.Status.CLOSED)
        .exclude(pk__in=decreed)
        .order_by("name")
    )


# --- Distribution ----------------------------------------------------------------------------


def unit_label(recipient: Recipient) -> str:
    """The recipient as people know it: the person, the family head, the household head, the group."""
    if recipient.resident_id is not None and recipient.resident is not None:
        return recipient.resident.name
    if recipient.family_id is not None and recipient.family is not None:
        head = recipient.family.head
        return (
            head.name
            if head is not None
            else _("KK %(kk)s") % {"kk": mask_number(recipient.family.kk_number)}
        )
    if recipient.household_id is not None and recipient.household is not None:
        head = recipient.household.head
        return head.name if head is not None else _("Rumah tangga %(n)s") % {"n": recipient.household.number}
    return recipient.group_name


def cycle_qs(*, village: Village) -> QuerySet[DistributionCycle]:
    return DistributionCycle.objects.filter(village=village).select_related("programme", "approved_by")


def cycle_get(*, village: Village, public_id: str) -> DistributionCycle:
    """Raises DistributionCycle.DoesNotExist for another village's cycle, exactly as for none."""
    return cycle_qs(village=village).get(public_id=public_id)


def cycles_of(*, village: Village, programme: Programme) -> list[DistributionCycle]:
    return list(
        cycle_qs(village=village)
        .filter(programme=programme)
        .annotate(
            n_total=Count("entitlements", filter=~Q(entitlements__status=Entitlement.Status.CANCELLED)),
            n_done=Count("entitlements", filter=Q(entitlements__status=Entitlement.Status.DISTRIBUTED)),
        )
        .order_by("period", "number")
    )


def entitlement_qs(*, village: Village) -> QuerySet[Entitlement]:
    return Entitlement.objects.filter(village=village).select_related(
        "cycle__programme",
        "recipient__family__head",
        "recipient__family__rt",
        "recipient__resident__family",
        "recipient__resident__rt",
        "recipient__household__head",
        "distribution",
    )


def entitlement_get(*, village: Village, public_id: str) -> Entitlement:
    return entitlement_qs(village=village).get(public_id=public_id)


def entitlements_of(*, village: Village, cycle: DistributionCycle) -> list[Entitlement]:
    return list(entitlement_qs(village=village).filter(cycle=cycle).order_by("id"))


def distribution_get(*, village: Village, public_id: str) -> Distribution:
    return (
        Distribution.objects.filter(village=village)
        .select_related("entitlement__cycle__programme", "entitlement__recipient", "recorded_by")
        .get(public_id=public_id)
    )


def programme_distributions(
    *, village: Village, programme: Programme, start: dt.date, end: dt.date
) -> list[tuple[int, dt.date, int]]:
    """(distribution id, day, amount) of a programme's cash handed over between two days: what
    finance books as the realisation of the APBDes line that pays the programme."""
    return list(
        Distribution.objects.filter(
            village=village,
            entitlement__cycle__programme=programme,
            distributed_on__gte=start,
            distributed_on__lte=end,
            amount__gt=0,
        )
        .order_by("distributed_on", "id")
        .values_list("id", "distributed_on", "amount")
    )


HISTORY_LABELS = {
    "aid.cycle.created": _lazy("Dibuat"),
    "aid.cycle.entitlements_generated": _lazy("Daftar hak disusun ulang"),
    "aid.cycle.approved": _lazy("Disetujui"),
    "aid.cycle.distributed": _lazy("Ditandai tersalurkan"),
    "aid.cycle.closed": _lazy("Ditutup"),
    "aid.cycle.cancelled": _lazy("Dibatalkan"),
}


def cycle_history(*, village: Village, cycle: DistributionCycle) -> list[dict[str, Any]]:
    """Who did what to the cycle and when, from the audit trail."""
    events = AuditEvent.objects.filter(village=village, object_type="aid.cycle", object_id=cycle.public_id)
    return [
        {
            "at": e.occurred_at,
            "who": e.actor_label,
            "what": HISTORY_LABELS.get(e.action, e.action),
            "reason": (e.changes or {}).get("reason", ""),
        }
        for e in events.order_by("seq")
    ]


@dataclass
class CycleSummary:
    entitlements: int
    distributed: int
    pending: int
    amount_due: int
    amount_paid: int
    cancelled: int = 0  # listed on the cycle's page too: entitlements + cancelled = its rows


def cycle_summary(*, village: Village, cycle: DistributionCycle) -> CycleSummary:
    """The counts of `entitlements_of(cycle)`: `entitlements` its rows not cancelled, of which
    `distributed` and `pending`; `cancelled` the rest (e.g. after the recipient's death)."""
    ents = Entitlement.objects.filter(village=village, cycle=cycle)
    live = ~Q(status=Entitlement.Status.CANCELLED)
    agg = ents.aggregate(
        n=Count("id", filter=live),
        done=Count("id", filter=Q(status=Entitlement.Status.DISTRIBUTED)),
        due=Sum("amount", filter=live),
        cancelled=Count("id", filter=~live),
    )
    paid = Distribution.objects.filter(village=village, entitlement__cycle=cycle).aggregate(s=Sum("amount"))[
        "s"
    ]
    return CycleSummary(
        entitlements=agg["n"] or 0,
        distributed=agg["done"] or 0,
        pending=(agg["n"] or 0) - (agg["done"] or 0),
        amount_due=agg["due"] or 0,
        amount_paid=paid or 0,
        cancelled=agg["cancelled"] or 0,
    )


def undistributed(*, village: Village, programme: Programme | None = None) -> list[Entitlement]:
    """Entitlements still pending in cycles that were approved (and possibly since closed):
    money or goods that should have reached someone and did not."""
    qs = entitlement_qs(village=village).filter(
        status=Entitlement.Status.PENDING,
        cycle__status__in=[
            DistributionCycle.Status.APPROVED,
            DistributionCycle.Status.DISTRIBUTED,
            DistributionCycle.Status.CLOSED,
        ],
    )
    if programme is not None:
        qs = qs.filter(cycle__programme=programme)
    return list(qs.order_by("cycle__planned_on", "cycle_id", "id"))
