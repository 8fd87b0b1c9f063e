"""The health module's kiosk tiles (see balai.core.plugins): the kiosk serves the screens."""

from django.utils.translation import gettext_lazy as _

from balai.core.plugins import KioskTile

TILES = [
    KioskTile(
        "growth",
        _("Tumbuh kembang anak"),
        "kiosk:growth",
        _("Hasil timbang dan ukur balita di posyandu"),
        order=40,
        needs_sign_in=True,
    ),
    KioskTile(
        "pregnancy",
        _("Kehamilan (buku KIA)"),
        "kiosk:pregnancy",
        _("Jadwal periksa hamil dan hasilnya"),
        order=45,
        needs_sign_in=True,
    ),
]
