import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.letters import signing

KEYS_FORMAT = 'Berkas kunci harus berupa objek JSON {"id_kunci": "kunci publik hex 64 digit"}'


def split_input(text: str) -> tuple[str, str]:
    """(token, payload) from a scanned QR URL, or ("", payload) from a bare payload.

    A repeated `p` is read as the server reads it (Django's `request.GET.get`: the last one,
    blank included), so the command and the verification page judge the same payload."""
    text = text.strip()
    if "://" in text or text.startswith("/v/"):
        parts = urlsplit(text)
        token = parts.path.rsplit("/", 1)[-1]
        values = [v for k, v in parse_qsl(parts.query, keep_blank_values=True) if k == "p"]
        return token, values[-1] if values else ""
    return "", unquote(text)


def load_keys(path: str) -> dict[str, bytes]:
    """{key_id: raw Ed25519 public key} from a file printed by `balai letter-keys`."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise CommandError(f"Berkas kunci tidak dapat dibuka: {e.strerror or e}", returncode=2)
    except (ValueError, UnicodeDecodeError):
        raise CommandError(f"Berkas kunci bukan JSON yang sah. {KEYS_FORMAT}.", returncode=2)
    if not isinstance(raw, dict) or not raw:
        raise CommandError(f"{KEYS_FORMAT}.", returncode=2)
    keys = {}
    for key_id, value in raw.items():
        try:
            public = bytes.fromhex(value) if isinstance(value, str) else b""
        except ValueError:
            public = b""
        if len(public) != 32:
            raise CommandError(f"Kunci {key_id!r} pada berkas kunci tidak sah. {KEYS_FORMAT}.", returncode=2)
        keys[key_id] = public
    return keys


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
        keys = load_keys(options["keys"]) if options["keys"] else signing.public_keys()
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
        self.stdout.write(
            "Status dicabut/digantikan dan masa berlaku hanya dapat diperiksa daring di halaman verifikasi."
        )
