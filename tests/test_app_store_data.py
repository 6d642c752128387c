"""The app on a store emptied on purpose, on a store with no survey layer, and the "Remove demo data" box (AppTest).

A store emptied on purpose stays empty: the app does not build the demo over it, the home page says
how to load data, and every page runs. The box on the upload page removes exactly the demo.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from asmgeo.demo import install
from asmgeo.i18n import t
from asmgeo.store import open_store

REPO_ROOT = Path(__file__).resolve().parent.parent
APP = str(REPO_ROOT / "app.py")
PAGES = ("pages/home.py", "pages/explorer.py", "pages/profiles.py", "pages/workshop.py", "pages/upload.py")
RUN_TIMEOUT_S = 120
DEMO_SITES = 30


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def _point_at(monkeypatch, folder: Path):
    monkeypatch.setenv("ASMGEO_STORE", str(folder / "store.gpkg"))
    monkeypatch.setenv("ASMGEO_RASTER_DIR", str(folder / "rasters"))
    monkeypatch.delenv("ASMGEO_LAYERS_DIR", raising=False)
    return open_store()


@pytest.fixture
def demo(tmp_path, monkeypatch):
    store = _point_at(monkeypatch, tmp_path)
    install.install_demo(store, n_sites=DEMO_SITES)
    return store


@pytest.fixture
def emptied(demo):
    install.remove_demo(demo)
    return demo


def _no_exception(at: AppTest) -> None:
    assert not at.exception, "\n\n".join(f"{e.value}\n{''.join(e.stack)}" for e in at.exception)
    assert not at.error, [str(e.value) for e in at.error]


def _texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def _spy(monkeypatch) -> list[int]:
    calls: list[int] = []
    original = install.install_demo
    monkeypatch.setattr(install, "install_demo", lambda *a, **k: calls.append(1) or original(*a, **k))
    return calls


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_emptied_store_stays_empty_and_the_home_page_says_how_to_load_data(emptied, monkeypatch, lang):
    calls = _spy(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    at.query_params["lang"] = lang
    at.run()
    _no_exception(at)
    assert calls == [] and emptied.count("sites") == 0
    assert t("home.empty_store", lang) in _texts(at.info)
    warnings = _texts(at.warning)
    assert t("home.notice", lang) not in warnings  # no synthetic sites any more
    assert t("home.notice_ratings", lang) in warnings  # the illustrative ratings stay, and say so
    assert t("sidebar.demo_label", lang) not in _texts(at.sidebar.info)


def test_every_page_runs_on_an_emptied_store(emptied):
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    at.run()
    for page in PAGES:
        at.switch_page(page)
        at.run()
        _no_exception(at)
        assert at.sidebar.selectbox, page


def test_every_page_runs_on_a_store_with_no_survey_layer(tmp_path, monkeypatch):
    store = _point_at(monkeypatch, tmp_path)
    store.put_mapping("kobo", "sites", "{}", "awa")  # the store has held something: no demo is built
    calls = _spy(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    at.run()
    _no_exception(at)
    assert calls == [] and not store.has_layer("sites")
    assert t("home.empty_store", "en") in _texts(at.info)
    for page in PAGES[1:]:
        at.switch_page(page)
        at.run()
        _no_exception(at)


def test_the_demo_store_keeps_its_notices(demo):
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    at.run()
    _no_exception(at)
    assert t("home.notice", "en") in _texts(at.warning)
    assert t("home.empty_store", "en") not in _texts(at.info)
    assert t("sidebar.demo_label", "en") in _texts(at.sidebar.info)


def test_the_remove_demo_box_asks_for_confirmation_then_removes_exactly_the_demo(demo):
    demo.append("sites", demo.read("sites").head(1).assign(site_id="FIELD-1", source="field survey", licence="CC0"))
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    at.run()
    at.switch_page("pages/upload.py")
    at.run()
    _no_exception(at)
    synthetic = demo.count("sites") - 1 + demo.count("mercury") + demo.count("tailings") + demo.count("geology_units")
    assert t("demo.remove_holds", "en", features=f"{synthetic:,}", rasters="3") in _texts(at.caption)
    button = at.button(key="demo.remove_button")
    assert button.disabled
    at.checkbox(key="demo.remove_confirm").check().run()
    assert not at.button(key="demo.remove_button").disabled
    at.button(key="demo.remove_button").click().run()
    _no_exception(at)
    successes = _texts(at.success)
    assert any(s.startswith("Removed the synthetic demo features (ASM sites: ") and "3 demo raster(s)" in s
               for s in successes), successes
    assert demo.read("sites")["site_id"].tolist() == ["FIELD-1"]
    assert demo.count("mercury") == demo.count("tailings") == demo.count("geology_units") == 0
    assert install.demo_rasters(demo.raster_folder()) == [] and not install.needs_demo(demo)
    assert t("demo.remove_none", "en") in _texts(at.caption)
    assert not any(box.key == "demo.remove_confirm" for box in at.checkbox)  # nothing left to remove
