"""Demo data: schools, enrolments consistent with the registry, ATS, at-risk, PAUD, PIP.

The registry's own education fields decide who is in school: `pendidikan sedang ditempuh`
SEDANG SD/SLTP/SLTA gets this year's enrolment at a school of that level (most of them; a
few are left "registry only"), TIDAK SEDANG SEKOLAH gets a history that explains it
(finished SMP without continuing, or dropped out of SMA) or none. Bulk inserts only.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import connection
from django.utils import timezone

from balai.core.db.bulk import model_rows
from balai.core.ids import public_ids
from balai.education import rules
from balai.education.models import AbsenceReport, Enrolment, FollowUp, Scholarship, School
from balai.people.models import Family, Resident
from balai.regions.models import Village

SCHOOL_NAMES: list[tuple[str, str, str]] = [
    ("paud", "negeri", "TK Negeri Pembina {n}"),
    ("paud", "swasta", "RA Al Hikmah {n}"),
    ("paud", "swasta", "KB Tunas Harapan {n}"),
    ("sd", "negeri", "SD Negeri {n} {v}"),
    ("sd", "negeri", "SD Negeri {n2} {v}"),
    ("sd", "swasta", "MI Muhammadiyah {v}"),
    ("smp", "negeri", "SMP Negeri {n} {d}"),
    ("smp", "swasta", "MTs Nurul Huda {d}"),
    ("sma", "negeri", "SMA Negeri {n} {d}"),
    ("sma", "swasta", "SMK Bhakti {d}"),
]
LEVEL_OF_REGISTRY = {4: "sd", 6: "smp", 7: "sma"}
POOR_OCCUPATIONS = {1, 9, 19, 20, 21, 22, 23}
OUTCOMES = ["dihubungi", "dihubungi", "bekerja", "menikah", "paket", "kembali", "pindah", "disabilitas"]
REPORTERS = ["Wali kelas", "Kader PKK", "Kepala sekolah", "Ketua RT"]


def _grade(level: str, age: int) -> int:
    grades = {"sd": (1, 6), "smp": (7, 9), "sma": (10, 12)}[level]
    return min(max(age - 6, grades[0]), grades[1])


def _level_of_grade(grade: int) -> str:
    return "sd" if grade <= 6 else "smp" if grade <= 9 else "sma"


# Where this app's demo data comes among the apps' in `balai demo` (lowest first; see
# balai.devtools.demo.demo_extensions): the order is part of what the demo produces.
DEMO_ORDER = 40


def extend_village(*, village: Village, rnd: random.Random, today: dt.date) -> dict[str, int]:
    school_year = rules.school_year_of(today)
    digits = village.code_digits
    seed = int(digits[-4:]) if digits[-4:].isdigit() else rnd.randint(0, 9999)
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(timezone.now())
    model_rows(
        School,
        (
            "public_id",
            "village_id",
            "name",
            "npsn",
            "level",
            "status",
            "address",
            "is_active",
            "created_at",
            "updated_at",
        ),
    ).run(
        [
            (
                pid,
                village.pk,
                pattern.format(
                    n=1 + seed % 3, n2=2 + seed % 3, v=village.name.title(), d=village.district_name.title()
                ),
                f"20{(seed * 7 + i * 13) % 1000000:06d}",
                level,
                status,
                "",
                True,
                stamp,
                stamp,
            )
            for i, ((level, status, pattern), pid) in enumerate(
                zip(SCHOOL_NAMES, public_ids(len(SCHOOL_NAMES)), strict=True)
            )
        ]
    )
    schools: dict[str, list[int]] = {"paud": [], "sd": [], "smp": [], "sma": []}
    for pk, level in School.objects.filter(village=village).values_list("pk", "level"):
        schools[level].append(pk)

    after, on_or_before = rules.birth_range(today, rules.PAUD_AGE[0], rules.SCHOOL_AGE[1])
    children = list(
        Resident.objects.filter(
            village=village, status=1, birth_date__gt=after, birth_date__lte=on_or_before
        ).values_list("pk", "birth_date", "education_current", "family_id")
    )
    heads = dict(Family.objects.filter(village=village).values_list("pk", "head__occupation"))
    rows: list[dict[str, Any]] = []  # per child, oldest row first
    absences: list[tuple[int, dt.date, str, int]] = []
    pip: list[tuple[int, str]] = []
    followups: list[tuple[int, dt.date, str]] = []

    def add(resident_id: int, level: str, year: int, grade: int, entered: int, status: str) -> dict[str, Any]:
        row = {
            "resident_id": resident_id,
            "school": rnd.choice(schools[level]),
            "level": level,
            "school_year": year,
            "grade": grade,
            "enrolled_year": entered,
            "status": status,
            "repeated": False,
        }
        rows.append(row)
        return row

    for pk, birth, current, family_id in children:
        if birth is None:
            continue
        age = rules.age_on(birth, today)
        if age <= rules.PAUD_AGE[1]:
            if rnd.random() < 0.65:
                add(pk, "paud", school_year, 0, school_year - rnd.randint(0, min(2, age - 3)), "aktif")
            continue
        registry_level = LEVEL_OF_REGISTRY.get(current or 0)
        if registry_level is not None:
            level = registry_level
            if rnd.random() < 0.08:
                continue  # in school according to the registry; school not yet recorded
            grade = _grade(level, age)
            repeated = grade > 1 and rnd.random() < 0.04
            prev_grade = grade if repeated else grade - 1
            prev_level = _level_of_grade(max(prev_grade, 1))
            crossed = prev_level != level
            # Last year's row for every repeat and change of level, and for some others
            # (history without doubling the rows to write).
            if prev_grade >= 1 and (repeated or crossed or rnd.random() < 0.4):
                prev = add(
                    pk,
                    prev_level,
                    school_year - 1,
                    prev_grade,
                    school_year - 2,
                    "lulus" if crossed else "aktif",
                )
                entered = school_year if crossed else prev["enrolled_year"]
                this_year = add(pk, level, school_year, grade, entered, "aktif")
                if not crossed:
                    this_year["school"] = prev["school"]
                this_year["repeated"] = repeated
            else:
                first_grade = {"sd": 1, "smp": 7, "sma": 10}[level]
                add(pk, level, school_year, grade, school_year - (grade - first_grade), "aktif")
            if rnd.random() < 0.015:
                reported = today - dt.timedelta(days=rnd.randint(3, 60))
                absences.append((pk, reported, rnd.choice(REPORTERS), rnd.randint(10, 40)))
            if heads.get(family_id) in POOR_OCCUPATIONS and rnd.random() < 0.5:
                pip.append((pk, rnd.choice(["penerima", "penerima", "cair"])))
            elif rnd.random() < 0.03:
                pip.append((pk, "usulan"))
        elif current == rules.REGISTRY_NOT_IN_SCHOOL and age <= rules.SCHOOL_AGE[1]:
            draw = rnd.random()
            left = school_year - rnd.randint(1, max(1, age - 15))
            if draw < 0.55:
                add(pk, "smp", left, 9, left - 2, "lulus")
            elif draw < 0.85:
                add(pk, "smp", left - 1, 9, left - 3, "lulus")
                add(pk, "sma", left, 10, left, "putus")
            if rnd.random() < 0.3:
                noted = today - dt.timedelta(days=rnd.randint(1, 60))
                followups.append((pk, noted, rnd.choice(OUTCOMES)))

    by_child: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_child.setdefault(row["resident_id"], []).append(row)
    ids = iter(public_ids(len(rows) + len(absences) + len(pip) + len(followups)))

    def day(value: dt.date) -> Any:
        return ops.adapt_datefield_value(value)

    enrolments = []
    for child_rows in by_child.values():
        child_rows.sort(key=lambda r: r["school_year"])
        last = len(child_rows) - 1
        for i, r in enumerate(child_rows):
            enrolments.append(
                (
                    next(ids),
                    village.pk,
                    r["resident_id"],
                    r["school"],
                    r["level"],
                    r["school_year"],
                    r["grade"],
                    r["enrolled_year"],
                    r["status"],
                    i == last,
                    r["repeated"],
                    "",
                    stamp,
                    stamp,
                )
            )
    model_rows(
        Enrolment,
        (
            "public_id",
            "village_id",
            "resident_id",
            "school_id",
            "level",
            "school_year",
            "grade",
            "enrolled_year",
            "status",
            "is_latest",
            "repeated",
            "note",
            "created_at",
            "updated_at",
        ),
    ).run(enrolments)
    model_rows(
        AbsenceReport,
        (
            "public_id",
            "village_id",
            "resident_id",
            "reported_on",
            "reporter",
            "days_absent",
            "note",
            "created_at",
            "updated_at",
        ),
    ).run(
        [
            (next(ids), village.pk, pk, day(d), who, days, "Tidak masuk tanpa keterangan", stamp, stamp)
            for pk, d, who, days in absences
        ]
    )
    model_rows(
        Scholarship,
        (
            "public_id",
            "village_id",
            "resident_id",
            "year",
            "status",
            "kip_number",
            "note",
            "created_at",
            "updated_at",
        ),
    ).run([(next(ids), village.pk, pk, today.year, status, "", "", stamp, stamp) for pk, status in pip])
    model_rows(
        FollowUp,
        ("public_id", "village_id", "resident_id", "noted_on", "outcome", "note", "created_at", "updated_at"),
    ).run(
        [
            (next(ids), village.pk, pk, day(d), outcome, "Kunjungan rumah oleh kader", stamp, stamp)
            for pk, d, outcome in followups
        ]
    )
    return {
        "schools": len(SCHOOL_NAMES),
        "enrolments": len(enrolments),
        "absence_reports": len(absences),
        "pip": len(pip),
        "followups": len(followups),
    }
