# CommerceGraph: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
CUSTOMERS ?= 500

.PHONY: run test lint install install-dev migrate seed schema bench clean

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

test: install-dev
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check commercegraph tests bench
	$(BIN)/mypy

schema: install
	$(BIN)/commercegraph export-schema --output schema.graphql

bench: install-dev
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) commercegraph.db commercegraph.db-wal commercegraph.db-shm .pytest_cache .mypy_cache
