"""The counter queue and complaints waiting for an answer."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core.plugins import HomeTask
from balai.desk import selectors
from balai.desk.models import Complaint


def desk_tasks(*, scope: Any, user: Any) -> list[HomeTask]:
    village = scope.village
    if village is None or not scope.can("desk.operate"):
        return []
    counts = selectors.complaint_counts(village=village)
    open_complaints = counts.get(Complaint.State.RECEIVED, 0) + counts.get(Complaint.State.IN_PROGRESS, 0)
    waiting = selectors.queue_status(village=village, day=timezone.localdate()).waiting_total
    return [
        HomeTask(_("Antrean menunggu di loket"), waiting, reverse("desk:home"), "layanan"),
        HomeTask(_("Pengaduan belum dijawab"), open_complaints, reverse("desk:complaint_list"), "layanan"),
    ]


TASKS = [desk_tasks]
