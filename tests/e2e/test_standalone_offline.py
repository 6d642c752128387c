"""A standalone map file opened as file:// in headless chromium with the network closed."""

from __future__ import annotations

import folium
import pytest

from asmgeo.maps import assets
from asmgeo.outputs.standalone import standalone_html

pytestmark = pytest.mark.e2e

DRAW_TIMEOUT_MS = 15_000
NOTES = ["Data as of 2024-12-31", "Sources: synthetic demo", "<b>Synthetic demo</b> & illustrative ratings"]


def demo_map() -> folium.Map:
    """Offline assets, a polygon and a line (drawn as paths), a default marker, a hidden OSM layer."""
    fmap = folium.Map(location=[-1.5, -78.5], zoom_start=6, tiles=None)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online only)", overlay=True, show=False).add_to(fmap)
    shapes = [
        {"type": "Polygon", "coordinates": [[[-79, -2], [-78, -2], [-78, -1], [-79, -2]]]},
        {"type": "LineString", "coordinates": [[-80, -3], [-77, 0]]},
    ]
    features = [
        {"type": "Feature", "properties": {"name": "<script>alert(1)</script>", "source": "synthetic demo"}, "geometry": g}
        for g in shapes
    ]
    folium.GeoJson({"type": "FeatureCollection", "features": features}, name="Sites (synthetic demo)").add_to(fmap)
    folium.Marker([-1.0, -78.0]).add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return assets.localize(fmap)


@pytest.fixture
def standalone_file(tmp_path):
    path = tmp_path / "asm-sites-ecuador.html"
    path.write_text(standalone_html(demo_map(), "ASM sites — Ecuador", NOTES), encoding="utf-8")
    return path


def test_the_standalone_file_draws_offline(page, standalone_file):
    page.goto(standalone_file.as_uri(), wait_until="load")
    page.wait_for_function("() => document.querySelectorAll('path.leaflet-interactive').length > 0",
                           timeout=DRAW_TIMEOUT_MS)

    assert page.evaluate("() => typeof L !== 'undefined' && L.version") == "1.9.4"
    assert page.locator("path.leaflet-interactive").count() == 2  # the polygon and the line
    marker = page.locator("img.leaflet-marker-icon")
    assert marker.count() == 1
    assert marker.get_attribute("src").startswith("data:image/png;base64,")
    assert page.evaluate("() => getComputedStyle(document.querySelector('.leaflet-control-layers-toggle'))"
                         ".backgroundImage").startswith('url("data:image/png')

    box = page.locator(".folium-map").bounding_box()
    assert box["height"] > 500 and box["width"] > 1000  # the header does not squash or push out the map
    header = page.locator("header.asmgeo-standalone-header")
    assert header.locator("h1").inner_text() == "ASM sites — Ecuador"
    assert header.locator("li").all_inner_texts() == NOTES  # escaped in the file, plain text on screen
    assert page.title() == "ASM sites — Ecuador"

    assert page.page_errors == []
    assert page.evaluate("() => window.__asmgeoErrors") == []
    assert page.console_errors == []
    assert page.aborted_urls == []  # no script, style, or tile of the unshown OSM layer was even requested


def test_the_online_layer_is_only_requested_when_ticked(page, standalone_file):
    page.goto(standalone_file.as_uri(), wait_until="load")
    page.wait_for_function("() => document.querySelectorAll('path.leaflet-interactive').length > 0",
                           timeout=DRAW_TIMEOUT_MS)
    assert page.aborted_urls == []
    page.get_by_text("OpenStreetMap (online only)").click()
    page.wait_for_function("() => document.querySelectorAll('img.leaflet-tile').length > 0", timeout=DRAW_TIMEOUT_MS)
    page.wait_for_timeout(300)
    assert page.aborted_urls and all(url.startswith("https://tile.openstreetmap.org/") for url in page.aborted_urls)
    assert page.page_errors == []
