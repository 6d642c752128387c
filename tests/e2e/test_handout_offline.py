"""The hand-out map written by ``python -m asmgeo export-map``, opened from file:// with every network request refused."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from stores import demo_store_in

from asmgeo.config import DEFAULT_DEMO_SITES
from asmgeo.domain import practices, query
from asmgeo.i18n import date, number, t
from asmgeo.ingest import commit
from asmgeo.ingest.validate import validate_file
from asmgeo.shipped import boundaries, reference
from asmgeo.store import batches

from .conftest import ARTIFACTS_DIR, REPO_ROOT

pytestmark = pytest.mark.e2e

DRAW_TIMEOUT_MS = 20_000
REGION = "lac"
# Survey data is data: if the page ever parsed it as HTML, the image or script would set __pwned
# (and the image would request a file).
HOSTILE = '<img src="x" onerror="window.__pwned=1"><script>window.__pwned=2</script> & Co'
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
MAP_JS = "window[document.querySelector('.folium-map').id]"
COUNT_JS = """(className) => {
    let n = 0;
    MAP.eachLayer(l => { if (l.options && l.options.className === className && !l.getLayers) n++; });
    return n;
}""".replace("MAP", MAP_JS)
EXTERNAL_REFS_JS = """() => [...document.querySelectorAll('[href], [src]')]
    .map(e => e.getAttribute('href') || e.getAttribute('src'))
    .filter(u => /^([a-z][a-z0-9+.-]*:)?\\/\\//i.test(u) && !u.startsWith('file:'))"""
# the centre of a drawn site marker that is the topmost element there (markers overlap)
CLICKABLE_SITE_JS = """() => {
    for (const el of document.querySelectorAll('path.asmgeo-site')) {
        const box = el.getBoundingClientRect();
        const x = box.left + box.width / 2, y = box.top + box.height / 2;
        if (box.width > 0 && document.elementFromPoint(x, y) === el) return [x, y];
    }
    return null;
}"""


def _survey(folder: Path) -> Path:
    """One field site in Ecuador with a hostile name."""
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-78.5, -1.5]},
               "properties": {"site_id": "ECU-FIELD-1", "commodity": "gold", "survey_date": "2026-11-20",
                              "name": HOSTILE, "country": "ECU", "source": "field survey 2026"}}
    path = folder / "survey.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def store_env(tmp_path_factory):
    """The default demo plus one approved field survey; the environment that points the CLI at it."""
    folder = tmp_path_factory.mktemp("handout-e2e")
    with demo_store_in(folder, DEFAULT_DEMO_SITES) as store:
        report = validate_file(_survey(folder), "sites", boundaries.load_countries("full"))
        batches.approve(store, commit.import_report(store, report, by="e2e").batch)
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        env.pop("ASMGEO_LANG", None)
        latest = query.latest_sites(store.read("sites"), practices.load_rules())
        world = boundaries.load_countries("full")
        in_region = set(world.loc[world["region"] == REGION, "iso3"])
        expected = {"sites": int(latest["country"].isin(in_region).sum()), "countries": len(in_region)}
        yield env, folder, expected


def _export(store_env, lang: str) -> Path:
    """Write the region's hand-out with the CLI, in a subprocess, and return the file."""
    env, folder, _ = store_env
    out = folder / f"handout-{REGION}-{lang}.html"
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "asmgeo", "export-map", "--region", REGION, "--out", str(out),
                             "--lang", lang], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout and out.is_file()
    print(f"\n[handout e2e] {out.name}: {out.stat().st_size:,} bytes, CLI {time.perf_counter() - started:.1f} s")
    return out


@pytest.fixture(scope="module")
def english_file(store_env) -> Path:
    """The region's hand-out in English, written once for the module."""
    return _export(store_env, "en")


@pytest.fixture
def offline_page(browser, request):
    """A page in a context that refuses every request not to a file (all attempts recorded)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    refused: list[str] = []
    requested: list[str] = []

    def handle(route):
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", handle)
    page = context.new_page()
    page.refused, page.requested, page.errors = refused, requested, []
    page.on("request", lambda req: requested.append(req.url))
    page.on("pageerror", lambda exc: page.errors.append(f"{exc.name}: {exc.message}"))
    page.on("console", lambda msg: page.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("dialog", lambda dialog: (page.errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    yield page
    if getattr(getattr(request.node, "rep_call", None), "failed", False):
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS_DIR / f"{request.node.name}.png"))
    context.close()


def _open(page, path: Path) -> float:
    """Open the file and wait until the site markers are drawn; seconds it took."""
    started = time.perf_counter()
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("() => document.querySelectorAll('path.asmgeo-site').length > 0", timeout=DRAW_TIMEOUT_MS)
    return time.perf_counter() - started


def _sites(page) -> int:
    return page.evaluate(COUNT_JS, "asmgeo-site")


def test_the_hand_out_draws_its_layers_offline_and_keeps_its_controls(offline_page, store_env, english_file):
    page, expected = offline_page, store_env[2]
    seconds = _open(page, english_file)
    print(f"[handout e2e] sites drawn {seconds:.2f} s after opening")

    assert page.title() == t("handout.title", scope=t(f"region.{REGION}"))
    assert page.locator("path.asmgeo-country.asmgeo-assessed").count() == expected["countries"]
    assert _sites(page) == expected["sites"] > 0
    assert page.locator("path.asmgeo-site").count() == expected["sites"]
    assert page.locator("path.asmgeo-mercury").count() > 0
    assert page.locator("path.asmgeo-tailings").count() > 0
    assert page.locator("path.asmgeo-geology-units").count() == 0  # off until ticked

    legends = page.locator(".asmgeo-legend-title")
    titles = [legends.nth(i).inner_text() for i in range(legends.count())]
    assert sorted(titles) == sorted([t("map.legend.pillar"), f"{t('map.layer.sites')}: {t('map.style.practice_class')}",
                                     t("map.layer.mercury"), t("map.layer.tailings")])
    assert all(legends.nth(i).is_visible() for i in range(legends.count()))
    pillar = page.locator(".asmgeo-legend", has_text=t("map.legend.pillar")).inner_text()
    assert t("map.legend.illustrative") in pillar and "not Pillar 6 alone" in pillar
    sites_legend = page.locator(".asmgeo-legend", has_text=t("map.style.practice_class")).inner_text()
    assert t("map.legend.synthetic_some", source="synthetic demo") in sites_legend  # demo and one field site
    assert "field survey 2026" in sites_legend and "synthetic demo" in sites_legend  # the sources shown

    sites_box = page.locator(".leaflet-control-layers-overlays label", has_text=t("map.layer.sites")).locator("input")
    sites_box.uncheck()
    page.wait_for_function("() => document.querySelectorAll('path.asmgeo-site').length === 0", timeout=DRAW_TIMEOUT_MS)
    assert _sites(page) == 0
    assert page.locator(".asmgeo-legend-title", has_text=t("map.style.practice_class")).count() == 0
    sites_box.check()
    page.wait_for_function("() => document.querySelectorAll('path.asmgeo-site').length > 0", timeout=DRAW_TIMEOUT_MS)
    assert _sites(page) == expected["sites"]
    assert page.locator(".asmgeo-legend-title", has_text=t("map.style.practice_class")).count() == 1

    units_box = page.locator(".leaflet-control-layers-overlays label",
                             has_text=t("handout.layer.geology_units")).locator("input")
    units_box.check()
    page.wait_for_function("() => document.querySelectorAll('path.asmgeo-geology-units').length > 0",
                           timeout=DRAW_TIMEOUT_MS)
    raster_box = page.locator(".leaflet-control-layers-overlays label",
                              has_text=t("handout.layer.geology_raster")).locator("input")
    raster_box.check()
    image = page.locator("img.asmgeo-geology-raster")
    image.wait_for(timeout=DRAW_TIMEOUT_MS)
    assert image.get_attribute("src").startswith("data:image/png;base64,")

    point = page.evaluate(CLICKABLE_SITE_JS)
    assert point is not None, "no site marker can be clicked"
    page.mouse.click(*point)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=DRAW_TIMEOUT_MS)
    text = popup.inner_text()
    assert t("map.popup.synthetic") in text and t("map.popup.pillar") in text and "%" in text

    name = boundaries.country_names("en")["ECU"]
    page.evaluate("""(name) => MAP.eachLayer(l => {
        if (l.options && l.options.className === 'asmgeo-country asmgeo-assessed' && l.getPopup()
            && l.getTooltip().getContent().textContent.startsWith(name + ' ')) l.openPopup();
    })""".replace("MAP", MAP_JS), name)
    page.wait_for_function("(name) => { const p = document.querySelector('.leaflet-popup-content');"
                           " return p && p.textContent.startsWith(name); }", arg=name, timeout=DRAW_TIMEOUT_MS)
    country = page.locator(".leaflet-popup-content").inner_text()
    average = reference.regional_averages().set_index("region").at[REGION, "implementation_pct"]
    assert t("handout.popup.regional", region=t(f"region.{REGION}")) in country
    assert t("handout.percent", pct=number(average)) in country
    assert t("map.legend.illustrative") in country

    header = page.locator("header.asmgeo-standalone-header").inner_text()
    assert f"Data as of {date(dt.date(2026, 11, 20))}" in header  # the field survey is the latest in the file
    assert "field survey 2026" in header and "Natural Earth" in header and t("handout.synthetic", source="synthetic demo") in header

    assert page.evaluate(EXTERNAL_REFS_JS) == []  # the Leaflet attribution is plain text here
    assert page.errors == [] and page.evaluate("() => window.__pwned === undefined")
    assert page.refused == []
    assert [url for url in page.requested if not url.startswith(LOCAL_SCHEMES)] == []


def test_a_hostile_site_name_stays_text_in_its_popup_and_tooltip(offline_page, english_file):
    page = offline_page
    _open(page, english_file)
    opened = page.evaluate("""(name) => {
        let found = null;
        MAP.eachLayer(l => { const tip = l.getTooltip && l.getTooltip() && l.getTooltip().getContent();
                             if (!found && tip && tip.firstChild && tip.firstChild.textContent === name) found = l; });
        if (found) { found.openPopup(); found.openTooltip(); }
        return found !== null;
    }""".replace("MAP", MAP_JS), HOSTILE)
    assert opened, "the field site is not on the map"
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=DRAW_TIMEOUT_MS)
    assert popup.locator(":scope > div > div:first-child").inner_text() == HOSTILE  # the popup title
    tooltip = page.locator(".leaflet-tooltip").inner_text()
    assert HOSTILE in tooltip and tooltip.splitlines()[-1] == "field survey 2026"  # its own source, not the layer's
    assert page.locator(".leaflet-popup img, .leaflet-popup script, .leaflet-tooltip img").count() == 0
    assert t("map.popup.synthetic") not in popup.inner_text()  # a field record is not labelled synthetic
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__pwned === undefined")
    assert page.errors == [] and page.refused == []


def test_the_french_hand_out_names_its_layers_in_french(offline_page, store_env):
    page = offline_page
    _open(page, _export(store_env, "fr"))
    labels = page.locator(".leaflet-control-layers-overlays label")
    shown = [labels.nth(i).inner_text().strip() for i in range(labels.count())]
    expected = [t("handout.layer.illustrative", "fr", layer=t("map.legend.pillar", "fr"))]
    expected += [t("handout.layer.synthetic", "fr", layer=t(key, "fr")) for key in (
        "handout.layer.geology_raster", "handout.layer.geology_units", "map.layer.tailings",
        "handout.layer.mercury")]
    expected.append(t("handout.layer.partly_synthetic", "fr", layer=t("map.layer.sites", "fr")))  # one field site too
    assert shown == expected
    assert page.locator("header h1").inner_text() == t("handout.title", "fr", scope=t(f"region.{REGION}", "fr"))
    assert page.errors == [] and page.refused == []
