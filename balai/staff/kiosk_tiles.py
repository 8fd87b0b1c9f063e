"""Staffing's kiosk tile (see balai.core.plugins): a signed-in resident reports that an official
was absent during office hours; the screens are `staff_kiosk:*`."""

from django.utils.translation import gettext_lazy as _

from balai.core.plugins import KioskTile

TILES = [
    KioskTile(
        "absence_report",
        _("Lapor perangkat tidak di kantor"),
        "staff_kiosk:absence_report",
        _("Pada jam kerja; diteruskan ke kepala desa"),
        order=125,
        needs_sign_in=True,
    ),
]
