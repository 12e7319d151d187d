# CommerceGraph: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
CUSTOMERS ?= 500
# Installs come from the lock files (exact versions, with hashes); `make lock` rewrites them
# from pyproject.toml, keeping the versions already pinned where they still fit.
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
LOCK_TOOLS ?= $(HOME)/.cache/commercegraph/lock-tools
UV_VERSION := 0.13.9
UV_COMPILE := $(LOCK_TOOLS)/bin/uv pip compile pyproject.toml --generate-hashes --universal \
	--python-version 3.11 --no-header --quiet

.PHONY: run run-composable test test-quick test-tools lint install install-dev lock lock-upgrade migrate seed schema bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(LOCK) | $(BIN)/python
	@$(BIN)/python scripts/check_lock.py
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(DEV_LOCK) | $(BIN)/python
	@$(BIN)/python scripts/check_lock.py
	$(BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@ $(VENV)/.installed

$(LOCK_TOOLS)/bin/uv:
	$(PYTHON) -m venv $(LOCK_TOOLS)
	$(LOCK_TOOLS)/bin/python -m pip install --quiet uv==$(UV_VERSION)

# After adding or changing a dependency in pyproject.toml: `make lock`, then commit both
# lock files. `make lock-upgrade` moves every pin to the newest release that fits.
lock: $(LOCK_TOOLS)/bin/uv
	$(UV_COMPILE) $(LOCK_ARGS) --extra otlp --extra dev -o $(DEV_LOCK)
	$(UV_COMPILE) $(LOCK_ARGS) --extra otlp -c $(DEV_LOCK) -o $(LOCK)
	@$(PYTHON) scripts/check_lock.py

lock-upgrade: LOCK_ARGS = --upgrade
lock-upgrade: lock

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/commercegraph migrate

seed: migrate
	$(BIN)/commercegraph seed --if-empty --customers $(CUSTOMERS)

run: seed
	@echo "GraphiQL: http://$(HOST):$(PORT)/graphql"
	$(BIN)/commercegraph serve --host $(HOST) --port $(PORT)

# The same demo over real systems: Vendure for commerce, pricing and stock, Strapi for
# content, the gateway's own store for the rest. The first run installs both into
# ~/.cache/commercegraph/backends (several minutes); later runs start in seconds.
run-composable: seed
	@echo "GraphiQL (once Vendure and Strapi are up): http://$(HOST):$(PORT)/graphql"
	$(BIN)/commercegraph serve-composable --host $(HOST) --port $(PORT)

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
	$(BIN)/python -m pytest -m "not slow and not vendor"

lint: install-dev
	$(BIN)/ruff check commercegraph tests bench
	$(BIN)/mypy

schema: install
	$(BIN)/commercegraph export-schema --output schema.graphql

# Benchmark tools (wrk; Hive Gateway for bench/peer.py) install like the test tools; the soak
# test runs beside the figures.
bench: install-dev
	@for s in scripts/bench-tools/*.sh; do [ -e "$$s" ] || continue; bash "$$s" || exit 1; done
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done
	$(BIN)/python -m pytest -q tests/integration/test_soak.py

clean:
	rm -rf $(VENV) commercegraph.db commercegraph.db-wal commercegraph.db-shm .pytest_cache .mypy_cache
