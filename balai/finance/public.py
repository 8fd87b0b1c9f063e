from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.core.plugins import PublicSection


def _summary(village: Any) -> str | None:
    from balai.finance.selectors import apbdes_spending

    # One LRA, not the whole infographic (`apbdes_summary`): the same figures, a third of the work.
    spending = apbdes_spending(village=village)
    if spending is None:
        return None
    year, realised, percent = spending
    spent = f"{realised:,}".replace(",", ".")
    return _("APBDes %(y)s: belanja terealisasi Rp%(s)s (%(p)d%%).") % {"y": year, "s": spent, "p": percent}


PUBLIC_SECTIONS = [
    PublicSection(
        key="keuangan",
        title=str(gettext_lazy("APBDes dan realisasinya")),
        url_name="finance_public:village",
        order=70,
        summary=_summary,
    )
]
