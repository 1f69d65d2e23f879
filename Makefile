# Accord: `make run` starts the product with a demo; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
LOCK_HASH := $(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
STAMP := $(VENV)/.installed-$(LOCK_HASH)
PORT ?= 8000
export ACCORD_DATA_DIR ?= $(CURDIR)/var
PYTEST_FLAGS ?= -q -p no:cacheprovider
PYTEST_WORKERS ?= 2
# Idle workers take queued tests from busy ones (the long tests are collected first).
PYTEST_DIST ?= --dist worksteal

.PHONY: install run test lint typecheck audit pytest-sqlite pytest-postgres browser \
	bench screenshots clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else \
		"Accord needs Python 3.12 or newer, found " + sys.version.split()[0] + \
		". Install 3.12 (e.g. pyenv install 3.12) or run make PYTHON=/path/to/python3.12")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

run: install
	$(BIN)/accord migrate --noinput -v 0
	$(BIN)/accord demo --if-empty
	@echo; echo "Accord: http://127.0.0.1:$(PORT)/"; $(BIN)/accord demo --logins; echo
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} ACCORD_SHOW_DEMO_LOGINS=true \
		$(BIN)/accord serve --with-worker --port $(PORT)

test: install lint typecheck audit pytest-sqlite pytest-postgres browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy accord

# Known vulnerabilities in the pinned dependencies fail the build (scripts/audit.py).
audit: install
	$(BIN)/python scripts/audit.py

# The whole suite on SQLite (pytest exits non-zero when it collects nothing).
pytest-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest -m "not browser and not postgres_server" \
		-n $(PYTEST_WORKERS) $(PYTEST_DIST) $(PYTEST_FLAGS)

# The suite again on PostgreSQL when DATABASE_URL points at one.
pytest-postgres: install
	@if [[ "$${DATABASE_URL:-}" == postgres* ]]; then \
		echo "PostgreSQL run against $${DATABASE_URL%%@*}@…"; \
		$(BIN)/pytest -m "not browser and not one_database" -n $(PYTEST_WORKERS) \
			$(PYTEST_DIST) $(PYTEST_FLAGS); \
	else \
		echo "DATABASE_URL is not a postgres:// URL: the PostgreSQL run is not part of this make test."; \
	fi

# Browser tests drive a real Chromium: Debian's package when present, else Playwright's.
browser: install
	@if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then \
		echo "No system Chromium: installing Playwright's."; $(BIN)/playwright install chromium; \
	fi
	env -u DATABASE_URL $(BIN)/pytest -m browser $(PYTEST_FLAGS)

# Speed targets live here, not in timed unit tests.
bench: install
	env -u DATABASE_URL $(BIN)/python scripts/bench_all.py

screenshots: install
	env -u DATABASE_URL $(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
