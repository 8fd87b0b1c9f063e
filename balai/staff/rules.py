"""Staffing rules as data: terms of office, retirement age, leave allowance, the standard SOTK.

Each rule names its legal basis, so a change in the law is a change of one row here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

# How long before a term ends the office is warned (the issue: "terms ending within 6 months").
WARN_DAYS = 183


@dataclass(frozen=True)
class TermRule:
    key: str
    label: Any  # a lazy translation
    basis: str
    years: int = 0  # a fixed term from the start (kepala desa, BPD)
    age: int = 0  # or office until this age (perangkat desa)


# UU 6/2014 Pasal 39 gave the kepala desa six years; UU 3/2024 (the second amendment) made it
# eight, at most two terms, and the same eight years for BPD members (Pasal 56). Perangkat desa
# serve until 60 (UU 6/2014 Pasal 53 ayat 2 huruf a; Permendagri 67/2017 Pasal 5 ayat 3).
HEAD_TERM = TermRule("kades", _("Kepala desa"), "UU 6/2014 Pasal 39 jo. UU 3/2024", years=8)
BPD_TERM = TermRule("bpd", _("Anggota BPD"), "UU 6/2014 Pasal 56 jo. UU 3/2024", years=8)
PERANGKAT_AGE = TermRule("perangkat", _("Perangkat desa"), "Permendagri 67/2017 Pasal 5 ayat (3)", age=60)
TERM_RULES = (HEAD_TERM, BPD_TERM, PERANGKAT_AGE)

# Annual leave of a perangkat desa, in working days; the regency's Perbup may set another figure.
ANNUAL_LEAVE_DAYS = 12


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def term_end_for(*, kind: str, start: dt.date, birth_date: dt.date | None) -> dt.date | None:
    """When a term starting on `start` in a post of `kind` ends by law (None: not known)."""
    if kind == "kades":
        return add_years(start, HEAD_TERM.years) - dt.timedelta(days=1)
    if birth_date is None:
        return None
    # Office ends on the day the official turns 60.
    return add_years(birth_date, PERANGKAT_AGE.age)


# The standard organisation of a village government (Permendagri 84/2015 as amended by
# Permendagri 73/2022): kind, title, order. A village adds its kepala dusun per dusun.
STANDARD_SOTK = (
    ("kades", "Kepala Desa", 1),
    ("sekdes", "Sekretaris Desa", 2),
    ("kaur", "Kaur Tata Usaha dan Umum", 10),
    ("kaur", "Kaur Keuangan", 11),
    ("kaur", "Kaur Perencanaan", 12),
    ("kasi", "Kasi Pemerintahan", 20),
    ("kasi", "Kasi Kesejahteraan", 21),
    ("kasi", "Kasi Pelayanan", 22),
)
