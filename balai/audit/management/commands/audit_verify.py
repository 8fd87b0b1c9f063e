from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from balai.audit.services import audit_verify


class Command(BaseCommand):
    help = (
        "Check every audit chain: links, content hashes, gaps and heads, and against the signed anchors "
        "(`balai audit-anchor`): truncation, deletion, insertion and edits."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--anchors", default="", help="Berkas jangkar (bawaan: BALAI_AUDIT_ANCHOR_FILE).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["anchors"]) if options["anchors"] else None
        checked, problems = audit_verify(anchor_path=path)
        for p in problems:
            village = p.village_id if p.village_id is not None else "deployment"
            self.stderr.write(f"rantai {p.chain_id} (desa {village}) no. {p.seq}: {p.message}")
        if problems:
            raise CommandError(f"{len(problems)} masalah ditemukan pada {checked} peristiwa audit.")
        self.stdout.write(f"{checked} peristiwa audit diperiksa: rantai utuh.")
