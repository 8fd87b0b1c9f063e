"""`balai export-residents --village CODE -o FILE.xlsx`: OpenSID's import format, all residents."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.audit.services import audit_source
from balai.people.exports import export_residents
from balai.people.management.commands.import_residents import village_by_code


class Command(BaseCommand):
    # A data command: the system checks (URLconf, templates) take half a second and check
    # nothing it uses.
    requires_system_checks: list[str] = []
    help = "Ekspor penduduk satu desa ke spreadsheet format impor OpenSID."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--village", required=True, help="kode desa, mis. 33.25.01.2007")
        parser.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")

    def handle(self, *args: Any, **options: Any) -> None:
        village = village_by_code(options["village"])
        path = Path(options["output"])
        if not path.parent.is_dir():
            raise CommandError(f"Folder untuk {str(path)!r} tidak ada.", returncode=2)
        with audit_source("cli"):
            count = export_residents(village=village, path=path, actor=None)
        self.stdout.write(f"{count} penduduk desa {village.name} diekspor ke {path}.")
