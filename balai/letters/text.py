"""Filling a letter's text: Indonesian dates, amounts in words, placeholders with case."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def date_id(day: dt.date | None) -> str:
    """`2026-11-27` -> `27 November 2026`."""
    if day is None:
        return ""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


_UNITS = (
    "",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
)


def terbilang(n: int) -> str:
    """Amount in Indonesian words: 1500000 -> `satu juta lima ratus ribu`."""
    if n < 0:
        return "minus " + terbilang(-n)
    if n < 12:
        return _UNITS[n] or "nol"
    if n < 20:
        return f"{_UNITS[n - 10]} belas"
    if n < 100:
        return f"{_UNITS[n // 10]} puluh {_UNITS[n % 10]}".strip()
    if n < 200:
        return f"seratus {terbilang(n - 100) if n > 100 else ''}".strip()
    if n < 1000:
        return f"{_UNITS[n // 100]} ratus {terbilang(n % 100) if n % 100 else ''}".strip()
    if n < 2000:
        return f"seribu {terbilang(n - 1000) if n > 1000 else ''}".strip()
    for size, word in ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu")):
        if n >= size:
            rest = n % size
            return f"{terbilang(n // size)} {word} {terbilang(rest) if rest else ''}".strip()
    raise AssertionError(n)  # pragma: no cover


def rupiah(n: int) -> str:
    return "Rp" + f"{n:,}".replace(",", ".")


PLACEHOLDER = re.compile(r"\[([A-Za-z][A-Za-z0-9_]*)\]")


def _cased(key: str, value: str) -> str:
    """`[NAMA]` upper case, `[Nama]` title case, `[nama]` as recorded."""
    if key.isupper():
        return value.upper()
    if key[0].isupper():
        return " ".join(w[:1].upper() + w[1:].lower() for w in value.split(" "))
    return value


class UnknownPlaceholder(ValueError):
    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


def unknown_placeholders(text: str, known: set[str]) -> list[str]:
    return sorted({m for m in PLACEHOLDER.findall(text) if m.lower() not in known})


def fill(text: str, values: dict[str, str]) -> str:
    """Replace placeholders; plain text in, plain text out (the renderer never parses it)."""
    missing = unknown_placeholders(text, set(values))
    if missing:
        raise UnknownPlaceholder(missing)
    return PLACEHOLDER.sub(lambda m: _cased(m.group(1), values[m.group(1).lower()]), text)
