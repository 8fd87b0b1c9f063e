"""Backup and restore (issue 16, item 8): `balai backup` of a small village (residents, an issued
letter, an upload, audit events and their signed anchors), `balai restore` onto a clean machine
(a new, empty database of the suite's engine, empty media and key directories, in a process of
its own), after which every table's content hash equals the source's and `balai audit-verify`
passes. A wrong passphrase, a changed byte, a cut archive and a non-empty target are refused
with a message naming the problem.

Runs on the suite's database: SQLite in the SQLite suite, PostgreSQL (pg_dump/pg_restore) in
the PostgreSQL suite.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from balai.audit.models import AuditEvent
from balai.audit.services import audit_record
from balai.core.backup import database
from balai.letters.services import workflow
from balai.letters.types import REGISTRY
from balai.staff.models import Official

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PASSPHRASE = "kata sandi cadangan uji 2026"
SECRETS = {
    "SECRET_KEY": "balai-test-secret-key-not-for-production-0123456789abcdef",
    "BALAI_SIGNING_SECRET": "balai-test-signing-secret",
    "BALAI_KIOSK_PEPPER": "balai-test-kiosk-pepper",
    "BALAI_PUBLIC_URL": "https://balai.test",
}


@pytest.fixture(autouse=True)
def _own_files(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BALAI_AUDIT_KEY_FILE = str(tmp_path / "keys" / "audit.pem")
    settings.BALAI_AUDIT_ANCHOR_FILE = str(tmp_path / "anchors.jsonl")
    monkeypatch.setenv("BALAI_BACKUP_PASSPHRASE", PASSPHRASE)


@pytest.fixture
def village_data(operator_a, kades_a, village_a, resident_a):
    """Residents, an issued (signed) letter, a logo upload, reads and changes in the audit trail."""
    Official.objects.create(
        village=village_a,
        user=kades_a,
        name="Suparman",
        position="Kepala Desa",
        signs_letters=True,
        signs_as=Official.SignsAs.OWN,
    )
    letter = workflow.letter_request_create(
        actor=operator_a,
        village=village_a,
        type_code="domisili",
        subject=resident_a,
        fields={"keperluan": "Melamar pekerjaan"},
        requirements=list(REGISTRY["domisili"].requirements),
    )
    letter = workflow.letter_verify(actor=operator_a, letter=letter)
    letter = workflow.letter_sign(actor=kades_a, letter=letter)
    workflow.letter_issue(actor=operator_a, letter=letter)
    village_a.logo.save("logo-brokoh.png", ContentFile(b"\x89PNG\r\n\x1a\n bukan gambar sungguhan"))
    audit_record(
        actor=operator_a, village=village_a, action="resident.viewed", object_id=resident_a.public_id
    )
    call_command("audit_anchor")
    return village_a


def _clean_machine(tmp_path: Path) -> tuple[dict[str, str], str | None]:
    """Environment of a second machine: production settings, nothing in it yet."""
    var = tmp_path / "machine-2"
    var.mkdir()
    env = (
        os.environ
        | SECRETS
        | {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "BALAI_VAR_DIR": str(var),
            "MEDIA_ROOT": str(var / "media"),
            "BALAI_BACKUP_PASSPHRASE": PASSPHRASE,
            # This machine was given another pepper: the restore must say so.
            "BALAI_KIOSK_PEPPER": "lain-mesin-lain-pepper",
        }
    )
    for name in ("DEBUG", "DATABASE_URL", "BALAI_AUDIT_KEY_FILE", "BALAI_AUDIT_ANCHOR_FILE"):
        env.pop(name, None)
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = str(var / "balai.sqlite3")
        return env, None
    params = connection.settings_dict
    name = f"{params['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**_pg_params("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    user, host, port = (
        params.get("USER") or "postgres",
        params.get("HOST") or "127.0.0.1",
        params.get("PORT") or 5432,
    )
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    env["DATABASE_URL"] = f"postgres://{user}{password}@{host}:{port}/{name}"
    return env, name


def _pg_params(dbname: str) -> dict[str, object]:
    params = connection.settings_dict
    return {
        "dbname": dbname,
        "host": params.get("HOST") or "127.0.0.1",
        "port": params.get("PORT") or 5432,
        "user": params.get("USER") or "postgres",
        "password": params.get("PASSWORD") or None,
    }


def _balai(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "balai", *args], env=env, capture_output=True, text=True, timeout=300
    )


def _restored_sums(env: dict[str, str], pg_name: str | None) -> dict[str, database.TableSum]:
    if pg_name is None:
        with sqlite3.connect(env["SQLITE_PATH"]) as restored:
            return database.sqlite_table_sums(restored.cursor())
    with psycopg.connect(**_pg_params(pg_name)) as restored:
        restored.execute("SET TIME ZONE 'UTC'")
        return database.postgres_table_sums(restored.cursor())


def test_backup_restores_onto_a_clean_machine_with_equal_hashes_and_a_verified_audit(village_data, tmp_path):
    # given: a backup of the village
    archive = tmp_path / "cadangan.balai-backup"
    source = database.table_sums(connection)
    call_command("backup", output=str(archive))
    # the backup itself is in the audit trail (after its snapshot)
    event = AuditEvent.objects.get(action="backup.created")
    assert event.changes["rows"] == sum(t.rows for t in source.values())
    assert source["people_resident"].rows == 1
    assert source["letters_letter"].rows == 1
    env, pg_name = _clean_machine(tmp_path)
    try:
        # when: restored on the other machine, then checked there
        restored = _balai(env, "restore", str(archive))
        verified = _balai(env, "audit-verify")
        # then: every table holds what the source held, files are back, the chains verify
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "content hashes match" in restored.stdout
        assert "balai migrate" not in restored.stdout  # same code, same migrations
        assert "BALAI_KIOSK_PEPPER" in restored.stdout  # named, never its value
        assert "balai-test-kiosk-pepper" not in restored.stdout
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "rantai utuh" in verified.stdout
        assert _restored_sums(env, pg_name) == source
        machine = Path(env["BALAI_VAR_DIR"])
        logo = village_data.logo.name
        assert (machine / "media" / logo).read_bytes() == (tmp_path / "media" / logo).read_bytes()
        assert (machine / "keys" / "audit-ed25519.pem").read_bytes() == (
            tmp_path / "keys" / "audit.pem"
        ).read_bytes()
        assert (machine / "keys" / "audit-ed25519.pem").stat().st_mode & 0o777 == 0o600
        assert (machine / "audit-anchors.jsonl").read_text() == (tmp_path / "anchors.jsonl").read_text()
        secrets = (machine / "restored-secrets.env").read_text()
        assert "BALAI_KIOSK_PEPPER=balai-test-kiosk-pepper" in secrets
        assert (machine / "restored-secrets.env").stat().st_mode & 0o777 == 0o600
    finally:
        if pg_name:
            with psycopg.connect(**_pg_params("postgres"), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def _refusal(archive: Path, **options: object) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), check=True, **options)
    return str(refused.value)


def test_wrong_passphrase_tampering_and_truncation_are_refused(resident_a, tmp_path, monkeypatch):
    archive = tmp_path / "cadangan.balai-backup"
    call_command("backup", output=str(archive))
    call_command("restore", str(archive), check=True)  # the archive as written passes
    sealed = archive.read_bytes()

    monkeypatch.setenv("BALAI_BACKUP_PASSPHRASE", "bukan kata sandinya")
    assert "Kata sandi salah / wrong passphrase" in _refusal(archive)
    monkeypatch.setenv("BALAI_BACKUP_PASSPHRASE", PASSPHRASE)

    tampered = tmp_path / "diubah.balai-backup"
    changed = bytearray(sealed)
    changed[len(changed) // 2] ^= 0x01
    tampered.write_bytes(bytes(changed))
    assert "Arsip telah diubah atau rusak / archive tampered with or damaged" in _refusal(tampered)

    cut = tmp_path / "terpotong.balai-backup"
    cut.write_bytes(sealed[: len(sealed) - 100])
    assert "Arsip" in _refusal(cut)

    # and: restoring over the database that holds the resident is refused without --force
    with pytest.raises(CommandError, match="Tujuan tidak kosong / target not empty"):
        call_command("restore", str(archive))


def test_the_passphrase_never_comes_from_the_command_line(resident_a, tmp_path, monkeypatch):
    monkeypatch.delenv("BALAI_BACKUP_PASSPHRASE")
    with pytest.raises(CommandError, match="BALAI_BACKUP_PASSPHRASE"):
        call_command("backup", output=str(tmp_path / "x.balai-backup"))
    assert not list(tmp_path.glob("x.balai-backup*"))
    secret_file = tmp_path / "sandi"
    secret_file.write_text("pendek\n")
    with pytest.raises(CommandError, match="terlalu pendek"):
        call_command("backup", output=str(tmp_path / "x.balai-backup"), passphrase_file=str(secret_file))
