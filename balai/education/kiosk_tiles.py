"""The education module's kiosk tile (see balai.core.plugins): the kiosk serves the screen."""

from django.utils.translation import gettext_lazy as _

from balai.core.plugins import KioskTile

TILES = [
    KioskTile(
        "school",
        _("Sekolah anak & PIP"),
        "kiosk:school",
        _("Sekolah, kelas dan Program Indonesia Pintar anak Anda"),
        order=50,
        needs_sign_in=True,
    ),
]
