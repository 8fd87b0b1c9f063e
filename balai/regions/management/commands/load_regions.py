from typing import Any

from django.core.management.base import BaseCommand

from balai.regions.services import regions_load


class Command(BaseCommand):
    help = "Load every Indonesian region code (current and historic) into the database."

    def handle(self, *args: Any, **options: Any) -> None:
        count = regions_load()
        self.stdout.write(f"{count} kode wilayah dimuat.")
