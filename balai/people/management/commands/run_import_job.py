import signal
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from balai.people.imports.jobs import import_job_run


def _exit_on_sigterm(signum: int, frame: object) -> None:
    # A stopped job still marks itself failed and removes its upload (import_job_run).
    sys.exit(128 + signum)


class Command(BaseCommand):
    help = "Run one queued web import job (started by the web process; not for manual use)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job", type=int)
        parser.add_argument("--source", default="web")

    def handle(self, *args: Any, **options: Any) -> None:
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        import_job_run(job_pk=options["job"], source=options["source"])
