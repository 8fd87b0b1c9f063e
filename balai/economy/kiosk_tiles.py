from typing import cast

from django.utils.translation import gettext_lazy as _

from balai.core.plugins import KioskTile

# Lazy (read when the kiosk home renders, in its language); the tile's fields are typed str.
TILES = [
    KioskTile(
        key="usaha",
        label=cast(str, _("Usaha warga")),
        url_name="economy_kiosk:businesses",
        description=cast(str, _("Produk dan usaha warga desa (UMKM)")),
        order=80,
    )
]
