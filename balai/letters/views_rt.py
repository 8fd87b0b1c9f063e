"""The ketua RT's phone page (`/rt/`): their residents' kiosk requests waiting for the digital
pengantar; approve or refuse with a reason. Only their own RT's residents (anything else 404,
and the service refuses too); no NIK shown."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from balai.accounts.decorators import require
from balai.accounts.http import VillageRequest
from balai.core.http import ServiceCall
from balai.letters import selectors
from balai.letters.models import RtPengantar
from balai.letters.services.kiosk import rt_heads_rts, rt_pengantar_decide
from balai.letters.types import get_type


def _row(p: RtPengantar) -> dict[str, object]:
    letter = p.letter
    letter_type = get_type(letter.type_code)
    return {
        "public_id": p.public_id,
        "name": letter.subject.name,
        "type_name": letter_type.name if letter_type else letter.type_code,
        "purpose": (letter.fields or {}).get("keperluan", ""),
        "asked": letter.created_at,
        "rt": p.rt,
        "state": p.get_state_display(),
        "note": p.note,
    }


@require("letters.rt_approve")
def rt_home(request: VillageRequest) -> HttpResponse:
    rts = rt_heads_rts(request.user)
    pending = [_row(p) for p in selectors.rt_pengantar_list(village=request.village, rt_ids=rts)]
    done = [
        _row(p) for p in selectors.rt_pengantar_list(village=request.village, rt_ids=rts, pending=False)[:20]
    ]
    return render(request, "letters/rt_home.html", {"pending": pending, "done": done, "has_rt": bool(rts)})


@require("letters.rt_approve")
@require_POST
def rt_decide(request: VillageRequest, public_id: str) -> HttpResponse:
    try:
        pengantar = selectors.rt_pengantar_get(
            village=request.village, rt_ids=rt_heads_rts(request.user), public_id=public_id
        )
    except RtPengantar.DoesNotExist:
        raise Http404 from None
    approve = request.POST.get("decision") == "setuju"
    with ServiceCall(request=request):
        rt_pengantar_decide(
            actor=request.user, pengantar=pengantar, approve=approve, note=request.POST.get("note", "")
        )
        messages.success(
            request,
            _("Pengantar untuk %(name)s disetujui.") % {"name": pengantar.letter.subject.name}
            if approve
            else _("Pengantar untuk %(name)s ditolak.") % {"name": pengantar.letter.subject.name},
        )
    return redirect("letters_rt:home")
