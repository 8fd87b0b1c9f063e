from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.accounts.models import User
from balai.accounts.services import api_token_create
from balai.audit.services import audit_source
from balai.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Buat token API untuk USERNAME. Token hanya ditampilkan sekali; yang disimpan hanya hash-nya."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="Keterangan token, mis. nama aplikasi pemakainya.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"Pengguna {options['username']!r} tidak ditemukan.")
        try:
            with audit_source("cli"):
                token, key = api_token_create(user=user, name=options["name"])
        except ApplicationError as exc:
            raise CommandError(exc.message)
        self.stderr.write(
            f"Token {token.prefix}… untuk {user.get_username()} dibuat. "
            "Simpan sekarang: token ini tidak akan ditampilkan lagi."
        )
        self.stdout.write(key)
