# Two commands from nothing (Python 3.11+): `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# govcell's own hooks run from this checkout's venv (see .pre-commit-config.yaml).
export PATH := $(CURDIR)/$(BIN):$(PATH)
PYTEST_ARGS ?=
# The suite runs on every core (pytest-xdist); PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto
SARIF_SCHEMA := $(VENV)/share/govcell-test/sarif-2.1.0.json
AXE := $(VENV)/share/govcell-test/axe.min.js
AXE_VERSION := 4.11.0
# The SARIF multitool (a self-contained .NET build per OS) validates govcell's SARIF
# against GitHub code scanning's ingestion rules (tests/test_sarif_multitool.py).
MULTITOOL_VERSION := 5.7.0
MULTITOOL_OS := $(shell uname -s | sed -e 's/Linux/linux/' -e 's/Darwin/darwin/')
MULTITOOL := $(VENV)/share/govcell-test/sarif-multitool/Sarif.Multitool

.PHONY: demo test test-fast gates install install-test bench clean release

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "govcell needs Python 3.11 or newer ($(PYTHON) is older)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[site,dev]'

install-test: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	@$(MAKE) --no-print-directory $(SARIF_SCHEMA) $(AXE) $(MULTITOOL)

# The SARIF 2.1.0 JSON Schema the reporter is validated against, from the npm
# registry (a package install; tests themselves never touch the network).
$(SARIF_SCHEMA):
	@mkdir -p $(dir $@)
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null \
	  && tar xzf microsoft-jest-sarif-1.0.0-beta.0.tgz package/lib/schemas/sarif-2.1.0-rtm.5.json \
	  && cp package/lib/schemas/sarif-2.1.0-rtm.5.json $(CURDIR)/$@ && rm -rf $$tmp \
	  || echo "note: could not fetch the SARIF schema with npm; the SARIF schema test will be skipped"

# axe-core, the accessibility engine the Chromium test runs inside the site's pages,
# from the npm registry (a package install, like the schema above).
$(AXE):
	@mkdir -p $(dir $@)
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null \
	  && tar xzf axe-core-$(AXE_VERSION).tgz package/axe.min.js \
	  && cp package/axe.min.js $(CURDIR)/$@ && rm -rf $$tmp \
	  || echo "note: could not fetch axe-core with npm; the accessibility part of the browser test will be skipped"

# The SARIF multitool, from the npm registry (its per-OS package; the `@microsoft/sarif-multitool`
# wrapper only picks it): run by the tests on SARIF written offline.
$(MULTITOOL):
	@mkdir -p $(dir $@)
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent @microsoft/sarif-multitool-$(MULTITOOL_OS)@$(MULTITOOL_VERSION) >/dev/null \
	  && tar xzf microsoft-sarif-multitool-$(MULTITOOL_OS)-$(MULTITOOL_VERSION).tgz \
	  && cp -R package/. $(CURDIR)/$(dir $@) && chmod u+x $(CURDIR)/$@ && rm -rf $$tmp \
	  || echo "note: could not fetch the SARIF multitool with npm; the code-scanning SARIF test will be skipped"

RESULTS := test-results/govcell-results.json

# The site reports each AC's run status from test results: when no run has left
# results yet (`make test` writes them for the whole suite), the demo runs the
# fast part of the suite first, so the report shows real passing ACs and says
# "not run" only for the slow end-to-end ones.
demo: install-test
	@git rev-parse --git-dir >/dev/null 2>&1 || { echo "make demo runs pre-commit, which needs a git checkout"; exit 1; }
	$(BIN)/pre-commit run --all-files
	@echo
	@echo "All govcell hooks passed on this repository's own cell."
	@echo
	@test -f $(RESULTS) || { echo "No test results yet: running the fast test suite for the report's run status"; \
	  $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) -m 'not slow'; }
	$(BIN)/govcell status
	$(BIN)/govcell site build --out site --strict
	@echo
	@echo "The governance site of this repository is in site/: run .venv/bin/govcell site serve"
	@echo "and open http://127.0.0.1:8000/ (its links are directory URLs, which file:// browsing shows as listings)"

# The three gates (docs/architecture.md), run before the tests: the one-way import rule
# (import-linter contracts), lint (ruff: `print` only in cli/ and entry/) and types (mypy --strict).
# Config: pyproject.toml's [tool.importlinter], [tool.ruff] and [tool.mypy].
# mypy cannot follow the editable install's package-dir mapping (hooks/ -> govcell, site_gen/ ->
# govcell_site), so it reads the packages through symlinks under build/typecheck/ ([tool.mypy] mypy_path).
TYPECHECK := build/typecheck
gates: install-test
	$(BIN)/lint-imports
	$(BIN)/ruff check hooks site_gen tests bench
	@mkdir -p $(TYPECHECK) && ln -sfn ../../hooks $(TYPECHECK)/govcell && ln -sfn ../../site_gen $(TYPECHECK)/govcell_site
	$(BIN)/mypy

test: gates
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Skip the slow end-to-end tests (pre-commit try-repo, mkdocs, Chromium).
test-fast: install-test
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m 'not slow' $(PYTEST_ARGS)

# A release anyone can pin: bumps hooks/__init__.py, dates CHANGELOG.md's Unreleased
# entries, commits, tags vX.Y.Z and builds sdist + wheel into dist/ (.ci/release.py).
release: install-test
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=X.Y.Z"; exit 2; }
	$(BIN)/python .ci/release.py $(VERSION)

clean:
	rm -rf site build dist *.egg-info .pytest_cache test-results

# Benchmarks (docs/benchmarks.md): synthetic 2k/8k-item cells, every command in a fresh
# process. BENCH_ARGS="--competitors --write-doc" adds Doorstop/StrictDoc/sphinx-needs
# and rewrites the generated block of docs/benchmarks.md.
BENCH_ARGS ?=
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)
