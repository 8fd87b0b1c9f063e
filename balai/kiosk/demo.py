"""Demo data of the kiosk for a newly generated village: one kiosk device waiting to be
enrolled (the operator makes its code on /anjungan/kelola/) and the village's announcements.

Residents' PINs are not generated: argon2 is deliberately slow, and a first PIN is meant to be
printed by the operator on a slip (Anjungan → PIN dan kartu penduduk).
"""

from __future__ import annotations

import datetime as dt
import random

from balai.core.ids import new_public_id
from balai.devices.models import KioskDevice
from balai.kiosk.models import Announcement
from balai.regions.models import Village

# No posyandu schedule here: the kiosk home shows it from the posyandu (health).
ANNOUNCEMENTS = [
    ("Kerja bakti bersih desa", "Kerja bakti membersihkan saluran air hari Minggu pukul 07.00 di setiap RT."),
    (
        "Pelayanan surat lewat anjungan",
        "Surat keterangan penduduk dan biodata kini bisa dicetak sendiri di anjungan.",
    ),
    ("Pembayaran PBB", "Pembayaran PBB tahun ini dapat dilakukan di kantor desa setiap hari kerja."),
    ("Musyawarah desa", "Musyawarah desa membahas RKP Desa di balai desa, Kamis pukul 19.30."),
]


# Where this app's demo data comes among the apps' in `balai demo` (lowest first; see
# balai.devtools.demo.demo_extensions): the order is part of what the demo produces.
DEMO_ORDER = 50


def extend_village(*, village: Village, rnd: random.Random, today: dt.date) -> dict[str, int]:
    KioskDevice.objects.bulk_create(
        [KioskDevice(village=village, label="Anjungan balai desa", public_id=new_public_id())]
    )
    chosen = rnd.sample(ANNOUNCEMENTS, 3)
    Announcement.objects.bulk_create(
        [
            Announcement(
                village=village,
                public_id=new_public_id(),
                title=title,
                body=body,
                published_on=today - dt.timedelta(days=n * rnd.randint(2, 6)),
                is_active=True,
            )
            for n, (title, body) in enumerate(chosen)
        ]
    )
    return {"kiosk_devices": 1, "announcements": len(chosen)}
