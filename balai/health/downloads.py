"""The district/regency page of toddlers' health as a report for `core.tabledownload` (XLSX and
PDF from one build): the per-village table exactly as shown (small counts suppressed) and the
12-month trend of the chart as numbers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from balai.core import tablepdf
from balai.core.dates import Period
from balai.health import reports

SOURCE = "Balai — penimbangan dan pengukuran posyandu desa (agregat, angka kecil disamarkan)"
KEYS = ("S", "D", "d_s", "n_d", "measured", "stunted", "stunting", "wasting", "underweight")


def _cells(r: dict[str, Any]) -> list[Any]:
    return [r["name"], r.get("reporting") or ("" if r.get("reported", True) else _("belum lapor"))] + [
        r[k] for k in KEYS
    ]


def regional_report(data: dict[str, Any], *, period: Period, villages: int, area: str) -> tablepdf.Report:
    rows: list[list[Any]] = []
    for d in data["districts"]:
        head = d["row"]
        rows.append([_("Kec. %(name)s") % {"name": head["name"]}, *_cells(head)[1:]])
        rows += [[f"  {r['name']}", *_cells(r)[1:]] for r in d["villages"]]
    rows.append(_cells(data["total"]))
    trend = [
        [p.month.label, p.value.stunting, p.value.wasting, p.value.underweight_rate] for p in data["trend"]
    ]
    return tablepdf.Report(
        title=_("Kesehatan balita — %(area)s, %(month)s") % {"area": area, "month": period.label},
        subtitle=_("Hanya angka agregat; jumlah di bawah %(n)d anak per desa disamarkan.")
        % {"n": reports.SUPPRESS_BELOW},
        source=SOURCE,
        filters=[(_("Wilayah"), area), (_("Bulan"), period.label), (_("Desa dalam wilayah"), str(villages))],
        landscape=True,
        tables=[
            tablepdf.Table(
                title=_("Cakupan penimbangan dan prevalensi per desa"),
                columns=[
                    _("Wilayah"),
                    _("Desa melapor"),
                    "S",
                    "D",
                    "D/S",
                    "N/D",
                    _("Diukur (TB/U)"),
                    _("Stunting"),
                    _("Stunting (%)"),
                    _("Wasting (%)"),
                    _("Underweight (%)"),
                ],
                rows=rows,
                text_columns=2,
                size=7.5,
            ),
            tablepdf.Table(
                title=_("Tren 12 bulan (%)"),
                columns=[_("Bulan"), _("Stunting (%)"), _("Wasting (%)"), _("Underweight (%)")],
                rows=trend,
            ),
        ],
    )
