"""The dashboard's tables as a report for `core.tabledownload` (XLSX and PDF from one build):
the regency/district overview, one village per dusun, and the officials' service performance."""

from __future__ import annotations

from django.utils.translation import gettext as _

from balai.core import tablepdf
from balai.core.dates import Period
from balai.dashboard.selectors import AGE_GROUPS, Counts, Overview, VillageBreakdown
from balai.dashboard.staff_performance import Performance

SOURCE = "Balai — register penduduk desa (penduduk hidup), dihitung saat diunduh"


def _count_columns() -> list[str]:
    return [
        _("Penduduk"),
        _("KK"),
        _("Laki-laki"),
        _("Perempuan"),
        *[str(label) for label, _lo, _hi in AGE_GROUPS],
        _("Umur tidak diketahui"),
    ]


def _counts(c: Counts) -> list[int]:
    return [c.residents, c.families, c.male_total, c.female_total, *c.groups, c.unknown_age]


def overview_report(data: Overview, *, area: str) -> tablepdf.Report:
    rows: list[list[object]] = []
    for d in data.districts:
        rows.append([_("Kecamatan %(name)s") % {"name": d.name}, "", *_counts(d.counts)])
        rows += [[f"  {v.name}", v.code, *_counts(v.counts)] for v in d.villages]
    rows.append([_("Jumlah"), "", *_counts(data.counts)])
    return tablepdf.Report(
        title=_("Ringkasan penduduk — %(area)s") % {"area": area},
        subtitle=_("Penduduk hidup; umur dihitung pada %(day)s") % {"day": data.today.strftime("%d-%m-%Y")},
        source=SOURCE,
        filters=[(_("Wilayah"), area)],
        landscape=True,
        tables=[
            tablepdf.Table(
                title=_("Per kecamatan dan desa"),
                columns=[_("Wilayah"), _("Kode desa"), *_count_columns()],
                rows=rows,
                text_columns=2,
                size=7.5,
            )
        ],
    )


def village_report(data: VillageBreakdown) -> tablepdf.Report:
    v = data.village
    rows: list[list[object]] = [[d.name, *_counts(d.counts)] for d in data.dusuns]
    rows.append([_("Jumlah"), *_counts(data.counts)])
    return tablepdf.Report(
        title=_("Ringkasan penduduk desa %(name)s") % {"name": v.name},
        subtitle=_("Kecamatan %(district)s · kode %(code)s · umur dihitung pada %(day)s")
        % {"district": v.district_name, "code": v.code, "day": data.today.strftime("%d-%m-%Y")},
        source=SOURCE,
        filters=[(_("Desa"), f"{v.name} ({v.code})")],
        landscape=True,
        tables=[
            tablepdf.Table(title=_("Per dusun"), columns=[_("Dusun"), *_count_columns()], rows=rows, size=7.5)
        ],
    )


def performance_report(rows: list[Performance], *, period: Period, village: str) -> tablepdf.Report:
    return tablepdf.Report(
        title=_("Kinerja layanan perangkat — %(month)s") % {"month": period.label},
        subtitle=village,
        source=_("Balai — surat, antrean layanan dan pengaduan desa; nilai tengah (median) per langkah"),
        filters=[(_("Desa"), village), (_("Bulan"), period.label)],
        landscape=True,
        tables=[
            tablepdf.Table(
                title=_("Per perangkat"),
                columns=[
                    _("Nama"),
                    _("Jabatan"),
                    _("Surat ditangani"),
                    _("Median jam s.d. terbit"),
                    _("Surat ditandatangani"),
                    _("Median jam s.d. tanda tangan"),
                    _("Antrean dilayani"),
                    _("Median menit layanan"),
                    _("Pengaduan dijawab"),
                    _("Median hari menjawab"),
                ],
                rows=[
                    [
                        r.official.name,
                        r.official.position,
                        r.letters_handled,
                        r.letters_median_h,
                        r.letters_signed,
                        r.signing_median_h,
                        r.tickets_served,
                        r.ticket_median_min,
                        r.complaints_answered,
                        r.complaint_median_d,
                    ]
                    for r in rows
                ],
                text_columns=2,
            )
        ],
    )
