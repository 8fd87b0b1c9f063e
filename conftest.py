"""Personas shared by every app's tests (healthchecks' Alice/Bob/Charlie, village-style).

village_a (Brokoh) and village_b (Cepagan) are two villages of the demo regency;
operator_a may see A only; regency_viewer and camat_a see aggregates only.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from balai.accounts.models import Role, User
from balai.people.tests.factories import FamilyFactory, ResidentFactory, RtFactory, VillageFactory


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
    }
    env.pop("DATABASE_URL", None)
    return env


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory) -> Path:
    """A SQLite file with every migration applied, made once a session (migrating takes ~15 s)."""
    path = tmp_path_factory.mktemp("migrated") / "db.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "balai", "migrate", "--verbosity=0"],
        env=_production_sqlite_env(path),
        check=True,
        timeout=300,
    )
    return path


@pytest.fixture
def sqlite_file_env(tmp_path, migrated_sqlite_file) -> dict[str, str]:
    """Environment for a subprocess on its own SQLite file, configured as in production (WAL,
    IMMEDIATE transactions, the writer queue), already migrated."""
    target = tmp_path / "db.sqlite3"
    shutil.copyfile(migrated_sqlite_file, target)
    return _production_sqlite_env(target)
