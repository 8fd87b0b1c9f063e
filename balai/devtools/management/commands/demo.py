from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.urls import NoReverseMatch, reverse

from balai.accounts.models import Role
from balai.core.db.statistics import refresh_statistics
from balai.devtools import demo


class Command(BaseCommand):
    help = (
        "Build the demo Kabupaten Batang: migrate, load region codes, generate villages with "
        "synthetic residents, officials and demo accounts, and print the logins. The villages "
        "are DOMAIN.md's seven pilot villages plus desa Wonotunggal (33.25.01.2006), a stand-in "
        "for the unnamed eighth; more villages follow in code order. Running it again adds only "
        "what is missing. Everything is invented: demo data and demo accounts, never for real use."
    )
    # The database may not exist yet (or is about to be deleted with --reset).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--villages", type=int, default=8, help="number of villages (8 pilots, up to 248)"
        )
        parser.add_argument(
            "--residents-per-village",
            type=int,
            default=1000,
            help="average residents per village (villages differ by up to ±40%%)",
        )
        parser.add_argument(
            "--seed", type=int, default=42, help="random seed: the same seed gives the same people"
        )
        parser.add_argument("--reset", action="store_true", help="delete the SQLite database first")
        parser.add_argument(
            "--yes", action="store_true", help="with --reset on PostgreSQL: really empty every table"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not demo.faker_installed():
            raise CommandError(demo.FAKER_MISSING)
        if options["villages"] < 1 or options["residents_per_village"] < 1:
            raise CommandError("--villages dan --residents-per-village harus minimal 1.")
        if options["reset"]:
            self._reset(confirmed=options["yes"])
        self.stdout.write("Menyiapkan basis data (migrate, kode wilayah)…")
        demo.ensure_database()
        try:
            codes = demo.demo_village_codes(options["villages"])
        except ValueError as exc:
            raise CommandError(str(exc))

        def progress(done: int, total: int, name: str, residents: int) -> None:
            self.stdout.write(f"  [{done}/{total}] {name}: {residents} penduduk")

        result = demo.generate(
            villages=len(codes),
            residents_per_village=options["residents_per_village"],
            seed=options["seed"],
            progress=progress,
        )
        if result.villages_created:
            rate = result.residents / result.seconds if result.seconds else 0
            self.stdout.write(
                f"{len(result.villages_created)} desa dibuat: {result.residents} penduduk, "
                f"{result.families} KK dalam {result.seconds:.1f} detik ({rate:,.0f} penduduk/detik)."
            )
        if result.villages_created:
            refresh_statistics(vacuum=True)
        if result.villages_skipped:
            self.stdout.write(f"{len(result.villages_skipped)} desa demo sudah ada dan dibiarkan apa adanya.")
        logins = demo.ensure_accounts()
        self._after_accounts()
        self._print_logins(logins)

    def _after_accounts(self) -> None:
        """Demo work that needs the office's accounts: the BLT distributions recorded by each
        pilot village's operator, then booked in finance (balai/finance/demo.py)."""
        from django.db import transaction
        from django.utils import timezone

        from balai.finance.demo import blt_distribute
        from balai.finance.demo_advances import sign_steps
        from balai.regions.models import Village

        for village in Village.objects.filter(code__in=demo.PILOT_CODES):
            with transaction.atomic():
                blt_distribute(village=village, today=timezone.localdate())
                sign_steps(village=village)

    def _reset(self, *, confirmed: bool) -> None:
        if connection.vendor != "sqlite":
            if not confirmed:
                raise CommandError(
                    "--reset pada PostgreSQL mengosongkan SEMUA tabel. Ulangi dengan --reset --yes bila memang itu maksudnya."
                )
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write("Semua tabel dikosongkan.")
            return
        path = demo.reset_database()
        self.stdout.write(f"Basis data {path} dihapus.")

    def _print_logins(self, logins: list[demo.Login]) -> None:
        self.stdout.write("")
        self.stdout.write(f"Buka {demo.DEMO_URL} (jalankan: balai runserver)")
        for label, name in (
            ("  daftar penduduk (operator desa)", "people:resident_list"),
            ("  ikhtisar kabupaten (camat, Dispermades)", "dashboard:overview"),
        ):
            try:
                self.stdout.write(f"{label}: {demo.DEMO_URL.rstrip('/')}{reverse(name)}")
            except NoReverseMatch:
                pass
        self.stdout.write(
            f"Akun DEMO — kata sandi untuk semuanya: {demo.DEMO_PASSWORD} "
            "(hanya untuk demo; jangan dipakai pada data sungguhan)"
        )
        width = max(len(login.username) for login in logins)
        labels = {login.role: str(Role(login.role).label) for login in logins}
        role_width = max(len(label) for label in labels.values())
        self.stdout.write(f"  {'pengguna'.ljust(width)}  {'peran'.ljust(role_width)}  wilayah")
        for login in logins:
            self.stdout.write(
                f"  {login.username.ljust(width)}  {labels[login.role].ljust(role_width)}  {login.area}"
            )
        with_code = [login.username for login in logins if login.two_factor]
        if with_code:
            self.stdout.write(
                f"Verifikasi dua langkah (wajib untuk kades, sekdes, camat, Dispermades): {', '.join(with_code)} "
                f"memakai kunci TOTP demo {demo.DEMO_TOTP_SECRET} — pasang di aplikasi autentikator, "
                "atau jalankan `balai demo_code` untuk kode saat ini."
            )
        existing = [login.username for login in logins if not login.created]
        if existing:
            self.stdout.write(f"({len(existing)} akun sudah ada sebelumnya; kata sandinya tidak diubah.)")
