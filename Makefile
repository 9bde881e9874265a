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

run: $(VENV)/.runtime
	$(FLASK) db upgrade
	$(FLASK) ypb demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .

# Extract every message into translations/messages.pot, update the catalogs, compile them.
translations: $(VENV)/.dev
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -o translations/messages.pot --no-location --sort-output .
	@for po in translations/*/LC_MESSAGES/messages.po; do \
	  [ -f "$$po" ] && $(BIN)/pybabel update -i translations/messages.pot -d translations -l $$(echo $$po | cut -d/ -f2) || true; \
	done
	$(BIN)/pybabel compile -d translations --use-fuzzy 2>/dev/null || true

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
