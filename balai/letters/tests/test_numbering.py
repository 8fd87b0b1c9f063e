import json
import os
import subprocess
import sys
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from balai.letters import numbering, services
from balai.letters.models import Letter, LetterCounter
from balai.letters.tests.conftest import request_domisili


def test_format_number_default():
    import datetime as dt

    got = numbering.format_number(
        numbering.DEFAULT_NUMBER_FORMAT,
        code="470",
        sequence=7,
        village_code="33.25.01.2007",
        day=dt.date(2026, 11, 27),
    )
    assert got == "470/007/33.25.01.2007/XI/2026"


def test_unknown_format_code_is_named():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="nomer"):
        numbering.check_format("[kode]/[nomer,3]")


@pytest.mark.django_db(transaction=True)
def test_next_sequence_refuses_to_run_outside_a_transaction(village_a):
    with pytest.raises(RuntimeError):
        numbering.next_sequence(village=village_a, year=2026, type_code="")


def test_concurrent_issues_on_a_sqlite_file_get_distinct_consecutive_numbers(sqlite_file_env):
    # given: a fresh SQLite file database, configured as in production (WAL, IMMEDIATE)
    env = sqlite_file_env
    n = 40
    # when: eight threads issue 40 signed letters at once
    done = subprocess.run(
        [sys.executable, "-m", "balai.letters.tests.concurrent_issue", str(n), "8"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # then
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["errors"] == []
    assert result["sequences"] == list(range(1, n + 1))
    assert result["distinct"] == n


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads on the test database: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_distinct_consecutive_numbers(
    operator_a, kades_a, kades_official_a, resident_a
):
    # given: signed letters waiting to be issued
    n = 30
    letters = []
    for _ in range(n):
        letter = services.letter_verify(actor=operator_a, letter=request_domisili(operator_a, resident_a))
        letters.append(services.letter_sign(actor=kades_a, letter=letter))
    errors: list[BaseException] = []
    start = threading.Barrier(min(n, 8))

    def issue(chunk):
        try:
            try:
                start.wait(timeout=10)
            except threading.BrokenBarrierError:
                pass
            for letter in chunk:
                services.letter_issue(actor=operator_a, letter=letter)
        except BaseException as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)
        finally:
            connections.close_all()

    # when: eight threads issue at once
    chunks = [letters[i::8] for i in range(8)]
    threads = [threading.Thread(target=issue, args=(c,)) for c in chunks if c]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then
    assert errors == []
    sequences = sorted(Letter.objects.filter(state=Letter.State.ISSUED).values_list("sequence", flat=True))
    assert sequences == list(range(1, n + 1))
    counter = LetterCounter.objects.get(village=resident_a.village, year=timezone.localdate().year)
    assert counter.last_number == n


@pytest.mark.skipif(connection.vendor != "postgresql", reason="several processes on one PostgreSQL database")
@pytest.mark.django_db(transaction=True)
def test_200_concurrent_issues_from_several_processes_on_postgresql(
    operator_a, kades_a, kades_official_a, resident_a
):
    # given: 200 signed letters, committed so other processes see them
    n, processes, threads = 200, 4, 10
    letters = []
    for _ in range(n):
        letter = services.letter_verify(actor=operator_a, letter=request_domisili(operator_a, resident_a))
        letters.append(services.letter_sign(actor=kades_a, letter=letter))
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    ids = [letter.pk for letter in letters]
    # when: four processes of ten threads issue them at once
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "balai.letters.tests.concurrent_issue",
                "existing",
                operator_a.username,
                ",".join(map(str, ids[i::processes])),
                str(threads),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(processes)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    # then: 200 distinct consecutive numbers, no error
    for p, (out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err.decode()[-2000:]
        assert json.loads(out)["errors"] == []
    rows = list(Letter.objects.filter(pk__in=ids).values_list("sequence", "number"))
    assert sorted(s for s, _ in rows) == list(range(1, n + 1))
    assert len({number for _, number in rows}) == n
