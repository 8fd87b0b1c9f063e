"""A consistent copy of the database, its content hashes, and putting it back.

SQLite: `VACUUM INTO` a new file (one read transaction: a consistent copy while the site keeps
running) and back with SQLite's online backup API. PostgreSQL: `pg_dump -Fc` inside a
REPEATABLE READ snapshot exported from the transaction that also computes the hashes, so the
dump and the manifest describe the same instant; back with `pg_restore`.

The content hash of a table is the SHA-256 of its rows as the engine prints them (SQLite's
`quote()` of every column, PostgreSQL's row-to-text cast), in primary-key order, one row a
line: computed the same way after a restore, equal hashes mean equal content. Only plain SQL
on a DB-API cursor, so a test can recompute them on a database Django is not connected to.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3

# pg_dump/pg_restore run with an argument list, never through a shell.
import subprocess  # nosec B404
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

# Rows that `migrate` writes by itself: a database holding only these is still empty.
SCHEMA_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})
FETCH = 2000


class DatabaseBackupError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class TableSum:
    rows: int
    sha256: str

    def as_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "sha256": self.sha256}


def _qn(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _digest(cursor: Any, sql: str) -> TableSum:
    cursor.execute(sql)
    digest, rows = hashlib.sha256(), 0
    while True:
        batch = cursor.fetchmany(FETCH)
        if not batch:
            break
        for (text,) in batch:
            digest.update(("\\N" if text is None else str(text)).encode("utf-8") + b"\n")
        rows += len(batch)
    return TableSum(rows, digest.hexdigest())


def sqlite_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    return [row[0] for row in cursor.fetchall()]


def sqlite_table_sums(cursor: Any) -> dict[str, TableSum]:
    sums: dict[str, TableSum] = {}
    for table in sqlite_tables(cursor):
        cursor.execute(f"PRAGMA table_info({_qn(table)})")
        columns = cursor.fetchall()
        keys = [c[1] for c in sorted(columns, key=lambda c: c[5]) if c[5]] or [c[1] for c in columns]
        row = " || char(31) || ".join(f"quote({_qn(c[1])})" for c in columns)
        order = ", ".join(_qn(k) for k in keys)
        # Identifiers come from the schema and are quoted.
        sums[table] = _digest(cursor, f"SELECT {row} FROM {_qn(table)} ORDER BY {order}")
    return sums


def postgres_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.relname"
    )
    return [row[0] for row in cursor.fetchall()]


def postgres_table_sums(cursor: Any) -> dict[str, TableSum]:
    sums: dict[str, TableSum] = {}
    for table in postgres_tables(cursor):
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
            "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
            [_qn(table)],
        )
        keys = [row[0] for row in cursor.fetchall()]
        order = ", ".join(_qn(k) for k in keys) if keys else "1"
        sums[table] = _digest(cursor, f"SELECT t::text FROM {_qn(table)} t ORDER BY {order}")
    return sums


def table_sums(connection: BaseDatabaseWrapper) -> dict[str, TableSum]:
    """Rows and content hash of every table, read in one transaction."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            return sqlite_table_sums(cursor)
        if connection.vendor == "postgresql":
            return postgres_table_sums(cursor)
    raise DatabaseBackupError("engine", f"database engine {connection.vendor} is not supported")


def filled_tables(connection: BaseDatabaseWrapper) -> list[str]:
    """Tables holding rows (beyond what `migrate` writes): the target of a restore must have none."""
    with connection.cursor() as cursor:
        names = sqlite_tables(cursor) if connection.vendor == "sqlite" else postgres_tables(cursor)
        filled = []
        for table in names:
            if table in SCHEMA_TABLES:
                continue
            cursor.execute(f"SELECT 1 FROM {_qn(table)} LIMIT 1")
            if cursor.fetchone():
                filled.append(table)
    return filled


def _postgres_env(connection: BaseDatabaseWrapper) -> dict[str, str]:
    params = connection.settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if params.get(key):
            env[var] = str(params[key])
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if params.get("OPTIONS", {}).get(option):
            env[f"PG{option.upper()}"] = str(params["OPTIONS"][option])
    env["PGDATABASE"] = str(params["NAME"])
    return env


def _tool(connection: BaseDatabaseWrapper, name: str) -> str:
    """pg_dump/pg_restore of a major version at least the server's (an older one refuses)."""
    server_major = int(getattr(connection, "pg_version", 0) or 0) // 10000
    candidates = sorted(
        (p for p in Path("/usr/lib/postgresql").glob(f"*/bin/{name}") if p.parts[-3].isdigit()),
        key=lambda p: int(p.parts[-3]),
    )
    for path in reversed(candidates):
        if int(path.parts[-3]) >= server_major:
            return str(path)
    found = shutil.which(name)
    if found is None:
        raise DatabaseBackupError(
            "no_pg_tools",
            f"{name} not found: install the PostgreSQL client (postgresql-client-{server_major} or newer)",
        )
    done = subprocess.run([found, "--version"], capture_output=True, text=True, check=False)  # nosec B603
    match = re.search(r"(\d+)", done.stdout.rsplit(")", 1)[-1])
    if match and int(match.group(1)) < server_major:
        raise DatabaseBackupError(
            "no_pg_tools",
            f"{found} is older than the server (PostgreSQL {server_major}): install a newer client",
        )
    return found


def snapshot(connection: BaseDatabaseWrapper, workdir: Path) -> tuple[Path, str, dict[str, TableSum]]:
    """(file, its name in the archive, table sums) of one consistent moment of the database."""
    if connection.vendor == "sqlite":
        target = workdir / "database.sqlite3"
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(target)])
        copy = sqlite3.connect(target)
        try:
            sums = sqlite_table_sums(copy.cursor())
        finally:
            copy.close()
        return target, "database/balai.sqlite3", sums
    if connection.vendor == "postgresql":
        target = workdir / "database.pgdump"
        pg_dump = _tool(connection, "pg_dump")
        if connection.in_atomic_block:
            raise DatabaseBackupError("in_transaction", "a backup must start outside a transaction")
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            done = subprocess.run(  # nosec B603
                [
                    pg_dump,
                    "--format=custom",
                    f"--snapshot={snapshot_id}",
                    f"--file={target}",
                    "--no-password",
                ],
                env=_postgres_env(connection),
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise DatabaseBackupError("pg_dump", f"pg_dump failed: {done.stderr.strip()}")
            sums = postgres_table_sums(cursor)
        return target, "database/balai.pgdump", sums
    raise DatabaseBackupError("engine", f"database engine {connection.vendor} is not supported")


def restore(connection: BaseDatabaseWrapper, path: Path, engine: str) -> None:
    """Put the snapshot at `path` into the (empty, or forced) database of `connection`."""
    if engine != connection.vendor:
        raise DatabaseBackupError(
            "engine_mismatch", f"the archive holds a {engine} database; this server uses {connection.vendor}"
        )
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            # Page by page into the open database (a file or, in tests, memory), replacing it whole.
            source.backup(connection.connection)
        finally:
            source.close()
        return
    pg_restore = _tool(connection, "pg_restore")
    connection.close()
    done = subprocess.run(  # nosec B603
        [
            pg_restore,
            f"--dbname={connection.settings_dict['NAME']}",
            "--no-owner",
            "--no-privileges",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            str(path),
        ],
        env=_postgres_env(connection),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise DatabaseBackupError("pg_restore", f"pg_restore failed: {done.stderr.strip()}")
