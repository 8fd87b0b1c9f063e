from __future__ import annotations

from django.db import models

from balai.core.ids import new_public_id


class BaseModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PublicIdModel(models.Model):
    """A random, unguessable id for URLs and the API; the integer key never leaves the server."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)

    class Meta:
        abstract = True


class VillageScopedModel(models.Model):
    """A row owned by one village: the partitioning key every selector filters on.

    `related_name="+"`: a village's rows are reached through selectors that take the
    village, never as `village.<model>_set`.
    """

    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class RateCounter(models.Model):
    """Hits of one key in one fixed window (`balai.core.ratelimit`), shared by every process."""

    bucket = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bucket", "key"], name="core_ratecounter_unique")]
        indexes = [models.Index(fields=["window_start"], name="core_ratecounter_window")]
