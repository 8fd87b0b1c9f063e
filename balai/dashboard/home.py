"""The office home (Beranda): what waits for this person, the village's headline figures, and
the pages their role may open.

Tasks come from each module's `office_tasks.py` (balai/core/plugins.py), so a module added
later brings its own without this page knowing it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from balai.core.dates import Month, Period, last_complete_month
from balai.core.plugins import HomeTask, collect
from balai.devices.models import KioskDevice
from balai.letters.models import IncomingLetter, Letter
from balai.people.models import LifeEvent, Resident
from balai.people.selectors import stats_counts
from balai.regions.models import Village
from balai.staff.models import Official

K = LifeEvent.Kind
IN_KINDS = (K.BIRTH, K.MOVE_IN)
OUT_KINDS = (K.DEATH, K.MOVE_OUT, K.MISSING, K.GONE)


def home_tasks(*, scope: Any, user: Any) -> list[HomeTask]:
    tasks: list[HomeTask] = []
    for provider in collect("office_tasks", "TASKS"):
        tasks.extend(provider(scope=scope, user=user))
    return tasks


@dataclass(frozen=True)
class MonthEvents:
    month: Month
    births: int
    deaths: int
    moved_in: int
    moved_out: int
    net: int


@dataclass(frozen=True)
class Headline:
    residents: int
    families: int
    # Residents at the end of last month, from this month's events: the "change since last month".
    residents_last_month: int
    this_month: MonthEvents
    last_month: MonthEvents
    today: dt.date

    @property
    def running(self) -> Period:
        """This month as a running period: its label says "berjalan, data sampai …"."""
        return Period(self.this_month.month, self.today)

    @property
    def change(self) -> int:
        return self.residents - self.residents_last_month


def _month_events(village: Village, month: Month) -> MonthEvents:
    rows = dict(
        LifeEvent.objects.filter(
            village=village,
            event_date__gte=month.first,
            event_date__lt=month.after,
            cancelled_at__isnull=True,
        )
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    moved_out = sum(rows.get(k, 0) for k in (K.MOVE_OUT, K.MISSING, K.GONE))
    net = sum(rows.get(k, 0) for k in IN_KINDS) - sum(rows.get(k, 0) for k in OUT_KINDS)
    return MonthEvents(
        month, rows.get(K.BIRTH, 0), rows.get(K.DEATH, 0), rows.get(K.MOVE_IN, 0), moved_out, net
    )


def village_headline(*, village: Village, today: dt.date) -> Headline:
    counts = stats_counts(villages=[village])
    residents = counts["residents"].get(village.pk, 0)
    this_month = Month.of(today)
    last_month = last_complete_month(today)
    current = _month_events(village, this_month)
    return Headline(
        residents=residents,
        families=counts["families"].get(village.pk, 0),
        residents_last_month=residents - current.net,
        this_month=current,
        last_month=_month_events(village, last_month),
        today=today,
    )


@dataclass(frozen=True)
class Shortcut:
    label: str
    url: str


# (capability, url name, label): the pages of the office, in the order an operator uses them.
SHORTCUTS: tuple[tuple[str, str, Any], ...] = (
    ("registry.read", "people:resident_list", _("Penduduk")),
    ("registry.read", "people:family_list", _("Keluarga")),
    ("registry.write", "people:event_list", _("Peristiwa")),
    ("letters.verify", "letters:create", _("Buat surat")),
    ("letters.sign", "letters:queue", _("Surat")),
    ("health.write", "health:home", _("Posyandu")),
    ("health.aggregates", "health:home", _("Kesehatan")),
    ("aid.read", "aid:home", _("Bantuan")),
    ("education.read", "education:home", _("Pendidikan")),
    ("desk.operate", "desk:home", _("Layanan")),
    ("finance.read", "finance:home", _("Keuangan")),
    ("attendance.recap", "staff:attendance_recap", _("Kehadiran perangkat")),
)


def shortcuts(*, scope: Any) -> list[Shortcut]:
    seen: set[str] = set()
    found = []
    for capability, name, label in SHORTCUTS:
        if not scope.can(capability):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if url in seen:
            continue
        seen.add(url)
        found.append(Shortcut(str(label), url))
    return found


@dataclass(frozen=True)
class RolloutStep:
    label: str
    done: bool
    url: str  # "" when this role may not open the page that does it


def rollout_steps(*, scope: Any) -> list[RolloutStep]:
    """The village's own rollout checklist (the stages the regency's rollout page counts,
    balai.regency.selectors.rollout), for a village not yet live: until a letter goes through
    Balai its Beranda has no daily work, so it shows what to do next. [] once it is live."""
    village = scope.village
    live = (
        Letter.objects.filter(village=village, issued_at__isnull=False).exists()
        or IncomingLetter.objects.filter(village=village).exists()
    )
    if live:
        return []

    def link(capability: str, name: str) -> str:
        return reverse(name) if scope.can(capability) else ""

    steps = [
        (
            _("Data penduduk diimpor"),
            Resident.objects.filter(village=village).exists(),
            link("registry.import", "people:import_start"),
        ),
        (
            _("Profil desa (alamat, kepala desa)"),
            bool(village.address and village.head_name),
            link("registry.write", "regions:profile_edit"),
        ),
        (
            _("Perangkat desa tercatat"),
            Official.objects.filter(village=village).exists(),
            link("staff.write", "staff:official_create"),
        ),
        (
            _("Surat pertama terbit (atau surat masuk dicatat) di Balai"),
            False,
            link("letters.verify", "letters:create"),
        ),
        (
            _("Anjungan terpasang dan terdaftar"),
            KioskDevice.objects.filter(village=village, enrolled_at__isnull=False).exists(),
            link("kiosk.manage", "kiosk:manage"),
        ),
    ]
    return [RolloutStep(str(label), done, url) for label, done, url in steps]
