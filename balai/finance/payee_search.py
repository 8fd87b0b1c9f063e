"""The resident search above the SPP form: a view helper shared by the SPP pages."""

from __future__ import annotations

from typing import Any

from balai.accounts.http import VillageRequest
from balai.core.masking import mask_tail
from balai.finance import selectors_links


def payee_context(request: VillageRequest) -> dict[str, Any]:
    """The resident search above the SPP form (`?cari=`), and the resident chosen (`?penerima=`,
    a public id): their name and masked NIK; choosing one is logged as a read of their data."""
    from balai.people import services as people_services
    from balai.people.models import Resident

    q = (request.GET.get("cari") or "").strip()[:60]
    chosen = None
    pid = request.GET.get("penerima") or request.POST.get("payee_resident") or ""
    if pid:
        try:
            chosen = selectors_links.payee_resident_get(village=request.village, public_id=pid)
        except Resident.DoesNotExist:
            chosen = None
        if chosen is not None and request.method == "GET":
            people_services.resident_viewed(actor=request.user, resident=chosen, purpose="finance")
    return {
        "payee_q": q,
        "payee_hits": selectors_links.payee_residents(village=request.village, q=q) if q else [],
        "payee_chosen": chosen,
        "payee_chosen_nik": mask_tail(chosen.nik) if chosen else "",
    }
