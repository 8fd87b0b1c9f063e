"""The village's public page: news and announcements the operator writes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from balai.core.models import BaseModel, PublicIdModel, VillageScopedModel


class Post(PublicIdModel, VillageScopedModel, BaseModel):
    class Kind(models.TextChoices):
        ANNOUNCEMENT = "pengumuman", _("Pengumuman")
        NEWS = "berita", _("Berita")

    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices, default=Kind.ANNOUNCEMENT)
    title = models.CharField(_("judul"), max_length=160)
    # Plain text: stored with any tags stripped and shown escaped, so no markup or script
    # typed (or pasted) by an operator ever reaches a visitor's browser as HTML.
    body = models.TextField(_("isi"), max_length=8000)
    published_on = models.DateField(_("tanggal terbit"))
    is_published = models.BooleanField(_("tampil di halaman publik"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["village_id", "-published_on", "-pk"]
        indexes = [
            models.Index(fields=["village", "is_published", "published_on"], name="portal_post_pub_idx")
        ]

    def __str__(self) -> str:
        return self.title
