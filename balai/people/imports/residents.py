"""Import an OpenSID resident spreadsheet into one village, all-or-nothing by default.

Speed is a requirement (a 100,000-row village in seconds), so the write path avoids
per-row queries and per-row model instances: the village's NIKs, families and RTs are
read in a few queries, every row is checked in plain Python, and the rows go to the
database with COPY (PostgreSQL) or `executemany` on prepared INSERTs (SQLite). Building a
Django model per row and `bulk_create` were measured at 17 s for 100,000 residents on
SQLite against under 3 s this way.

The file is streamed: a forked reader process parses it and hands over the valid rows
5,000 at a time while this process writes the batches already read, so reading and
writing share the machine's cores and the file is never held whole. The import is still
one transaction with one audit event: a file found to be rejected further down (or one
the reader refuses midway) rolls back what was written.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import logging
import marshal
import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from balai.audit.services import audit_record
from balai.core.db.memory import sqlite_unmapped
from balai.core.db.statistics import refresh_statistics
from balai.core.masking import mask_number
from balai.people import opensid
from balai.people.imports.batch import ResidentStream
from balai.people.imports.context import alive_elsewhere, preload
from balai.people.imports.writer import (
    BulkForeignKeys,
    foreign_keys_checked_as_written,
    sqlite_foreign_keys_trusted,
)
from balai.people.models import Family, LifeEvent, Resident
from balai.people.services import TEMPORARY_NUMBERS, temporary_numbers_used_up
from balai.regions.models import Village

if TYPE_CHECKING:
    from balai.accounts.models import User


Progress = Callable[[int, int], None]
logger = logging.getLogger(__name__)


@dataclass
class ImportResult:
    applied: bool
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    total_rows: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    # Errors beyond opensid.MAX_REPORTED that were counted but not listed.
    errors_not_listed: int = 0

    def to_dict(self, *, max_errors: int | None = None) -> dict[str, Any]:
        errors = self.errors if max_errors is None else self.errors[:max_errors]
        return {
            "applied": self.applied,
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "total_rows": self.total_rows,
            "error_count": len(self.errors) + self.errors_not_listed,
            "errors": errors,
            "warnings": self.warnings if max_errors is None else self.warnings[:max_errors],
        }


def file_sha256(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def import_residents(
    *,
    village: Village,
    path: str | os.PathLike[str],
    actor: User | None,
    apply_valid: bool = False,
    progress: Progress | None = None,
    file_name: str = "",
) -> ImportResult:
    """Import an OpenSID spreadsheet into `village`.

    Existing NIKs of the village are updated (columns present in the file replace the
    stored values; absent columns are left alone); a NIK living in another village is an
    error. By default any error rejects the whole file and nothing is written; with
    `apply_valid` the valid rows are written and the others reported.

    The file is read in a thread of its own while the rows already read are written, in
    one transaction that is rolled back if the file turns out to be rejected.
    """
    sha = file_sha256(path)
    parsed = opensid.ParsedFile()
    with _no_cycle_collection(), sqlite_unmapped(), _read_ahead(path, parsed, progress) as batches:
        # Only once the file has passed its checks and the first rows are read does the
        # import take SQLite's write lock.
        first = next(batches, None)
        if parsed.fatal:
            return _rejected(parsed, parsed.errors)
        try:
            with sqlite_foreign_keys_trusted(), _checkpoint_after(), transaction.atomic():
                return _apply(
                    village=village,
                    parsed=parsed,
                    batches=itertools.chain([first] if first else [], batches),
                    actor=actor,
                    apply_valid=apply_valid,
                    sha=sha,
                    file_name=file_name or os.path.basename(str(path)),
                )
        except _Discarded as discarded:
            return discarded.result
        except IntegrityError:
            # Only a concurrent write can get here (a parent deleted meanwhile, a NIK made
            # alive elsewhere): every constraint is checked beforehand. Logged, so a failure of
            # the import's own making would show.
            logger.warning("Resident import refused by a constraint", exc_info=True)
            for _batch in batches:
                pass  # the rest of the file, for a report that names every problem
            problem = opensid.Problem(
                None,
                "",
                _("Data penduduk berubah bersamaan dengan impor ini; tidak ada yang disimpan. Ulangi impor."),
            )
            return _rejected(parsed, [*parsed.errors, problem])


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector off while rows stream through: it ran every few hundred
    allocations and now and then went through the whole heap, about 15% of the writer's time
    (a batch of rows holds no reference cycle; reference counting frees it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Discarded(Exception):
    """Raised out of the import's transaction to roll back what was written: the file is
    rejected after all."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__()
        self.result = result


@contextlib.contextmanager
def _read_ahead(
    path: str | os.PathLike[str], parsed: opensid.ParsedFile, progress: Progress | None
) -> Iterator[Iterator[list[opensid.ParsedRow]]]:
    """The file's batches of valid rows, parsed in a process of its own while the caller
    writes; `parsed` is complete once they are exhausted.

    A process, not a thread: reading is Python (and the reader's child), writing is Python
    too, and two threads would take turns on the GIL instead of using the machine's second
    core. The reader is forked, so it starts in milliseconds with Django set up; it never
    touches the database, and ends with os._exit, leaving the parent's connection alone.
    `progress` is called in the caller's process, after each batch and at the end.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    reader = context.Process(
        target=_read_file,
        args=(sender, path, translation.get_language(), timezone.localdate()),
        name="balai-import-reader",
        daemon=True,
    )
    reader.start()
    sender.close()
    reported: list[tuple[int, int] | None] = [None]

    def report(done_total: tuple[int, int] | None) -> None:
        if progress is not None and done_total is not None and done_total != reported[0]:
            reported[0] = done_total
            progress(*done_total)

    def batches() -> Iterator[list[opensid.ParsedRow]]:
        while True:
            try:
                kind, payload, done_total = _received(receiver.recv_bytes())
            except EOFError:
                raise RuntimeError("The import's reader process ended without finishing the file.") from None
            if kind == "rows":
                parsed.keys, plain, error = payload
                rows = [opensid.ParsedRow(*fields) for fields in plain]
                if error and not parsed.errors:
                    parsed.errors.append(opensid.Problem(*error))  # a stand-in until the whole list comes
                yield rows
            elif kind == "end":
                vars(parsed).update(vars(payload))
                report(done_total)
                return
            else:
                raise RuntimeError(f"The import's reader failed: {payload}")
            report(done_total)

    try:
        yield batches()
    finally:
        receiver.close()
        if reader.is_alive():
            reader.kill()
        reader.join()


def _read_file(sender: Any, path: str | os.PathLike[str], language: str | None, today: Any) -> None:
    """The reader process: batches of rows, and at the end the file's problems and counts."""
    parsed = opensid.ParsedFile()
    seen: list[tuple[int, int] | None] = [None]

    def note(done: int, total: int) -> None:
        seen[0] = (done, total)

    gc.disable()  # see _no_cycle_collection; this process lives as long as the file's reading
    # The writer is the import's longest chain: with the reader and its spreadsheet child (which
    # inherits this) behind it, it keeps a core of its own on a busy machine and the reading
    # takes what is left. Without it the three share two cores alike, the reading ends early
    # and the writer works on alone.
    os.nice(READER_NICENESS)
    try:
        with translation.override(language):
            for rows in opensid.parse_batches(path, parsed, progress=note, today=today):
                first = parsed.errors[0] if parsed.errors else None
                error = (first.row, first.column, str(first.message)) if first else None
                _send(sender, ("rows", (parsed.keys, _plain(rows, parsed.keys), error), seen[0]))
            _send(sender, ("end", parsed, seen[0]))
    except BaseException as exc:  # told to the parent, which raises it there
        _send(sender, ("failed", f"{type(exc).__name__}: {exc}", None))
    finally:
        sender.close()


def _send(sender: Any, message: tuple[Any, ...]) -> None:
    """A message to the writer: with marshal when it holds only plain values (the batches of
    rows: a quarter of pickle's CPU for the reader, 0.07 against 0.3 s per 100,000 rows), else
    pickled (the file's problems at the end). Both ends are this module, in processes forked
    from one: marshal's format is the same on both."""
    try:
        data = b"M" + marshal.dumps(message)
    except ValueError:  # a value marshal does not know
        data = b"P" + pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    sender.send_bytes(data)


def _received(data: bytes) -> Any:
    body = memoryview(data)[1:]
    return marshal.loads(body) if data[:1] == b"M" else pickle.loads(body)  # noqa: S301 - our reader's


def _plain(rows: list[opensid.ParsedRow], keys: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """The rows as the writer gets them: tuples of ParsedRow's fields, dates as ISO text
    (what the database is given for them). Unpickling a dataclass per row and a date object
    per date cost the writer, whose time is the import's, three times as much as this
    (1.3 against 0.4 s of CPU per 100,000 rows)."""
    dates = [i for i, key in enumerate(keys) if key in opensid.DATE_KEYS]
    plain = []
    for row in rows:
        values = row.values
        for i in dates:
            if values[i] is not None:
                values[i] = values[i].isoformat()
        plain.append((row.row, values, row.temporary_nik, row.nik_warning))
    return plain


def _rejected(parsed: opensid.ParsedFile, errors: list[opensid.Problem]) -> ImportResult:
    return ImportResult(
        applied=False,
        rejected=parsed.data_rows,
        total_rows=parsed.data_rows,
        errors=[p.as_dict() for p in errors],
        warnings=[p.as_dict() for p in parsed.warnings],
        errors_not_listed=parsed.truncated,
    )


# How much lower the reader's priority is than the writer's (see _read_file).
READER_NICENESS = 5

# A village's first import multiplies its tables; the planner should know before the first search.
STATISTICS_AFTER_ROWS = 1000


@contextlib.contextmanager
def _checkpoint_after() -> Iterator[None]:
    """On SQLite in WAL mode, outside any transaction: no automatic checkpoint at the import's
    commit; a thread of its own checkpoints afterwards instead.

    The commit of a 100,000-row import leaves about 130 MB of pages in the write-ahead log,
    and the automatic checkpoint copied them into the database file inside COMMIT, about
    0.4 s before the import's result. The same copy now runs beside it (PASSIVE: readers and
    writers go on); the process (the job's, the command's) ends only after it."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        wal = cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA wal_autocheckpoint")
        pages = int(cursor.fetchone()[0])
        if wal:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
    try:
        yield
    finally:
        if wal:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA wal_autocheckpoint={pages}")
            threading.Thread(target=_checkpoint, name="balai-import-checkpoint").start()


def _checkpoint() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except Exception:
        logger.exception("The write-ahead log was not checkpointed after an import")
    finally:
        connection.close()


def _refresh_statistics() -> None:
    """ANALYZE the registry's tables after the import's commit. On PostgreSQL it samples
    30,000 rows of each (about a second at a million residents), so it runs in a thread of
    its own, on its own connection, instead of holding back the import's result; the
    process (the job's, the command's) ends only after it."""
    tables = [Resident._meta.db_table, Family._meta.db_table]
    if connection.vendor != "postgresql":
        refresh_statistics(tables=tables)  # SQLite samples 1,000 rows: milliseconds
        return

    def run() -> None:
        try:
            refresh_statistics(tables=tables)
        except Exception:
            logger.exception("Planner statistics after an import were not refreshed")
        finally:
            connection.close()

    threading.Thread(target=run, name="balai-import-statistics").start()


def _apply(
    *,
    village: Village,
    parsed: opensid.ParsedFile,
    batches: Iterator[list[opensid.ParsedRow]],
    actor: User | None,
    apply_valid: bool,
    sha: str,
    file_name: str,
) -> ImportResult:
    with foreign_keys_checked_as_written((Family, Resident, LifeEvent), deferred=[(Family, "head")]):
        keys = BulkForeignKeys((Family, Resident, LifeEvent))
        return _write(
            keys=keys,
            village=village,
            parsed=parsed,
            batches=batches,
            actor=actor,
            apply_valid=apply_valid,
            sha=sha,
            file_name=file_name,
        )


def _write(
    *,
    keys: BulkForeignKeys,
    village: Village,
    parsed: opensid.ParsedFile,
    batches: Iterator[list[opensid.ParsedRow]],
    actor: User | None,
    apply_valid: bool,
    sha: str,
    file_name: str,
) -> ImportResult:
    ctx = preload(village)
    prefix = "0" + village.code_digits
    next_temporary = ctx.next_temporary
    errors: list[opensid.Problem] = []
    # Rows with a temporary NIK are numbered after the last number the file itself uses,
    # known once it is all read: they wait until then.
    held: list[opensid.ParsedRow] = []
    stream: ResidentStream | None = None
    good = 0
    writing = True
    message = _(
        "NIK %(nik)s terdaftar sebagai penduduk hidup di desa lain; catat pindah datang dari desa itu."
    )
    for batch in batches:
        nik_at = parsed.index("nik")
        niks = [row.values[nik_at] for row in batch if not row.temporary_nik]
        for nik in niks:
            if nik.startswith(prefix):
                next_temporary = max(next_temporary, int(nik[-5:]) + 1)
        elsewhere = alive_elsewhere(village, ctx, niks)
        rows = []
        for row in batch:
            nik = row.values[nik_at]
            if nik in elsewhere:
                errors.append(opensid.Problem(row.row, "nik", message % {"nik": mask_number(nik)}))
            elif row.temporary_nik:
                held.append(row)
            else:
                rows.append(row)
        good += len(rows)
        # A rejected file needs no more writing, only the rest of its problems.
        writing = writing and (apply_valid or not (errors or parsed.errors))
        if writing:
            if stream is None:
                stream = ResidentStream(
                    village=village, keys=parsed.keys, ctx=ctx, actor=actor, foreign_keys=keys
                )
            stream.write(rows)
    if parsed.fatal:
        raise _Discarded(_rejected(parsed, parsed.errors))
    # The village's temporary numbers have five digits: rows past the last one are refused.
    room = max(0, TEMPORARY_NUMBERS + 1 - next_temporary)
    for row in held[room:]:
        errors.append(opensid.Problem(row.row, "nik", temporary_numbers_used_up("nik")))
    del held[room:]
    good += len(held)
    errors += parsed.errors
    bad_rows = parsed.bad_rows | {p.row for p in errors if p.row is not None}
    errors.sort(key=opensid.problem_order)
    result = ImportResult(
        applied=False,
        rejected=len(bad_rows),
        total_rows=parsed.data_rows,
        errors=[p.as_dict() for p in errors],
        warnings=[p.as_dict() for p in parsed.warnings if p.row not in bad_rows],
        errors_not_listed=parsed.truncated,
    )
    if (errors and not apply_valid) or not good:
        raise _Discarded(result)

    if stream is None:
        stream = ResidentStream(village=village, keys=parsed.keys, ctx=ctx, actor=actor, foreign_keys=keys)
    nik_at = parsed.index("nik")
    for row in held:
        row.values[nik_at] = f"{prefix}{next_temporary:05d}"
        next_temporary += 1
    stream.write(held)
    stream.finish()
    keys.verify()
    if good >= STATISTICS_AFTER_ROWS:
        transaction.on_commit(_refresh_statistics)
    audit_record(
        actor=actor,
        village=village,
        action="residents.imported",
        object_type="import",
        object_id=sha,
        changes={
            "file_sha256": sha,
            "file_name": file_name[:255],
            "sheet": parsed.sheet,
            "apply_valid": apply_valid,
            "rows": parsed.data_rows,
            "imported": len(stream.created),
            "updated": len(stream.changes),
            "unchanged": stream.unchanged,
            "rejected": len(bad_rows),
            "created": sorted(stream.created),
            "updated_residents": stream.changes,
            "families_created": stream.families_created,
            "families_updated": stream.family_changes,
        },
    )
    result.applied = True
    result.imported, result.updated, result.unchanged = (
        len(stream.created),
        len(stream.changes),
        stream.unchanged,
    )
    return result
