"""The aid section of a village's public page: only the programmes the village chose to open."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from balai.aid.models import Programme
from balai.core.plugins import PublicSection


def _summary(village: Any) -> str | None:
    n = Programme.objects.filter(village=village).exclude(privacy=Programme.Privacy.PRIVATE).count()
    if not n:
        return None
    return _("%(n)s program bantuan dibuka untuk warga: jumlah penerima per program.") % {"n": n}


PUBLIC_SECTIONS = [
    PublicSection(
        key="bantuan",
        title=cast(str, _lazy("Bantuan sosial")),
        url_name="aid:public_programmes",
        order=60,
        summary=_summary,
    )
]
