# Powens Connectors Admin — the two commands are `make run` and `make test` (see README.md).
# Needs only python3 (3.13; pyenv honours .python-version), make and the package registry.

SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
# Written after a successful install: pip runs again only when requirements.txt is newer.
STAMP := $(VENV)/.requirements-installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Paths for mypy instead of pyproject's `files`, e.g. "--follow-imports=silent accounts audit".
MYPY_ARGS ?=

.PHONY: help install run test lint format

help:
	@echo "make run     set up (venv, install, migrate, sandbox + demo accounts), serve on http://$(HOST):$(PORT)/ with one worker"
	@echo "make test    install and run the whole test suite"
	@echo "make lint    ruff check + format check, import contracts, mypy"
	@echo "make format  ruff fix + format"

# The first python3 / python3.13 on PATH that is at least 3.13 creates the virtualenv.
$(PY):
	@py=""; for candidate in python3 python3.13; do \
	  if command -v $$candidate >/dev/null 2>&1 && \
	     $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 13))' 2>/dev/null; then \
	    py=$$candidate; break; fi; done; \
	if [ -z "$$py" ]; then \
	  echo "Python 3.13 is required (python3 here is $$(python3 --version 2>&1))." >&2; \
	  echo "Install it (e.g. 'pyenv install 3.13', or apt-get install python3.13-venv) and retry." >&2; \
	  exit 1; fi; \
	echo "Creating $(VENV) with $$($$py --version)"; \
	$$py -m venv $(VENV)

$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

install: $(STAMP)

# Sandbox data and demo accounts are created only when missing, so a second run keeps data.
# run_dev starts the web server and one background worker; Ctrl+C stops both.
run: export DJANGO_ENV := development
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py dev_setup --url http://$(HOST):$(PORT)/
	exec $(PY) manage.py run_dev $(HOST):$(PORT)

test: export DJANGO_ENV := test
test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# mypy's Django plugin imports the settings: the test environment needs no secrets or .env.
lint: export DJANGO_ENV := test
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo
	$(VENV)/bin/mypy $(MYPY_ARGS)

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
