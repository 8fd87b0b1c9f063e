import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from balai.audit.models import AuditEvent
from balai.people.models import ImportJob, Resident
from balai.people.tests.xlsx_helpers import person, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(path, name="penduduk.xlsx"):
    return SimpleUploadedFile(name, path.read_bytes(), content_type=XLSX)


def test_upload_runs_the_job_and_shows_the_summary(client_a, village_a, tmp_path, settings):
    # given
    path = write_xlsx(tmp_path / "a.xlsx", [person(1, kk_level=1), person(2)])

    # when
    response = client_a.post(reverse("people:import_start"), {"file": _upload(path)})

    # then
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("people:import_status", args=[job.public_id])
    assert job.state == ImportJob.State.APPLIED
    assert (job.processed_rows, job.total_rows) == (2, 2)
    assert job.result["imported"] == 2
    assert Resident.objects.filter(village=village_a).count() == 2
    assert job.file_path.startswith("imports/")
    assert not (settings.MEDIA_ROOT / job.file_path).exists()  # no copy of the upload is kept
    page = client_a.get(response.url)
    assert page.status_code == 200
    assert "2 penduduk baru" in page.content.decode()
    event = AuditEvent.objects.get(action="residents.imported")
    assert event.actor.username == "operator_a"
    assert event.source == "127.0.0.1"


def test_rejected_upload_lists_errors_and_offers_the_csv(client_a, village_a, tmp_path):
    # given
    path = write_xlsx(tmp_path / "a.xlsx", [person(1), person(2, sex=5), person(3, tanggallahir="kemarin")])

    # when
    response = client_a.post(reverse("people:import_start"), {"file": _upload(path)}, follow=True)

    # then
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REJECTED
    body = response.content.decode()
    assert "Impor ditolak" in body
    assert "tanggallahir" in body
    assert reverse("people:import_errors_csv", args=[job.public_id]) in body
    assert Resident.objects.count() == 0
    report = client_a.get(reverse("people:import_errors_csv", args=[job.public_id]))
    assert report.status_code == 200
    assert report["Content-Disposition"].startswith("attachment")
    lines = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode())))
    assert lines[0] == ["row", "column", "message"]
    assert [line[:2] for line in lines[1:]] == [["3", "sex"], ["4", "tanggallahir"]]


def test_apply_valid_checkbox_writes_the_valid_rows(client_a, village_a, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [person(1), person(2, sex=5)])

    client_a.post(reverse("people:import_start"), {"file": _upload(path), "apply_valid": "on"})

    job = ImportJob.objects.get()
    assert job.apply_valid
    assert job.state == ImportJob.State.APPLIED
    assert (job.result["imported"], job.result["rejected"]) == (1, 1)
    assert Resident.objects.count() == 1


def test_status_fragment_polls_while_running_and_stops_when_done(client_a, village_a, operator_a):
    # given
    job = ImportJob.objects.create(
        village=village_a,
        created_by=operator_a,
        file_name="x.xlsx",
        file_path="imports/x.xlsx",
        state=ImportJob.State.RUNNING,
        processed_rows=500,
        total_rows=1000,
    )
    url = reverse("people:import_status", args=[job.public_id])

    # when
    running = client_a.get(url, HTTP_HX_REQUEST="true")

    # then
    body = running.content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert 'value="50"' in body
    assert "<html" not in body

    # when
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.APPLIED, result={"imported": 3})
    done = client_a.get(url, HTTP_HX_REQUEST="true").content.decode()

    # then
    assert "hx-trigger" not in done
    assert "3 penduduk baru" in done


def test_operator_of_another_village_gets_404_for_the_job(
    client, village_a, village_b, operator_a, operator_b
):
    # given
    job = ImportJob.objects.create(
        village=village_a,
        created_by=operator_a,
        file_name="x.xlsx",
        file_path="imports/x.xlsx",
        state=ImportJob.State.REJECTED,
        result={"errors": [{"row": 2, "column": "nik", "message": "x"}]},
    )
    client.force_login(operator_b)

    # when / then
    assert client.get(reverse("people:import_status", args=[job.public_id])).status_code == 404
    assert client.get(reverse("people:import_errors_csv", args=[job.public_id])).status_code == 404
    assert client.get(reverse("people:import_status", args=["nosuchjob"])).status_code == 404
    assert job.public_id not in client.get(reverse("people:import_start")).content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("data.csv", b"nik,nama\n", "Hanya berkas .xlsx"),
        ("data.xlsx", b"this is not a spreadsheet", "bukan spreadsheet xlsx"),
        ("data.xlsx", b"", "kosong"),
    ],
)
def test_bad_uploads_are_refused_by_the_form(client_a, name, content, message):
    upload = SimpleUploadedFile(name, content, content_type=XLSX)

    response = client_a.post(reverse("people:import_start"), {"file": upload})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_upload_over_the_size_limit_is_refused(client_a, tmp_path, settings):
    settings.BALAI_IMPORT_MAX_BYTES = 1000
    path = write_xlsx(tmp_path / "a.xlsx", [person(1)])

    response = client_a.post(reverse("people:import_start"), {"file": _upload(path)})

    assert response.status_code == 400
    assert "terlalu besar" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_import_needs_the_import_capability(client, kades_a):
    client.force_login(kades_a)

    assert client.get(reverse("people:import_start")).status_code == 403


def test_import_requires_sign_in(client):
    response = client.get(reverse("people:import_start"))

    assert response.status_code == 302
    assert "/akun/" in response.url


def test_export_streams_the_village_and_is_audited(client, kades_a, resident_a, resident_b):
    # given
    import python_calamine

    client.force_login(kades_a)

    # when
    response = client.get(reverse("people:export_xlsx"))

    # then
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = b"".join(response.streaming_content)
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = book.get_sheet_by_name("Data Penduduk").to_python()
    assert len(rows) == 2  # header + resident_a only, never village B
    assert rows[1][rows[0].index("nik")] == resident_a.nik
    event = AuditEvent.objects.get(action="residents.exported")
    assert event.actor == kades_a
    assert event.village == resident_a.village


def test_oversized_request_is_refused_before_reading_it(client_a, settings):
    settings.BALAI_IMPORT_MAX_BYTES = 1000
    upload = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"0" * 200_000, content_type=XLSX)

    response = client_a.post(reverse("people:import_start"), {"file": upload})

    assert response.status_code == 413
    assert "terlalu besar" in response.content.decode()
    assert not ImportJob.objects.exists()


def _running_job(village, operator, **kw):
    return ImportJob.objects.create(
        village=village,
        created_by=operator,
        file_name="mati.xlsx",
        file_path="imports/mati.xlsx",
        state=ImportJob.State.RUNNING,
        **kw,
    )


def test_job_whose_process_died_is_reported_failed_and_its_upload_removed(
    client_a, village_a, operator_a, settings
):
    # given: a job "running" in a process of this host that no longer exists, its upload on disk
    import socket
    import subprocess
    import sys

    upload = settings.MEDIA_ROOT / "imports" / "mati.xlsx"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(b"PK")
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    job = _running_job(village_a, operator_a, worker_host=socket.gethostname(), worker_pid=int(gone.stdout))

    # when
    response = client_a.get(reverse("people:import_status", kwargs={"public_id": job.public_id}))

    # then
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert "berhenti sebelum selesai" in response.content.decode()
    assert not upload.exists()  # a killed process never ran its own clean-up


def test_job_whose_process_lives_stays_running(client_a, village_a, operator_a):
    # given: the process is alive and is running this job (its command line names it)
    import socket
    import subprocess
    import sys

    job = _running_job(village_a, operator_a, worker_host=socket.gethostname())
    proc = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(30)", "run_import_job", str(job.pk)]
    )
    try:
        ImportJob.objects.filter(pk=job.pk).update(worker_pid=proc.pid)

        # when
        client_a.get(reverse("people:import_status", kwargs={"public_id": job.public_id}))

        # then
        job.refresh_from_db()
        assert job.state == ImportJob.State.RUNNING
    finally:
        proc.kill()
        proc.wait()


def test_job_on_another_host_is_given_up_only_after_the_stale_limit(
    client_a, village_a, operator_a, settings
):
    # given: a job on another app server, started 2 hours ago and 10 minutes ago
    import datetime as dt

    from django.utils import timezone

    settings.BALAI_IMPORT_STALE_SECONDS = 3600
    old = _running_job(
        village_a,
        operator_a,
        worker_host="server-lain",
        worker_pid=1,
        started_at=timezone.now() - dt.timedelta(hours=2),
    )
    fresh = _running_job(
        village_a,
        operator_a,
        worker_host="server-lain",
        worker_pid=1,
        started_at=timezone.now() - dt.timedelta(minutes=10),
    )

    # when
    client_a.get(reverse("people:import_start"))

    # then
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.state == ImportJob.State.FAILED
    assert fresh.state == ImportJob.State.RUNNING
