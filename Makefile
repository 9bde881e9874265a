# make run   — set up .venv, upgrade the database, load the demo once, serve on :5000
# make test  — set up .venv with dev tools, run ruff and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app

.PHONY: run test lint translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# Compiled catalogs are built here, not kept in git.
MO := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

%.mo: %.po | $(VENV)/.runtime
	$(BIN)/pybabel -q compile -i $< -o $@

run: $(VENV)/.runtime $(MO)
	$(FLASK) db upgrade
	$(FLASK) ypb demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(VENV)/.dev $(MO)
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r ypb app.py --severity-level medium
	if [ -n "$$YPB_PIP_AUDIT" ]; then $(BIN)/pip-audit --progress-spinner off -r requirements-dev.txt; fi
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .

# English is the source language: its catalog says each message as written.
define FILL_ENGLISH
from babel.messages.pofile import read_po, write_po
path = "translations/en/LC_MESSAGES/messages.po"
with open(path, "rb") as fh:
    catalog = read_po(fh, locale="en")
for message in catalog:
    if message.id:
        message.string = message.id
with open(path, "wb") as fh:
    write_po(fh, catalog, width=76)
endef
export FILL_ENGLISH

# Extract every message into translations/messages.pot, merge it into each catalog, compile them.
# New messages arrive empty in every catalog (the translation test then says which); none is guessed.
translations: $(VENV)/.dev
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --project ypb -o translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python -c "$$FILL_ENGLISH"
	$(BIN)/pybabel compile -d translations --statistics

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
