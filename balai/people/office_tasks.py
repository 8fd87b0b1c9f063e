"""Imports of the registry that are still running."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from balai.core.plugins import HomeTask
from balai.people.models import ImportJob


def registry_tasks(*, scope: Any, user: Any) -> list[HomeTask]:
    village = scope.village
    if village is None or not scope.can("registry.import"):
        return []
    running = ImportJob.objects.filter(
        village=village, state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING]
    ).count()
    return [
        HomeTask(
            _("Impor data penduduk sedang berjalan"), running, reverse("people:import_start"), "penduduk"
        )
    ]


TASKS = [registry_tasks]
