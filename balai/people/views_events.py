"""A life event's page (what each module did, cancellation) and the review queue."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from balai.accounts.decorators import require
from balai.accounts.http import VillageRequest
from balai.core.http import ServiceCall, paginate
from balai.people import consequences, selectors
from balai.people.models import LifeEvent, ReviewItem


class CancelEventForm(forms.Form):
    reason = forms.CharField(label=_lazy("Alasan pembatalan"), max_length=255)


class ResolveForm(forms.Form):
    state = forms.ChoiceField(
        label=_lazy("Keputusan"),
        choices=[(ReviewItem.State.DONE, _lazy("Selesai")), (ReviewItem.State.DISMISSED, _lazy("Diabaikan"))],
    )
    note = forms.CharField(label=_lazy("Catatan"), max_length=255, required=False)


def _event_or_404(request: VillageRequest, public_id: str) -> LifeEvent:
    try:
        return selectors.life_event_get(village=request.village, public_id=public_id)
    except LifeEvent.DoesNotExist:
        raise Http404 from None


def _event_page(
    request: VillageRequest, event: LifeEvent, form: CancelEventForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "people/event_detail.html",
        {
            "event": event,
            "form": form,
            "reviews": event.reviews.select_related("resolved_by").order_by("created_at", "id"),
            "can_cancel": event.cancelled_at is None and event.kind in consequences.CANCELLABLE,
            "undone": (event.details or {}).get("undone", []),
        },
        status=status,
    )


@require("registry.read")
def event_detail(request: VillageRequest, public_id: str) -> HttpResponse:
    return _event_page(request, _event_or_404(request, public_id), CancelEventForm())


@require("registry.write")
@require_POST
def event_cancel(request: VillageRequest, public_id: str) -> HttpResponse:
    event = _event_or_404(request, public_id)
    form = CancelEventForm(request.POST)
    if form.is_valid():
        with ServiceCall(form) as call:
            consequences.life_event_cancel(
                actor=request.user, event=event, reason=form.cleaned_data["reason"]
            )
        if call.ok:
            messages.success(request, _("Peristiwa dibatalkan; akibatnya di setiap modul telah dipulihkan."))
            return redirect("people:event_detail", public_id=event.public_id)
    return _event_page(request, _event_or_404(request, public_id), form, status=400)


@require("registry.read")
def review_list(request: VillageRequest) -> HttpResponse:
    state = request.GET.get("status", ReviewItem.State.OPEN)
    if state not in ReviewItem.State.values:
        state = ReviewItem.State.OPEN
    page = paginate(request, selectors.review_queue(village=request.village, state=state), 50)
    return render(
        request,
        "people/review_list.html",
        {"page": page, "state": state, "states": ReviewItem.State.choices, "form": ResolveForm()},
    )


@require("registry.write")
@require_POST
def review_resolve(request: VillageRequest, public_id: str) -> HttpResponse:
    try:
        item = selectors.review_item_get(village=request.village, public_id=public_id)
    except ReviewItem.DoesNotExist:
        raise Http404 from None
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih keputusan: selesai atau diabaikan."))
        return redirect("people:review_list")
    with ServiceCall(request=request) as call:
        consequences.review_item_resolve(
            actor=request.user, item=item, state=form.cleaned_data["state"], note=form.cleaned_data["note"]
        )
    if call.ok:
        messages.success(request, _("Butir tinjauan diselesaikan."))
    return redirect("people:review_list")
