# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
export QUYHOACH_INSTANCE_PATH ?= $(CURDIR)/instance

.PHONY: run serve-prod test test-security lint bench-all test-all test-postgres test-browser bench load setup setup-dev i18n demo-data clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

## make run: set up, create the database, load the demo province (first time), serve on PORT
run: setup
	$(BIN)/quyhoach db upgrade
	$(BIN)/quyhoach demo --if-empty
	PORT=$(PORT) $(BIN)/quyhoach serve

## make serve-prod: the production set-up on one host (docs/deploy.md): WEB_PROCESSES gunicorn
## processes on BIND behind the reverse proxy (docs/nginx.conf), JOB_WORKERS `quyhoach worker`
## processes on RQ (WORKER_FLAGS=--no-fork: each job in the worker's own process);
## QUYHOACH_DATABASE_URL (PostgreSQL) and QUYHOACH_REDIS_URL from the environment.
WEB_PROCESSES ?= 4
WEB_THREADS   ?= 4
JOB_WORKERS   ?= 2
WORKER_FLAGS  ?=
BIND          ?= 127.0.0.1:8000

$(VENV)/.installed-prod: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[prod]'
	touch $@ $(VENV)/.installed

serve-prod: $(VENV)/.installed-prod
	@test -n "$$QUYHOACH_DATABASE_URL" || { echo "QUYHOACH_DATABASE_URL is not set (postgresql://user@host/db)"; exit 2; }
	@test -n "$$QUYHOACH_REDIS_URL" || { echo "QUYHOACH_REDIS_URL is not set (redis://127.0.0.1:6379/0)"; exit 2; }
	@test -n "$$QUYHOACH_SECRET_KEY" || echo "note: QUYHOACH_SECRET_KEY not set: the key kept in $$QUYHOACH_INSTANCE_PATH is shared by this host's processes only"
	$(BIN)/quyhoach db upgrade
	pids=""; for i in $$(seq $(JOB_WORKERS)); do $(BIN)/quyhoach worker $(WORKER_FLAGS) & pids="$$pids $$!"; done; \
	trap 'kill $$pids 2>/dev/null' EXIT INT TERM; \
	QUYHOACH_WARM=1 QUYHOACH_LOG_LEVEL=INFO $(BIN)/gunicorn --workers $(WEB_PROCESSES) --threads $(WEB_THREADS) --bind $(BIND) \
		--forwarded-allow-ips 127.0.0.1 --timeout 120 --graceful-timeout 30 --max-requests 2000 \
		--max-requests-jitter 200 --access-logfile - --name quyhoach 'quyhoach:create_app()'

## make test: set up, check the code (ruff, mypy on domain/ and solver/), run the test suite
## (SQLite; PostgreSQL too if QUYHOACH_TEST_DATABASE_URL is set). The layers and import cycles
## are checked by tests/test_architecture.py.
## The security probes (tests/security, marker `security`: the app on loopback attacked over HTTP)
## are their own phase: `make test-security` runs them alone (on PostgreSQL when
## QUYHOACH_TEST_DATABASE_URL is set, as .ci/run does).
test: setup-dev lint
	$(BIN)/python -m pytest -q -m "not slow and not browser and not security"
	$(MAKE) --no-print-directory test-security

test-security: setup-dev
	$(BIN)/python -m pytest -q -m security tests/security

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/mypy src/quyhoach/domain solver

test-postgres: setup-dev
	QUYHOACH_TEST_DATABASE_URL=$${QUYHOACH_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
		$(BIN)/python -m pytest -q -m "not slow and not browser and not security"

test-all: setup-dev
	$(BIN)/python -m pytest -q -m "not browser"

## make bench: benchmarks under tests/bench (figures go to docs/benchmarks.md); make bench-all adds
## the slow ones (the solver at 30,000 × 6,000)
bench: setup-dev
	$(BIN)/python -m pytest tests/bench -q -m "not slow" --benchmark-only --benchmark-columns=min,median,max,rounds

bench-all: setup-dev
	$(BIN)/python -m pytest tests/bench -q --benchmark-only --benchmark-columns=min,median,max,rounds

## make load: 20 signed-in users on loopback for 60 s against the demo province (Trust issue)
load: setup-dev
	$(BIN)/python tests/bench/load.py --users 20 --seconds 60

## make i18n: extract UI strings, update and compile the catalogs (the .po and the .mo are committed)
# Keywords beyond Babel's defaults (_ gettext ngettext pgettext ...): Flask-Babel's lazy forms and
# vocab.N_; tests/test_i18n.py extracts with the same list. Locations are file names only, so
# moving a string within a template does not rewrite the catalogs.
i18n: setup-dev
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k lazy_ngettext:1,2 -k N_ \
		--project=quyhoach --add-location=file -o src/quyhoach/translations/messages.pot .
	$(BIN)/pybabel update -i src/quyhoach/translations/messages.pot -d src/quyhoach/translations -l en \
		--init-missing --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date
	$(BIN)/pybabel compile -d src/quyhoach/translations --statistics

## make demo-data: regenerate fixtures/ with the deterministic generator
demo-data: setup
	$(BIN)/python fixtures/generate.py

clean:
	rm -rf $(VENV) instance build dist .pytest_cache .benchmarks
