import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.audit import backup
from balai.core.backup import passphrase
from balai.core.backup.crypto import BackupCryptoError
from balai.core.backup.database import DatabaseBackupError

SUFFIX = ".balai-backup"


class Command(BaseCommand):
    help = (
        "Cadangkan basis data (snapshot konsisten), direktori media, kunci dan berkas jangkar audit, dan "
        "rahasia pengaturan ke satu arsip terenkripsi (AES-256-GCM, kunci dari kata sandi lewat scrypt). "
        "Kata sandi dari BALAI_BACKUP_PASSPHRASE, BALAI_BACKUP_PASSPHRASE_FILE atau --passphrase-file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            default="",
            help="Berkas arsip, atau direktori untuk nama bertanggal (bawaan: BALAI_BACKUP_DIR atau var/backups).",
        )
        parser.add_argument(
            "--passphrase-file", default="", help="Berkas berisi kata sandi (bukan kata sandinya)."
        )
        parser.add_argument(
            "--no-secrets",
            action="store_true",
            help="Tanpa SECRET_KEY, rahasia tanda tangan dan pepper anjungan (simpan sendiri di tempat lain).",
        )
        parser.add_argument(
            "--keep", type=int, default=0, help="Simpan N arsip terbaru di direktori itu, hapus sisanya."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            secret = passphrase.obtain(options["passphrase_file"], confirm=True)
        except passphrase.PassphraseError as exc:
            raise CommandError(f"Cadangan tidak dibuat: {exc}.") from exc
        default_dir = getattr(settings, "BALAI_BACKUP_DIR", "") or Path(settings.VAR_DIR) / "backups"
        output = Path(options["output"] or default_dir)
        if output.is_dir() or not options["output"] or options["output"].endswith("/"):
            output = output / time.strftime(f"balai-%Y%m%dT%H%M%SZ{SUFFIX}", time.gmtime())
        try:
            manifest = backup.backup_create(
                output=output, passphrase=secret, with_secrets=not options["no_secrets"]
            )
        except (BackupCryptoError, DatabaseBackupError, OSError) as exc:
            raise CommandError(f"Cadangan gagal / backup failed: {exc}") from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        media = sum(1 for f in manifest["files"] if f["kind"] == "media")
        self.stdout.write(
            f"Cadangan dibuat: {output} ({output.stat().st_size / 1e6:.1f} MB, {len(manifest['tables'])} tabel, "
            f"{rows} baris, {media} berkas media, {time.monotonic() - started:.1f} s)."
        )
        if options["keep"] > 0:
            gone = backup.prune(output.parent, options["keep"], SUFFIX)
            if gone:
                self.stdout.write(f"{len(gone)} arsip lama dihapus.")
