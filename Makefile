# JamPortal. The two commands a newcomer needs:
#   make run    install, migrate, load demo data, serve http://127.0.0.1:8000
#   make test   install everything the checks need, then run them all
# and the one a developer runs after every change:
#   make check  lint and the fast tests, in parallel (under two minutes)
SHELL := /bin/bash
# A failing command fails its recipe even when its output goes through a pipe (pip's, below).
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The development server's port (make run PORT=8001).
PORT ?= 8000
# pip's own output is several lines per package: show a line every twenty instead (errors still show).
PIP_INSTALL = $(PY) -m pip --disable-pip-version-check install --progress-bar off -r $(1) | awk \
	-v total=$$(grep -c '^[A-Za-z0-9]' $(1)) '/^(Collecting|Requirement already satisfied)/ && ++found % 20 == 0 \
	{ printf "  %d of about %d packages\n", found, total; fflush() } /^Installing collected/ \
	{ print "  installing them (a minute or two)..."; fflush() }'
# Test processes: one per core (pytest-xdist), each with its own database; an idle one takes
# tests from a busy one's queue (worksteal), as a few tests take minutes. JOBS=1: one process.
JOBS ?= auto
XDIST := $(if $(filter 1,$(JOBS)),,-n $(JOBS) --dist worksteal)

.PHONY: run check test screenshots serve bench load audit booth-demo system-packages-serve system-packages-load lint migrations-check gazetteer makemessages messages messages-check pytest pytest-fast pytest-slow pytest-postgres \
	system-packages system-packages-test requirements clean

# DEBUG is off unless DJANGO_DEBUG=true, and then the settings want a secret key: the
# development commands here turn it on (make serve turns it off again in scripts/serve.sh;
# pytest run by hand gets it from pyproject.toml).
run booth-demo check test screenshots pytest pytest-fast pytest-slow pytest-postgres messages messages-check makemessages migrations-check gazetteer: \
	export DJANGO_DEBUG = true

# The booth's words (gettext domain "photobooth") are extracted by Babel: the booth has no Django.
BOOTH_EXTRACT := $(VENV)/bin/pybabel -q extract -k _ -k ngettext:1,2 --no-location --no-wrap --ignore-dirs=tests
CATALOGUES := $(wildcard locale/*/LC_MESSAGES/*.po locale-extra/*/LC_MESSAGES/*.po)

# Each step says what it does. The demo data loads quietly: its kit emails and task logs are not
# printed (errors are); the site's emails are, once it runs.
run: system-packages $(VENV)/.run-installed node_modules/.base-map-installed messages
	@echo "==> Updating the database (db.sqlite3)"
	@$(PY) manage.py migrate --no-input -v0
	@echo "==> The place-name index (var/gazetteer.sqlite3)"
	@$(PY) manage.py build_gazetteer --if-missing
	@echo "==> Loading the demo Jams and logins"
	@JAMPORTAL_SITE_URL=$${JAMPORTAL_SITE_URL:-http://127.0.0.1:$(PORT)} EMAIL_URL=dummymail:// DJANGO_LOG_LEVEL=ERROR $(PY) manage.py load_demo
	@echo "==> Open http://127.0.0.1:$(PORT)/ and sign in with a login above. Emails the site sends appear in this terminal."
	@echo "    Ctrl+C stops the server."
	@JAMPORTAL_SITE_URL=$${JAMPORTAL_SITE_URL:-http://127.0.0.1:$(PORT)} $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Lint and the fast tests on SQLite in parallel: the loop to run after every change (under two minutes).
check: system-packages-test $(VENV)/.dev-installed node_modules/.installed lint pytest-fast

# Everything CI checks, the quick parts first so that they fail fast: lint, migrations, catalogues,
# the fast tests, then the slow tests on SQLite, then the whole suite again on PostgreSQL.
test: system-packages-test $(VENV)/.dev-installed node_modules/.installed lint migrations-check messages-check \
	pytest-fast pytest-slow pytest-postgres

# docs/screenshots/ (the README's gallery): taken by one slow browser test module from the demo data
# (about two minutes), then copied over the old set under their own names (home-fa-phone.png, home-fa-desktop.jpg...).
screenshots: system-packages-test $(VENV)/.dev-installed node_modules/.installed messages gazetteer
	rm -rf test-artifacts/docs
	$(PY) -m pytest -p no:cacheprovider -m slow jamportal/tests/test_docs_screenshots.py
	rm -f docs/screenshots/*.png docs/screenshots/*.jpg
	cp test-artifacts/docs/*.png test-artifacts/docs/*.jpg docs/screenshots/
	@echo "$$(ls docs/screenshots | wc -l) screenshots, $$(du -sh docs/screenshots | cut -f1), in docs/screenshots/"

# Production-like, on loopback: PostgreSQL, Redis, gunicorn + whitenoise, Celery worker and beat, DEBUG off.
serve: system-packages-serve $(VENV)/.run-installed node_modules/.base-map-installed messages
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
	$(PY) bench/preview.py
	$(PY) bench/uploads.py

# Load test: `make serve` on loopback under wrk, beside a minimal Django view (about twelve minutes).
load: system-packages-load $(VENV)/.dev-installed messages
	$(PY) bench/load.py $(ARGS)

# Lighthouse on the home, a Jam and the current campaign's page as make serve serves them (mobile profile; about three minutes).
audit: system-packages-test $(VENV)/.dev-installed node_modules/.installed messages
	$(PY) bench/audit.py

# ruff for Python, ESLint for our browser scripts (eslint.config.mjs).
lint: $(VENV)/.dev-installed node_modules/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	node_modules/.bin/eslint .

migrations-check: $(VENV)/.dev-installed
	$(PY) manage.py makemigrations --check --dry-run

# The offline gazetteer's index (var/gazetteer.sqlite3), built once from PyPI data.
gazetteer: $(VENV)/.dev-installed
	$(PY) manage.py build_gazetteer --if-missing

# Compile the translation catalogues (.mo files are built, never committed).
messages: $(VENV)/.run-installed
	$(PY) manage.py compilemessages --ignore=.venv -v0

# Catalogues must compile cleanly, placeholders included (msgfmt --check);
# completeness and sync with the code are checked by the tests (test_catalogues.py).
messages-check: messages
	@for po in $(CATALOGUES); do msgfmt --check -o /dev/null $$po || exit 1; done
	@echo "$(words $(CATALOGUES)) catalogues pass msgfmt --check"

# Update the catalogues from the code after changing user-facing text; then translate the new entries.
makemessages: $(VENV)/.dev-installed
	$(PY) manage.py makemessages --all --no-location --no-obsolete --no-wrap --ignore=.venv --ignore=.tmp --ignore=test-artifacts --ignore=photobooth --ignore=node_modules
	$(PY) manage.py makemessages --all --no-location --no-obsolete --no-wrap -d djangojs --ignore=.venv --ignore=.tmp --ignore=staticfiles --ignore=node_modules --ignore=test-artifacts
	@mkdir -p .tmp && $(BOOTH_EXTRACT) -o .tmp/photobooth.pot photobooth
	@for po in locale/*/LC_MESSAGES/photobooth.po; do \
		msgmerge --quiet --update --backup=none --no-fuzzy-matching --no-wrap $$po .tmp/photobooth.pot && \
		msgattrib --no-obsolete --no-wrap -o $$po $$po || exit 1; done

# The whole suite on SQLite (the default database): the fast tests, then the slow ones ...
pytest: pytest-fast pytest-slow

# The tests not marked slow (pyproject.toml, conftest.py), in parallel: what `make check` runs.
pytest-fast: $(VENV)/.dev-installed node_modules/.installed messages gazetteer
	$(PY) -m pytest $(XDIST) -m "not slow"

# The slow tests (browsers, servers, soaks, fuzzing, big data), in parallel.
pytest-slow: $(VENV)/.dev-installed node_modules/.installed messages gazetteer
	$(PY) -m pytest $(XDIST) -m slow

# ... and the whole suite again, in parallel, on a real PostgreSQL server that the script starts and
# stops (each worker gets a database of its own: test_jamportal_gw0, _gw1...).
pytest-postgres: $(VENV)/.dev-installed node_modules/.installed messages gazetteer
	@url=$$(scripts/postgres.sh start) && echo "PostgreSQL at $$url" && \
	DATABASE_URL=$$url $(PY) -m pytest $(XDIST); status=$$?; scripts/postgres.sh stop; exit $$status

system-packages:
	@scripts/system-packages.sh run

system-packages-serve:
	@scripts/system-packages.sh serve

system-packages-load:
	@scripts/system-packages.sh load

system-packages-test:
	@scripts/system-packages.sh test

$(VENV)/bin/python:
	@echo "==> Creating a virtual environment in $(VENV)"
	$(PYTHON) -m venv $(VENV)

# axe-core for the accessibility tests, ESLint for `make lint`, Lighthouse for `make audit`,
# and the maps' base layer (versions pinned in package-lock.json).
node_modules/.installed: package.json package-lock.json
	@echo "==> Installing the JavaScript tools into node_modules (package-lock.json)"
	npm ci --no-progress --loglevel=error
	@touch $@

# The files pages use from npm packages ("dependencies" in package.json: the maps' base layer,
# jamportal/staticfinders.py) for make run and make serve, without the checks' tools;
# node_modules/.installed, up to date, has them already.
node_modules/.base-map-installed: package.json package-lock.json
	@if [ node_modules/.installed -nt package-lock.json ] && [ node_modules/.installed -nt package.json ]; then touch $@; else \
		echo "==> Installing the base map's data into node_modules (package-lock.json)" && \
		npm ci --omit=dev --no-progress --loglevel=error && touch $@; fi

# The portal's Python packages (a few minutes the first time) ...
$(VENV)/.run-installed: requirements.txt | $(VENV)/bin/python
	@echo "==> Installing the portal's Python packages into $(VENV) (requirements.txt)"
	@$(call PIP_INSTALL,requirements.txt)
	@touch $@

# ... and those the tests and tools need as well.
$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	@echo "==> Installing the Python packages for the portal, its tests and tools into $(VENV) (requirements-dev.txt)"
	@$(call PIP_INSTALL,requirements-dev.txt)
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
