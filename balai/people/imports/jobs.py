"""Web import jobs. A job runs in its own short-lived process (`balai run-import-job`), started by the web
process once the job row is committed: the demo needs no worker or broker, and a
100,000-row file's few hundred MB of parsing never inflate a long-lived web worker.
A job whose process dies stays "running"; the status page says how long it has run."""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_source, current_source
from balai.people.imports.report import write_errors_csv
from balai.people.imports.residents import import_residents
from balai.people.models import ImportJob
from balai.regions.models import Village

if TYPE_CHECKING:
    from balai.accounts.models import User


logger = logging.getLogger(__name__)


# How many errors the stored summary of a web import keeps (the CSV has them all).
SUMMARY_ERRORS = 200
_PROGRESS_SQL = f"UPDATE {ImportJob._meta.db_table} SET processed_rows = %s, total_rows = %s WHERE id = %s"


def import_upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@transaction.atomic
def import_job_create(
    *,
    village: Village,
    actor: User,
    upload: Any,
    apply_valid: bool,
) -> ImportJob:
    """Store the uploaded file under a random name and queue its import (started on commit)."""
    name = secrets.token_urlsafe(18)
    path = import_upload_dir() / f"{name}.xlsx"
    with path.open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    job = ImportJob.objects.create(
        village=village,
        created_by=actor,
        file_name=str(upload.name)[:255],
        file_path=str(path.relative_to(settings.MEDIA_ROOT)),
        apply_valid=apply_valid,
    )
    source = current_source()
    if settings.BALAI_TASKS_INLINE:
        import_job_run(job_pk=job.pk, source=source)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: _start_job_process(job_pk=job.pk, source=source))
    return job


def _start_job_process(*, job_pk: int, source: str) -> None:
    subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "-m", "balai", "run_import_job", str(job_pk), "--source", source or "web"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
    )


def import_job_run(*, job_pk: int, source: str) -> None:
    job = ImportJob.objects.select_related("village", "created_by").get(pk=job_pk)
    upload = Path(settings.MEDIA_ROOT) / job.file_path
    ImportJob.objects.filter(pk=job_pk).update(
        state=ImportJob.State.RUNNING,
        worker_host=socket.gethostname(),
        worker_pid=os.getpid(),
        started_at=timezone.now(),
    )
    last = [0.0]
    side: list[BaseDatabaseWrapper] = []

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] < 0.5 and done < total:
            return
        last[0] = now
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=job_pk).update(processed_rows=done, total_rows=total)
        elif connection.vendor == "postgresql":
            # The rows are being written in the import's transaction: the status page would
            # see nothing of it until the end, so the count goes through a second connection.
            if not side:
                side.append(connections.create_connection(DEFAULT_DB_ALIAS))
            with side[0].cursor() as cursor:
                cursor.execute(_PROGRESS_SQL, [done, total, job_pk])
        # SQLite has one writer, the import itself: the count is written when it ends.

    try:
        with audit_source(source):
            result = import_residents(
                village=job.village,
                path=upload,
                actor=job.created_by,
                apply_valid=job.apply_valid,
                progress=progress,
                file_name=job.file_name,
            )
        report = upload.with_suffix(".errors.csv")
        with report.open("w", newline="", encoding="utf-8") as fh:
            write_errors_csv(result.errors, fh)
        summary = result.to_dict(max_errors=SUMMARY_ERRORS)
        summary["errors_file"] = str(report.relative_to(settings.MEDIA_ROOT))
        state = ImportJob.State.APPLIED if result.applied else ImportJob.State.REJECTED
        ImportJob.objects.filter(pk=job_pk).update(
            state=state,
            result=summary,
            processed_rows=result.total_rows,
            total_rows=result.total_rows,
            finished_at=timezone.now(),
        )
    except BaseException as exc:
        # The job id only: never row contents (NIKs) in a log line. MemoryError, and the
        # SystemExit that `run_import_job` makes of SIGTERM, end here too.
        logger.exception("Import job %s failed", job.public_id)
        ImportJob.objects.filter(pk=job_pk).update(
            state=ImportJob.State.FAILED,
            finished_at=timezone.now(),
            result={"message": _("Impor gagal karena kesalahan sistem; tidak ada data yang disimpan.")},
        )
        if not isinstance(exc, Exception):
            raise
    finally:
        for extra in side:
            extra.close()
        # The data now lives in the registry (or was refused): keep no copy of the upload.
        upload.unlink(missing_ok=True)


def _process_alive(pid: int, job_pk: int) -> bool:
    """Whether `pid` on this host is still the process running job `job_pk` (not a zombie,
    not a reused pid)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    if stat.rsplit(")", 1)[-1].split()[0] == "Z":
        return False
    return b"run_import_job" in cmdline and str(job_pk).encode() in cmdline


def import_jobs_reap(*, village: Village, now: dt.datetime | None = None) -> int:
    """Mark the village's unfinished jobs whose process is gone as failed; returns how many.

    The import applies in one transaction, so a dead process left nothing half-written: the
    job only has to say so instead of "running" forever. A process on another app server
    cannot be inspected from here; such a job is given up after BALAI_IMPORT_STALE_SECONDS.
    """
    now = now or timezone.now()
    stale_after = dt.timedelta(seconds=settings.BALAI_IMPORT_STALE_SECONDS)
    host = socket.gethostname()
    dead = []
    unfinished = ImportJob.objects.filter(
        village=village, state__in=(ImportJob.State.QUEUED, ImportJob.State.RUNNING)
    ).only("pk", "state", "worker_host", "worker_pid", "created_at", "started_at", "file_path")
    uploads = []
    for job in unfinished:
        if job.state == ImportJob.State.RUNNING and job.worker_host == host and job.worker_pid:
            if not _process_alive(job.worker_pid, job.pk):
                dead.append(job.pk)
                uploads.append(job.file_path)
        elif now - (job.started_at or job.created_at) > stale_after:
            dead.append(job.pk)
            uploads.append(job.file_path)
    for name in uploads:
        # A process killed (out of memory, say) never reached its own clean-up.
        if name:
            (Path(settings.MEDIA_ROOT) / name).unlink(missing_ok=True)
    if dead:
        ImportJob.objects.filter(
            pk__in=dead, state__in=(ImportJob.State.QUEUED, ImportJob.State.RUNNING)
        ).update(
            state=ImportJob.State.FAILED,
            finished_at=now,
            result={
                "message": _(
                    "Proses impor berhenti sebelum selesai; tidak ada data yang disimpan. Silakan unggah ulang berkasnya."
                )
            },
        )
        for pk in dead:
            logger.warning("Import job pk=%s had no live process; marked failed", pk)
    return len(dead)
