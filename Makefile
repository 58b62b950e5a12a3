# Borough: `make run` and `make test` are all a fresh machine needs (Python 3.11+ and make).
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := src/borough/static/build/.built
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run setup test test-postgres lint bench assets demo clean lock browser

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Borough needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 'setuptools>=69' wheel
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

$(ASSETS): $(STAMP) package.json package-lock.json $(shell find src/borough/frontend -type f 2>/dev/null)
	scripts/build-assets
	touch $(ASSETS)

assets: $(ASSETS)

setup: $(STAMP) $(ASSETS)
	$(BIN)/borough migrate --no-input
	$(BIN)/borough demo --if-absent

run: setup
	$(BIN)/borough serve --host $(HOST) --port $(PORT)

browser:
	@test -x /usr/bin/chromium || scripts/install-system-packages chromium

test: $(STAMP) $(ASSETS) browser
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: $(STAMP) $(ASSETS) browser
	scripts/with-postgres $(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/borough makemigrations --check --dry-run

bench: $(STAMP) $(ASSETS)
	$(BIN)/python -m benchmarks

# Re-lock after changing dependencies in pyproject.toml.
lock:
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/python -m pip install --quiet -e '.[test,dev]'
	.lockvenv/bin/python -m pip freeze --exclude-editable | grep -v '^borough' > requirements.lock
	rm -rf .lockvenv

clean:
	rm -rf $(VENV) node_modules src/borough/static/build
