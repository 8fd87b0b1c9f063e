"""Letter numbers: one locked counter row per sequence, inside the issuing transaction.

The counter row is incremented by one UPDATE … RETURNING, which locks it until commit
(PostgreSQL); SQLite takes the database write lock at BEGIN (the settings' IMMEDIATE
transactions), so two issuers never get the same `last_number`, and a failed issue rolls
its increment back: numbers stay gapless.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from balai.letters.models import DEFAULT_NUMBER_FORMAT, LetterCounter, LetterSettings
from balai.letters.text import ROMAN_MONTHS
from balai.regions.models import Village

TOKEN = re.compile(r"\[([a-z_]+)(?:,\s*(\d+))?\]")
KNOWN = {"kode", "nomor", "kode_desa", "bulan_romawi", "bulan", "tahun"}


def settings_for(village: Village) -> LetterSettings:
    found = LetterSettings.objects.filter(village=village).first()
    return found if found is not None else LetterSettings(village=village)


def check_format(fmt: str) -> None:
    unknown = sorted({m.group(1) for m in TOKEN.finditer(fmt)} - KNOWN)
    if unknown:
        raise ValidationError({"number_format": f"Kode tidak dikenal: {', '.join(unknown)}."})
    if "[nomor" not in fmt:
        raise ValidationError({"number_format": "Format nomor harus memuat [nomor]."})


def format_number(fmt: str, *, code: str, sequence: int, village_code: str, day: dt.date) -> str:
    def one(m: re.Match[str]) -> str:
        name, width = m.group(1), int(m.group(2) or 0)
        if name == "nomor":
            return str(sequence).zfill(width)
        return {
            "kode": code,
            "kode_desa": village_code,
            "bulan_romawi": ROMAN_MONTHS[day.month - 1],
            "bulan": f"{day.month:02d}",
            "tahun": str(day.year),
        }[name]

    return TOKEN.sub(one, fmt or DEFAULT_NUMBER_FORMAT)


def next_sequence(*, village: Village, year: int, type_code: str, count: int = 1) -> int:
    """Take the next number of a sequence (or the next `count` numbers at once, e.g. for
    the demo's letters; returns the last). Must run inside the issuing transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_sequence must run inside the issuing transaction")
    # One statement: the UPDATE locks the row (PostgreSQL queues the next issuer on it) and
    # RETURNING gives the number taken (SQLite 3.35+, PostgreSQL).
    q = connection.ops.quote_name
    sql = (
        f"UPDATE {q(LetterCounter._meta.db_table)} SET {q('last_number')} = {q('last_number')} + %s "
        f"WHERE {q('village_id')} = %s AND {q('year')} = %s AND {q('type_code')} = %s "
        f"RETURNING {q('last_number')}"
    )
    params: list[int | str] = [count, village.pk, year, type_code]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            try:
                with transaction.atomic():
                    LetterCounter.objects.create(village=village, year=year, type_code=type_code)
            except IntegrityError:
                pass  # created concurrently: the UPDATE below waits for the winner's row
            cursor.execute(sql, params)
            row = cursor.fetchone()
    return int(row[0])
