"""Smoke tests of the Streamlit app through ``streamlit.testing.v1.AppTest`` (no browser).

Every test points ``ASMGEO_STORE`` / ``ASMGEO_RASTER_DIR`` at a temp dir, so the repo's
``data/asmgeo.gpkg`` is never touched. The populated store is built once per module.

Note on ``pages/``: a folder named ``pages`` beside ``app.py`` puts Streamlit into its legacy
(MPA v1) mode until ``st.navigation`` is first called, and ``AppTest`` resets that mode before
every run. ``ui.frame.leave_legacy_pages_mode`` reruns such a run through app.py, so these tests
also check that every page gets the frame (sidebar, demo build) on every run.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest
import streamlit as st
from stores import demo_store_in
from streamlit.testing.v1 import AppTest

from asmgeo.store import open_store

REPO_ROOT = Path(__file__).resolve().parent.parent
APP = REPO_ROOT / "app.py"
PAGE_FILES = sorted(p.relative_to(REPO_ROOT).as_posix() for p in (REPO_ROOT / "pages").glob("*.py")
                    if p.name != "__init__.py")
RUN_TIMEOUT_S = 60
DEMO_SITES = 300
ASSESSED_COUNTRIES = 14
REGIONS = 3
MAP_COMPONENT = "streamlit_folium"


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def _fresh_caches():
    """No ``st.cache_data`` entry leaks from one test (and its store) into the next."""
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    """A store holding a small demo (built once per module); env vars point at it."""
    with demo_store_in(tmp_path_factory.mktemp("store"), DEMO_SITES) as store:
        yield store


@pytest.fixture
def empty_store(tmp_path, monkeypatch):
    """Env vars point at a store path that does not exist yet."""
    monkeypatch.setenv("ASMGEO_STORE", str(tmp_path / "empty" / "store.gpkg"))
    monkeypatch.setenv("ASMGEO_RASTER_DIR", str(tmp_path / "empty" / "rasters"))
    monkeypatch.delenv("ASMGEO_LAYERS_DIR", raising=False)
    return open_store()


@pytest.fixture(scope="module")
def home(demo_store):
    """The app after one run on the demo store (shared by the read-only checks below)."""
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    at.run()
    return at


# ----------------------------------------------------------------------- helpers


def _no_exception(at: AppTest) -> None:
    assert not at.exception, "the app raised:\n" + "\n\n".join(
        f"{e.value}\n{''.join(e.stack)}" for e in at.exception
    )


def _texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def _dataframe_with_rows(at: AppTest, rows: int):
    matches = [d.value for d in at.dataframe if len(d.value) == rows]
    assert len(matches) == 1, f"want one dataframe of {rows} rows; shapes: {[d.value.shape for d in at.dataframe]}"
    return matches[0]


def _install_spy(monkeypatch) -> list[int]:
    """Record each ``install_demo`` call made by the app (ui.data calls it via the module)."""
    from asmgeo.demo import install

    calls: list[int] = []
    original = install.install_demo

    def spy(store, *args, **kwargs):
        calls.append(1)
        return original(store, *args, **kwargs)

    monkeypatch.setattr(install, "install_demo", spy)
    return calls


# ------------------------------------------------------------------------- home


def test_home_runs_without_exception(home):
    _no_exception(home)
    assert not home.error, f"error boxes: {_texts(home.error)}"


def test_home_title_and_intro_mention_pillar_6(home):
    assert any("Pillar 6" in text for text in _texts(home.title)), _texts(home.title)
    assert any("Pillar 6" in text for text in _texts(home.main.markdown)), _texts(home.main.markdown)


def test_home_warns_ratings_illustrative_and_sites_synthetic(home):
    warnings = _texts(home.warning)
    assert any("illustrative" in w and "synthetic demo" in w for w in warnings), warnings


def test_sidebar_language_selectbox(home):
    selectboxes = home.sidebar.selectbox
    assert len(selectboxes) == 1, [s.label for s in selectboxes]
    assert selectboxes[0].label == "Language"
    assert selectboxes[0].value == "en"


def test_sidebar_lists_every_layer_with_its_count(home, demo_store):
    captions = _texts(home.sidebar.caption)
    summary = demo_store.summary()
    assert {info.name for info in summary} >= {"countries", "sites", "mercury", "tailings", "geology_units"}
    for info in summary:
        assert any(f"({info.name}):" in c and f"{info.features:,}" in c for c in captions), (
            f"no caption for layer {info.name} with {info.features:,} features in {captions}"
        )


def test_home_has_one_folium_map(home):
    components = home.main.get("component_instance")
    maps = [c for c in components if MAP_COMPONENT in c.proto.component_name]
    assert len(maps) == 1, [c.proto.component_name for c in components]
    assert "L.map(" in maps[0].proto.json_args


def test_home_pillar_table_has_the_14_countries_marked_illustrative(home):
    table = _dataframe_with_rows(home, ASSESSED_COUNTRIES)
    marked = [c for c in table.columns if table[c].astype(str).eq("illustrative").all()]
    assert marked, f"no column saying 'illustrative' in every row: {table.to_dict('list')}"


def test_home_regional_averages_cover_all_six_areas(home):
    _dataframe_with_rows(home, REGIONS)
    assert any("all six MPF thematic areas" in c for c in _texts(home.main.caption)), _texts(home.main.caption)


def test_warm_rerun_time(demo_store, request, record_property):
    """Not a timed test: the median of a few warm runs (store built, caches filled).

    Shown with ``pytest -s``, and recorded as the JUnit property ``warm_run_seconds``.
    """
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    at.run()
    seconds = []
    for _ in range(3):
        started = time.perf_counter()
        at.run()
        seconds.append(time.perf_counter() - started)
        _no_exception(at)
    assert at.sidebar.selectbox, "a rerun dropped the frame (app.py's sidebar)"
    record_property("warm_run_seconds", round(statistics.median(seconds), 3))
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"\n[test_app] warm at.run(): median {statistics.median(seconds):.2f} s over "
                            f"{len(seconds)} runs ({', '.join(f'{s:.2f}' for s in seconds)})")


# ------------------------------------------------------------------- empty store


def test_empty_store_builds_demo_once(empty_store, monkeypatch):
    calls = _install_spy(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)

    at.run()
    _no_exception(at)
    assert len(calls) == 1
    assert empty_store.has_layer("sites")
    notices = _texts(at.info) + _texts(at.toast)
    assert any("synthetic demo" in n and "built" in n for n in notices), notices
    counts = {info.name: info.features for info in empty_store.summary()}

    at.run()
    _no_exception(at)
    assert at.sidebar.selectbox, "the second run skipped app.py"
    assert len(calls) == 1, "the second run rebuilt the demo"
    assert {info.name: info.features for info in empty_store.summary()} == counts


def test_missing_boundaries_file_is_one_error_box(empty_store, tmp_path, monkeypatch):
    layers = tmp_path / "no_layers"
    layers.mkdir()
    monkeypatch.setenv("ASMGEO_LAYERS_DIR", str(layers))
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    at.run()
    _no_exception(at)
    errors = _texts(at.error)
    assert len(errors) == 1, errors
    assert str(layers / "countries.gpkg") in errors[0] and "missing" in errors[0], errors[0]


# ------------------------------------------------------------------------ pages


def test_pages_folder_is_not_empty():
    assert PAGE_FILES, f"no page files found in {REPO_ROOT / 'pages'}"


@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_page_runs(demo_store, page):
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    at.run()
    _no_exception(at)
    at.switch_page(page)  # raises ValueError when app.py's st.navigation does not register the file
    at.run()
    _no_exception(at)
    assert not at.error, f"{page} shows error boxes: {_texts(at.error)}"
    assert at.sidebar.selectbox, f"{page} ran without app.py's sidebar"
