# asmgeo: `make run` sets up and starts the dashboard; `make test` sets up and runs every test.
PYTHON ?= python3
NPM ?= npm

.PHONY: setup setup-dev system-packages run test

# Runtime dependencies, and the browser assets (Leaflet, from the npm registry) into static/node_modules.
setup:
	$(PYTHON) -m pip install -q -r requirements.txt
	$(NPM) ci --prefix static --no-audit --no-fund

# Debian packages the tests need (chromium for the real-browser tier, npm, make) when missing.
system-packages:
	bash scripts/install_system_packages.sh

setup-dev: system-packages
	$(PYTHON) -m pip install -q -r requirements-dev.txt
	$(NPM) ci --prefix static --no-audit --no-fund

# The dashboard on the default GeoPackage store; the first start builds the synthetic demo.
run: setup
	$(PYTHON) -m streamlit run app.py

# Unit, app and real-browser tests (tests/e2e drive Debian's chromium, headless and offline).
test: setup-dev
	$(PYTHON) -m pytest
