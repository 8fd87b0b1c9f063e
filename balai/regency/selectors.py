"""Reads of the regency pages. Every selector takes the villages the caller may read
(`Scope.readable_villages()`) or the district the caller is limited to, so a camat never
counts another district's villages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, DecimalField, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.accounts.models import Role, User
from balai.aid.models import DistributionCycle
from balai.core.dates import Month, Period, Reporting, last_complete_month
from balai.devices.models import KioskDevice
from balai.finance.models import Budget, Entry
from balai.health.models import Posyandu, PosyanduSession
from balai.letters.models import IncomingLetter, Letter
from balai.people.models import ImportJob, LifeEvent, Resident
from balai.regency import figures as F
from balai.regency.models import VillageSnapshot
from balai.regions.models import Village
from balai.regions.selectors import deployment_regency_code, region_names
from balai.staff.models import Official

# --- Snapshots ----------------------------------------------------------------------------


def snapshot_months(*, villages: QuerySet[Village]) -> list[Month]:
    """Months with at least one frozen village among `villages`, newest first."""
    days = (
        VillageSnapshot.objects.filter(village__in=villages)
        .order_by("-month")
        .values_list("month", flat=True)
        .distinct()
    )
    return [Month.of(d) for d in days]


def default_month(months: list[Month], *, today: dt.date) -> Month | None:
    """The month a regency table opens on: the newest frozen month that has ended (reports
    open on the last complete month, core.dates.Period), else the running month when it is
    all there is. `months` newest first, as `snapshot_months` gives them."""
    complete = last_complete_month(today)
    return next((m for m in months if m <= complete), months[0] if months else None)


@dataclass
class TableRow:
    code: str
    name: str
    figures: dict[str, int] | None  # None: no snapshot of this village for the month

    def value(self, key: str) -> Any:
        return F.value(self.figures, key) if self.figures is not None else None


@dataclass
class DistrictTable:
    code: str
    name: str
    villages: list[TableRow] = field(default_factory=list)

    @property
    def total(self) -> TableRow:
        return TableRow(self.code, self.name, F.add_up(v.figures for v in self.villages if v.figures))


@dataclass
class RegencyTable:
    month: Month
    districts: list[DistrictTable]
    as_of: dt.datetime | None
    estimated: bool
    missing: int  # villages in scope, live in the month, without a snapshot for it
    # The month seen from today: a running month's figures are frozen mid-month, labelled so.
    period: Period
    # Snapshots of an ended month that were frozen before it ended (their figures stop there).
    partial: int = 0
    # Villages switched on after the month ended: left out, so a frozen month never grows.
    later: int = 0

    @property
    def reporting(self) -> Reporting:
        """ "6 dari 8 desa melapor": villages with a snapshot for the month."""
        shown = len(self.rows)
        return Reporting(shown - self.missing, shown, _("desa"))

    @property
    def total(self) -> TableRow:
        rows = [v.figures for d in self.districts for v in d.villages if v.figures]
        return TableRow("", _("Jumlah"), F.add_up(rows))

    @property
    def rows(self) -> list[TableRow]:
        return [v for d in self.districts for v in d.villages]


def regency_table(
    *, villages: QuerySet[Village], month: Month, district_code: str = "", today: dt.date | None = None
) -> RegencyTable:
    """Each village's frozen figures of `month`, grouped by district: one query on the
    snapshot table, however many residents.

    A month counts the villages that have its snapshot plus those already switched on
    (created) by its last day: a village switched on later did not exist in Balai then, so
    it is neither a row nor "missing", and a frozen month keeps its figures and its count."""
    today = today or timezone.localdate()
    if district_code:
        villages = villages.filter(district_code=district_code)
    in_scope = list(
        villages.order_by("code").values_list(
            "pk", "code", "name", "district_code", "district_name", "created_at"
        )
    )
    snaps = {
        s["village_id"]: s
        for s in VillageSnapshot.objects.filter(
            month=month.first, village_id__in=[v[0] for v in in_scope]
        ).values("village_id", "figures", "taken_at", "estimated")
    }
    village_rows = [v[:5] for v in in_scope if v[0] in snaps or timezone.localdate(v[5]) <= month.last]
    districts: dict[str, DistrictTable] = {}
    for pk, code, name, d_code, d_name in village_rows:
        snap = snaps.get(pk)
        district = districts.setdefault(d_code, DistrictTable(d_code, d_name))
        district.villages.append(TableRow(code, name, snap["figures"] if snap else None))
    taken = [s["taken_at"] for s in snaps.values()]
    as_of = max(taken) if taken else None
    days = [timezone.localdate(t) for t in taken]
    period = Period(month, today, until=min(today, timezone.localdate(as_of)) if as_of else None)
    return RegencyTable(
        month=month,
        districts=list(districts.values()),
        as_of=as_of,
        estimated=any(s["estimated"] for s in snaps.values()),
        missing=len(village_rows) - len(snaps),
        period=period,
        partial=0 if period.running else sum(1 for d in days if d <= month.last),
        later=len(in_scope) - len(village_rows),
    )


def trend(*, villages: QuerySet[Village], key: str, months: int = 24) -> list[tuple[Month, Any]]:
    """One figure summed over `villages` for each frozen month (oldest first)."""
    totals = _sums_by_month(villages=villages, keys=[key])
    result = [(Month.of(m), F.value(totals[m], key)) for m in sorted(totals)]
    return result[-months:]


def _sums_by_month(*, villages: QuerySet[Village], keys: list[str]) -> dict[dt.date, dict[str, int | float]]:
    """The parts of `keys` (a rate's two counts) summed over `villages` per frozen month, in the
    database: reading every village's whole snapshot for 24 months (6,000 documents at 248
    villages) and adding them up in Python cost the regency page ~200 ms of CPU. A key absent
    from every village of a month stays absent (SUM of nothing is NULL), as `F.add_up` does."""
    parts: list[str] = []
    for key in keys:
        figure = F.BY_KEY[key]
        for part in figure.of if figure.kind == "rate" and figure.of else (key,):
            if part not in parts:
                parts.append(part)
    sums = {
        f"s{i}": Sum(Cast(KT(f"figures__{part}"), DecimalField(max_digits=24, decimal_places=4)))
        for i, part in enumerate(parts)
    }
    result: dict[dt.date, dict[str, int | float]] = {}
    for row in (
        VillageSnapshot.objects.filter(village__in=villages).order_by().values("month").annotate(**sums)
    ):
        result[row["month"]] = {
            part: int(n) if n == int(n) else float(n)
            for i, part in enumerate(parts)
            if (n := row[f"s{i}"]) is not None
        }
    return result


# --- Rollout ------------------------------------------------------------------------------

STAGES = [
    ("not_started", _("Belum mulai")),
    ("preparing", _("Persiapan")),
    ("data_loaded", _("Data dimuat")),
    ("live", _("Berjalan")),
    ("kiosk_live", _("Anjungan berjalan")),
]


def stage_labels() -> dict[str, str]:
    return {key: str(label) for key, label in STAGES}


@dataclass
class RolloutRow:
    code: str
    name: str
    district_code: str
    district_name: str
    stage: int  # index into STAGES
    reached: dict[str, dt.datetime | None]  # stage key -> when it was reached
    missing: list[str]  # what the next stage still needs
    # Every step of the rollout, done or not: (what, done).
    checklist: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def stage_key(self) -> str:
        return STAGES[self.stage][0]

    @property
    def stage_label(self) -> str:
        return str(STAGES[self.stage][1])

    @property
    def reached_list(self) -> list[tuple[str, dt.datetime]]:
        """(stage label, when) of the stages reached, in order (for the tables)."""
        return [(str(label), self.reached[key]) for key, label in STAGES if self.reached.get(key)]  # type: ignore[misc]


@dataclass
class Rollout:
    rows: list[RolloutRow]

    def counts(self) -> list[tuple[str, str, int]]:
        return [
            (key, str(label), sum(1 for r in self.rows if r.stage == i))
            for i, (key, label) in enumerate(STAGES)
        ]

    def by_district(self) -> list[tuple[str, str, list[int]]]:
        districts: dict[str, tuple[str, list[int]]] = {}
        for r in self.rows:
            name, counts = districts.setdefault(r.district_code, (r.district_name, [0] * len(STAGES)))
            counts[r.stage] += 1
        return [(code, name, counts) for code, (name, counts) in sorted(districts.items())]

    def timeline(self) -> list[tuple[Month, list[int]]]:
        """Per month: how many villages reached each stage (from preparing on) in that month."""
        months: dict[Month, list[int]] = {}
        for r in self.rows:
            for i, (key, _label) in enumerate(STAGES[1:], start=1):
                when = r.reached.get(key)
                if when is not None:
                    months.setdefault(Month.of(timezone.localtime(when).date()), [0] * len(STAGES))[i] += 1
        return sorted(months.items())


def regency_region_villages(*, district_code: str = "") -> list[tuple[str, str, str, str]]:
    """(code, name, district code, district name) of every village of the regency's region list."""
    names = region_names()
    prefix = (district_code or deployment_regency_code()) + "."
    result = []
    for code, name in names.items():
        if code.startswith(prefix) and code.count(".") == 3:
            district = code.rsplit(".", 1)[0]
            result.append((code, name, district, names.get(district, district)))
    return sorted(result)


def rollout(*, district_code: str = "") -> Rollout:
    """Every village of the regency (or of one district) with its stage, computed from the data:
    active in Balai → accounts, profile, officials and residents → a letter issued → a kiosk."""
    served = {
        v.code: v
        for v in Village.objects.filter(regency_code=deployment_regency_code(), is_active=True).annotate(
            first_resident_at=Subquery(
                Resident.objects.filter(village=OuterRef("pk")).order_by("pk").values("created_at")[:1]
            ),
            first_letter_at=Subquery(
                Letter.objects.filter(village=OuterRef("pk"), issued_at__isnull=False)
                .order_by("issued_at")
                .values("issued_at")[:1]
            ),
            first_incoming_at=Subquery(
                IncomingLetter.objects.filter(village=OuterRef("pk")).order_by("pk").values("created_at")[:1]
            ),
            first_kiosk_at=Subquery(
                KioskDevice.objects.filter(village=OuterRef("pk"), enrolled_at__isnull=False)
                .order_by("enrolled_at")
                .values("enrolled_at")[:1]
            ),
        )
    }
    ids = [v.pk for v in served.values()]
    operators = set(
        User.objects.filter(village_id__in=ids, is_active=True, role=Role.OPERATOR).values_list(
            "village_id", flat=True
        )
    )
    officials = set(
        Official.objects.filter(village_id__in=ids).values_list("village_id", flat=True).distinct()
    )
    rows = []
    for code, name, d_code, d_name in regency_region_villages(district_code=district_code):
        village = served.get(code)
        if village is None:
            rows.append(
                RolloutRow(code, name, d_code, d_name, 0, {}, [_("Desa diaktifkan dengan akun pertamanya")])
            )
            continue
        v: Any = village
        # Live: the village's letter book runs in Balai, outgoing letters issued here or the
        # incoming ones recorded here (whichever came first).
        letter_days = [d for d in (v.first_letter_at, v.first_incoming_at) if d is not None]
        first_letter = min(letter_days) if letter_days else None
        reached: dict[str, dt.datetime | None] = {"preparing": village.created_at}
        prepared = {
            _("Akun operator"): village.pk in operators,
            _("Profil desa (alamat, kepala desa)"): bool(village.address and village.head_name),
            _("Perangkat desa tercatat"): village.pk in officials,
            _("Data penduduk diimpor"): v.first_resident_at is not None,
        }
        missing = [label for label, ok in prepared.items() if not ok]
        stage = 1
        if not missing:
            stage = 2
            reached["data_loaded"] = v.first_resident_at
            missing = [] if first_letter else [_("Surat pertama terbit (atau surat masuk dicatat) di Balai")]
            if first_letter:
                stage = 3
                reached["live"] = first_letter
                missing = [] if v.first_kiosk_at else [_("Anjungan terpasang dan terdaftar")]
                if v.first_kiosk_at:
                    stage = 4
                    reached["kiosk_live"] = v.first_kiosk_at
        checklist = [(str(_("Desa diaktifkan dengan akun pertamanya")), True)]
        checklist += [(str(label), ok) for label, ok in prepared.items()]
        checklist += [
            (str(_("Surat pertama terbit (atau surat masuk dicatat) di Balai")), first_letter is not None),
            (str(_("Anjungan terpasang dan terdaftar")), v.first_kiosk_at is not None),
        ]
        rows.append(
            RolloutRow(code, name, d_code, d_name, stage, reached, [str(m) for m in missing], checklist)
        )
    return Rollout(rows)


def activatable_villages(*, district_code: str = "") -> list[tuple[str, str, str]]:
    """(code, name, district name) of the regency's villages not yet served."""
    active = set(Village.objects.filter(is_active=True).values_list("code", flat=True))
    return [
        (code, name, d_name)
        for code, name, _d, d_name in regency_region_villages(district_code=district_code)
        if code not in active
    ]


# --- Freshness ----------------------------------------------------------------------------

GREEN, AMBER, RED = "green", "amber", "red"
STATUS_ORDER = {RED: 0, AMBER: 1, GREEN: 2}
QUIET_DAYS = 60


@dataclass
class FreshRow:
    code: str
    name: str
    district_code: str
    district_name: str
    last_registry: dt.datetime | None
    last_import: dt.datetime | None
    last_event: dt.date | None
    events_month: int
    last_letter: dt.datetime | None
    letters_month: int
    last_posyandu: dt.date | None
    posyandu_month: int
    has_posyandu: bool
    aid_overdue: int
    quality: dict[str, int] | None
    # Finance: the newest ledger entry or budget change, and this year's APBDes status
    # ("" when the village keeps no APBDes in Balai, "none" when this year's is missing).
    last_finance: dt.datetime | None = None
    apbdes: str = ""
    status: str = GREEN
    reasons: list[str] = field(default_factory=list)

    @property
    def last_activity(self) -> dt.datetime | None:
        days = [
            d
            for d in (self.last_registry, self.last_import, self.last_letter, self.last_finance)
            if d is not None
        ]
        return max(days) if days else None

    @property
    def apbdes_label(self) -> str:
        return str(APBDES_LABELS.get(self.apbdes, "–"))

    @property
    def status_label(self) -> str:
        return {GREEN: _("Hijau"), AMBER: _("Kuning"), RED: _("Merah")}[self.status]


APBDES_LABELS = {
    "none": _("belum ada"),
    Budget.Status.DRAFT: _("rancangan"),
    Budget.Status.SET: _("ditetapkan"),
    Budget.Status.REVISED: _("perubahan ditetapkan"),
}


def apbdes_reason(*, status: str, year: int) -> tuple[str, str] | None:
    """(colour, reason) for this year's APBDes, or None when it is set (or not kept in Balai).

    Permendagri 20/2018 art. 31–32: the Perdes APBDes is set by 31 December of the year before,
    so from 1 January on a year without a set APBDes is late: red when there is none at all,
    amber while a draft is being discussed."""
    deadline = dt.date(year - 1, 12, 31).strftime("%d-%m-%Y")
    if status == "none":
        return RED, _("APBDes %(year)s belum dibuat (batas penetapan %(date)s)") % {
            "year": year,
            "date": deadline,
        }
    if status == Budget.Status.DRAFT:
        return AMBER, _("APBDes %(year)s masih rancangan, belum ditetapkan (batas %(date)s)") % {
            "year": year,
            "date": deadline,
        }
    return None


def counted_events(ids: list[int], *, since: dt.date, until: dt.date) -> QuerySet[LifeEvent]:
    """The population events the board and the weekly digest count: by the event's own date
    (from `since` to `until`, both included), cancelled ones not at all, as the monthly
    population report counts them (not by when they were typed in)."""
    return LifeEvent.objects.filter(
        village_id__in=ids,
        kind__in=list(LifeEvent.Kind.values),
        event_date__gte=since,
        event_date__lte=until,
        cancelled_at__isnull=True,
    )


def _by_village(qs: QuerySet[Any], **aggregates: Any) -> dict[int, dict[str, Any]]:
    return {r["village_id"]: r for r in qs.order_by().values("village_id").annotate(**aggregates)}


SORTS = {
    "status": lambda r: (STATUS_ORDER[r.status], r.district_code, r.code),
    "desa": lambda r: r.name,
    "kecamatan": lambda r: (r.district_name, r.name),
    "aktivitas": lambda r: r.last_activity or dt.datetime.min.replace(tzinfo=dt.UTC),
    "surat": lambda r: -r.letters_month,
    "peristiwa": lambda r: -r.events_month,
}


def freshness(
    *,
    villages: QuerySet[Village],
    today: dt.date | None = None,
    district_code: str = "",
    sort: str = "status",
) -> list[FreshRow]:
    """Per village: when each module was last used, this month's work, expected work not done,
    and red/amber/green with the reasons. One grouped query per table for all villages."""
    now = timezone.now()
    today = today or timezone.localdate()
    month = Month.of(today)
    if district_code:
        villages = villages.filter(district_code=district_code)
    village_list = list(villages.order_by("code"))
    ids = [v.pk for v in village_list]
    # The event log is as long as the registry (a million rows): per village, the newest row
    # by id and the newest event date are index seeks (village, then kind/date), and this
    # month's count reads only this month's dates, never the whole log.
    newest = {
        r["pk"]: r
        for r in Village.objects.filter(pk__in=ids)
        .annotate(
            last_recorded=Subquery(
                LifeEvent.objects.filter(village=OuterRef("pk")).order_by("-pk").values("recorded_at")[:1]
            ),
            last_date=Subquery(
                LifeEvent.objects.filter(village=OuterRef("pk"), kind__in=list(F.EVENT_KEYS))
                .order_by("-event_date")
                .values("event_date")[:1]
            ),
        )
        .values("pk", "last_recorded", "last_date")
    }
    this_month = _by_village(
        counted_events(ids, since=month.first, until=today),
        month_n=Count("pk"),
    )
    events = {pk: newest[pk] | this_month.get(pk, {}) for pk in newest}
    imports = _by_village(
        ImportJob.objects.filter(village_id__in=ids, state=ImportJob.State.APPLIED), last=Max("finished_at")
    )
    # The letter book, by the rollout's rule for "live": outgoing letters issued in Balai
    # (`issued_at`) and incoming letters recorded; this month's count is the letters issued,
    # as the snapshot's "Surat terbit" counts them.
    letters = _by_village(
        Letter.objects.filter(village_id__in=ids, issued_at__isnull=False),
        last=Max("issued_at"),
        month_n=Count("pk", filter=Q(**F.month_range("issued_at", month))),
    )
    for village_id, last_in in (
        IncomingLetter.objects.filter(village_id__in=ids)
        .order_by()
        .values("village_id")
        .annotate(last=Max("created_at"))
        .values_list("village_id", "last")
    ):
        book = letters.setdefault(village_id, {})
        book["last"] = max(d for d in (book.get("last"), last_in) if d is not None)
    posyandu = set(
        Posyandu.objects.filter(village_id__in=ids).values_list("village_id", flat=True).distinct()
    )
    sessions = _by_village(
        PosyanduSession.objects.filter(village_id__in=ids, held_on__lte=today),
        last=Max("held_on"),
        month_n=Count("pk", filter=Q(held_on__gte=month.first)),
    )
    overdue = _by_village(
        DistributionCycle.objects.filter(
            village_id__in=ids,
            planned_on__lt=today,
            status__in=[DistributionCycle.Status.DRAFT, DistributionCycle.Status.APPROVED],
        ),
        n=Count("pk"),
    )
    # Finance: only a village that keeps its APBDes in Balai (a budget of any year) is held to
    # this year's; one that never used the module is not flagged for what Balai cannot see.
    budgets: dict[int, dict[int, str]] = {}
    for village_id, year, status in Budget.objects.filter(village_id__in=ids).values_list(
        "village_id", "year", "status"
    ):
        budgets.setdefault(village_id, {})[year] = status
    budget_changed = _by_village(Budget.objects.filter(village_id__in=ids), last=Max("updated_at"))
    entries = _by_village(Entry.objects.filter(village_id__in=ids), last=Max("created_at"))
    # Data-quality counts come from each village's newest snapshot (counted once a month,
    # not on every page view). Ordered by month, the dict keeps the newest row per village.
    # Only the two counts of the newest month (not every month's whole document: 6,000 of
    # them at 248 villages, most of the board's CPU).
    newest_month = (
        VillageSnapshot.objects.filter(village_id=OuterRef("village_id"))
        .order_by("-month")
        .values("month")[:1]
    )
    latest_snap: dict[int, dict[str, int]] = {
        village_id: {
            k: int(n) for k, n in (("no_birth_date", no_birth_date), ("no_rt", no_rt)) if n is not None
        }
        for village_id, no_birth_date, no_rt in VillageSnapshot.objects.filter(
            village_id__in=ids, month=Subquery(newest_month)
        ).values_list("village_id", KT("figures__no_birth_date"), KT("figures__no_rt"))
    }
    rows = []
    quiet_since = now - dt.timedelta(days=QUIET_DAYS)
    for v in village_list:
        e, i, lt, s = (
            events.get(v.pk, {}),
            imports.get(v.pk, {}),
            letters.get(v.pk, {}),
            sessions.get(v.pk, {}),
        )
        row = FreshRow(
            code=v.code,
            name=v.name,
            district_code=v.district_code,
            district_name=v.district_name,
            last_registry=e.get("last_recorded"),
            last_import=i.get("last"),
            last_event=e.get("last_date"),
            events_month=e.get("month_n", 0),
            last_letter=lt.get("last"),
            letters_month=lt.get("month_n", 0),
            last_posyandu=s.get("last"),
            posyandu_month=s.get("month_n", 0),
            has_posyandu=v.pk in posyandu,
            aid_overdue=overdue.get(v.pk, {}).get("n", 0),
            quality={k: latest_snap[v.pk].get(k, 0) for k in ("no_birth_date", "no_rt")}
            if v.pk in latest_snap
            else None,
        )
        finance_days = [
            d for d in (budget_changed.get(v.pk, {}).get("last"), entries.get(v.pk, {}).get("last")) if d
        ]
        row.last_finance = max(finance_days) if finance_days else None
        if v.pk in budgets:
            row.apbdes = budgets[v.pk].get(today.year, "none")
        red, amber = [], []
        if row.last_registry is None and row.last_import is None:
            red.append(_("Belum ada data penduduk"))
        elif max(d for d in (row.last_registry, row.last_import) if d is not None) < quiet_since:
            red.append(_("Tidak ada peristiwa kependudukan dalam %(days)s hari") % {"days": QUIET_DAYS})
        if row.has_posyandu and not row.posyandu_month:
            amber.append(_("Belum ada sesi posyandu bulan ini"))
        if row.aid_overdue:
            amber.append(_("%(n)s tahap penyaluran bantuan lewat jadwal") % {"n": row.aid_overdue})
        if row.last_letter is None or row.last_letter < quiet_since:
            amber.append(
                _("Tidak ada surat terbit atau surat masuk dicatat dalam %(days)s hari")
                % {"days": QUIET_DAYS}
            )
        if row.quality and (row.quality.get("no_birth_date") or row.quality.get("no_rt")):
            amber.append(_("Data penduduk belum lengkap (tanggal lahir/RT)"))
        late = apbdes_reason(status=row.apbdes, year=today.year) if row.apbdes else None
        if late is not None:
            (red if late[0] == RED else amber).append(late[1])
        row.reasons = [str(r) for r in red + amber]
        row.status = RED if red or len(amber) >= 3 else AMBER if amber else GREEN
        rows.append(row)
    rows.sort(key=SORTS.get(sort, SORTS["status"]))
    return rows


def weekly_digest(*, villages: QuerySet[Village], today: dt.date | None = None) -> dict[str, Any]:
    """The week in numbers for the camat and Dispermades: what happened in the last 7 days per
    village, and the villages that need a call (red/amber)."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=7)
    ids = list(villages.values_list("pk", flat=True))
    events = _by_village(counted_events(ids, since=since + dt.timedelta(days=1), until=today), n=Count("pk"))
    week = timezone.make_aware(dt.datetime.combine(since + dt.timedelta(days=1), dt.time.min))
    letters = _by_village(Letter.objects.filter(village_id__in=ids, issued_at__gte=week), n=Count("pk"))
    board = freshness(villages=villages, today=today)
    rows = [
        {
            "row": r,
            "events": events.get(v_pk, {}).get("n", 0),
            "letters": letters.get(v_pk, {}).get("n", 0),
        }
        for r, v_pk in zip(board, _pks_for(board, villages), strict=True)
    ]
    return {
        "since": since,
        "today": today,
        "rows": rows,
        "attention": [r for r in board if r.status != GREEN],
        "counts": {s: sum(1 for r in board if r.status == s) for s in (RED, AMBER, GREEN)},
    }


def _pks_for(rows: Iterable[FreshRow], villages: QuerySet[Village]) -> list[int]:
    pk_of = dict(villages.values_list("code", "pk"))
    return [pk_of[r.code] for r in rows]


def trends(
    *, villages: QuerySet[Village], keys: list[str], months: int = 24
) -> list[tuple[Month, list[Any]]]:
    """Several figures summed over `villages` per frozen month, newest first (one query)."""
    totals = _sums_by_month(villages=villages, keys=keys)
    return [
        (Month.of(m), [F.value(totals[m], k) for k in keys]) for m in sorted(totals, reverse=True)[:months]
    ]


@dataclass
class Ranked:
    code: str
    name: str
    district_name: str
    value: float | int
    share: float  # of the largest value, for the bar


def compare(*, table: RegencyTable, key: str) -> tuple[list[Ranked], float | None]:
    """Villages ranked by one indicator (highest first), and the median over them."""
    rows = []
    for d in table.districts:
        for v in d.villages:
            value = v.value(key)
            if value is not None:
                rows.append((v, d.name, value))
    rows.sort(key=lambda r: -r[2])
    top = max((r[2] for r in rows), default=0) or 1
    ranked = [Ranked(v.code, v.name, name, value, 100 * value / top) for v, name, value in rows]
    values = sorted(r.value for r in ranked)
    if not values:
        return ranked, None
    mid = len(values) // 2
    median = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
    return ranked, median


def village_points(*, villages: QuerySet[Village], district_code: str = "") -> list[dict[str, Any]]:
    """Code, name, district and office point (None when not yet entered) of each village."""
    if district_code:
        villages = villages.filter(district_code=district_code)
    rows = villages.order_by("district_code", "name").values(
        "code", "name", "district_name", "latitude", "longitude"
    )
    return [dict(r) for r in rows]


def village_imports(*, village: Village) -> list[ImportJob]:
    return list(
        ImportJob.objects.filter(village=village).select_related("created_by").order_by("-created_at")[:10]
    )
