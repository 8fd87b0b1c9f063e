"""The office page naming the ketua RT (issue 23 item 2): every RT with its head; on an RT's
page the operator searches its living residents (NIK masked), names one head, replaces or ends
the head with a reason. The new account's one-time password is shown once, never cached."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from balai.accounts.decorators import require
from balai.accounts.http import VillageRequest
from balai.core.http import ServiceCall
from balai.core.masking import mask_number, mask_tail
from balai.letters import selectors
from balai.letters.services import rt_heads as services
from balai.people.models import Resident
from balai.regions.models import Rt


@require("letters.rt_heads")
def rt_heads(request: VillageRequest) -> HttpResponse:
    rows = selectors.rt_heads_overview(village=request.village)
    return render(
        request,
        "letters/rt_heads.html",
        {
            "rows": [
                (r, mask_number(r.head.resident.nik) if r.head and r.head.resident else "") for r in rows
            ],
            "without": sum(1 for r in rows if r.head is None),
        },
    )


def _rt_or_404(request: VillageRequest, rt_public_id: str) -> Rt:
    try:
        return selectors.rt_get(village=request.village, public_id=rt_public_id)
    except Rt.DoesNotExist:
        raise Http404 from None


@require("letters.rt_heads")
@require_http_methods(["GET", "POST"])
def rt_head_detail(request: VillageRequest, rt_public_id: str) -> HttpResponse:
    rt = _rt_or_404(request, rt_public_id)
    village = request.village
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ("tetapkan", "ganti", "akhiri"):
            raise Http404
        resident = None
        if action != "akhiri":
            wanted = request.POST.get("resident", "").strip()
            if not wanted:
                errors = {"resident": [_("Pilih penduduk yang menjadi ketua RT.")]}
            else:
                try:
                    resident = selectors.rt_head_resident(village=village, public_id=wanted[:32])
                except Resident.DoesNotExist:
                    raise Http404 from None
        if not errors:
            reason = request.POST.get("reason", "")
            with ServiceCall() as call:
                if action == "tetapkan":
                    assert resident is not None
                    done = services.rt_head_appoint(
                        actor=request.user, village=village, rt=rt, resident=resident
                    )
                elif action == "ganti":
                    assert resident is not None
                    done = services.rt_head_replace(
                        actor=request.user, village=village, rt=rt, resident=resident, reason=reason
                    )
                else:
                    services.rt_head_end(actor=request.user, village=village, rt=rt, reason=reason)
            if call.ok and action == "akhiri":
                messages.success(
                    request, _("Masa ketua RT %(rt)s diakhiri; akunnya tidak lagi berperan.") % {"rt": rt}
                )
                return redirect("letters:rt_head_detail", rt_public_id=rt.public_id)
            if call.ok:
                response = render(
                    request,
                    "letters/rt_head_account.html",
                    {"rt": rt, "done": done, "village": village},
                )
                add_never_cache_headers(response)
                return response
            errors = call.errors or {"__all__": call.messages}
    q = request.GET.get("q", "")
    current = next((h for h in selectors.rt_head_history(village=village, rt=rt) if h.ended_at is None), None)
    candidates = selectors.rt_head_candidates(village=village, rt=rt, q=q)
    return render(
        request,
        "letters/rt_head_detail.html",
        {
            "rt": rt,
            "current": current,
            "current_nik": mask_number(current.resident.nik) if current and current.resident else "",
            "history": [
                h for h in selectors.rt_head_history(village=village, rt=rt) if h.ended_at is not None
            ],
            "candidates": [(r, mask_tail(r.nik)) for r in candidates.rows],
            "candidates_total": candidates.total,
            "q": q,
            "errors": errors,
            "form": request.POST,
        },
        status=400 if errors else 200,
    )
