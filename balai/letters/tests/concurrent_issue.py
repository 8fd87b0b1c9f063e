"""Issue letters from several threads against a real SQLite file (run as a subprocess).

The test database is SQLite in memory with a shared cache, whose table locks do not wait for
the busy timeout; production SQLite is a WAL file with IMMEDIATE transactions, so that is
what this checks. Prints the issued sequence numbers as JSON.
"""

import json
import os
import sys
import threading

import django


def main(n: int, workers: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    from balai.accounts.models import Role, User
    from balai.letters.models import Letter
    from balai.letters.services import workflow
    from balai.letters.tests.conftest import DOMISILI_REQS
    from balai.people.tests.factories import ResidentFactory, VillageFactory
    from balai.staff.models import Official

    village = VillageFactory()
    operator = User.objects.create_user(username="op", role=Role.OPERATOR, village=village)
    kades = User.objects.create_user(username="kades", role=Role.KADES, village=village)
    Official.objects.create(
        village=village, user=kades, name="S", position="Kepala Desa", signs_letters=True, signs_as="own"
    )
    resident = ResidentFactory(village=village)
    letters = []
    for _ in range(n):
        letter = workflow.letter_request_create(
            actor=operator,
            village=village,
            type_code="domisili",
            subject=resident,
            fields={"keperluan": "x"},
            requirements=DOMISILI_REQS,
        )
        letter = workflow.letter_verify(actor=operator, letter=letter)
        letters.append(workflow.letter_sign(actor=kades, letter=letter))
    connections.close_all()
    errors: list[str] = []
    barrier = threading.Barrier(workers)

    def work(chunk: list[Letter]) -> None:
        try:
            barrier.wait(timeout=30)
            for letter in chunk:
                workflow.letter_issue(actor=operator, letter=letter)
        except Exception as e:  # noqa: BLE001 - reported to the test
            errors.append(repr(e))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(letters[i::workers],)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sequences = sorted(Letter.objects.values_list("sequence", flat=True))
    numbers = Letter.objects.values_list("number", flat=True)
    sys.stdout.write(json.dumps({"errors": errors, "sequences": sequences, "distinct": len(set(numbers))}))


def issue_existing(operator_username: str, ids: list[int], workers: int) -> None:
    """One of several processes issuing already signed letters of a shared database at once
    (PostgreSQL): no migration, no data made here. Prints the errors as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connections

    from balai.accounts.models import User
    from balai.letters.models import Letter
    from balai.letters.services import workflow

    operator = User.objects.get(username=operator_username)
    letters = list(Letter.objects.filter(pk__in=ids))
    connections.close_all()
    errors: list[str] = []
    barrier = threading.Barrier(workers)

    def work(chunk: list[Letter]) -> None:
        try:
            barrier.wait(timeout=60)
            for letter in chunk:
                workflow.letter_issue(actor=operator, letter=letter)
        except Exception as e:  # noqa: BLE001 - reported to the test
            errors.append(repr(e))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(letters[i::workers],)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sys.stdout.write(json.dumps({"errors": errors}))


if __name__ == "__main__":
    if sys.argv[1] == "existing":
        issue_existing(sys.argv[2], [int(x) for x in sys.argv[3].split(",")], int(sys.argv[4]))
    else:
        main(int(sys.argv[1]), int(sys.argv[2]))
