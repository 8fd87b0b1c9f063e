"""Reads of import jobs; each takes the village."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from balai.people.models import ImportJob
from balai.regions.models import Village


def import_job_list(*, village: Village, limit: int = 10) -> list[ImportJob]:
    return list(
        ImportJob.objects.filter(village=village).select_related("created_by").order_by("-created_at")[:limit]
    )


def import_job_get(*, village: Village, public_id: str) -> ImportJob:
    """Raises ImportJob.DoesNotExist for another village's job, exactly as for none."""
    return ImportJob.objects.get(village=village, public_id=public_id)


def import_job_errors_path(job: ImportJob) -> Path | None:
    name = (job.result or {}).get("errors_file")
    if not name:
        return None
    path = Path(settings.MEDIA_ROOT) / name
    return path if path.is_file() else None
