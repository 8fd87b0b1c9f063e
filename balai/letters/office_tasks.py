"""Letters waiting for this person: to sign (kades/sekdes), to verify or hand over (clerks)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
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
        new = IncomingLetter.objects.filter(village=village, status=IncomingLetter.Status.NEW).count()
        tasks.append(
            HomeTask(_("Surat masuk belum didisposisi"), new, reverse("letters:incoming_list"), "surat")
        )
    return tasks


TASKS = [letter_tasks]
