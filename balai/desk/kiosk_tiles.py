"""The front desk's kiosk tiles (see balai.core.plugins); its screens are `desk_kiosk:*`."""

from django.utils.translation import gettext_lazy as _

from balai.core.plugins import KioskTile

TILES = [
    KioskTile("queue", _("Ambil nomor antrean"), "desk_kiosk:ticket_take", _("Untuk dilayani petugas"), 100),
    KioskTile(
        "complaint", _("Pengaduan & saran"), "desk_kiosk:complaint_create", _("Sampaikan ke desa"), 110
    ),
    KioskTile(
        "complaint_status",
        _("Status pengaduan"),
        "desk_kiosk:complaint_status",
        _("Dengan nomor pelacakan"),
        120,
    ),
    KioskTile("guestbook", _("Buku tamu"), "desk_kiosk:guestbook", "", 130),
    KioskTile("ikm", _("Survei kepuasan"), "desk_kiosk:ikm", _("Nilai pelayanan desa"), 140),
    KioskTile(
        "attendance", _("Kehadiran perangkat"), "desk_kiosk:attendance", _("Khusus perangkat desa"), 950
    ),
]
