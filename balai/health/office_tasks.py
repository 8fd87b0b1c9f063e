"""Posyandu sessions held today: the kader opens the session sheet from the home page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core.plugins import HomeTask
from balai.health.models import PosyanduSession


def health_tasks(*, scope: Any, user: Any) -> list[HomeTask]:
    village = scope.village
    if village is None or not scope.can("health.write"):
        return []
    today = list(
        PosyanduSession.objects.filter(village=village, held_on=timezone.localdate()).values_list(
            "public_id", flat=True
        )[:2]
    )
    url = reverse("health:session_sheet", args=[today[0]]) if len(today) == 1 else reverse("health:home")
    return [HomeTask(_("Sesi posyandu hari ini"), len(today), url, "kesehatan")]


TASKS = [health_tasks]
