"""Health UI for posyandu cadres and the village midwife: parse input, call one service or
selector, render.

Individual health records are for health roles only ("health.read"/"health.write";
pregnancies "health.maternal"); others get 403. Objects are looked up through selectors with
the user's village, so another village's public id gives 404 exactly like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Model
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from balai.accounts.decorators import require
from balai.accounts.http import VillageRequest
from balai.audit.services import audit_record
from balai.core.errors import ApplicationError
from balai.core.http import ServiceCall, is_htmx
from balai.core.masking import mask_number
from balai.health import charts, forms, immunization, pdf, selectors, services
from balai.health.classify import LABELS
from balai.health.models import (
    AntenatalVisit,
    Attendance,
    ChildMeasurement,
    Posyandu,
    PosyanduSession,
    Pregnancy,
)
from balai.people import codes
from balai.people.models import Resident

# Colour of a Permenkes category on screen: ok (normal), warn (act), bad (refer).
TONE = {
    "bb_normal": "ok",
    "normal": "ok",
    "gizi_baik": "ok",
    "bb_kurang": "warn",
    "pendek": "warn",
    "gizi_kurang": "warn",
    "risiko_bb_lebih": "warn",
    "berisiko_gizi_lebih": "warn",
    "gizi_lebih": "warn",
    "tinggi": "warn",
    "bb_sangat_kurang": "bad",
    "sangat_pendek": "bad",
    "gizi_buruk": "bad",
    "obesitas": "bad",
}
INDEX_NAMES = (("wfa", "BB/U"), ("lhfa", "PB/U"), ("wflh", "BB/PB"))
TREND_LABELS = dict(ChildMeasurement.Trend.choices)
_BREASTFEEDING_VALUE = {True: "ya", False: "tidak", None: ""}
CATCH_UP_FOLD_MONTHS = 1


def _get(model: type[Model], getter: Any, **kwargs: Any) -> Any:
    try:
        return getter(**kwargs)
    except model.DoesNotExist:  # type: ignore[attr-defined]
        raise Http404


def status_of(m: ChildMeasurement | selectors.MeasurementRow | None) -> list[dict[str, Any]]:
    """z-score and Permenkes category per index, for the badges ("tidak berlaku" if n/a)."""
    if m is None:
        return []
    out = []
    for key, name in INDEX_NAMES:
        z = getattr(m, f"z_{key}")
        cat = getattr(m, f"cat_{key}")
        out.append(
            {
                "name": name,
                "z": None if z is None else f"{z:+.2f}".replace(".", ","),
                "label": LABELS.get(cat, "") if cat else _("tidak berlaku"),
                "tone": TONE.get(cat, "off"),
            }
        )
    return out


# --- Entry page ---------------------------------------------------------------------------


@require("health.aggregates")
def home(request: VillageRequest) -> HttpResponse:
    village = request.village
    context: dict[str, Any] = {"individual": request.scope.can("health.read")}
    if context["individual"]:
        posyandu = list(selectors.posyandu_all(village=village))
        latest = {
            s.posyandu_id: s
            for s in PosyanduSession.objects.filter(village=village).order_by("posyandu_id", "held_on")
        }
        context["posyandu"] = [(p, latest.get(p.pk)) for p in posyandu]
        alerts = selectors.growth_alerts(village=village)
        context["alert_counts"] = [
            (kind, label, sum(a.kind == kind for a in alerts))
            for kind, label in selectors.ALERT_KINDS.items()
        ]
        context["today"] = timezone.localdate()
        if request.scope.can("health.maternal"):
            context["pregnancies"] = selectors.pregnancy_list(village=village).count()
    return render(request, "health/home.html", context)


# --- Posyandu -----------------------------------------------------------------------------


def _posyandu_or_404(request: VillageRequest, public_id: str) -> Posyandu:
    posyandu: Posyandu = _get(Posyandu, selectors.posyandu_get, village=request.village, public_id=public_id)
    return posyandu


@require("health.write")
def posyandu_create(request: VillageRequest) -> HttpResponse:
    village = request.village
    form = forms.PosyanduForm(request.POST or None, village=village)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with ServiceCall(form) as call:
            posyandu = services.posyandu_create(
                actor=request.user,
                village=village,
                name=d["name"],
                dusun=d["dusun"],
                schedule=d["schedule"],
                rts=list(d["rts"]),
                cadres=list(d["cadres"]),
            )
        if call.ok:
            messages.success(request, _("Posyandu %(name)s telah dibuat.") % {"name": posyandu.name})
            return redirect("health:posyandu_detail", public_id=posyandu.public_id)
    return render(
        request,
        "health/posyandu_form.html",
        {"form": form, "title": _("Posyandu baru")},
        status=400 if form.errors else 200,
    )


@require("health.write")
def posyandu_edit(request: VillageRequest, public_id: str) -> HttpResponse:
    village = request.village
    posyandu = _posyandu_or_404(request, public_id)
    initial = {
        "name": posyandu.name,
        "dusun": posyandu.dusun,
        "schedule": posyandu.schedule,
        "is_active": posyandu.is_active,
        "rts": selectors.posyandu_rts(village=village, posyandu=posyandu),
        "cadres": selectors.posyandu_cadres(village=village, posyandu=posyandu),
    }
    form = forms.PosyanduForm(request.POST or None, village=village, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with ServiceCall(form) as call:
            services.posyandu_update(
                actor=request.user,
                posyandu=posyandu,
                name=d["name"],
                dusun=d["dusun"],
                schedule=d["schedule"],
                rts=list(d["rts"]),
                cadres=list(d["cadres"]),
                is_active=d["is_active"],
            )
        if call.ok:
            messages.success(request, _("Posyandu telah diperbarui."))
            return redirect("health:posyandu_detail", public_id=posyandu.public_id)
    return render(
        request,
        "health/posyandu_form.html",
        {"form": form, "posyandu": posyandu, "title": _("Ubah posyandu")},
        status=400 if form.errors else 200,
    )


@require("health.read")
def posyandu_detail(request: VillageRequest, public_id: str) -> HttpResponse:
    village = request.village
    posyandu = _posyandu_or_404(request, public_id)
    today = timezone.localdate()
    return render(
        request,
        "health/posyandu_detail.html",
        {
            "posyandu": posyandu,
            "rts": selectors.posyandu_rts(village=village, posyandu=posyandu),
            "cadres": selectors.posyandu_cadres(village=village, posyandu=posyandu),
            "sessions": selectors.session_list(village=village, posyandu=posyandu)[:24],
            "expected": selectors.expected_children(village=village, posyandu=posyandu, on=today).count(),
            "open_form": forms.SessionOpenForm(),
            "can_write": request.scope.can("health.write"),
        },
    )


@require("health.write")
@require_POST
def session_open(request: VillageRequest, public_id: str) -> HttpResponse:
    village = request.village
    posyandu = _posyandu_or_404(request, public_id)
    form = forms.SessionOpenForm(request.POST)
    if not form.is_valid() or form.cleaned_data["held_on"] > timezone.localdate():
        messages.error(request, _("Tanggal hari buka tidak sah atau di masa depan."))
        return redirect("health:posyandu_detail", public_id=posyandu.public_id)
    session = services.session_open(
        actor=request.user, village=village, posyandu=posyandu, held_on=form.cleaned_data["held_on"]
    )
    return redirect("health:session_sheet", public_id=session.public_id)


# --- Session sheet ------------------------------------------------------------------------


def _session_or_404(request: VillageRequest, public_id: str) -> PosyanduSession:
    session: PosyanduSession = _get(
        PosyanduSession, selectors.session_get, village=request.village, public_id=public_id
    )
    return session


def _row_context(
    row: selectors.SheetRow,
    session: PosyanduSession,
    form: forms.MeasurementRowForm | None = None,
    *,
    implausible: str = "",
    refused: str = "",
    saved: bool = False,
    can_write: bool = True,
) -> dict[str, Any]:
    m = row.current
    if form is None:
        initial: dict[str, Any] = {"position": row.suggested_position}
        if m is not None:
            initial = {
                "weight_kg": m.weight_kg if m.weight_kg is not None else "",
                "lenhei_cm": m.lenhei_cm if m.lenhei_cm is not None else "",
                "position": m.position or row.suggested_position,
                "head_cm": m.head_cm if m.head_cm is not None else "",
                "muac_cm": m.muac_cm if m.muac_cm is not None else "",
                "oedema": m.oedema,
                "exclusive_breastfeeding": _BREASTFEEDING_VALUE[m.exclusive_breastfeeding],
                "vitamin_a": m.vitamin_a,
                "immunizations": m.immunizations,
            }
        form = forms.MeasurementRowForm(initial=initial, prefix=f"c{row.child.public_id}")
    given_now = set(m.immunizations) if m is not None else set()
    checked = set(form["immunizations"].value() or []) | given_now
    offered = [v for v in immunization.SCHEDULE if v.code in given_now or v in row.due]
    # Vaccines due this month or last are shown; older missed ones (catch-up) fold
    # away so a row stays a few keystrokes long.
    recent = {v.code for v in offered if v.due_month >= row.age_months - CATCH_UP_FOLD_MONTHS}
    vaccines = [
        {"code": v.code, "label": v.label, "checked": v.code in checked}
        for v in offered
        if v.code in recent or v.code in checked
    ]
    catch_up = [
        {"code": v.code, "label": v.label, "checked": False}
        for v in offered
        if v.code not in recent and v.code not in checked
    ]
    return {
        "row": row,
        "session": session,
        "form": form,
        "status": status_of(m),
        "trend": TREND_LABELS.get(m.weight_trend, "") if m is not None else "",
        "vaccines": vaccines,
        "catch_up": catch_up,
        "show_breastfeeding": row.age_days < services.EXCLUSIVE_BREASTFEEDING_MAX_DAYS,
        "vitamin_a_due": 6 <= row.age_months < 60,
        "implausible": implausible,
        "refused": refused,
        "saved": saved,
        "can_write": can_write,
        "place": f"RT {row.child.rt.rt}/RW {row.child.rt.rw}" if row.child.rt else "",
    }


@require("health.read")
def session_sheet(request: VillageRequest, public_id: str) -> HttpResponse:
    village = request.village
    session = _session_or_404(request, public_id)
    can_write = request.scope.can("health.write")
    rows = selectors.sheet_rows(village=village, session=session)
    return render(
        request,
        "health/session_sheet.html",
        {
            "session": session,
            "rows": [_row_context(r, session, can_write=can_write) for r in rows],
            "pregnant": selectors.session_attendees(village=village, session=session, target="pregnant"),
            "elderly": selectors.session_attendees(village=village, session=session, target="elderly"),
            "counts": selectors.session_counts(village=village, session=session),
            "can_write": can_write,
            # Due dates are pregnancy records (bidan); a kader marks attendance by name only.
            "show_due": request.scope.can("health.maternal"),
        },
    )


@require("health.write")
def session_row(request: VillageRequest, public_id: str, child_id: str) -> HttpResponse:
    """One child's row: GET renders it, POST saves it (htmx swaps the row in place)."""
    village = request.village
    session = _session_or_404(request, public_id)
    child: Resident = _get(Resident, selectors.resident_of_village, village=village, public_id=child_id)
    row = selectors.sheet_row(village=village, session=session, child=child)
    if request.method != "POST":
        return render(request, "health/_sheet_row.html", _row_context(row, session))
    form = forms.MeasurementRowForm(request.POST, prefix=f"c{child.public_id}")
    implausible = refused = ""
    status = 200
    if form.is_valid():
        d = form.cleaned_data
        with ServiceCall() as call:
            services.measurement_record(
                actor=request.user,
                village=village,
                child=child,
                session=session,
                measured_on=session.held_on,
                weight_kg=d["weight_kg"],
                lenhei_cm=d["lenhei_cm"],
                position=d["position"],
                head_cm=d["head_cm"],
                muac_cm=d["muac_cm"],
                oedema=d["oedema"],
                exclusive_breastfeeding=form.breastfeeding(),
                vitamin_a=d["vitamin_a"],
                immunizations=d["immunizations"],
                confirm_implausible=d["confirm"],
            )
        if getattr(call.refusal, "code", None) == "implausible":
            # A value outside what is plausible: saved only when the cadre confirms it.
            implausible, status = call.messages[0], 409
        elif isinstance(call.refusal, ApplicationError):
            refused, status = call.text(), 409
        elif not call.ok:
            call.show_on(form)
            status = 400
        else:
            row = selectors.sheet_row(village=village, session=session, child=child)
            if not is_htmx(request):
                messages.success(request, _("Pengukuran %(name)s tersimpan.") % {"name": child.name})
                return redirect(
                    reverse("health:session_sheet", args=[session.public_id]) + f"#r-{child.public_id}"
                )
            return render(request, "health/_sheet_row.html", _row_context(row, session, saved=True))
    else:
        status = 400
    context = _row_context(row, session, form, implausible=implausible, refused=refused)
    if is_htmx(request):
        # htmx swaps only 2xx answers; the row itself says what went wrong.
        response = render(request, "health/_sheet_row.html", context)
        response["X-Balai-Row-Status"] = str(status)
    else:
        response = render(request, "health/sheet_row_page.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require("health.write")
@require_POST
def session_attendance(request: VillageRequest, public_id: str, resident_id: str) -> HttpResponse:
    village = request.village
    session = _session_or_404(request, public_id)
    resident: Resident = _get(Resident, selectors.resident_of_village, village=village, public_id=resident_id)
    form = forms.AttendanceForm(request.POST)
    error = ""
    if form.is_valid():
        with ServiceCall() as call:
            services.attendance_set(
                actor=request.user,
                session=session,
                resident=resident,
                target=form.cleaned_data["target"],
                present=form.cleaned_data["present"],
            )
        error = call.text("; ")
    else:
        error = _("Isian kehadiran tidak sah.")
    present = Attendance.objects.filter(village=village, session=session, resident=resident).exists()
    context = {
        "session": session,
        "person": selectors.AttendeeRow(resident, present),
        "target": form.cleaned_data.get("target", "") if form.is_valid() else "",
        "error": error,
        "can_write": True,
        "show_due": False,
    }
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect("health:session_sheet", public_id=session.public_id)
    return render(request, "health/_attendee.html", context)


# --- Child page, chart, PDF ---------------------------------------------------------------


def _child_or_404(request: VillageRequest, public_id: str) -> Resident:
    child: Resident = _get(
        Resident, selectors.resident_of_village, village=request.village, public_id=public_id
    )
    if child.birth_date is None:
        raise Http404
    return child


def _measurement_rows(growth: selectors.ChildGrowth) -> list[dict[str, Any]]:
    rows = []
    for m in reversed(growth.measurements):
        rows.append(
            {
                "m": m,
                "age": _("%(n)s bln") % {"n": int(m.age_days / 30.4375)},
                "status": status_of(m),
                "trend": TREND_LABELS.get(m.weight_trend, ""),
                "position": {"l": _("terlentang"), "h": _("berdiri")}.get(m.position, ""),
            }
        )
    return rows


@require("health.read")
def child_detail(request: VillageRequest, public_id: str) -> HttpResponse:
    village = request.village
    child = _child_or_404(request, public_id)
    growth = selectors.child_growth(village=village, child=child)
    audit_record(
        actor=request.user,
        village=village,
        action="child_growth.viewed",
        object_type="resident",
        object_id=child.public_id,
    )
    give = {
        code
        for m in ChildMeasurement.objects.filter(village=village, child=child).values_list(
            "immunizations", flat=True
        )
        for code in (m or [])
    }
    return render(
        request,
        "health/child_detail.html",
        {
            "child": child,
            "growth": growth,
            "charts": charts.growth_charts(growth) if growth.measurements else None,
            "rows": _measurement_rows(growth),
            "latest_status": status_of(growth.latest),
            "alive": child.status == codes.STATUS_ALIVE,
            "status_label": codes.STATUS.get(child.status, ""),
            "immunizations": [(v, v.code in give) for v in immunization.SCHEDULE],
            "nik": mask_number(child.nik),
        },
    )


@require("health.read")
def child_chart_pdf(request: VillageRequest, public_id: str) -> HttpResponse:
    village = request.village
    child = _child_or_404(request, public_id)
    growth = selectors.child_growth(village=village, child=child)
    svgs = charts.growth_charts(growth)
    assert child.birth_date is not None
    content = {
        "title": _("Kartu Menuju Sehat (KMS)"),
        "subtitle": f"{child.name} · {_('Laki-laki') if child.sex == 1 else _('Perempuan')}",
        "facts": [
            [_("Tanggal lahir"), child.birth_date.strftime("%d-%m-%Y")],
            [_("Nama ibu"), child.mother_name or "-"],
            [_("Desa"), village.name],
            [_("Dicetak"), timezone.localdate().strftime("%d-%m-%Y")],
        ],
        "wfa": svgs["wfa"],
        "lhfa": svgs["lhfa"],
        "table_title": _("Riwayat penimbangan dan pengukuran"),
        "columns": [_("Tanggal"), _("Umur"), "BB (kg)", "PB/TB (cm)", "N/T", "BB/U", "PB/U", "BB/PB"],
        "rows": [
            [
                m.measured_on.strftime("%d-%m-%Y"),
                f"{int(m.age_days / 30.4375)} bln",
                f"{m.weight_kg:.1f}".replace(".", ",") if m.weight_kg is not None else "-",
                f"{m.lenhei_cm:.1f}".replace(".", ",") if m.lenhei_cm is not None else "-",
                m.weight_trend or "-",
                m.labels["wfa"] or _("tidak berlaku"),
                m.labels["lhfa"] or _("tidak berlaku"),
                m.labels["wflh"] or _("tidak berlaku"),
            ]
            for m in growth.measurements
        ],
        "footnote": _(
            "Standar WHO 2006 (Permenkes No. 2 Tahun 2020). Garis: −3, −2, 0 (median), +2, +3 SD. "
            "Titik PB/TB sesudah koreksi cara ukur 0,7 cm. N = naik, T = tidak naik (di bawah KBM), "
            "O = tidak ditimbang bulan lalu, B = baru."
        ),
    }
    audit_record(
        actor=request.user,
        village=village,
        action="child_growth.printed",
        object_type="resident",
        object_id=child.public_id,
    )
    response = HttpResponse(pdf.render(content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kms-{child.public_id}.pdf"'
    return response


# --- Alerts -------------------------------------------------------------------------------


@require("health.read")
def alerts(request: VillageRequest) -> HttpResponse:
    village = request.village
    form = forms.AlertFilterForm(request.GET or None, village=village)
    kinds: set[str] | None = None
    posyandu = None
    dusun = ""
    if form.is_valid():
        kinds = {form.cleaned_data["kind"]} if form.cleaned_data["kind"] else None
        posyandu = form.cleaned_data["posyandu"]
        dusun = form.cleaned_data["dusun"]
    found = selectors.growth_alerts(village=village, kinds=kinds, posyandu=posyandu, dusun=dusun)
    # A list of named children with their health status: who looked is kept.
    audit_record(
        actor=request.user,
        village=village,
        action="health_alerts.viewed",
        object_type="health_alerts",
        changes={
            "kinds": sorted(kinds or []),
            "posyandu": posyandu.public_id if posyandu is not None else None,
            "dusun": dusun,
            "count": len(found),
        },
    )
    return render(
        request, "health/alerts.html", {"form": form, "alerts": found, "today": timezone.localdate()}
    )


# --- Mothers ------------------------------------------------------------------------------


def _pregnancy_or_404(request: VillageRequest, public_id: str) -> Pregnancy:
    pregnancy: Pregnancy = _get(
        Pregnancy, selectors.pregnancy_get, village=request.village, public_id=public_id
    )
    return pregnancy


@require("health.maternal")
def pregnancy_list(request: VillageRequest) -> HttpResponse:
    village = request.village
    ongoing = request.GET.get("selesai") != "1"
    items = list(selectors.pregnancy_list(village=village, ongoing=ongoing)[:500])
    visits: dict[int, list[Any]] = {}
    for v in AntenatalVisit.objects.filter(village=village, pregnancy__in=items).order_by("visited_on"):
        visits.setdefault(v.pregnancy_id, []).append(v)
    rows = [
        {
            "p": p,
            "weeks": selectors.gestational_weeks(p),
            "visits": len(visits.get(p.pk, [])),
            "risks": [
                selectors.RISK_LABELS[r]
                for r in selectors.pregnancy_risks(pregnancy=p, visits=visits.get(p.pk, []))
            ],
        }
        for p in items
    ]
    return render(request, "health/pregnancy_list.html", {"rows": rows, "ongoing": ongoing})


@require("health.maternal")
def pregnancy_create(request: VillageRequest) -> HttpResponse:
    village = request.village
    q = request.GET.get("q", "")
    mother_id = request.POST.get("mother") or request.GET.get("ibu") or ""
    mother: Resident | None = None
    if mother_id:
        mother = _get(Resident, selectors.resident_of_village, village=village, public_id=mother_id)
    form = forms.PregnancyForm(request.POST or None, initial={"mother": mother_id})
    if request.method == "POST" and form.is_valid() and mother is not None:
        d = form.cleaned_data
        with ServiceCall(form) as call:
            pregnancy = services.pregnancy_register(
                actor=request.user,
                village=village,
                mother=mother,
                lmp_date=d["lmp_date"],
                gravida=d["gravida"],
                risk_note=d["risk_note"],
            )
        if call.ok:
            messages.success(request, _("Kehamilan %(name)s tercatat.") % {"name": mother.name})
            return redirect("health:pregnancy_detail", public_id=pregnancy.public_id)
    return render(
        request,
        "health/pregnancy_form.html",
        {
            "form": form,
            "q": q,
            "found": selectors.women_search(village=village, q=q) if q and mother is None else [],
            "mother": mother,
        },
        status=400 if form.errors else 200,
    )


def _pregnancy_page(
    request: VillageRequest,
    pregnancy: Pregnancy,
    *,
    visit_form: forms.AntenatalVisitForm | None = None,
    outcome_form: forms.PregnancyOutcomeForm | None = None,
    link_error: str = "",
    status: int = 200,
) -> HttpResponse:
    village = request.village
    visits = list(selectors.pregnancy_visits(village=village, pregnancy=pregnancy))
    return render(
        request,
        "health/pregnancy_detail.html",
        {
            "p": pregnancy,
            "visits": [(v, [selectors.RISK_LABELS[f] for f in v.flags.split(";") if f]) for v in visits],
            "risks": [
                selectors.RISK_LABELS[r]
                for r in selectors.pregnancy_risks(pregnancy=pregnancy, visits=visits)
            ],
            "weeks": selectors.gestational_weeks(pregnancy),
            "iron_total": sum(v.iron_tablets for v in visits),
            "visit_form": visit_form or forms.AntenatalVisitForm(),
            "outcome_form": outcome_form or forms.PregnancyOutcomeForm(),
            "candidates": selectors.birth_candidates(village=village, pregnancy=pregnancy)
            if not pregnancy.baby_id
            else [],
            "link_error": link_error,
            "mother_nik": mask_number(pregnancy.mother.nik),
        },
        status=status,
    )


@require("health.maternal")
def pregnancy_detail(request: VillageRequest, public_id: str) -> HttpResponse:
    pregnancy = _pregnancy_or_404(request, public_id)
    audit_record(
        actor=request.user,
        village=request.village,
        action="pregnancy.viewed",
        object_type="pregnancy",
        object_id=pregnancy.public_id,
    )
    return _pregnancy_page(request, pregnancy)


@require("health.maternal")
@require_POST
def pregnancy_visit(request: VillageRequest, public_id: str) -> HttpResponse:
    pregnancy = _pregnancy_or_404(request, public_id)
    form = forms.AntenatalVisitForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        with ServiceCall(form) as call:
            visit = services.antenatal_visit_record(
                actor=request.user,
                pregnancy=pregnancy,
                visited_on=d["visited_on"],
                weight_kg=d["weight_kg"],
                muac_cm=d["muac_cm"],
                hb_g_dl=d["hb_g_dl"],
                iron_tablets=d["iron_tablets"],
                bp_systolic=d["bp_systolic"],
                bp_diastolic=d["bp_diastolic"],
                note=d["note"],
            )
        if call.ok:
            messages.success(request, _("Kunjungan K%(n)s tercatat.") % {"n": visit.number})
            return redirect("health:pregnancy_detail", public_id=pregnancy.public_id)
    return _pregnancy_page(request, pregnancy, visit_form=form, status=400)


@require("health.maternal")
@require_POST
def pregnancy_outcome(request: VillageRequest, public_id: str) -> HttpResponse:
    pregnancy = _pregnancy_or_404(request, public_id)
    form = forms.PregnancyOutcomeForm(request.POST)
    if form.is_valid():
        with ServiceCall(form) as call:
            services.pregnancy_close(
                actor=request.user,
                pregnancy=pregnancy,
                outcome=form.cleaned_data["outcome"],
                outcome_date=form.cleaned_data["outcome_date"],
            )
        if call.ok:
            messages.success(request, _("Hasil kehamilan tercatat."))
            return redirect("health:pregnancy_detail", public_id=pregnancy.public_id)
    return _pregnancy_page(request, pregnancy, outcome_form=form, status=400)


@require("health.maternal")
@require_POST
def pregnancy_link_birth(request: VillageRequest, public_id: str) -> HttpResponse:
    village = request.village
    pregnancy = _pregnancy_or_404(request, public_id)
    form = forms.LinkBirthForm(request.POST)
    if not form.is_valid():
        raise Http404
    baby: Resident = _get(
        Resident, selectors.resident_of_village, village=village, public_id=form.cleaned_data["baby"]
    )
    with ServiceCall() as call:
        services.pregnancy_link_birth(actor=request.user, pregnancy=pregnancy, baby=baby)
    if not call.ok:
        status = 409 if isinstance(call.refusal, ApplicationError) else 400
        return _pregnancy_page(request, pregnancy, link_error=call.text("; "), status=status)
    messages.success(request, _("Kelahiran %(name)s ditautkan.") % {"name": baby.name})
    return redirect("health:pregnancy_detail", public_id=pregnancy.public_id)
