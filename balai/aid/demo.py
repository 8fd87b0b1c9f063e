"""Demo data of the aid module for one freshly generated village (see balai.devtools.demo.demo_extensions).

Per village: DTSEN deciles as received for most families, a household welfare survey for about
half of them (loosely consistent with the decile), PKH and BPNT/Sembako 2026 as central
programmes whose recipients arrived as imported lists, an approved upcoming PKH cycle with
entitlements (the kiosk shows "next distribution"), and a village RTLH programme with rules
and two RT proposals. BLT Dana Desa 2026 is left for the operator to define (the walkthrough).

Rows go in with `core.db.bulk.model_rows` (COPY on PostgreSQL, executemany on a prepared
INSERT elsewhere): this runs for every bench village too.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

from django.db import connection, models
from django.utils import timezone

from balai.aid.models import (
    Candidate,
    Criterion,
    DistributionCycle,
    Entitlement,
    OfficialDecile,
    Programme,
    Recipient,
    WelfareSurvey,
)
from balai.core.db.bulk import model_rows
from balai.core.ids import public_ids
from balai.people.imports.ids import reserve_ids
from balai.people.models import Family
from balai.regions.models import Village

W = WelfareSurvey
DECILE_SHARE = 0.62  # families with a DTSEN decile (the rest are not in the national data)
SURVEY_SHARE = 0.35  # households surveyed by the village
PKH_AMOUNT = 750_000  # per quarter, an illustrative figure (the real one depends on components)


def _decile(rnd: random.Random) -> int:
    # DTSEN covers the poorer part of the population more densely.
    return rnd.choices(range(1, 11), weights=[9, 10, 11, 11, 11, 10, 10, 10, 9, 9])[0]


# The survey's codes as plain ints, and the income sources as JSON, made once: the enum look-ups
# and a json.dumps per survey were most of the survey's cost (64,000 surveys per million
# residents). The draws are the same, in the same order.
_FLOOR_POOR = [int(W.Floor.EARTH), int(W.Floor.BAMBOO), int(W.Floor.CEMENT)]
_FLOOR_OTHER = [int(W.Floor.CERAMIC), int(W.Floor.TILE), int(W.Floor.CEMENT)]
_WALL_BAMBOO, _WALL_WOOD, _WALL_BRICK = int(W.Wall.BAMBOO), int(W.Wall.WOOD), int(W.Wall.BRICK)
_ROOF_ASBESTOS, _ROOF_CLAY_TILE = int(W.Roof.ASBESTOS), int(W.Roof.CLAY_TILE)
_WATER_UNPROTECTED = int(W.Water.UNPROTECTED_WELL)
_WATER_OTHER = [int(W.Water.PROTECTED_WELL), int(W.Water.PIPED)]
_SANITATION_NONE, _SANITATION_SHARED, _SANITATION_OWN = (
    int(W.Sanitation.NONE),
    int(W.Sanitation.SHARED),
    int(W.Sanitation.OWN),
)
_ENERGY_SHARED, _ENERGY_METERED = int(W.Energy.PLN_SHARED), int(W.Energy.PLN_METERED)
_FUEL_WOOD, _FUEL_LPG = int(W.CookingFuel.WOOD), int(W.CookingFuel.LPG_3KG)
_OWN, _FREE = W.Ownership.OWN, W.Ownership.FREE
_SOURCES = ["farming", "trade", "salary"]
_SOURCES_JSON = {source: json.dumps([source]) for source in ["labour", *_SOURCES]}


def _survey_values(rnd: random.Random, decile: int | None) -> tuple[Any, ...]:
    poor = (decile or rnd.randint(3, 9)) <= 4
    p = 0.55 if poor else 0.12
    often = rnd.random  # often(x) is `often() < x`

    floor = rnd.choice(_FLOOR_POOR) if often() < p else rnd.choice(_FLOOR_OTHER)
    wall = _WALL_BAMBOO if often() < p * 0.6 else (_WALL_WOOD if often() < 0.2 else _WALL_BRICK)
    roof = _ROOF_ASBESTOS if often() < p else _ROOF_CLAY_TILE
    water = _WATER_UNPROTECTED if often() < p * 0.6 else rnd.choice(_WATER_OTHER)
    sanitation = (
        _SANITATION_NONE if often() < p * 0.4 else (_SANITATION_SHARED if often() < p else _SANITATION_OWN)
    )
    energy = _ENERGY_SHARED if often() < p * 0.5 else _ENERGY_METERED
    fuel = _FUEL_WOOD if often() < p else _FUEL_LPG
    income = rnd.randint(600, 1800) * 1000 if poor else rnd.randint(1500, 6000) * 1000
    sources = "labour" if poor and often() < 0.6 else rnd.choice(_SOURCES)
    return (
        _OWN if often() < 0.8 else _FREE,
        rnd.randint(18, 45) if poor else rnd.randint(36, 120),
        floor,
        wall,
        roof,
        water,
        sanitation,
        energy,
        fuel,
        450 if poor else rnd.choice([900, 1300, 2200]),
        often() < (0.5 if poor else 0.9),
        often() < (0.02 if poor else 0.15),
        often() < (0.2 if poor else 0.7),
        often() < (0.05 if poor else 0.4),
        0 if poor and often() < 0.7 else rnd.randint(100, 5000),
        rnd.randint(0, 2) if often() < 0.3 else 0,
        _SOURCES_JSON[sources],
        income,
        often() < (0.08 if poor else 0.03),
        often() < (0.12 if poor else 0.05),
        often() < (0.07 if poor else 0.01),
        often() < (0.25 if poor else 0.08),
    )


_SURVEY_COLUMNS = (
    "public_id",
    "village_id",
    "household_id",
    "family_id",
    "surveyed_on",
    "enumerator_name",
    "is_latest",
    "created_at",
    "updated_at",
    "ownership",
    "floor_area_m2",
    "floor",
    "wall",
    "roof",
    "water",
    "sanitation",
    "energy",
    "cooking_fuel",
    "electricity_va",
    "has_motorcycle",
    "has_car",
    "has_refrigerator",
    "has_gold_savings",
    "land_m2",
    "livestock_units",
    "income_sources",
    "monthly_income",
    "has_disabled_member",
    "has_chronic_illness",
    "elderly_alone",
    "female_head",
)


def _programme(village: Village, year: int, **kw: Any) -> Programme:
    return Programme.objects.create(
        village=village,
        period=str(year),
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        status=Programme.Status.ACTIVE,
        **kw,
    )


# Where this app's demo data comes among the apps' in `balai demo` (lowest first; see
# balai.devtools.demo.demo_extensions): the order is part of what the demo produces.
DEMO_ORDER = 30


def extend_village(*, village: Village, rnd: random.Random, today: dt.date) -> dict[str, int]:
    families = list(
        Family.objects.filter(village=village, is_active=True)
        .order_by("pk")
        .values_list("pk", "head__household_id")
    )
    if not families:
        return {}
    village_id = village.pk  # a local: `.pk` is a property, read for every row otherwise
    # Adapted once: the driver would convert the same datetime again for every row.
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    year = today.year

    # DTSEN deciles as received.
    received = today - dt.timedelta(days=rnd.randint(20, 80))
    source = f"DTSEN (SIKS-NG Dinsos Kab.) triwulan {((received.month - 1) // 3) + 1} {received.year}"
    deciles: dict[int, int] = {}
    for fid, _hh in families:
        if rnd.random() < DECILE_SHARE:
            deciles[fid] = _decile(rnd)
    # Welfare surveys: one per household (or per family without one), history of one visit.
    seen_households: set[int] = set()
    survey_plan = []
    enumerators = ["SRI MULYANI", "AGUS PRASETYO", "DWI LESTARI", "BAMBANG SUTRISNO"]
    for fid, hh in families:
        if hh is not None:
            if hh in seen_households:
                continue
            seen_households.add(hh)
        if rnd.random() >= SURVEY_SHARE:
            continue
        surveyed = today - dt.timedelta(days=rnd.randint(30, 400))
        survey_plan.append(
            (village_id, hh, fid, surveyed, rnd.choice(enumerators), True, now, now)
            + _survey_values(rnd, deciles.get(fid))
        )
    poor = [fid for fid, d in deciles.items() if d <= 3]
    pkh_families = [fid for fid in poor if rnd.random() < 0.45]
    bpnt_families = [fid for fid in poor if rnd.random() < 0.5] + [
        fid for fid, d in deciles.items() if d == 4 and rnd.random() < 0.3
    ]
    # One draw of exactly the ids needed: generating ids is a good part of this hook's time.
    take = iter(public_ids(len(deciles) + len(survey_plan) + 2 * len(pkh_families) + len(bpnt_families)))

    model_rows(
        OfficialDecile,
        (
            "public_id",
            "village_id",
            "family_id",
            "decile",
            "received_on",
            "source",
            "reference_period",
            "is_latest",
            "created_at",
            "updated_at",
        ),
    ).run(
        [
            (
                next(take),
                village_id,
                fid,
                d,
                received,
                source,
                f"{received.year}-Q{(received.month - 1) // 3 + 1}",
                True,
                now,
                now,
            )
            for fid, d in deciles.items()
        ]
    )

    survey_rows = [(next(take), *row) for row in survey_plan]
    model_rows(WelfareSurvey, _SURVEY_COLUMNS).run(survey_rows)

    # Central programmes: recipient lists as imported.
    pkh = _programme(
        village,
        year,
        name=f"Program Keluarga Harapan (PKH) {year}",
        code="pkh",
        source=Programme.Source.CENTRAL,
        benefit_amount=PKH_AMOUNT,
        benefit_frequency=Programme.Frequency.QUARTERLY,
        uses_targeting=False,
        legal_basis="Permensos No. 1 Tahun 2018 tentang Program Keluarga Harapan",
    )
    bpnt = _programme(
        village,
        year,
        name=f"Program Sembako (BPNT) {year}",
        code="bpnt",
        source=Programme.Source.CENTRAL,
        benefit_kind=Programme.BenefitKind.BOTH,
        benefit_amount=200_000,
        benefit_frequency=Programme.Frequency.MONTHLY,
        benefit_in_kind="bahan pangan lewat e-warong",
        uses_targeting=False,
    )
    enrolled_on = dt.date(year, 1, 1)
    recipient_cols = (
        "id",
        "public_id",
        "village_id",
        "programme_id",
        "period",
        "family_id",
        "source",
        "status",
        "enrolled_on",
        "external_id",
        "created_at",
        "updated_at",
    )
    # Ids reserved first: the entitlements below point at the PKH recipients without reading
    # them back (while the bench loads, the table has no index but its primary key).
    # One reservation: on SQLite the ids come from the table's current maximum.
    recipient_ids = reserve_ids(Recipient, len(pkh_families) + len(bpnt_families))
    pkh_recipient_ids = recipient_ids[: len(pkh_families)]
    rows = [
        (
            pkh_recipient_ids[n],
            next(take),
            village_id,
            pkh.pk,
            pkh.period,
            fid,
            "import",
            "active",
            enrolled_on,
            f"PKH{village.code_digits[-4:]}{n:05d}",
            now,
            now,
        )
        for n, fid in enumerate(pkh_families)
    ] + [
        (pk, next(take), village_id, bpnt.pk, bpnt.period, fid, "import", "active", enrolled_on, "", now, now)
        for pk, fid in zip(recipient_ids[len(pkh_families) :], bpnt_families, strict=True)
    ]
    model_rows(Recipient, recipient_cols).run(rows)

    # An approved PKH cycle next month with an entitlement per recipient (the kiosk's
    # "next distribution"), and the past quarter already closed.
    quarter = (today.month - 1) // 3
    start = dt.date(year, quarter * 3 + 1, 1)
    end = (dt.date(year + (quarter == 3), ((quarter + 1) % 4) * 3 + 1, 1)) - dt.timedelta(days=1)
    cycle = DistributionCycle.objects.create(
        village=village,
        programme=pkh,
        period=pkh.period,
        number=quarter + 1,
        label=f"Tahap {quarter + 1} {year}",
        covers_start=start,
        covers_end=end,
        planned_on=min(today + dt.timedelta(days=rnd.randint(7, 25)), dt.date(year, 12, 31)),
        amount=PKH_AMOUNT,
        status=DistributionCycle.Status.APPROVED,
        approved_at=timezone.now(),
    )
    model_rows(
        Entitlement,
        (
            "public_id",
            "village_id",
            "cycle_id",
            "recipient_id",
            "amount",
            "status",
            "created_at",
            "updated_at",
        ),
    ).run(
        [
            (next(take), village_id, cycle.pk, rid, PKH_AMOUNT, "pending", now, now)
            for rid in pkh_recipient_ids
        ]
    )

    # A village programme with rules in data and RT proposals waiting for the list.
    rtlh = _programme(
        village,
        year,
        name=f"Rehab Rumah Tidak Layak Huni {year}",
        code="rtlh",
        source=Programme.Source.DANA_DESA,
        benefit_kind=Programme.BenefitKind.IN_KIND,
        benefit_amount=0,
        benefit_frequency=Programme.Frequency.ONCE,
        benefit_in_kind="bahan bangunan senilai Rp15.000.000",
        quota=5,
        legal_basis="Perdes APBDes tahun berjalan",
    )
    rtlh.status = Programme.Status.DRAFT
    rtlh.save(update_fields=["status"])
    Criterion.objects.bulk_create(
        [
            Criterion(
                village=village,
                programme=rtlh,
                kind="eligibility",
                field="surveyed",
                operator="true",
                position=0,
            ),
            Criterion(
                village=village,
                programme=rtlh,
                kind="eligibility",
                field="ownership",
                operator="eq",
                value=1,
                position=1,
            ),
            Criterion(
                village=village,
                programme=rtlh,
                kind="priority",
                field="desil",
                operator="lte",
                value=4,
                tier=1,
                position=2,
            ),
            Criterion(
                village=village,
                programme=rtlh,
                kind="score",
                field="floor",
                operator="in",
                value=[5, 6],
                weight=35,
                position=3,
            ),
            Criterion(
                village=village,
                programme=rtlh,
                kind="score",
                field="wall",
                operator="in",
                value=[4, 5],
                weight=35,
                position=4,
            ),
            Criterion(
                village=village,
                programme=rtlh,
                kind="score",
                field="roof",
                operator="in",
                value=[5, 6],
                weight=15,
                position=5,
            ),
            Criterion(
                village=village,
                programme=rtlh,
                kind="score",
                field="sanitation",
                operator="eq",
                value=4,
                weight=15,
                position=6,
            ),
        ]
    )
    proposals = rnd.sample([fid for fid, _hh in families], min(2, len(families)))
    Candidate.objects.bulk_create(
        [
            Candidate(
                village=village,
                programme=rtlh,
                period=rtlh.period,
                family_id=fid,
                source=Candidate.Source.RT_RW,
                status=Candidate.Status.PROPOSED,
                proposer_name="Ketua RT",
                proposal_note="Atap bocor dan dinding bambu lapuk.",
            )
            for fid in proposals
        ]
    )
    return {
        "aid_deciles": len(deciles),
        "aid_surveys": len(survey_rows),
        "aid_programmes": 3,
        "aid_recipients": len(rows),
        "aid_entitlements": len(pkh_recipient_ids),
    }


def clear_village(*, village: Village) -> int:
    """Delete every aid row of one village (raw DELETEs, children first): for the bench, which
    empties its import village with raw DELETEs of families and residents that these rows
    reference. Returns the number of rows removed."""
    from balai.aid import models as m

    order: list[type[models.Model]] = [
        m.Distribution,
        m.Entitlement,
        m.DistributionCycle,
        m.RecipientImportRow,
        m.RecipientImport,
        m.RecipientChange,
        m.Recipient,
        m.Decree,
        m.DeliberationAttendee,
        m.Deliberation,
        m.Verification,
        m.Candidate,
        m.Criterion,
        m.ProgrammeExclusion,
        m.Programme,
        m.WelfareSurvey,
        m.OfficialDecile,
    ]
    removed = 0
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in order:
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)} WHERE village_id = %s", [village.pk])
            removed += max(cursor.rowcount, 0)
    return removed
