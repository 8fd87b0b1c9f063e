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
