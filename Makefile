# kb: two commands for a new user on a fresh machine:
#   make demo   set up, start Neo4j, load the corpus, print a topic page
#   make test   set up, run the test suite against a real Neo4j
PYTHON ?= $(shell command -v python3.11 || command -v python3)
# Python 3.13, when this machine has it: the fast tests run on it too
PY313  ?= $(shell for p in $(HOME)/.pyenv/versions/3.13*/bin/python3.13 $$(command -v python3.13); do "$$p" -c "" 2>/dev/null && echo "$$p" && break; done)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.kb-installed
STAMP313 := .venv-3.13/.kb-installed

.PHONY: demo test test-3.13 lint bench install neo4j start stop clean chromium axe cairo

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) cairo

neo4j: $(STAMP)
	$(BIN)/kb db install

start: neo4j
	$(BIN)/kb db start

demo: start cairo
	$(BIN)/kb db init
	$(BIN)/kb load --format table
	$(BIN)/kb topic open_weight_release --format table

# ruff first (seconds), then the whole suite against a real Neo4j: one server per pytest-xdist
# worker, a worker per core (at most 4); the tests of one shared graph stay on one worker
PYTEST_WORKERS ?= -n auto --maxprocesses=4 --dist loadgroup
test: lint neo4j chromium axe cairo
	$(BIN)/pytest $(PYTEST_WORKERS)

# headless Chromium and its driver for the Neo4j Browser test (Debian packages;
# installed when missing if run as root, as CI does)
chromium:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium chromium-driver; \
	else echo "The Neo4j Browser test needs headless Chromium: run sudo apt-get install -y chromium chromium-driver"; fi

# axe-core (npm) for the accessibility check of kb serve's pages in headless Chromium
AXE := .kb/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)

$(AXE):
	npm install --no-save --no-audit --no-fund --prefix .kb/axe 'axe-core@>=4.10 <5'

# the cairo library CairoSVG draws PNGs with (kb matrix --format png): a Debian
# package, installed when missing if run as root
cairo:
	@if /sbin/ldconfig -p 2>/dev/null | grep -q 'libcairo\.so\.2'; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q libcairo2; \
	else echo "PNG output (--format png) needs the cairo library: run sudo apt-get install -y libcairo2"; fi

# ruff: lint and format check (configured in pyproject.toml); `ruff format .` fixes the format
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

$(STAMP313): pyproject.toml
	$(PY313) -m venv .venv-3.13
	.venv-3.13/bin/pip install --quiet --upgrade pip
	.venv-3.13/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP313)

# CI (.ci/run) runs it after `make test`
ifneq ($(PY313),)
test-3.13: neo4j $(STAMP313)
	.venv-3.13/bin/pytest -q -m "not slow" $(PYTEST_WORKERS)
else
test-3.13:
	@echo "No Python 3.13 on this machine: the fast tests ran on $$($(BIN)/python --version) only."
endif

# The benchmark starts its own throwaway Neo4j; results in bench/results/ (ignored by git).
bench: neo4j
	$(BIN)/python bench/run.py

# the README's screenshots of kb serve (docs/img/), from the local server with the corpus loaded (make demo)
screenshots: start chromium
	$(BIN)/python docs/screenshots.py

stop:
	$(BIN)/kb db stop

clean:
	-$(BIN)/kb db stop
	rm -rf $(VENV) .venv-3.13 .kb .pytest_cache .hypothesis
