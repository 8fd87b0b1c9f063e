"""Demo data of the regency module: 24 months of snapshots for each freshly generated village,
so the regency pages show trends and "last March" on a new demo.

The months before the demo existed are marked `estimated`: their dated figures (events,
letters, complaints, measurements) are counted from the database like a real month's, and
their population is walked back from today's with a small monthly growth (parts adding up). The running month is left to the `snapshot`
command (or the button on the page), as on a real deployment.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from balai.core.dates import Month
from balai.regency.figures import AGE_KEYS, count_dated_months, count_figures
from balai.regency.geo import demo_point
from balai.regency.models import VillageSnapshot
from balai.regions.models import Village

DEMO_ORDER = 90
MONTHS = 24
GROWTH_PER_MONTH = 0.0008  # about 1% a year, Jawa Tengah's order of magnitude
KIOSK_MONTHS = 12  # the kiosks came a year before the demo's today


def past_snapshots(*, village: Village, rnd: random.Random, today: dt.date, months: int = MONTHS) -> int:
    """The `months` months before `today`'s (none replaced), marked `estimated`.

    Everything the database dates (events, letters issued, complaints, queue tickets,
    measurements, the kiosk's figures) is counted for the month by the same code as a real
    snapshot, so a past month never claims a letter or a birth the registry does not hold.
    Only the standing figures (population, KK, aid recipients, data quality), which cannot be
    recounted for a past month, are walked back from today's with a small monthly growth, and
    split so their parts add up: men + women = residents = age bands + without birth date."""
    return past_snapshots_many(villages=[village], today=today, months=months)


def past_snapshots_many(*, villages: list[Village], today: dt.date, months: int = MONTHS) -> int:
    """`past_snapshots` of many villages at once: today's figures in one count, the dated
    figures of every month in one grouped pass per table (`count_dated_months`), never a pass
    per village and month (6,000 of them for the bench's 248 villages, minutes on PostgreSQL)."""
    if not villages:
        return 0
    ids = [v.pk for v in villages]
    current = Month.of(today)
    now = count_figures(village_ids=ids, month=current, on=today)
    done: dict[int, set[dt.date]] = {pk: set() for pk in ids}
    for village_id, first in VillageSnapshot.objects.filter(village_id__in=ids).values_list(
        "village_id", "month"
    ):
        done[village_id].add(first)
    past = current.back(months + 1)[:-1][::-1]  # the month before today's first
    wanted = [m for m in past if any(m.first not in done[pk] for pk in ids)]
    dated = count_dated_months(village_ids=ids, months=wanted)
    taken = timezone.now()
    rows = []
    for pk in ids:
        for back, month in enumerate(past, start=1):
            if month.first in done[pk]:
                continue
            figures = dated[month][pk]
            if back > KIOSK_MONTHS:
                # Before the kiosks came (a year before the demo's today) their figures show "–".
                figures = {k: n for k, n in figures.items() if not k.startswith("kiosk_")}
            figures.update(estimate_standing(now[pk], (1 - GROWTH_PER_MONTH) ** back))
            rows.append(
                VillageSnapshot(
                    village_id=pk,
                    month=month.first,
                    taken_at=dt.datetime.combine(month.after, dt.time(1, 0), tzinfo=dt.UTC)
                    if month.after <= today
                    else taken,
                    figures=figures,
                    estimated=True,
                )
            )
    VillageSnapshot.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def estimate_standing(now: dict[str, int], scale: float) -> dict[str, int]:
    """Today's standing figures scaled by `scale`, each whole split exactly into its parts."""
    residents = round(now.get("residents", 0) * scale)
    figures = {"residents": residents}
    figures.update(apportion(residents, {k: now.get(k, 0) for k in ("male", "female")}))
    figures.update(apportion(residents, {k: now.get(k, 0) for k in (*AGE_KEYS, "no_birth_date")}))
    for key in ("families", "no_rt", "aid_recipients"):
        figures[key] = min(residents, round(now.get(key, 0) * scale))
    return figures


def apportion(total: int, parts: dict[str, int]) -> dict[str, int]:
    """`total` split in the proportions of `parts` (largest remainder): the parts sum to `total`."""
    weight = sum(parts.values())
    if not weight:
        shares = dict.fromkeys(parts, 0)
        if parts and total:
            shares[next(iter(parts))] = total
        return shares
    exact = {k: total * n / weight for k, n in parts.items()}
    shares = {k: int(x) for k, x in exact.items()}
    left = total - sum(shares.values())
    for k in sorted(exact, key=lambda k: exact[k] - shares[k], reverse=True)[:left]:
        shares[k] += 1
    return shares


def place_village(*, village: Village, rnd: random.Random) -> None:
    """A demo office point near the village's district centre (kept if one is set)."""
    if village.latitude is None or village.longitude is None:
        village.latitude, village.longitude = demo_point(village.district_code, rnd)
        Village.objects.filter(pk=village.pk).update(latitude=village.latitude, longitude=village.longitude)


def extend_village(*, village: Village, rnd: random.Random, today: dt.date) -> int:
    place_village(village=village, rnd=rnd)
    return past_snapshots(village=village, rnd=rnd, today=today)
