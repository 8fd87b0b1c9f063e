"""Letters waiting for this person: to sign (kades/sekdes), to verify or hand over (clerks)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core.plugins import HomeTask
from balai.letters import selectors
from balai.letters.models import IncomingLetter, Letter

S = Letter.State


def letter_tasks(*, scope: Any, user: Any) -> list[HomeTask]:
    village = scope.village
    if village is None or not (scope.can("letters.sign") or scope.can("letters.verify")):
        return []
    counts = selectors.queue_counts(village=village, user=user)
    queue = reverse("letters:queue")
    tasks = []
    if scope.can("letters.sign"):
        tasks.append(
            HomeTask(
                _("Surat menunggu tanda tangan"),
                counts[selectors.QUEUE_TO_SIGN],
                f"{queue}?status={selectors.QUEUE_TO_SIGN}",
                "surat",
            )
        )
    if scope.can("letters.verify"):
        tasks.append(
            HomeTask(
                _("Permohonan surat untuk diverifikasi"),
                counts[S.SUBMITTED],
                f"{queue}?status={S.SUBMITTED}",
                "surat",
            )
        )
        tasks.append(
            HomeTask(
                _("Surat terbit belum diserahkan"), counts[S.ISSUED], f"{queue}?status={S.ISSUED}", "surat"
            )
        )
    if scope.can("letters.incoming"):
        tasks += _incoming_tasks(village)
    return tasks


def _incoming_tasks(village: Any) -> list[HomeTask]:
    """The agenda book is kept per year: one task per year with letters not yet disposed of,
    each opening that year's book filtered to them."""
    new = IncomingLetter.Status.NEW
    by_year = dict(
        IncomingLetter.objects.filter(village=village, status=new)
        .values_list("year")
        .annotate(n=Count("id"))
        .order_by()
    )
    this_year = timezone.localdate().year
    url = reverse("letters:incoming_list")
    label = _("Surat masuk belum didisposisi")
    return [
        HomeTask(
            label if year == this_year else f"{label} ({year})",
            by_year.get(year, 0),
            f"{url}?tahun={year}&status={new}",
            "surat",
        )
        for year in sorted(by_year) or [this_year]
    ]


TASKS = [letter_tasks]
