from typing import Any

from django.core.management.base import BaseCommand, CommandError

from balai.audit.services import audit_verify


class Command(BaseCommand):
    help = "Check every audit chain: links, content hashes, gaps and heads."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = audit_verify()
        for p in problems:
            village = p.village_id if p.village_id is not None else "deployment"
            self.stderr.write(f"rantai {p.chain_id} (desa {village}) no. {p.seq}: {p.message}")
        if problems:
            raise CommandError(f"{len(problems)} masalah ditemukan pada {checked} peristiwa audit.")
        self.stdout.write(f"{checked} peristiwa audit diperiksa: rantai utuh.")
