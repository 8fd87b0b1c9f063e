"""Hostile spreadsheets through every upload that reads one (issue 16).

A 1.9 KB xlsx with a value at A1 and one at XFD1048576 made the aid recipient import, the
DTSEN decile import and the resident import ask for 512 GB and abort the process; the web
worker died with every request it held, and the resident import's job left its upload on
disk (balai/people/tests/test_import_views.py checks that a dead job's upload is removed).
Each attack below goes through the real entry point and must be refused with a
message naming the limit, without the test process (which is the worker here: the web
views and, with BALAI_TASKS_INLINE, the import job run in it) growing.
"""

from __future__ import annotations

import json
import resource
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from balai.aid.models import OfficialDecile, Programme, RecipientImport
from balai.aid.tests.distribution_fixtures import make_programme
from balai.core.tests import hostile_sheets
from balai.people.models import ImportJob, Resident

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "Peserta"  # the aid import's sheet name; the other imports take the first sheet

# attack -> (builder, words the refusal must contain)
ATTACKS: dict[str, tuple[Callable[..., bytes], tuple[str, ...]]] = {
    "corner-cells": (hostile_sheets.corner_cells, ("Peserta", "kolom XFD")),
    "zip-bomb": (hostile_sheets.zip_bomb, ("Peserta", "memuai")),
    "shared-strings-bomb": (hostile_sheets.shared_strings_bomb, ("teks bersama",)),
    "million-empty-rows": (hostile_sheets.empty_rows, ("Peserta", "1.000.000")),
}
_FILES: dict[str, bytes] = {}


def _file(attack: str) -> bytes:
    if attack not in _FILES:
        _FILES[attack] = ATTACKS[attack][0](sheet=SHEET)
    return _FILES[attack]


def _peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _assert_refused(text: str, attack: str) -> None:
    for word in ATTACKS[attack][1]:
        assert word in text, f"{attack}: {word!r} not in the refusal: {text[:2000]}"


def _assert_small_growth(before_kb: int) -> None:
    # The worker itself never loads the sheet: its peak grows by far less than one grid.
    assert _peak_kb() - before_kb < 150 * 1024


@pytest.mark.parametrize("fmt", ["opensid", "nik_list"])
@pytest.mark.parametrize("attack", list(ATTACKS))
def test_aid_recipient_import_refuses(client_a, village_a, attack, fmt):
    # given
    programme = make_programme(
        village_a, name="PKH", code="pkh", source=Programme.Source.CENTRAL, uses_targeting=False
    )
    upload = SimpleUploadedFile("pkh.xlsx", _file(attack), content_type=XLSX)
    before = _peak_kb()

    # when
    response = client_a.post(
        reverse("aid:import_start", args=[programme.public_id]), {"format": fmt, "file": upload}
    )

    # then
    assert response.status_code == 400
    _assert_refused(response.content.decode(), attack)
    assert not RecipientImport.objects.exists()
    _assert_small_growth(before)


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_dtsen_decile_import_refuses(client_a, village_a, attack):
    # given
    upload = SimpleUploadedFile("desil.xlsx", _file(attack), content_type=XLSX)
    before = _peak_kb()

    # when
    response = client_a.post(
        reverse("aid:decile_import"),
        {"file": upload, "received_on": "2026-04-01", "source": "DTSEN Dinsos"},
    )

    # then
    assert response.status_code in (200, 400)
    _assert_refused(response.content.decode(), attack)
    assert not OfficialDecile.objects.exists()
    _assert_small_growth(before)


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_resident_import_job_refuses_and_keeps_no_upload(client_a, village_a, settings, attack):
    # given
    upload = SimpleUploadedFile("penduduk.xlsx", _file(attack), content_type=XLSX)
    before = _peak_kb()

    # when: the job runs inline in tests (BALAI_TASKS_INLINE)
    response = client_a.post(reverse("people:import_start"), {"file": upload})

    # then
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.state == ImportJob.State.REJECTED
    _assert_refused(json.dumps(job.result, ensure_ascii=False), attack)
    assert not (Path(settings.MEDIA_ROOT) / job.file_path).exists()
    page = client_a.get(response.url).content.decode()
    _assert_refused(page, attack)
    assert not Resident.objects.exists()
    _assert_small_growth(before)


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_resident_import_command_refuses(village_a, tmp_path, capsys, attack):
    # given
    path = tmp_path / "penduduk.xlsx"
    path.write_bytes(_file(attack))
    before = _peak_kb()

    # when
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_residents", str(path), "--village", village_a.code, "--json")

    # then
    assert exit_info.value.code == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary["applied"] is False
    _assert_refused(json.dumps(summary, ensure_ascii=False), attack)
    assert not Resident.objects.exists()
    _assert_small_growth(before)


def test_job_that_runs_out_of_memory_fails_with_a_message_and_keeps_no_upload(
    client_a, village_a, settings, monkeypatch
):
    # given: the import raises MemoryError half-way
    from balai.people.imports import jobs

    def exhausted(**kwargs):
        raise MemoryError

    monkeypatch.setattr(jobs, "import_residents", exhausted)
    upload = SimpleUploadedFile("penduduk.xlsx", _file("corner-cells"), content_type=XLSX)

    # when
    client_a.post(reverse("people:import_start"), {"file": upload})

    # then
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED
    assert job.result["message"]
    assert not (Path(settings.MEDIA_ROOT) / job.file_path).exists()
