"""Issue signed letters through the HTTP API from many threads at once (run as a subprocess,
with DATABASE_URL=sqlite:///<file>): as a new user would configure it. A plain Django SQLite
engine gave "database is locked" and a 500 here; the project's engine queues the writers.
Prints the statuses, the issued numbers and the engine in use as JSON."""

import json
import os
import sys
import threading

import django


def main(n: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.db import connections
    from django.test import Client

    from balai.accounts.models import Role, User
    from balai.accounts.services import api_token_create
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
    ids = []
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
        ids.append(workflow.letter_sign(actor=kades, letter=letter).public_id)
    _token, raw = api_token_create(user=operator, name="concurrency")
    connections.close_all()
    statuses: list[int] = []
    errors: list[str] = []
    barrier = threading.Barrier(n)

    def work(public_id: str) -> None:
        try:
            client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", raise_request_exception=False)
            barrier.wait(timeout=60)
            response = client.post(
                f"/api/v1/letters/{public_id}/steps", {"action": "issue"}, content_type="application/json"
            )
            statuses.append(response.status_code)
            if response.status_code != 200:
                errors.append(f"{response.status_code}: {response.content[:300]!r}")
        except Exception as e:  # noqa: BLE001 - reported to the test
            errors.append(repr(e))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(public_id,)) for public_id in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    issued = Letter.objects.filter(state=Letter.State.ISSUED)
    sys.stdout.write(
        json.dumps(
            {
                "engine": settings.DATABASES["default"]["ENGINE"],
                "journal_mode": connections["default"].cursor().execute("PRAGMA journal_mode").fetchone()[0],
                "statuses": statuses,
                "errors": errors,
                "sequences": sorted(issued.values_list("sequence", flat=True)),
                "numbers": len(set(issued.values_list("number", flat=True))),
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
