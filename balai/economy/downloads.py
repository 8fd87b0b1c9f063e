"""The district/regency economy page as a report for `core.tabledownload` (XLSX and PDF from
one build): businesses per KBLI sector and village, the villages' potential per category and
the median staple prices of the last four weeks; counts only, no owner's name."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from balai.core import tablepdf

SOURCE = "Balai — usaha warga (UMKM), potensi desa dan harga bahan pokok yang dicatat desa"


def regional_report(context: dict[str, Any], *, area: str) -> tablepdf.Report:
    sectors = context["sectors"]
    return tablepdf.Report(
        title=_("Usaha warga (UMKM), potensi dan harga — %(area)s") % {"area": area},
        subtitle=_("Jumlah usaha aktif per desa; tanpa nama pemilik."),
        source=SOURCE,
        filters=[(_("Wilayah"), area)],
        landscape=True,
        tables=[
            tablepdf.Table(
                title=_("UMKM per sektor KBLI"),
                columns=[
                    _("Kode desa"),
                    _("Desa"),
                    _("Kecamatan"),
                    *[code for code, _l in sectors],
                    _("Jumlah"),
                ],
                rows=[
                    [
                        r["village"].code,
                        r["village"].name,
                        r["village"].district_name,
                        *r["cells"],
                        r["total"],
                    ]
                    for r in context["rows"]
                ]
                + [["", _("Jumlah"), "", *context["totals"], context["grand_total"]]],
                text_columns=3,
                size=7.5,
            ),
            tablepdf.Table(
                title=_("Sektor KBLI"),
                columns=[_("Kode"), _("Sektor")],
                rows=[[code, str(label)] for code, label in sectors],
                text_columns=2,
            ),
            tablepdf.Table(
                title=_("Potensi desa"),
                columns=[
                    _("Kode desa"),
                    _("Desa"),
                    _("Kecamatan"),
                    *[str(label) for _c, label in context["categories"]],
                ],
                rows=[
                    [r["village"].code, r["village"].name, r["village"].district_name, *r["cells"]]
                    for r in context["potential_rows"]
                ],
                text_columns=3,
                size=7.5,
            ),
            tablepdf.Table(
                title=_("Harga bahan pokok (4 minggu terakhir)"),
                columns=[_("Komoditas"), _("Harga tengah (Rp)"), _("Desa melapor")],
                rows=[[name, median, n] for name, median, n in context["prices"]],
            ),
        ],
    )
