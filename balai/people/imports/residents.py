"""Import an OpenSID resident spreadsheet into one village, all-or-nothing by default.

Speed is a requirement (a 100,000-row village in seconds), so the write path avoids
per-row queries and per-row model instances: the village's NIKs, families and RTs are
read in a few queries, every row is checked in plain Python, and the rows go to the
database with `executemany` on prepared INSERT/UPDATE statements. Building a Django model
per row and `bulk_create` were measured at 17 s for 100,000 residents on SQLite against
under 3 s this way. The import is one transaction with one audit event."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from balai.audit.services import audit_record
from balai.core.db.statistics import refresh_statistics
from balai.core.masking import mask_number
from balai.people import opensid
from balai.people.imports.batch import ResidentBatch
from balai.people.imports.context import preload
from balai.people.models import Family, Resident
from balai.regions.models import Village

if TYPE_CHECKING:
    from balai.accounts.models import User


Progress = Callable[[int, int], None]


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
    """
    sha = file_sha256(path)
    parsed = opensid.parse_file(path, progress=progress)
    if parsed.fatal:
        return _rejected(parsed, parsed.errors)
    try:
        with transaction.atomic():
            return _apply(
                village=village,
                parsed=parsed,
                actor=actor,
                apply_valid=apply_valid,
                sha=sha,
                file_name=file_name or os.path.basename(str(path)),
            )
    except IntegrityError:
        # Only a concurrent write can get here: every constraint is checked beforehand.
        problem = opensid.Problem(
            None,
            "",
            _("Data penduduk berubah bersamaan dengan impor ini; tidak ada yang disimpan. Ulangi impor."),
        )
        return _rejected(parsed, [*parsed.errors, problem])


def _rejected(parsed: opensid.ParsedFile, errors: list[opensid.Problem]) -> ImportResult:
    return ImportResult(
        applied=False,
        rejected=parsed.data_rows,
        total_rows=parsed.data_rows,
        errors=[p.as_dict() for p in errors],
        warnings=[p.as_dict() for p in parsed.warnings],
        errors_not_listed=parsed.truncated,
    )


# A village's first import multiplies its tables; the planner should know before the first search.
STATISTICS_AFTER_ROWS = 1000


def _apply(
    *,
    village: Village,
    parsed: opensid.ParsedFile,
    actor: User | None,
    apply_valid: bool,
    sha: str,
    file_name: str,
) -> ImportResult:
    ctx = preload(village, parsed)
    nik_at = parsed.index("nik")
    errors = list(parsed.errors)
    good: list[opensid.ParsedRow] = []
    for row in parsed.rows:
        nik = row.values[nik_at]
        if nik in ctx.alive_elsewhere:
            message = _(
                "NIK %(nik)s terdaftar sebagai penduduk hidup di desa lain; catat pindah datang dari desa itu."
            )
            errors.append(opensid.Problem(row.row, "nik", message % {"nik": mask_number(nik)}))
        else:
            good.append(row)
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
        return result

    batch = ResidentBatch(village=village, keys=parsed.keys, rows=good, ctx=ctx, actor=actor)
    batch.write()
    if len(good) >= STATISTICS_AFTER_ROWS:
        tables = [Resident._meta.db_table, Family._meta.db_table]
        transaction.on_commit(lambda: refresh_statistics(tables=tables))
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
            "imported": len(batch.created),
            "updated": len(batch.changes),
            "unchanged": batch.unchanged,
            "rejected": len(bad_rows),
            "created": batch.created,
            "updated_residents": batch.changes,
            "families_created": batch.families_created,
            "families_updated": batch.family_changes,
        },
    )
    result.applied = True
    result.imported, result.updated, result.unchanged = (
        len(batch.created),
        len(batch.changes),
        batch.unchanged,
    )
    return result
