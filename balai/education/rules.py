"""Who is in school, who is out (Anak Tidak Sekolah) and who is at risk: pure rules.

The same `classify` serves the village list and the regency counts, so they cannot
disagree. Inputs are the child's newest enrolment (if any) and the registry's own education
fields (OpenSID `pendidikan_sedang_id` / `pendidikan_kk_id`), used only where no school has
been recorded for the child.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

SCHOOL_AGE = (7, 18)
PAUD_AGE = (3, 6)
# Age bands of the village page: the ages of SD, SMP and SMA.
AGE_BANDS: list[tuple[str, int, int]] = [("7–12", 7, 12), ("13–15", 13, 15), ("16–18", 16, 18)]
# A long-absence report counts for this many days after it was made.
ABSENCE_DAYS = 90

# OpenSID pendidikan_sedang ids (balai.people.codes.EDUCATION_CURRENT).
REGISTRY_IN_SCHOOL = frozenset({2, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
REGISTRY_NEVER = frozenset({1, 3, 17})
REGISTRY_DROPPED = frozenset({5})
REGISTRY_NOT_IN_SCHOOL = 18
# pendidikan_kk id from which a child has finished upper secondary (5 = SLTA/sederajat).
KK_FINISHED_SLTA = 5


class Status(models.TextChoices):
    IN_SCHOOL = "sekolah", _("Sekolah")
    REGISTRY_ONLY = "kependudukan", _("Sekolah (menurut data kependudukan, sekolah belum dicatat)")
    COMPLETED = "tamat", _("Tamat SMA/sederajat")
    OUT = "ats", _("Tidak sekolah (ATS)")
    UNKNOWN = "tidak_diketahui", _("Belum ada data pendidikan")


class Reason(models.TextChoices):
    NEVER = "tidak_pernah", _("Tidak pernah sekolah")
    DROPPED = "putus", _("Putus sekolah")
    NOT_CONTINUED = "tidak_lanjut", _("Lulus, tidak melanjutkan")
    NOT_REENROLLED = "tidak_terdaftar", _("Tidak terdaftar pada tahun ajaran berjalan")
    REGISTRY_OUT = "tidak_sekolah", _("Tidak sedang sekolah (data kependudukan)")


class Risk(models.TextChoices):
    REPEATED = "tinggal_kelas", _("Tidak naik kelas")
    ABSENT = "absen", _("Lama tidak masuk (dilaporkan)")
    MOVED = "pindah", _("Pindah sekolah, sekolah baru belum dicatat")


@dataclass(frozen=True)
class Latest:
    """The child's newest enrolment row."""

    status: str  # Enrolment.Status value
    level: str  # Level value
    school_year: int
    repeated: bool = False


def school_year_of(day: dt.date) -> int:
    """The school year running on `day`, by its first year: it starts in July."""
    return day.year if day.month >= 7 else day.year - 1


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def years_ago(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def birth_range(day: dt.date, youngest: int, oldest: int) -> tuple[dt.date, dt.date]:
    """(born after, born on or before): aged `youngest`..`oldest` on `day`, exact to the day."""
    return years_ago(day, oldest + 1), years_ago(day, youngest)


def classify(
    *,
    latest: Latest | None,
    education_current: int | None,
    education_kk: int | None,
    school_year: int,
) -> tuple[str, str]:
    """(Status, Reason or "") of a school-age child in `school_year`."""
    if latest is not None:
        current = latest.school_year >= school_year
        if latest.status == "putus":
            return Status.OUT, Reason.DROPPED
        if latest.status == "lulus":
            if latest.level == "sma":
                return Status.COMPLETED, ""
            # Finished SD/SMP (or PAUD) this school year: the next level starts next year.
            return (Status.IN_SCHOOL, "") if current else (Status.OUT, Reason.NOT_CONTINUED)
        # aktif, or pindah (moved during the year; at risk until the new school is recorded)
        return (Status.IN_SCHOOL, "") if current else (Status.OUT, Reason.NOT_REENROLLED)
    if education_current in REGISTRY_IN_SCHOOL:
        return Status.REGISTRY_ONLY, ""
    if education_current in REGISTRY_NEVER:
        return Status.OUT, Reason.NEVER
    if education_current in REGISTRY_DROPPED:
        return Status.OUT, Reason.DROPPED
    if education_current == REGISTRY_NOT_IN_SCHOOL:
        if education_kk is not None and education_kk >= KK_FINISHED_SLTA:
            return Status.COMPLETED, ""
        return Status.OUT, Reason.REGISTRY_OUT
    return Status.UNKNOWN, ""


def risks(*, status: str, latest: Latest | None, absent_reported: bool, school_year: int) -> list[str]:
    """Why a child in school may drop out; only children counted in school have risks."""
    if status != Status.IN_SCHOOL or latest is None:
        return []
    found: list[str] = []
    if latest.repeated:
        found.append(Risk.REPEATED)
    if absent_reported:
        found.append(Risk.ABSENT)
    if latest.status == "pindah" and latest.school_year >= school_year:
        found.append(Risk.MOVED)
    return found


def repeated_flags(rows: list[tuple[int, int, str]]) -> list[bool]:
    """For rows (school_year, grade, level) in order (oldest first): does each row's grade
    fail to rise above the grade of the nearest earlier school year? PAUD has no grades."""
    flags = []
    for i, (year, grade, level) in enumerate(rows):
        earlier = [r for r in rows[:i] if r[0] < year]
        if level == "paud" or not earlier:
            flags.append(False)
            continue
        prev_year = max(r[0] for r in earlier)
        prev_grade = max(r[1] for r in earlier if r[0] == prev_year)
        flags.append(grade <= prev_grade)
    return flags


def band_of(age: int) -> int | None:
    for i, (_label, lo, hi) in enumerate(AGE_BANDS):
        if lo <= age <= hi:
            return i
    return None
