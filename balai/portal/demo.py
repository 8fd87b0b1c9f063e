"""Demo posts on each village's public page: two announcements and a news item."""

from __future__ import annotations

import datetime as dt
import random

from balai.portal.models import Post
from balai.regions.models import Village

DEMO_ORDER = 90

# No posyandu schedule here: the public page shows it from the posyandu (health).
ANNOUNCEMENTS = [
    (
        "Pelayanan surat di kantor desa",
        "Kantor desa melayani surat Senin–Jumat pukul 08.00–14.00. Surat juga dapat diminta di anjungan.",
    ),
    (
        "Kerja bakti bersih desa",
        "Kerja bakti bersama hari Minggu pukul 07.00. Warga diharap membawa alat kebersihan.",
    ),
    (
        "Pemutakhiran data keluarga",
        "Warga yang data KK-nya berubah (lahir, pindah, menikah) dimohon melapor ke kantor desa.",
    ),
]
NEWS = [
    (
        "Musyawarah desa membahas RKP Desa",
        "Musyawarah desa dihadiri BPD, tokoh masyarakat dan perangkat desa.",
    ),
    (
        "Penyaluran bantuan tahap pertama selesai",
        "Bantuan tahap pertama telah disalurkan kepada keluarga penerima.",
    ),
]


def extend_village(*, village: Village, rnd: random.Random, today: dt.date) -> int:
    rows = [
        Post(
            village=village,
            kind=Post.Kind.ANNOUNCEMENT,
            title=title,
            body=body,
            published_on=today - dt.timedelta(days=rnd.randint(0, 20)),
        )
        for title, body in rnd.sample(ANNOUNCEMENTS, 2)
    ]
    title, body = rnd.choice(NEWS)
    rows.append(
        Post(
            village=village,
            kind=Post.Kind.NEWS,
            title=title,
            body=body,
            published_on=today - dt.timedelta(days=rnd.randint(5, 40)),
        )
    )
    Post.objects.bulk_create(rows)
    return len(rows)
