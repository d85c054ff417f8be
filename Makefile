# SSP Portal: `make run` serves the demo, `make test` runs the whole suite.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt constraints-build.txt | cksum | cut -d' ' -f1)
ADDRESS ?= 127.0.0.1:8000
# Links in e-mails and PDFs open the address that `make run` serves, unless SSP_SITE_URL is set:
# a bare port means 127.0.0.1, and 0.0.0.0 (every interface) is opened as 127.0.0.1 here.
SERVED := $(if $(findstring :,$(ADDRESS)),$(ADDRESS),127.0.0.1:$(ADDRESS))
ifeq ($(strip $(SSP_SITE_URL)),)
SSP_SITE_URL := http://$(patsubst 0.0.0.0:%,127.0.0.1:%,$(SERVED))
endif

.PHONY: install run test lint format messages translations worker clean bench bench-smoke

$(PY):
	$(PYTHON) -m venv $(VENV)

# xstatic-bootstrap builds from source and needs setuptools<81: PIP_CONSTRAINT applies that
# to its build environment.
$(STAMP): requirements.txt constraints-build.txt | $(PY)
	PIP_CONSTRAINT=constraints-build.txt $(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP) translations

translations: $(STAMP)
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(PY) manage.py compilemessages --ignore=.venv -v 0; \
	else \
		echo "gettext (msgfmt) is not installed: pages show in English."; \
	fi

run: export SSP_SITE_URL := $(SSP_SITE_URL)
run: install
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_demo
	@echo "Links in e-mails and PDFs open $$SSP_SITE_URL (set SSP_SITE_URL to change it)."
	@if [ -n "$$REDIS_URL" ]; then \
		echo "Tasks go through $$REDIS_URL: starting a Celery worker with beat."; \
		$(VENV)/bin/celery -A ssp_portal worker --beat --schedule var/celerybeat-schedule --loglevel INFO --concurrency 2 & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(PY) manage.py runserver $(ADDRESS); \
	else \
		echo "No REDIS_URL: background tasks (PDFs, e-mails) run in-process, e-mails print here."; \
		$(PY) manage.py runserver $(ADDRESS); \
	fi

test: install
	./scripts/system-packages.sh
	$(PY) -m pytest $(PYTEST_ARGS)

# The key pages against the minimal page (bench/minimal/) at scales 0.1 and 1, written to
# docs/benchmarks.md: about 20 minutes on 2 cores. BENCH_ARGS overrides the options of
# scripts/bench.py, e.g. BENCH_ARGS="--scale 1 --duration 20 --rounds 5".
BENCH_ARGS ?= --scale 0.1 1 --duration 10 --rounds 3 --connections 16

bench: install
	./scripts/system-packages.sh bench
	$(PY) scripts/bench.py $(BENCH_ARGS)

# Scale 0.01: every key page answers through gunicorn and wrk (the pytest smoke test,
# ssp_portal/tests/test_bench_smoke.py, checks the same pages in the suite).
bench-smoke: install
	./scripts/system-packages.sh bench
	$(PY) scripts/bench.py --smoke

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(STAMP)
	$(PY) manage.py makemessages --ignore=.venv --ignore=var -l ky -l ru --no-obsolete

clean:
	rm -rf $(VENV) var
