import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from balai.letters.models import SigningKey
from balai.letters.signing import signing_key_create


class Command(BaseCommand):
    help = "Print the public keys that sign letters (JSON, for offline checks); --rotate makes a new one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rotate", action="store_true", help="new active key; old ones stay verifiable")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rotate"]:
            key = signing_key_create()
            self.stderr.write(f"Kunci baru aktif: {key.key_id}")
        keys = dict(SigningKey.objects.order_by("created_at").values_list("key_id", "public_key"))
        self.stdout.write(json.dumps(keys, indent=2))
