"""The Buku Agenda (Permendagri 47/2016, A.7) as plain data for the PDF: outgoing letters and
incoming letters, each with the book's columns. No rendering here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from balai.core.dates import MONTHS
from balai.letters.exports import disposition_text
from balai.letters.models import IncomingLetter, Letter
from balai.letters.text import date_id
from balai.regions.models import Village
from balai.staff.models import Official
from balai.staff.selectors import signatories

OUTGOING_COLUMNS = (
    ("No. urut", 12),
    ("Tanggal pengiriman", 24),
    ("Nomor surat", 52),
    ("Tanggal surat", 24),
    ("Ditujukan kepada", 48),
    ("Isi singkat", 60),
    ("Keterangan", 40),
)
INCOMING_COLUMNS = (
    ("No. agenda", 16),
    ("Tanggal penerimaan", 24),
    ("Nomor surat", 42),
    ("Tanggal surat", 22),
    ("Pengirim", 42),
    ("Isi singkat", 60),
    ("Disposisi / keterangan", 66),
)


def _d(day: Any) -> str:
    return day.strftime("%d-%m-%Y") if day else ""


def _head(village: Village, title: str, year: int, month: int | None, extra: str = "") -> dict[str, Any]:
    period = f"{MONTHS[month - 1]} {year}" if month else f"Tahun {year}"
    kades = next((o for o in signatories(village=village) if o.signs_as == Official.SignsAs.OWN), None)
    today = timezone.localdate()
    return {
        "title": title,
        "subtitle": " · ".join(p for p in (period, extra) if p),
        "kop": [
            f"Pemerintah {village.regency_name}",
            f"Kecamatan {village.district_name}",
            f"{'Kelurahan' if village.is_kelurahan else 'Desa'} {village.name}",
        ],
        "place_date": f"{village.name}, {date_id(today)}",
        "signer_position": f"Kepala Desa {village.name}",
        "signer_name": kades.name.upper() if kades else "",
    }


def outgoing_register_rows(
    *, village: Village, letters: Iterable[Letter], year: int, month: int | None, type_name: str = ""
) -> dict[str, Any]:
    rows = []
    for n, letter in enumerate(letters, start=1):
        note = letter.get_state_display()
        if letter.supersedes_id:
            note += f"; koreksi atas {letter.supersedes}"
        if replaced := getattr(letter, "replaced_by_number", None):
            note += f"; digantikan oleh {replaced}"
        rows.append(
            [
                str(n),
                _d(letter.issued_at and timezone.localtime(letter.issued_at).date()),
                letter.number,
                _d(letter.issued_on),
                letter.subject.name,
                letter.type_name,
                note,
            ]
        )
    return _head(village, "BUKU AGENDA SURAT KELUAR", year, month, type_name) | {
        "columns": [{"label": label, "width": width} for label, width in OUTGOING_COLUMNS],
        "rows": rows,
        "empty": "Belum ada surat keluar pada periode ini.",
    }


def incoming_register_rows(
    *, village: Village, rows: Iterable[IncomingLetter], year: int, month: int | None
) -> dict[str, Any]:
    out = []
    for incoming in rows:
        note = "\n".join(
            p for p in (disposition_text(incoming), incoming.get_status_display(), incoming.note) if p
        )
        summary = incoming.subject + (f"\n{incoming.summary}" if incoming.summary else "")
        out.append(
            [
                f"{incoming.agenda_number}",
                _d(incoming.received_on),
                incoming.letter_number,
                _d(incoming.letter_date),
                incoming.sender,
                summary,
                note,
            ]
        )
    return _head(village, "BUKU AGENDA SURAT MASUK", year, month) | {
        "columns": [{"label": label, "width": width} for label, width in INCOMING_COLUMNS],
        "rows": out,
        "empty": "Belum ada surat masuk pada periode ini.",
    }
