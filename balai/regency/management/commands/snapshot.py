from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from balai.core.dates import Month
from balai.regency.services import snapshot_take


class Command(BaseCommand):
    help = (
        "Bekukan angka bulanan setiap desa aktif (untuk cron tanggal 1: bulan yang baru selesai). "
        "Aman dijalankan ulang: desa yang sudah punya snapshot bulan itu tidak diubah."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--month",
            help="bulan TTTT-BB (bawaan: bulan lalu; hanya bulan lalu atau bulan berjalan)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["month"]:
            month = Month.parse(options["month"])
            if month is None:
                raise CommandError("--month harus ditulis TTTT-BB, misalnya 2026-11.")
        else:
            month = Month.of(timezone.localdate()).previous()
        try:
            result = snapshot_take(actor=None, month=month)
        except ValidationError as exc:
            raise CommandError(" ".join(m for ms in exc.message_dict.values() for m in ms)) from exc
        self.stdout.write(
            f"Snapshot {month.label}: {result.created} desa dibekukan, {result.kept} sudah ada "
            f"(tidak diubah), {result.seconds:.2f} detik."
        )
