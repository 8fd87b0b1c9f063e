from django.utils.translation import gettext_lazy as _

from balai.core.plugins import KioskTile

TILES = [
    KioskTile(
        key="keuangan",
        label=str(_("APBDes")),
        url_name="finance_kiosk:home",
        description=str(_("Pendapatan, belanja dan realisasi anggaran desa")),
        order=70,
    )
]
