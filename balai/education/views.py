"""Education pages: parse input, call one selector or service, render.

Children and schools are looked up through selectors with the user's village, so another
village's id answers 404 exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from balai.accounts.decorators import require
from balai.accounts.http import RegionalRequest, VillageRequest
from balai.accounts.models import ScopeLevel
from balai.core import xlsx
from balai.core.http import ServiceCall, is_htmx, paginate
from balai.education import exports, forms, rules, selectors, services
from balai.education.models import Enrolment, School
from balai.people import services as people_services
from balai.people.models import Resident
from balai.regions.selectors import deployment_regency_code, region_names

PAGE_SIZE = 100


def _child_or_404(request: VillageRequest, public_id: str) -> Resident:
    try:
        return selectors.child_get(village=request.village, public_id=public_id)
    except Resident.DoesNotExist:
        raise Http404


def _school_or_404(request: VillageRequest, public_id: str) -> School:
    try:
        return selectors.school_get(village=request.village, public_id=public_id)
    except School.DoesNotExist:
        raise Http404


def _form_errors(form: Any) -> str:
    return " ".join(
        f"{form.fields[k].label if k in form.fields else ''}: {' '.join(v)}".strip(": ")
        for k, v in form.errors.items()
    )


# --- Village pages ---------------------------------------------------------------------------


@require("education.read")
def home(request: VillageRequest) -> HttpResponse:
    village = request.village
    filter_form = forms.ChildFilterForm(request.GET or None, village=village)
    day = filter_form.day(timezone.localdate())
    counts = selectors.village_counts(village=village, day=day)
    bands = [
        {
            "label": label,
            "total": sum(counts.by_band[i].values()),
            "cells": [counts.by_band[i].get(s, 0) for s in rules.Status.values],
        }
        for i, (label, _lo, _hi) in enumerate(rules.AGE_BANDS)
    ]
    return render(
        request,
        "education/home.html",
        {
            "day": day,
            "school_year": rules.school_year_of(day),
            "counts": counts,
            "bands": bands,
            "statuses": rules.Status.choices,
            "status_totals": [counts.status_total(s) for s in rules.Status.values],
            "reasons": [(label, counts.reasons.get(v, 0)) for v, label in rules.Reason.choices],
            "risks": [(label, counts.risks.get(v, 0)) for v, label in rules.Risk.choices],
            "schools": selectors.school_list(village=village, active_only=True).count(),
        },
    )


def _rows(children: list[selectors.Child]) -> list[dict[str, str]]:
    """Display-ready rows: formatting in Python costs a fraction of template tags per cell."""
    url = reverse("education:child", args=["~id~"])
    grade = _("kelas")
    rows = []
    for c in children:
        if c.school:
            school = (
                c.school
                + (f" · {grade} {c.grade}" if c.grade else "")
                + (f" ({c.school_year})" if c.school_year else "")
            )
        else:
            school = c.registry_education or "—"
        rows.append(
            {
                "url": url.replace("~id~", c.public_id),
                "name": c.name,
                "nik": c.nik_masked,
                "sex": c.sex,
                "age": str(c.age),
                "place": c.place,
                "status": c.status_label,
                "badge": "off"
                if c.status == rules.Status.OUT
                else "warn"
                if c.risks
                else "ok"
                if c.status in (rules.Status.IN_SCHOOL, rules.Status.COMPLETED)
                else "",
                "why": "; ".join(x for x in [c.reason_label, *c.risk_labels] if x),
                "school": school,
                "school_muted": "" if c.school else "muted",
                "pip": c.pip or "—",
                "followup": f"{c.followup} · {c.followup_on:%d-%m-%Y}"
                if c.followup and c.followup_on
                else "—",
            }
        )
    return rows


def _list_page(request: VillageRequest, *, follow_up: bool) -> HttpResponse:
    village = request.village
    filter_form = forms.ChildFilterForm(request.GET or None, village=village)
    day = filter_form.day(timezone.localdate())
    children: Sequence[selectors.Child]
    if follow_up:
        children = selectors.follow_up_list(village=village, day=day, filters=filter_form.filters())
    else:
        children = selectors.SchoolAgeChildren(village=village, day=day, filters=filter_form.filters())
    page = paginate(request, children, PAGE_SIZE)
    carry = [(k, v) for k, v in request.GET.items() if k != "hal" and v]
    context = {
        "filter_form": filter_form,
        "rows": _rows(list(page)),
        "page": page,
        "carry": carry,
        "day": day,
        "school_year": rules.school_year_of(day),
        "follow_up": follow_up,
    }
    template = "education/_child_rows.html" if is_htmx(request) else "education/child_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require("education.read")
def children(request: VillageRequest) -> HttpResponse:
    return _list_page(request, follow_up=False)


@require("education.read")
def follow_up(request: VillageRequest) -> HttpResponse:
    return _list_page(request, follow_up=True)


@require("education.read")
def follow_up_xlsx(request: VillageRequest) -> HttpResponse:
    village = request.village
    filter_form = forms.ChildFilterForm(request.GET or None, village=village)
    day = filter_form.day(timezone.localdate())
    rows = selectors.follow_up_list(village=village, day=day, filters=filter_form.filters())
    data = exports.follow_up_xlsx(
        rows,
        title=f"Anak tidak sekolah dan berisiko putus sekolah — Desa {village.name}",
        day=day,
        village=village,
        filters=xlsx.form_filters(filter_form),
    )
    services.follow_up_list_exported(
        actor=request.user, village=village, rows=len(rows), filters=filter_form.as_dict()
    )
    response = HttpResponse(data, content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="ats-{village.code_digits}-{day:%Y%m%d}.xlsx"'
    return response


@require("education.read")
def paud(request: VillageRequest) -> HttpResponse:
    village = request.village
    day = timezone.localdate()
    items = selectors.paud_children(village=village, day=day)
    recorded = sum(1 for c in items if c.recorded)
    return render(
        request,
        "education/paud.html",
        {
            "children": items,
            "day": day,
            "recorded": recorded,
            "registry": sum(1 for c in items if c.registry),
            "rate": 100 * recorded / len(items) if items else None,
        },
    )


# --- One child ---------------------------------------------------------------------------------


def _child_page(request: VillageRequest, child: Resident, **forms_given: Any) -> HttpResponse:
    village = request.village
    today = timezone.localdate()
    school_year = rules.school_year_of(today)
    schools = list(selectors.school_list(village=village, active_only=True))
    enrolments = list(selectors.child_enrolments(village=village, resident=child))
    latest = next((e for e in enrolments if e.is_latest), None)
    status, reason = rules.classify(
        latest=None
        if latest is None
        else rules.Latest(latest.status, latest.level, latest.school_year, latest.repeated),
        education_current=child.education_current,
        education_kk=child.education_kk,
        school_year=school_year,
    )
    absent = child.pk in selectors.recent_absences(villages=[village.pk], day=today)
    risks = rules.risks(
        status=status,
        latest=None
        if latest is None
        else rules.Latest(latest.status, latest.level, latest.school_year, latest.repeated),
        absent_reported=absent,
        school_year=school_year,
    )
    age = rules.age_on(child.birth_date, today) if child.birth_date else None
    last = enrolments[0] if enrolments else None
    context = {
        "child": child,
        "age": age,
        "in_range": age is not None and rules.PAUD_AGE[0] <= age <= rules.SCHOOL_AGE[1],
        "status_label": rules.Status(status).label,
        "status": status,
        "reason_label": rules.Reason(reason).label if reason else "",
        "risk_labels": [rules.Risk(r).label for r in risks],
        "enrolments": enrolments,
        "absences": selectors.child_absences(village=village, resident=child),
        "scholarships": selectors.child_scholarships(village=village, resident=child),
        "followups": selectors.child_followups(village=village, resident=child),
        "school_year": school_year,
        "enrol_form": forms_given.get("enrol")
        or forms.EnrolmentForm(
            schools=schools,
            initial={
                "school_year": school_year,
                "enrolled_year": last.enrolled_year
                if last and last.school_year < school_year
                else school_year,
                "grade": (last.grade + 1) if last and last.status == "aktif" and last.grade < 12 else None,
                "school": last.school.public_id if last and last.status == "aktif" else "",
            },
        ),
        "absence_form": forms_given.get("absence") or forms.AbsenceForm(initial={"reported_on": today}),
        "pip_form": forms_given.get("pip") or forms.ScholarshipForm(initial={"year": today.year}),
        "followup_form": forms_given.get("followup") or forms.FollowUpForm(initial={"noted_on": today}),
        "status_form": forms.EnrolmentStatusForm(),
    }
    return render(request, "education/child_detail.html", context, status=400 if forms_given else 200)


@require("education.read")
def child(request: VillageRequest, public_id: str) -> HttpResponse:
    found = _child_or_404(request, public_id)
    # A child's education record is personal data: who opened it is logged (issue 16).
    people_services.resident_viewed(actor=request.user, resident=found, purpose="education")
    return _child_page(request, found)


@require("education.write")
@require_POST
def child_enrol(request: VillageRequest, public_id: str) -> HttpResponse:
    resident = _child_or_404(request, public_id)
    village = request.village
    schools = list(selectors.school_list(village=village, active_only=True))
    form = forms.EnrolmentForm(request.POST, schools=schools)
    if form.is_valid():
        d = form.cleaned_data
        school = next(s for s in schools if s.public_id == d["school"])
        with ServiceCall(form) as call:
            services.enrolment_record(
                actor=request.user,
                village=village,
                resident=resident,
                school=school,
                school_year=d["school_year"],
                grade=d["grade"],
                enrolled_year=d["enrolled_year"],
                status=d["status"],
                note=d["note"],
                today=timezone.localdate(),
            )
        if call.ok:
            messages.success(request, _("Data sekolah anak tersimpan."))
            return redirect("education:child", public_id=resident.public_id)
    return _child_page(request, resident, enrol=form)


@require("education.write")
@require_POST
def enrolment_status(request: VillageRequest, public_id: str) -> HttpResponse:
    try:
        enrolment = selectors.enrolment_get(village=request.village, public_id=public_id)
    except Enrolment.DoesNotExist:
        raise Http404
    form = forms.EnrolmentStatusForm(request.POST)
    if form.is_valid():
        with ServiceCall(form):
            services.enrolment_set_status(
                actor=request.user,
                enrolment=enrolment,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
    if not form.errors:  # neither the form nor the service refused
        messages.success(request, _("Status sekolah diperbarui."))
    else:
        messages.error(request, _("Status tidak disimpan: %(errors)s") % {"errors": _form_errors(form)})
    return redirect("education:child", public_id=enrolment.resident.public_id)


def _child_record(
    form_class: type[Form], record: Callable[..., object], saved: Promise, slot: str
) -> Callable[..., HttpResponseBase]:
    """A view for one of the child page's small forms (absence, PIP, follow-up): `record` is
    the service, called with the form's fields; a refusal shows the page again with the form
    in `slot`."""

    @require("education.write")
    @require_POST
    def view(request: VillageRequest, public_id: str) -> HttpResponse:
        resident = _child_or_404(request, public_id)
        form = form_class(request.POST)
        if form.is_valid():
            with ServiceCall(form) as call:
                record(actor=request.user, village=request.village, resident=resident, **form.cleaned_data)
            if call.ok:
                messages.success(request, str(saved))
                return redirect("education:child", public_id=resident.public_id)
        return _child_page(request, resident, **{slot: form})

    return view


child_absence = _child_record(
    forms.AbsenceForm, services.absence_report, _lazy("Laporan ketidakhadiran tersimpan."), "absence"
)
child_pip = _child_record(
    forms.ScholarshipForm, services.scholarship_set, _lazy("Status PIP tersimpan."), "pip"
)
child_followup = _child_record(
    forms.FollowUpForm, services.followup_add, _lazy("Catatan tindak lanjut tersimpan."), "followup"
)


# --- Schools -------------------------------------------------------------------------------------


@require("education.read")
def schools(request: VillageRequest) -> HttpResponse:
    village = request.village
    form = forms.SchoolForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.scope.can("education.write"):
            raise PermissionDenied
        if form.is_valid():
            with ServiceCall(form) as call:
                services.school_create(actor=request.user, village=village, data=form.cleaned_data)
            if call.ok:
                messages.success(request, _("Sekolah tersimpan."))
                return redirect("education:schools")
        status = 400
    return render(
        request,
        "education/school_list.html",
        {"schools": selectors.school_list(village=village), "form": form},
        status=status,
    )


@require("education.write")
def school_edit(request: VillageRequest, public_id: str) -> HttpResponse:
    school = _school_or_404(request, public_id)
    if request.method == "POST":
        form = forms.SchoolForm(request.POST)
        if form.is_valid():
            with ServiceCall(form) as call:
                services.school_update(actor=request.user, school=school, data=form.cleaned_data)
            if call.ok:
                messages.success(request, _("Sekolah diperbarui."))
                return redirect("education:schools")
    else:
        form = forms.SchoolForm(initial={k: getattr(school, k) for k in services.SCHOOL_FIELDS})
    return render(request, "education/school_form.html", {"school": school, "form": form})


# --- District and regency ------------------------------------------------------------------------


@require("aggregates.read", village=False)
def regional(request: RegionalRequest) -> HttpResponse:
    scope = request.scope
    day = timezone.localdate()
    data = selectors.regional_cached(villages=scope.readable_villages(), day=day)
    is_district = scope.level == ScopeLevel.DISTRICT
    area_code = scope.district_code if is_district else deployment_regency_code()
    return render(
        request,
        "education/regional.html",
        {
            "data": data,
            "day": day,
            "school_year": rules.school_year_of(day),
            "area_name": region_names().get(area_code, area_code)
            if scope.village is None
            else scope.village.name,
            "reasons": rules.Reason.choices,
        },
    )


@require("aggregates.read", village=False)
def regional_download(request: RegionalRequest, kind: str) -> HttpResponse:
    """The page's table as XLSX or PDF: the villages the scope reads (a camat's district only)."""
    from balai.accounts.area import area_name
    from balai.core import tabledownload
    from balai.education.downloads import regional_report

    data = selectors.regional_cached(villages=request.scope.readable_villages(), day=timezone.localdate())
    report = regional_report(data, area=area_name(request.scope))
    return tabledownload.response(report, kind=kind, name="pendidikan-anak-wilayah")
