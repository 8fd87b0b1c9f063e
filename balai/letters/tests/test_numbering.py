import json
import os
import subprocess
import sys
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from balai.letters import numbering
from balai.letters.models import Letter, LetterCounter
from balai.letters.services import workflow
from balai.letters.services.settings import letter_settings_update
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
        letter = workflow.letter_verify(actor=operator_a, letter=request_domisili(operator_a, resident_a))
        letters.append(workflow.letter_sign(actor=kades_a, letter=letter))
    errors: list[BaseException] = []
    start = threading.Barrier(min(n, 8))

    def issue(chunk):
        try:
            try:
                start.wait(timeout=10)
            except threading.BrokenBarrierError:
                pass
            for letter in chunk:
                workflow.letter_issue(actor=operator_a, letter=letter)
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
        letter = workflow.letter_verify(actor=operator_a, letter=request_domisili(operator_a, resident_a))
        letters.append(workflow.letter_sign(actor=kades_a, letter=letter))
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


# --- per-type sequences, switching mid-year, format checks, the issuing safety net ---

ALL_TYPES_OK = {
    "keperluan": "Melamar pekerjaan",
    "penerima_kuasa": "Budi Santoso",
    "nik_penerima_kuasa": "3325010101800001",
    "alamat_penerima_kuasa": "RT 001 RW 002",
    "urusan": "mengurus akta kelahiran",
}


def _issue(operator, kades, resident, type_code):
    from balai.letters.types import REGISTRY

    letter_type = REGISTRY[type_code]
    wanted = {f.name for f in letter_type.fields} | {"keperluan"}
    letter = workflow.letter_request_create(
        actor=operator,
        village=resident.village,
        type_code=type_code,
        subject=resident,
        fields={k: v for k, v in ALL_TYPES_OK.items() if k in wanted},
        requirements=list(letter_type.requirements),
    )
    letter = workflow.letter_verify(actor=operator, letter=letter)
    letter = workflow.letter_sign(actor=kades, letter=letter)
    return workflow.letter_issue(actor=operator, letter=letter)


def _switch(actor, per_type_sequence, number_format=numbering.DEFAULT_NUMBER_FORMAT):
    letter_settings_update(
        actor=actor,
        village=actor.village,
        number_format=number_format,
        per_type_sequence=per_type_sequence,
        paper="f4",
    )


def _head(letter):
    """The number without the village code, month and year: `474/003`."""
    return "/".join(letter.number.split("/")[:2])


def test_per_type_sequence_is_shared_by_types_with_the_same_classification_code(
    operator_a, kades_a, kades_official_a, resident_a
):
    # given: biodata, kuasa and penduduk are all numbered 474
    _switch(operator_a, True)
    # when
    issued = [
        _issue(operator_a, kades_a, resident_a, code) for code in ("biodata", "kuasa", "domisili", "penduduk")
    ]
    # then: one gapless sequence per code, no collision
    assert [_head(letter) for letter in issued] == ["474/001", "474/002", "474.4/001", "474/003"]


def test_turning_per_type_sequence_on_mid_year_continues_after_the_issued_numbers(
    operator_a, kades_a, kades_official_a, resident_a
):
    # given: village-wide numbers 1–3
    first = [_issue(operator_a, kades_a, resident_a, c) for c in ("domisili", "biodata", "domisili")]
    assert [_head(letter) for letter in first] == ["474.4/001", "474/002", "474.4/003"]
    # when
    _switch(operator_a, True)
    later = [_issue(operator_a, kades_a, resident_a, c) for c in ("domisili", "kuasa", "sktm")]
    # then: each code continues after its highest number of the year
    assert [_head(letter) for letter in later] == ["474.4/004", "474/003", "400.9/001"]


def test_switching_per_type_sequence_back_and_forth_never_reuses_a_number(
    operator_a, kades_a, kades_official_a, resident_a
):
    # given: village-wide 1–2, then per code, which leaves the village-wide counter behind
    first = [_issue(operator_a, kades_a, resident_a, "domisili") for _ in range(2)]
    _switch(operator_a, True)
    second = [_issue(operator_a, kades_a, resident_a, c) for c in ("domisili", "penduduk", "penduduk")]
    # when: back to one sequence, then per code again
    _switch(operator_a, False)
    third = [_issue(operator_a, kades_a, resident_a, c) for c in ("domisili", "penduduk")]
    _switch(operator_a, True)
    fourth = [_issue(operator_a, kades_a, resident_a, c) for c in ("domisili", "penduduk")]
    # then
    heads = [_head(letter) for letter in first + second + third + fourth]
    assert heads == [
        "474.4/001",
        "474.4/002",
        "474.4/003",
        "474/001",
        "474/002",
        "474.4/004",
        "474/005",
        "474.4/005",
        "474/006",
    ]
    assert Letter.objects.filter(number="").count() == 0


def test_the_switch_raises_the_counters_in_the_settings_transaction(
    operator_a, kades_a, kades_official_a, resident_a
):
    # given
    for _ in range(3):
        _issue(operator_a, kades_a, resident_a, "domisili")
    year = timezone.localdate().year
    # when
    _switch(operator_a, True)
    # then: the new mode's counter is already there, before anything is issued
    counters = dict(
        LetterCounter.objects.filter(village=resident_a.village, year=year).values_list(
            "type_code", "last_number"
        )
    )
    assert counters[numbering.sequence_key(per_type_sequence=True, classification="474.4")] == 3


BAD_FORMATS = [
    ("[nomor,]/[kode]/[tahun]", False, "[nomor,]"),
    ("[KODE]/[nomor,3]/[Kode_Desa]/[TAHUN]", False, "bagian tidak dikenal [KODE], [Kode_Desa], [TAHUN]"),
    ("[kode]/[nomor,3]/[kode_desa]/[TAHUN]", False, "harus memuat [tahun]"),
    ("[kode]/[nomor,0]/[tahun]", False, "[nomor,0]"),
    ("[kode]/[nomor,7]/[tahun]", False, "[nomor,7]"),
    ("[kode]/[nomor,3]/[nomor]/[tahun]", False, "tepat satu [nomor]"),
    ("[kode]/[kode_desa]/[tahun]", False, "tepat satu [nomor]"),
    ("[kode]/[nomer,3]/[tahun]", False, "bagian tidak dikenal [nomer,3]"),
    ("[kode]/[nomor,3/[tahun]", False, "kurung siku"),
    ("[kode]/[nomor,3]/[tahun]]", False, "kurung siku"),
    ("[nomor,3]/[kode_desa]/[tahun]", True, "harus memuat [kode]"),
]


@pytest.mark.parametrize(("fmt", "per_type", "message"), BAD_FORMATS)
def test_check_format_refuses_a_broken_format_by_name(fmt, per_type, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        numbering.check_format(fmt, per_type_sequence=per_type)
    assert list(caught.value.message_dict) == ["number_format"]
    assert any(message in m for m in caught.value.message_dict["number_format"])


@pytest.mark.parametrize(
    "fmt",
    [
        numbering.DEFAULT_NUMBER_FORMAT,
        "[nomor]/[kode]/[tahun]",
        "[kode]/[nomor,6]/[bulan]/[tahun]",
        "SK-[kode]/[nomor,1]/[tahun]",
    ],
)
def test_check_format_accepts_well_formed_formats(fmt):
    numbering.check_format(fmt, per_type_sequence=True)


def test_settings_page_shows_a_bad_format_and_keeps_the_old_one(client_a, village_a):
    from django.urls import reverse

    from balai.letters.models import LetterSettings

    # when
    got = client_a.post(
        reverse("letters:settings"), {"number_format": "[nomor,]/[kode]/[tahun]", "paper": "a4"}
    )
    # then
    page = got.content.decode()
    assert got.status_code == 400
    assert "[nomor,]" in page
    assert "[nomor,]/470" not in page  # no example of a number that cannot be issued
    assert numbering.settings_for(village_a).number_format == numbering.DEFAULT_NUMBER_FORMAT
    assert not LetterSettings.objects.filter(village=village_a, number_format__contains=",]").exists()


def test_settings_refuse_per_type_sequence_without_code(operator_a, village_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=r"harus memuat \[kode\]"):
        _switch(operator_a, True, "[nomor,3]/[tahun]")


def test_issuing_skips_a_number_already_taken_instead_of_failing(
    operator_a, kades_a, kades_official_a, resident_a
):
    # given: a history the counter does not know about (e.g. a counter row restored from an
    # older backup): numbers 1 and 2 are taken, the counter says 0
    taken = [_issue(operator_a, kades_a, resident_a, "domisili") for _ in range(2)]
    LetterCounter.objects.filter(village=resident_a.village).update(last_number=0)
    # when: issued twice (a failure would also roll the counter back, failing every retry)
    later = [_issue(operator_a, kades_a, resident_a, "domisili") for _ in range(2)]
    # then
    assert [letter.sequence for letter in taken + later] == [1, 2, 3, 4]
    assert len({letter.number for letter in taken + later}) == 4


def test_a_broken_format_saved_before_the_check_still_issues_distinct_numbers(
    operator_a, kades_a, kades_official_a, resident_a, village_a
):
    from balai.letters.models import LetterSettings

    # given: stored before check_format refused it (its numbers would all be "[nomor,]/474.4/…")
    LetterSettings.objects.create(village=village_a, number_format="[nomor,]/[kode]/[tahun]")
    # when
    issued = [_issue(operator_a, kades_a, resident_a, "domisili") for _ in range(2)]
    # then: numbered with the default format instead
    assert [_head(letter) for letter in issued] == ["474.4/001", "474.4/002"]


def test_per_type_setting_stored_before_the_fix_continues_after_issued_numbers(
    operator_a, kades_a, kades_official_a, resident_a, village_a
):
    from balai.letters.models import LetterSettings

    # given: per-type numbering switched on without the service (as stored before this fix),
    # with a counter row keyed by the type code as it was then
    _issue(operator_a, kades_a, resident_a, "biodata")
    year = timezone.localdate().year
    LetterSettings.objects.create(village=village_a, per_type_sequence=True)
    LetterCounter.objects.create(village=village_a, year=year, type_code="biodata", last_number=1)
    # when
    kuasa = _issue(operator_a, kades_a, resident_a, "kuasa")
    # then: 474/001 is taken by the biodata letter
    assert _head(kuasa) == "474/002"
    assert kuasa.sequence == 2
