"""Letter numbers: one locked counter row per sequence, inside the issuing transaction.

The counter row is incremented by one UPDATE … RETURNING, which locks it until commit
(PostgreSQL); SQLite takes the database write lock at BEGIN (the settings' IMMEDIATE
transactions), so two issuers never get the same `last_number`, and a failed issue rolls
its increment back: numbers stay gapless.

Sequences: one per village and year (counter key ""), or with `per_type_sequence` one per
classification code, the `[kode]` printed in the number (key "kode:474"): types sharing a
code share its sequence, so their numbers cannot collide. Rows keyed by a type code were
written before that and are no longer used.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, QuerySet

from balai.letters.models import DEFAULT_NUMBER_FORMAT, Letter, LetterCounter, LetterSettings
from balai.letters.text import ROMAN_MONTHS
from balai.letters.types import REGISTRY
from balai.regions.models import Village

TOKEN = re.compile(r"\[([a-z_]+)(?:,\s*(\d+))?\]")
KNOWN = {"kode", "nomor", "kode_desa", "bulan_romawi", "bulan", "tahun"}
KNOWN_LIST = "[kode], [nomor,3], [kode_desa], [bulan_romawi], [bulan], [tahun]"
GROUP = re.compile(r"\[[^\[\]]*\]")
NUMBER_TOKEN = re.compile(r"\[nomor(?:,\s*[1-6])?\]")
CODE_KEY = "kode:"


def settings_for(village: Village) -> LetterSettings:
    found = LetterSettings.objects.filter(village=village).first()
    return found if found is not None else LetterSettings(village=village)


def check_format(fmt: str, *, per_type_sequence: bool = False) -> None:
    """Refuse a format that would print brackets literally or could repeat a number."""
    groups = GROUP.findall(fmt)
    problems = []
    unknown = [g for g in groups if not g.startswith("[nomor") and g[1:-1] not in KNOWN]
    if unknown:
        problems.append(
            f"Format nomor: bagian tidak dikenal {', '.join(unknown)}; yang dikenal: {KNOWN_LIST}."
        )
    bad_number = [g for g in groups if g.startswith("[nomor") and NUMBER_TOKEN.fullmatch(g) is None]
    if bad_number:
        problems.append(
            f"Format nomor: {', '.join(bad_number)} tidak sah; tulis [nomor] atau [nomor,N] "
            "dengan N 1–6 (jumlah digit)."
        )
    rest = GROUP.sub("", fmt)
    if "[" in rest or "]" in rest:
        problems.append("Format nomor: ada kurung siku [ atau ] tanpa pasangan.")
    if len(NUMBER_TOKEN.findall(fmt)) != 1 and not bad_number:
        problems.append("Format nomor harus memuat tepat satu [nomor] atau [nomor,N].")
    if "[tahun]" not in groups:
        problems.append("Format nomor harus memuat [tahun]: nomor urut dimulai lagi setiap tahun.")
    if per_type_sequence and "[kode]" not in groups:
        problems.append(
            "Dengan nomor urut terpisah untuk tiap jenis surat, format nomor harus memuat [kode]; "
            "tanpa itu nomor jenis surat yang berbeda bisa sama."
        )
    if problems:
        raise ValidationError({"number_format": problems})


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


def sequence_key(*, per_type_sequence: bool, classification: str) -> str:
    """The counter row (`LetterCounter.type_code`) a letter of this classification takes its number from."""
    return CODE_KEY + classification if per_type_sequence else ""


def _issued(village: Village, year: int) -> QuerySet[Letter]:
    return Letter.objects.filter(village=village, year=year).exclude(number="")


def _highest_issued(village: Village, year: int, key: str) -> int:
    """The highest sequence issued this year within a counter's scope: where a new counter
    row starts, so a sequence begun mid-year (or a per-type row of before) continues."""
    letters = _issued(village, year)
    if key.startswith(CODE_KEY):
        code = key.removeprefix(CODE_KEY)
        letters = letters.filter(
            type_code__in=[t.code for t in REGISTRY.values() if t.classification == code]
        )
    elif key != "":
        return 0
    return int(letters.aggregate(top=Max("sequence"))["top"] or 0)


def counters_catch_up(*, village: Village, year: int, per_type_sequence: bool) -> None:
    """Bring the counters of a numbering mode up to the highest sequence issued this year in
    their scope. Called in the transaction that switches the mode: the other mode's letters
    took numbers these counters did not count."""
    issued = _issued(village, year)
    floors: dict[str, int] = {}
    if per_type_sequence:
        tops = issued.order_by().values_list("type_code").annotate(top=Max("sequence"))
        for type_code, top in tops:
            letter_type = REGISTRY.get(type_code)
            if letter_type is not None and top:
                key = sequence_key(per_type_sequence=True, classification=letter_type.classification)
                floors[key] = max(floors.get(key, 0), top)
    else:
        top = issued.aggregate(top=Max("sequence"))["top"]
        if top:
            floors[""] = top
    for key, floor in floors.items():
        counter, created = LetterCounter.objects.get_or_create(
            village=village, year=year, type_code=key, defaults={"last_number": floor}
        )
        if not created:
            LetterCounter.objects.filter(pk=counter.pk, last_number__lt=floor).update(last_number=floor)


def letter_number(
    *, village: Village, prefs: LetterSettings, classification: str, day: dt.date
) -> tuple[int, str]:
    """The next sequence and number for a letter issued on `day`. Must run inside the
    issuing transaction."""
    fmt = prefs.number_format
    try:
        check_format(fmt, per_type_sequence=prefs.per_type_sequence)
    except ValidationError:
        # Saved before the check existed: it would print brackets or repeat numbers (and with
        # no [nomor], every retry would fail), so such a village numbers in the default format.
        fmt = DEFAULT_NUMBER_FORMAT
    key = sequence_key(per_type_sequence=prefs.per_type_sequence, classification=classification)
    taken = Letter.objects.filter(village=village).exclude(number="")  # letter_number_unique's index
    while True:
        sequence = next_sequence(
            village=village,
            year=day.year,
            type_code=key,
            start=lambda: _highest_issued(village, day.year, key),
        )
        number = format_number(
            fmt, code=classification, sequence=sequence, village_code=village.code, day=day
        )
        # Last safety net: an odd history (a counter restored from a backup, a mode switched
        # while a letter was being issued) must not make issuing fail on every retry, as the
        # rollback would take the counter back too. Normally the number is free.
        if not taken.filter(number=number).exists():
            return sequence, number


def next_sequence(
    *, village: Village, year: int, type_code: str, count: int = 1, start: Callable[[], int] | None = None
) -> int:
    """Take the next number of a sequence (or the next `count` numbers at once, e.g. for
    the demo's letters; returns the last). A missing counter row is created at `start()`
    (default 0). Must run inside the issuing transaction."""
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
            first = start() if start is not None else 0
            try:
                with transaction.atomic():
                    LetterCounter.objects.create(
                        village=village, year=year, type_code=type_code, last_number=first
                    )
            except IntegrityError:
                pass  # created concurrently: the UPDATE below waits for the winner's row
            cursor.execute(sql, params)
            row = cursor.fetchone()
    return int(row[0])
