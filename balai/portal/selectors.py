"""Reads of the public page: only what the law makes public (profile, officials' names and
positions, the operator's posts, services and their requirements, aggregate sections). No
resident's name, NIK or KK ever reaches these selectors' results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import QuerySet
from django.utils import timezone

from balai.core.plugins import PublicSection, collect
from balai.desk.models import Complaint, ServiceCategory
from balai.desk.services import normalize_tracking
from balai.letters.types import REGISTRY
from balai.portal.models import Post
from balai.regions.models import Village
from balai.regions.selectors import village_list
from balai.staff.selectors import officials_serving


def public_village(*, code: str) -> Village:
    """An active village of the deployment by its code; anything else is DoesNotExist (404)."""
    return village_list().get(code=code)


def public_stamp(*, code: str) -> dt.datetime | None:
    """When anything the village's front page shows last changed (None: no such active
    village). Two columns of one indexed row: the cheap check before a cached page."""
    return village_list().filter(code=code).values_list("updated_at", flat=True).first()


def officials(*, village: Village) -> list[tuple[str, str]]:
    """(name, position) of the village's officials: public by law (their office, not their data)."""
    return [(o.name, o.position) for o in officials_serving(village=village)]


def posts(*, village: Village, kind: str = "", limit: int | None = None) -> QuerySet[Post]:
    qs = Post.objects.filter(village=village, is_published=True, published_on__lte=timezone.localdate())
    if kind:
        qs = qs.filter(kind=kind)
    qs = qs.order_by("-published_on", "-pk")
    return qs[:limit] if limit else qs


def post_get(*, village: Village, public_id: str) -> Post:
    return posts(village=village).get(public_id=public_id)


# The operator's own list and a complaint's status page come right after a write (a redirect):
# they read the primary, as a replica may not have the new row yet (see core.db.replica).


def staff_posts(*, village: Village) -> QuerySet[Post]:
    return Post.objects.db_manager(DEFAULT_DB_ALIAS).filter(village=village).order_by("-published_on", "-pk")


def staff_post_get(*, village: Village, public_id: str) -> Post:
    return Post.objects.db_manager(DEFAULT_DB_ALIAS).get(village=village, public_id=public_id)


@dataclass
class Service:
    name: str
    requirements: tuple[str, ...]


def letter_services() -> list[Service]:
    return [Service(t.name, tuple(t.requirements)) for t in REGISTRY.values()]


def counter_services(*, village: Village) -> list[str]:
    return list(
        ServiceCategory.objects.filter(village=village, is_active=True).values_list("name", flat=True)
    )


@dataclass
class SectionLine:
    section: PublicSection
    summary: str | None


def sections(*, village: Village) -> list[SectionLine]:
    """Every domain's public section (`<app>/public.py`), with its one-line summary. A summary
    of None hides the section (nothing to show yet: no APBDes, no posyandu schedule), so a
    visitor is not sent to an empty page. A section whose summary fails is shown without one
    rather than taking the page down."""
    lines = []
    for section in sorted(collect("public", "PUBLIC_SECTIONS"), key=lambda s: (s.order, s.key)):
        summary: str | None = None
        if section.summary is not None:
            try:
                summary = section.summary(village)
            except Exception:  # noqa: BLE001 - another app's bug must not hide the village's page
                lines.append(SectionLine(section, None))
                continue
            if summary is None:
                continue
        lines.append(SectionLine(section, summary))
    return lines


def complaint_track(*, village: Village, number: str) -> Complaint:
    """A complaint by its tracking number (as printed, with or without the dash), in this village."""
    return Complaint.objects.db_manager(DEFAULT_DB_ALIAS).get(
        village=village, tracking_number=normalize_tracking(number)
    )


def profile(*, village: Village) -> dict[str, Any]:
    return {
        "name": village.name,
        "code": village.code,
        "district": village.district_name,
        "regency": village.regency_name,
        "province": village.province_name,
        "address": village.address,
        "postal_code": village.postal_code,
        "phone": village.phone,
        "email": village.email,
        "head_name": village.head_name,
        "logo": village.logo.url if village.logo else "",
        "is_kelurahan": village.is_kelurahan,
    }


def today() -> dt.date:
    return timezone.localdate()
