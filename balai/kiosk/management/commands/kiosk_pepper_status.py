"""How many kiosk PINs (residents' and officials') are hashed under each pepper.

After a rotation (`BALAI_KIOSK_PEPPER_PREVIOUS`, docs/kiosk.md) a PIN moves to the current
pepper at its owner's next successful sign-in; an old pepper may be dropped from the setting
once no PIN uses it. `--check` exits non-zero while any PIN is not under the current pepper.
Only pepper ids (short fingerprints) are printed, never a pepper.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Model
from django.db.models.functions import Substr

from balai.devices import pins
from balai.devices.models import ResidentCredential
from balai.staff.models import OfficialCredential

LEGACY = ""  # hashes from before rotation existed: no pepper id


def pepper_usage(model: type[Model]) -> Counter[str]:
    """Number of PIN hashes per pepper id (`LEGACY` for unnamed ones), counted in the database."""
    rows = (
        model._default_manager.exclude(pin_hash="")
        .annotate(head=Substr("pin_hash", 1, 9))
        .values("head")
        .annotate(n=Count("pk"))
    )
    usage: Counter[str] = Counter()
    for row in rows:
        usage[pins.stored_pepper_id(row["head"])] += row["n"]
    return usage


class Command(BaseCommand):
    help = "Jumlah PIN anjungan (penduduk dan perangkat desa) per pepper, untuk rotasi pepper."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Gagal (kode keluar 1) bila masih ada PIN di luar pepper saat ini.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        configured = pins.peppers()
        names = {pid: "saat ini" if i == 0 else f"lama ke-{i}" for i, (pid, _p) in enumerate(configured)}
        self.stdout.write("Pepper terpasang: " + ", ".join(f"{pid} ({names[pid]})" for pid, _p in configured))
        current = configured[0][0]
        behind = 0
        for title, model in (
            ("PIN penduduk", ResidentCredential),
            ("PIN perangkat desa", OfficialCredential),
        ):
            usage = pepper_usage(model)
            self.stdout.write(f"{title}: {sum(usage.values())}")
            for pid, n in sorted(usage.items(), key=lambda item: (item[0] != current, item[0])):
                if pid == LEGACY:
                    label = "tanpa tanda pepper (dibuat sebelum rotasi; dicoba dengan semua pepper)"
                else:
                    label = names.get(
                        pid, "TIDAK DIKENAL: pepper ini tidak lagi terpasang, PIN tidak bisa dipakai"
                    )
                self.stdout.write(f"  {pid or '-':8}  {n:>8}  {label}")
                if pid != current:
                    behind += n
        if behind:
            self.stdout.write(
                f"{behind} PIN belum memakai pepper saat ini; diperbarui otomatis saat pemiliknya berhasil masuk."
            )
        else:
            self.stdout.write(
                "Semua PIN memakai pepper saat ini; pepper lama boleh dihapus dari pengaturan "
                "(kartu yang belum dipakai masuk sejak rotasi lalu perlu didaftarkan ulang)."
            )
        if options["check"] and behind:
            raise CommandError(f"{behind} PIN masih memakai pepper lama atau tanpa tanda.")
