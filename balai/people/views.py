"""Operator UI of the registry: parse input, call one service or selector, render.

Objects are always looked up through selectors with the user's village, so another
village's public id gives 404 exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from balai.accounts.decorators import require
from balai.core.errors import ApplicationError
from balai.core.masking import mask_number
from balai.people import codes, forms, selectors, services
from balai.people.models import Family, Resident
from balai.regions.models import Village
from balai.regions.selectors import rt_choices

if TYPE_CHECKING:
    from balai.accounts.models import User

PAGE_SIZE = 50
# Columns the resident list shows: loading ~60 columns for 50 rows was most of the query's cost.
LIST_FIELDS = (
    "public_id",
    "name",
    "nik",
    "sex",
    "birth_date",
    "status",
    "family__kk_number",
    "rt__rw",
    "rt__rt",
    "rt__dusun__name",
)


def _list_rows(items: list[dict[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    """Display-ready rows: formatting in Python costs a fraction of template filters per cell."""
    url = reverse("people:resident_detail", args=["~id~"])
    rows = []
    for r in items:
        b = r["birth_date"]
        age = "" if b is None else today.year - b.year - ((today.month, today.day) < (b.month, b.day))
        alive = r["status"] == codes.STATUS_ALIVE
        place = f"{r['rt__dusun__name']} · {r['rt__rw']}/{r['rt__rt']}" if r["rt__rw"] is not None else ""
        rows.append(
            {
                "url": url.replace("~id~", r["public_id"]),
                "name": r["name"],
                "nik": mask_number(r["nik"]),
                "kk": mask_number(r["family__kk_number"]),
                "sex": "L" if r["sex"] == 1 else "P",
                "age": age,
                "place": place,
                "status": codes.STATUS.get(r["status"], ""),
                "status_class": "ok" if alive else "off",
            }
        )
    return rows


def _village(request: HttpRequest) -> Village:
    village: Village = request.scope.village  # type: ignore[attr-defined]
    return village


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _resident_or_404(request: HttpRequest, public_id: str) -> Resident:
    try:
        return selectors.resident_get(village=_village(request), public_id=public_id)
    except Resident.DoesNotExist:
        raise Http404


def _family_or_404(request: HttpRequest, public_id: str) -> Family:
    try:
        return selectors.family_get(village=_village(request), public_id=public_id)
    except Family.DoesNotExist:
        raise Http404


def _is_partial(request: HttpRequest) -> bool:
    # htmx restoring history after a cache miss wants the whole page.
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def _render_list(request: HttpRequest, page: str, rows: str, context: dict[str, Any]) -> HttpResponse:
    response = render(request, rows if _is_partial(request) else page, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _params(request: HttpRequest) -> Any:
    """Search parameters. The search forms POST, so a NIK or KK typed into them never lands
    in a URL, the browser history or an access log; plain GET links still work."""
    return request.POST if request.method == "POST" else request.GET


def _page_args(request: HttpRequest) -> dict[str, str | None]:
    params = _params(request)
    after = params.get("after") or None
    return {"after": after, "before": None if after else params.get("before") or None}


def _carry(request: HttpRequest, keys: tuple[str, ...]) -> list[tuple[str, str]]:
    """The current filters, re-sent by the pager's forms."""
    params = _params(request)
    return [(k, params.get(k)) for k in keys if params.get(k)]


@dataclass
class Outcome:
    ok: bool
    value: Any = None
    warnings: list[str] = field(default_factory=list)


def _save(form: Any, call: Callable[[], Any]) -> Outcome:
    """Run a service call for a valid form; its refusals become form errors or NIK warnings."""
    try:
        return Outcome(True, call())
    except services.NikWarning as exc:
        return Outcome(False, warnings=exc.messages)
    except ValidationError as exc:
        forms.add_service_errors(form, exc)
    except ApplicationError as exc:
        form.add_error(None, exc.message)
    return Outcome(False)


# --- Residents ---------------------------------------------------------------------------


@require("registry.read")
def resident_list(request: HttpRequest) -> HttpResponse:
    village = _village(request)
    # One query gives both filter lists: a dusun without RTs has no residents to filter.
    filter_form = forms.ResidentFilterForm(_params(request), rts=rt_choices(village=village))
    args = _page_args(request)
    cursors = {
        key: selectors.resident_cursor(village=village, public_id=value) if value else None
        for key, value in args.items()
    }
    page = selectors.resident_page(
        village=village, filters=filter_form.filters(), limit=PAGE_SIZE, fields=LIST_FIELDS, **cursors
    )
    return _render_list(
        request,
        "people/resident_list.html",
        "people/_resident_rows.html",
        {
            "filter_form": filter_form,
            "residents": page.items,
            "rows": _list_rows(page.items, timezone.localdate()),
            "next_id": page.items[-1]["public_id"] if page.next_cursor else None,
            "prev_id": page.items[0]["public_id"] if page.prev_cursor else None,
            "carry": _carry(request, ("q", "dusun", "rt", "sex", "age_min", "age_max", "status")),
        },
    )


@require("registry.read")
def resident_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    resident = _resident_or_404(request, public_id)
    services.resident_viewed(actor=_actor(request), resident=resident)
    members = list(selectors.family_members(family=resident.family)) if resident.family else []
    return render(
        request,
        "people/resident_detail.html",
        {
            "resident": resident,
            "members": members,
            "events": selectors.resident_events(resident=resident),
            "trail": selectors.resident_audit_trail(resident=resident),
            "today": timezone.localdate(),
            "is_alive": resident.status == codes.STATUS_ALIVE,
        },
    )


def _resident_form_page(
    request: HttpRequest, form: forms.ResidentForm, out: Outcome, **ctx: Any
) -> HttpResponse:
    return render(
        request,
        "people/resident_form.html",
        {"form": form, "warnings": out.warnings, **ctx},
        status=400 if form.errors else 200,
    )


@require("registry.write")
def resident_create(request: HttpRequest) -> HttpResponse:
    village = _village(request)
    out = Outcome(False)
    if request.method == "POST":
        form = forms.ResidentForm(request.POST, village=village)
        if form.is_valid():
            d = form.cleaned_data
            out = _save(
                form,
                lambda: services.resident_register(
                    actor=_actor(request),
                    village=village,
                    data=form.resident_data(),
                    family=d.get("family"),
                    rt=d["rt"],
                    accept_warnings=d["accept_warnings"],
                ),
            )
            if out.ok:
                messages.success(
                    request, _("Penduduk %(name)s telah ditambahkan.") % {"name": out.value.name}
                )
                return redirect("people:resident_detail", public_id=out.value.public_id)
    else:
        initial: dict[str, Any] = {}
        if request.GET.get("keluarga"):
            family = _family_or_404(request, request.GET["keluarga"])
            initial = {"kk_number": family.kk_number, "rt": family.rt.public_id if family.rt else None}
        form = forms.ResidentForm(village=village, initial=initial)
    return _resident_form_page(request, form, out, title=_("Tambah penduduk"))


@require("registry.write")
def resident_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    resident = _resident_or_404(request, public_id)
    out = Outcome(False)
    if request.method == "POST":
        form = forms.ResidentForm(request.POST, village=resident.village, resident=resident)
        if form.is_valid():
            d = form.cleaned_data
            out = _save(
                form,
                lambda: services.resident_update(
                    actor=_actor(request),
                    resident=resident,
                    data=form.resident_data(),
                    rt=d["rt"],
                    accept_warnings=d["accept_warnings"],
                ),
            )
            if out.ok:
                messages.success(request, _("Data %(name)s telah disimpan.") % {"name": out.value.name})
                return redirect("people:resident_detail", public_id=resident.public_id)
    else:
        # The edit form shows the whole record: opening it is a read of personal data.
        services.resident_viewed(actor=_actor(request), resident=resident, purpose="edit")
        form = forms.ResidentForm(
            village=resident.village, resident=resident, initial=forms.ResidentForm.initial_from(resident)
        )
    return _resident_form_page(request, form, out, title=_("Ubah data penduduk"), resident=resident)


EVENT_TITLES = {
    "mati": _lazy("Catat kematian"),
    "hilang": _lazy("Catat penduduk hilang"),
    "pergi": _lazy("Catat penduduk pergi"),
    "pindah": _lazy("Catat pindah keluar"),
}


@require("registry.write")
def resident_event(request: HttpRequest, public_id: str, kind: str) -> HttpResponse:
    if kind not in forms.RESIDENT_EVENT_KINDS:
        raise Http404
    resident = _resident_or_404(request, public_id)
    data = request.POST if request.method == "POST" else None
    form: forms.StatusEventForm
    if kind == "pindah":
        companions = [
            m
            for m in (selectors.family_members(family=resident.family) if resident.family else [])
            if m.pk != resident.pk and m.status == codes.STATUS_ALIVE
        ]
        form = forms.MoveOutForm(data, village=resident.village, companions=companions)
    elif kind == "mati":
        form = forms.DeathForm(data)
    else:
        form = forms.StatusEventForm(data)
    if data is not None and form.is_valid():
        d = form.cleaned_data
        if isinstance(form, forms.MoveOutForm):
            movers = [resident, *form.moving_companions()]
            out = _save(
                form,
                lambda: services.move_out_record(
                    actor=_actor(request),
                    residents=movers,
                    event_date=d["event_date"],
                    destination_village=d["destination_village"],
                    destination=d["destination"],
                    move_type=d["move_type"],
                    note=d["note"],
                ),
            )
        else:
            out = _save(
                form,
                lambda: services.status_event_record(
                    actor=_actor(request),
                    resident=resident,
                    kind=forms.RESIDENT_EVENT_KINDS[kind],
                    event_date=d["event_date"],
                    details=form.details(),
                    note=d["note"],
                ),
            )
        if out.ok:
            if d.get("destination_village") is not None:
                messages.success(
                    request,
                    _("%(name)s telah pindah ke Desa %(village)s; datanya kini dikelola desa tujuan.")
                    % {"name": resident.name, "village": d["destination_village"].name},
                )
                return redirect("people:resident_list")
            messages.success(request, _("Peristiwa telah dicatat."))
            return redirect("people:resident_detail", public_id=resident.public_id)
    return render(
        request,
        "people/event_form.html",
        {
            "form": form,
            "resident": resident,
            "title": EVENT_TITLES[kind],
            "kind": kind,
        },
        status=400 if form.errors else 200,
    )


@require("registry.write")
def resident_place(request: HttpRequest, public_id: str) -> HttpResponse:
    resident = _resident_or_404(request, public_id)
    if request.method == "POST":
        form = forms.PlaceForm(request.POST, village=resident.village)
        if form.is_valid():
            d = form.cleaned_data
            out = _save(
                form,
                lambda: services.resident_place(
                    actor=_actor(request),
                    resident=resident,
                    family=d["family"],
                    relation=d["relation"],
                ),
            )
            if out.ok:
                messages.success(
                    request,
                    _("%(name)s telah dimasukkan ke KK %(kk)s.")
                    % {
                        "name": resident.name,
                        "kk": d["family"].kk_number,
                    },
                )
                return redirect("people:resident_detail", public_id=resident.public_id)
    else:
        form = forms.PlaceForm(village=resident.village, initial={"relation": resident.family_relation})
    return render(
        request,
        "people/event_form.html",
        {
            "form": form,
            "resident": resident,
            "title": _("Tempatkan dalam keluarga"),
        },
        status=400 if form.errors else 200,
    )


@require("registry.write")
def move_in(request: HttpRequest) -> HttpResponse:
    village = _village(request)
    out = Outcome(False)
    if request.method == "POST":
        form = forms.MoveInForm(request.POST, village=village)
        if form.is_valid():
            d = form.cleaned_data
            out = _save(
                form,
                lambda: services.move_in_record(
                    actor=_actor(request),
                    village=village,
                    data=form.resident_data(),
                    family=d.get("family"),
                    rt=d["rt"],
                    event_date=d["event_date"],
                    origin=d["origin"],
                    accept_warnings=d["accept_warnings"],
                ),
            )
            if out.ok:
                messages.success(request, _("Kedatangan %(name)s telah dicatat.") % {"name": out.value.name})
                return redirect("people:resident_detail", public_id=out.value.public_id)
    else:
        form = forms.MoveInForm(village=village)
    return _resident_form_page(request, form, out, title=_("Catat pindah masuk"))


# --- Families ----------------------------------------------------------------------------


@require("registry.read")
def family_list(request: HttpRequest) -> HttpResponse:
    q = _params(request).get("q", "")[:100]
    page = selectors.family_page(village=_village(request), q=q, limit=PAGE_SIZE, **_page_args(request))
    return _render_list(
        request,
        "people/family_list.html",
        "people/_family_rows.html",
        {"page": page, "q": q, "carry": _carry(request, ("q",))},
    )


@require("registry.read")
def family_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    family = _family_or_404(request, public_id)
    members = list(selectors.family_members(family=family))
    return render(
        request,
        "people/family_detail.html",
        {
            "family": family,
            "members": members,
            "has_alive": any(m.status == codes.STATUS_ALIVE for m in members),
            "events": selectors.family_events(family=family),
            "today": timezone.localdate(),
        },
    )


@require("registry.write")
def family_create(request: HttpRequest) -> HttpResponse:
    """A new KK: empty, or headed by `?kepala=<resident>` (a KK baru / pecah KK life event)."""
    village = _village(request)
    head = _resident_or_404(request, request.GET["kepala"]) if request.GET.get("kepala") else None
    if request.method == "POST":
        form = forms.FamilyForm(request.POST, village=village)
        if form.is_valid():
            d = form.cleaned_data
            if head is not None:
                out = _save(
                    form,
                    lambda: services.family_split(
                        actor=_actor(request),
                        residents=[head],
                        head=head,
                        kk_number=d["kk_number"],
                        rt=d["rt"],
                        address=d["address"],
                        event_date=d["issued_on"],
                    ),
                )
            else:
                out = _save(
                    form,
                    lambda: services.family_create(
                        actor=_actor(request),
                        village=village,
                        kk_number=d["kk_number"],
                        rt=d["rt"],
                        address=d["address"],
                        issued_on=d["issued_on"],
                    ),
                )
            if out.ok:
                messages.success(request, _("KK %(kk)s telah dibuat.") % {"kk": out.value.kk_number})
                return redirect("people:family_detail", public_id=out.value.public_id)
    else:
        initial = {"rt": head.rt.public_id} if head is not None and head.rt else {}
        form = forms.FamilyForm(village=village, initial=initial)
    return render(
        request,
        "people/family_form.html",
        {"form": form, "title": _("KK baru"), "head": head},
        status=400 if form.errors else 200,
    )


@require("registry.write")
def family_birth(request: HttpRequest, public_id: str) -> HttpResponse:
    family = _family_or_404(request, public_id)
    out = Outcome(False)
    if request.method == "POST":
        form = forms.BirthForm(request.POST)
        if form.is_valid():
            out = _save(
                form,
                lambda: services.birth_record(
                    actor=_actor(request),
                    family=family,
                    data=form.resident_data(),
                    details=form.details(),
                    accept_warnings=form.cleaned_data["accept_warnings"],
                ),
            )
            if out.ok:
                messages.success(request, _("Kelahiran %(name)s telah dicatat.") % {"name": out.value.name})
                return redirect("people:resident_detail", public_id=out.value.public_id)
    else:
        form = forms.BirthForm()
    return render(
        request,
        "people/event_form.html",
        {
            "form": form,
            "family": family,
            "title": _("Catat kelahiran"),
            "warnings": out.warnings,
        },
        status=400 if form.errors else 200,
    )


@require("registry.write")
def family_split(request: HttpRequest, public_id: str) -> HttpResponse:
    family = _family_or_404(request, public_id)
    members = selectors.family_members(family=family).filter(status=codes.STATUS_ALIVE)
    if request.method == "POST":
        form = forms.FamilySplitForm(request.POST, village=family.village, members=members)
        if form.is_valid():
            d = form.cleaned_data
            out = _save(
                form,
                lambda: services.family_split(
                    actor=_actor(request),
                    residents=list(d["members"]),
                    head=d["head"],
                    kk_number=d["kk_number"],
                    rt=d["rt"],
                    address=d["address"],
                    event_date=d["event_date"],
                ),
            )
            if out.ok:
                messages.success(request, _("KK baru %(kk)s telah dibuat.") % {"kk": out.value.kk_number})
                return redirect("people:family_detail", public_id=out.value.public_id)
    else:
        form = forms.FamilySplitForm(
            village=family.village,
            members=members,
            initial={
                "rt": family.rt.public_id if family.rt else None,
                "address": family.address,
            },
        )
    return render(
        request,
        "people/family_form.html",
        {
            "form": form,
            "family": family,
            "title": _("Pecah KK"),
        },
        status=400 if form.errors else 200,
    )


# --- Events and duplicates ---------------------------------------------------------------


@require("registry.read")
def event_list(request: HttpRequest) -> HttpResponse:
    village = _village(request)
    filter_form = forms.EventFilterForm(request.GET)
    kind = filter_form.cleaned_data.get("kind") if filter_form.is_valid() else None
    page = selectors.life_event_page(village=village, kind=kind, limit=PAGE_SIZE, **_page_args(request))
    return render(
        request,
        "people/event_list.html",
        {
            "filter_form": filter_form,
            "page": page,
            "village_id": village.pk,
        },
    )


def _duplicate_page(request: HttpRequest, error: str = "") -> HttpResponse:
    pairs = selectors.possible_duplicates(village=_village(request))
    return render(
        request,
        "people/duplicate_list.html",
        {
            "pairs": pairs[:200],
            "total": len(pairs),
            "error": error,
        },
        status=400 if error else 200,
    )


@require("registry.read")
def duplicate_list(request: HttpRequest) -> HttpResponse:
    return _duplicate_page(request)


@require("registry.write")
@require_POST
def duplicate_decide(request: HttpRequest) -> HttpResponse:
    form = forms.DuplicateDecisionForm(request.POST)
    if not form.is_valid():
        return _duplicate_page(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    d = form.cleaned_data
    first = _resident_or_404(request, d["first"])
    second = _resident_or_404(request, d["second"])
    try:
        if d["action"] == form.MERGE:
            keep, remove = (first, second) if d["keep"] == "first" else (second, first)
            services.duplicate_merge(actor=_actor(request), keep=keep, remove=remove)
            messages.success(request, _("Data digabung ke %(name)s.") % {"name": keep.name})
        else:
            services.duplicate_dismiss(actor=_actor(request), first=first, second=second)
            messages.success(request, _("Pasangan ditandai bukan orang yang sama."))
    except ApplicationError as exc:
        return _duplicate_page(request, exc.message)
    return redirect("people:duplicate_list")


@require("registry.write")
@require_POST
def family_head(request: HttpRequest, public_id: str) -> HttpResponse:
    """Make one member the head of the family (e.g. after the head died or moved out)."""
    family = _family_or_404(request, public_id)
    head = _resident_or_404(request, request.POST.get("head", ""))
    try:
        services.family_set_head(actor=_actor(request), family=family, head=head)
        messages.success(request, _("%(name)s kini kepala keluarga.") % {"name": head.name})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("people:family_detail", public_id=family.public_id)


@require("registry.write")
@require_POST
def family_household(request: HttpRequest, public_id: str) -> HttpResponse:
    """Register the family's living members as one household (rumah tangga) under its head."""
    family = _family_or_404(request, public_id)
    if family.head is None:
        messages.error(request, _("Tentukan kepala keluarga dahulu."))
    else:
        try:
            household = services.household_create(actor=_actor(request), head=family.head)
            messages.success(request, _("Rumah tangga %(n)s dibuat.") % {"n": household.number})
        except (ValidationError, ApplicationError) as exc:
            messages.error(request, getattr(exc, "message", None) or " ".join(exc.messages))  # type: ignore[union-attr]
    return redirect("people:family_detail", public_id=family.public_id)
