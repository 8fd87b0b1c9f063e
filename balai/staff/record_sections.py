"""Staffing's sections on other apps' pages (balai/core/plugins.py): the kepala dusun of every
dusun on the village profile (/wilayah/, in people/regions, below staff), read from the kadus
posts and who holds them, so the profile never shows a typed name apart from the officials."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from balai.core.plugins import RecordSection
from balai.staff.selectors import dusun_heads


def dusun_heads_section(*, obj: Any, scope: Any) -> RecordSection | None:
    """`obj` is the village. Rows: (dusun id, holder's name or "" for a vacant post), one per
    dusun with a kadus post. The link leads to the organisation chart (where the decree that
    appoints a kepala dusun is recorded) when the user may open it."""
    rows = tuple((str(pk), name) for pk, name in dusun_heads(village=obj).items())
    return RecordSection(
        _("Kepala dusun"),
        rows=rows,
        link_url=reverse("staff:org_chart") if scope.can("staff.read") else "",
        link_label=_("Susunan organisasi"),
    )


SECTIONS = {"regions.dusuns": dusun_heads_section}
