# CommerceGraph: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
CUSTOMERS ?= 500

.PHONY: run test test-quick test-tools lint install install-dev migrate seed schema bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/commercegraph migrate

seed: migrate
	$(BIN)/commercegraph seed --if-empty --customers $(CUSTOMERS)

run: seed
	@echo "GraphiQL: http://$(HOST):$(PORT)/graphql"
	$(BIN)/commercegraph serve --host $(HOST) --port $(PORT)

# Tools the tests start for real (browsers, npm packages, servers from Debian's packages):
# each scripts/test-tools/*.sh installs one into a cache outside the work tree, reusing it
# when present, and is safe to run again.
test-tools:
	@for s in scripts/test-tools/*.sh; do [ -e "$$s" ] || continue; bash "$$s" || exit 1; done

test: install-dev test-tools
	$(BIN)/python -m pytest

# The inner loop: everything but the tests marked slow (real vendor systems, crash and soak
# runs, browsers, several replicas).
test-quick: install-dev
	$(BIN)/python -m pytest -m "not slow"

lint: install-dev
	$(BIN)/ruff check commercegraph tests bench
	$(BIN)/mypy

schema: install
	$(BIN)/commercegraph export-schema --output schema.graphql

# Benchmark tools (wrk) install like the test tools; the soak test runs beside the figures.
bench: install-dev
	@for s in scripts/bench-tools/*.sh; do [ -e "$$s" ] || continue; bash "$$s" || exit 1; done
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done
	$(BIN)/python -m pytest -q tests/integration/test_soak.py

clean:
	rm -rf $(VENV) commercegraph.db commercegraph.db-wal commercegraph.db-shm .pytest_cache .mypy_cache
