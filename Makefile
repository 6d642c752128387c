# asmgeo: `make run` sets up and starts the dashboard; `make test` sets up and runs every test.
# Both install the locked versions (requirements*.lock, CPython 3.11 on linux x86_64) into a
# virtualenv of their own, $(VENV) (default .venv; CI passes a fresh one for every run).
VENV ?= .venv
PYTHON := $(VENV)/bin/python
NPM ?= npm

.PHONY: setup setup-dev system-packages run test lint-imports lock

$(PYTHON):
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip

# Runtime dependencies (locked), and the browser assets (Leaflet, from the npm registry) into static/node_modules.
setup: $(PYTHON)
	$(PYTHON) -m pip install -q -r requirements.lock
	$(NPM) ci --prefix static --no-audit --no-fund

# Debian packages the tests need (chromium for the real-browser tier, npm, make) when missing.
system-packages:
	bash scripts/install_system_packages.sh

setup-dev: system-packages $(PYTHON)
	$(PYTHON) -m pip install -q -r requirements-dev.lock
	$(NPM) ci --prefix static --no-audit --no-fund

# The dashboard on the default GeoPackage store; the first start builds the synthetic demo.
run: setup
	$(PYTHON) -m streamlit run app.py

# The layering contracts (.importlinter), then unit, app and real-browser tests
# (tests/e2e drive Debian's chromium, headless and offline).
test: setup-dev
	$(VENV)/bin/lint-imports
	$(PYTHON) -m pytest

lint-imports: setup-dev
	$(VENV)/bin/lint-imports

# Re-pin every package from the bounds in requirements*.txt (run after changing them, then run
# `make test` and commit the .lock files with the change). uv resolves for CPython 3.11 on linux
# x86_64 whatever machine it runs on.
lock: $(PYTHON)
	$(PYTHON) -m pip install -q uv==0.13.9
	UV_CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/uv pip compile requirements.txt --upgrade \
	    --python-version 3.11 --python-platform x86_64-manylinux_2_28 --generate-hashes -q -o requirements.lock
	UV_CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/uv pip compile requirements-dev.txt --upgrade \
	    -c requirements.lock --python-version 3.11 --python-platform x86_64-manylinux_2_28 --generate-hashes -q \
	    -o requirements-dev.lock
