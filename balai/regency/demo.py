"""Demo data of the regency module: 24 months of snapshots for each freshly generated village,
so the regency pages show trends and "last March" on a new demo.

The months before the demo existed cannot be counted (the registry was not there): they are
rebuilt from the village's figures today, walked back with a small monthly growth and
random monthly events, and marked `estimated`. The running month is left to the `snapshot`
command (or the button on the page), as on a real deployment.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from balai.core.dates import Month
from balai.regency.figures import BY_KEY, count_figures
from balai.regency.geo import demo_point
from balai.regency.models import VillageSnapshot
from balai.regions.models import Village

DEMO_ORDER = 90
MONTHS = 24
GROWTH_PER_MONTH = 0.0008  # about 1% a year, Jawa Tengah's order of magnitude
KIOSK_MONTHS = 12  # the kiosks came a year before the demo's today


def past_snapshots(*, village: Village, rnd: random.Random, today: dt.date, months: int = MONTHS) -> int:
    """The `months` months before `today`'s, estimated from today's figures (none replaced)."""
    current = Month.of(today)
    now = count_figures(village_ids=[village.pk], month=current, on=today)[village.pk]
    done = set(VillageSnapshot.objects.filter(village=village).values_list("month", flat=True))
    rows = []
    taken = timezone.now()
    month = current
    for back in range(1, months + 1):
        month = month.previous()
        if month.first in done:
            continue
        scale = (1 - GROWTH_PER_MONTH) ** back
        figures = {k: round(v * scale) for k, v in now.items() if k in POPULATION_KEYS}
        residents = max(now["residents"], 1)
        figures.update(
            births=_poisson(rnd, residents * 0.0013),
            deaths=_poisson(rnd, residents * 0.0006),
            moves_in=_poisson(rnd, residents * 0.0004),
            moves_out=_poisson(rnd, residents * 0.0007),
            letters_issued=_poisson(rnd, residents * 0.01),
            complaints=_poisson(rnd, 2),
            queue_tickets=_poisson(rnd, residents * 0.02),
            aid_recipients=round(now.get("aid_recipients", 0) * scale),
        )
        figures["letters_kiosk"] = round(figures["letters_issued"] * rnd.uniform(0.1, 0.3))
        if back <= KIOSK_MONTHS and "kiosk_sign_ins" in BY_KEY:
            # The kiosk's figures (contributed by kiosk/snapshot_figures.py) since its rollout a
            # year ago, growing as residents get used to it; older months show "–".
            uptake = 1 - back / (KIOSK_MONTHS + 1)
            figures.update(
                kiosk_sign_ins=_poisson(rnd, residents * 0.012 * uptake),
                kiosk_letters_self_served=round(figures["letters_kiosk"] * 0.6 * uptake),
                kiosk_complaints=min(figures["complaints"], _poisson(rnd, 1.2 * uptake)),
            )
        measured = max(0, round(now["age_0_4"] * rnd.uniform(0.75, 0.9)))
        # Stunting falling slowly over the two years, around the regency's e-PPGBM figures.
        rate = max(0.05, 0.14 + 0.002 * back + rnd.gauss(0, 0.015))
        figures.update(children_measured=measured, stunted=round(measured * rate))
        rows.append(
            VillageSnapshot(
                village=village,
                month=month.first,
                taken_at=dt.datetime.combine(month.after, dt.time(1, 0), tzinfo=dt.UTC)
                if month.after <= today
                else taken,
                figures=figures,
                estimated=True,
            )
        )
    VillageSnapshot.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


POPULATION_KEYS = {
    "residents",
    "male",
    "female",
    "age_0_4",
    "age_5_14",
    "age_15_64",
    "age_65",
    "families",
    "no_birth_date",
    "no_rt",
}


def _poisson(rnd: random.Random, mean: float) -> int:
    # Normal approximation, good enough for demo counts (and cheap: this runs per bench village).
    return max(0, round(rnd.gauss(mean, mean**0.5))) if mean > 0 else 0


def place_village(*, village: Village, rnd: random.Random) -> None:
    """A demo office point near the village's district centre (kept if one is set)."""
    if village.latitude is None or village.longitude is None:
        village.latitude, village.longitude = demo_point(village.district_code, rnd)
        Village.objects.filter(pk=village.pk).update(latitude=village.latitude, longitude=village.longitude)


def extend_village(*, village: Village, rnd: random.Random, today: dt.date) -> int:
    place_village(village=village, rnd=rnd)
    return past_snapshots(village=village, rnd=rnd, today=today)
