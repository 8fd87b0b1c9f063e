"""`balai education-summaries`: recount every village's education summary for a day (cron, nightly)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from balai.education.selectors import summaries_refresh
from balai.regions.selectors import village_list


class Command(BaseCommand):
    help = (
        "Hitung ulang ringkasan pendidikan (jumlah, tanpa nama) semua desa untuk satu tanggal, "
        "agar halaman kabupaten tidak menghitung ulang ratusan ribu anak. Jalankan tiap malam."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--day", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (bawaan: hari ini)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["day"] or timezone.localdate()
        started = time.perf_counter()
        n = summaries_refresh(villages=village_list(), day=day)
        self.stdout.write(f"{n} desa, {day.isoformat()}, {time.perf_counter() - started:.1f} s")
