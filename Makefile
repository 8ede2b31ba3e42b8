# GovCommons: the two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/govcommons
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test test-sqlite test-postgres test-browser test-browser-postgres lint format bench bench-search bench-compare wrk chromium services clean prod-check

$(STAMP): requirements.lock
	@mkdir -p var
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing the locked dependencies into $(VENV)"
	@set -o pipefail; $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes \
		--no-deps -r requirements.lock 2>&1 | { grep -v 'is ignored: it is neither' || true; }
	@touch $(STAMP)

venv: $(STAMP)

## make run: install, migrate, load demo data, serve on http://127.0.0.1:8000 with the worker.
run: $(STAMP)
	@mkdir -p var
	DEBUG=true $(PY) manage.py migrate --no-input
	DEBUG=true $(PY) manage.py seed_demo
	@echo "Starting the worker and the web server on http://127.0.0.1:8000 (Ctrl+C stops both)"
	@DEBUG=true $(PY) manage.py run_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

## make test: lint, then every suite on SQLite and on PostgreSQL (browser suite included).
test: $(STAMP) chromium lint prod-check test-sqlite test-postgres

## make prod-check: the production settings on the local PostgreSQL and Redis: check --deploy with
## no warnings, migrations, collectstatic, gunicorn answering over HTTP (deploy/prod_check.py).
prod-check: $(STAMP)
	PG_URL=$(PG_URL) $(PY) deploy/prod_check.py

test-sqlite: $(STAMP)
	@mkdir -p var
	@echo "== Tests on SQLite =="
	DATABASE_URL= $(PY) -m pytest -n 2 --dist loadgroup

# The browser journeys run on SQLite; on PostgreSQL they add two minutes to a CI run that must
# stay under twenty on two cores. `make test-browser-postgres` runs them there too.
test-postgres: $(STAMP)
	@echo "== Tests on PostgreSQL (browser journeys: on SQLite above; make test-browser-postgres) =="
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.replace('/govcommons','/postgres'), connect_timeout=3).close()" 2>/dev/null; then \
		DATABASE_URL=$(PG_URL) $(PY) -m pytest -n 2 --dist loadgroup -m "not browser"; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(PG_URL) and CI=true: failing."; exit 1; \
	else \
		echo "SKIPPED: PostgreSQL is not reachable at $(PG_URL); start it to run this suite."; \
	fi

test-browser: $(STAMP) chromium
	DATABASE_URL= $(PY) -m pytest tests/browser

test-browser-postgres: $(STAMP) chromium
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -n 2 --dist loadgroup tests/browser

chromium:
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

lint: $(STAMP)
	@mkdir -p var
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	DEBUG=true SECRET_KEY=lint-only $(PY) manage.py check

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## make bench: seed small and large data (manage.py seed_bench) on SQLite and PostgreSQL, serve
## with gunicorn, measure each page with wrk against a bare view and check the targets; then
## search latency at 100,000 and 1,000,000 contributions (SEARCH_SIZES=100000 for 100,000 only;
## SEARCH_REUSE=1 reuses databases seeded before the same way).
## BENCH_SCALES=small for a quicker run; .venv/bin/python bench/run.py --help for every option.
bench: $(STAMP) wrk
	$(PY) bench/run.py

## make bench-compare: the difference between the two newest page results (or OLD=... NEW=...).
bench-compare: $(STAMP)
	$(PY) bench/compare.py $(OLD) $(NEW)

# The load generator of `make bench`: Debian's wrk.
wrk:
	@command -v wrk >/dev/null || { echo "Installing Debian's wrk for the benchmark"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

## make bench-search: search latency alone. SIZE=100000 (or 100000,1000000), DATABASE=all|sqlite|
## postgres, REUSE=1 keeps a database seeded before with the same settings.
bench-search: $(STAMP)
	SEARCH_REUSE=$(REUSE) $(PY) bench/search_bench.py --sizes $(or $(SIZE),100000) \
		--database $(or $(DATABASE),all)

clean:
	rm -rf var/test*.sqlite3* var/bench
