"""Configuration that refuses mistakes (issue 14 item 5, issue 16 item 3): DATABASE_URL for
SQLite uses the project's engine, booleans are strict, and production (DEBUG off) refuses to
start on development or missing secrets, through system checks with ids and hints."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from balai.core import checks as balai_checks
from config.settings import database_from_url, env_bool

ROOT = Path(settings.BASE_DIR)
GOOD = {
    "SECRET_KEY": "k" * 50,
    "BALAI_SIGNING_SECRET": "s" * 40,
    "BALAI_KIOSK_PEPPER": "p" * 40,
    "BALAI_PUBLIC_URL": "https://balai.batangkab.go.id",
}
SECRET_NAMES = ("SECRET_KEY", "BALAI_SIGNING_SECRET", "BALAI_KIOSK_PEPPER", "BALAI_PUBLIC_URL")


def _ids(messages) -> list[str]:
    return sorted(m.id for m in messages)


# --- env_bool -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("TRUE", True), (" on ", True), ("no", False), ("0", False), ("", False)],
)
def test_env_bool_reads_known_words(monkeypatch, raw, expected):
    monkeypatch.setenv("BALAI_X", raw)
    assert env_bool("BALAI_X") is expected


@pytest.mark.parametrize("raw", ["ture", "y", "2", "enabled"])
def test_env_bool_refuses_an_unknown_word_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("SECURE_COOKIES", raw)
    with pytest.raises(ImproperlyConfigured, match=r"SECURE_COOKIES=.*is not a boolean"):
        env_bool("SECURE_COOKIES")


def test_env_bool_default_applies_when_unset(monkeypatch):
    monkeypatch.delenv("BALAI_X", raising=False)
    assert env_bool("BALAI_X", "True") is True


# --- DATABASE_URL ---------------------------------------------------------------------------


def test_sqlite_database_url_uses_the_project_engine(tmp_path):
    config = database_from_url(f"sqlite:///{tmp_path}/balai.sqlite3")
    assert config["ENGINE"] == "balai.core.db.sqlite3"
    assert config["NAME"] == f"{tmp_path}/balai.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_postgres_database_url_is_unchanged():
    config = database_from_url("postgres://balai:pw@db:5432/balai")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "balai"
    # JIT off: index reads and counts gain nothing from compiling (the overview lost ~100 ms to it)
    assert config["OPTIONS"] == {"options": "-c jit=off"}


def test_postgres_database_url_options_replace_the_jit_default():
    config = database_from_url("postgres://balai:pw@db:5432/balai?options=-c%20work_mem%3D64MB")
    assert config["OPTIONS"]["options"] == "-c work_mem=64MB"


@pytest.mark.slow
def test_twenty_parallel_api_issues_with_a_sqlite_database_url(sqlite_file_env):
    # given: DATABASE_URL=sqlite:///<file>, as a new user would set it (no SQLITE_PATH)
    env = dict(sqlite_file_env)
    env["DATABASE_URL"] = f"sqlite:///{env.pop('SQLITE_PATH')}"
    # when: twenty threads issue twenty signed letters through the API at once
    done = subprocess.run(
        [sys.executable, "-m", "balai.letters.tests.concurrent_api_issue", "20"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # then: twenty distinct numbers, no error, on the project's engine in WAL mode
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["engine"] == "balai.core.db.sqlite3"
    assert result["journal_mode"] == "wal"
    assert result["errors"] == []
    assert result["statuses"] == [200] * 20
    assert result["sequences"] == list(range(1, 21))
    assert result["numbers"] == 20


# --- production checks ----------------------------------------------------------------------


@override_settings(DEBUG=False, **GOOD)
def test_production_with_every_secret_set_passes():
    assert balai_checks.production_secrets() == []


@override_settings(
    DEBUG=False,
    SECRET_KEY=balai_checks.DEV_SECRET_KEY,
    BALAI_SIGNING_SECRET="",
    BALAI_KIOSK_PEPPER="",
    BALAI_PUBLIC_URL="http://localhost:8000",
)
def test_production_on_development_defaults_gives_four_errors_with_hints():
    errors = balai_checks.production_secrets()
    assert _ids(errors) == ["balai.E001", "balai.E002", "balai.E003", "balai.E004"]
    assert all(e.is_serious() and e.hint for e in errors)


@override_settings(DEBUG=False, **(GOOD | {"BALAI_SIGNING_SECRET": "k" * 50, "BALAI_KIOSK_PEPPER": "k" * 50}))
def test_secrets_equal_to_secret_key_are_refused():
    assert _ids(balai_checks.production_secrets()) == ["balai.E002", "balai.E003"]


@override_settings(DEBUG=False, **(GOOD | {"BALAI_PUBLIC_URL": "http://balai.batangkab.go.id"}))
def test_public_url_must_be_https():
    assert _ids(balai_checks.production_secrets()) == ["balai.E004"]


@override_settings(DEBUG=True, SECRET_KEY=balai_checks.DEV_SECRET_KEY, BALAI_SIGNING_SECRET="")
def test_development_is_not_refused():
    assert balai_checks.production_secrets() == []


@override_settings(DEBUG=False, BALAI_KIOSK_PEPPER="")
def test_kiosk_pepper_does_not_fall_back_to_secret_key_in_production():
    from balai.devices import pins

    with pytest.raises(ImproperlyConfigured, match="BALAI_KIOSK_PEPPER"):
        pins._pepper()


def _production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BALAI_", "SECRET_KEY", "DEBUG"))}
    env.pop("DATABASE_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return env | extra


PRINT_SECRETS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.BALAI_SIGNING_SECRET, s.BALAI_KIOSK_PEPPER, s.BALAI_PUBLIC_URL, s.SECRET_KEY]))"
)


@pytest.mark.slow
def test_a_production_start_without_secrets_is_refused_naming_what_is_missing(tmp_path):
    env = _production_env(BALAI_VAR_DIR=str(tmp_path), SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    # No fallback to SECRET_KEY in production.
    shown = subprocess.run(
        [sys.executable, "-c", PRINT_SECRETS], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    signing, pepper, public_url, _key = json.loads(shown.stdout)
    assert (signing, pepper, public_url) == ("", "", "")
    # `balai check` (and so migrate, runserver ...) refuses, naming each missing setting.
    check = subprocess.run(
        [sys.executable, "-m", "balai", "check"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode != 0
    for code, name in zip(("E001", "E002", "E003", "E004"), SECRET_NAMES, strict=True):
        assert f"balai.{code}" in check.stderr, check.stderr
        assert name in check.stderr, check.stderr
    # gunicorn's entry point refuses as well.
    wsgi = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert wsgi.returncode != 0
    assert "refuses to start" in wsgi.stderr
    assert "balai.E003" in wsgi.stderr
    # With every secret set, the same start goes through.
    ok = subprocess.run(
        [sys.executable, "-m", "balai", "check"],
        env=env | GOOD,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    # Development keeps working without any secret.
    dev = subprocess.run(
        [sys.executable, "-c", PRINT_SECRETS],
        env=env | {"DEBUG": "1"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    signing, pepper, public_url, key = json.loads(dev.stdout)
    assert signing == key
    assert public_url == "http://localhost:8000"


@pytest.mark.slow
def test_a_typo_in_a_boolean_stops_the_start(tmp_path):
    env = _production_env(BALAI_VAR_DIR=str(tmp_path), DEBUG="ture")
    done = subprocess.run(
        [sys.executable, "-m", "balai", "check"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "DEBUG='ture' is not a boolean" in done.stderr
