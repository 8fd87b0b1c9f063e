"""The counter queue and complaints waiting for an answer."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core.plugins import HomeTask
from balai.desk import selectors


def desk_tasks(*, scope: Any, user: Any) -> list[HomeTask]:
    village = scope.village
    if village is None or not scope.can("desk.operate"):
        return []
    counts = selectors.complaint_counts(village=village)
    open_complaints = sum(counts.get(s, 0) for s in selectors.COMPLAINT_OPEN_STATES)
    waiting = selectors.queue_status(village=village, day=timezone.localdate()).waiting_total
    return [
        HomeTask(_("Antrean menunggu di loket"), waiting, reverse("desk:home"), "layanan"),
        HomeTask(
            _("Pengaduan belum dijawab"),
            open_complaints,
            reverse("desk:complaint_list") + f"?status={selectors.COMPLAINT_OPEN}",
            "layanan",
        ),
    ]


TASKS = [desk_tasks]
