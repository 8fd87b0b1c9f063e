"""Where a backup passphrase comes from: never the command line (it would sit in `ps` and the
shell history), but the environment (BALAI_BACKUP_PASSPHRASE), a file (BALAI_BACKUP_PASSPHRASE_FILE
or --passphrase-file, as systemd credentials and container secrets give them), or a prompt."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

ENV = "BALAI_BACKUP_PASSPHRASE"
MIN_LENGTH = 12


class PassphraseError(Exception):
    pass


def obtain(file: str = "", *, confirm: bool = False) -> str:
    path = file or os.environ.get(f"{ENV}_FILE", "")
    if path:
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise PassphraseError(f"berkas kata sandi {path} tidak terbaca: {exc.strerror}") from exc
    elif os.environ.get(ENV):
        value = os.environ[ENV]
    elif sys.stdin.isatty():
        value = getpass.getpass("Kata sandi cadangan: ")
        if confirm and getpass.getpass("Ulangi kata sandi: ") != value:
            raise PassphraseError("kedua kata sandi tidak sama")
    else:
        raise PassphraseError(
            f"kata sandi cadangan tidak diberikan: setel {ENV} atau {ENV}_FILE, atau --passphrase-file"
        )
    if not value:
        raise PassphraseError("kata sandi cadangan kosong")
    if confirm and len(value) < MIN_LENGTH:
        raise PassphraseError(f"kata sandi cadangan terlalu pendek (paling sedikit {MIN_LENGTH} karakter)")
    return value
