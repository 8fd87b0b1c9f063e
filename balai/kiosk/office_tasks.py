"""The kiosk's work for the office home (Beranda): residents calling for help at the kiosk,
correction reports waiting."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from balai.core.plugins import HomeTask
from balai.kiosk import selectors


def kiosk_tasks(*, scope: Any, user: Any) -> list[HomeTask]:
    village = scope.village
    if village is None or not scope.can("kiosk.manage"):
        return []
    calls = len(selectors.help_calls_open(village=village))
    return [
        HomeTask(
            _("Warga memanggil petugas di anjungan"),
            calls,
            reverse("kiosk:help_calls"),
            "anjungan",
            urgent=True,
        ),
        HomeTask(
            _("Laporan perbaikan data dari anjungan"),
            selectors.correction_list(village=village).count(),
            reverse("kiosk:corrections"),
            "anjungan",
        ),
    ]


TASKS = [kiosk_tasks]
