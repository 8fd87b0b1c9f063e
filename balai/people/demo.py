"""Demo data of data tunggal (issue 15): in each demo village, one death recorded through the
registry's service after every module has its data, so its consequences reach aid, health,
education, letters and staff as they would in the office, and "Perlu ditinjau" has work."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction

from balai.people import codes
from balai.people.models import Resident, ReviewItem
from balai.regions.models import Village

# After every domain's demo (health 10 … economy 80), before regency/portal (90).
DEMO_ORDER = 85


def _pick(village: Village) -> Resident | None:
    """A head of family whose family receives aid, else any adult head of family."""
    from django.apps import apps

    heads = Resident.objects.filter(
        village=village, status=codes.STATUS_ALIVE, family_relation=1, birth_date__lt=dt.date(1970, 1, 1)
    )
    if apps.is_installed("balai.aid"):
        recipient = apps.get_model("aid", "Recipient")
        families = recipient.objects.filter(village=village, status="active", family__isnull=False).values(
            "family_id"
        )
        found = heads.filter(family_id__in=families).order_by("pk").first()
        if found is not None:
            return found
    return heads.order_by("pk").first()


def extend_village(*, village: Village, rnd: random.Random, today: dt.date) -> dict[str, Any]:
    from balai.people.services import death_record

    resident = _pick(village)
    if resident is None:
        return {}
    with transaction.atomic():
        death_record(
            actor=None,
            resident=resident,
            event_date=today - dt.timedelta(days=rnd.randint(1, 10)),
            details={"place": "RUMAH"},
            note="Data demo: peristiwa dengan akibat di setiap modul",
        )
    return {"review_items": ReviewItem.objects.filter(village=village).count()}
