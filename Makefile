# Two commands on a fresh machine:
#   make run   - set everything up and start the app on the bundled demo directory (offline)
#   make test  - set everything up and run the whole test suite (browser tests included)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
BENCH_ROWS ?= 1000000

.PHONY: run test lint format bench bench-deps system-deps assets clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 ou plus est requis"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Debian packages the tests need: Chromium for the end-to-end tests (never a browser downloaded by a
# test tool), PostgreSQL, whose throwaway server the persistence tests start themselves, LibreOffice Calc
# (opens our CSV and XLSX as a buyer's double-click would) and poppler-utils (pdftotext reads our PDFs).
# And nginx, the reverse proxy of a team deployment (deploy/nginx.conf), which the two-process tests start on loopback.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-calc"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# Leaflet from the npm registry into static/vendor/ (gitignored), served by
# Streamlit itself so the map works offline and behind intranet filters. A no-op when current.
assets:
	@command -v npm >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm >/dev/null; }
	$(PYTHON) assets/fetch_assets.py

# Before the server: our bytecode and the derived files a first start would build while its first visitor
# waits (gazetteer, demo directory, search index: `python -m sourcing prepare`). Its failure (a database
# out of reach) does not stop the start: the app says what is wrong in its page.
run: $(VENV)/.runtime assets
	@$(BIN)/python -m compileall -q ui sourcing
	-@$(BIN)/python -m sourcing prepare
	$(BIN)/python -m ui.serve --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false --global.developmentMode false

test: $(VENV)/.dev system-deps assets
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# PostGIS for the national benchmark's side-by-side radius searches (`python -m sourcing bench`), for the
# PostgreSQL major whose initdb the throwaway server uses (scripts/pg_test_server.py: the newest).
bench-deps: system-deps
	@major=$$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | cut -d/ -f5 | sort -n | tail -1); \
	if [ -n "$$major" ] && [ ! -e /usr/share/postgresql/$$major/extension/postgis.control ]; then \
		echo "Installing Debian package postgresql-$$major-postgis-3"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql-$$major-postgis-3 >/dev/null; \
	fi

bench: $(VENV)/.dev assets bench-deps
	$(BIN)/python bench/import.py
	$(BIN)/python bench/import_scale.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/map.py
	$(BIN)/python bench/shortlists.py
	$(BIN)/python bench/plan.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/load_protocol.py
	$(BIN)/python -m sourcing bench --rows $(BENCH_ROWS)

clean:
	rm -rf $(VENV) .cache .pytest_cache
