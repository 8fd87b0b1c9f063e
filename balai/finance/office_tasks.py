"""SPPs waiting for the next step of whoever is signed in (sekdes verifies, kades approves,
the treasurer pays), advances without their SPJ and taxes not yet deposited, on the office
home. Each task opens the list of one budget year filtered to exactly what it counts."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.core.plugins import HomeTask
from balai.finance.models import PaymentRequest, Tax

STEPS = (
    ("finance.spp_verify", PaymentRequest.Status.DRAFT, _("SPP menunggu verifikasi")),
    ("finance.spp_approve", PaymentRequest.Status.VERIFIED, _("SPP menunggu persetujuan")),
    ("finance.pay", PaymentRequest.Status.APPROVED, _("SPP disetujui, menunggu dibayar")),
)
# The filters of the lists the tasks open (finance.views.spp_list, views_docs.advance_list).
UNSETTLED = "belum-spj"
TAX_WAITING = "belum-setor"
# Paid, with at least one tax withheld and not deposited (an SPP without taxes is not waiting).
TAX_WAITING_Q = Q(
    status=PaymentRequest.Status.PAID,
    pk__in=Tax.objects.filter(deposited_on__isnull=True).values("payment_request_id"),
)


def _by_year(qs: QuerySet[Any]) -> dict[int, int]:
    return dict(qs.values_list("budget__year").annotate(n=Count("id", distinct=True)).order_by())


def _year_tasks(label: Any, counts: dict[int, int], url: str) -> list[HomeTask]:
    """One task per budget year with something waiting (this year's when nothing waits)."""
    this_year = timezone.localdate().year
    tasks = []
    for year in sorted(y for y, n in counts.items() if n) or [this_year]:
        text = str(label) if year == this_year else f"{label} ({_('APBDes')} {year})"
        tasks.append(HomeTask(text, counts.get(year, 0), url.format(year=year), "keuangan"))
    return tasks


def finance_tasks(*, scope: Any, user: Any) -> list[HomeTask]:
    village = scope.village
    if village is None or not scope.can("finance.read"):
        return []
    spp_list = reverse("finance:spp_list")
    tasks = []
    for capability, status, label in STEPS:
        if scope.can(capability):
            counts = _by_year(PaymentRequest.objects.filter(village=village, status=status))
            tasks += _year_tasks(label, counts, spp_list + "?tahun={year}&status=" + status)
    return tasks


def advance_tasks(*, scope: Any, user: Any) -> list[HomeTask]:
    """Advances paid and not yet accounted for by their SPJ (the treasurer records the SPJ)."""
    if scope.village is None or not scope.can("finance.pay"):
        return []
    counts = _by_year(
        PaymentRequest.objects.filter(
            village=scope.village,
            kind=PaymentRequest.Kind.UM,
            status=PaymentRequest.Status.PAID,
            settlement__isnull=True,
        )
    )
    url = reverse("finance:advances") + "?tahun={year}&status=" + UNSETTLED
    return _year_tasks(_("Panjar belum di-SPJ-kan"), counts, url)


def tax_tasks(*, scope: Any, user: Any) -> list[HomeTask]:
    """Paid SPPs whose withheld taxes are not yet deposited to the state (deposited from the
    SPP's page)."""
    if scope.village is None or not scope.can("finance.pay"):
        return []
    counts = _by_year(PaymentRequest.objects.filter(TAX_WAITING_Q, village=scope.village))
    total = (
        Tax.objects.filter(
            village=scope.village,
            deposited_on__isnull=True,
            payment_request__status=PaymentRequest.Status.PAID,
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    label = _("SPP dengan pajak belum disetor (Rp %(t)s)") % {"t": f"{total:,}".replace(",", ".")}
    url = reverse("finance:spp_list") + "?tahun={year}&pajak=" + TAX_WAITING
    return _year_tasks(label, counts, url)


TASKS = [finance_tasks, advance_tasks, tax_tasks]
