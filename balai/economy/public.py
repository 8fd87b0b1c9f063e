from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from balai.core.plugins import PublicSection
from balai.economy.models import Business, Potential


def _businesses_summary(village: Any) -> str | None:
    n = Business.objects.filter(village=village, is_active=True, listed=True).count()
    return _("%(n)s usaha warga dengan produknya.") % {"n": n} if n else None


def _potential_summary(village: Any) -> str | None:
    n = Potential.objects.filter(village=village).count()
    return _("%(n)s potensi ekonomi tercatat, dan harga pasar mingguan.") % {"n": n} if n else None


PUBLIC_SECTIONS = [
    PublicSection(
        key="usaha",
        title=cast(str, _lazy("Usaha warga (UMKM)")),
        url_name="economy_public:businesses",
        order=80,
        summary=_businesses_summary,
    ),
    PublicSection(
        key="potensi",
        title=cast(str, _lazy("Potensi desa dan harga pasar")),
        url_name="economy_public:potential",
        order=81,
        summary=_potential_summary,
    ),
]
