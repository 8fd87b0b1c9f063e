"""SPPs waiting for the next step of whoever is signed in (sekdes verifies, kades approves,
the treasurer pays), on the office home."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from balai.core.plugins import HomeTask
from balai.finance.models import PaymentRequest, Tax

STEPS = (
    ("finance.spp_verify", PaymentRequest.Status.DRAFT, _("SPP menunggu verifikasi")),
    ("finance.spp_approve", PaymentRequest.Status.VERIFIED, _("SPP menunggu persetujuan")),
    ("finance.pay", PaymentRequest.Status.APPROVED, _("SPP disetujui, menunggu dibayar")),
)


def finance_tasks(*, scope: Any, user: Any) -> list[HomeTask]:
    village = scope.village
    if village is None or not scope.can("finance.read"):
        return []
    tasks = []
    for capability, status, label in STEPS:
        if scope.can(capability):
            count = PaymentRequest.objects.filter(village=village, status=status).count()
            tasks.append(HomeTask(str(label), count, reverse("finance:spp_list"), "keuangan"))
    return tasks


def advance_tasks(*, scope: Any, user: Any) -> list[HomeTask]:
    """Advances paid and not yet accounted for by their SPJ (the treasurer records the SPJ)."""
    if scope.village is None or not scope.can("finance.pay"):
        return []
    count = PaymentRequest.objects.filter(
        village=scope.village,
        kind=PaymentRequest.Kind.UM,
        status=PaymentRequest.Status.PAID,
        settlement__isnull=True,
    ).count()
    return [HomeTask(str(_("Panjar belum di-SPJ-kan")), count, reverse("finance:advances"), "keuangan")]


def tax_tasks(*, scope: Any, user: Any) -> list[HomeTask]:
    """Taxes withheld on paid SPPs (or their SPJ) and not yet deposited to the state."""
    if scope.village is None or not scope.can("finance.pay"):
        return []
    waiting = Tax.objects.filter(
        village=scope.village, deposited_on__isnull=True, payment_request__status=PaymentRequest.Status.PAID
    ).aggregate(n=Count("id"), total=Sum("amount"))
    total = waiting["total"] or 0
    label = _("Pajak dipotong belum disetor (Rp %(t)s)") % {"t": f"{total:,}".replace(",", ".")}
    return [HomeTask(str(label), waiting["n"] or 0, reverse("finance:book") + "?buku=pajak", "keuangan")]


TASKS = [finance_tasks, advance_tasks, tax_tasks]
