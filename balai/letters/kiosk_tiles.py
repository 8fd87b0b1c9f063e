"""The letters module's kiosk tiles (see balai.core.plugins): the kiosk serves the screens."""

from django.utils.translation import gettext_lazy as _

from balai.core.plugins import KioskTile

TILES = [
    KioskTile(
        "letters",
        _("Surat"),
        "kiosk:letters",
        _("Minta surat keterangan; sebagian langsung dicetak"),
        order=20,
        needs_sign_in=True,
    ),
    KioskTile("letter_status", _("Cek status surat"), "kiosk:track", _("Dengan kode pelacakan"), order=210),
]
