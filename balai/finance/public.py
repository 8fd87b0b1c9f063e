from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.core.plugins import PublicSection


def _summary(village: Any) -> str | None:
    from balai.finance.selectors import apbdes_summary

    summary = apbdes_summary(village=village)
    if summary is None:
        return None
    spent = f"{summary.spending_realised:,}".replace(",", ".")
    return _("APBDes %(y)s: belanja terealisasi Rp%(s)s (%(p)d%%).") % {
        "y": summary.year,
        "s": spent,
        "p": summary.spending_percent,
    }


PUBLIC_SECTIONS = [
    PublicSection(
        key="keuangan",
        title=str(gettext_lazy("APBDes dan realisasinya")),
        url_name="finance_public:village",
        order=70,
        summary=_summary,
    )
]
