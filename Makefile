# Two commands: `make run` serves the app with demo data, `make test` runs the suite.
# Both build .venv from pyproject.toml, pinned by constraints.txt.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: run test lint format bench lock clean

run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(VENV)/.dev node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmarks need PostgreSQL (BENCH_DATABASE_URL) and Redis; they print figures.
bench: $(VENV)/.bench
	$(BIN)/python bench/api_write.py
	$(BIN)/python bench/triage_sweep.py

# Re-pin every dependency to the newest versions pyproject.toml allows.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e ".[dev,bench]"
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^twitchlog' > constraints.txt
	rm -rf .lock-venv

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: $(VENV)/bin/python pyproject.toml constraints.txt
	$(PIP) -e .
	touch $@

$(VENV)/.dev: $(VENV)/bin/python pyproject.toml constraints.txt
	$(PIP) -e ".[dev]"
	touch $@ $(VENV)/.runtime

# axe-core for the browser tests, if npm is here; without it those tests say so.
node_modules/.installed: package.json package-lock.json
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; fi

$(VENV)/.bench: $(VENV)/.dev
	$(PIP) -e ".[dev,bench]"
	touch $@

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
