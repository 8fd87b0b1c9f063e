"""Demo data of the health module for a freshly generated village (see balai.devtools.demo.demo_extensions).

One posyandu per dusun, twelve monthly sessions, and a measurement per session for every
child 0–59 months of the registry who came: growth drawn from each child's own WHO z-score
track (about one in five stunted, some faltering in the last months, some missed visits, a
couple of implausible entries confirmed by the cadre), every z-score and category computed
by `who.py` and `classify.py` as the session sheet would. A few pregnancies with antenatal
visits for the women the registry marks pregnant. Raw bulk inserts: it runs for every village
of the bench regency too.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from balai.core.db.bulk import model_rows
from balai.core.ids import public_ids
from balai.health.classify import under5_categories
from balai.health.models import AntenatalVisit, ChildMeasurement, Posyandu, PosyanduSession, Pregnancy
from balai.health.services import naegele_due_date, visit_flags, weight_trend
from balai.health.who import (
    LENGTH_AGE_LIMIT_DAYS,
    UNDER5_MAX_DAYS,
    WFH_RANGE,
    WFL_RANGE,
    table,
    under5_scores,
)
from balai.people import codes
from balai.people.models import Resident
from balai.regions.models import Dusun, Village

FLOWERS = (
    "Melati",
    "Mawar",
    "Anggrek",
    "Kenanga",
    "Dahlia",
    "Cempaka",
    "Flamboyan",
    "Teratai",
    "Seroja",
    "Kamboja",
    "Bougenville",
    "Nusa Indah",
)
SESSIONS = 12
STUNTED_SHARE = 0.2
FALTERING_SHARE = 0.08
MISS_RATE = 0.12
IMPLAUSIBLE_PER_VILLAGE = 2
PREGNANCIES_MAX = 6


def _inverse(lms: tuple[float, float, float], z: float) -> float:
    """The measure at z on an LMS curve (WHO's SD formula, any z)."""
    l, m, s = lms  # noqa: E741 - the method's own letter
    if l == 0:
        return m * math.exp(s * z)
    return m * max(1 + l * s * z, 0.05) ** (1 / l)


_MEASURE_COLUMNS = (
    "public_id",
    "village_id",
    "child_id",
    "session_id",
    "measured_on",
    "age_days",
    "weight_kg",
    "lenhei_cm",
    "position",
    "exclusive_breastfeeding",
    "vitamin_a",
    "weight_trend",
    "lenhei_scored_cm",
    "z_lhfa",
    "z_wfa",
    "z_wflh",
    "z_bmi",
    "cat_lhfa",
    "cat_wfa",
    "cat_wflh",
    "cat_bmi",
    "flags",
    "created_at",
    "updated_at",
)


def session_days(*, rnd: random.Random, today: dt.date, count: int = SESSIONS) -> list[dt.date]:
    """`count` monthly opening days on one day of the month, the last not after today."""
    day = rnd.randint(3, 25)
    year, month = today.year, today.month
    if dt.date(year, month, day) > today:
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    days = []
    for _ in range(count):
        days.append(dt.date(year, month, day))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return days[::-1]


class _Child:
    """A child's own growth track: z-scores it keeps, with a little noise per visit (drawn in
    `measurement_rows`)."""

    def __init__(self, rnd: random.Random) -> None:
        self.stunted = rnd.random() < STUNTED_SHARE
        self.haz = rnd.gauss(-2.7, 0.45) if self.stunted else rnd.gauss(-0.4, 0.85)
        self.whz_mean = rnd.gauss(-0.6 if self.stunted else -0.1, 0.8)
        self.whz = self.whz_mean
        self.falters = rnd.random() < FALTERING_SHARE
        self.away = rnd.random() < 0.05  # misses several months in a row


# Where this app's demo data comes among the apps' in `balai demo` (lowest first; see
# balai.devtools.demo.demo_extensions): the order is part of what the demo produces.
DEMO_ORDER = 10


def extend_village(*, village: Village, rnd: random.Random, today: dt.date) -> dict[str, int]:
    plan = plan_village(village=village, rnd=rnd, today=today)
    if plan is None:
        return {}
    encoded, count = encoded_measurements(plan, rnd)
    return finish_village(plan=plan, encoded=encoded, count=count, rnd=rnd, today=today)


@dataclass
class VillagePlan:
    """A village's posyandus and sessions (written) and its children: all the measurements
    are drawn from, without the database (`measurement_rows`, possibly in another process)."""

    village: Village
    posyandus: int
    sessions: int
    # Each posyandu's sessions (id, day) in day order; dusun -> its posyandu; the posyandu of
    # children without a dusun.
    visits: dict[int, list[tuple[int, dt.date]]]
    by_dusun: dict[int, int]
    default: int
    children: list[tuple[int, int, dt.date | None, int]]


def plan_village(*, village: Village, rnd: random.Random, today: dt.date) -> VillagePlan | None:
    """One posyandu per dusun with its twelve sessions, and the children to measure; None
    for a village without dusun."""
    dusuns = list(Dusun.objects.filter(village=village).order_by("name").values_list("pk", "name"))
    if not dusuns:
        return None
    # Each posyandu's days drawn first (its schedule names their day): the same draws as
    # creating it and then drawing, without an UPDATE of the posyandus.
    days_of = [session_days(rnd=rnd, today=today) for _dusun in dusuns]
    # Public ids in one draw from the OS (the model's default makes each from 16 calls).
    ids = iter(public_ids(len(dusuns) + sum(len(days) for days in days_of)))
    posyandus = Posyandu.objects.bulk_create(
        [
            Posyandu(
                public_id=next(ids),
                village=village,
                name=f"Posyandu {FLOWERS[i % len(FLOWERS)]}"
                + (f" {i // len(FLOWERS) + 1}" if i >= len(FLOWERS) else ""),
                dusun=name,
                schedule=f"Setiap tanggal {days[-1].day}",
            )
            for i, ((_pk, name), days) in enumerate(zip(dusuns, days_of, strict=True))
        ]
    )
    by_dusun: dict[int, int] = {}
    # The sessions in one INSERT returning their ids: ~50 a village, the ORM's instances and
    # its compiling of them were most of this function's time in the bench's 248 villages.
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(timezone.now())
    values: list[Any] = []
    for (dusun_pk, _name), posyandu, days in zip(dusuns, posyandus, days_of, strict=True):
        by_dusun[dusun_pk] = posyandu.pk
        for day in days:
            values += [next(ids), village.pk, posyandu.pk, ops.adapt_datefield_value(day), stamp, stamp]
    quote = ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO {} ({}) VALUES {} RETURNING {}, {}, {}".format(
                quote(PosyanduSession._meta.db_table),
                ", ".join(
                    quote(c)
                    for c in ("public_id", "village_id", "posyandu_id", "held_on", "created_at", "updated_at")
                ),
                ", ".join(["(%s, %s, %s, %s, %s, %s)"] * (len(values) // 6)),
                quote("id"),
                quote("posyandu_id"),
                quote("held_on"),
            ),
            values,
        )
        sessions = sorted(
            (_as_date(held_on), session_id, posyandu_id)
            for session_id, posyandu_id, held_on in cursor.fetchall()
        )
    visits: dict[int, list[tuple[int, dt.date]]] = {}
    for day, session_id, posyandu_id in sessions:
        visits.setdefault(posyandu_id, []).append((session_id, day))
    first_day = sessions[0][0]
    children = list(
        Resident.objects.filter(
            village=village,
            status=codes.STATUS_ALIVE,
            birth_date__gt=first_day - dt.timedelta(days=UNDER5_MAX_DAYS),
            birth_date__lte=today,
        ).values_list("pk", "sex", "birth_date", "rt__dusun_id")
    )
    return VillagePlan(
        village=village,
        posyandus=len(posyandus),
        sessions=len(sessions),
        visits=visits,
        by_dusun=by_dusun,
        default=posyandus[0].pk,
        children=children,
    )


def _as_date(value: dt.date | str) -> dt.date:
    """A date column read by a plain cursor (SQLite's converters may give it as text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def measurement_rows(plan: VillagePlan, rnd: random.Random) -> list[tuple[Any, ...]]:
    """The village's measurements as `ChildMeasurement` rows of `_MEASURE_COLUMNS`, values as
    the driver takes them (no database used)."""
    # Values as the driver takes them, converted once: the ORM's form of the timestamps (as
    # text, with its offset on PostgreSQL) and of each session's day, instead of the driver's
    # adapter or the COPY encoder once per row.
    ops = connection.ops
    stamp = str(ops.adapt_datetimefield_value(timezone.now()))
    days = {
        session_id: ops.adapt_datefield_value(day)
        for visits in plan.visits.values()
        for session_id, day in visits
    }
    village_id = plan.village.pk

    def row(
        public_id: str,
        child_id: int,
        session_id: int,
        age_days: int,
        weight_text: str,
        lenhei_text: str,
        position: str,
        breastfed: bool | None,
        vitamin_a: str,
        trend: str,
        sex: int,
    ) -> tuple[Any, ...]:
        # What `growth_z` and `classify` give for these values (a child under five, both
        # measures positive), without building their result objects for every row.
        scored_cm, _bmi, lhfa, wfa, wflh, bmifa, flags = under5_scores(
            sex, age_days, float(weight_text), float(lenhei_text), position
        )
        cat_lhfa, cat_wfa, cat_wflh, cat_bmi = under5_categories(lhfa, wfa, wflh, bmifa)
        return (
            public_id,
            village_id,
            child_id,
            session_id,
            days[session_id],
            age_days,
            weight_text,
            lenhei_text,
            position,
            breastfed,
            vitamin_a,
            trend,
            scored_cm,
            lhfa,
            wfa,
            wflh,
            bmifa,
            cat_lhfa or "",
            cat_wfa or "",
            cat_wflh or "",
            cat_bmi or "",
            ";".join(flags),
            stamp,
            stamp,
        )

    # The loop below is the demo's cost at scale (~900,000 rows per million residents): the
    # child's track (`_Child`) and `_inverse` are written out in it, the same draws from `rnd`
    # in the same order and the same arithmetic; each row is scored by `row`.
    length_tables = table("lenanthro")
    wfl_tables, wfh_tables = table("wflanthro"), table("wfhanthro")
    wfl_low, wfl_last = WFL_RANGE[0], round((WFL_RANGE[1] - WFL_RANGE[0]) * 10)
    wfh_low, wfh_last = WFH_RANGE[0], round((WFH_RANGE[1] - WFH_RANGE[0]) * 10)
    gauss, draw, uniform = rnd.gauss, rnd.random, rnd.uniform
    # More ids than rows (a child comes at most once a session): drawn before the rows, and
    # sorted, so the rows reach the unique index of public ids in its order (as the import's).
    ids = iter(sorted(public_ids(len(plan.children) * SESSIONS)))
    rows: list[tuple[Any, ...]] = []
    sexes: list[int] = []
    append = rows.append
    for child_id, sex, birth, dusun_pk in plan.children:
        if birth is None or sex not in (1, 2):
            continue
        track = _Child(rnd)
        stunted, haz_track, whz, whz_mean = track.stunted, track.haz, track.whz, track.whz_mean
        falters = track.falters
        previous: tuple[dt.date, float] | None = None
        visits = plan.visits[plan.by_dusun.get(dusun_pk) or plan.default]
        last_three = len(visits) - 3
        away_from = rnd.randrange(len(visits)) if track.away else -1
        lengths, wfl, wfh = length_tables[sex], wfl_tables[sex], wfh_tables[sex]
        for n, (session_id, held_on) in enumerate(visits):
            age_days = (held_on - birth).days
            if age_days < 0 or age_days > UNDER5_MAX_DAYS:
                continue
            if draw() < MISS_RATE or (away_from >= 0 and away_from <= n < away_from + 3):
                continue
            # Length keeps its track (measuring error only); weight wanders slowly around its own.
            haz = haz_track + gauss(0, 0.05) - (0.002 * age_days / 30 if stunted else 0)
            whz = 0.9 * whz + 0.1 * whz_mean + gauss(0, 0.12)
            lenhei = _inverse(lengths[age_days], haz)
            if age_days < LENGTH_AGE_LIMIT_DAYS:
                index = min(max(round((lenhei - wfl_low) * 10), 0), wfl_last)
                weight = _inverse(wfl[index], whz)
                position = "l"
            else:
                index = min(max(round((lenhei - wfh_low) * 10), 0), wfh_last)
                weight = _inverse(wfh[index], whz)
                position = "h"
            if falters and n >= last_three and previous is not None:
                weight = previous[1] + uniform(-0.15, 0.05)
            # Read to 0.1 as on the sheet; the text is what the database stores (as a Decimal
            # would be), the float of it what the sheet scores.
            weight_text = f"{max(weight, 0.8):.1f}"
            weight_kg = float(weight_text)
            trend = weight_trend(
                weight_kg=weight_kg, age_days=age_days, measured_on=held_on, previous=previous
            )
            previous = (held_on, weight_kg)
            vitamin_a = ""
            if held_on.month in (2, 8) and age_days >= 183:
                vitamin_a = "biru" if age_days < 365 else "merah"
            breastfed = (draw() < 0.7) if age_days < 183 else None
            lenhei_text = f"{lenhei:.1f}"
            append(
                row(
                    next(ids),
                    child_id,
                    session_id,
                    age_days,
                    weight_text,
                    lenhei_text,
                    position,
                    breastfed,
                    vitamin_a,
                    str(trend),
                    sex,
                )
            )
            sexes.append(sex)

    # A couple of slips of the pen the cadre confirmed (a weight missing its first digit),
    # scored again (the KMS trend stays the one of the weight the cadre meant).
    for i in rnd.sample(range(len(rows)), min(IMPLAUSIBLE_PER_VILLAGE, len(rows))):
        old = rows[i]
        slip = (Decimal(old[6]) / 10).quantize(Decimal("0.1")) or Decimal("0.5")
        rows[i] = row(
            old[0], old[2], old[3], old[5], str(slip), old[7], old[8], old[9], old[10], old[11], sexes[i]
        )
    return rows


def encoded_measurements(plan: VillagePlan, rnd: random.Random) -> tuple[Any, int]:
    """`measurement_rows` as `finish_village` writes them (`ModelRows.encode`), and how many."""
    rows = measurement_rows(plan, rnd)
    writer = model_rows(ChildMeasurement, _MEASURE_COLUMNS)
    if connection.vendor == "postgresql":
        return copy_text(rows, writer.suffix), len(rows)
    return writer.encode(rows), len(rows)


_COPY_BOOL = {None: "\\N", True: "t", False: "f"}


def copy_text(rows: list[tuple[Any, ...]], suffix: str) -> str:
    """`core.db.bulk.copy_text` of `measurement_rows`, the same text: each column's type is
    known here (no value that needs escaping, only the z-scores and the breastfeeding answer
    ever NULL), so a row is one format instead of a `copy_field` call per value, which was a
    third of the worker's time per row on PostgreSQL."""
    b = _COPY_BOOL
    return "".join(
        [
            f"{r[0]}\t{r[1]}\t{r[2]}\t{r[3]}\t{r[4]}\t{r[5]}\t{r[6]}\t{r[7]}\t{r[8]}\t{b[r[9]]}\t{r[10]}\t"
            f"{r[11]}\t{_z(r[12])}\t{_z(r[13])}\t{_z(r[14])}\t{_z(r[15])}\t{_z(r[16])}\t{r[17]}\t{r[18]}\t"
            f"{r[19]}\t{r[20]}\t{r[21]}\t{r[22]}\t{r[23]}{suffix}\n"
            for r in rows
        ]
    )


def _z(value: float | None) -> str:
    return "\\N" if value is None else repr(value)


def finish_village(
    *, plan: VillagePlan, encoded: Any, count: int, rnd: random.Random, today: dt.date
) -> dict[str, int]:
    """Write the measurements `encoded_measurements` drew, then the pregnancies (from the same
    random stream, where the measurements left it)."""
    model_rows(ChildMeasurement, _MEASURE_COLUMNS).write(encoded)
    pregnancies, antenatal = _pregnancies(village=plan.village, rnd=rnd, today=today)
    return {
        "posyandu": plan.posyandus,
        "posyandu_sessions": plan.sessions,
        "child_measurements": count,
        "pregnancies": pregnancies,
        "antenatal_visits": antenatal,
    }


def _pregnancies(*, village: Village, rnd: random.Random, today: dt.date) -> tuple[int, int]:
    mothers = list(
        Resident.objects.filter(village=village, status=codes.STATUS_ALIVE, sex=2, pregnant=1)
        .order_by("pk")
        .values_list("pk", flat=True)[:PREGNANCIES_MAX]
    )
    # Public ids in one draw from the OS (the model's default makes each from 16 calls): at most
    # six visits a pregnancy.
    ids = iter(public_ids(len(mothers) * 7))
    records: list[Pregnancy] = []
    for mother_id in mothers:
        lmp = today - dt.timedelta(days=rnd.randint(6 * 7, 38 * 7))
        records.append(
            Pregnancy(
                public_id=next(ids),
                village=village,
                mother_id=mother_id,
                lmp_date=lmp,
                due_date=naegele_due_date(lmp),
                gravida=rnd.randint(1, 4),
                risk_note="",
            )
        )
    Pregnancy.objects.bulk_create(records)
    visits: list[AntenatalVisit] = []
    for pregnancy in records:
        kek = rnd.random() < 0.12
        anaemic = rnd.random() < 0.2
        for number, week in enumerate((10, 20, 28, 34, 37, 39), start=1):
            day = pregnancy.lmp_date + dt.timedelta(weeks=week, days=rnd.randint(-5, 5))
            if day > today:
                break
            muac = Decimal(f"{rnd.uniform(21.5, 23.3) if kek else rnd.uniform(23.6, 30.0):.1f}")
            hb = Decimal(f"{rnd.uniform(9.0, 10.9) if anaemic else rnd.uniform(11.0, 13.5):.1f}")
            systolic, diastolic = rnd.randint(100, 135), rnd.randint(65, 88)
            visits.append(
                AntenatalVisit(
                    public_id=next(ids),
                    village=village,
                    pregnancy=pregnancy,
                    visited_on=day,
                    number=number,
                    weight_kg=Decimal(f"{rnd.uniform(48, 70) + week * 0.3:.1f}"),
                    muac_cm=muac,
                    hb_g_dl=hb,
                    iron_tablets=30,
                    bp_systolic=systolic,
                    bp_diastolic=diastolic,
                    flags=";".join(
                        visit_flags(muac_cm=muac, hb_g_dl=hb, bp_systolic=systolic, bp_diastolic=diastolic)
                    ),
                )
            )
    AntenatalVisit.objects.bulk_create(visits)
    return len(records), len(visits)
