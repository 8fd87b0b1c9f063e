"""Buku Agenda surat keluar (Permendagri 47/2016) as a spreadsheet."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from balai.core import xlsx
from balai.core.dates import MONTHS
from balai.letters.models import IncomingLetter, Letter
from balai.letters.types import REGISTRY

if TYPE_CHECKING:
    from balai.regions.models import Village

COLUMNS = (
    ("No. urut", 8),
    ("Nomor surat", 34),
    ("Tanggal surat", 14),
    ("Ditujukan kepada", 30),
    ("Isi singkat / jenis surat", 34),
    ("Penanda tangan", 26),
    ("Keterangan", 18),
)


def register_filters(
    *, year: int, month: int | None, type_code: str = "", status: str = "", query: str = ""
) -> list[tuple[str, str]]:
    """The filters of a register export, as the file's notes show them."""
    shown = [(_("Tahun"), str(year)), (_("Bulan"), MONTHS[month - 1] if month else _("semua"))]
    if type_code:
        letter_type = REGISTRY.get(type_code)
        shown.append((_("Jenis surat"), letter_type.name if letter_type else type_code))
    if status:
        shown.append((_("Status"), str(dict(IncomingLetter.Status.choices).get(status, status))))
    if query:
        shown.append((_("Pencarian"), query))
    return shown


def _register_book(
    *,
    title: str,
    village: Village | None,
    filters: xlsx.Filters,
    sheet_name: str,
    columns: tuple[tuple[str, int], ...],
) -> tuple[xlsx.Workbook, xlsx.Sheet, xlsx.TableStyles]:
    """A register's workbook: its title on top, the column heads on row 3."""
    book = xlsx.Workbook(title=title, village=village, filters=filters)
    sheet = book.add_sheet(sheet_name)
    styles = book.table_styles()
    sheet.write(0, 0, title, styles.title)
    sheet.write_header(2, columns, styles.head)
    return book, sheet, styles


def register_xlsx(
    letters: Iterable[Letter], *, title: str, village: Village | None = None, filters: xlsx.Filters = ()
) -> bytes:
    book, sheet, styles = _register_book(
        title=title, village=village, filters=filters, sheet_name="Agenda surat keluar", columns=COLUMNS
    )
    cell, day = styles.cell, styles.date
    row = 2
    for row, letter in enumerate(letters, start=3):
        keterangan = letter.get_state_display()
        if letter.supersedes_id:
            keterangan += f"; koreksi atas {letter.supersedes}"
        if replaced := getattr(letter, "replaced_by_number", None):
            keterangan += f"; digantikan oleh {replaced}"
        sheet.write(row, 0, row - 2, cell)
        sheet.write(row, 1, letter.number, cell)
        if letter.issued_on:
            sheet.write(row, 2, letter.issued_on, day)
        sheet.write(row, 3, letter.subject.name, cell)
        sheet.write(row, 4, letter.type_name, cell)
        sheet.write(row, 5, letter.signer.name if letter.signer else "", cell)
        sheet.write(row, 6, keterangan, cell)
    sheet.freeze_panes(3, 0)
    return book.close()


INCOMING_COLUMNS = (
    ("No. agenda", 10),
    ("Tanggal diterima", 14),
    ("Nomor surat", 28),
    ("Tanggal surat", 14),
    ("Pengirim", 30),
    ("Perihal / isi singkat", 40),
    ("Disposisi", 40),
    ("Keterangan", 20),
)


def disposition_text(incoming: IncomingLetter) -> str:
    return "\n".join(
        f"{d.to_official.name}: {d.instruction}"
        + (f" (s.d. {d.due_on:%d-%m-%Y})" if d.due_on else "")
        + f" — {d.get_status_display()}"
        for d in incoming.dispositions.all()
    )


def incoming_xlsx(
    rows: Iterable[IncomingLetter], *, title: str, village: Village | None = None, filters: xlsx.Filters = ()
) -> bytes:
    book, sheet, styles = _register_book(
        title=title,
        village=village,
        filters=filters,
        sheet_name="Agenda surat masuk",
        columns=INCOMING_COLUMNS,
    )
    cell, day = styles.cell, styles.date
    for row, incoming in enumerate(rows, start=3):
        sheet.write(row, 0, f"{incoming.agenda_number}/{incoming.year}", cell)
        sheet.write(row, 1, incoming.received_on, day)
        sheet.write(row, 2, incoming.letter_number, cell)
        sheet.write(row, 3, incoming.letter_date, day)
        sheet.write(row, 4, incoming.sender, cell)
        summary = incoming.subject + (f"\n{incoming.summary}" if incoming.summary else "")
        sheet.write(row, 5, summary, cell)
        sheet.write(row, 6, disposition_text(incoming), cell)
        sheet.write(row, 7, " · ".join(p for p in (incoming.get_status_display(), incoming.note) if p), cell)
    sheet.freeze_panes(3, 0)
    return book.close()
