from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.accounts.decorators import require
from balai.accounts.http import RegionalRequest, ScopedRequest, VillageRequest
from balai.accounts.models import ScopeLevel, User
from balai.dashboard.charts import pyramid
from balai.dashboard.home import home_tasks, rollout_steps, shortcuts, village_headline
from balai.dashboard.selectors import AGE_GROUPS, regency_overview_cached, village_breakdown_cached
from balai.regions.selectors import deployment_regency_code, region_names


@login_required
def home(request: ScopedRequest) -> HttpResponse:
    """Beranda: every role lands here on a page it may open; the district and the regency's
    home is the overview of their villages."""
    scope = request.scope
    if scope.village is None:
        return redirect("dashboard:overview")
    tasks = home_tasks(scope=scope, user=request.user)
    headline = (
        village_headline(village=scope.village, today=timezone.localdate())
        if scope.can("aggregates.read") or scope.can("registry.read")
        else None
    )
    return render(
        request,
        "dashboard/home.html",
        {
            "village": scope.village,
            "waiting": [t for t in tasks if t.count],
            "idle": [t for t in tasks if not t.count],
            "headline": headline,
            "shortcuts": shortcuts(scope=scope),
            "rollout_steps": rollout_steps(scope=scope),
        },
    )


@require("aggregates.read", village=False)
def overview(request: RegionalRequest) -> HttpResponse:
    scope = request.scope
    if scope.village is not None:
        return redirect("dashboard:village", code=scope.village.code)
    data = regency_overview_cached(villages=scope.readable_villages())
    is_district = scope.level == ScopeLevel.DISTRICT
    area_code = scope.district_code if is_district else deployment_regency_code()
    area_name = region_names().get(area_code, area_code)
    return render(
        request,
        "dashboard/overview.html",
        {
            "data": data,
            "pyramid": pyramid(data.counts),
            "age_groups": [label for label, _lo, _hi in AGE_GROUPS],
            "is_district": is_district,
            "area_name": area_name,
            # Work waiting for the district or regency (e.g. reports about a kepala desa).
            "waiting": [t for t in home_tasks(scope=scope, user=request.user) if t.count],
        },
    )


@require("aggregates.read", village=False)
def overview_download(request: RegionalRequest, kind: str) -> HttpResponse:
    """The overview table as XLSX or PDF: the same villages the page shows (a camat's district)."""
    from balai.accounts.area import area_name
    from balai.core import tabledownload
    from balai.dashboard import downloads

    data = regency_overview_cached(villages=request.scope.readable_villages())
    report = downloads.overview_report(data, area=area_name(request.scope))
    return tabledownload.response(report, kind=kind, name="ringkasan-penduduk")


@require("aggregates.read", village=False)
def village_download(request: RegionalRequest, code: str, kind: str) -> HttpResponse:
    from balai.core import tabledownload
    from balai.dashboard import downloads

    village = get_object_or_404(request.scope.readable_villages(), code=code)
    report = downloads.village_report(village_breakdown_cached(village=village))
    return tabledownload.response(report, kind=kind, name=f"ringkasan-penduduk-{village.code}")


@require("aggregates.read", village=False)
def village_detail(request: RegionalRequest, code: str) -> HttpResponse:
    scope = request.scope
    # Only villages the scope may read: any other code is a 404, as for an unknown one.
    village = get_object_or_404(scope.readable_villages(), code=code)
    data = village_breakdown_cached(village=village)
    return render(
        request,
        "dashboard/village.html",
        {
            "village": village,
            "data": data,
            "pyramid": pyramid(data.counts),
            "age_groups": [label for label, _lo, _hi in AGE_GROUPS],
            "show_back": scope.village is None,
        },
    )


@require("staff.read")
def staff_performance(request: VillageRequest) -> HttpResponse:
    """Service performance per official for the kades (issue 18 item 6)."""
    from balai.core.dates import Period
    from balai.dashboard.staff_performance import staff_performance as compute

    period = Period.choose(request.GET.get("bulan"), today=timezone.localdate())
    rows = compute(village=request.village, month=period.month)
    return render(
        request,
        "dashboard/staff_performance.html",
        {
            "rows": rows,
            **period.nav(),
            "unlinked": sum(1 for r in rows if not r.official.user_id),
            "query": request.GET.urlencode(),
        },
    )


@require("staff.read")
def staff_performance_download(request: VillageRequest, kind: str) -> HttpResponse:
    from balai.core import tabledownload
    from balai.core.dates import Period
    from balai.dashboard import downloads
    from balai.dashboard.staff_performance import staff_performance as compute

    period = Period.choose(request.GET.get("bulan"), today=timezone.localdate())
    rows = compute(village=request.village, month=period.month)
    report = downloads.performance_report(rows, period=period, village=request.village.name)
    return tabledownload.response(
        report, kind=kind, name=f"kinerja-perangkat-{period.month.year}-{period.month.month:02d}"
    )


# Why a record was read (the `purpose` each module gives `resident_viewed`/`residents_listed`).
READ_PURPOSES = {
    "detail": gettext_lazy("membuka data penduduk"),
    "list": gettext_lazy("daftar penduduk"),
    "search": gettext_lazy("pencarian penduduk"),
    "family": gettext_lazy("halaman keluarga"),
    "edit": gettext_lazy("mengubah data penduduk"),
    "education": gettext_lazy("data pendidikan anak"),
    "finance": gettext_lazy("penerima pembayaran (keuangan desa)"),
    "api": gettext_lazy("API"),
}


def _day(text: str | None, default: Any) -> Any:
    """A date typed as dd-mm-yyyy (the app's form) or sent as ISO by the date field."""
    import datetime as dt

    text = (text or "").strip()
    if not text:
        return default
    for form in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, form).date()  # noqa: DTZ007 - only the date is kept
        except ValueError:
            continue
    raise ValueError(text)


READS_PER_PAGE = 100
READS_LAST_PAGE = 100_000  # a page number past it is that page (ten million reads deep)


@require("villages.manage", village=False)
def reads(request: RegionalRequest) -> HttpResponse:
    """Who read what between two times (UU 27/2022), for the regency: staff reads of residents'
    records across the regency, newest first, 100 a page (indexed on action + time)."""
    import datetime as dt

    from balai.audit.selectors import READ_ROW_FIELDS, read_rows_page
    from balai.core.http import PAGE_PARAM, page_number
    from balai.regions.models import Village

    today = timezone.localdate()
    error = ""
    try:
        start_day = _day(request.GET.get("dari"), today - dt.timedelta(days=7))
        end_day = _day(request.GET.get("sampai"), today)
    except ValueError:
        start_day, end_day = today - dt.timedelta(days=7), today
        error = _("Tanggal harus berbentuk hh-bb-tttt, misalnya 17-08-2026.")
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(start_day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(end_day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    # Narrowed to one officer (username) or one resident's record (the id the list shows).
    officer = request.GET.get("petugas", "").strip()[:150]
    record = request.GET.get("penduduk", "").strip()[:64]
    actor_id = None
    if officer:
        actor_id = User.objects.filter(username=officer).values_list("pk", flat=True).first()
        if actor_id is None:
            actor_id, error = 0, _("Petugas dengan nama pengguna itu tidak ada.")
    # A page and whether another follows, without counting the window: the page only links to
    # the next one, and counting every read of the window (one row per record a page showed)
    # was most of the first page's time.
    number = page_number(request.GET.get(PAGE_PARAM), READS_LAST_PAGE)
    found = read_rows_page(
        offset=(number - 1) * READS_PER_PAGE,
        limit=READS_PER_PAGE + 1,
        start=start,
        end=end,
        actor_id=actor_id,
        object_type="resident" if record else "",
        object_id=record,
    )
    page = {"number": number, "has_next": len(found) > READS_PER_PAGE, "next_page_number": number + 1}
    rows = [dict(zip(READ_ROW_FIELDS, row, strict=True)) for row in found[:READS_PER_PAGE]]
    names = dict(Village.objects.filter(pk__in={r["village_id"] for r in rows}).values_list("pk", "name"))
    for row in rows:
        row["village"] = names.get(row["village_id"], "")
        row["purpose"] = READ_PURPOSES.get(str(row.get("purpose", "")), row.get("purpose", ""))
    context = {
        "page": page,
        "rows": rows,
        "start": start_day,
        "end": end_day,
        "officer": officer,
        "record": record,
        "error": error,
    }
    return render(request, "dashboard/reads.html", context, status=400 if error else 200)
