"""Country profiles (``/profiles?country=ECU``) in a real browser: the country, its mini map, no error, offline."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .conftest import map_frame, wait_for_app

pytestmark = pytest.mark.e2e

FIRST_LOAD_TIMEOUT_S = 120  # the first request to a fresh store builds the demo
_ST_EXCEPTION = '[data-testid="stException"]'
_SITES_JS = "() => document.querySelectorAll('path.asmgeo-site').length"


def _open(page, base_url: str, country: str = "ECU"):
    """Load the profile of ``country`` and wait for the script run; return the mini map's frame."""
    page.goto(f"{base_url}/profiles?country={country}", wait_until="domcontentloaded")
    wait_for_app(page, timeout=FIRST_LOAD_TIMEOUT_S)
    frame = map_frame(page, timeout=FIRST_LOAD_TIMEOUT_S)
    try:
        frame.wait_for_function(f"({_SITES_JS})() > 0", timeout=FIRST_LOAD_TIMEOUT_S * 1000)
    except PlaywrightTimeoutError:
        pytest.fail(
            f"no site drawn on the mini map: typeof L = {frame.evaluate('typeof L')!r}; "
            f"aborted requests: {page.aborted_urls}; page errors: {page.page_errors}; "
            f"Streamlit exceptions: {page.locator(_ST_EXCEPTION).all_inner_texts()}",
            pytrace=False,
        )
    return frame


def test_profile_opens_at_the_country_with_its_sites_on_the_mini_map(streamlit_server, page):
    frame = _open(page, streamlit_server)
    assert page.get_by_role("heading", name="Ecuador (ECU)").count() == 1
    assert frame.evaluate(_SITES_JS) > 0
    body = page.locator("body").inner_text()
    assert "ILLUSTRATIVE RATINGS" in body and "synthetic demo" in body
    assert page.locator(_ST_EXCEPTION).count() == 0, page.locator(_ST_EXCEPTION).all_inner_texts()
    assert page.page_errors == [], page.page_errors


def test_profile_needs_no_remote_scripts_or_styles(streamlit_server, page):
    _open(page, streamlit_server)
    remote = [url for url in page.aborted_urls if urlsplit(url).path.lower().endswith((".js", ".mjs", ".css"))]
    assert remote == [], f"scripts/styles requested from non-local hosts: {remote}"


def test_explorer_link_opens_the_explorer_at_the_country(streamlit_server, page):
    _open(page, streamlit_server)
    page.get_by_role("link", name="Open this country in the map explorer").click()
    page.wait_for_url("**/explorer?**", timeout=FIRST_LOAD_TIMEOUT_S * 1000)
    wait_for_app(page, timeout=FIRST_LOAD_TIMEOUT_S)
    query = parse_qs(urlsplit(page.url).query)
    assert query.get("scope") == ["country"] and query.get("value") == ["ECU"], page.url
    assert page.locator(_ST_EXCEPTION).count() == 0


def test_a_click_on_a_country_in_the_chart_opens_its_profile(streamlit_server, page):
    _open(page, streamlit_server)
    point = page.locator('[data-testid="stVegaLiteChart"] g.mark-symbol path[aria-label*="Country: Rwanda;"]')
    assert point.count() == 1, "no point for Rwanda in the across-countries chart"
    point.scroll_into_view_if_needed()
    point.click()
    page.wait_for_url("**/profiles?country=RWA", timeout=FIRST_LOAD_TIMEOUT_S * 1000)
    page.get_by_role("heading", name="Rwanda (RWA)").wait_for(timeout=FIRST_LOAD_TIMEOUT_S * 1000)
    wait_for_app(page, timeout=FIRST_LOAD_TIMEOUT_S)
    assert page.get_by_role("heading", name="Rwanda (RWA)").count() == 1
    assert "country=RWA" in page.url
    assert page.locator(_ST_EXCEPTION).count() == 0


def test_unknown_country_warns_without_an_exception(streamlit_server, page):
    page.goto(f"{streamlit_server}/profiles?country=XXX", wait_until="domcontentloaded")
    wait_for_app(page, timeout=FIRST_LOAD_TIMEOUT_S)
    assert "has no profile here" in page.locator("body").inner_text()
    assert page.locator(_ST_EXCEPTION).count() == 0
