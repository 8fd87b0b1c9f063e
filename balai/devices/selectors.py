"""Reads of kiosk devices and residents' kiosk credentials. Every selector takes the village
(the device's or the operator's)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from balai.devices.models import DEFAULT_IDLE_SECONDS, KioskDevice, KioskVillageSettings, ResidentCredential
from balai.people import codes
from balai.people.models import Resident
from balai.regions.models import Village

CRED_FIELDS = ("pk", "pin_hash", "pin_disabled", "locked_until", "must_change_pin")


# What the kiosk, its desk pages and the letters' subject rules read of the signed-in resident.
# The rest of the (wide) row stays in the database; reading it anyway costs one more query.
SIGNED_IN_FIELDS = (
    "id", "public_id", "village_id", "family_id", "household_id", "rt_id", "nik", "name", "sex",
    "birth_place", "birth_date", "religion", "marital_status", "family_relation", "status",
)  # fmt: skip


def signed_in_resident(*, village: Village, resident_id: int) -> Resident | None:
    """Read on every signed-in kiosk request: those columns and the family's row, nothing more
    (the family page reads the RT itself)."""
    rows = (
        Resident.objects.select_related("family")
        .only(*SIGNED_IN_FIELDS, "family")
        .filter(village=village, pk=resident_id, status=codes.STATUS_ALIVE)
        .order_by()[:1]
    )
    return next(iter(rows), None)


def resident_for_sign_in(
    *, village: Village, nik: str = "", card_digest: str = ""
) -> tuple[Resident | None, dict[str, Any] | None]:
    """The living resident of this village with that NIK or card, and their PIN state."""
    if card_digest:
        cred = (
            ResidentCredential.objects.filter(village=village, card_digest=card_digest)
            .values(*CRED_FIELDS, "resident_id")
            .first()
        )
        if cred is None:
            return None, None
        resident = signed_in_resident(village=village, resident_id=cred["resident_id"])
        return resident, cred
    resident = (
        Resident.objects.select_related("family")
        .filter(village=village, nik=nik, status=codes.STATUS_ALIVE)
        .first()
    )
    if resident is None:
        return None, None
    cred = ResidentCredential.objects.filter(resident=resident).values(*CRED_FIELDS).first()
    return resident, cred


def device_list(*, village: Village) -> QuerySet[KioskDevice]:
    return KioskDevice.objects.filter(village=village).order_by("label", "pk")


def device_get(*, village: Village, public_id: str) -> KioskDevice:
    return KioskDevice.objects.select_related("village").filter(village=village).get(public_id=public_id)


def village_idle_seconds(*, village: Village) -> int:
    value = (
        KioskVillageSettings.objects.filter(village=village).values_list("idle_seconds", flat=True).first()
    )
    return value or DEFAULT_IDLE_SECONDS


def credential_of(*, village: Village, resident: Resident) -> ResidentCredential | None:
    return ResidentCredential.objects.filter(village=village, resident=resident).first()
