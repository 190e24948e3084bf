# TrustRepair: `make run` serves the app on SQLite; `make test` runs the checks and the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.13 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
DEV_ENV := DEBUG=1
PYTEST_ARGS ?=
BENCH_ARGS ?=
RUN_ADDR ?= 127.0.0.1:8000
SCALE_ARGS ?=

.PHONY: run test lint format bench scale-check demo sync clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 13) else "Python 3.13 is required (found %d.%d)" % sys.version_info[:2])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --requirement requirements.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# The web server, the task worker (reminders) and the reminder scheduler; Ctrl-C stops all.
run: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py sync_guides
	$(DEV_ENV) exec $(BIN)/python manage.py devserver $(RUN_ADDR)

sync: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py sync_guides

demo: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py sync_guides
	$(DEV_ENV) $(BIN)/python manage.py make_demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet --recursive --severity-level medium trustrepair guides journal
	$(DEV_ENV) $(BIN)/mypy
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet --recursive --severity-level medium trustrepair guides journal
	$(DEV_ENV) $(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Two app servers behind nginx, one PostgreSQL, one Redis (README, "Scaling out").
scale-check: $(STAMP)
	$(BIN)/python bench/scale.py $(SCALE_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
