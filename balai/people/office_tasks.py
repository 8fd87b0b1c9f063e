"""Imports of the registry that are still running; consequences of life events to decide."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from balai.core.plugins import HomeTask
from balai.people.models import ImportJob
from balai.people.selectors import review_open_count


def registry_tasks(*, scope: Any, user: Any) -> list[HomeTask]:
    village = scope.village
    if village is None or not scope.can("registry.import"):
        return []
    jobs = ImportJob.objects.filter(
        village=village, state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING]
    )
    running = list(jobs.values_list("public_id", flat=True)[:2])
    # One import running: its own progress page; more: the import page listing them.
    url = (
        reverse("people:import_status", args=[running[0]])
        if len(running) == 1
        else reverse("people:import_start")
    )
    return [
        HomeTask(
            _("Impor data penduduk sedang berjalan"),
            len(running) if len(running) < 2 else jobs.count(),
            url,
            "penduduk",
        )
    ]


def review_tasks(*, scope: Any, user: Any) -> list[HomeTask]:
    """Perlu ditinjau: what modules could not decide alone after a death, a move, a birth."""
    village = scope.village
    if village is None or not scope.can("registry.read"):
        return []
    return [
        HomeTask(
            _("Perlu ditinjau akibat peristiwa kependudukan"),
            review_open_count(village=village),
            reverse("people:review_list"),
            "penduduk",
        )
    ]


TASKS = [registry_tasks, review_tasks]
