import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.letters import signing


def split_input(text: str) -> tuple[str, str]:
    """(token, payload) from a scanned QR URL, or ("", payload) from a bare payload."""
    text = text.strip()
    if "://" in text or text.startswith("/v/"):
        parts = urlsplit(text)
        token = parts.path.rsplit("/", 1)[-1]
        payload = parse_qs(parts.query).get("p", [""])[0]
        return token, payload
    return "", unquote(text)


class Command(BaseCommand):
    help = (
        "Check a letter's QR (URL or payload) offline: the Ed25519 signature under the "
        "deployment's public keys (from the database, or --keys FILE with {key_id: hex})."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("payload_or_url")
        parser.add_argument("--keys", help="JSON file of public keys, as printed by `balai letter-keys`")

    def handle(self, *args: Any, **options: Any) -> None:
        token, payload = split_input(options["payload_or_url"])
        if not payload:
            raise CommandError("TIDAK ASLI: kode QR tidak memuat data bertanda tangan.")
        if options["keys"]:
            try:
                raw = json.loads(Path(options["keys"]).read_text())
                keys = {k: bytes.fromhex(v) for k, v in raw.items()}
            except (OSError, ValueError, AttributeError) as e:
                raise CommandError(f"Berkas kunci tidak dapat dibaca: {e}")
        else:
            keys = signing.public_keys()
        try:
            signed = signing.payload_verify(payload, keys)
        except signing.NotGenuine:
            raise CommandError("TIDAK ASLI: tanda tangan tidak cocok atau data telah diubah.")
        if token and token != signed.token:
            raise CommandError("TIDAK ASLI: token pada alamat tidak sesuai dengan data bertanda tangan.")
        self.stdout.write("ASLI: tanda tangan digital cocok.")
        for label, value in (
            ("Nomor surat", signed.number),
            ("Jenis", signed.type_code),
            ("Tanggal", signed.issued_on),
            ("Kode desa", signed.village_code),
            ("Nama", signed.masked_name),
            ("Kunci", signed.key_id),
        ):
            self.stdout.write(f"{label}: {value}")
        self.stdout.write("Status dicabut/digantikan hanya dapat diperiksa daring di halaman verifikasi.")
