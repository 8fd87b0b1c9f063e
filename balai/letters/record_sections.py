"""Letters' sections on other apps' pages (balai/core/plugins.py): the appointed ketua RT of
every RT on the village profile (/wilayah/, in people/regions, below letters), so the profile
shows the one source of truth (RtHead) instead of only the free-text name OpenSID imported."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from balai.core.plugins import RecordSection
from balai.letters.models import RtHead


def rt_heads_section(*, obj: Any, scope: Any) -> RecordSection | None:
    """`obj` is the village. Rows: (RT public id, the appointed head's name), one per RT that
    has a current head (one query). The link leads to the RT-heads page when the user may open it."""
    heads = RtHead.objects.filter(village=obj, ended_at__isnull=True).select_related("rt", "resident", "user")
    rows = tuple((h.rt.public_id, h.resident.name if h.resident else h.user.get_full_name()) for h in heads)
    may_open = scope.can("letters.rt_heads")
    return RecordSection(
        _("Ketua RT"),
        rows=rows,
        link_url=reverse("letters:rt_heads") if may_open else "",
        link_label=_("Ketua RT (pengguna)"),
    )


SECTIONS = {"regions.rts": rt_heads_section}
