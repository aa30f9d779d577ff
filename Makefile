# One command to set up and build (make site), one to set up and test (make test).
# Set-up is stamped, so a second run reuses .venv and node_modules.
# The distribution's Python 3.11+ when it has one with venv: Debian compiles it with PGO and LTO,
# which a default pyenv or source build lacks, and diglot's builds take a fifth less CPU on it
# (bench/README.md). Otherwise whichever python3 comes first on PATH; PYTHON=... to choose.
SYSTEM_PYTHON := /usr/bin/python3
PYTHON ?= $(if $(shell $(SYSTEM_PYTHON) -c 'import sys, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo ok),$(SYSTEM_PYTHON),python3)
VENV := .venv
PY := $(VENV)/bin/python
BASE_URL ?=
BUILD_FLAGS := $(if $(BASE_URL),--base-url $(BASE_URL),)

.PHONY: site test serve bench screenshots check clean setup golden

site: setup
	$(PY) build.py build $(BUILD_FLAGS)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

serve: setup
	$(PY) build.py serve

check: setup
	$(PY) build.py check

bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)

# Rebuild tests/golden/ (the seed pair's site) after an intended change to the output; review with git diff.
golden: setup
	$(PY) tests/golden.py

screenshots: setup
	$(PY) tests/screenshots.py

setup: $(VENV)/.installed node_modules/.installed diglot/__pycache__/.compiled

# diglot's own bytecode, as pip makes it for the libraries: where PYTHONDONTWRITEBYTECODE is set
# (CI images, this VM), Python would otherwise compile every diglot module on every build (~50 ms).
# Its own layouts too: a project that uses them then never compiles them (~0.1 s of a first build).
diglot/__pycache__/.compiled: $(wildcard diglot/*.py diglot/*/*.py layouts/*.* layouts/partials/*) $(VENV)/.installed
	$(PY) -m compileall -q diglot
	$(PY) -c "from diglot.build.templates import precompile_layouts; precompile_layouts()"
	touch $@

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf site .cache
