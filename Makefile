# The two commands: `make run` serves the portal with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app app
CATALOGUES := portal/translations
LANGS := fi sv en

.PHONY: run test prepare install compile translations-extract translations-update benchmark clean

run: prepare
	PORTAL_INSECURE_COOKIES=1 $(FLASK) run --host 127.0.0.1 --port $(PORT)

# Always on SQLite (with the browser tests); again on PostgreSQL when PORTAL_TEST_DATABASE_URL is set.
test: prepare
	env -u PORTAL_TEST_DATABASE_URL $(BIN)/pytest
	if [ -n "$$PORTAL_TEST_DATABASE_URL" ]; then $(BIN)/pytest --ignore=tests/browser; fi

prepare: install compile
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) catalogue refresh --stale

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

compile: install
	$(BIN)/pybabel compile --use-fuzzy -d $(CATALOGUES) --statistics 2>&1 | tail -n 3

# Translation workflow: extract the English message ids, then merge them into each catalogue.
translations-extract: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --add-comments=Translators: --sort-by-file --width 100 \
	  --project wellbeing-portal --copyright-holder "Wellbeing portal contributors" \
	  -o $(CATALOGUES)/messages.pot .

translations-update: translations-extract
	for lang in $(LANGS); do \
	  test -f $(CATALOGUES)/$$lang/LC_MESSAGES/messages.po || \
	    $(BIN)/pybabel init -i $(CATALOGUES)/messages.pot -d $(CATALOGUES) -l $$lang; \
	done
	$(BIN)/pybabel update -i $(CATALOGUES)/messages.pot -d $(CATALOGUES) --width 100 --ignore-obsolete --no-fuzzy-matching
	$(BIN)/python tools/english_catalogue.py $(CATALOGUES)/en/LC_MESSAGES/messages.po

benchmark: prepare
	$(BIN)/python benchmarks/catalogue.py

clean:
	rm -rf $(VENV) instance/assets instance/*.sqlite3*
