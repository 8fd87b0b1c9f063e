"""`balai demo-code`: the current two-factor code of the demo accounts (demo only)."""

from __future__ import annotations

from typing import Any

import pyotp
from django.core.management.base import BaseCommand

from balai.devtools import demo


class Command(BaseCommand):
    help = "Kode verifikasi dua langkah saat ini untuk akun DEMO (kunci TOTP demo yang dipublikasikan)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(pyotp.TOTP(demo.DEMO_TOTP_SECRET).now())
