"""Personas shared by every app's tests (healthchecks' Alice/Bob/Charlie, village-style).

village_a (Brokoh) and village_b (Cepagan) are two villages of the demo regency;
operator_a may see A only; regency_viewer and camat_a see aggregates only.
"""

import fcntl
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from balai.accounts.models import Role, User
from balai.people.tests.factories import FamilyFactory, ResidentFactory, RtFactory, VillageFactory

# The browser tests' one Chromium per test process (the `browser` fixture).
pytest_plugins = ["balai.core.tests.browser"]


@pytest.fixture
def village_a(db):
    return VillageFactory(
        code="33.25.01.2007", name="Brokoh", district_code="33.25.01", district_name="Wonotunggal"
    )


@pytest.fixture
def village_b(db):
    return VillageFactory(
        code="33.25.12.2007", name="Cepagan", district_code="33.25.12", district_name="Warungasem"
    )


def _user(username, role, **kw):
    user = User.objects.create_user(username=username, password="rahasia-demo-123", role=role, **kw)
    return user


@pytest.fixture
def operator_a(village_a):
    return _user("operator_a", Role.OPERATOR, village=village_a)


@pytest.fixture
def operator_b(village_b):
    return _user("operator_b", Role.OPERATOR, village=village_b)


@pytest.fixture
def kades_a(village_a):
    return _user("kades_a", Role.KADES, village=village_a)


@pytest.fixture
def kader_a(village_a):
    return _user("kader_a", Role.KADER_POSYANDU, village=village_a)


@pytest.fixture
def bidan_a(village_a):
    return _user("bidan_a", Role.BIDAN, village=village_a)


@pytest.fixture
def sekdes_a(village_a):
    return _user("sekdes_a", Role.SEKDES, village=village_a)


@pytest.fixture
def camat_a(village_a):
    return _user("camat_a", Role.CAMAT, district_code=village_a.district_code)


@pytest.fixture
def regency_viewer(db):
    return _user("dispermades", Role.DISPERMADES)


@pytest.fixture
def rt_a(village_a):
    return RtFactory(village=village_a)


@pytest.fixture
def family_a(village_a, rt_a):
    return FamilyFactory(village=village_a, rt=rt_a)


@pytest.fixture
def resident_a(family_a):
    return ResidentFactory(
        village=family_a.village, family=family_a, rt=family_a.rt, name="SITI WAHYUNI", sex=2
    )


@pytest.fixture
def family_b(village_b):
    return FamilyFactory(village=village_b)


@pytest.fixture
def resident_b(family_b):
    return ResidentFactory(village=family_b.village, family=family_b, rt=family_b.rt, name="BUDI SANTOSO")


@pytest.fixture
def client_a(client, operator_a):
    client.force_login(operator_a)
    return client


def _production_sqlite_env(path: Path) -> dict[str, str]:
    env = os.environ | {
        "SQLITE_PATH": str(path),
        "BALAI_VAR_DIR": str(path.parent),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # Production settings (DEBUG off) refuse development secrets: these are the test's own.
        "SECRET_KEY": "balai-test-secret-key-not-for-production-0123456789abcdef",
        "BALAI_SIGNING_SECRET": "balai-test-signing-secret",
        "BALAI_KIOSK_PEPPER": "balai-test-kiosk-pepper",
        "BALAI_PUBLIC_URL": "https://balai.test",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DEBUG", None)
    return env


def _migrations_fingerprint() -> str:
    """Hash of every migration file and of Django's version: a cached migrated database is
    reused only while the schema it was built from is unchanged."""
    import django

    digest = hashlib.sha256(django.get_version().encode())
    root = Path(__file__).resolve().parent
    for path in sorted(root.glob("balai/*/migrations/*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def migrated_sqlite_file() -> Path:
    """A SQLite file with every migration applied, copied by the tests that need their own file.

    Migrating takes ~15 s (a minute on a loaded machine), so it is done once per schema for
    every test process of the machine: xdist workers and the SQLite and PostgreSQL suites
    running side by side wait on one lock and then share the file, which nobody writes to
    after it is complete (tests copy it).
    """
    cache = Path(tempfile.gettempdir()) / f"balai-test-migrated-{os.getuid()}"
    cache.mkdir(mode=0o700, exist_ok=True)
    path = cache / f"{_migrations_fingerprint()}.sqlite3"
    with open(cache / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            building = cache / f"building-{os.getpid()}.sqlite3"
            try:
                subprocess.run(
                    [sys.executable, "-m", "balai", "migrate", "--verbosity=0"],
                    env=_production_sqlite_env(building),
                    check=True,
                    timeout=600,
                )
                # Only a complete file gets the final name; WAL content is already
                # checkpointed when the last connection closes.
                building.rename(path)
            finally:
                for leftover in cache.glob(f"building-{os.getpid()}.sqlite3*"):
                    leftover.unlink()
    return path


@pytest.fixture
def sqlite_file_env(tmp_path, migrated_sqlite_file) -> dict[str, str]:
    """Environment for a subprocess on its own SQLite file, configured as in production (WAL,
    IMMEDIATE transactions, the writer queue), already migrated."""
    target = tmp_path / "db.sqlite3"
    shutil.copyfile(migrated_sqlite_file, target)
    return _production_sqlite_env(target)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """On SQLite in memory, each test process starts from a copy of the migrated file instead
    of running every migration itself (~10 s a process quiet, minutes on a loaded machine):
    the file is made once per schema for the whole machine (`migrated_sqlite_file`). Copying
    a migrated database is what migrating would produce. On PostgreSQL each process clones a
    template database migrated once per schema (`_create_postgres_test_db_from_template`)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        _create_postgres_test_db_from_template(connection)
        return
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        return
    template = request.getfixturevalue("migrated_sqlite_file")
    creation = connection.creation

    def create_test_db(verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        from django.conf import settings as django_settings

        name = creation._get_test_db_name()
        connection.close()
        django_settings.DATABASES[connection.alias]["NAME"] = name
        connection.settings_dict["NAME"] = name
        connection.ensure_connection()
        source = sqlite3.connect(template)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        if serialize:
            connection._test_serialized_contents = creation.serialize_db_to_string()
        return name

    creation.create_test_db = create_test_db


# A test that asks for none of these (and has no django_db marker) cannot reach the test
# database: pytest-django blocks it.
_DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "django_db_setup",
        "live_server",
    }
)


def pytest_collection_modifyitems(config, items):
    slow_first = []
    rest = []
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        # A test on its own SQLite file (a subprocess configured as in production) tests the
        # same thing whatever the test database is: `make test-postgres` leaves these out.
        if fixtures & {"sqlite_file_env", "migrated_sqlite_file"}:
            item.add_marker(pytest.mark.own_sqlite)
        # So does a test that never touches the test database: its result cannot depend on it.
        elif not fixtures & _DATABASE_FIXTURES and item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.no_db)
        if item.get_closest_marker("browser") or item.get_closest_marker("slow"):
            slow_first.append(item)
        else:
            rest.append(item)
    # The longest tests (browser walks, subprocesses, servers) start first: pytest-xdist's
    # worksteal then spreads the short ones over whichever worker is free, instead of one
    # worker finishing a minute-long walk after every other test is done.
    items[:] = slow_first + rest


# PostgreSQL keeps this many migrated template databases (one per schema, newest first), so that
# checkouts with different migrations on one machine don't rebuild each other's.
_POSTGRES_TEMPLATES_KEPT = 4


def _create_postgres_test_db_from_template(connection) -> None:
    """Each test process's PostgreSQL database is cloned (CREATE DATABASE ... TEMPLATE, a file
    copy in the server) from a database migrated once per schema for the whole machine, instead
    of every process running every migration (~30 s of CPU each, minutes on a loaded machine).
    Building, cloning and pruning templates happen under one file lock, so a template is never
    dropped or half-built while another process clones it."""
    from django.conf import settings as django_settings
    from django.core.management import call_command

    creation = connection.creation
    template = f"balai_test_tpl_{_migrations_fingerprint()}"

    def create_test_db(verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        name = creation._get_test_db_name()
        quote = connection.ops.quote_name
        cache = Path(tempfile.gettempdir()) / f"balai-test-migrated-{os.getuid()}"
        cache.mkdir(mode=0o700, exist_ok=True)
        with open(cache / "postgres.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            with connection._nodb_cursor() as cursor:
                cursor.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE 'balai\\_test\\_tpl\\_%' "
                    "ORDER BY oid DESC"
                )
                templates = [row[0] for row in cursor.fetchall()]
                if template not in templates:
                    _build_postgres_template(connection, cursor, template)
                    templates.insert(0, template)
                for old in [t for t in templates if t != template][_POSTGRES_TEMPLATES_KEPT - 1 :]:
                    cursor.execute(f"DROP DATABASE IF EXISTS {quote(old)} WITH (FORCE)")
                exists = creation._database_exists(cursor, name)
                if not (keepdb and exists):
                    cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")
                    cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
        connection.close()
        django_settings.DATABASES[connection.alias]["NAME"] = name
        connection.settings_dict["NAME"] = name
        if serialize:
            connection._test_serialized_contents = creation.serialize_db_to_string()
        call_command("createcachetable", database=connection.alias)
        connection.ensure_connection()
        return name

    creation.create_test_db = create_test_db


def _build_postgres_template(connection, cursor, template: str) -> None:
    from urllib.parse import quote as url_quote

    quote = connection.ops.quote_name
    building = f"{template}_building"
    cursor.execute(f"DROP DATABASE IF EXISTS {quote(building)} WITH (FORCE)")
    cursor.execute(f"CREATE DATABASE {quote(building)}")
    params = connection.settings_dict
    auth = url_quote(params["USER"] or "", safe="")
    if params.get("PASSWORD"):
        auth += ":" + url_quote(params["PASSWORD"], safe="")
    url = f"postgres://{auth}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{building}"
    env = os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    try:
        subprocess.run(
            [sys.executable, "-m", "balai", "migrate", "--verbosity=0"], env=env, check=True, timeout=900
        )
    except BaseException:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(building)} WITH (FORCE)")
        raise
    # Only a complete template gets its final name.
    cursor.execute(f"ALTER DATABASE {quote(building)} RENAME TO {quote(template)}")
