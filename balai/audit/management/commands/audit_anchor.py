from typing import Any

from django.core.management.base import BaseCommand

from balai.audit import anchors


class Command(BaseCommand):
    help = (
        "Tanda tangani kepala setiap rantai audit (Ed25519, kunci di luar basis data) dan tambahkan ke "
        "berkas jangkar. Jalankan terjadwal (mis. tiap jam); salin berkasnya ke luar server."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", default="", help="Berkas jangkar (bawaan: BALAI_AUDIT_ANCHOR_FILE).")
        parser.add_argument("--public-key", action="store_true", help="Cetak kunci publik untuk memeriksa.")

    def handle(self, *args: Any, **options: Any) -> None:
        from pathlib import Path

        if options["public_key"]:
            anchors.private_key()
            self.stdout.write(anchors.public_pem())
            return
        path = Path(options["file"]) if options["file"] else anchors.anchor_file()
        made = anchors.anchor_heads(path)
        self.stdout.write(f"{len(made)} kepala rantai ditandatangani ke {path}.")
