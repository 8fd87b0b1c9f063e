"""Staffing on the office home: leave and travel waiting for the kades, residents' reports of an
absent official, terms ending soon."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from balai.core.plugins import HomeTask
from balai.staff import leave, selectors
from balai.staff.models import Leave


def staff_tasks(*, scope: Any, user: Any) -> list[HomeTask]:
    village = scope.village
    if village is None:
        return _district_tasks(scope=scope)
    tasks: list[HomeTask] = []
    if scope.can("staff.approve"):
        waiting = [
            item
            for item in selectors.leave_list(village=village, status=Leave.Status.REQUESTED)
            if leave.may_decide(user, item)
        ]
        tasks.append(
            HomeTask(
                _("Cuti, izin dan perjalanan dinas menunggu keputusan"),
                len(waiting),
                reverse("staff:leave_list") + f"?status={Leave.Status.REQUESTED}&keputusan=saya",
                "kepegawaian",
            )
        )
    if scope.can("staff.absences"):
        tasks.append(
            HomeTask(
                _("Laporan warga: perangkat tidak di kantor"),
                selectors.absence_open_count(village=village),
                reverse("staff:absence_list"),
                "kepegawaian",
            )
        )
    if scope.can("staff.read"):
        tasks.append(
            HomeTask(
                _("Masa jabatan berakhir dalam 6 bulan"),
                len(selectors.term_warnings(village=village)),
                reverse("staff:org_chart") + "#masa-jabatan",
                "kepegawaian",
            )
        )
        tasks.append(
            HomeTask(
                _("Masa jabatan sudah berakhir — perlu SK baru"),
                selectors.terms_ended(village=village).count(),
                reverse("staff:org_chart") + "#masa-berakhir",
                "kepegawaian",
            )
        )
    return tasks


def _district_tasks(*, scope: Any) -> list[HomeTask]:
    """The camat: residents' reports about a kepala desa of the district."""
    if not scope.can("staff.head_absences"):
        return []
    return [
        HomeTask(
            _("Laporan warga: kepala desa tidak di kantor"),
            selectors.head_absence_open_count(villages=scope.readable_villages()),
            reverse("staff:head_absence_list"),
            "kepegawaian",
        )
    ]


TASKS = [staff_tasks]
