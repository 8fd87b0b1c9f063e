"""The people's regional pages as a report for `core.tabledownload` (XLSX and PDF from one
build): the population statistics of the district/regency and the data-quality ranking."""

from __future__ import annotations

from django.utils.translation import gettext as _

from balai.core import tablepdf
from balai.people import statistics
from balai.people.quality import Quality

SOURCE = "Balai — register penduduk desa, dihitung saat diunduh"


def statistics_report(
    *, area: str, table: statistics.CategoryTable, by_village: statistics.VillageCategoryTable
) -> tablepdf.Report:
    label = str(table.category.label)
    totals = by_village.totals()
    return tablepdf.Report(
        title=_("Statistik penduduk: %(c)s") % {"c": label},
        subtitle=area,
        source=SOURCE,
        filters=[(_("Kategori"), label), (_("Wilayah"), area)],
        landscape=len(by_village.columns) > 6,
        tables=[
            tablepdf.Table(
                title=label,
                columns=[_("Kelompok"), "L", "P", "L+P"],
                rows=[[lbl, m, f, m + f] for lbl, m, f in table.rows]
                + [
                    [_("Jumlah"), table.total_male, table.total_female, table.total_male + table.total_female]
                ],
            ),
            tablepdf.Table(
                title=_("Per desa (L+P)"),
                columns=[_("Desa"), _("Kecamatan"), *by_village.columns, _("Jumlah")],
                rows=[[v.name, v.district_name, *values, sum(values)] for v, values in by_village.rows]
                + [[_("Jumlah"), "", *totals, sum(totals)]],
                text_columns=2,
                size=7.5,
            ),
        ],
    )


def quality_report(*, area: str, ranking: list[Quality]) -> tablepdf.Report:
    return tablepdf.Report(
        title=_("Mutu data kependudukan per desa"),
        subtitle=area,
        source=SOURCE,
        filters=[(_("Wilayah"), area)],
        landscape=True,
        tables=[
            tablepdf.Table(
                title=_("Peringkat desa"),
                columns=[
                    "#",
                    _("Kode desa"),
                    _("Desa"),
                    _("Kecamatan"),
                    _("Skor"),
                    _("Kelengkapan (%)"),
                    _("Penduduk"),
                    _("NIK sementara"),
                    _("Tanpa KK"),
                    _("KK tanpa kepala"),
                    _("Usang"),
                    _("Kemungkinan ganda"),
                ],
                rows=[
                    [
                        str(n),
                        getattr(q.village, "code", ""),
                        getattr(q.village, "name", ""),
                        getattr(q.village, "district_name", ""),
                        q.score,
                        round(q.completeness * 100),
                        q.residents,
                        q.temporary_nik,
                        q.no_family,
                        q.families_without_head,
                        q.stale,
                        q.duplicates,
                    ]
                    for n, q in enumerate(ranking, start=1)
                ],
                text_columns=4,
            )
        ],
    )
