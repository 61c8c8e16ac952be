# Ordi 2.0 — the two commands a newcomer needs are `make run` and `make test`.
# Both create the virtualenv in .venv and install what they need on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-scale migrate worker clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## Start the API on http://127.0.0.1:8000 with demo data (SQLite file + in-process worker).
run: $(STAMP)
	@sh ordi/station/ensure_decoder.sh
	$(VENV)/bin/ordi demo

## Run the whole suite: SQLite, then PostgreSQL + Redis (required when CI=true).
test: $(STAMP)
	@sh tests/ensure_browser.sh
	@sh tests/ensure_axe.sh
	@sh ordi/station/ensure_decoder.sh
	$(PY) tests/run_backends.py $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check ordi workers labels
	$(VENV)/bin/mypy ordi workers labels
	$(VENV)/bin/lint-imports

## Throughput, latency and memory figures (PostgreSQL + Redis on 127.0.0.1).
bench: $(STAMP)
	$(PY) bench/run.py

## List pages and storage at national scale (1 M devices, ~9.7 M events; local PostgreSQL, never in CI).
bench-scale: $(STAMP)
	$(PY) bench/scale.py $(ARGS)

migrate: $(STAMP)
	$(VENV)/bin/ordi migrate

worker: $(STAMP)
	$(PY) -m workers --processes 1 --threads 4

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
