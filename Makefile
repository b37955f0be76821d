# skhcn — two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py

.PHONY: run test test-browser lint bench install clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) collectstatic --noinput -v 0
	$(MANAGE) load_demo --if-empty
	exec $(BIN)/python -m skhcn.server

test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not browser" -n 2 --dist loadfile

test-browser: $(STAMP)
	$(MANAGE) collectstatic --noinput -v 0
	$(BIN)/python -m pytest -q -m browser -p no:xdist

lint: $(STAMP)
	$(BIN)/ruff check src bench tests conftest.py
	$(BIN)/ruff format --check src bench tests conftest.py

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var bench/out
