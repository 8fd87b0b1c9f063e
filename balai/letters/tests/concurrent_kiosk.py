"""Double taps at the kiosk from several threads against a real SQLite file (a subprocess; see
concurrent_issue.py for why). Each of `keys` idempotency keys is sent by every worker at once;
prints the letters made per key as JSON."""

import json
import os
import sys
import threading

import django


def main(keys: int, workers: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    from balai.accounts.models import Role, User
    from balai.letters.kiosk import letter_kiosk_request
    from balai.letters.models import Letter
    from balai.people.tests.factories import ResidentFactory, VillageFactory
    from balai.staff.models import Official

    village = VillageFactory()
    kades = User.objects.create_user(username="kades", role=Role.KADES, village=village)
    Official.objects.create(
        village=village, user=kades, name="S", position="Kepala Desa", signs_letters=True, signs_as="own"
    )
    resident = ResidentFactory(village=village)
    connections.close_all()
    errors: list[str] = []
    answers: dict[str, set[int]] = {}
    barrier = threading.Barrier(workers)
    lock = threading.Lock()

    def work() -> None:
        try:
            barrier.wait(timeout=30)
            for k in range(keys):
                key = f"tap-{k:08d}"
                letter = letter_kiosk_request(
                    village=village,
                    type_code="penduduk",
                    subject=resident,
                    fields={"keperluan": "x"},
                    device_label="anjungan",
                    idempotency_key=key,
                )
                with lock:
                    answers.setdefault(key, set()).add(letter.pk)
        except Exception as e:  # noqa: BLE001 - reported to the test
            errors.append(repr(e))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sys.stdout.write(
        json.dumps(
            {
                "errors": errors,
                "answers_per_key": sorted(len(v) for v in answers.values()),
                "letters": Letter.objects.count(),
                "sequences": sorted(Letter.objects.values_list("sequence", flat=True)),
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
