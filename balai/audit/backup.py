"""`balai backup` and `balai restore`: what a deployment is made of, and the restore drill.

The archive format, its encryption and the database snapshot live in `balai.core.backup`; this
module says what belongs in a backup of Balai besides the database: the media directory, the
audit anchors' key and file (kept outside the database on purpose, `anchors.py`) and the
secrets the settings read from the environment (letters' signing keys are stored encrypted
with BALAI_SIGNING_SECRET, PINs and cards are hashed with the kiosk pepper: a database without
them cannot sign or check a PIN). It lives in the audit app because a restore ends by checking
the audit chains against the restored anchors.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from balai.audit import anchors
from balai.audit.services import audit_record, audit_verify
from balai.core.backup import archive, crypto, database
from balai.core.backup.archive import Contents, Plan

KEY_FILE = "audit-ed25519.pem"
ANCHOR_FILE = "audit-anchors.jsonl"
PUBLIC_KEY_FILE = "audit-ed25519.pub.pem"


def secrets_now() -> dict[str, str]:
    values = {
        "SECRET_KEY": settings.SECRET_KEY,
        "BALAI_SIGNING_SECRET": getattr(settings, "BALAI_SIGNING_SECRET", ""),
        "BALAI_KIOSK_PEPPER": getattr(settings, "BALAI_KIOSK_PEPPER", ""),
        "BALAI_KIOSK_PEPPER_PREVIOUS": ",".join(getattr(settings, "BALAI_KIOSK_PEPPER_PREVIOUS", [])),
    }
    return {k: v for k, v in values.items() if v}


def outside_files() -> dict[str, Path]:
    files = {KEY_FILE: anchors.key_file(), ANCHOR_FILE: anchors.anchor_file()}
    public = getattr(settings, "BALAI_AUDIT_PUBLIC_KEY_FILE", "")
    if public:
        files[PUBLIC_KEY_FILE] = Path(public)
    return files


def backup_create(
    *,
    output: Path,
    passphrase: str,
    with_secrets: bool = True,
    using: str = DEFAULT_DB_ALIAS,
    log_n: int | None = None,
) -> dict[str, Any]:
    connection = connections[using]
    workdir = archive.private_workdir(output.parent, ".balai-backup-")
    try:
        snap = database.snapshot(connection, workdir)
        plan = Plan(
            media_root=Path(settings.MEDIA_ROOT),
            files=outside_files(),
            secrets=secrets_now() if with_secrets else {},
            meta={"regency": getattr(settings, "BALAI_REGENCY_CODE", "")},
        )
        work = log_n or getattr(settings, "BALAI_BACKUP_SCRYPT_LOG_N", 0) or crypto.DEFAULT_LOG_N
        manifest = archive.write(
            output, passphrase, database=snap, engine=connection.vendor, plan=plan, log_n=work
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    # A backup copies every resident's data: the deployment's chain says when, where to and how
    # much (after the snapshot, so the archive itself does not hold this event).
    audit_record(
        actor=None,
        village=None,
        action="backup.created",
        object_type="backup",
        object_id=output.name[:64],
        changes={
            "path": str(output),
            "bytes": output.stat().st_size,
            "tables": len(manifest["tables"]),
            "rows": sum(t["rows"] for t in manifest["tables"].values()),
            "files": len(manifest["files"]),
            "secrets": sorted(manifest["secrets"]),
        },
        source="cli",
    )
    return manifest


def prune(directory: Path, keep: int, suffix: str) -> list[Path]:
    """Delete all but the newest `keep` archives in `directory`; returns the deleted ones."""
    found = sorted(directory.glob(f"*{suffix}"), key=lambda p: p.stat().st_mtime, reverse=True)
    gone = found[keep:]
    for path in gone:
        path.unlink()
    return gone


def target_problems(*, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Why this machine is not a clean target for a restore (empty when it is)."""
    problems = []
    filled = database.filled_tables(connections[using])
    if filled:
        shown = ", ".join(filled[:5]) + (" …" if len(filled) > 5 else "")
        problems.append(f"basis data berisi data ({len(filled)} tabel: {shown})")
    if archive.media_files(Path(settings.MEDIA_ROOT)):
        problems.append(f"direktori media {settings.MEDIA_ROOT} tidak kosong")
    for name, path in outside_files().items():
        if path.exists() and path.stat().st_size > 0 and name != PUBLIC_KEY_FILE:
            problems.append(f"berkas {path} sudah ada")
    return problems


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    media: int = 0
    files: list[str] = field(default_factory=list)
    secrets_differ: list[str] = field(default_factory=list)
    secrets_file: Path | None = None
    mismatched: list[str] = field(default_factory=list)
    audit_checked: int = 0
    audit_problems: list[str] = field(default_factory=list)
    # Migrations the restored database has and this code does not know (a newer Balai made the
    # archive), and migrations this code has that the database lacks (`balai migrate` next).
    unknown_migrations: list[str] = field(default_factory=list)
    pending_migrations: int = 0


def _migration_state(connection: Any) -> tuple[list[str], int]:
    executor = MigrationExecutor(connection)
    known = set(executor.loader.graph.nodes)
    unknown = sorted(
        f"{app}.{name}" for app, name in executor.loader.applied_migrations if (app, name) not in known
    )
    pending = [node for node in known if node not in executor.loader.applied_migrations]
    return unknown, len(pending)


def _place(source: Path, target: Path, *, private: bool) -> None:
    """Copy into place through a temporary name; keys readable by their owner only, media with
    the process's umask (a web server may serve them)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(source, partial)
    if private:
        os.chmod(partial, 0o600)
    else:
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(partial, 0o666 & ~umask)
    partial.replace(target)


def restore_apply(
    *, contents: Contents, using: str = DEFAULT_DB_ALIAS, verify_audit: bool = True
) -> RestoreReport:
    """Put a checked archive's contents in place, then prove it: table hashes against the
    manifest and the audit chains against the restored anchors."""
    manifest = contents.manifest
    connection = connections[using]
    report = RestoreReport()
    db_entry = contents.files_under("database/")[0]
    database.restore(connection, contents.path(db_entry["path"]), manifest["engine"])
    media_root = Path(settings.MEDIA_ROOT)
    for entry in contents.files_under("media/"):
        _place(contents.path(entry["path"]), media_root / entry["path"].removeprefix("media/"), private=False)
        report.media += 1
    targets = outside_files()
    for entry in contents.files_under("files/"):
        name = entry["path"].removeprefix("files/")
        if name in targets:
            _place(contents.path(entry["path"]), targets[name], private=True)
            report.files.append(str(targets[name]))
    saved = contents.secrets()
    here = secrets_now()
    report.secrets_differ = sorted(k for k, v in saved.items() if here.get(k) != v)
    if report.secrets_differ:
        # Written beside the data for the operator to move into the service's environment.
        path = Path(settings.VAR_DIR) / "restored-secrets.env"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.writelines(f"{k}={v}\n" for k, v in sorted(saved.items()))
        report.secrets_file = path
    sums = database.table_sums(connection)
    for table, expected in manifest["tables"].items():
        found = sums.get(table)
        if found is None or found.as_json() != expected:
            report.mismatched.append(table)
        report.rows += expected["rows"]
    report.tables = len(manifest["tables"])
    report.unknown_migrations, report.pending_migrations = _migration_state(connection)
    if verify_audit:
        anchor_path = targets[ANCHOR_FILE] if ANCHOR_FILE in targets else None
        report.audit_checked, problems = audit_verify(anchor_path=anchor_path)
        report.audit_problems = [f"rantai {p.chain_id} no. {p.seq}: {p.message}" for p in problems]
    return report
