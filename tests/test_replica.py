"""Regency reads on a streaming replica (issue 22, item 5).

A second PostgreSQL server is started on 127.0.0.1 as a streaming replica of the one the suite
runs on (pg_basebackup -R). The regency pages then read from it; writes, POSTs and reads inside a
transaction never do. Needs the test server to accept replication connections from 127.0.0.1
(`.ci/run` adds the pg_hba line) and to run the server binaries as the `postgres` user.
"""

from __future__ import annotations

import getpass
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import psycopg
import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection

from balai.accounts.models import Role, User
from balai.core.db.replica import REPLICA_ALIAS
from balai.people.tests.factories import FamilyFactory, ResidentFactory, RtFactory, VillageFactory
from balai.regions.models import Village

pytestmark = pytest.mark.django_db(transaction=True)


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _as_postgres() -> list[str] | None:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"]
    if getpass.getuser() == "postgres":
        return []
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def replica() -> Iterator[int]:
    if connection.vendor != "postgresql":
        pytest.skip("the replica is a PostgreSQL feature (run with DATABASE_URL=postgres://…)")
    prefix = _as_postgres()
    basebackup, pg_ctl = _bin("pg_basebackup"), _bin("pg_ctl")
    if prefix is None or basebackup is None or pg_ctl is None:
        pytest.skip("needs the PostgreSQL server binaries and root or the postgres user")
    primary = settings.DATABASES[DEFAULT_DB_ALIAS]
    datadir = tempfile.mkdtemp(prefix="balai-replica-")
    shutil.chown(datadir, "postgres", "postgres") if os.geteuid() == 0 else None
    port = _free_port()
    run = [
        *prefix,
        basebackup,
        "-h",
        primary.get("HOST") or "127.0.0.1",
        "-p",
        str(primary.get("PORT") or 5432),
    ]
    run += ["-U", primary.get("USER") or "postgres", "-D", datadir, "-R", "-X", "stream", "-c", "fast"]
    # The copy is the whole cluster and is thrown away after the test: nothing is flushed to disk
    # (--no-sync, fsync off) and no manifest (a checksum of every file) is made for it.
    run += ["--no-sync", "--no-manifest"]
    try:
        done = subprocess.run(run, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"pg_basebackup failed (does pg_hba allow replication?): {done.stderr}"
        # Debian keeps the configuration outside the data directory: give the copy its own.
        for name, text in {
            "postgresql.conf": f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{datadir}'\nhot_standby = on\nfsync = off\n",
            "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n",
            "pg_ident.conf": "",
        }.items():
            path = os.path.join(datadir, name)
            with open(path, "w") as f:
                f.write(text)
            shutil.chown(path, "postgres", "postgres") if os.geteuid() == 0 else None
        started = subprocess.run(
            [
                *prefix,
                pg_ctl,
                "-D",
                datadir,
                "-l",
                os.path.join(datadir, "server.log"),
                "-w",
                "-t",
                "240",
                "start",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert started.returncode == 0, started.stdout + started.stderr
        yield port
    finally:
        subprocess.run(
            [*(prefix or []), pg_ctl or "pg_ctl", "-D", datadir, "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(datadir, ignore_errors=True)


def _wait_for(predicate, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("the replica did not catch up in time")


# Run in a process of its own: Django's test case forbids connections to an alias it did not
# know when the test started, and the replica's address is only known now.
CHECKS = r"""
import json, os
import django
django.setup()
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from balai.accounts.models import User
from balai.core.db.replica import REPLICA_ALIAS, replica_reads
from balai.regions.models import Village

setup_test_environment()
cache.clear()
out = {}
with connections[REPLICA_ALIAS].cursor() as cursor:
    cursor.execute("SELECT pg_is_in_recovery()")
    out["standby"] = cursor.fetchone()[0]
client = Client()
client.force_login(User.objects.get(username="dispermades"))
with CaptureQueriesContext(connections[REPLICA_ALIAS]) as on_replica:
    response = client.get("/dasbor/desa/" + os.environ["VILLAGE_CODE"] + "/")
out["regency_status"] = response.status_code
out["regency_page_names_village"] = "Brokoh" in response.content.decode()
out["regency_replica_sql"] = [q["sql"] for q in on_replica.captured_queries]
client.force_login(User.objects.get(username="operator.brokoh"))
with CaptureQueriesContext(connections[REPLICA_ALIAS]) as on_replica:
    out["office_status"] = client.get("/penduduk/").status_code
out["office_replica_sql"] = [q["sql"] for q in on_replica.captured_queries]
with replica_reads():
    out["read_alias"] = router.db_for_read(Village)
    out["write_alias"] = router.db_for_write(Village)
    with CaptureQueriesContext(connections[REPLICA_ALIAS]) as on_replica, transaction.atomic():
        out["read_alias_in_transaction"] = router.db_for_read(Village)
        Village.objects.filter(code=os.environ["VILLAGE_CODE"]).update(name="Brokoh Baru")
        out["read_back"] = Village.objects.get(code=os.environ["VILLAGE_CODE"]).name
    out["transaction_replica_sql"] = [q["sql"] for q in on_replica.captured_queries]
print(json.dumps(out))
"""


def _url(db: dict, port: int | str) -> str:
    user, password = db.get("USER") or "postgres", db.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{port}/{db['NAME']}"


def test_regency_pages_read_from_the_replica_and_writes_never_go_there(replica):
    # given a village written on the primary after the replica started (so it must stream)
    brokoh = VillageFactory(code="33.25.01.2007", name="Brokoh")
    family = FamilyFactory(village=brokoh, rt=RtFactory(village=brokoh))
    ResidentFactory(village=brokoh, family=family, rt=family.rt, name="SITI REPLIKA", family_relation=1)
    User.objects.create_user("dispermades", password="x-rahasia-123", role=Role.DISPERMADES)
    User.objects.create_user("operator.brokoh", password="x-rahasia-123", role=Role.OPERATOR, village=brokoh)
    primary = settings.DATABASES[DEFAULT_DB_ALIAS]
    with psycopg.connect(_url(primary, replica), autocommit=True) as standby:
        _wait_for(
            lambda: standby.execute(
                "SELECT count(*) FROM accounts_user WHERE username = 'operator.brokoh'"
            ).fetchone()[0]
        )
        _wait_for(lambda: standby.execute("SELECT count(*) FROM people_resident").fetchone()[0])

    # when a process configured with DATABASE_REPLICA_URL serves the regency and the office
    env = {
        **os.environ,
        "DATABASE_URL": _url(primary, primary.get("PORT") or 5432),
        "DATABASE_REPLICA_URL": _url(primary, replica),
        "VILLAGE_CODE": brokoh.code,
    }
    done = subprocess.run(
        [sys.executable, "-c", CHECKS],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])

    # then the second server is a standby and the regency page read its figures there
    assert out["standby"] is True
    assert out["regency_status"] == 200
    assert out["regency_page_names_village"]
    assert any("people_resident" in sql for sql in out["regency_replica_sql"])
    # and the office's daily work never touched it
    assert out["office_status"] == 200
    assert out["office_replica_sql"] == []
    # and writes, and reads inside a transaction, stay on the primary
    assert (out["read_alias"], out["write_alias"]) == (REPLICA_ALIAS, DEFAULT_DB_ALIAS)
    assert out["read_alias_in_transaction"] == DEFAULT_DB_ALIAS
    assert out["read_back"] == "Brokoh Baru"
    assert out["transaction_replica_sql"] == []
    assert Village.objects.get(pk=brokoh.pk).name == "Brokoh Baru"
