"""Monthly snapshots: each village's key figures frozen once a month.

A regency page reads these rows instead of counting a million residents, and a month's
figures never change after the fact (the trend and the "as of" the reports quote).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from balai.core.models import BaseModel


class VillageSnapshot(BaseModel):
    """One village's figures for one month (`month` is the month's first day).

    Taken once (the `snapshot` command on the 1st, for the month that just ended, or on demand
    for the running month); taking it again leaves the stored row as it is."""

    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("bulan"))
    taken_at = models.DateTimeField(_("diambil pada"))
    # Figure key -> number (see `figures.FIGURES`); keys added later are simply absent from
    # older months, and pages show them as "–".
    figures = models.JSONField(default=dict)
    # True for months rebuilt from history when the deployment started (demo, backfill).
    estimated = models.BooleanField(default=False)

    class Meta:
        ordering = ["month", "village_id"]
        constraints = [
            models.UniqueConstraint(fields=["village", "month"], name="regency_snapshot_village_month"),
        ]
        indexes = [models.Index(fields=["month", "village"], name="regency_snapshot_month_idx")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.month:%Y-%m}"
