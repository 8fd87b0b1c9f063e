"""Run as a script against a SQLite file: kiosks take tickets and counters call them, in threads."""

from __future__ import annotations

import json
import os
import sys
import threading

import django


def main(n: int, kiosks: int, counters: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    from balai.desk import services
    from balai.desk.models import Counter, ServiceCategory, Ticket
    from balai.people.tests.factories import VillageFactory

    village = VillageFactory()
    category = ServiceCategory.objects.create(village=village, code="A", name="Surat")
    desks = [Counter.objects.create(village=village, name=f"Loket {i + 1}") for i in range(counters)]
    connections.close_all()
    errors: list[str] = []
    called: list[int] = []
    lock = threading.Lock()

    def take(count: int, barrier: threading.Barrier) -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(count):
                services.ticket_take(village=village, category=category)
        except Exception as e:  # noqa: BLE001 - reported to the test
            errors.append(repr(e))
        finally:
            connections.close_all()

    def call(counter: Counter, barrier: threading.Barrier) -> None:
        try:
            barrier.wait(timeout=30)
            while True:
                ticket = services.ticket_call_next(actor=None, village=village, counter=counter)
                if ticket is None:
                    return
                with lock:
                    called.append(ticket.pk)
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))
        finally:
            connections.close_all()

    barrier = threading.Barrier(kiosks)
    per = [n // kiosks + (1 if i < n % kiosks else 0) for i in range(kiosks)]
    threads = [threading.Thread(target=take, args=(c, barrier)) for c in per]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    barrier = threading.Barrier(counters)
    threads = [threading.Thread(target=call, args=(d, barrier)) for d in desks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    numbers = sorted(Ticket.objects.values_list("number", flat=True))
    sys.stdout.write(
        json.dumps(
            {
                "errors": errors,
                "numbers": numbers,
                "called": len(called),
                "distinct_called": len(set(called)),
                "waiting": Ticket.objects.filter(state=Ticket.State.WAITING).count(),
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
