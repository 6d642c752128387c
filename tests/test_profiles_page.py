"""The country profiles page through ``AppTest``: opened at ``?country=ISO3`` for each assessed country.

Like tests/test_app.py, every test points ``ASMGEO_STORE`` at a temp store built once per module.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from stores import demo_store_in
from streamlit.testing.v1 import AppTest

from asmgeo.demo.install import install_demo
from asmgeo.domain import mpf, ratings_io
from asmgeo.shipped import reference
from asmgeo.store import open_store

APP = Path(__file__).resolve().parent.parent / "app.py"
PAGE = "pages/profiles.py"
RUN_TIMEOUT_S = 60
NAMES = dict(zip(reference.assessments()["iso3"], reference.assessments()["country"]))


@pytest.fixture(autouse=True)
def _fresh_caches(fresh_streamlit_caches):
    yield


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    with demo_store_in(tmp_path_factory.mktemp("profiles"), 300) as store:
        yield store


def _open(country: str | None) -> AppTest:
    """The app run once (home), then the profiles page with ``?country=``."""
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    if country is not None:
        at.query_params["country"] = country
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, "\n\n".join(f"{e.value}\n{''.join(e.stack)}" for e in at.exception)
    return at


def _texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


@pytest.mark.parametrize("iso3", reference.assessed_iso3())
def test_opens_directly_at_each_assessed_country(demo_store, iso3):
    at = _open(iso3)
    assert _texts(at.header) == [f"{NAMES[iso3]} ({iso3})"]
    assert at.selectbox[0].value == iso3
    assert not at.error, _texts(at.error)
    assert any("ILLUSTRATIVE RATINGS" in w for w in _texts(at.warning)), _texts(at.warning)
    assert at.query_params.get("country") in (iso3, [iso3])


def test_shows_record_ground_policy_facts_and_across(demo_store):
    at = _open("UGA")
    subheaders = _texts(at.subheader)
    for title in ("Pillar 6 record", "Compared with the region", "On the ground (from the store)",
                  "Policy beside ground", "Reference facts (cited)", "Across countries", "Official ratings"):
        assert title in subheaders, subheaders
    metrics = {m.label: m.value for m in at.metric}
    assert set(metrics) == {"6.1 Legal", "6.2 Economic", "6.3 Social, env.", "Pillar 6"}
    assert any("all six MPF thematic areas" in m for m in _texts(at.markdown)), "regional average scope not stated"
    assert any("400,000–600,000 people" in m and "2022, secondary" in m for m in _texts(at.markdown))
    assert len(at.table) == 1 and len(at.table[0].value) == 7  # the seven recommendations
    across = [d.value for d in at.dataframe if "link" in d.value.columns and len(d.value) == 14]
    assert across and across[0]["link"].str.fullmatch(r"/profiles\?country=[A-Z]{3}&lang=en").all()


def test_lower_case_code_in_the_link_works(demo_store):
    at = _open("ecu")
    assert _texts(at.header) == ["Ecuador (ECU)"]


@pytest.mark.parametrize("code", ["XXX", "<b>1</b>"])
def test_unknown_country_warns_and_offers_the_chooser(demo_store, code):
    at = _open(code)
    assert any("has no profile here" in w for w in _texts(at.warning)), _texts(at.warning)
    assert at.selectbox[0].label == "Country" and at.selectbox[0].value is None
    assert not at.header and not at.error


def test_choosing_a_country_puts_it_in_the_link(demo_store):
    at = _open(None)
    assert not at.header
    at.selectbox[0].select("SEN").run()
    assert _texts(at.header) == ["Senegal (SEN)"]
    assert at.query_params.get("country") in ("SEN", ["SEN"])


def test_official_ratings_remove_the_label_for_that_country(tmp_path, monkeypatch):
    monkeypatch.setenv("ASMGEO_STORE", str(tmp_path / "store.gpkg"))
    monkeypatch.setenv("ASMGEO_RASTER_DIR", str(tmp_path / "rasters"))
    store = open_store()
    install_demo(store, n_sites=60)
    template = ratings_io.template_csv(reference.assessments(), mpf.ITEM_AREA).decode()
    lines = [line[:-2] + "yes,,report" if line.startswith("PAN,") else line for line in template.splitlines()]
    parsed = ratings_io.parse_ratings("\n".join(lines).encode(), set(NAMES), mpf.ITEM_AREA)
    ratings_io.store_ratings(store, parsed, "official", now=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    at = _open("PAN")
    assert not any("ILLUSTRATIVE" in w for w in _texts(at.warning)), _texts(at.warning)
    assert {m.label: m.value for m in at.metric}["Pillar 6"] == "100.0 %"
    assert any("Edition in force" in c for c in _texts(at.caption))


@pytest.fixture
def own_store(tmp_path, monkeypatch):
    """A small store of this test's own (an import changes it)."""
    monkeypatch.setenv("ASMGEO_STORE", str(tmp_path / "store.gpkg"))
    monkeypatch.setenv("ASMGEO_RASTER_DIR", str(tmp_path / "rasters"))
    store = open_store()
    install_demo(store, n_sites=30)
    return store


def _senegal_file(value: str = "yes") -> bytes:
    template = ratings_io.template_csv(reference.assessments(), mpf.ITEM_AREA).decode()
    lines = [line[:-2] + f"{value},,IGF MPF assessment Senegal" if line.startswith("SEN,") else line
             for line in template.splitlines()]
    return "\n".join(lines).encode()


def test_a_corrupted_upload_lists_its_problems_and_stores_nothing(own_store):
    before = own_store.read_table("pillar6_ratings")
    at = _open("SEN")
    at.file_uploader[0].set_value(("ratings.csv", _senegal_file("maybe"), "text/csv")).run()
    assert not at.exception
    assert any("12 problem(s); nothing was stored" in e for e in _texts(at.error)), _texts(at.error)
    problems = [m for m in _texts(at.markdown) if "is not yes, partial or no" in m]
    assert problems and problems[0].count("\n") == 11  # one bullet per bad line
    assert not any(b.label.startswith("Store these ratings") for b in at.button)
    pd.testing.assert_frame_equal(own_store.read_table("pillar6_ratings"), before)


def test_a_good_upload_is_previewed_then_committed_as_an_edition(own_store):
    at = _open("SEN")
    assert any("ILLUSTRATIVE RATINGS" in w for w in _texts(at.warning))
    at.file_uploader[0].set_value(("senegal-2016.csv", _senegal_file(), "text/csv")).run()
    assert not at.exception and not at.error, _texts(at.error)
    assert any("12 ratings for 1 country" in s for s in _texts(at.success)), _texts(at.success)
    preview = [d.value for d in at.dataframe if "ISO3" in d.value.columns]
    assert preview and preview[0]["Pillar 6"].tolist() == [100.0]
    assert at.text_input[0].value == "senegal-2016.csv"
    [commit] = [b for b in at.button if b.label.startswith("Store these ratings")]
    commit.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Stored edition" in s and "SEN" in s for s in _texts(at.success)), _texts(at.success)
    assert not any("ILLUSTRATIVE" in w for w in _texts(at.warning)), _texts(at.warning)
    ratings = own_store.read_table("pillar6_ratings")
    senegal = ratings[ratings["iso3"] == "SEN"]
    assert len(senegal) == 12 and not senegal["illustrative"].astype(bool).any()
    assert senegal["edition"].str.endswith("senegal-2016.csv").all()


def test_a_country_a_ministry_adds_gets_a_profile(own_store):
    frame = pd.DataFrame([{"iso3": "GHA", "year": 2023, "item": item, "implemented": "partial", "rating_word": "",
                           "source": "Ghana Minerals Commission"} for item in mpf.ITEM_AREA])
    parsed = ratings_io.parse_ratings(frame.to_csv(index=False).encode(), {"GHA"}, mpf.ITEM_AREA)
    ratings_io.store_ratings(own_store, parsed, "ministry", now=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    at = _open("GHA")
    assert _texts(at.header) == ["Ghana (GHA)"]
    assert {m.label: m.value for m in at.metric}["Pillar 6"] == "50.0 %"
    assert not any("ILLUSTRATIVE" in w for w in _texts(at.warning)) and not at.error
    assert "GHA" in at.selectbox[0].options or any("(GHA)" in o for o in at.selectbox[0].options)
