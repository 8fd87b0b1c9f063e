from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from balai.audit import anchors


class Command(BaseCommand):
    help = (
        "Tanda tangani kepala setiap rantai audit (Ed25519, kunci di luar basis data) dan tambahkan ke "
        "berkas jangkar. Jalankan terjadwal (deploy/balai-audit-anchor.timer, tiap jam) dan kirim salinannya "
        "ke luar server dengan --copy-to atau BALAI_AUDIT_ANCHOR_COPY_TO."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", default="", help="Berkas jangkar (bawaan: BALAI_AUDIT_ANCHOR_FILE).")
        parser.add_argument("--public-key", action="store_true", help="Cetak kunci publik untuk memeriksa.")
        parser.add_argument(
            "--copy-to",
            action="append",
            default=[],
            metavar="TUJUAN",
            help=(
                "Salinan kedua tiap jangkar: direktori atau berkas (disk lain, share server kabupaten), atau "
                "syslog+udp://host:514 / syslog+tcp://host:514. Boleh berulang; bawaan: BALAI_AUDIT_ANCHOR_COPY_TO."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["public_key"]:
            anchors.private_key()
            self.stdout.write(anchors.public_pem())
            return
        path = Path(options["file"]) if options["file"] else anchors.anchor_file()
        made = anchors.anchor_heads(path)
        self.stdout.write(f"{len(made)} kepala rantai ditandatangani ke {path}.")
        failed = []
        for target in options["copy_to"] or anchors.copy_targets():
            try:
                where = anchors.copy_anchors(made, target)
            except OSError as exc:
                failed.append(f"{target}: {exc}")
            else:
                self.stdout.write(f"Salinan dikirim ke {where}.")
        if failed:
            # The anchors are in the local file; a copy that did not leave must fail the timer's run.
            raise CommandError("Salinan jangkar gagal / anchor copy failed: " + "; ".join(failed))
