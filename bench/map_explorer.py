"""Benchmark: the map explorer's map for N sites (see bench/README.md for the conventions).

Four measurements in one run, each ``asmgeo`` against naive baselines in the same process:

* ``explorer_map`` (every size): the server-side build of the explorer's map for a whole-country
  view (the assessed country with the most sites, fitted to an 800×640 px map), after the store is
  warm. ``asmgeo`` builds ``explorer.base_map`` + ``explorer.data_layers(countries, sites)`` and
  serialises them the way ``st_folium`` does (map script, html, header, feature-group script);
  ``bytes`` is what that sends to the browser, without the cacheable library files (counted in
  ``bytes_assets``). The baselines put ALL N sites on a plain ``folium.Map``:
  ``folium_markercluster`` (one ``folium.Marker`` each in a ``MarkerCluster``) and
  ``folium_fastmarkercluster``; their ``bytes`` is the rendered HTML document.
* ``first_paint`` (100,000 and 1,000,000 sites, when among --sizes): a standalone page of each map
  served from 127.0.0.1 (Leaflet and plugins from ``static/node_modules``) in headless Debian
  chromium with every non-local request aborted: seconds from navigation start to the first frame
  after the map's data elements exist (``.asmgeo-cluster``/``.asmgeo-site`` paths, or
  ``.marker-cluster`` icons), and the JS heap then. ``asmgeo_streamlit`` opens the real explorer
  page (``streamlit run app.py`` on the same store, server start not timed): a first load (the
  app's caches cold) and then warm loads in new sessions.
* ``geology_overlay``: a 20,000 × 20,000 uint8 class COG over Ecuador's bounds; ``asmgeo`` is
  ``raster.read_overlay(path, country bounds, max_size=1024)``, ``full_read`` reads the whole band,
  colours it and reprojects it to a 1024-px-wide EPSG:3857 image. ``n`` is the raster side in pixels.

Usage::

    python bench/map_explorer.py [--sizes 1000 10000 100000] [--repeat 3] [--naive-max 100000]
                                 [--skip-browser] [--skip-streamlit] [--skip-overlay]
                                 [--cache-dir DIR] [--profile] [--check-targets]
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import gc
import http.server
import io
import json
import logging
import os
import pstats
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import branca
import folium
import folium.elements
import geopandas as gpd
import harness  # noqa: I001  (puts the repo root on sys.path first)
import numpy as np
import rasterio
import rasterio.shutil
from folium.plugins import FastMarkerCluster, MarkerCluster
from rasterio.enums import Resampling
from rasterio.transform import from_bounds as transform_from_bounds
from rasterio.warp import reproject, transform_bounds
from rasterio.windows import Window
from streamlit_folium import _get_feature_group_string, _get_header, _get_html, _get_map_string, generate_js_hash

from asmgeo.config import REPO_ROOT, raster_dir, static_dir, static_url
from asmgeo.demo.install import install_demo
from asmgeo.domain import mpf, practices, query
from asmgeo.domain.geology import LITHOLOGY_BY_CODE, NODATA_CODE
from asmgeo.maps import explorer, raster, viewport
from asmgeo.maps.assets import localize
from asmgeo.maps.generalize import generalize, tolerance_for_zoom
from asmgeo.shipped import boundaries, reference
from asmgeo.store import open_store
from asmgeo.store import ratings as ratings_table

# streamlit_folium imports streamlit, which warns about a missing ScriptRunContext outside `streamlit run`
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)

DEFAULT_SIZES = [1_000, 10_000, 100_000]
MAP_WIDTH, MAP_HEIGHT = 800, 640  # pages/explorer.py fits the scope to this size
SHOWN = ("countries", "sites")
SITE_STYLE = "practice_class"
RASTER_OPACITY = 0.6
PAINT_SIZES = (100_000, 1_000_000)
RASTER_SIDE = 20_000
RASTER_COUNTRY = "ECU"
OVERLAY_PX = 1024
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
PAINT_TIMEOUT_S = 300
STREAMLIT_START_TIMEOUT_S = 120
SINGLE_RUN_FROM = 100_000  # the naive marker builds run once from this size (35 s each at 100,000)
ASMGEO_SELECTOR = ".asmgeo-cluster, .asmgeo-site"
BASELINE_SELECTOR = ".marker-cluster"
STREAMLIT_FOLIUM_FRAME = Path(_get_html.__code__.co_filename).parent / "frontend" / "build"

# The targets (medians on the project's machine)
TARGETS = {
    "bytes_100k": 1_000_000, "bytes_ratio_100k": 20.0, "bytes_1m": 1_500_000,
    "seconds_100k": 0.3, "seconds_ratio_100k": 100.0, "paint_100k": 2.0,
    "overlay_seconds": 1.0, "overlay_ratio": 10.0,
}


# --------------------------------------------------------------------------- warm data


@dataclass
class Warm:
    """One demo store and what the explorer page holds in its caches for it."""

    n: int
    store_path: Path
    rasters: Path
    sites: gpd.GeoDataFrame  # every site's latest visit (query.latest_sites), all countries
    layers: explorer.Layers
    iso3: str
    centre: tuple[float, float]
    zoom: int
    view: viewport.View


@functools.cache
def world_outline() -> gpd.GeoDataFrame:
    """The constant base map's outline (cached by the page with st.cache_resource)."""
    return explorer.world_outline(boundaries.load_countries("web"))


@functools.cache
def full_countries() -> gpd.GeoDataFrame:
    """Full-resolution countries (cached by the page)."""
    return boundaries.load_countries("full")


def build_store(n: int, cache: Path) -> tuple[Path, Path]:
    """The demo store for ``n`` sites under ``cache`` (built once, reused by every variant and run)."""
    folder = cache / f"store-{n}"
    store_path, rasters = folder / "store.gpkg", folder / "rasters"
    if not (folder / "complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        os.environ["ASMGEO_RASTER_DIR"] = str(rasters)
        started = time.perf_counter()
        install_demo(open_store(str(store_path)), n_sites=n)
        (folder / "complete").touch()
        harness.note("setup", f"n={n}: demo store built in {time.perf_counter() - started:.1f} s "
                              f"({harness.file_bytes(store_path) / 1e6:.0f} MB)")
    return store_path, rasters


def warm(n: int, cache: Path) -> Warm:
    """Read the store the way pages/explorer.py does (ui/data.py, ui/explorer_data.py), untimed."""
    store_path, rasters = build_store(n, cache)
    os.environ["ASMGEO_RASTER_DIR"] = str(rasters)
    store = open_store(str(store_path))
    started = time.perf_counter()
    sites = query.latest_sites(store.read("sites"), practices.load_rules())
    assessed_iso3 = reference.assessed_iso3()
    counts = sites.loc[sites["country"].isin(assessed_iso3), "country"].value_counts()
    iso3 = str(counts.index[0])
    bounds = query.scope_bounds(full_countries(), "country", iso3, assessed_iso3)
    centre, zoom = viewport.fit_view(bounds, MAP_WIDTH, MAP_HEIGHT)
    view = viewport.view_around(centre, zoom, MAP_WIDTH, MAP_HEIGHT)
    world = full_countries()
    no_dates = (None, None)
    layers = explorer.Layers(
        countries=generalize(world[world["iso3"].isin(assessed_iso3)].reset_index(drop=True), tolerance_for_zoom(zoom)),
        pct=mpf.latest_pct(ratings_table.read_ratings(store), mpf.PILLAR),
        sites=query.filter_sites(sites, query.SiteFilter()),
        mercury=query.filter_records(query.latest_records(store.read("mercury"), "site_id"), no_dates),
        tailings=query.filter_records(query.latest_records(store.read("tailings"), "tailings_id"), no_dates),
        geology_units=store.read("geology_units"),
        rasters=sorted(raster_dir(store_path).glob("geology_*.tif")),
    )
    world_outline()
    harness.note("setup", f"n={n}: store read and warmed in {time.perf_counter() - started:.1f} s; "
                          f"view: {iso3} ({int(counts.iloc[0]):,} sites), zoom {zoom}, centre {centre}")
    return Warm(n, store_path, rasters, sites, layers, iso3, centre, zoom, view)


# --------------------------------------------------------------------------- explorer_map


def _elements_with_links(element):
    """What st_folium walks for css/js links (its nested ``walk``)."""
    if isinstance(element, branca.colormap.ColorMap):
        yield element
    if isinstance(element, folium.elements.JSCSSMixin):
        yield element
    for child in getattr(element, "_children", {}).values():
        yield from _elements_with_links(child)


def st_folium_payload(fmap: folium.Map, group: folium.FeatureGroup) -> dict:
    """What ``st_folium(fmap, feature_group_to_add=group)`` sends to its frame, built the same way."""
    fmap.get_root().render()
    fmap.render()
    html, header = _get_html(fmap), _get_header(fmap)
    script = _get_map_string(fmap)
    generate_js_hash(script, "explorer.map", False)  # st_folium keys the component by a hash of the script
    feature_group = _get_feature_group_string(group, map=fmap, idx=0)
    css_links: list[str] = []
    js_links: list[str] = []
    for element in _elements_with_links(fmap):
        css_links.extend(href for _, href in getattr(element, "default_css", []))
        js_links.extend(src for _, src in getattr(element, "default_js", []))
    return {"script": script, "html": html, "header": header, "feature_group": feature_group,
            "css_links": list(dict.fromkeys(css_links)), "js_links": list(dict.fromkeys(js_links))}


def payload_bytes(payload: dict) -> int:
    """UTF-8 bytes of the strings the frame gets (map script, html, header, feature group, link URLs)."""
    strings = [payload[k] for k in ("script", "html", "header", "feature_group")]
    return sum(len(s.encode("utf-8")) for s in strings) + len(json.dumps(payload["css_links"] + payload["js_links"]))


def asset_bytes(payload: dict) -> int:
    """Bytes of the cacheable files the frame loads: the linked libraries and streamlit-folium's frame."""
    prefix = static_url() + "/"
    total = 0
    for url in payload["css_links"] + payload["js_links"]:
        if not url.startswith(prefix):
            raise RuntimeError(f"the map links {url}, which is not a local asset")
        total += (static_dir() / url[len(prefix):]).stat().st_size
    frame = [STREAMLIT_FOLIUM_FRAME / "index.html", *sorted((STREAMLIT_FOLIUM_FRAME / "static" / "js").glob("main.*.js"))]
    return total + sum(p.stat().st_size for p in frame)


def asmgeo_map(data: Warm) -> dict:
    """The explorer's map for the country view, serialised like st_folium."""
    fmap = explorer.base_map(world_outline())
    group = explorer.data_layers(data.layers, SHOWN, data.view, SITE_STYLE, RASTER_OPACITY)
    return st_folium_payload(fmap, group)


def site_coordinates(data: Warm) -> list[list[float]]:
    """[[lat, lon], ...] of every site (the naive maps show all of them, like the issue's figures)."""
    geometry = data.sites.geometry
    return np.column_stack([geometry.y.to_numpy(), geometry.x.to_numpy()]).tolist()


def naive_map(data: Warm) -> folium.Map:
    """A plain folium map on the same view (no tiles: offline; MarkerCluster needs the map's maxZoom)."""
    return folium.Map(location=data.centre, zoom_start=data.zoom, tiles=None, width=MAP_WIDTH, height=MAP_HEIGHT,
                      maxZoom=18)


def markercluster_map(data: Warm) -> folium.Map:
    """One folium.Marker per site in a MarkerCluster."""
    fmap = naive_map(data)
    cluster = MarkerCluster().add_to(fmap)
    for location in site_coordinates(data):
        folium.Marker(location).add_to(cluster)
    return fmap


# folium's default callback draws each marker with L.AwesomeMarkers, a plugin loaded from a CDN (not
# installed here, so the offline page would fail): plain Leaflet markers instead, in every variant.
PLAIN_MARKER = "function (row) { return L.marker(new L.LatLng(row[0], row[1])); }"


def fastmarkercluster_map(data: Warm) -> folium.Map:
    """FastMarkerCluster of every site's [lat, lon] (plain Leaflet markers)."""
    fmap = naive_map(data)
    FastMarkerCluster(data=site_coordinates(data), callback=PLAIN_MARKER).add_to(fmap)
    return fmap


def rendered_bytes(fmap: folium.Map) -> int:
    """The rendered HTML document, as the naive page would send it."""
    return len(fmap.get_root().render().encode("utf-8"))


def measure_explorer_map(warmed: dict[int, Warm], sizes: list[int], repeat: int, naive_max: int,
                         results: dict) -> None:
    """``explorer_map``: asmgeo against both naive marker maps, alternating per repeat."""
    name = "explorer_map"
    extras: dict[int, dict] = {}

    def run_asmgeo(n: int, folder: Path) -> int:
        payload = asmgeo_map(warmed[n])
        size = payload_bytes(payload)
        extras[n] = {"bytes_assets": size + asset_bytes(payload), "country": warmed[n].iso3, "zoom": warmed[n].zoom,
                     "feature_group_bytes": len(payload["feature_group"].encode("utf-8"))}
        return size

    variants = {
        "asmgeo": run_asmgeo,
        "folium_markercluster": lambda n, folder: rendered_bytes(markercluster_map(warmed[n])),
        "folium_fastmarkercluster": lambda n, folder: rendered_bytes(fastmarkercluster_map(warmed[n])),
    }
    for n in sizes:
        runs: dict[str, list[tuple[float, int | None]]] = {}
        chosen = [v for v in variants if v == "asmgeo" or n <= naive_max]
        for skipped in sorted(set(variants) - set(chosen)):
            harness.note(name, f"n={n}: {skipped} skipped (--naive-max {naive_max}); no ratio")
        for i in range(repeat):
            for variant in chosen:  # alternate, so machine noise hits every variant alike
                if variant != "asmgeo" and n >= SINGLE_RUN_FROM and i > 0:
                    continue
                gc.collect()  # the garbage of the previous variant (100,000 folium objects) is not timed
                runs.setdefault(variant, []).append(harness.timed(variants[variant], n, name))
        for variant in chosen:
            if variant != "asmgeo" and n >= SINGLE_RUN_FROM and repeat > 1:
                harness.note(name, f"n={n}: {variant} ran once (not {repeat} times) to bound the run time")
            seconds = statistics.median(s for s, _ in runs[variant])
            size = runs[variant][-1][1]
            results[name, n, variant] = {"seconds": seconds, "bytes": size}
            harness.emit({"name": name, "n": n, "variant": variant, "seconds": round(seconds, 4), "bytes": size,
                          **(extras[n] if variant == "asmgeo" else {})})
    emit_ratios(name, sizes, list(variants), results, ("seconds", "bytes"))


def emit_ratios(name: str, sizes: list[int], variants: list[str], results: dict, measures: tuple[str, ...]) -> None:
    """``baseline / asmgeo`` per size, baseline and measure (> 1: asmgeo is faster or smaller)."""
    for n in sizes:
        mine = results.get((name, n, "asmgeo"))
        for variant in variants:
            theirs = results.get((name, n, variant))
            if variant == "asmgeo" or mine is None or theirs is None:
                continue
            for measure in measures:
                if mine.get(measure) and theirs.get(measure) is not None:
                    harness.emit({"name": name, "n": n, "baseline": variant, "measure": measure,
                                  "ratio": round(theirs[measure] / mine[measure], 2)})


# --------------------------------------------------------------------------- first_paint


class _StaticHandler(http.server.SimpleHTTPRequestHandler):
    """Serves ``static_url()`` from ``static_dir()`` and ``/bench/`` from the page folder; quiet."""

    pages: Path

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        prefix = static_url() + "/"
        if path.startswith(prefix):
            return str(static_dir() / path[len(prefix):])
        if path.startswith("/bench/"):
            return str(self.pages / path[len("/bench/"):])
        return str(self.pages / "missing")

    def log_message(self, *args) -> None:
        pass


class PageServer:
    """A tiny http.server on 127.0.0.1 in a thread."""

    def __init__(self, pages: Path) -> None:
        handler = type("Handler", (_StaticHandler,), {"pages": pages})
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def asmgeo_page(payload: dict) -> str:
    """A page doing what streamlit-folium's frame does: load the links, add the header, run the map
    script, add the feature group, then set the requested view."""
    css = "".join(f'<link rel="stylesheet" href="{href}"/>' for href in payload["css_links"])
    js = "".join(f'<script src="{src}"></script>' for src in payload["js_links"])
    header = json.dumps(payload["header"]).replace("</", "<\\/")  # no "</script>" inside the script tag
    return (f'<!doctype html><html><head><meta charset="utf-8"/>{css}</head><body>'
            f'<div id="map_div" style="width:{MAP_WIDTH}px;height:{MAP_HEIGHT}px"></div>{js}'
            f"<script>document.head.innerHTML += {header};</script>"
            f"<script>{payload['script']}\n</script><script>{payload['feature_group']}\n"
            f"map_div.setView({json.dumps(list(payload['centre']))}, {payload['zoom']});</script></body></html>")


_PAINT_JS = """
(() => {
  const selector = %s;
  const seen = () => {
    if (window.__benchInDom !== undefined || !document.querySelector(selector)) return false;
    window.__benchInDom = performance.now();
    requestAnimationFrame(() => requestAnimationFrame(() => { window.__benchPainted = performance.now(); }));
    return true;
  };
  const observer = new MutationObserver(() => { if (seen()) observer.disconnect(); });
  observer.observe(document, {childList: true, subtree: true});
})();
"""


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in ("http", "https", "ws", "wss") or (parts.hostname or "") in LOCAL_HOSTS


def offline_context(browser, viewport: tuple[int, int] = (1000, 800)):
    """A browser context whose requests to other hosts are aborted; the aborted URLs are recorded."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    context.aborted = []

    def handle(route):
        if _is_local(route.request.url):
            route.continue_()
        else:
            context.aborted.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", handle)
    return context


def js_heap(page) -> int:
    """JSHeapUsedSize of the page's renderer (Chrome DevTools Protocol), no garbage collection forced."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    cdp.detach()
    return int(metrics["JSHeapUsedSize"])


def paint_once(browser, url: str, selector: str) -> dict:
    """Open ``url`` in a fresh offline context: seconds from navigation start to the first frame after
    ``selector`` exists (and to the element existing), and the JS heap then."""
    context = offline_context(browser)
    try:
        context.add_init_script(_PAINT_JS % json.dumps(selector))
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url, wait_until="commit", timeout=PAINT_TIMEOUT_S * 1000)
        deadline = time.monotonic() + PAINT_TIMEOUT_S
        while not page.evaluate("() => window.__benchPainted !== undefined"):
            if errors and page.evaluate("() => document.readyState") == "complete":
                raise RuntimeError(f"{url} failed: {errors[:3]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"no {selector} on {url} after {PAINT_TIMEOUT_S} s")
            page.wait_for_timeout(100)
        painted, in_dom = page.evaluate("() => [window.__benchPainted, window.__benchInDom]")
        elements = page.evaluate(f"() => document.querySelectorAll({json.dumps(selector)}).length")
        heap = js_heap(page)
        if errors:
            harness.note("first_paint", f"page errors on {url}: {errors[:3]}")
        if context.aborted:
            harness.note("first_paint", f"aborted non-local requests on {url}: {context.aborted[:3]}")
        return {"seconds": painted / 1000, "dom_seconds": in_dom / 1000, "heap_bytes": heap, "elements": elements}
    finally:
        context.close()


def measure_first_paint(warmed: dict[int, Warm], sizes: list[int], repeat: int, naive_max: int,
                        streamlit: bool, results: dict) -> None:
    """``first_paint``: the asmgeo map page against the FastMarkerCluster page, then the real Streamlit page."""
    name = "first_paint"
    if not os.path.exists(CHROMIUM):
        harness.note(name, f"{CHROMIUM} is missing; first_paint skipped")
        return
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    pages = Path(tempfile.mkdtemp(prefix="asmgeo-bench-pages-"))
    server = PageServer(pages)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                for n in sizes:
                    data = warmed[n]
                    payload = asmgeo_map(data)
                    payload.update(centre=data.centre, zoom=data.zoom)
                    documents = {"asmgeo": (asmgeo_page(payload), ASMGEO_SELECTOR)}
                    if n <= naive_max:
                        documents["folium_fastmarkercluster"] = (
                            localize(fastmarkercluster_map(data)).get_root().render(), BASELINE_SELECTOR)
                    else:
                        harness.note(name, f"n={n}: folium_fastmarkercluster skipped (--naive-max {naive_max}); no ratio")
                    for variant, (document, _) in documents.items():
                        (pages / f"{variant}-{n}.html").write_text(document, encoding="utf-8")
                    runs: dict[str, list[dict]] = {v: [] for v in documents}
                    failed: set[str] = set()
                    for _ in range(repeat):
                        for variant, (_, selector) in documents.items():
                            if variant in failed:
                                continue
                            try:
                                runs[variant].append(paint_once(browser, f"{server.url}/bench/{variant}-{n}.html",
                                                                selector))
                            except (RuntimeError, PlaywrightError) as exc:  # a finding, not a crash
                                harness.note(name, f"n={n}: {variant} failed: {exc}")
                                results[name, n, f"{variant}_failed"] = {"error": str(exc)}
                                failed.add(variant)
                    for variant, (document, _) in documents.items():
                        if variant in failed:
                            continue
                        record = summarise(runs[variant])
                        record["bytes"] = len(document.encode("utf-8"))
                        results[name, n, variant] = record
                        harness.emit({"name": name, "n": n, "variant": variant, **rounded(record)})
                    if streamlit:
                        measure_streamlit(browser, data, repeat, results, PlaywrightError)
            finally:
                browser.close()
    finally:
        server.close()
        shutil.rmtree(pages, ignore_errors=True)
    emit_ratios(name, sizes, ["asmgeo", "folium_fastmarkercluster"], results, ("seconds", "heap_bytes"))


def summarise(runs: list[dict]) -> dict:
    """Medians of every numeric key over the repeats (integers stay integers)."""
    medians = {}
    for key in runs[0]:
        values = [run[key] for run in runs]
        median = statistics.median(values)
        medians[key] = round(median) if all(isinstance(v, int) for v in values) else median
    return medians


def rounded(record: dict) -> dict:
    """``seconds`` first, then ``bytes``, then the rest; floats rounded, integers kept."""
    order = ["seconds", "bytes"] + [k for k in record if k not in ("seconds", "bytes")]
    return {k: (round(record[k], 4) if isinstance(record[k], float) else record[k]) for k in order if k in record}


# --------------------------------------------------------------------------- the real Streamlit page


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_streamlit(data: Warm, log_path: Path) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` on ``data``'s store; returns the process and its base URL once healthy."""
    env = {**os.environ, "ASMGEO_STORE": str(data.store_path), "ASMGEO_RASTER_DIR": str(data.rasters),
           "PYTHONUNBUFFERED": "1"}
    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + STREAMLIT_START_TIMEOUT_S
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with opener.open(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return proc, base
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    stop(proc)
    raise RuntimeError(f"streamlit did not become healthy; log: {log_path}")


def stop(proc: subprocess.Popen) -> None:
    """Stop the server's process group (the one this script started)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)


def streamlit_load(context, url: str) -> dict:
    """Open the explorer in a new page (a new Streamlit session): seconds from navigation until the
    map frame holds ``.asmgeo-cluster`` paths, and the bytes the page received over the websocket."""
    page = context.new_page()
    received: list[tuple[float, int]] = []  # (time, bytes) of each websocket frame from the server
    opened: list[float] = []

    def on_websocket(ws) -> None:
        opened.append(time.perf_counter())
        ws.on("framereceived", lambda frame: received.append(
            (time.perf_counter(), len(frame if isinstance(frame, bytes) else frame.encode("utf-8")))))

    page.on("websocket", on_websocket)
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=PAINT_TIMEOUT_S * 1000)
        deadline = time.monotonic() + PAINT_TIMEOUT_S
        while True:  # poll every 20 ms: the map frame's data paths, or an exception the app shows
            frame = next((f for f in page.frames if "streamlit_folium" in f.url), None)
            if frame is not None and frame.query_selector(ASMGEO_SELECTOR) is not None:
                break
            error = page.query_selector('[data-testid="stException"], [data-testid="stAlertContentError"]')
            if error is not None:
                raise RuntimeError(f"the app shows an error: {error.inner_text()[:300]!r}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"no {ASMGEO_SELECTOR} in a map frame on {url} after {PAINT_TIMEOUT_S} s")
            page.wait_for_timeout(20)
        done = time.perf_counter()
        map_message = max(received, key=lambda item: item[1])  # the script run's message with the map
        return {"seconds": done - started, "bytes": sum(size for _, size in received), "heap_bytes": js_heap(page),
                "connected_seconds": opened[0] - started, "map_message_seconds": map_message[0] - started,
                "map_message_bytes": map_message[1]}
    finally:
        page.close()


def measure_streamlit(browser, data: Warm, repeat: int, results: dict, browser_error: type[Exception]) -> None:
    """``asmgeo_streamlit_first`` (first load after server start) and ``asmgeo_streamlit`` (warm loads)."""
    name = "first_paint"
    folder = Path(tempfile.mkdtemp(prefix="asmgeo-bench-streamlit-"))
    try:
        proc, base = start_streamlit(data, folder / "streamlit.log")
    except RuntimeError as exc:
        harness.note(name, f"n={data.n}: asmgeo_streamlit skipped: {exc}")
        return
    url = f"{base}/explorer?scope=country&value={data.iso3}&layers={','.join(SHOWN)}"
    try:
        context = offline_context(browser, (1400, 1000))
        try:
            first = streamlit_load(context, url)
            warm_runs = [streamlit_load(context, url) for _ in range(repeat)]
        finally:
            context.close()
        for variant, record in (("asmgeo_streamlit_first", first), ("asmgeo_streamlit", summarise(warm_runs))):
            results[name, data.n, variant] = record
            harness.emit({"name": name, "n": data.n, "variant": variant, **rounded(record)})
        harness.note(name, f"n={data.n}: asmgeo_streamlit: {url.replace(base, '')}; bytes = websocket frames "
                           "received (map_message: the largest, with the map); connected: Streamlit's frontend loaded and its "
                           "websocket open; heap = the top page's renderer; the first load includes the app's "
                           "warm-up, the others are new sessions with the server's caches and the browser cache warm")
    except (RuntimeError, OSError, browser_error) as exc:  # a failing page is a finding, not a crash
        harness.note(name, f"n={data.n}: asmgeo_streamlit failed: {exc!r}; log kept: {folder / 'streamlit.log'}")
        results[name, data.n, "asmgeo_streamlit_failed"] = {"error": repr(exc)}
        stop(proc)
        return
    stop(proc)
    shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- geology_overlay


def colour_table() -> dict[int, tuple[int, int, int, int]]:
    """The lithology colour table (as asmgeo writes it): code 0 transparent."""
    table = {NODATA_CODE: (0, 0, 0, 0)}
    for code, lith in LITHOLOGY_BY_CODE.items():
        table[code] = (int(lith.colour[1:3], 16), int(lith.colour[3:5], 16), int(lith.colour[5:7], 16), 255)
    return table


def build_cog(path: Path, bounds: tuple[float, float, float, float], side: int) -> Path:
    """A side×side uint8 class COG over ``bounds`` (EPSG:4326): class blocks, deflate, internal overviews."""
    if path.exists():
        return path
    started = time.perf_counter()
    temp = path.with_name("tiled.tif")
    codes = np.array(sorted(LITHOLOGY_BY_CODE), dtype=np.uint8)
    profile = {"driver": "GTiff", "width": side, "height": side, "count": 1, "dtype": "uint8", "crs": "EPSG:4326",
               "transform": transform_from_bounds(*bounds, side, side), "nodata": NODATA_CODE, "tiled": True,
               "blockxsize": 512, "blockysize": 512, "compress": "deflate", "BIGTIFF": "IF_SAFER"}
    column_block = np.arange(side) // 700
    with rasterio.open(temp, "w", **profile) as dst:
        for top in range(0, side, 512):
            rows = np.arange(top, min(top + 512, side))
            block = (rows[:, None] // 900 * 3 + column_block[None, :]) % len(codes)
            dst.write(codes[block], 1, window=Window(0, top, side, len(rows)))
        dst.write_colormap(1, colour_table())
    with rasterio.open(temp, "r+") as dst:
        factors, size = [], side
        while size > 512:
            factors.append(2 ** (len(factors) + 1))
            size //= 2
        dst.build_overviews(factors, Resampling.nearest)
    rasterio.shutil.copy(temp, path, driver="COG", COMPRESS="DEFLATE", BLOCKSIZE=512, OVERVIEWS="FORCE_USE_EXISTING",
                         BIGTIFF="IF_SAFER")
    temp.unlink()
    harness.note("setup", f"{side}×{side} COG built in {time.perf_counter() - started:.1f} s "
                          f"({path.stat().st_size / 1e6:.1f} MB, overviews {factors})")
    return path


def full_read_overlay(path: Path, bounds: tuple[float, float, float, float], width: int = OVERLAY_PX) -> np.ndarray:
    """The naive overlay: read the whole band, colour it, reproject it to a ``width``-px EPSG:3857 image."""
    with rasterio.open(path) as src:
        codes = src.read(1)
        lut = np.zeros((256, 4), dtype=np.uint8)
        for code, rgba in src.colormap(1).items():
            lut[code] = rgba
        lut[int(src.nodata)] = 0
        rgba = np.moveaxis(lut[codes], -1, 0)  # bands first, as rasterio wants
        west, south, east, north = transform_bounds(src.crs, "EPSG:3857", *bounds)
        height = max(1, round(width * (north - south) / (east - west)))
        destination = np.zeros((4, height, width), dtype=np.uint8)
        reproject(rgba, destination, src_transform=src.transform, src_crs=src.crs,
                  dst_transform=transform_from_bounds(west, south, east, north, width, height),
                  dst_crs="EPSG:3857", resampling=Resampling.nearest)
    return destination


def measure_geology_overlay(cache: Path, repeat: int, results: dict) -> None:
    """``geology_overlay``: read_overlay against a full read, alternating per repeat."""
    name = "geology_overlay"
    bounds = query.scope_bounds(full_countries(), "country", RASTER_COUNTRY, reference.assessed_iso3())
    path = build_cog(cache / f"geology-{RASTER_SIDE}.tif", bounds, RASTER_SIDE)
    levels = raster.overview_levels(path)

    def run_asmgeo(n: int, folder: Path) -> int:
        rgba, _ = raster.read_overlay(path, bounds, max_size=OVERLAY_PX)
        return rgba.nbytes

    variants = {"asmgeo": run_asmgeo, "full_read": lambda n, folder: full_read_overlay(path, bounds).nbytes}
    runs: dict[str, list[tuple[float, int | None]]] = {v: [] for v in variants}
    for _ in range(repeat):
        for variant, function in variants.items():
            gc.collect()
            runs[variant].append(harness.timed(function, RASTER_SIDE, name))
    for variant in variants:
        seconds = statistics.median(s for s, _ in runs[variant])
        results[name, RASTER_SIDE, variant] = {"seconds": seconds, "bytes": runs[variant][-1][1]}
        harness.emit({"name": name, "n": RASTER_SIDE, "variant": variant, "seconds": round(seconds, 4),
                      "bytes": runs[variant][-1][1]})
    harness.note(name, f"n = raster side in pixels ({RASTER_SIDE}² over {RASTER_COUNTRY}, overviews {levels}); "
                       "bytes = the RGBA image handed to the map")
    emit_ratios(name, [RASTER_SIDE], list(variants), results, ("seconds",))


# --------------------------------------------------------------------------- targets and profile


def check_targets(results: dict, sizes: list[int]) -> list[str]:
    """Compare the medians with the issue's targets; notes every verdict, returns the missed ones."""
    missed: list[str] = []

    def verdict(label: str, ok: bool | None, detail: str) -> None:
        state = "not measured" if ok is None else ("met" if ok else "MISSED")
        harness.note("targets", f"{label}: {state}{': ' + detail if detail else ''}")
        if ok is False:
            missed.append(label)

    def get(name: str, n: int, variant: str, key: str):
        return results.get((name, n, variant), {}).get(key)

    mine = get("explorer_map", 100_000, "asmgeo", "bytes")
    naive = get("explorer_map", 100_000, "folium_markercluster", "bytes")
    verdict("bytes, 100,000 sites ≤ 1 MB", None if mine is None else mine <= TARGETS["bytes_100k"],
            "" if mine is None else f"{mine:,} B")
    verdict("bytes, 100,000 sites ≥ 20× less than naive markers",
            None if mine is None or naive is None else naive / mine >= TARGETS["bytes_ratio_100k"],
            "" if mine is None or naive is None else f"{naive / mine:.1f}×")
    mine = get("explorer_map", 1_000_000, "asmgeo", "bytes")
    verdict("bytes, 1,000,000 sites ≤ 1.5 MB", None if mine is None else mine <= TARGETS["bytes_1m"],
            "" if mine is None else f"{mine:,} B")
    pages = {"standalone": "asmgeo", "streamlit": "asmgeo_streamlit"}
    opened = {label: get("first_paint", 1_000_000, v, "seconds") for label, v in pages.items()}
    failed = [label for label, v in pages.items() if ("first_paint", 1_000_000, f"{v}_failed") in results]
    verdict("1,000,000 sites: the page opens",
            None if not failed and all(s is None for s in opened.values()) else not failed,
            ", ".join([f"{label} page {s:.2f} s" for label, s in opened.items() if s is not None]
                      + [f"{label} page failed" for label in failed]))
    mine = get("explorer_map", 100_000, "asmgeo", "seconds")
    naive = get("explorer_map", 100_000, "folium_markercluster", "seconds")
    verdict("server time, 100,000 sites ≤ 0.3 s", None if mine is None else mine <= TARGETS["seconds_100k"],
            "" if mine is None else f"{mine:.3f} s")
    verdict("server time, 100,000 sites ≥ 100× faster than naive markers",
            None if mine is None or naive is None else naive / mine >= TARGETS["seconds_ratio_100k"],
            "" if mine is None or naive is None else f"{naive / mine:.0f}×")
    mine = get("first_paint", 100_000, "asmgeo", "seconds")
    verdict("first paint, 100,000 sites ≤ 2 s", None if mine is None else mine <= TARGETS["paint_100k"],
            "" if mine is None else f"{mine:.2f} s (standalone page)")
    real = get("first_paint", 100_000, "asmgeo_streamlit", "seconds")
    if real is not None:
        harness.note("targets", f"(for information) the real Streamlit page, warm: {real:.2f} s to the clusters")
    mine = get("geology_overlay", RASTER_SIDE, "asmgeo", "seconds")
    naive = get("geology_overlay", RASTER_SIDE, "full_read", "seconds")
    verdict("geology overlay ≤ 1 s", None if mine is None else mine <= TARGETS["overlay_seconds"],
            "" if mine is None else f"{mine:.3f} s")
    verdict("geology overlay ≥ 10× faster than a full read",
            None if mine is None or naive is None else naive / mine >= TARGETS["overlay_ratio"],
            "" if mine is None or naive is None else f"{naive / mine:.0f}×")
    return missed


def profile_explorer_map(data: Warm, lines: int = 30) -> None:
    """cProfile of one asmgeo explorer_map build, top functions by cumulative time, to stderr."""
    profiler = cProfile.Profile()
    profiler.enable()
    asmgeo_map(data)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(lines)
    harness.note("profile", f"explorer_map asmgeo at n={data.n}:\n{out.getvalue()}")


# --------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES, metavar="N")
    parser.add_argument("--repeat", type=int, default=3, help="runs per variant and size; medians are printed")
    parser.add_argument("--naive-max", type=int, default=100_000, help="largest N the naive baselines run for")
    parser.add_argument("--skip-browser", action="store_true", help="no first_paint measurement (no chromium)")
    parser.add_argument("--skip-streamlit", action="store_true", help="no real Streamlit page in first_paint")
    parser.add_argument("--skip-overlay", action="store_true", help="no geology_overlay measurement")
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="keep the demo stores and the COG here and reuse them (default: a temp dir, removed)")
    parser.add_argument("--profile", action="store_true",
                        help="print a cProfile of the asmgeo map build at the largest size to stderr")
    parser.add_argument("--check-targets", action="store_true", help="exit 1 if a measured target of the issue is missed")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the measurements; optionally check the issue's targets."""
    parser = build_parser()
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up (temp dirs, the Streamlit server) on kill
    if args.repeat < 1 or any(n < 1 for n in args.sizes):
        parser.error("--repeat and every size must be ≥ 1")
    sizes = sorted(set(args.sizes))
    cache = args.cache_dir or Path(tempfile.mkdtemp(prefix="asmgeo-bench-cache-"))
    cache.mkdir(parents=True, exist_ok=True)
    results: dict = {}
    try:
        warmed = {n: warm(n, cache) for n in sizes}
        measure_explorer_map(warmed, sizes, args.repeat, args.naive_max, results)
        if args.profile:
            profile_explorer_map(warmed[sizes[-1]])
        paint_sizes = [n for n in sizes if n in PAINT_SIZES]
        if args.skip_browser:
            harness.note("first_paint", "skipped (--skip-browser)")
        elif paint_sizes:
            measure_first_paint(warmed, paint_sizes, args.repeat, args.naive_max, not args.skip_streamlit, results)
        else:
            harness.note("first_paint", f"runs only for {PAINT_SIZES} among --sizes")
        warmed.clear()
        if args.skip_overlay:
            harness.note("geology_overlay", "skipped (--skip-overlay)")
        else:
            measure_geology_overlay(cache, args.repeat, results)
    finally:
        if args.cache_dir is None:
            shutil.rmtree(cache, ignore_errors=True)
    if args.check_targets:
        missed = check_targets(results, sizes)
        return 1 if missed else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
