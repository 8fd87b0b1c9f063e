"""`balai import-siskeudes FILE --village CODE --year YYYY [--dry-run]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.finance import siskeudes
from balai.regions.models import Village


class Command(BaseCommand):
    help = "Impor ekspor Siskeudes (.zip berisi CSV atau .mdb) untuk satu desa dan satu tahun."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--village", required=True, help="kode desa Kemendagri, contoh 33.25.01.2007")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--dry-run", action="store_true", help="hanya pratinjau jumlah, tanpa menyimpan")

    def handle(self, *args: Any, **options: Any) -> None:
        village = Village.objects.filter(code=options["village"]).first()
        if village is None:
            raise CommandError(f"Desa {options['village']} tidak ada.")
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Berkas tidak dapat dibaca: {exc}") from None
        try:
            plan = siskeudes.read_plan(data, village=village, year=options["year"])
        except siskeudes.ImportRefused as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"Versi {plan.version or '?'} · desa {plan.village_code} · tahun {plan.year}")
        for key, value in sorted(plan.totals().items()):
            self.stdout.write(f"  {key:<22} Rp{value:>18,}".replace(",", "."))
        for name in plan.missing:
            self.stdout.write(f"  tabel opsional tidak ada: {name}")
        for note in plan.notes:
            self.stdout.write(f"  catatan: {note}")
        if options["dry_run"]:
            self.stdout.write("Pratinjau saja (--dry-run): tidak ada yang disimpan.")
            return
        try:
            batch = siskeudes.apply_plan(plan, village=village, actor=None, filename=path.name)
        except siskeudes.ImportRefused as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Diimpor: {batch.summary['lines']} rincian, {batch.summary['entries']} transaksi."
            )
        )
