# Jastar Hub: `make run` starts the whole system, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PACKAGES := -e libs/jastar-common -e services/registry -e services/booking \
            -e services/notifications -e services/reports -e gateway \
            -e libs/jastar-devkit
INSTALLED := $(VENV)/.installed
# axe-core from npm: the browser tests inject it (the web app itself needs no build)
AXE := web/node_modules/axe-core/axe.min.js

.PHONY: install run test test-fast clean

install: $(INSTALLED)

$(INSTALLED): requirements/constraints.txt requirements/test.txt \
              libs/*/pyproject.toml services/*/pyproject.toml gateway/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements/constraints.txt $(PACKAGES) -r requirements/test.txt
	touch $@

$(AXE): web/package-lock.json
	cd web && npm ci --no-audit --no-fund --silent
	touch $@

run: install
	$(BIN)/python scripts/run_local.py

test: install $(AXE)
	$(BIN)/pytest

# the inner loop: unit, service (PostgreSQL), ops and integration, without the
# slow stress, fuzzing and fault tests (and without the browser); CI runs `make test`
test-fast: install
	$(BIN)/pytest -m "not slow" tests/unit tests/service tests/ops tests/integration

clean:
	rm -rf $(VENV) var
