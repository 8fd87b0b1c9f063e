"""Reads of village officials. Every selector takes the village."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from balai.regions.models import Village
from balai.staff.models import Official


def official_list(*, village: Village, active_only: bool = False) -> QuerySet[Official]:
    qs = Official.objects.filter(village=village)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("-is_active", "order", "name", "pk")


def official_get(*, village: Village, public_id: str) -> Official:
    """Raises Official.DoesNotExist for another village's official, exactly as for none."""
    return Official.objects.filter(village=village).get(public_id=public_id)


def signatories(*, village: Village, on: dt.date | None = None) -> QuerySet[Official]:
    """Officials who may sign a letter dated `on`: active, signing, and within their term."""
    on = on or timezone.localdate()
    return (
        Official.objects.filter(village=village, is_active=True, signs_letters=True)
        .exclude(signs_as="")
        .filter(Q(term_start__isnull=True) | Q(term_start__lte=on))
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=on))
        .order_by("order", "name", "pk")
    )
