from django.utils.translation import gettext_lazy as _

from balai.core.plugins import KioskTile

TILES = [
    KioskTile(
        key="usaha",
        label=_("Usaha warga"),
        url_name="economy_kiosk:businesses",
        description=_("Produk dan usaha warga desa (UMKM)"),
        order=80,
    )
]
