# Thin wrappers over the real tools; `make help` lists them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
# Python keeps compiled modules (__pycache__/, git-ignored): without them every test process and
# every subprocess a test starts (servers, imports, concurrency checks) compiles Django, the
# libraries and the project again, ~2 s of CPU each. Some environments switch that off.
unexport PYTHONDONTWRITEBYTECODE
# Used for the second test run when a PostgreSQL server is reachable.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: help setup demo run test test-sqlite test-postgres test-postgres-if-up lint audit typecheck check bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q uv==$(UV_VERSION)

# --compile-bytecode: the libraries' compiled modules are written once, here, as pip does by
# default; uv leaves them out, so on a fresh .venv every process `make test` starts side by side
# (checks, both suites' controllers and workers) compiled Django and the libraries again.
$(VENV)/.synced: pyproject.toml uv.lock | $(BIN)/uv
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --compile-bytecode --python $(BIN)/python
	touch $@

setup: $(VENV)/.synced  ## create .venv and install the locked dependencies

demo: setup  ## build the demo regency on SQLite and serve it on http://127.0.0.1:8000/
	DEBUG=1 $(BIN)/balai demo
	DEBUG=1 $(BIN)/balai runserver 127.0.0.1:8000

run: setup  ## serve the existing database
	DEBUG=1 $(BIN)/balai runserver 127.0.0.1:8000

lint: setup  ## ruff lint + format check + the import layers (.importlinter) + bandit (no high finding)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/bandit -q -r balai config -x '*/tests/*,*/migrations/*' --severity-level high
	@$(MAKE) --no-print-directory audit

# pip-audit asks an online vulnerability database (PyPI's JSON API or OSV) about every locked
# package; CI machines reach no such service, so by default only the offline part runs
# (resolving the installed set: a broken or unpinned environment still fails) and it says so.
# BALAI_PIP_AUDIT=1 runs the real audit where the database is reachable.
audit: setup  ## pip-audit (online with BALAI_PIP_AUDIT=1; offline: dependency collection only)
	@if [ "$$BALAI_PIP_AUDIT" = "1" ]; then \
		$(BIN)/pip-audit --strict --progress-spinner off -l; \
	else \
		$(BIN)/pip-audit --dry-run --progress-spinner off -l >/dev/null && \
		echo "pip-audit: vulnerability lookup SKIPPED (no vulnerability database reachable offline; BALAI_PIP_AUDIT=1 to run it); dependency collection ok."; \
	fi

typecheck: setup  ## mypy
	$(BIN)/mypy balai config

# With the test settings: DEBUG off as in production, with their own secrets (the production
# checks, balai.E001-E004, refuse the development ones).
check: setup  ## Django system checks and missing migrations
	DJANGO_SETTINGS_MODULE=config.settings_test $(BIN)/balai check
	DJANGO_SETTINGS_MODULE=config.settings_test $(BIN)/balai makemigrations --check --dry-run

# Test processes per suite (pytest-xdist). `make test` runs the SQLite and PostgreSQL suites
# side by side, so the machine's cores are busy until the last test; a single suite on its own
# gets the same number. The 25 slowest tests are listed at the end of each run.
TEST_WORKERS ?= 2
PYTEST_RUN := $(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal --durations=25

test-sqlite: setup  ## the whole suite on SQLite (browser walkthroughs and bench pipeline included)
	$(PYTEST_RUN)

# The browser walkthroughs, the tests on their own SQLite file (bench pipeline, concurrency
# on a real file) and the tests that never reach the test database (parsers, settings in a
# subprocess, the import contract; marked no_db by conftest.py) run once, in test-sqlite: on
# PostgreSQL they would repeat the same work, not test the database. Each xdist worker gets its own test database (test_<name>_gw0, _gw1, ...).
# The isolation matrix (tests/test_isolation.py, every URL and API operation) runs one way on
# PostgreSQL (village A looking at B) and both ways on SQLite: the second direction sends the
# same SQL with the other village's ids, so it tests the views again, not the engine; one way
# still puts every URL's queries (and the PostgreSQL raw-SQL branches) through PostgreSQL.
test-postgres: setup  ## the suite on PostgreSQL (TEST_DATABASE_URL): every test that uses the database
	DATABASE_URL=$(TEST_DATABASE_URL) $(PYTEST_RUN) -m "not browser and not own_sqlite and not no_db"

# PostgreSQL when reachable; said plainly when it is not.
test-postgres-if-up: setup
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(TEST_DATABASE_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		echo "PostgreSQL not reachable at $(TEST_DATABASE_URL): suite ran on SQLite only."; \
	fi

# Everything at once: the checks and both suites in parallel, each target's output printed
# whole when it ends (--output-sync), then the wall time and the machine's load.
# The project's own modules, and the test modules as pytest rewrites them, are compiled once
# before the parallel part (tests/precompile.py): otherwise, on a fresh clone, the checks and
# every test process compile the same ~750 files side by side, and every xdist worker rewrites
# the same ~200 test modules.
test: setup  ## everything CI runs (lint, types, checks, SQLite + PostgreSQL suites, browser tests)
	@start=$$(date +%s); \
	$(BIN)/python tests/precompile.py; \
	$(MAKE) --no-print-directory -j 5 --output-sync=target lint typecheck check test-sqlite test-postgres-if-up; \
	rc=$$?; \
	echo "make test: $$(( $$(date +%s) - start )) s wall, exit $$rc, load average $$(cut -d' ' -f1-3 /proc/loadavg) on $$(nproc) cores"; \
	exit $$rc

bench: setup  ## benchmark at regency scale (1,000,000 residents; takes minutes)
	$(BIN)/balai bench

clean:  ## remove the venv and local data
	rm -rf $(VENV) var
