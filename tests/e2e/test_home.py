"""Home page (``/``) in a real browser: the offline choropleth map with the demo ASM sites."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .conftest import map_frame, wait_for_app

pytestmark = pytest.mark.e2e

# The first page load of a fresh store builds the demo data set, which takes a while.
FIRST_LOAD_TIMEOUT_S = 120
MIN_COUNTRY_PATHS = 150
MIN_ASSESSED_PATHS = 14
MIN_SITE_PATHS = 100

_ST_EXCEPTION = '[data-testid="stException"]'
_COUNTS_JS = """() => ({
    country: document.querySelectorAll('path.asmgeo-country').length,
    assessed: document.querySelectorAll('path.asmgeo-assessed').length,
    site: document.querySelectorAll('path.asmgeo-site').length,
})"""


def _load_home(page, base_url):
    """Load ``/`` and wait until its script run has finished."""
    page.goto(base_url + "/", wait_until="domcontentloaded")
    wait_for_app(page, timeout=FIRST_LOAD_TIMEOUT_S)


def _open_home(page, base_url):
    """Load ``/``, wait for the script run and the drawn map; return the map frame."""
    _load_home(page, base_url)
    frame = map_frame(page, timeout=FIRST_LOAD_TIMEOUT_S)
    drawn = f"""() => document.querySelectorAll('path.asmgeo-country').length >= {MIN_COUNTRY_PATHS}
        && document.querySelectorAll('path.asmgeo-assessed').length >= {MIN_ASSESSED_PATHS}
        && document.querySelectorAll('path.asmgeo-site').length >= {MIN_SITE_PATHS}"""
    try:
        frame.wait_for_function(drawn, timeout=FIRST_LOAD_TIMEOUT_S * 1000)
        return frame
    except PlaywrightTimeoutError:
        pass
    st_exceptions = page.locator(_ST_EXCEPTION).all_inner_texts()
    pytest.fail(
        f"map not drawn within {FIRST_LOAD_TIMEOUT_S}s: path counts {frame.evaluate(_COUNTS_JS)} "
        f"(want country>={MIN_COUNTRY_PATHS}, assessed>={MIN_ASSESSED_PATHS}, site>={MIN_SITE_PATHS}); "
        f"typeof L in the map frame = {frame.evaluate('typeof L')!r}; "
        f"aborted non-local requests: {page.aborted_urls}; page errors: {page.page_errors}; "
        f"console errors: {page.console_errors}; Streamlit exceptions: {st_exceptions}",
        pytrace=False,
    )


def test_map_draws_countries_assessed_and_sites(streamlit_server, page):
    frame = _open_home(page, streamlit_server)
    assert frame.evaluate("typeof L") != "undefined", "Leaflet (window.L) missing in the map frame"
    counts = frame.evaluate(_COUNTS_JS)
    assert counts["country"] >= MIN_COUNTRY_PATHS, counts
    assert counts["assessed"] >= MIN_ASSESSED_PATHS, counts
    assert counts["site"] >= MIN_SITE_PATHS, counts


def test_no_streamlit_exception(streamlit_server, page):
    _load_home(page, streamlit_server)
    exceptions = page.locator(_ST_EXCEPTION)
    assert exceptions.count() == 0, exceptions.all_inner_texts()


def test_notice_mentions_illustrative_synthetic_demo(streamlit_server, page):
    _load_home(page, streamlit_server)
    text = page.locator("body").inner_text().lower()
    assert "illustrative" in text
    assert "synthetic demo" in text


def test_map_needs_no_remote_scripts_or_styles(streamlit_server, page):
    frame = _open_home(page, streamlit_server)
    # The map drew although every non-local request was aborted; no script or style was among them.
    remote_assets = [
        url for url in page.aborted_urls
        if urlsplit(url).path.lower().endswith((".js", ".mjs", ".css"))
    ]
    assert remote_assets == [], f"scripts/styles requested from non-local hosts: {remote_assets}"
    # Leaflet came from the Streamlit server's static folder.
    resources = frame.evaluate(
        "() => performance.getEntriesByType('resource').map(e => e.name)"
    )
    leaflet = [u for u in resources if urlsplit(u).path.endswith("/leaflet/dist/leaflet.js")]
    assert leaflet, f"leaflet.js not loaded by the map frame; resources: {resources}"
    for url in leaflet:
        parts = urlsplit(url)
        assert parts.hostname in {"127.0.0.1", "localhost", "::1"}, url
        assert parts.path.startswith("/app/static/"), url


def test_no_uncaught_js_errors(streamlit_server, page):
    frame = _open_home(page, streamlit_server)
    page.wait_for_timeout(500)
    assert page.page_errors == [], f"uncaught JS errors: {page.page_errors}"
    frame_errors = frame.evaluate("() => window.__asmgeoErrors || []")
    assert frame_errors == [], f"uncaught JS errors in the map frame: {frame_errors}"
