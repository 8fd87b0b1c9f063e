"""The monthly attendance recap as a spreadsheet."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from balai.core import xlsx
from balai.regions.models import Village
from balai.staff.selectors import AparatRow, Recap, VillageStaffing


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
        _("Dilaporkan warga"),
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
            row.reports,
        ]
        # A day a resident reported the official absent at the kiosk carries "!", as on screen.
        days = [f"{cell}!" if flagged else cell for cell, flagged in row.cells]
        sheet.write_row(r, 0, values + days)
    sheet.set_column(0, 1, 24)
    sheet.set_column(9, 9 + len(recap.dates), 3)
    sheet.write(
        len(recap.rows) + 5,
        0,
        _(
            "H = hadir tepat waktu, T = terlambat, - = tidak hadir pada hari kerja; "
            "C = cuti, I = izin, S = sakit, D = dinas luar (disetujui); "
            "! = warga melaporkan perangkat tidak di kantor pada hari itu"
        ),
    )
    return book.close()


def _d(day: Any) -> str:
    return day.strftime("%d-%m-%Y") if day else ""


def _sk(decree: Any) -> str:
    return f"{decree.number}, {_d(decree.date)}" if decree is not None else ""


def buku_aparat_xlsx(*, rows: list[AparatRow], village: Village) -> bytes:
    """Buku Aparat Pemerintah Desa (Permendagri 47/2016, model A4)."""
    title = _("Buku Aparat Pemerintah Desa %(name)s") % {"name": village.name}
    book = xlsx.Workbook(title=title, village=village)
    bold = book.style(bold=True)
    sheet = book.add_sheet(_("A4 Aparat"))
    sheet.write(0, 0, title, bold)
    header = [
        _("No"),
        _("Nama"),
        _("NIAP/NIPD"),
        _("NIP"),
        _("Jenis kelamin"),
        _("Tempat, tanggal lahir"),
        _("Agama"),
        _("Pangkat/golongan"),
        _("Jabatan"),
        _("Pendidikan terakhir"),
        _("Nomor dan tanggal keputusan pengangkatan"),
        _("Nomor dan tanggal keputusan pemberhentian"),
        _("Keterangan"),
    ]
    sheet.write_row(2, 0, header, bold)
    for n, row in enumerate(rows, start=1):
        p = row.profile
        birth = ", ".join(x for x in ((p.birth_place if p else ""), _d(p.birth_date if p else None)) if x)
        sheet.write_row(
            2 + n,
            0,
            [
                n,
                row.official.name,
                row.official.nipd,
                row.official.nip,
                p.get_sex_display() if p and p.sex else "",
                birth,
                p.religion if p else "",
                p.rank if p else "",
                row.official.position,
                p.education if p else "",
                _sk(row.appointment),
                _sk(row.dismissal),
                "" if row.official.is_active else _("Tidak menjabat"),
            ],
        )
    sheet.set_column(1, 1, 28)
    sheet.set_column(8, 11, 26)
    return book.close()


def buku_keputusan_xlsx(*, decrees: list[Any], village: Village, year: int) -> bytes:
    """Buku Keputusan Kepala Desa (Permendagri 47/2016, model A2), for the decrees on officials."""
    title = _("Buku Keputusan Kepala Desa %(name)s tahun %(year)d") % {"name": village.name, "year": year}
    book = xlsx.Workbook(title=title, village=village, filters=[(_("Tahun"), str(year))])
    bold = book.style(bold=True)
    sheet = book.add_sheet(_("A2 Keputusan"))
    sheet.write(0, 0, title, bold)
    header = [
        _("No"),
        _("Nomor dan tanggal keputusan"),
        _("Tentang"),
        _("Uraian singkat"),
        _("Penanda tangan"),
        _("Keterangan"),
    ]
    sheet.write_row(2, 0, header, bold)
    for n, d in enumerate(decrees, start=1):
        summary = f"{d.get_kind_display()} {d.official.name} — {d.position_title}"
        sheet.write_row(2 + n, 0, [n, _sk(d), d.subject, summary, d.signer, d.note])
    sheet.set_column(1, 3, 32)
    return book.close()


def staffing_regional_xlsx(*, data: list[VillageStaffing], today: Any) -> bytes:
    title = _("Kepegawaian desa per %(day)s") % {"day": _d(today)}
    book = xlsx.Workbook(title=title)
    bold = book.style(bold=True)
    sheet = book.add_sheet(_("Per desa"))
    sheet.write(0, 0, title, bold)
    header = [
        _("Kode desa"),
        _("Desa"),
        _("Kecamatan"),
        _("Jabatan"),
        _("Terisi"),
        _("Lowong"),
        _("Plt./Pj."),
        _("Masa jabatan berakhir ≤ 6 bulan"),
        _("Kehadiran bulan ini (%)"),
        _("Hari cuti/izin/dinas (tidak dihitung)"),
    ]
    sheet.write_row(2, 0, header, bold)
    for r, row in enumerate(data, start=3):
        sheet.write_row(
            r,
            0,
            [
                row.code,
                row.name,
                row.district_name,
                row.positions,
                row.filled,
                row.vacant,
                row.acting,
                len(row.ending or []),
                row.attendance_rate if row.attendance_rate is not None else "",
                row.excused_days,
            ],
        )
    ending = book.add_sheet(_("Masa jabatan berakhir"))
    ending.write_row(0, 0, [_("Desa"), _("Nama"), _("Jabatan"), _("Berakhir"), _("Dasar")], bold)
    r = 1
    for row in data:
        for w in row.ending or []:
            ending.write_row(r, 0, [row.name, w.name, w.position, _d(w.ends_on), w.rule])
            r += 1
    return book.close()
