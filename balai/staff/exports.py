"""The monthly attendance recap as a spreadsheet."""

from __future__ import annotations

from django.utils.translation import gettext as _

from balai.core import xlsx
from balai.regions.models import Village
from balai.staff.selectors import Recap


def attendance_recap_xlsx(*, recap: Recap, village: Village, month_label: str) -> bytes:
    title = _("Rekap kehadiran perangkat Desa %(name)s, %(month)s") % {
        "name": village.name,
        "month": month_label,
    }
    book = xlsx.Workbook(title=title, village=village, filters=[(_("Bulan"), month_label)])
    bold = book.style(bold=True)
    sheet = book.add_sheet(_("Rekap"))
    sheet.write(0, 0, title, bold)
    sheet.write(1, 0, _("Hari kerja: %(n)d") % {"n": len(recap.workdays)})
    header = [
        _("Nama"),
        _("Jabatan"),
        _("Hadir"),
        _("Terlambat"),
        _("Pulang awal"),
        _("Tanpa absen pulang"),
        _("Berhalangan"),
        _("Tidak hadir"),
    ]
    header += [str(d.day) for d in recap.dates]
    sheet.write_row(3, 0, header, bold)
    for r, row in enumerate(recap.rows, start=4):
        values = [
            row.official.name,
            row.official.position,
            row.present,
            row.late,
            row.early,
            row.no_checkout,
            row.excused,
            row.absent,
        ]
        sheet.write_row(r, 0, values + row.days)
    sheet.set_column(0, 1, 24)
    sheet.set_column(8, 8 + len(recap.dates), 3)
    sheet.write(
        len(recap.rows) + 5, 0, _(
            "H = hadir tepat waktu, T = terlambat, - = tidak hadir pada hari kerja; "
            "C = cuti, I = izin, S = sakit, D = dinas luar (disetujui)"
        )
    )
    return book.close()
