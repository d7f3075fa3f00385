# JamPortal. The two commands a newcomer needs:
#   make run    install, migrate, load demo data, serve http://127.0.0.1:8000
#   make test   install everything the checks need, then run them all
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check --quiet

.PHONY: run test serve bench load audit booth-demo system-packages-serve system-packages-load lint migrations-check gazetteer makemessages messages messages-check pytest pytest-postgres system-packages \
	system-packages-test requirements clean

# DEBUG is off unless DJANGO_DEBUG=true, and then the settings want a secret key: the
# development commands here turn it on (make serve turns it off again in scripts/serve.sh;
# pytest run by hand gets it from pyproject.toml).
run booth-demo test pytest pytest-postgres messages messages-check makemessages migrations-check gazetteer: \
	export DJANGO_DEBUG = true

# The booth's words (gettext domain "photobooth") are extracted by Babel: the booth has no Django.
BOOTH_EXTRACT := $(VENV)/bin/pybabel -q extract -k _ -k ngettext:1,2 --no-location --no-wrap --ignore-dirs=tests
CATALOGUES := $(wildcard locale/*/LC_MESSAGES/*.po locale-extra/*/LC_MESSAGES/*.po)

run: system-packages $(VENV)/.run-installed messages
	$(PY) manage.py migrate --no-input
	$(PY) manage.py build_gazetteer --if-missing
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: system-packages-test $(VENV)/.dev-installed node_modules/.installed lint migrations-check messages-check pytest pytest-postgres

# Production-like, on loopback: PostgreSQL, Redis, gunicorn + whitenoise, Celery worker and beat, DEBUG off.
serve: system-packages-serve $(VENV)/.run-installed messages
	scripts/serve.sh

# The photobooth in a window, posting to the portal that `make run` serves (start that first).
# The space bar is the button (hold 1.5 s: next language; 5 s or Escape: quit); a webcam if there is one.
booth-demo: $(VENV)/.dev-installed
	@$(PY) -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/', timeout=5)" 2>/dev/null || \
		{ echo "The portal is not running: start it in another terminal with 'make run', then try again."; exit 1; }
	$(PY) manage.py booth_demo_token | $(PY) -m photobooth --config photobooth/demo.toml pair -
	$(PY) -m photobooth --config photobooth/demo.toml run --camera $$(ls /dev/video* >/dev/null 2>&1 && echo webcam || echo fake)

# Benchmarks: ratios against baselines measured in the same run (docs/benchmarks.md).
bench: $(VENV)/.dev-installed messages gazetteer
	$(PY) bench/find_a_jam.py
	$(PY) bench/compose.py

# Load test: `make serve` on loopback under wrk, beside a minimal Django view (about four minutes).
load: system-packages-load $(VENV)/.dev-installed messages
	$(PY) bench/load.py

# Lighthouse on the home page and a Jam page as make serve serves them (mobile profile; about two minutes).
audit: system-packages-test $(VENV)/.dev-installed node_modules/.installed messages
	$(PY) bench/audit.py

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

migrations-check: $(VENV)/.dev-installed
	$(PY) manage.py makemigrations --check --dry-run

# The offline gazetteer's index (var/gazetteer.sqlite3), built once from PyPI data.
gazetteer: $(VENV)/.dev-installed
	$(PY) manage.py build_gazetteer --if-missing

# Compile the translation catalogues (.mo files are built, never committed).
messages:
	$(PY) manage.py compilemessages --ignore=.venv -v0

# Catalogues must compile cleanly, placeholders included (msgfmt --check);
# completeness and sync with the code are checked by the tests (test_catalogues.py).
messages-check: messages
	@for po in $(CATALOGUES); do msgfmt --check -o /dev/null $$po || exit 1; done
	@echo "$(words $(CATALOGUES)) catalogues pass msgfmt --check"

# Update the catalogues from the code after changing user-facing text; then translate the new entries.
makemessages: $(VENV)/.dev-installed
	$(PY) manage.py makemessages --all --no-location --no-obsolete --no-wrap --ignore=.venv --ignore=.tmp --ignore=test-artifacts --ignore=photobooth
	$(PY) manage.py makemessages --all --no-location --no-obsolete --no-wrap -d djangojs --ignore=.venv --ignore=.tmp --ignore=staticfiles
	@mkdir -p .tmp && $(BOOTH_EXTRACT) -o .tmp/photobooth.pot photobooth
	@for po in locale/*/LC_MESSAGES/photobooth.po; do \
		msgmerge --quiet --update --backup=none --no-fuzzy-matching --no-wrap $$po .tmp/photobooth.pot && \
		msgattrib --no-obsolete --no-wrap -o $$po $$po || exit 1; done

# The whole suite on SQLite (the default database) ...
pytest: $(VENV)/.dev-installed node_modules/.installed messages gazetteer
	$(PY) -m pytest

# ... and again on a real PostgreSQL server that the script starts and stops.
pytest-postgres: $(VENV)/.dev-installed node_modules/.installed messages gazetteer
	@url=$$(scripts/postgres.sh start) && echo "PostgreSQL at $$url" && \
	DATABASE_URL=$$url $(PY) -m pytest; status=$$?; scripts/postgres.sh stop; exit $$status

system-packages:
	@scripts/system-packages.sh run

system-packages-serve:
	@scripts/system-packages.sh serve

system-packages-load:
	@scripts/system-packages.sh load

system-packages-test:
	@scripts/system-packages.sh test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# axe-core for the accessibility tests, Lighthouse for `make audit` (versions pinned in package-lock.json).
node_modules/.installed: package.json package-lock.json
	npm ci --no-progress --loglevel=error
	@touch $@

$(VENV)/.run-installed: requirements.txt | $(VENV)/bin/python
	$(PIP) install -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PIP) install -r requirements-dev.txt
	@touch $@ $(VENV)/.run-installed

# Re-pin requirements*.txt after editing requirements*.in.
requirements: $(VENV)/.dev-installed
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links \
		--annotation-style=line -o requirements.txt requirements.in
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links \
		--annotation-style=line -o requirements-dev.txt requirements-dev.in
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links \
		--annotation-style=line -c requirements-dev.txt -o photobooth/requirements.txt photobooth/requirements.in

clean:
	scripts/postgres.sh stop || true
	rm -rf $(VENV) .tmp staticfiles
