# jinlv — two commands matter: `make run` and `make test`. Both work from a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
JINLV := $(VENV)/bin/jinlv
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgresql+psycopg://jinlv:jinlv@127.0.0.1:5432/jinlv_test

.PHONY: run setup assets test lint system-deps postgres clean

run: setup ## set everything up (first time) and serve the app on http://$(HOST):$(PORT)
	$(JINLV) serve --host $(HOST) --port $(PORT)

setup: $(VENV)/.installed assets ## create .venv, install, build the data and assets (first time only)
	$(JINLV) data build

assets: static/vendor/versions.json ## front-end assets served by the app (Leaflet, jQuery, Swagger UI) from npm, no CDN

# npm ci installs exactly package-lock.json into static/node_modules (install scripts off: none is
# needed, and swagger-ui-dist's dependency would only send analytics); vendor.mjs copies the files
# the app serves into static/vendor/ (git-ignored).
static/vendor/versions.json: static/package.json static/package-lock.json static/vendor.mjs
	cd static && SCARF_ANALYTICS=false npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	node static/vendor.mjs

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

system-deps: ## Debian packages the tests need (PostgreSQL + PostGIS, Chromium)
	bash .ci/system-deps

postgres: system-deps ## start the PostgreSQL server the tests use
	bash .ci/postgres

test: system-deps lint setup postgres ## set up, check style and run the whole suite
	JINLV_TEST_POSTGRES_URL=$(PG_URL) JINLV_REQUIRE_POSTGRES=1 $(PY) -m pytest -q

lint: $(VENV)/.installed-test ## ruff: lint and formatting
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) var static/node_modules static/vendor
