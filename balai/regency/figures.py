"""The figures a monthly snapshot freezes, and how they are counted for many villages at once.

Every figure is counted for all villages in one grouped query per table (never one query per
village), so a month of 248 villages and a million residents is a handful of scans.
Population figures are the registry as it stands when the snapshot is taken (the 1st of
the next month, or today for the running month); event figures count the month's dates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # A dev-only package: the annotation is a string at runtime (`from __future__ import annotations`).
    from django_stubs_ext import StrOrPromise

from balai.aid.models import Recipient
from balai.core.dates import Month
from balai.desk.models import Complaint, Ticket
from balai.health.models import ChildMeasurement
from balai.letters.models import Letter
from balai.people import codes
from balai.people.models import Family, LifeEvent, Resident

MALE, FEMALE = 1, 2


@dataclass(frozen=True)
class Figure:
    key: str
    label: StrOrPromise
    group: StrOrPromise
    # "sum": villages add up; "rate": a percentage computed from two summed figures.
    kind: str = "sum"
    of: tuple[str, str] | None = None  # (numerator, denominator) of a rate


POPULATION = _("Penduduk")
EVENTS = _("Peristiwa bulan ini")
SERVICES = _("Layanan")
WELFARE = _("Kesejahteraan dan kesehatan")
QUALITY = _("Mutu data")

FIGURES: list[Figure] = [
    Figure("residents", _("Penduduk"), POPULATION),
    Figure("male", _("Laki-laki"), POPULATION),
    Figure("female", _("Perempuan"), POPULATION),
    Figure("age_0_4", _("0–4 th"), POPULATION),
    Figure("age_5_14", _("5–14 th"), POPULATION),
    Figure("age_15_64", _("15–64 th"), POPULATION),
    Figure("age_65", _("65+ th"), POPULATION),
    Figure("families", _("KK"), POPULATION),
    Figure("births", _("Lahir"), EVENTS),
    Figure("deaths", _("Mati"), EVENTS),
    Figure("moves_in", _("Pindah masuk"), EVENTS),
    Figure("moves_out", _("Pindah keluar"), EVENTS),
    Figure("letters_issued", _("Surat terbit"), SERVICES),
    Figure("letters_kiosk", _("Surat lewat anjungan"), SERVICES),
    Figure("complaints", _("Pengaduan"), SERVICES),
    Figure("queue_tickets", _("Antrean layanan"), SERVICES),
    Figure("aid_recipients", _("Penerima bantuan aktif"), WELFARE),
    Figure("children_measured", _("Balita diukur"), WELFARE),
    Figure("stunted", _("Balita stunting"), WELFARE),
    Figure(
        "stunting_rate",
        _("Prevalensi stunting (%)"),
        WELFARE,
        kind="rate",
        of=("stunted", "children_measured"),
    ),
    Figure("no_birth_date", _("Tanpa tanggal lahir"), QUALITY),
    Figure("no_rt", _("Tanpa RT"), QUALITY),
]
BY_KEY = {f.key: f for f in FIGURES}
COUNTED = [f.key for f in FIGURES if f.kind == "sum"]


def _years_ago(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _age_group(on: dt.date) -> Case:
    """0–4, 5–14, 15–64, 65+ on `on`, exact to the day (age ≥ n ⇔ born on or before n years ago)."""
    return Case(
        When(birth_date__gt=_years_ago(on, 5), then=Value(0)),
        When(birth_date__gt=_years_ago(on, 15), then=Value(1)),
        When(birth_date__gt=_years_ago(on, 65), then=Value(2)),
        When(birth_date__isnull=False, then=Value(3)),
        default=None,
        output_field=IntegerField(),
    )


AGE_KEYS = ["age_0_4", "age_5_14", "age_15_64", "age_65"]
EVENT_KEYS = {
    LifeEvent.Kind.BIRTH: "births",
    LifeEvent.Kind.DEATH: "deaths",
    LifeEvent.Kind.MOVE_IN: "moves_in",
    LifeEvent.Kind.MOVE_OUT: "moves_out",
}
STUNTED_Z = -2.0


def month_range(field: str, month: Month) -> dict[str, dt.datetime]:
    """Filter arguments for a datetime `field` within `month` in the deployment's time zone."""
    return {
        f"{field}__gte": timezone.make_aware(dt.datetime.combine(month.first, dt.time.min)),
        f"{field}__lt": timezone.make_aware(dt.datetime.combine(month.after, dt.time.min)),
    }


# Figures of the registry as it stands (not dated): a past month's cannot be recounted today.
STANDING_KEYS = {
    "residents",
    "male",
    "female",
    *AGE_KEYS,
    "families",
    "no_birth_date",
    "no_rt",
    "aid_recipients",
}


def count_figures(
    *, village_ids: Iterable[int], month: Month, on: dt.date, dated_only: bool = False
) -> dict[int, dict[str, int]]:
    """Every counted figure of `month` for each village id; population as on `on`.

    `dated_only`: only the figures counted by their own date in the month (events, letters,
    complaints, tickets, measurements, the plugins'), which any past month still has; the
    standing figures (`STANDING_KEYS`) are left out."""
    ids = list(village_ids)
    keys = [k for k in COUNTED if not (dated_only and k in STANDING_KEYS)]
    result: dict[int, dict[str, int]] = {pk: dict.fromkeys(keys, 0) for pk in ids}
    if not dated_only:
        _count_standing(result, ids, on)
    _count_dated(result, ids, month)
    _plugin_counts(result, ids, month)
    return result


def _count_standing(result: dict[int, dict[str, int]], ids: list[int], on: dt.date) -> None:
    residents = (
        Resident.objects.filter(village_id__in=ids, status=codes.STATUS_ALIVE)
        .order_by()
        .values("village_id", "sex")
        .annotate(group=_age_group(on))
        .values("village_id", "sex", "group")
        .annotate(n=Count("*"))
    )
    for r in residents:
        row = result[r["village_id"]]
        row["residents"] += r["n"]
        # As the monthly population report (people.books.Line): anyone not recorded female is
        # counted with the men, so residents = male + female always.
        if r["sex"] == FEMALE:
            row["female"] += r["n"]
        else:
            row["male"] += r["n"]
        if r["group"] is not None:
            row[AGE_KEYS[r["group"]]] += r["n"]

    quality = (
        Resident.objects.filter(village_id__in=ids, status=codes.STATUS_ALIVE)
        .filter(Q(birth_date__isnull=True) | Q(rt__isnull=True))
        .order_by()
        .values("village_id")
        .annotate(
            no_birth=Count("pk", filter=Q(birth_date__isnull=True)),
            no_rt=Count("pk", filter=Q(rt__isnull=True)),
        )
    )
    for r in quality:
        result[r["village_id"]]["no_birth_date"] = r["no_birth"]
        result[r["village_id"]]["no_rt"] = r["no_rt"]
    _grouped(result, Family.objects.filter(village_id__in=ids, is_active=True), "families")
    _grouped(
        result, Recipient.objects.filter(village_id__in=ids, status=Recipient.Status.ACTIVE), "aid_recipients"
    )


def _grouped(result: dict[int, dict[str, int]], qs: Any, key: str, extra: str | None = None) -> None:
    fields = ["village_id", *([extra] if extra else [])]
    for r in qs.order_by().values(*fields).annotate(n=Count("*")):
        name = key if extra is None else EVENT_KEYS.get(r[extra])
        if name:
            result[r["village_id"]][name] += r["n"]


def _count_dated(result: dict[int, dict[str, int]], ids: list[int], month: Month) -> None:
    first, after = month.first, month.after
    grouped = partial(_grouped, result)
    grouped(
        # The monthly population report's rule (people.books): by event date, cancelled events
        # count nowhere, so "Lahir" here is the report's "Lahir" for the same month.
        LifeEvent.objects.filter(
            village_id__in=ids,
            kind__in=list(EVENT_KEYS),
            event_date__gte=first,
            event_date__lt=after,
            cancelled_at__isnull=True,
        ),
        "",
        "kind",
    )
    # Letters issued: the moment the letter was issued in Balai (`issued_at`) within the month,
    # the rule of the letter book, the rollout's "live" stage and the freshness board.
    issued = Letter.objects.filter(village_id__in=ids, **month_range("issued_at", month))
    grouped(issued, "letters_issued")
    grouped(issued.filter(channel=Letter.Channel.KIOSK), "letters_kiosk")
    grouped(
        Complaint.objects.filter(village_id__in=ids, created_at__date__gte=first, created_at__date__lt=after),
        "complaints",
    )
    grouped(Ticket.objects.filter(village_id__in=ids, day__gte=first, day__lt=after), "queue_tickets")
    measured = (
        ChildMeasurement.objects.filter(
            village_id__in=ids, measured_on__gte=first, measured_on__lt=after, z_lhfa__isnull=False
        )
        .order_by()
        .values("village_id")
        .annotate(
            children=Count("child_id", distinct=True),
            stunted=Count("child_id", distinct=True, filter=Q(z_lhfa__lt=STUNTED_Z)),
        )
    )
    for r in measured:
        result[r["village_id"]]["children_measured"] = r["children"]
        result[r["village_id"]]["stunted"] = r["stunted"]


def count_dated_months(
    *, village_ids: Iterable[int], months: list[Month]
) -> dict[Month, dict[int, dict[str, int]]]:
    """`count_figures(..., dated_only=True)` of every month in `months` for every village, in
    one grouped pass per table (village × month bucket) instead of a pass per month: the demo's
    and the bench's 24 estimated months of 248 villages are a dozen scans, not six thousand.

    The buckets are the same lookups as the monthly count's, so the figures are identical
    (a test compares both on SQLite and PostgreSQL)."""
    ids = list(village_ids)
    keys = [k for k in COUNTED if k not in STANDING_KEYS]
    result = {m: {pk: dict.fromkeys(keys, 0) for pk in ids} for m in months}
    if not ids or not months:
        return result
    _count_dated_months(result, ids, months)
    for key, count in PLUGIN_COUNTS.items():
        by_months = PLUGIN_MONTH_COUNTS.get(key)
        if by_months is not None:
            for (village_id, month), n in by_months(village_ids=ids, months=months).items():
                if month in result and village_id in result[month]:
                    result[month][village_id][key] = int(n)
            continue
        for month in months:  # a plugin without a grouped count: one pass per month, all villages
            for village_id, n in count(village_ids=ids, month=month).items():
                if village_id in result[month]:
                    result[month][village_id][key] = int(n)
    return result


def month_bucket(months: list[Month], lookups: Any) -> Case:
    """The index in `months` of the month a row falls in (None: none of them), from
    `lookups(month)` -> the filter arguments that put a row in that month."""
    return Case(
        *(When(Q(**lookups(m)), then=Value(i)) for i, m in enumerate(months)),
        default=None,
        output_field=IntegerField(),
    )


def _date_bounds(field: str) -> Any:
    return lambda m: {f"{field}__gte": m.first, f"{field}__lt": m.after}


def _count_dated_months(
    result: dict[Month, dict[int, dict[str, int]]], ids: list[int], months: list[Month]
) -> None:
    span = Month(*min((m.year, m.month) for m in months)), Month(*max((m.year, m.month) for m in months))

    def rows(qs: Any, bounds: Any, *fields: str, **counts: Any) -> Iterable[tuple[Month, dict[str, Any]]]:
        # The whole span in one WHERE (an index range), each row's month from the same bounds.
        lower, upper = bounds(span[0]), bounds(span[1])
        within = Q(**{k: v for k, v in lower.items() if k.endswith("__gte")}) & Q(
            **{k: v for k, v in upper.items() if k.endswith("__lt")}
        )
        grouped = (
            qs.filter(within, village_id__in=ids)
            .order_by()
            .annotate(bucket=month_bucket(months, bounds))
            .values("village_id", "bucket", *fields)
            .annotate(**(counts or {"n": Count("*")}))
        )
        for r in grouped:
            if r["bucket"] is not None and r["village_id"] in result[months[r["bucket"]]]:
                yield months[r["bucket"]], r

    for month, r in rows(
        LifeEvent.objects.filter(kind__in=list(EVENT_KEYS), cancelled_at__isnull=True),
        _date_bounds("event_date"),
        "kind",
    ):
        result[month][r["village_id"]][EVENT_KEYS[r["kind"]]] += r["n"]
    for month, r in rows(
        Letter.objects.all(),
        partial(month_range, "issued_at"),
        issued=Count("pk"),
        kiosk=Count("pk", filter=Q(channel=Letter.Channel.KIOSK)),
    ):
        result[month][r["village_id"]]["letters_issued"] += r["issued"]
        result[month][r["village_id"]]["letters_kiosk"] += r["kiosk"]
    for month, r in rows(Complaint.objects.all(), _date_bounds("created_at__date")):
        result[month][r["village_id"]]["complaints"] += r["n"]
    for month, r in rows(Ticket.objects.all(), _date_bounds("day")):
        result[month][r["village_id"]]["queue_tickets"] += r["n"]
    for month, r in rows(
        ChildMeasurement.objects.filter(z_lhfa__isnull=False),
        _date_bounds("measured_on"),
        children=Count("child_id", distinct=True),
        stunted=Count("child_id", distinct=True, filter=Q(z_lhfa__lt=STUNTED_Z)),
    ):
        result[month][r["village_id"]]["children_measured"] = r["children"]
        result[month][r["village_id"]]["stunted"] = r["stunted"]


def value(figures: Mapping[str, int | float], key: str) -> float | int | None:
    """A figure of one village or a sum of villages; a rate from its two parts (None: no data)."""
    figure = BY_KEY[key]
    if figure.kind == "rate" and figure.of:
        num, den = figures.get(figure.of[0]), figures.get(figure.of[1])
        if num is None or not den:
            return None
        return round(100 * num / den, 1)
    return figures.get(key)


def add_up(rows: Iterable[dict[str, int]]) -> dict[str, int]:
    """The sum of several villages' figures (a key absent from one village stays absent only
    if absent from all)."""
    total: dict[str, int] = defaultdict(int)
    for row in rows:
        for key, n in row.items():
            total[key] += n
    return dict(total)


# --- Other domains' headline figures ---------------------------------------------------------
#
# A domain adds figures to the monthly snapshot without regency importing it (arrows point
# down): `<app>/snapshot_figures.py` defines
#
#     SNAPSHOT_FIGURES = [("apbdes_total", "APBDes (Rp)", "Keuangan", count)]
#
# where `count(*, village_ids: list[int], month: Month) -> dict[int, int]` answers every village
# at once (one grouped query), like the counts above. Months frozen before a figure existed
# simply lack its key, and the pages show "–" there.

PLUGIN_COUNTS: dict[str, Any] = {}
# Optional grouped counts of many months at once (the demo's estimated history), from
# `<app>/snapshot_figures.py`'s `SNAPSHOT_FIGURES_BY_MONTH = [(key, count_months)]` where
# `count_months(*, village_ids, months) -> dict[(village_id, Month), int]` gives exactly what
# `count` gives month by month. A figure without one is counted month by month.
PLUGIN_MONTH_COUNTS: dict[str, Any] = {}


def load_plugins() -> None:
    """Called once from `RegencyConfig.ready`: add the collected figures to the tables."""
    from balai.core.plugins import collect

    for key, label, group, count in collect("snapshot_figures", "SNAPSHOT_FIGURES"):
        if key in BY_KEY:
            continue
        figure = Figure(key, label, group)
        FIGURES.append(figure)
        BY_KEY[key] = figure
        COUNTED.append(key)
        PLUGIN_COUNTS[key] = count
    for key, count_months in collect("snapshot_figures", "SNAPSHOT_FIGURES_BY_MONTH"):
        if key in PLUGIN_COUNTS:
            PLUGIN_MONTH_COUNTS[key] = count_months


def _plugin_counts(result: dict[int, dict[str, int]], ids: list[int], month: Month) -> None:
    for key, count in PLUGIN_COUNTS.items():
        for village_id, n in count(village_ids=ids, month=month).items():
            if village_id in result:
                result[village_id][key] = int(n)
