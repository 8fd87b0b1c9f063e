"""Reads of the kiosk app. Every selector takes the village (the device's or the operator's)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from balai.kiosk.models import Announcement, CorrectionReport, HelpCall, KioskLetterRequest
from balai.people import codes
from balai.people.models import Family, Resident
from balai.regions.models import Village


def announcements_current(
    *, village: Village, today: dt.date | None = None, limit: int = 5
) -> list[Announcement]:
    today = today or timezone.localdate()
    return list(
        Announcement.objects.filter(village=village, is_active=True, published_on__lte=today)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .order_by("-published_on", "-pk")[:limit]
    )


def announcement_list(*, village: Village) -> QuerySet[Announcement]:
    return Announcement.objects.filter(village=village).order_by("-published_on", "-pk")


def announcement_get(*, village: Village, public_id: str) -> Announcement:
    return Announcement.objects.filter(village=village).get(public_id=public_id)


MEMBER_ORDER = ("family_relation", "birth_date", "pk")


def family_members(*, village: Village, family: Family) -> list[Resident]:
    """The family's living members in this village. Looked up by family alone (a handful of
    rows, dead and moved members included) and kept only if they are this village's and alive:
    SQLite without statistics would otherwise scan the village's (status, village) index."""
    members = Resident.objects.filter(family_id=family.pk).order_by(*MEMBER_ORDER)
    return [m for m in members if m.village_id == village.pk and m.status == codes.STATUS_ALIVE]


MEMBER_CARD_FIELDS = (
    "pk",
    "public_id",
    "name",
    "nik",
    "family_relation",
    "sex",
    "birth_place",
    "birth_date",
    "village_id",
    "status",
)


def family_card(*, village: Village, family: Family) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The family card at the kiosk in one query: the family's RT/RW (or None) and
    `family_members` as dicts of the few columns the card shows."""
    rows = list(
        Resident.objects.filter(family_id=family.pk)
        .order_by(*MEMBER_ORDER)
        .values(*MEMBER_CARD_FIELDS, "family__rt__rt", "family__rt__rw")
    )
    rt = None
    if rows and rows[0]["family__rt__rt"] is not None:
        rt = {"rt": rows[0]["family__rt__rt"], "rw": rows[0]["family__rt__rw"]}
    members = [r for r in rows if r["village_id"] == village.pk and r["status"] == codes.STATUS_ALIVE]
    return rt, members


def family_member_get(*, village: Village, family: Family, public_id: str) -> Resident:
    """A member of the signed-in resident's own family; anyone else is DoesNotExist (404)."""
    return Resident.objects.filter(village=village, family=family, status=codes.STATUS_ALIVE).get(
        public_id=public_id
    )


def correction_list(
    *, village: Village, state: str = CorrectionReport.State.OPEN
) -> QuerySet[CorrectionReport]:
    qs = CorrectionReport.objects.filter(village=village).select_related("family", "reporter", "subject")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("created_at", "pk")


def correction_get(*, village: Village, public_id: str) -> CorrectionReport:
    return (
        CorrectionReport.objects.select_related("family", "reporter", "subject", "village")
        .filter(village=village)
        .get(public_id=public_id)
    )


def corrections_of_family(*, village: Village, family: Family) -> list[CorrectionReport]:
    return list(
        CorrectionReport.objects.filter(village=village, family=family)
        .only("created_at", "state", "handling_note")
        .order_by("-created_at")[:10]
    )


def letter_requests_of(*, village: Village, resident: Resident, limit: int = 10) -> list[KioskLetterRequest]:
    return list(
        KioskLetterRequest.objects.filter(village=village, resident=resident).order_by("-created_at", "-pk")[
            :limit
        ]
    )


def letter_request_get(*, village: Village, resident: Resident, public_id: str) -> KioskLetterRequest:
    return KioskLetterRequest.objects.filter(village=village, resident=resident).get(public_id=public_id)


def print_failures(*, village: Village, limit: int = 100) -> list[dict[str, Any]]:
    rows = (
        KioskLetterRequest.objects.filter(village=village, print_failed_at__isnull=False)
        .order_by("-print_failed_at")
        .values("letter_public_id", "type_code", "print_failed_at", "device__label")[:limit]
    )
    return [dict(r) for r in rows]


def resident_public_id_by_nik(*, village: Village, nik: str) -> str | None:
    return (
        Resident.objects.filter(village=village, nik=nik, status=codes.STATUS_ALIVE)
        .values_list("public_id", flat=True)
        .first()
    )


def help_calls_open(*, village: Village) -> list[HelpCall]:
    return list(
        HelpCall.objects.filter(village=village, handled_at__isnull=True)
        .select_related("device")
        .order_by("created_at")[:50]
    )


def help_call_get(*, village: Village, public_id: str) -> HelpCall:
    return (
        HelpCall.objects.select_related("device", "village").filter(village=village).get(public_id=public_id)
    )
