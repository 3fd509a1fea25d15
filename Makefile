# kb: two commands for a new user on a fresh machine:
#   make demo   set up, start Neo4j, load the corpus, print a topic page
#   make test   set up, run the test suite against a real Neo4j
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.kb-installed

.PHONY: demo test bench install neo4j start stop clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

neo4j: $(STAMP)
	$(BIN)/kb db install

start: neo4j
	$(BIN)/kb db start

demo: start
	$(BIN)/kb db init
	$(BIN)/kb load --format table
	$(BIN)/kb topic open_weight_release --format table

test: neo4j
	$(BIN)/pytest

# The benchmark starts its own throwaway Neo4j; results in bench/results.json.
bench: neo4j
	$(BIN)/python bench/run.py

stop:
	$(BIN)/kb db stop

clean:
	-$(BIN)/kb db stop
	rm -rf $(VENV) .kb .pytest_cache .hypothesis
