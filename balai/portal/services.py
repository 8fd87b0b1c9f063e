"""Writes of the public page: the operator's posts, and complaints from the public (handed to
the desk's queue, where the operator answers them as any other complaint)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from balai.accounts.models import User
from balai.audit.services import audit_record
from balai.core.errors import ApplicationError
from balai.core.services import model_update
from balai.desk.models import Complaint
from balai.desk.services import complaint_submit
from balai.portal.models import Post
from balai.regions.models import Village
from balai.regions.services import village_public_changed

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: object) -> str:
    """Plain text: tags removed (script and style with their content), control characters out."""
    text = str(value or "")
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", "", text)
    text = strip_tags(text)
    return _CONTROL.sub("", text).strip()


def page_cache_key(code: str, stamp: dt.datetime) -> str:
    """The cached front page of village `code` as of its stamp (`Village.updated_at`, moved by
    `regions.services.village_public_changed` on every write the page shows)."""
    return f"portal:home:{code}:{stamp.timestamp():.6f}"


def _post_values(data: dict[str, Any]) -> dict[str, Any]:
    title = " ".join(clean_text(data.get("title")).split())
    body = clean_text(data.get("body"))
    errors = {}
    if not title:
        errors["title"] = _("Judul wajib diisi (tanpa kode HTML).")
    elif len(title) > 160:
        errors["title"] = _("Judul paling banyak 160 karakter.")
    if not body:
        errors["body"] = _("Isi wajib diisi (tanpa kode HTML).")
    elif len(body) > 8000:
        errors["body"] = _("Isi paling banyak 8000 karakter.")
    kind = data.get("kind") or Post.Kind.ANNOUNCEMENT
    if kind not in Post.Kind.values:
        errors["kind"] = _("Jenis tidak dikenal.")
    published_on = data.get("published_on") or timezone.localdate()
    if not isinstance(published_on, dt.date):
        errors["published_on"] = _("Tanggal terbit tidak sah.")
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "body": body,
        "kind": kind,
        "published_on": published_on,
        "is_published": bool(data.get("is_published", True)),
    }


def post_create(*, actor: User, village: Village, data: dict[str, Any]) -> Post:
    values = _post_values(data)
    post = Post.objects.create(village=village, created_by=actor, **values)
    audit_record(
        actor=actor,
        village=village,
        action="portal.post_created",
        object_type="post",
        object_id=post.public_id,
        changes={"title": post.title, "kind": post.kind},
    )
    village_public_changed(village=village)
    return post


def post_update(*, actor: User, post: Post, data: dict[str, Any]) -> Post:
    values = _post_values(data)
    changes = model_update(instance=post, fields=list(values), data=values)
    if changes:
        audit_record(
            actor=actor,
            village=post.village,
            action="portal.post_updated",
            object_type="post",
            object_id=post.public_id,
            changes=changes.for_audit(),
        )
        village_public_changed(village=post.village)
    return post


# --- Complaints from the public -------------------------------------------------------------

PER_ADDRESS_PER_HOUR = 5
PER_VILLAGE_PER_HOUR = 60
PORTAL_DEVICE = "portal"


def _count(key: str) -> int:
    """Increments a per-hour counter (the cache's own expiry closes the window)."""
    if cache.add(key, 1, 3600):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, 3600)
        return 1


def public_complaint_submit(*, village: Village, data: dict[str, Any], address: str) -> Complaint:
    """A complaint typed on the public page: limited per address and per village per hour
    (a flood cannot bury the desk's queue), then the desk's own service, as from the kiosk."""
    hour = timezone.now().strftime("%Y%m%d%H")
    if _count(f"portal:complaint:addr:{address}:{hour}") > PER_ADDRESS_PER_HOUR:
        raise ApplicationError(
            _("Terlalu banyak pengaduan dari alamat Anda dalam satu jam. Silakan coba lagi nanti.")
        )
    if _count(f"portal:complaint:village:{village.pk}:{hour}") > PER_VILLAGE_PER_HOUR:
        raise ApplicationError(
            _(
                "Desa ini sedang menerima banyak pengaduan. Silakan coba lagi sejam lagi atau datang ke kantor desa."
            )
        )
    values = {k: clean_text(data.get(k)) for k in ("kind", "subject", "body", "name", "contact")}
    complaint, _created = complaint_submit(
        actor=None,
        village=village,
        data=values,
        device_id=PORTAL_DEVICE,
        submit_key=str(data.get("submit_key", "")),
    )
    return complaint
