"""Workshop page (``/workshop``) in a real browser: a slide sequence saved, the app restarted, the sequence
reopened and stepped through with its layers and extents.

The store (the 600-site demo) is built in the test's own folder and given to two servers one after
the other, as a facilitator's laptop restarts the app between preparing and presenting. Expected
extents are what the map itself showed when each slide was saved; expected layers are checked on
what the map frame draws (paths by class, legend titles), never on the page's own state.
"""

from __future__ import annotations

import json
import math
import os
import re
import statistics
import time
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pyogrio
import pytest

from .conftest import APP_RUN_TIMEOUT_S, LAYER_SELECTORS, SCENARIO_TIMEOUT_S, map_frame, serve_app, wait_for_app

pytestmark = pytest.mark.e2e

N_SITES = 600
SEQUENCE = "Andes and Central America"
SLIDE_1 = {"caption": "Sites and Pillar 6: Honduras", "layers": {"countries", "sites"},
           "legends": ("Pillar 6 % implemented", "ASM sites"), "centre": (14.8, -86.6), "zoom": 6}
SLIDE_2 = {"caption": "Mercury and tailings in Ecuador", "layers": {"mercury", "tailings"},
           "legends": ("Mercury use", "Tailings"), "centre": (-2.0, -78.8), "zoom": 7}
LEGEND_STARTS = ("Pillar 6 % implemented", "ASM sites", "Mercury use", "Tailings", "Geology")
SELECTORS = sorted({s for selectors in LAYER_SELECTORS.values() for s in selectors})
_DRAWN_JS = f"""() => ({{
    counts: Object.fromEntries({json.dumps(SELECTORS)}.map(s => [s, document.querySelectorAll(s).length])),
    legends: [...document.querySelectorAll('.asmgeo-legend-title')].map(e => e.textContent),
    labels: document.querySelectorAll('.asmgeo-workshop-label').length,
    group: ((window.__GLOBAL_DATA__ || {{}}).last_feature_group || '').length,
}})"""
_VIEW_JS = """() => { if (!window.map) return null; const c = window.map.getCenter();
    return {lat: c.lat, lng: c.lng, zoom: window.map.getZoom()}; }"""
# The map has sent Streamlit the view it shows now (streamlit-folium keeps the last value sent).
_VIEW_REPORTED_JS = """() => {
    const m = window.map, g = window.__GLOBAL_DATA__;
    if (!m || !g || !g.previous_data || !g.previous_data.center) return false;
    const p = g.previous_data, c = m.getCenter();
    return p.zoom === m.getZoom() && Math.abs(p.center.lat - c.lat) < 1e-9 && Math.abs(p.center.lng - c.lng) < 1e-9;
}"""
_ST_EXCEPTION = '[data-testid="stException"]'
_ST_ERROR = '[data-testid="stAlertContentError"]'
SETTLE_STABLE_S = 0.8
CENTRE_TOLERANCE_PX = 2.0
STEP_TIMEOUT_S = 60
DOWNLOAD_TIMEOUT_MS = 120_000


# ------------------------------------------------------------------------ store


@pytest.fixture
def store_env(tmp_path) -> dict[str, str]:
    """ASMGEO_STORE / ASMGEO_RASTER_DIR of a 600-site demo store built in the test's folder."""
    env = {"ASMGEO_STORE": str(tmp_path / "store.gpkg"), "ASMGEO_RASTER_DIR": str(tmp_path / "rasters")}
    with mock.patch.dict(os.environ, env):
        from asmgeo.demo.install import install_demo
        from asmgeo.store import open_store

        install_demo(open_store(env["ASMGEO_STORE"]), n_sites=N_SITES)
    return env


# ----------------------------------------------------------------------- helpers


def drawn(frame) -> dict:
    return frame.evaluate(_DRAWN_JS)


def drawn_layers(frame) -> set[str]:
    """The layers that have something drawn in the map frame."""
    counts = drawn(frame)["counts"]
    return {name for name, selectors in LAYER_SELECTORS.items() if any(counts[s] > 0 for s in selectors)}


def legend_layers(frame) -> set[str]:
    """The legend titles on the map, by the start each layer's legend title has."""
    titles = drawn(frame)["legends"]
    return {start for start in LEGEND_STARTS if any(title.startswith(start) for title in titles)}


def settle(page, timeout: float = APP_RUN_TIMEOUT_S):
    """Wait until the map has reported the view it shows, the script has run for it and the layers
    drawn in the frame have stopped changing; return the map frame."""
    deadline = time.monotonic() + timeout
    wait_for_app(page, timeout=timeout, stable=0.3)
    frame = map_frame(page, timeout=timeout)
    last, since = None, time.monotonic()
    while True:
        state = (frame.evaluate(_VIEW_REPORTED_JS), drawn(frame), frame.evaluate(_VIEW_JS))
        now = time.monotonic()
        if not state[0] or state != last:
            last, since = state, now
        elif now - since >= SETTLE_STABLE_S:
            wait_for_app(page, timeout=max(deadline - now, 1), stable=0.3)
            if (frame.evaluate(_VIEW_REPORTED_JS), drawn(frame), frame.evaluate(_VIEW_JS)) == last:
                return frame
            last, since = None, time.monotonic()
        if now > deadline:
            raise AssertionError(f"the workshop map did not settle within {timeout}s: last state {state}")
        page.wait_for_timeout(100)


def widget(page, kind: str, label: str):
    """The Streamlit widget of ``kind`` (e.g. stSelectbox) whose label is ``label``."""
    return page.locator(f'[data-testid="{kind}"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]').get_by_text(label, exact=True))


def select(page, label: str, option: str) -> None:
    """Choose ``option`` in the select box ``label`` as a user does: open its list, click the option.

    (The list's chevron sometimes needs a second click in headless Chromium: the first only focuses.)
    """
    opener = widget(page, "stSelectbox", label).locator("button[aria-haspopup=listbox]")
    for _ in range(5):
        opener.click()
        page.wait_for_timeout(200)
        if opener.get_attribute("aria-expanded") == "true":
            break
    choice = page.get_by_role("option", name=option, exact=True)
    if choice.count() != 1:
        raise AssertionError(f"no option {option!r} in {label!r}: {page.get_by_role('option').all_inner_texts()}")
    choice.click()


def chips(box) -> list[str]:
    """The values a multiselect holds, as it labels them."""
    return box.locator("[data-tag]").evaluate_all("tags => tags.map(t => t.getAttribute('aria-label'))")


def set_layers(page, wanted: list[str]) -> None:
    """Make the Layers multiselect hold exactly ``wanted`` (labels), one click at a time, as a user does."""
    box = widget(page, "stMultiSelect", "Layers")
    for name in chips(box):
        if name not in wanted:
            box.get_by_role("button", name=f"Remove {name}", exact=True).click()
            wait_for_app(page, stable=0.3)
    for name in wanted:
        if name not in chips(box):
            box.get_by_role("combobox").click()
            page.get_by_role("option", name=name, exact=True).click()
            page.keyboard.press("Escape")
            wait_for_app(page, stable=0.3)
    assert sorted(chips(box)) == sorted(wanted), chips(box)


def type_into(page, label: str, text: str) -> None:
    """Type ``text`` into the text input ``label`` and commit it (Enter)."""
    field = widget(page, "stTextInput", label).locator("input")
    field.fill(text)
    field.press("Enter")
    wait_for_app(page, stable=0.3)


def move_map(page, frame, centre: tuple[float, float], zoom: int):
    """Pan and zoom the map as a user would (Leaflet's own setView), then wait for the page."""
    frame.evaluate("([lat, lon, zoom]) => window.map.setView([lat, lon], zoom)", [*centre, zoom])
    return settle(page)


def caption_shown(page) -> str:
    headers = page.locator('[data-testid="stHeading"] h2').all_inner_texts()
    return headers[0].strip() if headers else ""


def mercator_px(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    """Web Mercator pixel position at ``zoom`` (256 px tiles), as Leaflet projects it."""
    world = 256 * 2**zoom
    phi = math.radians(max(min(lat, 85.0511287798), -85.0511287798))
    return (lon + 180) / 360 * world, (1 - math.log(math.tan(phi) + 1 / math.cos(phi)) / math.pi) / 2 * world


def shift_px(view: dict, expected: dict) -> float:
    """How far (px at the expected zoom) the map's centre is from the expected one."""
    zoom = expected["zoom"]
    return math.dist(mercator_px(view["lat"], view["lng"], zoom), mercator_px(expected["lat"], expected["lng"], zoom))


def shows(frame, page, slide: dict, extent: dict) -> bool:
    """True when the page and the map show ``slide``: caption, layers and extent."""
    view = frame.evaluate(_VIEW_JS)
    return (caption_shown(page) == slide["caption"] and drawn_layers(frame) == slide["layers"]
            and view["zoom"] == extent["zoom"] and shift_px(view, extent) <= CENTRE_TOLERANCE_PX)


def assert_shows(page, frame, slide: dict, extent: dict) -> None:
    """The slide's caption, exactly its layers and legends, and its extent (zoom, centre within 2 px)."""
    assert caption_shown(page) == slide["caption"]
    assert drawn_layers(frame) == slide["layers"], drawn(frame)
    assert legend_layers(frame) == set(slide["legends"]), drawn(frame)["legends"]
    view = frame.evaluate(_VIEW_JS)
    assert view["zoom"] == extent["zoom"], (view, extent)
    assert shift_px(view, extent) <= CENTRE_TOLERANCE_PX, (view, extent)
    assert drawn(frame)["labels"] > 0, "no country labels on the map"


def step(page, frame, press, slide: dict, extent: dict) -> float:
    """Run ``press()`` (a click or a key) and return the seconds until the map shows ``slide``."""
    started = time.monotonic()
    press()
    deadline = started + STEP_TIMEOUT_S
    while not shows(frame, page, slide, extent):
        if time.monotonic() > deadline:
            raise AssertionError(f"slide {slide['caption']!r} not shown after {STEP_TIMEOUT_S}s: "
                                 f"{caption_shown(page)!r}, {drawn(frame)}, {frame.evaluate(_VIEW_JS)} vs {extent}")
        page.wait_for_timeout(25)
    return time.monotonic() - started


def assert_clean(page, frame) -> None:
    assert page.page_errors == [], f"uncaught JS errors: {page.page_errors}"
    frame_errors = frame.evaluate("() => window.__asmgeoErrors || []")
    assert frame_errors == [], f"uncaught JS errors in the map frame: {frame_errors}"
    assert page.locator(_ST_EXCEPTION).count() == 0, page.locator(_ST_EXCEPTION).all_inner_texts()
    assert page.locator(_ST_ERROR).count() == 0, page.locator(_ST_ERROR).all_inner_texts()
    assert page.aborted_urls == [], f"requests to other hosts (aborted): {page.aborted_urls}"


def save_slide(page, caption: str, name: str | None = None) -> None:
    if name is not None:
        type_into(page, "Name of the new sequence", name)
    type_into(page, "Caption of this slide", caption)
    page.get_by_role("button", name="Save this view as a slide").click()
    page.get_by_text(re.compile(r"Slide \d+ saved in the sequence")).wait_for(timeout=APP_RUN_TIMEOUT_S * 1000)


# ------------------------------------------------------------------------- test


@pytest.mark.timeout(SCENARIO_TIMEOUT_S)
def test_a_slide_sequence_survives_a_restart_and_steps_through(request, page, store_env, record_property):
    extents = {}
    # ---- preparing: two slides with different layers and extents, then a hand-out
    with serve_app(request, env=store_env) as base:
        page.goto(f"{base}/workshop", wait_until="domcontentloaded")
        frame = settle(page)
        select(page, "Region (its MPF-assessed countries)", "Latin America & Caribbean")
        frame = settle(page)
        assert drawn(frame)["counts"]["path.asmgeo-assessed"] > 0

        set_layers(page, ["Countries (Pillar 6 % implemented)", "ASM sites"])
        frame = move_map(page, frame, SLIDE_1["centre"], SLIDE_1["zoom"])
        extents[1] = frame.evaluate(_VIEW_JS)
        save_slide(page, SLIDE_1["caption"], name=SEQUENCE)

        set_layers(page, ["Mercury use (kg Hg per year)", "Tailings"])
        frame = move_map(page, settle(page), SLIDE_2["centre"], SLIDE_2["zoom"])
        extents[2] = frame.evaluate(_VIEW_JS)
        save_slide(page, SLIDE_2["caption"])
        frame = settle(page)
        assert parse_qs(urlsplit(page.url).query).get("slide") == ["2"], page.url

        with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as info:
            page.get_by_role("button", name="Hand-out map (offline HTML)").click()
        assert info.value.suggested_filename == "asmgeo-handout-lac-en.html"
        handout = Path(info.value.path()).read_text(encoding="utf-8")
        assert handout.lstrip().lower().startswith("<!doctype html") and len(handout) > 50_000
        assert_clean(page, frame)

    stored = pyogrio.read_dataframe(store_env["ASMGEO_STORE"], layer="workshop_slides", read_geometry=False)
    assert list(stored.sort_values("position")["caption"]) == [SLIDE_1["caption"], SLIDE_2["caption"]]
    assert list(stored.sort_values("position")["zoom"]) == [SLIDE_1["zoom"], SLIDE_2["zoom"]]

    # ---- presenting: a new server on the same store
    with serve_app(request, env=store_env) as base:
        page.goto(f"{base}/workshop", wait_until="domcontentloaded")
        settle(page)
        select(page, "Sequence", f"{SEQUENCE} (2 slides)")
        wait_for_app(page, stable=0.3)
        page.get_by_role("button", name="Open this sequence", exact=True).click()
        frame = settle(page)
        assert_shows(page, frame, SLIDE_1, extents[1])
        assert page.get_by_text("Slide 1 of 2").count() == 1

        seconds = [step(page, frame, lambda: page.get_by_role("button", name=re.compile("^Next")).click(),
                        SLIDE_2, extents[2])]
        frame = settle(page)
        assert_shows(page, frame, SLIDE_2, extents[2])
        assert parse_qs(urlsplit(page.url).query).get("slide") == ["2"], page.url

        seconds.append(step(page, frame, lambda: page.get_by_role("button", name=re.compile("^Previous")).click(),
                            SLIDE_1, extents[1]))
        frame = settle(page)
        assert_shows(page, frame, SLIDE_1, extents[1])

        # The facilitator pans away, then a presentation clicker (PageDown / PageUp) steps; the map
        # takes the slide's own extent again, also when the key goes to the map after a click in it.
        frame = move_map(page, frame, (10.0, -70.0), 4)
        seconds.append(step(page, frame, lambda: page.keyboard.press("PageDown"), SLIDE_2, extents[2]))
        frame = settle(page)
        frame.locator("#map_div").click(position={"x": 40, "y": 300})
        seconds.append(step(page, frame, lambda: page.keyboard.press("PageUp"), SLIDE_1, extents[1]))
        frame = settle(page)
        for press in ("Next", "Previous"):
            slide, extent = (SLIDE_2, extents[2]) if press == "Next" else (SLIDE_1, extents[1])
            seconds.append(step(page, frame, lambda press=press: page.get_by_role(
                "button", name=re.compile(f"^{press}")).click(), slide, extent))
            frame = settle(page)
        assert_shows(page, frame, SLIDE_1, extents[1])
        assert_clean(page, frame)

        median = statistics.median(seconds)
        record_property("slide_step_seconds", round(median, 3))
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"\n[test_workshop] slide step redrawn in the browser: median {median:.2f} s over "
                                f"{len(seconds)} steps ({', '.join(f'{s:.2f}' for s in seconds)})")

        # ---- the share link of slide 2 opens slide 2 in a fresh tab
        link = page.locator('[data-testid="stCode"]').nth(1).inner_text().strip()
        assert link == f"/workshop?sequence={SEQUENCE.replace(' ', '+')}&slide=2&lang=en", link
        other = page.context.new_page()
        try:
            other.goto(f"{base}{link}", wait_until="domcontentloaded")
            other_frame = settle(other)
            assert_shows(other, other_frame, SLIDE_2, extents[2])
        finally:
            other.close()
