"""Operator UI of the registry: parse input, call one service or selector, render.

Objects are always looked up through selectors with the user's village, so another
village's public id gives 404 exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from html import escape
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from balai.accounts.decorators import require
from balai.accounts.http import VillageRequest
from balai.core.http import ServiceCall, is_htmx
from balai.core.masking import mask_tail
from balai.people import codes, forms, selectors, services
from balai.people.models import Family, LifeEvent, Resident
from balai.regions.selectors import rt_choices

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


# One list row, filled in Python: at 50 rows × 10 cells the template engine's per-variable
# resolution and escaping was the largest single cost of the list page (measured ~4 ms of the
# worker's CPU against ~0.3 ms here). Every value is escaped below; what is the same for many
# rows (the link around the id, a status cell, an RT) is built once.


@lru_cache(maxsize=8)
def _list_url(script_prefix: str) -> str:
    return reverse("people:resident_list")


@lru_cache(maxsize=8)
def _detail_link(script_prefix: str) -> tuple[str, str]:
    """The resident page's link as the text before and after the public id, escaped."""
    before, _, after = reverse("people:resident_detail", args=["~id~"]).partition("~id~")
    return escape(before), escape(after)


_STATUS_CELLS = {
    k: f'<span class="badge {"ok" if k == codes.STATUS_ALIVE else "off"}">{escape(str(v))}</span>'
    for k, v in codes.STATUS.items()
}
_NO_STATUS = '<span class="badge off"></span>'


def _list_rows(items: list[dict[str, Any]], today: dt.date) -> SafeString:
    """The list's table rows as HTML (escaped here, cell by cell)."""
    before, after = _detail_link(get_script_prefix())
    places: dict[tuple[Any, Any, Any], str] = {}
    this_year, birthday_passed = today.year, (today.month, today.day)
    out = []
    for r in items:
        b = r["birth_date"]
        born = (
            ""
            if b is None
            else f"{b.day:02d}-{b.month:02d}-{b.year} "
            f"({this_year - b.year - (birthday_passed < (b.month, b.day))})"
        )
        rw = r["rt__rw"]
        key = (r["rt__dusun__name"], rw, r["rt__rt"])
        place = places.get(key)
        if place is None:
            place = places[key] = "" if rw is None else escape(f"{key[0]} · {rw}/{key[2]}")
        out.append(
            f'<tr><td><a href="{before}{escape(r["public_id"])}{after}">{escape(r["name"])}</a></td>'
            f'<td class="mono">{escape(mask_tail(r["nik"]))}</td>'
            f'<td class="mono">{escape(mask_tail(r["family__kk_number"]))}</td>'
            f'<td>{"L" if r["sex"] == 1 else "P"}</td><td class="nowrap">{born}</td><td>{place}</td>'
            f"<td>{_STATUS_CELLS.get(r['status'], _NO_STATUS)}</td></tr>"
        )
    return SafeString("\n".join(out))


def _resident_or_404(request: VillageRequest, public_id: str) -> Resident:
    try:
        return selectors.resident_get(village=request.village, public_id=public_id)
    except Resident.DoesNotExist:
        raise Http404


def _family_or_404(request: VillageRequest, public_id: str) -> Family:
    try:
        return selectors.family_get(village=request.village, public_id=public_id)
    except Family.DoesNotExist:
        raise Http404


def _render_list(request: HttpRequest, page: str, rows: str, context: dict[str, Any]) -> HttpResponse:
    response = render(request, rows if is_htmx(request) else page, context)
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


# A NIK that disagrees with the birth date or sex: the form comes back with the warning and
# an "accept" box, not with an error.
NIK_WARNING = (services.NikWarning,)


# --- Residents ---------------------------------------------------------------------------


@require("registry.read")
def resident_list(request: VillageRequest) -> HttpResponse:
    village = request.village
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
    services.residents_listed(
        actor=request.user,
        village=village,
        public_ids=[item["public_id"] for item in page.items],
        purpose="search" if request.method == "POST" or request.GET.get("q") else "list",
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
            "list_url": _list_url(get_script_prefix()),
        },
    )


@require("registry.read")
def resident_detail(request: VillageRequest, public_id: str) -> HttpResponse:
    resident = _resident_or_404(request, public_id)
    services.resident_viewed(actor=request.user, resident=resident)
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
    request: HttpRequest, form: forms.ResidentForm, warnings: list[str], **ctx: Any
) -> HttpResponse:
    return render(
        request,
        "people/resident_form.html",
        {"form": form, "warnings": warnings, **ctx},
        status=400 if form.errors else 200,
    )


@require("registry.write")
def resident_create(request: VillageRequest) -> HttpResponse:
    village = request.village
    warnings: list[str] = []
    if request.method == "POST":
        form = forms.ResidentForm(request.POST, village=village)
        if form.is_valid():
            d = form.cleaned_data
            with ServiceCall(form, warn=NIK_WARNING) as call:
                resident = services.resident_register(
                    actor=request.user,
                    village=village,
                    data=form.resident_data(),
                    family=d.get("family"),
                    rt=d["rt"],
                    accept_warnings=d["accept_warnings"],
                )
            warnings = call.warnings
            if call.ok:
                messages.success(request, _("Penduduk %(name)s telah ditambahkan.") % {"name": resident.name})
                return redirect("people:resident_detail", public_id=resident.public_id)
    else:
        initial: dict[str, Any] = {}
        if request.GET.get("keluarga"):
            family = _family_or_404(request, request.GET["keluarga"])
            initial = {"kk_number": family.kk_number, "rt": family.rt.public_id if family.rt else None}
        form = forms.ResidentForm(village=village, initial=initial)
    return _resident_form_page(request, form, warnings, title=_("Tambah penduduk"))


@require("registry.write")
def resident_edit(request: VillageRequest, public_id: str) -> HttpResponse:
    resident = _resident_or_404(request, public_id)
    warnings: list[str] = []
    if request.method == "POST":
        form = forms.ResidentForm(request.POST, village=resident.village, resident=resident)
        if form.is_valid():
            d = form.cleaned_data
            with ServiceCall(form, warn=NIK_WARNING) as call:
                resident = services.resident_update(
                    actor=request.user,
                    resident=resident,
                    data=form.resident_data(),
                    rt=d["rt"],
                    accept_warnings=d["accept_warnings"],
                )
            warnings = call.warnings
            if call.ok:
                messages.success(request, _("Data %(name)s telah disimpan.") % {"name": resident.name})
                return redirect("people:resident_detail", public_id=resident.public_id)
    else:
        # The edit form shows the whole record: opening it is a read of personal data.
        services.resident_viewed(actor=request.user, resident=resident, purpose="edit")
        form = forms.ResidentForm(
            village=resident.village, resident=resident, initial=forms.ResidentForm.initial_from(resident)
        )
    return _resident_form_page(request, form, warnings, title=_("Ubah data penduduk"), resident=resident)


EVENT_TITLES = {
    "mati": _lazy("Catat kematian"),
    "hilang": _lazy("Catat penduduk hilang"),
    "pergi": _lazy("Catat penduduk pergi"),
    "pindah": _lazy("Catat pindah keluar"),
}


@require("registry.write")
def resident_event(request: VillageRequest, public_id: str, kind: str) -> HttpResponse:
    if kind not in forms.RESIDENT_EVENT_KINDS:
        raise Http404
    resident = _resident_or_404(request, public_id)
    data = request.POST if request.method == "POST" else None
    form: forms.StatusEventForm
    recorded: LifeEvent | list[LifeEvent] = []
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
            with ServiceCall(form) as call:
                recorded = services.move_out_record(
                    actor=request.user,
                    residents=movers,
                    event_date=d["event_date"],
                    destination_village=d["destination_village"],
                    destination=d["destination"],
                    move_type=d["move_type"],
                    note=d["note"],
                )
        else:
            with ServiceCall(form) as call:
                recorded = services.status_event_record(
                    actor=request.user,
                    resident=resident,
                    kind=forms.RESIDENT_EVENT_KINDS[kind],
                    event_date=d["event_date"],
                    details=form.details(),
                    note=d["note"],
                )
        if call.ok:
            if d.get("destination_village") is not None:
                messages.success(
                    request,
                    _("%(name)s telah pindah ke Desa %(village)s; datanya kini dikelola desa tujuan.")
                    % {"name": resident.name, "village": d["destination_village"].name},
                )
            else:
                messages.success(request, _("Peristiwa telah dicatat."))
            # The event's page shows what every module did and what must be decided.
            event = recorded[0] if isinstance(recorded, list) else recorded
            return redirect("people:event_detail", public_id=event.public_id)
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
def resident_place(request: VillageRequest, public_id: str) -> HttpResponse:
    resident = _resident_or_404(request, public_id)
    if request.method == "POST":
        form = forms.PlaceForm(request.POST, village=resident.village)
        if form.is_valid():
            d = form.cleaned_data
            with ServiceCall(form) as call:
                services.resident_place(
                    actor=request.user,
                    resident=resident,
                    family=d["family"],
                    relation=d["relation"],
                )
            if call.ok:
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
def move_in(request: VillageRequest) -> HttpResponse:
    village = request.village
    warnings: list[str] = []
    if request.method == "POST":
        form = forms.MoveInForm(request.POST, village=village)
        if form.is_valid():
            d = form.cleaned_data
            with ServiceCall(form, warn=NIK_WARNING) as call:
                resident = services.move_in_record(
                    actor=request.user,
                    village=village,
                    data=form.resident_data(),
                    family=d.get("family"),
                    rt=d["rt"],
                    event_date=d["event_date"],
                    origin=d["origin"],
                    accept_warnings=d["accept_warnings"],
                )
            warnings = call.warnings
            if call.ok:
                messages.success(request, _("Kedatangan %(name)s telah dicatat.") % {"name": resident.name})
                return redirect("people:resident_detail", public_id=resident.public_id)
    else:
        form = forms.MoveInForm(village=village)
    return _resident_form_page(request, form, warnings, title=_("Catat pindah masuk"))


# --- Families ----------------------------------------------------------------------------


@require("registry.read")
def family_list(request: VillageRequest) -> HttpResponse:
    q = _params(request).get("q", "")[:100]
    page = selectors.family_page(village=request.village, q=q, limit=PAGE_SIZE, **_page_args(request))
    return _render_list(
        request,
        "people/family_list.html",
        "people/_family_rows.html",
        {"page": page, "q": q, "carry": _carry(request, ("q",))},
    )


@require("registry.read")
def family_detail(request: VillageRequest, public_id: str) -> HttpResponse:
    family = _family_or_404(request, public_id)
    members = list(selectors.family_members(family=family))
    # The page shows the KK number and each member's record: a read of each (issue 16).
    services.residents_listed(
        actor=request.user,
        village=request.village,
        public_ids=[m.public_id for m in members],
        purpose="family",
    )
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
def family_create(request: VillageRequest) -> HttpResponse:
    """A new KK: empty, or headed by `?kepala=<resident>` (a KK baru / pecah KK life event)."""
    village = request.village
    head = _resident_or_404(request, request.GET["kepala"]) if request.GET.get("kepala") else None
    if request.method == "POST":
        form = forms.FamilyForm(request.POST, village=village)
        if form.is_valid():
            d = form.cleaned_data
            if head is not None:
                with ServiceCall(form) as call:
                    family = services.family_split(
                        actor=request.user,
                        residents=[head],
                        head=head,
                        kk_number=d["kk_number"],
                        rt=d["rt"],
                        address=d["address"],
                        event_date=d["issued_on"],
                    )
            else:
                with ServiceCall(form) as call:
                    family = services.family_create(
                        actor=request.user,
                        village=village,
                        kk_number=d["kk_number"],
                        rt=d["rt"],
                        address=d["address"],
                        issued_on=d["issued_on"],
                    )
            if call.ok:
                messages.success(request, _("KK %(kk)s telah dibuat.") % {"kk": family.kk_number})
                return redirect("people:family_detail", public_id=family.public_id)
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
def family_birth(request: VillageRequest, public_id: str) -> HttpResponse:
    family = _family_or_404(request, public_id)
    warnings: list[str] = []
    if request.method == "POST":
        form = forms.BirthForm(request.POST)
        if form.is_valid():
            with ServiceCall(form, warn=NIK_WARNING) as call:
                resident = services.birth_record(
                    actor=request.user,
                    family=family,
                    data=form.resident_data(),
                    details=form.details(),
                    accept_warnings=form.cleaned_data["accept_warnings"],
                )
            warnings = call.warnings
            if call.ok:
                messages.success(request, _("Kelahiran %(name)s telah dicatat.") % {"name": resident.name})
                return redirect("people:resident_detail", public_id=resident.public_id)
    else:
        form = forms.BirthForm()
    return render(
        request,
        "people/event_form.html",
        {
            "form": form,
            "family": family,
            "title": _("Catat kelahiran"),
            "warnings": warnings,
        },
        status=400 if form.errors else 200,
    )


@require("registry.write")
def family_split(request: VillageRequest, public_id: str) -> HttpResponse:
    family = _family_or_404(request, public_id)
    members = selectors.family_members(family=family).filter(status=codes.STATUS_ALIVE)
    if request.method == "POST":
        form = forms.FamilySplitForm(request.POST, village=family.village, members=members)
        if form.is_valid():
            d = form.cleaned_data
            with ServiceCall(form) as call:
                new_family = services.family_split(
                    actor=request.user,
                    residents=list(d["members"]),
                    head=d["head"],
                    kk_number=d["kk_number"],
                    rt=d["rt"],
                    address=d["address"],
                    event_date=d["event_date"],
                )
            if call.ok:
                messages.success(request, _("KK baru %(kk)s telah dibuat.") % {"kk": new_family.kk_number})
                return redirect("people:family_detail", public_id=new_family.public_id)
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
def event_list(request: VillageRequest) -> HttpResponse:
    village = request.village
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


def _duplicate_page(request: VillageRequest, error: str = "") -> HttpResponse:
    pairs = selectors.possible_duplicates(village=request.village)
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
def duplicate_list(request: VillageRequest) -> HttpResponse:
    return _duplicate_page(request)


@require("registry.write")
@require_POST
def duplicate_decide(request: VillageRequest) -> HttpResponse:
    form = forms.DuplicateDecisionForm(request.POST)
    if not form.is_valid():
        return _duplicate_page(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    d = form.cleaned_data
    first = _resident_or_404(request, d["first"])
    second = _resident_or_404(request, d["second"])
    keep, remove = (first, second) if d["keep"] == "first" else (second, first)
    with ServiceCall() as call:
        if d["action"] == form.MERGE:
            services.duplicate_merge(actor=request.user, keep=keep, remove=remove)
        else:
            services.duplicate_dismiss(actor=request.user, first=first, second=second)
    if not call.ok:
        return _duplicate_page(request, call.text())
    if d["action"] == form.MERGE:
        messages.success(request, _("Data digabung ke %(name)s.") % {"name": keep.name})
    else:
        messages.success(request, _("Pasangan ditandai bukan orang yang sama."))
    return redirect("people:duplicate_list")


@require("registry.write")
@require_POST
def family_head(request: VillageRequest, public_id: str) -> HttpResponse:
    """Make one member the head of the family (e.g. after the head died or moved out)."""
    family = _family_or_404(request, public_id)
    head = _resident_or_404(request, request.POST.get("head", ""))
    with ServiceCall(request=request) as call:
        services.family_set_head(actor=request.user, family=family, head=head)
    if call.ok:
        messages.success(request, _("%(name)s kini kepala keluarga.") % {"name": head.name})
    return redirect("people:family_detail", public_id=family.public_id)


@require("registry.write")
@require_POST
def family_household(request: VillageRequest, public_id: str) -> HttpResponse:
    """Register the family's living members as one household (rumah tangga) under its head."""
    family = _family_or_404(request, public_id)
    if family.head is None:
        messages.error(request, _("Tentukan kepala keluarga dahulu."))
    else:
        with ServiceCall(request=request) as call:
            household = services.household_create(actor=request.user, head=family.head)
        if call.ok:
            messages.success(request, _("Rumah tangga %(n)s dibuat.") % {"n": household.number})
    return redirect("people:family_detail", public_id=family.public_id)
