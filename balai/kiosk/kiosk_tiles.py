"""The kiosk's own tiles: the family card and the PIN (see balai.core.plugins)."""

from django.utils.translation import gettext_lazy as _

from balai.core.plugins import KioskTile

TILES = [
    KioskTile(
        "family",
        _("Keluarga saya"),
        "kiosk:family",
        _("Kartu keluarga Anda; laporkan data yang salah"),
        order=10,
        needs_sign_in=True,
    ),
    KioskTile(
        "who_read",
        _("Siapa membaca data saya"),
        "kiosk:who_read",
        _("Petugas yang membuka data Anda (UU 27/2022)"),
        order=890,
        needs_sign_in=True,
    ),
    KioskTile("pin", _("Ganti PIN"), "kiosk:pin_change", _("Ganti PIN anjungan Anda"), 900, True),
]
