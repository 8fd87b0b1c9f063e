"""The aid module's kiosk tile (see balai.core.plugins): the kiosk serves the screen."""

from django.utils.translation import gettext_lazy as _

from balai.core.plugins import KioskTile

TILES = [
    KioskTile(
        "aid",
        _("Bantuan sosial"),
        "kiosk:aid",
        _("Status bantuan keluarga Anda"),
        order=30,
        needs_sign_in=True,
    ),
]
