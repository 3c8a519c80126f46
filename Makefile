# The two commands: `make dev` runs the whole product, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: dev test test-js lint format bench install clean

$(INSTALLED): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(INSTALLED)

install: $(INSTALLED)

dev: install
	mkdir -p var
	$(PY) scripts/with_redis.py -- sh -c '\
		$(PY) manage.py migrate --no-input && \
		$(PY) manage.py create_demo_users && \
		$(PY) manage.py reset_metrics && \
		echo "Open http://127.0.0.1:8000/  (Ctrl-C stops everything)" && \
		exec $(VENV)/bin/honcho start -f Procfile'

test: install test-js
	mkdir -p var
	$(PY) scripts/with_redis.py --test -- $(VENV)/bin/pytest $(PYTEST_ARGS)

test-js:
	node --test static/js/tests/

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy config jobs documents notes ops scripts bench manage.py
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) scripts/with_redis.py -- $(PY) bench/run_all.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
