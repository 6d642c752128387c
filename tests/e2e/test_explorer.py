"""Map explorer (``/explorer``) in a real browser, on a prepared store of known content.

The store is the 600-site demo plus one hand-made site (``XSS-1`` in Ecuador) whose name is
HTML. Every expected number is computed here with pandas/geopandas straight from the store,
never through ``asmgeo.domain.query``. One server is shared by the module.

Waiting: a page load runs the script, the map then reports its view (one or two reruns), and
streamlit-folium swaps the data layers in the frame. :func:`settle` waits for all of that.
"""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from .conftest import APP_RUN_TIMEOUT_S, LAYER_SELECTORS, SITE_MARKERS_JS, map_frame, serve_app, wait_for_app

pytestmark = pytest.mark.e2e

N_SITES = 600
XSS_NAME = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
XSS_SITE = {
    "site_id": "XSS-1", "commodity": "gold", "name": XSS_NAME, "country": "ECU",
    "legal_status": "informal", "mining_method": "alluvial", "workers": 25, "women": 5,
    "mercury_use": "yes", "practices": "gravity_concentration;concentrate_amalgamation;retort",
    "source": "field survey",
}
XSS_LON, XSS_LAT = -78.5, -0.2
DEMO_SOURCE = "synthetic demo"

ALL_LAYERS = ("countries", "sites", "mercury", "tailings", "geology_units", "geology_raster")
# The start of the legend title each layer should bring (from the English catalogue)
LEGEND_TITLES = {
    "countries": "Pillar 6 % implemented",
    "sites": "ASM sites",
    "mercury": "Mercury use",
    "tailings": "Tailings",
    "geology_units": "Geology",  # the two geology layers share one lithology legend
    "geology_raster": "Geology",
}
SELECTORS = ["path.asmgeo-country", "path.asmgeo-assessed", "path.asmgeo-site", "path.asmgeo-cluster",
             "path.asmgeo-mercury", "path.asmgeo-tailings", "path.asmgeo-geology", "img.asmgeo-geology-raster",
             "div.asmgeo-legend"]
_COUNTS_JS = f"() => Object.fromEntries({json.dumps(SELECTORS)}.map(s => [s, document.querySelectorAll(s).length]))"
# The map has sent Streamlit the view it shows now (streamlit-folium keeps the last value sent).
_VIEW_REPORTED_JS = """() => {
    const m = window.map, g = window.__GLOBAL_DATA__;
    if (!m || !g || !g.previous_data || !g.previous_data.bounds) return false;
    const p = g.previous_data, b = m.getBounds(), sw = p.bounds._southWest, ne = p.bounds._northEast;
    if (!sw || !ne || sw.lat == null) return false;
    const same = (x, y) => Math.abs(x - y) < 1e-9;
    return p.zoom === m.getZoom() && same(sw.lat, b.getSouth()) && same(sw.lng, b.getWest())
        && same(ne.lat, b.getNorth()) && same(ne.lng, b.getEast());
}"""
_DRAWN_STATE_JS = "() => [(window.__GLOBAL_DATA__ || {}).last_feature_group || '', " + _COUNTS_JS.removeprefix("() => ") + "]"
_VIEW_JS = """() => { const c = window.map.getCenter(), b = window.map.getBounds();
    return {lat: c.lat, lng: c.lng, zoom: window.map.getZoom(),
            bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]}; }"""
_ST_EXCEPTION = '[data-testid="stException"]'
_ST_ERROR = '[data-testid="stAlertContentError"]'
_ST_WARNING = '[data-testid="stAlertContentWarning"]'
SETTLE_STABLE_S = 0.6
DOWNLOAD_TIMEOUT_MS = 60_000
DRAW_TIMEOUT_MS = 15_000
CENTRE_TOLERANCE_PX = 2.0


# ------------------------------------------------------------------------ server


def _prepare_store(tmp: Path, env: dict[str, str]) -> None:
    """The 600-site demo in ``env``'s store and raster folder, plus the XSS-1 site."""
    with mock.patch.dict(os.environ, {"ASMGEO_STORE": env["ASMGEO_STORE"],
                                      "ASMGEO_RASTER_DIR": env["ASMGEO_RASTER_DIR"]}):
        from asmgeo.demo.install import install_demo
        from asmgeo.store import open_store

        store = open_store(env["ASMGEO_STORE"])
        install_demo(store, n_sites=N_SITES)
        extra = pd.DataFrame([XSS_SITE])
        extra.insert(2, "survey_date", pd.to_datetime(["2026-10-30"]).astype("datetime64[ms]"))
        store.append("sites", gpd.GeoDataFrame(extra, geometry=[shapely.Point(XSS_LON, XSS_LAT)], crs="EPSG:4326"))


@pytest.fixture(scope="module")
def prepared(request):
    """(base URL, store path) of a server on the prepared store, shared by this module."""
    paths = {}

    def prepare(tmp, env):
        _prepare_store(tmp, env)
        paths["store"] = Path(env["ASMGEO_STORE"])

    with serve_app(request, prepare=prepare) as base_url:
        yield base_url, paths["store"]


@pytest.fixture(scope="module")
def base(prepared):
    return prepared[0]


@pytest.fixture(scope="module")
def store_data(prepared):
    """The store's sites, mercury records, read as plain frames (independent of asmgeo)."""
    path = prepared[1]
    sites = pyogrio.read_dataframe(path, layer="sites")
    mercury = pyogrio.read_dataframe(path, layer="mercury")
    return {"sites": sites, "mercury": mercury, "latest_sites": _latest(sites, "site_id"),
            "latest_mercury": _latest(mercury, "site_id")}


def _latest(frame: gpd.GeoDataFrame, id_column: str) -> gpd.GeoDataFrame:
    """The latest row per id by survey_date (ties: the later row)."""
    frame = frame.assign(_row=np.arange(len(frame)))
    frame = frame.sort_values([id_column, "survey_date", "_row"], kind="stable")
    return frame.groupby(id_column, sort=False).tail(1).drop(columns="_row")


def _key(lat: float, lon: float) -> tuple[float, float]:
    """A point as the site layer draws it (coordinates rounded to 5 decimals)."""
    return round(float(lat), 5), round(float(lon), 5)


def _site_keys(frame: gpd.GeoDataFrame) -> set[tuple[float, float]]:
    return {_key(y, x) for x, y in zip(frame.geometry.x, frame.geometry.y)}


# ----------------------------------------------------------------------- helpers


# Instrumentation, in every frame of a page: the map frame notes when it last sent Streamlit a
# value (streamlit-folium's Streamlit.setComponentValue), the page notes each script-run state
# with its time (shown when settling fails). Whether the script has run on the value sent is
# read from the URL (:data:`_URL_HAS_VIEW_JS`), not from these states: a short run's "running"
# and "notRunning" can reach the page in one render and never show as a change.
_INSTRUMENT_JS = """(() => {
    if (window.top === window) {
        if (window.__asmgeoRuns) return;
        window.__asmgeoRuns = [];
        const watch = () => {
            const app = document.querySelector('[data-testid="stApp"]');
            if (!app) { setTimeout(watch, 20); return; }
            const note = () => window.__asmgeoRuns.push([app.getAttribute('data-test-script-state'), Date.now()]);
            note();
            new MutationObserver(note).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
        };
        watch();
        return;
    }
    if (Object.getOwnPropertyDescriptor(window, 'Streamlit')) return;
    let value;
    Object.defineProperty(window, 'Streamlit', {configurable: true, get: () => value, set: (v) => {
        value = v;
        if (v && typeof v.setComponentValue === 'function' && !v.__asmgeoWrapped) {
            const send = v.setComponentValue;
            v.setComponentValue = function (...args) { window.__asmgeoSent = Date.now(); return send.apply(this, args); };
            v.__asmgeoWrapped = true;
        }
    }});
})();"""
_IDLE_NOW_JS = """() => { const app = document.querySelector('[data-testid="stApp"]');
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'; }"""
# The page URL carries the view of exactly the last map report: ``view=lat,lon,zoom`` is what the
# script writes for the bounds it received (ui/explorer_data.remember_view: bounds clamped to
# ±180/±85, Mercator centre rounded to 4 decimals, asmgeo.maps.viewport.centre_of), so a URL that
# matches the last value sent proves the script has run on that value. This is the settle test's
# proof of a rerun; it needs no sighting of the app's "running" state, which the page can miss
# (see notes/streamlit-folium-dropped-value.md).
_URL_HAS_VIEW_JS = """([url]) => {
    const p = (window.__GLOBAL_DATA__ || {}).previous_data;
    const view = new URL(url).searchParams.get('view');
    if (!p || !p.bounds || !p.bounds._southWest || !view) return false;
    const sw = p.bounds._southWest, ne = p.bounds._northEast;
    const west = Math.max(sw.lng, -180), south = Math.max(sw.lat, -85), east = Math.min(ne.lng, 180),
          north = Math.min(ne.lat, 85);
    const rad = Math.PI / 180, clip = (lat) => Math.max(Math.min(lat, 85.05113), -85.05113);
    const y = (lat) => (1 - Math.log(Math.tan(clip(lat) * rad) + 1 / Math.cos(clip(lat) * rad)) / Math.PI) / 2;
    const lat = Math.atan(Math.sinh(Math.PI * (1 - (y(south) + y(north))))) / rad, lon = (west + east) / 2;
    const [uLat, uLon, uZoom] = view.split(',').map(Number);
    return uZoom === p.zoom && Math.abs(uLat - lat) < 2e-4 && Math.abs(uLon - lon) < 2e-4;
}"""


def instrument(page) -> None:
    """Install :data:`_INSTRUMENT_JS` for the page's next loads (once per page)."""
    if not getattr(page, "_asmgeo_instrumented", False):
        page.add_init_script(_INSTRUMENT_JS)
        page._asmgeo_instrumented = True


def _open(page, base_url: str, query: str):
    """Load ``/explorer?query``, wait until it has settled; return the map frame."""
    instrument(page)
    page.goto(f"{base_url}/explorer?{query}", wait_until="domcontentloaded")
    return settle(page)


def settle(page, timeout: float = APP_RUN_TIMEOUT_S):
    """Wait until the map has reported the view it shows, the script has rerun for that report
    and finished, and the data layers in the frame have stopped changing; return the map frame."""
    deadline = time.monotonic() + timeout
    wait_for_app(page, timeout=timeout, stable=0.3)
    frame = map_frame(page, timeout=timeout)
    last, since = None, time.monotonic()
    while True:
        reported = frame.evaluate(_VIEW_REPORTED_JS)
        sent = frame.evaluate("() => window.__asmgeoSent || null")
        # the script has processed the last value sent (the URL carries its view) and is idle
        rerun = (reported and sent is not None and frame.evaluate(_URL_HAS_VIEW_JS, [page.url])
                 and page.evaluate(_IDLE_NOW_JS))
        state = frame.evaluate(_DRAWN_STATE_JS)
        now = time.monotonic()
        if not rerun or state != last:
            last, since = (state if rerun else None), now
        elif now - since >= SETTLE_STABLE_S:
            wait_for_app(page, timeout=max(deadline - now, 1), stable=0.3)
            if frame.evaluate(_DRAWN_STATE_JS) == last:
                return frame
            last, since = None, time.monotonic()
        if now > deadline:
            raise AssertionError(
                f"the explorer did not settle within {timeout}s: view reported {reported}, last value sent at {sent}, "
                f"URL {page.url}, last value {frame.evaluate('() => (window.__GLOBAL_DATA__ || {}).previous_data')}, "
                f"runs {page.evaluate('() => (window.__asmgeoRuns || []).slice(-6)')}, drawn {state[1]}")
        page.wait_for_timeout(100)


def wait_until(page, predicate, what: str, timeout: float = APP_RUN_TIMEOUT_S):
    """Poll ``predicate()`` until it is truthy; AssertionError naming ``what`` otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        page.wait_for_timeout(150)


def counts(frame) -> dict[str, int]:
    return frame.evaluate(_COUNTS_JS)


def drawn_layers(frame) -> set[str]:
    """The explorer layers that have something drawn in the frame."""
    c = counts(frame)
    return {name for name, selectors in LAYER_SELECTORS.items() if any(c[s] > 0 for s in selectors)}


def metrics(page) -> list[tuple[str, str]]:
    """(label, value) of every st.metric on the page, in page order."""
    return [
        (m.locator('[data-testid="stMetricLabel"]').inner_text().strip(),
         m.locator('[data-testid="stMetricValue"]').inner_text().strip())
        for m in page.locator('[data-testid="stMetric"]').all()
    ]


def metric(page, label: str, index: int = 0) -> str:
    values = [value for name, value in metrics(page) if name == label]
    assert len(values) > index, f"no metric {label!r} (#{index}) on the page: {metrics(page)}"
    return values[index]


def multiselect(page, label: str):
    """The st.multiselect whose label is ``label``."""
    return page.locator('[data-testid="stMultiSelect"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]').get_by_text(label, exact=True))


def choose(page, label: str, option: str) -> None:
    """Add ``option`` to the multiselect ``label`` as a user does: open it, click the option."""
    box = multiselect(page, label)
    box.get_by_role("combobox").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def frame_point(page, frame, lat: float, lon: float) -> tuple[float, float]:
    """Page coordinates (px) of ``lat``/``lon`` on the map in ``frame``."""
    inner = frame.evaluate(
        """([lat, lon]) => { const m = window.map, r = m.getContainer().getBoundingClientRect();
            const p = m.latLngToContainerPoint([lat, lon]); return [r.left + p.x, r.top + p.y]; }""",
        [lat, lon])
    box = frame.frame_element().bounding_box()
    return box["x"] + inner[0], box["y"] + inner[1]


def mercator_px(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    """Web Mercator pixel position at ``zoom`` (256 px tiles), as Leaflet projects it."""
    world = 256 * 2**zoom
    phi = math.radians(max(min(lat, 85.0511287798), -85.0511287798))
    return (lon + 180) / 360 * world, (1 - math.log(math.tan(phi) + 1 / math.cos(phi)) / math.pi) / 2 * world


def attach_error_log(page) -> list[str]:
    """Record the uncaught errors of a page opened by a test itself (the fixture's page has its own)."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"{exc.name}: {exc.message}"))
    return errors


def assert_clean(page, frame=None, page_errors: list[str] | None = None, aborted: list[str] | None = None) -> None:
    """No uncaught JS error (page and map frame), no Streamlit exception or error box, nothing
    requested from another host (every such request is aborted and recorded by the fixture)."""
    errors = page.page_errors if page_errors is None else page_errors
    assert errors == [], f"uncaught JS errors: {errors}"
    if frame is not None:
        frame_errors = frame.evaluate("() => window.__asmgeoErrors || []")
        assert frame_errors == [], f"uncaught JS errors in the map frame: {frame_errors}"
    assert page.locator(_ST_EXCEPTION).count() == 0, page.locator(_ST_EXCEPTION).all_inner_texts()
    assert page.locator(_ST_ERROR).count() == 0, page.locator(_ST_ERROR).all_inner_texts()
    aborted = page.aborted_urls if aborted is None else aborted
    assert aborted == [], f"requests to other hosts (aborted): {aborted}"


def selectbox_text(page, label: str) -> str:
    """The shown value of the selectbox labelled ``label``."""
    box = page.locator('[data-testid="stSelectbox"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]').get_by_text(label, exact=True))
    return box.inner_text().replace(label, "", 1).strip()


# ------------------------------------------------------------------------- tests


def test_every_layer_draws_with_its_legend(base, page):
    frame = _open(page, base, "scope=country&value=ECU&layers=" + ",".join(ALL_LAYERS))
    c = counts(frame)
    assert c["path.asmgeo-country"] > 100, c  # the constant basemap
    missing = [name for name, selectors in LAYER_SELECTORS.items() if not any(c[s] > 0 for s in selectors)]
    assert missing == [], f"layers that draw nothing: {missing}; counts {c}"

    titles = frame.evaluate("() => [...document.querySelectorAll('div.asmgeo-legend .asmgeo-legend-title')]"
                            ".map(e => e.textContent)")
    without_legend = [name for name, start in LEGEND_TITLES.items() if not any(t.startswith(start) for t in titles)]
    assert without_legend == [], (
        f"layers shown without a legend: {without_legend}; legend titles on the map: {titles}")
    assert_clean(page, frame)


def test_switching_a_layer_off_removes_its_elements(base, page):
    frame = _open(page, base, "scope=country&value=ECU&layers=sites,mercury")
    before = counts(frame)
    assert before["path.asmgeo-mercury"] > 0 and before["path.asmgeo-site"] > 0, before

    multiselect(page, "Layers").get_by_role("button", name="Remove Mercury use (kg Hg per year)").click()
    wait_until(page, lambda: counts(frame)["path.asmgeo-mercury"] == 0, "the mercury circles to go")
    frame = settle(page)
    after = counts(frame)
    assert after["path.asmgeo-mercury"] == 0, after
    assert after["path.asmgeo-site"] > 0, f"switching mercury off also removed the sites: {after}"
    assert frame.evaluate("() => [...document.querySelectorAll('.asmgeo-legend-title')].map(e => e.textContent)"
                          ".filter(t => t.startsWith('Mercury'))") == [], "the mercury legend stayed"
    assert parse_qs(urlsplit(page.url).query).get("layers") == ["sites"], page.url
    assert_clean(page, frame)


def test_a_filter_reduces_the_drawn_sites(base, page, store_data):
    latest = store_data["latest_sites"]
    frame = _open(page, base, "scope=country&value=ECU&layers=sites")
    assert counts(frame)["path.asmgeo-cluster"] == 0, "expected individual site points at this zoom"
    all_drawn = {_key(*p) for p in frame.evaluate(SITE_MARKERS_JS)}
    assert metric(page, "ASM sites") == f"{len(latest):,}"
    non_gold = _site_keys(latest[latest["commodity"] != "gold"])
    assert all_drawn & non_gold, "the unfiltered map should show some non-gold sites"

    choose(page, "Commodity", "Gold")
    gold = latest[latest["commodity"] == "gold"]
    wait_until(page, lambda: metric(page, "ASM sites") == f"{len(gold):,}",
               f"the ASM sites metric to read {len(gold):,} (latest visits whose commodity is gold)")
    frame = settle(page)
    gold_drawn = {_key(*p) for p in frame.evaluate(SITE_MARKERS_JS)}
    assert 0 < len(gold_drawn) < len(all_drawn), (len(gold_drawn), len(all_drawn))
    assert counts(frame)["path.asmgeo-site"] < len(all_drawn)
    not_gold = gold_drawn - _site_keys(gold)
    assert not not_gold, f"sites drawn under the gold filter that are not gold sites: {sorted(not_gold)[:5]}"
    assert metric(page, "ASM sites") == f"{len(gold):,}"
    assert "commodity=gold" in page.url, page.url
    assert_clean(page, frame)


def test_the_map_draws_the_sites_of_the_view_it_shows(base, page, store_data):
    # A click on a cluster does exactly this (clusters.js: map.setView); so does a pan or zoom.
    frame = _open(page, base, "scope=country&value=ECU&layers=sites")
    frame.evaluate("() => window.map.setView([46.8, 103.0], 6)")  # Mongolia
    frame = settle(page)
    view = frame.evaluate(_VIEW_JS)
    west, south, east, north = view["bounds"]
    latest = store_data["latest_sites"]
    x, y = latest.geometry.x, latest.geometry.y
    visible = _site_keys(latest[(x >= west) & (x <= east) & (y >= south) & (y <= north)])
    assert len(visible) > 10, f"test setup: expected Mongolian sites in view, got {len(visible)}"
    drawn = {_key(*p) for p in frame.evaluate(SITE_MARKERS_JS)}
    not_drawn = visible - drawn
    assert not not_drawn, (
        f"{len(not_drawn)} of the {len(visible)} sites inside the map's view {view['bounds']} are not drawn; "
        f"drawn instead: {len(drawn)} sites between longitudes "
        f"{min((p[1] for p in drawn), default=None)} and {max((p[1] for p in drawn), default=None)}")
    assert_clean(page, frame)


def test_share_link_reopens_the_same_map(base, page):
    frame = _open(page, base, "scope=country&value=MNG&layers=countries,sites,tailings&commodity=gold")
    choose(page, "Legal status", "Informal")  # a filter set in the UI must reach the link too
    wait_until(page, lambda: "legal_status=informal" in page.url, "the page URL to carry legal_status=informal")
    frame = settle(page)
    url = page.url
    params = parse_qs(urlsplit(url).query)
    original = {"layers": drawn_layers(frame), "metrics": metrics(page), "view": frame.evaluate(_VIEW_JS),
                "country": selectbox_text(page, "Country")}
    assert params.get("value") == ["MNG"] and params.get("commodity") == ["gold"], url
    assert original["layers"] == {"countries", "sites", "tailings"}, original["layers"]

    other = page.context.new_page()
    other_errors = attach_error_log(other)
    instrument(other)
    try:
        other.goto(url, wait_until="domcontentloaded")
        other_frame = settle(other)
        copy = {"layers": drawn_layers(other_frame), "metrics": metrics(other), "view": other_frame.evaluate(_VIEW_JS),
                "country": selectbox_text(other, "Country")}
        problems = []
        for key in ("country", "layers", "metrics"):
            if copy[key] != original[key]:
                problems.append(f"{key}: {copy[key]!r} != {original[key]!r}")
        if parse_qs(urlsplit(other.url).query).get("legal_status") != ["informal"]:
            problems.append(f"reopened URL lost the filter: {other.url}")
        if copy["view"]["zoom"] != original["view"]["zoom"]:
            problems.append(f"zoom {copy['view']['zoom']} != {original['view']['zoom']}")
        zoom = original["view"]["zoom"]
        a = mercator_px(original["view"]["lat"], original["view"]["lng"], zoom)
        b = mercator_px(copy["view"]["lat"], copy["view"]["lng"], zoom)
        shift = math.dist(a, b)
        if shift > CENTRE_TOLERANCE_PX:
            problems.append(
                f"centre moved {shift:.1f} px (dx {b[0] - a[0]:+.1f}, dy {b[1] - a[1]:+.1f}; y grows southward): "
                f"shared map centre {original['view']['lat']:.4f},{original['view']['lng']:.4f} z{zoom}, "
                f"reopened {copy['view']['lat']:.4f},{copy['view']['lng']:.4f}; link view= {params.get('view')}")
        assert not problems, "the share link does not reopen the same map:\n  " + "\n  ".join(problems)
        assert other.locator(_ST_WARNING).count() == 0, other.locator(_ST_WARNING).all_inner_texts()
        assert_clean(other, other_frame, other_errors, page.aborted_urls)
    finally:
        other.close()
    assert_clean(page, frame)


def test_drawn_rectangle_summary_matches_the_store(base, page, store_data):
    frame = _open(page, base, "scope=country&value=ECU&layers=sites,mercury")
    assert "Draw a rectangle" in page.locator("body").inner_text()
    # Draw with Leaflet.draw's rectangle tool, as a user does.
    frame.locator(".leaflet-draw-draw-rectangle").click()
    x1, y1 = frame_point(page, frame, 0.5, -79.5)
    x2, y2 = frame_point(page, frame, -2.0, -77.5)
    page.mouse.move(x1, y1)
    page.mouse.down()
    page.mouse.move(x2, y2, steps=8)
    page.mouse.up()
    drawing = frame.wait_for_function(
        "() => window.__GLOBAL_DATA__.last_active_drawing", timeout=DRAW_TIMEOUT_MS).json_value()
    area = shapely.geometry.shape(drawing["geometry"])
    assert area.geom_type == "Polygon" and area.bounds[0] == pytest.approx(-79.5, abs=0.05), drawing

    latest, hg = store_data["latest_sites"], store_data["latest_mercury"]
    inside = latest[latest.geometry.intersects(area)]
    hg_inside = hg[hg.geometry.intersects(area)]
    assert len(inside) > 5 and len(hg_inside) > 2, "test setup: the rectangle should hold sites and mercury records"
    assert "XSS-1" in set(inside["site_id"])
    expected = [("ASM sites", f"{len(inside):,}"), ("Workers", f"{int(inside['workers'].sum()):,}"),
                ("Women", f"{int(inside['women'].sum()):,}"),
                ("kg Hg/yr", f"{float(hg_inside['hg_kg_per_year'].sum()):,.1f}")]
    wait_until(page, lambda: len(metrics(page)) >= 7, "the drawn-area metrics")
    frame = settle(page)
    shown = metrics(page)[3:7]  # after the three layer counts
    assert shown == expected, f"drawn-area metrics {shown} != store computation {expected}"
    assert_clean(page, frame)


def test_downloads_hold_the_filtered_sites(base, page, store_data, tmp_path):
    frame = _open(page, base, "scope=country&value=ECU&layers=sites,mercury&commodity=gold&legal_status=informal")
    latest = store_data["latest_sites"]
    wanted = latest[(latest["commodity"] == "gold") & (latest["legal_status"] == "informal")]
    assert metric(page, "ASM sites") == f"{len(wanted):,}"

    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as info:
        page.get_by_role("button", name="Sites (GeoJSON)").click()
    collection = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    ids = [f["properties"]["site_id"] for f in collection["features"]]
    assert len(ids) == len(set(ids)), "a site appears twice in the GeoJSON"
    assert set(ids) == set(wanted["site_id"]), (
        f"GeoJSON sites differ from the filter: extra {sorted(set(ids) - set(wanted['site_id']))[:5]}, "
        f"missing {sorted(set(wanted['site_id']) - set(ids))[:5]}")
    meta = collection["asmgeo"]
    assert meta["synthetic"] is True, meta
    assert DEMO_SOURCE in meta["sources"] and "field survey" in meta["sources"], meta
    assert "synthetic" in meta.get("notice", "").lower(), meta
    assert meta["filters"].get("commodity") == "gold" and meta["filters"].get("legal_status") == "informal", meta
    by_id = {f["properties"]["site_id"]: f for f in collection["features"]}
    assert by_id["XSS-1"]["properties"]["name"] == XSS_NAME  # data kept as data
    assert {f["properties"]["source"] for f in collection["features"]} == {DEMO_SOURCE, "field survey"}

    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as info:
        page.get_by_role("button", name="This map (offline HTML)").click()
    html_path = tmp_path / "asmgeo-map.html"
    info.value.save_as(html_path)
    text = html_path.read_text(encoding="utf-8")
    offline = page.context.new_page()
    offline_errors = attach_error_log(offline)
    aborted_before = len(page.aborted_urls)
    try:
        offline.goto(html_path.as_uri(), wait_until="load")
        offline.wait_for_function("() => document.querySelectorAll('path.asmgeo-site').length > 0",
                                  timeout=DRAW_TIMEOUT_MS)
        remote = offline.evaluate(
            """() => [...document.querySelectorAll('script[src], link[href]')]
                .map(e => e.getAttribute('src') || e.getAttribute('href'))
                .filter(u => /^(https?:)?\\/\\//i.test(u))""")
        assert remote == [], f"the offline HTML loads scripts/styles from the network: {remote}"
        assert offline.evaluate("() => typeof window.__xss") == "undefined"
        assert offline_errors == [], offline_errors
        assert page.aborted_urls[aborted_before:] == [], page.aborted_urls[aborted_before:]
        assert "<script>window.__xss=1</script>" not in text  # the name is escaped inside the file
    finally:
        offline.close()
    assert_clean(page, frame)


def test_html_in_a_site_name_stays_text(base, page):
    frame = _open(page, base, f"scope=country&value=ECU&layers=sites&view={XSS_LAT},{XSS_LON},12")
    assert frame.evaluate("() => window.map.getZoom()") == 12
    where = frame.evaluate(
        """([lat, lon]) => { let hit = null;
            window.map.eachLayer(l => { if (l.options && l.options.className === 'asmgeo-site' && l.getLatLng
                && Math.abs(l.getLatLng().lat - lat) < 1e-6 && Math.abs(l.getLatLng().lng - lon) < 1e-6) hit = true; });
            return hit; }""", [XSS_LAT, XSS_LON])
    assert where, "the XSS-1 site is not drawn as a point"
    x, y = frame_point(page, frame, XSS_LAT, XSS_LON)
    page.mouse.move(x, y)  # hovering shows the marker's tooltip
    frame.locator(".leaflet-tooltip").first.wait_for(timeout=DRAW_TIMEOUT_MS)
    tooltip_text = frame.locator(".leaflet-tooltip").first.inner_text()
    tooltip_html = frame.locator(".leaflet-tooltip").first.inner_html()
    page.mouse.click(x, y)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=DRAW_TIMEOUT_MS)
    page.wait_for_timeout(1000)  # a broken <img> would have fired onerror by now
    text = popup.inner_text()
    assert "XSS-1" in text, text
    assert "<script>window.__xss=1</script>" in text, f"the name is not shown as text in the popup: {text!r}"
    assert popup.locator("img, script").count() == 0, popup.inner_html()

    frame_xss = frame.evaluate("() => typeof window.__xss === 'undefined' ? null : window.__xss")
    page_xss = page.evaluate("() => typeof window.__xss === 'undefined' ? null : window.__xss")
    assert "<script>window.__xss=1</script>" in tooltip_text and "<img" not in tooltip_html, (
        f"the tooltip renders the site name as HTML: text {tooltip_text!r}, HTML {tooltip_html!r} "
        f"(window.__xss = {frame_xss!r} in the map frame)")
    assert tooltip_text.splitlines()[-1] == "field survey", f"the tooltip names not the site's source: {tooltip_text!r}"
    assert "synthetic" not in text.lower(), f"a field site's popup speaks of synthetic data: {text!r}"
    assert frame_xss is None and page_xss is None, (
        f"the site name ran as HTML: window.__xss = {frame_xss!r} in the map frame, {page_xss!r} in the page")
    assert_clean(page, frame)


@pytest.mark.parametrize("query", ["", "scope=region&value=africa&layers=" + ",".join(ALL_LAYERS)])
def test_other_scopes_open_cleanly(base, page, query):
    frame = _open(page, base, query)
    c = counts(frame)
    assert c["path.asmgeo-country"] > 100 and (c["path.asmgeo-site"] + c["path.asmgeo-cluster"]) > 0, c
    page.wait_for_timeout(300)
    assert page.locator(_ST_WARNING).count() == 0, page.locator(_ST_WARNING).all_inner_texts()
    assert_clean(page, frame)
