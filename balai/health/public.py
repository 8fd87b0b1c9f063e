"""The posyandu schedule on a village's public page: read from the posyandu themselves."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from balai.core.plugins import PublicSection

# The front page names this many posyandu; the section's own page lists them all.
ON_FRONT_PAGE = 3


def _summary(village: Any) -> str | None:
    from balai.health.selectors import posyandu_schedule

    rows = [r for r in posyandu_schedule(village=village) if r.schedule]
    if not rows:
        return None
    parts = [
        f"{r.name}{f' (Dusun {r.dusun_label})' if r.dusun else ''}: {r.schedule[:1].lower()}{r.schedule[1:]}"
        for r in rows[:ON_FRONT_PAGE]
    ]
    more = len(rows) - ON_FRONT_PAGE
    line = "; ".join(parts)
    return line + (_("; dan %(n)s posyandu lainnya.") % {"n": more} if more > 0 else ".")


PUBLIC_SECTIONS = [
    PublicSection(
        key="posyandu",
        title=cast(str, _lazy("Jadwal posyandu")),
        url_name="health_public:schedule",
        order=50,
        summary=_summary,
    )
]
