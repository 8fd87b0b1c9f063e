"""Isolation entries for the public village pages and the operator's posts.

The public pages are for anyone and name the village in the path: checked here as `Public`
with a village code that exists nowhere; what they may show (no resident's name, NIK or KK)
is tested in `test_portal.py` and `tests/test_public_pages.py` on every public URL."""

from __future__ import annotations

from typing import Any

from balai.portal import services
from balai.portal.models import Post
from tests.isolation_checks import Listing, Obj, Public

NO_VILLAGE = (("village_code", "99.99.99.9999"),)

UI_CHECKS = {
    "portal:home": Public("the village's public page", NO_VILLAGE),
    "portal:posts": Public("the village's public news", NO_VILLAGE),
    "portal:post": Public("one public post", (*NO_VILLAGE, ("public_id", "tidakada23456789"))),
    "portal:complaint": Public("public complaint form", NO_VILLAGE),
    "portal:complaint_track": Public("public complaint tracking", NO_VILLAGE),
    "portal:complaint_status": Public(
        "one complaint by tracking number", (*NO_VILLAGE, ("number", "tidakada23"))
    ),
    "portal:manage": Listing(),
    "portal:manage_edit": Obj({"public_id": "portal_post"}),
}

MISSING = {"portal_post": "tidakada23456789"}


def populate(*, village, operator, family, resident, tag: str) -> dict[str, Any]:
    post = services.post_create(
        actor=operator, village=village, data={"title": f"PENGUMUMAN {tag}", "body": f"ISI PENGUMUMAN {tag}"}
    )
    return {"portal_post": post.public_id}


def markers(village) -> list[str]:
    found: list[str] = []
    for row in Post.objects.filter(village=village).values_list("public_id", "title", "body"):
        found += list(row)
    return found


def fingerprint(village) -> dict[str, Any]:
    return {
        "posts": list(
            Post.objects.filter(village=village)
            .order_by("pk")
            .values_list("pk", "title", "body", "is_published")
        )
    }


UI_CHECKS["portal:letter_track"] = Public(
    "letter tracking form; redirects to the letters' status page", NO_VILLAGE
)
