from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.accounts.decorators import require
from balai.accounts.http import RegionalRequest, ScopedRequest, VillageRequest
from balai.accounts.models import ScopeLevel
from balai.dashboard.charts import pyramid
from balai.dashboard.home import home_tasks, shortcuts, village_headline
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
        {"rows": rows, **period.nav(), "unlinked": sum(1 for r in rows if not r.official.user_id)},
    )


@require("villages.manage", village=False)
def reads(request: RegionalRequest) -> HttpResponse:
    """Who read what between two times (UU 27/2022), for the regency: staff reads of residents'
    records across the regency, newest first, 100 a page (indexed on action + time)."""
    import datetime as dt

    from balai.audit.selectors import purpose_of, reads_between
    from balai.core.http import paginate

    today = timezone.localdate()
    error = ""
    try:
        start_day = dt.date.fromisoformat(
            request.GET.get("dari") or (today - dt.timedelta(days=7)).isoformat()
        )
        end_day = dt.date.fromisoformat(request.GET.get("sampai") or today.isoformat())
    except ValueError:
        start_day, end_day = today - dt.timedelta(days=7), today
        error = _("Tanggal harus berbentuk tttt-bb-hh.")
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(start_day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(end_day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    page = paginate(request, reads_between(start=start, end=end), 100)
    rows = [
        {
            "at": e.occurred_at,
            "who": e.actor_label,
            "village": e.village.name if e.village else "",
            "record": e.object_id,
            "purpose": purpose_of(e),
            "source": e.source,
        }
        for e in page.object_list
    ]
    context = {"page": page, "rows": rows, "start": start_day, "end": end_day, "error": error}
    return render(request, "dashboard/reads.html", context, status=400 if error else 200)
