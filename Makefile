# asmgeo: setup, run and test. `make test` is the README's (and CI's) test command.
PYTHON ?= python3
NPM ?= npm
CHROMIUM ?= /usr/bin/chromium

.PHONY: setup setup-dev run test

# Runtime dependencies and the browser assets (Leaflet, from the npm registry) into static/node_modules.
setup:
	$(PYTHON) -m pip install -q -r requirements.txt
	$(NPM) ci --prefix static --no-audit --no-fund

setup-dev:
	$(PYTHON) -m pip install -q -r requirements-dev.txt
	$(NPM) ci --prefix static --no-audit --no-fund

run: setup
	$(PYTHON) -m streamlit run app.py

# The real-browser tests (tests/e2e) drive Debian's chromium, never a playwright-downloaded browser.
test: setup-dev
	@test -x $(CHROMIUM) || { echo "$(CHROMIUM) is missing; the real-browser tests need it:" >&2; \
	  echo "  apt-get update && apt-get install -y --no-install-recommends chromium" >&2; exit 1; }
	$(PYTHON) -m pytest
