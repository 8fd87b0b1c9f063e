"""The district/regency aid coverage page as a report for `core.tabledownload` (XLSX and PDF
from one build): counts of families per village, never a name."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from balai.aid.coverage import VillageCounts
from balai.core import tablepdf

SOURCE = "Balai — penerima bantuan desa dan desil DTSEN sebagaimana diterima desa"


def regional_report(rows: list[VillageCounts], totals: dict[str, Any], *, area: str) -> tablepdf.Report:
    keys = (
        "families",
        "poor",
        "poor_reached",
        "poor_not_reached",
        "percent",
        "rich_reached",
        "reached",
        "no_decile",
    )
    return tablepdf.Report(
        title=_("Cakupan bantuan per desa — %(area)s") % {"area": area},
        subtitle=_("Jumlah keluarga saja, tanpa nama."),
        source=SOURCE,
        filters=[(_("Wilayah"), area)],
        landscape=True,
        tables=[
            tablepdf.Table(
                title=_("Per desa"),
                columns=[
                    _("Kode desa"),
                    _("Desa"),
                    _("Kecamatan"),
                    _("Keluarga"),
                    _("Desil 1–4"),
                    _("Terjangkau"),
                    _("Belum"),
                    "%",
                    _("Desil 7–10 menerima"),
                    _("Keluarga penerima"),
                    _("Tanpa desil"),
                ],
                rows=[
                    [r.village.code, r.village.name, r.village.district_name, *[getattr(r, k) for k in keys]]
                    for r in rows
                ]
                + [["", _("Jumlah"), "", *[totals[k] for k in keys]]],
                text_columns=3,
            )
        ],
    )
