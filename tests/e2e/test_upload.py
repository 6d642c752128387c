"""Upload in a real browser: validate tests/data/uploads/sites.geojson, commit, approve, see the sites on the explorer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import SITE_MARKERS_JS, map_frame, wait_for_app

pytestmark = pytest.mark.e2e

FIRST_LOAD_TIMEOUT_S = 120
SITES_FILE = Path(__file__).resolve().parent.parent / "data" / "uploads" / "sites.geojson"
_ST_EXCEPTION = '[data-testid="stException"]'


def _uploaded_points() -> tuple[str, list[tuple[float, float]]]:
    features = json.loads(SITES_FILE.read_text())["features"]
    coordinates = [f["geometry"]["coordinates"] for f in features if f.get("geometry")]
    points = sorted({(xy[1], xy[0]) for xy in coordinates if len(xy) == 2})  # the file holds one empty point
    return features[0]["properties"]["country"], points


def test_upload_commit_approve_then_explorer_shows_the_sites(fresh_server, page):
    page.goto(f"{fresh_server}/upload", wait_until="domcontentloaded")
    wait_for_app(page, timeout=FIRST_LOAD_TIMEOUT_S)
    page.locator('input[type="file"]').set_input_files(str(SITES_FILE))
    page.get_by_text("Report for sites.geojson").wait_for(timeout=FIRST_LOAD_TIMEOUT_S * 1000)
    wait_for_app(page)
    page.get_by_role("button", name="Commit accepted features").click()
    page.get_by_text("pending review").wait_for(timeout=60_000)
    wait_for_app(page)
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("is approved").wait_for(timeout=60_000)
    assert page.locator(_ST_EXCEPTION).count() == 0, page.locator(_ST_EXCEPTION).all_inner_texts()

    country, points = _uploaded_points()
    lat, lon = points[0]
    page.goto(f"{fresh_server}/explorer?scope=country&value={country}&layers=sites&view={lat},{lon},12",
              wait_until="domcontentloaded")
    wait_for_app(page, timeout=FIRST_LOAD_TIMEOUT_S)
    frame = map_frame(page, timeout=FIRST_LOAD_TIMEOUT_S)
    frame.wait_for_function(f"({SITE_MARKERS_JS})().length > 0", timeout=FIRST_LOAD_TIMEOUT_S * 1000)
    drawn = frame.evaluate(SITE_MARKERS_JS)
    near = [p for p in points if any(abs(p[0] - a) < 2e-3 and abs(p[1] - b) < 2e-3 for a, b in drawn)]
    in_view = [p for p in points if abs(p[0] - lat) < 0.2 and abs(p[1] - lon) < 0.3]
    assert near and set(near) >= set(in_view), f"uploaded {points}, drawn {drawn}"
    assert page.locator(_ST_EXCEPTION).count() == 0
