"""The district/regency page of children's schooling as a report for `core.tabledownload`
(XLSX and PDF from one build): counts per village, never a name."""

from __future__ import annotations

from django.utils.translation import gettext as _

from balai.core import tablepdf
from balai.education import rules
from balai.education.selectors import Counts, Regional

SOURCE = "Balai — data sekolah anak desa dan register penduduk (jumlah per desa, tanpa nama)"


def _cells(c: Counts) -> list[object]:
    return [
        c.children,
        c.in_school,
        c.out_of_school,
        c.out_rate,
        *c.reason_cells,
        c.at_risk,
        c.paud_children,
        c.paud_rate,
        c.pip_recipients,
    ]


def regional_report(data: Regional, *, area: str) -> tablepdf.Report:
    school_year = rules.school_year_of(data.day)
    year = f"{school_year}/{school_year + 1}"
    return tablepdf.Report(
        title=_("Pendidikan anak — %(area)s") % {"area": area},
        subtitle=_("Jumlah per desa, tanpa nama · umur pada %(day)s · tahun ajaran %(year)s")
        % {"day": data.day.strftime("%d-%m-%Y"), "year": year},
        as_of=data.computed_at,
        source=SOURCE,
        filters=[
            (_("Wilayah"), area),
            (_("Tanggal"), data.day.strftime("%d-%m-%Y")),
            (_("Tahun ajaran"), year),
        ],
        landscape=True,
        tables=[
            tablepdf.Table(
                title=_("Per desa"),
                columns=[
                    _("Kode desa"),
                    _("Desa"),
                    _("Kecamatan"),
                    _("Anak 7–18"),
                    _("Sekolah"),
                    _("ATS"),
                    _("% ATS"),
                    *[str(label) for _v, label in rules.Reason.choices],
                    _("Berisiko"),
                    _("PAUD 3–6"),
                    _("% PAUD"),
                    _("PIP"),
                ],
                rows=[[r.code, r.name, r.district_name, *_cells(r.counts)] for r in data.rows]
                + [["", _("Jumlah"), "", *_cells(data.total)]],
                text_columns=3,
                size=7,
            )
        ],
    )
