"""Reads of village officials. Every selector takes the village."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.core.dates import Month
from balai.regions.models import Village
from balai.staff.models import (
    AbsenceReport,
    Attendance,
    Decree,
    Leave,
    Official,
    OfficialCredential,
    OfficialProfile,
    Position,
)


def official_list(*, village: Village, active_only: bool = False) -> QuerySet[Official]:
    qs = Official.objects.filter(village=village)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("-is_active", "order", "name", "pk")


def officials_serving(*, village: Village, on: dt.date | None = None) -> QuerySet[Official]:
    """Active officials whose term has not ended on `on`: the ones residents are shown (kiosk
    home, public profile). An ended term waits for a new SK (`terms_ended`)."""
    on = on or timezone.localdate()
    return (
        Official.objects.filter(village=village, is_active=True)
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=on))
        .order_by("order", "name", "pk")
    )


def terms_ended(*, village: Village, today: dt.date | None = None) -> QuerySet[Official]:
    """Active officials whose term ended before `today`: each needs a new SK (or to be
    deactivated), a different task from a term that is about to end."""
    today = today or timezone.localdate()
    return Official.objects.filter(village=village, is_active=True, term_end__lt=today).order_by(
        "term_end", "name", "pk"
    )


def official_get(*, village: Village, public_id: str) -> Official:
    """Raises Official.DoesNotExist for another village's official, exactly as for none."""
    return Official.objects.filter(village=village).get(public_id=public_id)


def signatories(*, village: Village, on: dt.date | None = None) -> QuerySet[Official]:
    """Officials who may sign a letter dated `on`: active, signing, and within their term."""
    on = on or timezone.localdate()
    return (
        Official.objects.filter(village=village, is_active=True, signs_letters=True)
        .exclude(signs_as="")
        .filter(Q(term_start__isnull=True) | Q(term_start__lte=on))
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=on))
        .order_by("order", "name", "pk")
    )


# --- Attendance ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DutyStatus:
    public_id: str
    name: str
    position: str
    status: str  # "present" (checked in, not out), "left" (checked out), "absent"
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None

    @property
    def on_duty(self) -> bool:
        return self.status == "present"

    @property
    def status_label(self) -> str:
        return str(DUTY_LABELS[self.status])


# The recap's letter for a day of approved leave of each kind.
LEAVE_DAY_CODES: dict[str, str] = {
    Leave.Kind.ANNUAL: "C",
    Leave.Kind.PERMISSION: "I",
    Leave.Kind.SICK: "S",
    Leave.Kind.TRAVEL: "D",
}

DUTY_LABELS = {"present": _("Hadir"), "left": _("Sudah pulang"), "absent": _("Belum hadir")}


def officials_on_duty(*, village: Village, day: dt.date | None = None) -> list[DutyStatus]:
    """Every active official of the village with their attendance on `day` (for the kiosk home)."""
    day = day or timezone.localdate()
    officials = list(
        officials_serving(village=village, on=day).values_list("pk", "public_id", "name", "position")
    )
    seen = {
        official_id: (check_in, check_out)
        for official_id, check_in, check_out in Attendance.objects.filter(
            village=village, day=day
        ).values_list("official_id", "check_in_at", "check_out_at")
    }
    rows = []
    for pk, public_id, name, position in officials:
        check_in, check_out = seen.get(pk, (None, None))
        status = "absent" if check_in is None else "left" if check_out is not None else "present"
        rows.append(DutyStatus(public_id, name, position, status, check_in, check_out))
    return rows


@dataclass
class RecapRow:
    official: Official
    # one cell per day of the month: "H" on time, "T" late, "-" absent, "" not a workday, and
    # for approved leave "C" cuti, "I" izin, "S" sakit, "D" dinas (excused, not absent)
    days: list[str]
    present: int = 0
    excused: int = 0
    late: int = 0
    early: int = 0
    no_checkout: int = 0
    absent: int = 0
    # Residents' kiosk reports that the official was absent (issue 18 item 5), per day of the
    # month: the number of reports filed about that day.
    reported: list[int] = field(default_factory=list)

    @property
    def reports(self) -> int:
        return sum(self.reported)

    @property
    def cells(self) -> list[tuple[str, int]]:
        return list(zip(self.days, self.reported or [0] * len(self.days), strict=True))


@dataclass
class Recap:
    year: int
    month: int
    dates: list[dt.date]
    workdays: list[dt.date]
    holidays: dict[dt.date, str]
    rows: list[RecapRow]
    rules: Any = None  # the village's AttendanceSettings the recap was computed with


def attendance_recap(*, village: Village, year: int, month: int, today: dt.date | None = None) -> Recap:
    """Monthly attendance of the village's officials; days after `today` are not counted absent."""
    from balai.staff.attendance import is_workday, settings_for, village_calendar

    today = today or timezone.localdate()
    shown = Month(year, month)
    first, last = shown.first, shown.last
    rules = settings_for(village)
    holidays, extra = village_calendar(village, first, last)
    dates = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    workdays = [d for d in dates if is_workday(rules, d, holidays, extra)]
    # Plain tuples with the times already local: model instances and per-cell time-zone
    # conversions were most of the recap's CPU (issue 18 target p95 ≤ 50 ms).
    records: dict[int, dict[dt.date, tuple[dt.time, dt.time | None]]] = {}
    for official_id, day, check_in_at, check_out_at in Attendance.objects.filter(
        village=village, day__gte=first, day__lte=last
    ).values_list("official_id", "day", "check_in_at", "check_out_at"):
        records.setdefault(official_id, {})[day] = (
            timezone.localtime(check_in_at).time(),
            timezone.localtime(check_out_at).time() if check_out_at is not None else None,
        )
    excused: dict[int, dict[dt.date, str]] = {}
    for leave in Leave.objects.filter(
        village=village, status=Leave.Status.APPROVED, start__lte=last, end__gte=first
    ).order_by("start", "pk"):
        code = LEAVE_DAY_CODES.get(leave.kind, "I")
        day = max(leave.start, first)
        while day <= min(leave.end, last):
            excused.setdefault(leave.official_id, {})[day] = code
            day += dt.timedelta(days=1)
    officials = (
        Official.objects.filter(village=village)
        .filter(Q(is_active=True) | Q(pk__in=list(records)))
        .order_by("order", "name", "pk")
    )
    reported: dict[int, dict[dt.date, int]] = {}
    for official_id, seen_at in AbsenceReport.objects.filter(
        village=village,
        seen_at__gte=timezone.make_aware(dt.datetime.combine(first, dt.time.min)),
        seen_at__lt=timezone.make_aware(dt.datetime.combine(shown.after, dt.time.min)),
    ).values_list("official_id", "seen_at"):
        day = timezone.localtime(seen_at).date()
        by_day = reported.setdefault(official_id, {})
        by_day[day] = by_day.get(day, 0) + 1
    rows = []
    workday_set = set(workdays)
    for official in officials:
        mine = records.get(official.pk, {})
        away = excused.get(official.pk, {})
        mine_reported = reported.get(official.pk, {})
        row = RecapRow(official=official, days=[], reported=[mine_reported.get(d, 0) for d in dates])
        for d in dates:
            a = mine.get(d)
            if a is None and d in away and d in workday_set:
                row.days.append(away[d])
                row.excused += 1
                continue
            if a is None:
                counted = d in workday_set and d <= today
                row.days.append("-" if counted else "")
                row.absent += counted
                continue
            check_in, check_out = a
            late = check_in > rules.starts_at
            row.present += 1
            row.late += late
            if check_out is None:
                row.no_checkout += d < today
            elif check_out < rules.ends_at:
                row.early += 1
            row.days.append("T" if late else "H")
        rows.append(row)
    return Recap(
        year=year, month=month, dates=dates, workdays=workdays, holidays=holidays, rows=rows, rules=rules
    )


def attendance_day(*, village: Village, day: dt.date) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(village=village, day=day).select_related("official").order_by("check_in_at")
    )


def credential_map(*, village: Village) -> dict[int, OfficialCredential]:
    return {c.official_id: c for c in OfficialCredential.objects.filter(village=village)}


# --- Careers: posts, org chart, decrees, terms ------------------------------------------------


def position_list(*, village: Village) -> QuerySet[Position]:
    return (
        Position.objects.filter(village=village, is_active=True)
        .select_related("dusun")
        .order_by("order", "title", "pk")
    )


def position_get(*, village: Village, public_id: str) -> Position:
    return Position.objects.filter(village=village).get(public_id=public_id)


@dataclass
class ChartBox:
    position: Position
    holder: Official | None
    acting: Official | None
    acting_label: str

    @property
    def vacant(self) -> bool:
        return self.holder is None


@dataclass
class OrgChart:
    head: list[ChartBox]
    secretary: list[ChartBox]
    kaur: list[ChartBox]
    kasi: list[ChartBox]
    kadus: list[ChartBox]
    staff: list[ChartBox]

    @property
    def boxes(self) -> list[ChartBox]:
        return [*self.head, *self.secretary, *self.kaur, *self.kasi, *self.kadus, *self.staff]

    @property
    def vacant(self) -> int:
        return sum(box.vacant for box in self.boxes)


def org_chart(*, village: Village) -> OrgChart:
    """The SOTK drawn from the records: each post with its definitive holder and any Plt./Pj."""
    holders: dict[int, Official] = {}
    acting: dict[int, tuple[Official, str]] = {}
    profiles = OfficialProfile.objects.filter(village=village, official__is_active=True).select_related(
        "official"
    )
    for profile in profiles:
        if profile.post_id is not None:
            holders[profile.post_id] = profile.official
        if profile.acting_post_id is not None:
            acting[profile.acting_post_id] = (profile.official, profile.get_acting_display())
    chart = OrgChart([], [], [], [], [], [])
    by_kind = {
        Position.Kind.HEAD: chart.head,
        Position.Kind.SECRETARY: chart.secretary,
        Position.Kind.KAUR: chart.kaur,
        Position.Kind.KASI: chart.kasi,
        Position.Kind.KADUS: chart.kadus,
        Position.Kind.STAFF: chart.staff,
    }
    for position in position_list(village=village):
        who, label = acting.get(position.pk, (None, ""))
        by_kind[Position.Kind(position.kind)].append(ChartBox(position, holders.get(position.pk), who, label))
    return chart


def official_decrees(*, village: Village, official: Official) -> QuerySet[Decree]:
    return Decree.objects.filter(village=village, official=official).order_by("date", "pk")


def decree_list(*, village: Village, year: int | None = None) -> QuerySet[Decree]:
    qs = Decree.objects.filter(village=village).select_related("official")
    if year is not None:
        qs = qs.filter(date__year=year)
    return qs.order_by("date", "pk")


def decree_get(*, village: Village, public_id: str) -> Decree:
    return Decree.objects.filter(village=village).select_related("official").get(public_id=public_id)


@dataclass
class AparatRow:
    """One line of the Buku Aparat Pemerintah Desa (Permendagri 47/2016, A4)."""

    official: Official
    profile: OfficialProfile | None
    appointment: Decree | None
    dismissal: Decree | None


def buku_aparat(*, village: Village) -> list[AparatRow]:
    officials = list(Official.objects.filter(village=village).order_by("-is_active", "order", "name", "pk"))
    profiles = {p.official_id: p for p in OfficialProfile.objects.filter(village=village)}
    firsts: dict[int, Decree] = {}
    lasts: dict[int, Decree] = {}
    for decree in Decree.objects.filter(village=village).order_by("date", "pk"):
        if decree.kind == Decree.Kind.APPOINTMENT:
            firsts.setdefault(decree.official_id, decree)
        elif decree.kind == Decree.Kind.DISMISSAL:
            lasts[decree.official_id] = decree
    return [AparatRow(o, profiles.get(o.pk), firsts.get(o.pk), lasts.get(o.pk)) for o in officials]


@dataclass(frozen=True)
class TermWarning:
    official_id: str
    name: str
    position: str
    ends_on: dt.date
    rule: str
    days_left: int


def term_warnings(
    *, village: Village, today: dt.date | None = None, bpd: list[Any] | None = None
) -> list[TermWarning]:
    """Active officials and BPD members whose term (or age limit) ends within `rules.WARN_DAYS`
    from today (an ended term is `terms_ended`).
    `bpd`: the village's active members with a term not yet ended, when the caller has them
    (the org chart), to save a query."""
    from balai.staff import rules
    from balai.staff.models import BpdMember

    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=rules.WARN_DAYS)
    rows = [
        TermWarning(
            o.public_id,
            o.name,
            o.position,
            o.term_end,
            str(rules.HEAD_TERM.label if o.signs_as == Official.SignsAs.OWN else rules.PERANGKAT_AGE.label),
            (o.term_end - today).days,
        )
        for o in Official.objects.filter(
            village=village, is_active=True, term_end__gte=today, term_end__lte=horizon
        ).only("public_id", "name", "position", "term_end", "signs_as")
        if o.term_end is not None
    ]
    rows += [
        TermWarning(
            m.public_id,
            m.name,
            f"BPD, {m.get_role_display().lower()}",
            m.term_end,
            str(rules.BPD_TERM.label),
            (m.term_end - today).days,
        )
        for m in (
            [m for m in bpd if m.is_active and today <= m.term_end <= horizon]
            if bpd is not None
            else BpdMember.objects.filter(
                village=village, is_active=True, term_end__gte=today, term_end__lte=horizon
            )
        )
    ]
    return sorted(rows, key=lambda w: (w.ends_on, w.name))


# --- Leave and travel --------------------------------------------------------------------------


def leave_list(*, village: Village, status: str = "", official: Official | None = None) -> QuerySet[Leave]:
    qs = Leave.objects.filter(village=village).select_related("official", "decided_by")
    if status:
        qs = qs.filter(status=status)
    if official is not None:
        qs = qs.filter(official=official)
    return qs.order_by("-start", "-pk")


def leave_get(*, village: Village, public_id: str) -> Leave:
    return (
        Leave.objects.filter(village=village).select_related("official", "village").get(public_id=public_id)
    )


def official_for_user(*, village: Village, user) -> Official | None:
    return Official.objects.filter(village=village, user=user, is_active=True).first()


def head_leave_requests(*, villages: QuerySet[Village]) -> QuerySet[Leave]:
    """Leave of the kepala desa of `villages` (the camat's to decide), open ones first."""
    from django.db.models import Case, IntegerField, Value, When

    heads = Q(official__signs_letters=True, official__signs_as=Official.SignsAs.OWN) | Q(
        official__profile__post__kind=Position.Kind.HEAD
    )
    return (
        Leave.objects.filter(village__in=villages)
        .filter(heads)
        .select_related("official", "village")
        .annotate(
            open=Case(
                When(status=Leave.Status.REQUESTED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("open", "-start", "pk")
        .distinct()
    )


@dataclass
class VillageStaffing:
    code: str
    name: str
    district_name: str
    positions: int = 0
    filled: int = 0
    acting: int = 0
    officials: int = 0
    ending: list[TermWarning] | None = None
    present_days: int = 0
    expected_days: int = 0
    excused_days: int = 0

    @property
    def vacant(self) -> int:
        return self.positions - self.filled

    @property
    def attendance_rate(self) -> float | None:
        return round(100 * self.present_days / self.expected_days, 1) if self.expected_days else None


def staffing_regional(*, villages: QuerySet[Village], today: dt.date) -> list[VillageStaffing]:
    """Per village: posts filled/vacant, Plt./Pj., terms ending within `rules.WARN_DAYS`, and this
    month's attendance rate (days present over active officials × working days so far, less the
    days excused by approved leave or travel without a check-in: neither present nor absent).
    A handful of grouped queries whatever the number of villages."""
    from django.db.models import Count

    from balai.staff import rules
    from balai.staff.attendance import holidays_between, is_workday
    from balai.staff.models import AttendanceSettings, BpdMember, CalendarDay

    rows = {
        v.pk: VillageStaffing(v.code, v.name, v.district_name, ending=[])
        for v in villages.only("pk", "code", "name", "district_name").order_by("code")
    }
    ids = list(rows)
    for vid, n in (
        Position.objects.filter(village_id__in=ids, is_active=True)
        .values_list("village_id")
        .annotate(n=Count("pk"))
    ):
        rows[vid].positions = n
    filled = OfficialProfile.objects.filter(
        village_id__in=ids, official__is_active=True, post__is_active=True
    )
    for vid, n in filled.values_list("village_id").annotate(n=Count("post_id", distinct=True)):
        rows[vid].filled = n
    acting = OfficialProfile.objects.filter(village_id__in=ids, official__is_active=True).exclude(acting="")
    for vid, n in acting.values_list("village_id").annotate(n=Count("pk")):
        rows[vid].acting = n
    for vid, n in (
        Official.objects.filter(village_id__in=ids, is_active=True)
        .values_list("village_id")
        .annotate(n=Count("pk"))
    ):
        rows[vid].officials = n
    horizon = today + dt.timedelta(days=rules.WARN_DAYS)
    # Ended terms are not "ending": the village's own Beranda lists them as needing a new SK.
    for o in Official.objects.filter(
        village_id__in=ids, is_active=True, term_end__gte=today, term_end__lte=horizon
    ).order_by("term_end"):
        assert o.term_end is not None
        label = rules.HEAD_TERM.label if o.signs_as == Official.SignsAs.OWN else rules.PERANGKAT_AGE.label
        rows[o.village_id].ending.append(  # type: ignore[union-attr]
            TermWarning(o.public_id, o.name, o.position, o.term_end, str(label), (o.term_end - today).days)
        )
    for m in BpdMember.objects.filter(
        village_id__in=ids, is_active=True, term_end__gte=today, term_end__lte=horizon
    ).order_by("term_end"):
        rows[m.village_id].ending.append(  # type: ignore[union-attr]
            TermWarning(
                m.public_id, m.name, "BPD", m.term_end, str(rules.BPD_TERM.label), (m.term_end - today).days
            )
        )
    # Attendance this month up to today, on each village's own calendar: the national holidays
    # (when the village skips them), its own days off and make-up working days (issue 18).
    first = today.replace(day=1)
    holidays = holidays_between(first, today)
    settings = {s.village_id: s for s in AttendanceSettings.objects.filter(village_id__in=ids)}
    default = AttendanceSettings()
    days = [first + dt.timedelta(days=n) for n in range((today - first).days + 1)]
    own_off: dict[int, set[dt.date]] = {}
    own_work: dict[int, set[dt.date]] = {}
    for vid, day, kind in CalendarDay.objects.filter(
        village_id__in=ids, day__gte=first, day__lte=today
    ).values_list("village_id", "day", "kind"):
        (own_off if kind == CalendarDay.Kind.HOLIDAY else own_work).setdefault(vid, set()).add(day)
    workdays: dict[int, set[dt.date]] = {}
    for vid, row in rows.items():
        rule = settings.get(vid, default)
        off = own_off.get(vid, set())
        extra = own_work.get(vid, set())
        table = dict.fromkeys(off, "") | {d: n for d, n in holidays.items() if d not in extra}
        workdays[vid] = {d for d in days if is_workday(rule, d, table, extra)}
        row.expected_days = row.officials * len(workdays[vid])
    # Days present count only on the village's working days (a correction entered for a day off
    # would otherwise push the rate past 100 %).
    for vid, day, n in (
        Attendance.objects.filter(village_id__in=ids, day__gte=first, day__lte=today)
        .values_list("village_id", "day")
        .annotate(n=Count("pk"))
    ):
        if day in workdays[vid]:
            rows[vid].present_days += n
    # Approved leave and travel: those working days are excused, out of the denominator (a day
    # with a check-in stays present, as in the monthly recap).
    excused: set[tuple[int, int, dt.date]] = set()
    for vid, oid, start, end in Leave.objects.filter(
        village_id__in=ids,
        official__is_active=True,
        status=Leave.Status.APPROVED,
        start__lte=today,
        end__gte=first,
    ).values_list("village_id", "official_id", "start", "end"):
        excused.update((vid, oid, d) for d in workdays[vid] if start <= d <= end)
    if excused:
        present = set(
            Attendance.objects.filter(
                official_id__in={oid for _v, oid, _d in excused}, day__gte=first, day__lte=today
            ).values_list("official_id", "day")
        )
        for vid, oid, day in excused:
            if (oid, day) not in present:
                rows[vid].excused_days += 1
                rows[vid].expected_days -= 1
    return list(rows.values())


# --- Residents' reports of an absent official ---------------------------------------------------


def absence_report_list(*, village: Village, status: str = "") -> QuerySet[AbsenceReport]:
    qs = AbsenceReport.objects.filter(village=village).select_related("official", "resident", "decided_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-seen_at", "-pk")


def absence_report_get(*, village: Village, public_id: str) -> AbsenceReport:
    return AbsenceReport.objects.select_related("official", "resident").get(
        village=village, public_id=public_id
    )


def absence_reports_of(*, village: Village, resident: Any, limit: int = 10) -> list[AbsenceReport]:
    """The signed-in resident's own reports, newest first (for the kiosk)."""
    return list(
        AbsenceReport.objects.filter(village=village, resident=resident)
        .select_related("official")
        .order_by("-created_at", "-pk")[:limit]
    )


def _about_head(prefix: str = "official__") -> Q:
    """Reports/rows about the kepala desa (signs in their own name, or holds the head post)."""
    return Q(**{f"{prefix}signs_letters": True, f"{prefix}signs_as": Official.SignsAs.OWN}) | Q(
        **{f"{prefix}profile__post__kind": Position.Kind.HEAD}
    )


def absence_open_count(*, village: Village) -> int:
    """Open reports the kepala desa can decide (those about himself go to the camat)."""
    return (
        AbsenceReport.objects.filter(village=village, status=AbsenceReport.Status.OPEN)
        .exclude(_about_head())
        .count()
    )


def head_absence_reports(*, villages: QuerySet[Village], status: str = "") -> QuerySet[AbsenceReport]:
    """Residents' reports about the kepala desa of `villages` (the camat's to decide)."""
    qs = (
        AbsenceReport.objects.filter(village__in=villages)
        .filter(_about_head())
        .select_related("official", "village", "resident", "decided_by")
        .distinct()
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-seen_at", "-pk")


def head_absence_open_count(*, villages: QuerySet[Village]) -> int:
    return head_absence_reports(villages=villages, status=AbsenceReport.Status.OPEN).count()


def dusun_heads(*, village: Village) -> dict[int, str]:
    """Dusun id → the name of whoever holds (or acts in) its kadus post, "" when the post is
    vacant; a dusun without a kadus post is absent. The one source of a dusun's head."""
    from balai.staff.models import OfficialProfile, Position

    heads: dict[int, str] = {
        p.dusun_id: ""
        for p in Position.objects.filter(village=village, kind=Position.Kind.KADUS, is_active=True).exclude(
            dusun=None
        )
        if p.dusun_id is not None
    }
    holders = (
        OfficialProfile.objects.filter(village=village, official__is_active=True)
        .filter(Q(post__kind=Position.Kind.KADUS) | Q(acting_post__kind=Position.Kind.KADUS))
        .select_related("official", "post", "acting_post")
    )
    for profile in holders:
        for post, acting in ((profile.post, False), (profile.acting_post, True)):
            if post is None or post.kind != Position.Kind.KADUS or post.dusun_id is None:
                continue
            # The definitive holder wins over one acting in the post.
            if acting and heads.get(post.dusun_id):
                continue
            label = profile.official.name
            if acting and profile.acting:
                label = f"{profile.get_acting_display()} {label}"
            heads[post.dusun_id] = label
    return heads
