# Thin wrappers over the real tools; `make help` lists them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
# Used for the second test run when a PostgreSQL server is reachable.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: help setup demo run test test-sqlite test-postgres lint typecheck check bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(BIN)/uv
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --python $(BIN)/python
	touch $@

setup: $(VENV)/.synced  ## create .venv and install the locked dependencies

demo: setup  ## build the demo regency on SQLite and serve it on http://127.0.0.1:8000/
	$(BIN)/balai demo
	DEBUG=1 $(BIN)/balai runserver 127.0.0.1:8000

run: setup  ## serve the existing database
	DEBUG=1 $(BIN)/balai runserver 127.0.0.1:8000

lint: setup  ## ruff lint + format check + the import layers (.importlinter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: setup  ## mypy
	$(BIN)/mypy balai config

check: setup  ## Django system checks and missing migrations
	$(BIN)/balai check
	$(BIN)/balai makemigrations --check --dry-run

test-sqlite: setup  ## the whole suite on SQLite
	$(BIN)/pytest

# The browser walkthroughs and the bench pipeline (which always uses its own SQLite file)
# run once, in test-sqlite: on PostgreSQL they would repeat the same work, not test the database.
test-postgres: setup  ## the suite on PostgreSQL (TEST_DATABASE_URL), without browser and bench-pipeline tests
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest --ignore=tests/e2e \
		--deselect balai/devtools/tests/test_bench.py::test_bench_run_produces_every_metric

test: lint typecheck check test-sqlite  ## everything CI runs; PostgreSQL too when reachable
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(TEST_DATABASE_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		echo "PostgreSQL not reachable at $(TEST_DATABASE_URL): suite ran on SQLite only."; \
	fi

bench: setup  ## benchmark at regency scale (1,000,000 residents; takes minutes)
	$(BIN)/balai bench

clean:  ## remove the venv and local data
	rm -rf $(VENV) var
