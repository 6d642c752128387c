"""Upload in a real browser: validate, commit, review, approve, see the sites on the explorer.

Hostile property values stay text on the page and in both maps; a KoboToolbox XLSX export is read.
"""

from __future__ import annotations

import hashlib
import json
import time
import re
from pathlib import Path

import kobo_xlsx
import pytest
from playwright.sync_api import Error as PlaywrightError

from ui import state as keys
from ui import upload_mapping
from ui.uploader import key_class

from .conftest import SCENARIO_TIMEOUT_S, SITE_MARKERS_JS, map_frame, wait_for_app

pytestmark = pytest.mark.e2e

FIRST_LOAD_TIMEOUT_S = 120
UPLOADS = Path(__file__).resolve().parent.parent / "data" / "uploads"
SITES_FILE = UPLOADS / "sites.geojson"
XSS_FILE = UPLOADS / "xss_sites.geojson"
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
# Open the tooltip and popup of every marker drawn with the class given, and read them back.
OVERLAYS_JS = """(cls) => {
    const out = [];
    window.map.eachLayer(l => {
        if (!(l.options && l.options.className === cls && l.getLatLng)) return;
        l.openTooltip();
        l.openPopup();
        const tip = l.getTooltip().getElement();
        const popup = l.getPopup().getElement().querySelector('.leaflet-popup-content');
        out.push({tooltip: tip.textContent, popup: popup.textContent,
                  tags: tip.querySelectorAll('script, img').length + popup.querySelectorAll('script, img').length});
        l.closePopup();
        l.closeTooltip();
    });
    return out;
}"""
HAS_CLASS_JS = """(cls) => {
    if (!window.map) return false;
    let found = false;
    window.map.eachLayer(l => { if (l.options && l.options.className === cls && l.getLatLng) found = true; });
    return found;
}"""
_ST_EXCEPTION = '[data-testid="stException"]'
_SUCCESS = '[data-testid="stAlertContentSuccess"]'


def _uploaded_points() -> tuple[str, list[tuple[float, float]]]:
    features = json.loads(SITES_FILE.read_text())["features"]
    coordinates = [f["geometry"]["coordinates"] for f in features if f.get("geometry")]
    points = sorted({(xy[1], xy[0]) for xy in coordinates if len(xy) == 2})  # the file holds one empty point
    return features[0]["properties"]["country"], points


@pytest.mark.timeout(SCENARIO_TIMEOUT_S)
def test_upload_commit_approve_then_explorer_shows_the_sites(fresh_server, page):
    page.goto(f"{fresh_server}/upload", wait_until="domcontentloaded")
    wait_for_app(page, timeout=FIRST_LOAD_TIMEOUT_S)
    page.locator('input[type="file"]').set_input_files(str(SITES_FILE))
    page.get_by_text("Report for sites.geojson").wait_for(timeout=FIRST_LOAD_TIMEOUT_S * 1000)
    wait_for_app(page)
    page.get_by_role("button", name="Commit accepted features").click()
    page.locator(_SUCCESS, has_text="pending review").wait_for(timeout=60_000)
    wait_for_app(page)
    page.get_by_role("button", name="Approve").click()
    page.locator(_SUCCESS, has_text="is approved").wait_for(timeout=60_000)
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


def _folium_frame_with(page, class_name: str, timeout_s: float = 60):
    """The streamlit-folium frame whose map draws markers of ``class_name`` (the page has two maps)."""
    deadline = page.evaluate("Date.now()") + timeout_s * 1000
    while True:
        for frame in page.frames:
            if "streamlit_folium" not in frame.url:
                continue
            try:
                if frame.evaluate(HAS_CLASS_JS, class_name):
                    return frame
            except PlaywrightError:  # a frame being replaced by a rerun
                continue
        if page.evaluate("Date.now()") > deadline:
            raise AssertionError(f"no map draws {class_name!r}; frames: {[f.url for f in page.frames]}")
        page.wait_for_timeout(200)


def _fits(frame, points: list[tuple[float, float]]) -> None:
    """The map is zoomed in on ``points`` (lat, lon), not left on the world view."""
    zoom = frame.evaluate("window.map.getZoom()")
    inside = frame.evaluate("(pts) => pts.every(p => window.map.getBounds().contains(p))", [list(p) for p in points])
    assert zoom >= 8 and inside, f"zoom {zoom}, all points in view: {inside}"


def _type(page, box, text: str) -> None:
    """Type ``text`` into the text input ``box`` as a user does (Enter sends it) and wait for the rerun."""
    box.fill(text)
    box.press("Enter")
    wait_for_app(page)


def _issue_cells(page, wanted, timeout_s: float = 60) -> list[str]:
    """The texts of the issues table's cells once ``wanted(cells)`` holds (the grid fills its cells after the run ends)."""
    deadline = time.monotonic() + timeout_s
    while True:
        cells = page.locator('[data-testid="stDataFrame"] [role="gridcell"]').all_text_contents()
        if wanted(cells) or time.monotonic() > deadline:
            return cells
        page.wait_for_timeout(200)


def _no_script_ran(page) -> None:
    for frame in page.frames:
        assert frame.evaluate("typeof window.__xss") == "undefined", frame.url
        assert frame.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0, frame.url


def test_script_in_a_property_stays_text_everywhere_on_the_upload_page(fresh_server, page):
    features = json.loads(XSS_FILE.read_text())["features"]
    assert features[0]["properties"]["name"] == XSS and features[1]["properties"]["commodity"] == XSS
    points = [(f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0]) for f in features]
    page.goto(f"{fresh_server}/upload", wait_until="domcontentloaded")
    wait_for_app(page, timeout=FIRST_LOAD_TIMEOUT_S)
    page.locator('input[type="file"]').set_input_files(str(XSS_FILE))
    page.get_by_text("Report for xss_sites.geojson").wait_for(timeout=FIRST_LOAD_TIMEOUT_S * 1000)
    wait_for_app(page)

    cells = _issue_cells(page, lambda cells: any(XSS in cell and "is not a known value" in cell for cell in cells))
    assert any(XSS in cell and "is not a known value" in cell for cell in cells), cells

    preview = _folium_frame_with(page, "asmgeo-upload-rejected")
    _fits(preview, points)
    accepted = preview.evaluate(OVERLAYS_JS, "asmgeo-upload-accepted")
    rejected = preview.evaluate(OVERLAYS_JS, "asmgeo-upload-rejected")
    assert len(accepted) == len(rejected) == 1
    assert XSS in accepted[0]["tooltip"] and XSS in accepted[0]["popup"] and "#0 XSS-001" in accepted[0]["tooltip"]
    assert rejected[0]["tooltip"].count(XSS) == 2  # the name, and the value quoted in the reason
    assert XSS in rejected[0]["popup"] and accepted[0]["tags"] == rejected[0]["tags"] == 0
    _no_script_ran(page)

    page.get_by_role("button", name="Commit accepted features").click()
    page.locator(_SUCCESS, has_text="pending review").wait_for(timeout=60_000)
    page.get_by_text("Review batch").wait_for(timeout=60_000)
    wait_for_app(page)
    review = _folium_frame_with(page, "asmgeo-upload-batch")
    _fits(review, points[:1])
    shown = review.evaluate(OVERLAYS_JS, "asmgeo-upload-batch")
    assert len(shown) == 1 and shown[0]["tags"] == 0
    assert XSS in shown[0]["tooltip"] and XSS in shown[0]["popup"] and "XSS-001" in shown[0]["tooltip"]
    assert '<img src=x onerror="window.__xss=3">' in shown[0]["popup"]  # the source field, as written
    _no_script_ran(page)
    assert page.locator(_ST_EXCEPTION).count() == 0, page.locator(_ST_EXCEPTION).all_inner_texts()
    assert not page.page_errors, page.page_errors


def test_a_kobo_xlsx_export_is_validated_on_the_page(streamlit_server, page, tmp_path):
    path = kobo_xlsx.write_kobo_xlsx(tmp_path)
    page.goto(f"{streamlit_server}/upload", wait_until="domcontentloaded")
    wait_for_app(page, timeout=FIRST_LOAD_TIMEOUT_S)
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_text("Report for kobo_sites.xlsx").wait_for(timeout=FIRST_LOAD_TIMEOUT_S * 1000)
    wait_for_app(page)
    metrics = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert metrics == ["3", "3", "0"], metrics
    assert page.get_by_text("No issues: every feature passed.").count() == 1
    preview = _folium_frame_with(page, "asmgeo-upload-accepted")
    assert len(preview.evaluate(OVERLAYS_JS, "asmgeo-upload-accepted")) == 3
    _fits(preview, [(12.55, -12.18), (13.2, -12.1), (13.05, -12.35)])
    assert page.locator(_ST_EXCEPTION).count() == 0, page.locator(_ST_EXCEPTION).all_inner_texts()


# --------------------------------------------------------------- real survey data in (issue 11)

_METRICS = '[data-testid="stMetricValue"]'


def _metrics(page) -> list[str]:
    return page.locator(_METRICS).all_inner_texts()


def _upload(page, path: Path) -> None:
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_text(f"Report for {path.name}").wait_for(timeout=FIRST_LOAD_TIMEOUT_S * 1000)
    wait_for_app(page)


def _ident(path: Path, layer: str = "sites") -> str:
    return upload_mapping.step_id(hashlib.sha256(path.read_bytes()).hexdigest(), layer)


def _select(page, key: str, option: re.Pattern | str) -> None:
    """Open the select box of ``key`` and click the option named ``option``; wait for the rerun."""
    opener = page.locator(f".{key_class(key)} button[aria-haspopup='listbox']")
    choice = page.get_by_role("option", name=option).first
    for _ in range(3):  # a click landing while the page reruns may leave the list closed: open it again
        opener.click()
        try:
            choice.wait_for(timeout=5_000)
            break
        except PlaywrightError:
            page.keyboard.press("Escape")
    choice.click()
    wait_for_app(page)


def _no_exception(page) -> None:
    assert page.locator(_ST_EXCEPTION).count() == 0, page.locator(_ST_EXCEPTION).all_inner_texts()


def test_an_impossible_coordinate_is_listed_and_downloadable(fresh_server, page, tmp_path):
    path = tmp_path / "one_bad_latitude.csv"
    path.write_text("site_id,commodity,survey_date,lon,lat\nE-001,gold,2024-03-15,-12.18,12.55\n"
                    "E-002,gold,2024-03-16,-12.10,123\nE-003,gold,2024-03-17,-12.35,13.05\n", encoding="utf-8")
    page.goto(f"{fresh_server}/upload", wait_until="domcontentloaded")
    wait_for_app(page, timeout=FIRST_LOAD_TIMEOUT_S)
    _upload(page, path)
    _no_exception(page)
    assert _metrics(page) == ["3", "2", "1"]

    def listed(cells: list[str]) -> bool:
        return "1" in cells and any("123" in cell and "latitude" in cell for cell in cells)

    cells = _issue_cells(page, listed)
    assert listed(cells), cells

    # Streamlit 1.67 draws a <button> (no href): the click makes the link; the served bytes are fetched again from it
    button = page.get_by_role("button", name="Download rejected features (GeoJSON)")
    assert button.count() == 1
    with page.expect_download(timeout=60_000) as caught:
        button.click()
    download = caught.value
    assert download.suggested_filename == "one_bad_latitude_rejected.geojson"
    served = page.request.get(download.url)
    assert served.ok and served.body() == Path(download.path()).read_bytes(), download.url
    rejected = json.loads(served.body())
    assert [f["properties"]["site_id"] for f in rejected["features"]] == ["E-002"]
    assert rejected["features"][0]["properties"]["_feature"] == 1
    assert "123" in json.dumps(rejected["features"][0])
    _no_exception(page)
    assert not page.page_errors, page.page_errors


SURVEY_HEADER = "point_id,metal,visited,lon,lat,team\n"


def test_a_mapping_made_on_the_page_is_saved_and_reused_for_the_next_file(fresh_server, page, tmp_path):
    first = tmp_path / "survey_a.csv"
    first.write_text(SURVEY_HEADER + "P-001,oro,2024-03-15,-12.18,12.55,north\n"
                     "P-002,aurum,2024-03-16,-12.10,13.20,north\nP-003,cobre,2024-03-17,-12.35,13.05,south\n",
                     encoding="utf-8")
    second = tmp_path / "survey_b.csv"
    second.write_text(SURVEY_HEADER + "Q-001,aurum,2024-06-01,-12.20,12.60,east\n"
                      "Q-002,oro,2024-06-02,-12.25,12.70,west\nQ-003,oro,2024-06-03,-12.30,12.80,west\n"
                      "Q-004,cobre,2024-06-04,-12.15,12.65,east\n", encoding="utf-8")
    page.goto(f"{fresh_server}/upload", wait_until="domcontentloaded")
    wait_for_app(page, timeout=FIRST_LOAD_TIMEOUT_S)
    _upload(page, first)
    assert _metrics(page) == ["3", "0", "3"]
    assert page.get_by_text("rejects 3 features").count() == 3  # site_id, commodity, survey_date: each once

    ident = _ident(first)
    for field, column in (("site_id", "point_id"), ("commodity", "metal"), ("survey_date", "visited")):
        _select(page, upload_mapping.widget_key(keys.UPLOAD_MAP_FIELD, ident, field), re.compile(f"^{column}"))
        _no_exception(page)
    assert _metrics(page) == ["3", "2", "1"]
    _select(page, upload_mapping.value_key(ident, "commodity", "aurum"), "Gold (gold)")
    assert _metrics(page) == ["3", "3", "0"]
    page.get_by_text("Columns kept with each feature but not published: team").wait_for(timeout=10_000)

    _type(page, page.locator(f".{key_class(upload_mapping.widget_key(keys.UPLOAD_MAP_NAME, ident))} input"),
          "survey form A")
    page.get_by_role("button", name="Save mapping").click()
    page.locator(_SUCCESS, has_text="Mapping saved as survey form A").wait_for(timeout=60_000)
    wait_for_app(page)

    _upload(page, second)
    assert _metrics(page) == ["4", "0", "4"]
    ident = _ident(second)
    _select(page, upload_mapping.widget_key(keys.UPLOAD_MAP_SAVED, ident), "survey form A")
    page.locator(_SUCCESS, has_text="Mapping survey form A filled in.").wait_for(timeout=60_000)
    wait_for_app(page)
    assert _metrics(page) == ["4", "4", "0"]
    assert page.get_by_text("No issues").count() == 0  # the kept column is still said
    _no_exception(page)

    _type(page, page.get_by_role("textbox", name="Source of the data", exact=True), "Survey team B, 2024")
    page.get_by_role("button", name="Commit accepted features").click()
    page.locator(_SUCCESS, has_text="4 feature(s) written").wait_for(timeout=60_000)
    wait_for_app(page)
    page.get_by_text("Columns kept but not published").wait_for(timeout=60_000)
    _no_exception(page)
    assert not page.page_errors, page.page_errors
