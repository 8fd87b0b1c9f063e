import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.audit import backup
from balai.core.backup import archive, passphrase
from balai.core.backup.archive import ArchiveError
from balai.core.backup.crypto import BackupCryptoError
from balai.core.backup.database import DatabaseBackupError

# Each refusal names the problem in Bahasa Indonesia and in English (operators and the
# regency's IT staff read these).
REFUSALS = {
    "wrong_passphrase": "Kata sandi salah / wrong passphrase",
    "tampered": "Arsip telah diubah atau rusak / archive tampered with or damaged",
    "truncated": "Arsip terpotong (tidak lengkap) / archive truncated",
    "not_archive": "Bukan arsip cadangan Balai / not a Balai backup archive",
    "damaged": "Arsip rusak / archive damaged",
    "format": "Format arsip tidak dikenal / unknown archive format",
    "unreadable": "Arsip tidak terbaca / archive unreadable",
    "engine_mismatch": "Jenis basis data berbeda / database engine differs",
}


class Command(BaseCommand):
    # A restore must run before the machine is fully configured: the archive carries the secrets
    # the production checks would otherwise stop it for (it writes them to restored-secrets.env).
    requires_system_checks: list[str] = []
    help = (
        "Pulihkan arsip `balai backup` ke mesin bersih: basis data, media, kunci dan jangkar audit. Menolak "
        "basis data yang berisi data (kecuali --force), kata sandi salah dan arsip yang diubah; sesudahnya "
        "memeriksa hash isi setiap tabel terhadap manifes dan menjalankan audit-verify."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="Berkas arsip cadangan.")
        parser.add_argument(
            "--passphrase-file", default="", help="Berkas berisi kata sandi (bukan kata sandinya)."
        )
        parser.add_argument(
            "--force", action="store_true", help="Timpa basis data, media dan kunci yang sudah ada."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Hanya periksa arsip (kata sandi, keutuhan, manifes) tanpa memulihkan apa pun.",
        )

    def _refuse(self, exc: BackupCryptoError | ArchiveError | DatabaseBackupError) -> CommandError:
        title = REFUSALS.get(exc.code, "Pemulihan gagal / restore failed")
        return CommandError(f"{title}: {exc}. Tidak ada yang dipulihkan / nothing was restored.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        source = Path(options["archive"])
        if not options["check"] and not options["force"]:
            problems = backup.target_problems()
            if problems:
                raise CommandError(
                    "Tujuan tidak kosong / target not empty: "
                    + "; ".join(problems)
                    + ". Pulihkan ke basis data dan mesin yang bersih, atau pakai --force untuk menimpa."
                )
        try:
            secret = passphrase.obtain(options["passphrase_file"])
        except passphrase.PassphraseError as exc:
            raise CommandError(f"Tidak dipulihkan: {exc}.") from exc
        workdir = archive.private_workdir(Path(settings.VAR_DIR), ".balai-restore-")
        try:
            try:
                contents = archive.read(source, secret, workdir)
            except (BackupCryptoError, ArchiveError) as exc:
                raise self._refuse(exc) from exc
            manifest = contents.manifest
            rows = sum(t["rows"] for t in manifest["tables"].values())
            self.stdout.write(
                f"Arsip utuh / archive intact: dibuat {manifest['created_at']}, {manifest['engine']}, "
                f"{len(manifest['files'])} berkas, {len(manifest['tables'])} tabel, {rows} baris."
            )
            if options["check"]:
                return
            try:
                report = backup.restore_apply(contents=contents)
            except DatabaseBackupError as exc:
                raise self._refuse(exc) from exc
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        self.stdout.write(
            f"Dipulihkan / restored: {report.tables} tabel ({report.rows} baris), {report.media} berkas media, "
            f"{len(report.files)} berkas kunci/jangkar."
        )
        if report.secrets_differ:
            self.stdout.write(
                self.style.WARNING(
                    "Rahasia di lingkungan mesin ini berbeda dari arsip / secrets differ: "
                    + ", ".join(report.secrets_differ)
                    + f". Nilai dari arsip ditulis ke {report.secrets_file} (mode 0600): pasang di lingkungan "
                    "layanan lalu hapus berkas itu; tanpa itu surat tidak dapat ditandatangani dan PIN anjungan "
                    "tidak cocok."
                )
            )
        if report.unknown_migrations:
            self.stdout.write(
                self.style.WARNING(
                    "Arsip dibuat oleh versi Balai yang lebih baru / archive from a newer Balai: migrasi "
                    + ", ".join(report.unknown_migrations[:5])
                    + " tidak dikenal kode ini. Pasang versi yang sama atau lebih baru sebelum menjalankan layanan."
                )
            )
        if report.pending_migrations:
            self.stdout.write(
                f"{report.pending_migrations} migrasi kode ini belum ada di basis data: jalankan `balai migrate`."
            )
        if report.mismatched:
            raise CommandError(
                "Isi tabel tidak cocok dengan manifes / table contents differ from the manifest: "
                + ", ".join(report.mismatched)
            )
        self.stdout.write(f"Hash isi {report.tables} tabel cocok dengan manifes / content hashes match.")
        if report.audit_problems:
            for line in report.audit_problems:
                self.stderr.write(line)
            raise CommandError(
                f"audit-verify: {len(report.audit_problems)} masalah pada {report.audit_checked} peristiwa audit."
            )
        self.stdout.write(
            f"audit-verify: {report.audit_checked} peristiwa audit diperiksa, rantai utuh "
            f"({time.monotonic() - started:.1f} s)."
        )
