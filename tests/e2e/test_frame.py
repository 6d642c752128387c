"""Every page opens inside the app frame, even as the first request a fresh server gets."""

from __future__ import annotations

from .conftest import map_frame, wait_for_app

FIRST_LOAD_TIMEOUT_S = 120


def test_first_request_to_a_page_url_gets_the_frame(fresh_server, page):
    # A fresh server in Streamlit's legacy pages/ mode would run pages/home.py alone: no sidebar,
    # no demo build, and an error about the missing store.
    page.goto(fresh_server + "/home", wait_until="domcontentloaded")
    wait_for_app(page, timeout=FIRST_LOAD_TIMEOUT_S)
    map_frame(page, timeout=FIRST_LOAD_TIMEOUT_S)
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "Data status" in sidebar, sidebar
    body = page.locator("body").inner_text()
    assert "synthetic demo" in body and "was built" in body, body[:2000]
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0, body[:2000]
