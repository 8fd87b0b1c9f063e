"""Buku Agenda surat keluar (Permendagri 47/2016) as a spreadsheet."""

from __future__ import annotations

import io
from collections.abc import Iterable

import xlsxwriter

from balai.letters.models import IncomingLetter, Letter

COLUMNS = (
    ("No. urut", 8),
    ("Nomor surat", 34),
    ("Tanggal surat", 14),
    ("Ditujukan kepada", 30),
    ("Isi singkat / jenis surat", 34),
    ("Penanda tangan", 26),
    ("Keterangan", 18),
)


def register_xlsx(letters: Iterable[Letter], *, title: str) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Agenda surat keluar")
    bold = book.add_format({"bold": True, "border": 1, "bg_color": "#EEEEEE", "text_wrap": True})
    cell = book.add_format({"border": 1, "valign": "top", "text_wrap": True})
    day = book.add_format({"border": 1, "valign": "top", "num_format": "dd-mm-yyyy"})
    sheet.write(0, 0, title, book.add_format({"bold": True, "font_size": 13}))
    for col, (label, width) in enumerate(COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write(2, col, label, bold)
    row = 2
    for row, letter in enumerate(letters, start=3):
        keterangan = letter.get_state_display()
        if letter.supersedes_id:
            keterangan += f"; koreksi atas {letter.supersedes}"
        if replaced := getattr(letter, "replaced_by_number", None):
            keterangan += f"; digantikan oleh {replaced}"
        sheet.write_number(row, 0, row - 2, cell)
        sheet.write_string(row, 1, letter.number, cell)
        if letter.issued_on:
            sheet.write_datetime(row, 2, letter.issued_on, day)
        sheet.write_string(row, 3, letter.subject.name, cell)
        sheet.write_string(row, 4, letter.type_name, cell)
        sheet.write_string(row, 5, letter.signer.name if letter.signer else "", cell)
        sheet.write_string(row, 6, keterangan, cell)
    sheet.freeze_panes(3, 0)
    book.close()
    return out.getvalue()


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


def incoming_xlsx(rows: Iterable[IncomingLetter], *, title: str) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Agenda surat masuk")
    bold = book.add_format({"bold": True, "border": 1, "bg_color": "#EEEEEE", "text_wrap": True})
    cell = book.add_format({"border": 1, "valign": "top", "text_wrap": True})
    day = book.add_format({"border": 1, "valign": "top", "num_format": "dd-mm-yyyy"})
    sheet.write(0, 0, title, book.add_format({"bold": True, "font_size": 13}))
    for col, (label, width) in enumerate(INCOMING_COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write(2, col, label, bold)
    for row, incoming in enumerate(rows, start=3):
        sheet.write_string(row, 0, f"{incoming.agenda_number}/{incoming.year}", cell)
        sheet.write_datetime(row, 1, incoming.received_on, day)
        sheet.write_string(row, 2, incoming.letter_number, cell)
        sheet.write_datetime(row, 3, incoming.letter_date, day)
        sheet.write_string(row, 4, incoming.sender, cell)
        summary = incoming.subject + (f"\n{incoming.summary}" if incoming.summary else "")
        sheet.write_string(row, 5, summary, cell)
        sheet.write_string(row, 6, disposition_text(incoming), cell)
        sheet.write_string(
            row, 7, " · ".join(p for p in (incoming.get_status_display(), incoming.note) if p), cell
        )
    sheet.freeze_panes(3, 0)
    book.close()
    return out.getvalue()
