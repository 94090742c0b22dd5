# The two commands: `make run` serves the portal with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app app
CATALOGUES := portal/translations
LANGS := fi sv en

.PHONY: run test check fuzz prepare install compile vnu translations-extract translations-update benchmark clean

run: prepare
	PORTAL_INSECURE_COOKIES=1 $(FLASK) run --host 127.0.0.1 --port $(PORT)

# Always on SQLite (with the browser tests); again on PostgreSQL when PORTAL_TEST_DATABASE_URL is set.
test: prepare $(if $(shell command -v npm),vnu ical-check)
	env -u PORTAL_TEST_DATABASE_URL $(BIN)/pytest
	if [ -n "$$PORTAL_TEST_DATABASE_URL" ]; then $(BIN)/pytest --ignore=tests/browser; fi

# The quality gate CI runs before the tests, one step a line: the dependency audit, ruff (lint), mypy
# (types) and lint-imports (the import contracts in pyproject.toml). The dependency audit fails on a known-vulnerable package; where its
# vulnerability source cannot be reached it says so and is skipped (AUDIT_REQUIRED=1 makes that fail).
check: install
	$(BIN)/python tools/audit_dependencies.py
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# A longer run of the property-based fuzzing in tests/test_fuzz.py and tests/test_staff_fuzz.py (the suite runs 25 examples a test);
# FUZZ_EXAMPLES sets the number per test. It prints how many examples were run.
FUZZ_EXAMPLES ?= 1000
fuzz: prepare
	PORTAL_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -p no:cacheprovider -q -s tests/test_fuzz.py tests/test_staff_fuzz.py

prepare: install compile
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) catalogue refresh --stale

# The W3C Nu HTML checker that tests/test_html_validity.py runs (with java): npm's vnu-jar, into this
# folder's node_modules/. Its install script (a Java downloader) is not run: the system's java is used.
VNU_VERSION := 26.9.27
VNU_JAR := node_modules/vnu-jar/build/dist/vnu.jar

vnu: $(VNU_JAR)

$(VNU_JAR):
	npm install --no-save --no-package-lock --no-audit --no-fund --ignore-scripts vnu-jar@$(VNU_VERSION)

# ical.js, the iCalendar library Thunderbird's calendar is built on, for tests/test_calendar_timezones.py:
# a second reader of our calendar files that knows no time zone but the file's. In its own folder, so
# installing it never prunes vnu-jar from node_modules/.
ICAL_JS_VERSION := 2.2.1
ICAL_JS := tools/ical-check/node_modules/ical.js/dist/ical.es5.cjs

ical-check: $(ICAL_JS)

$(ICAL_JS):
	npm install --prefix tools/ical-check --no-save --no-package-lock --no-audit --no-fund --ignore-scripts ical.js@$(ICAL_JS_VERSION)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,check]'
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
