import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from balai.accounts.models import Role, User
from balai.letters.render import letter_pdf
from balai.letters.services import workflow
from balai.letters.types import REGISTRY
from balai.people import codes
from balai.people.models import Resident
from balai.regions.models import Village
from balai.staff.models import Official


class _Rollback(Exception):
    pass


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(q * len(ordered))) - 1)] * 1000


class Command(BaseCommand):
    help = (
        "Time letter rendering and the whole issue flow (request -> issued PDF) on real residents "
        "of one village. Everything runs in one transaction that is rolled back (on SQLite it holds "
        "the write lock meanwhile)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--village", help="village code; the first active village by default")
        parser.add_argument("-n", type=int, default=200, help="letters to issue (default 200)")

    def handle(self, *args: Any, **options: Any) -> None:
        qs = Village.objects.filter(is_active=True)
        village = qs.filter(code=options["village"]).first() if options["village"] else qs.first()
        if village is None:
            raise CommandError("Desa tidak ditemukan.")
        residents = list(Resident.objects.filter(village=village, status=codes.STATUS_ALIVE)[:50])
        if not residents:
            raise CommandError("Desa ini belum memiliki penduduk hidup.")
        try:
            with transaction.atomic():
                self._run(village, residents, options["n"])
                raise _Rollback
        except _Rollback:
            pass

    def _run(self, village: Village, residents: list[Resident], n: int) -> None:
        operator = User.objects.create_user(username="bench-operator", role=Role.OPERATOR, village=village)
        kades = User.objects.create_user(username="bench-kades", role=Role.KADES, village=village)
        Official.objects.create(
            village=village,
            user=kades,
            name="Bench",
            position="Kepala Desa",
            signs_letters=True,
            signs_as="own",
        )
        domisili = REGISTRY["domisili"]
        flow, render, issued = [], [], []
        started = time.perf_counter()
        for i in range(n):
            t0 = time.perf_counter()
            letter = workflow.letter_request_create(
                actor=operator,
                village=village,
                type_code=domisili.code,
                subject=residents[i % len(residents)],
                fields={"keperluan": "Uji kecepatan"},
                requirements=domisili.requirements,
            )
            letter = workflow.letter_verify(actor=operator, letter=letter)
            letter = workflow.letter_sign(actor=kades, letter=letter)
            letter = workflow.letter_issue(actor=operator, letter=letter)
            t1 = time.perf_counter()
            letter_pdf(letter)
            t2 = time.perf_counter()
            flow.append(t2 - t0)
            render.append(t2 - t1)
            issued.append(letter)
        elapsed = time.perf_counter() - started
        again = []
        for letter in issued:
            t = time.perf_counter()
            letter_pdf(letter)
            again.append(time.perf_counter() - t)
        self.stdout.write(f"desa {village.code} {village.name}, {n} surat (dibatalkan di akhir)")
        self.stdout.write(
            f"render PDF surat terbit: p50 {_p(again, 0.5):.1f} ms, p95 {_p(again, 0.95):.1f} ms, "
            f"rata-rata {statistics.mean(again) * 1000:.1f} ms"
        )
        self.stdout.write(
            f"alur lengkap (permohonan -> PDF terbit): p50 {_p(flow, 0.5):.1f} ms, p95 {_p(flow, 0.95):.1f} ms"
        )
        self.stdout.write(f"laju: {n / elapsed:.1f} surat/detik (satu proses)")
