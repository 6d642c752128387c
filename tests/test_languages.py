"""French and Spanish beyond the catalogue: country names, numbers and dates, map texts, the uploader, pages.

Expected texts are read from the catalogue (``t``), so these tests hold while translators work;
numbers, dates and country names do not depend on them.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import pytest
import shapely
from folium.plugins import Draw
from stores import demo_store_in
from streamlit.testing.v1 import AppTest

from asmgeo.domain import geology, profile
from asmgeo.i18n import date, number, t
from asmgeo.maps import base as maps
from asmgeo.maps import explorer, leaflet_text, viewport
from asmgeo.outputs import export
from asmgeo.provenance import provenance_label
from asmgeo.shipped import boundaries, reference
from ui import charts, tables, uploader

APP = Path(__file__).resolve().parent.parent / "app.py"
RUN_TIMEOUT_S = 60
NNBSP = "\u202f"  # French digit grouping
VIEW = viewport.View((-18.0, 10.0, -11.0, 17.0), 7)


def _sites(n: int = 4) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"site_id": [f"SEN-{i}" for i in range(n)], "name": [f"Site {i}" for i in range(n)], "commodity": ["gold"] * n,
         "legal_status": ["informal"] * n, "practice_class": ["good"] * n, "workers": [1234] * n, "women": [5] * n,
         "mercury_use": ["yes"] * n, "survey_date": pd.to_datetime(["2024-05-01"] * n), "visits": [2] * n,
         "country": ["SEN"] * n, "source": ["synthetic demo"] * n},
        geometry=[shapely.Point(-16.0 + 0.3 * i, 14.0) for i in range(n)], crs="EPSG:4326",
    )


def _pct() -> pd.DataFrame:
    return pd.DataFrame({"iso3": ["SEN"], "year": [2016], "scope": ["pillar"], "pct": [45.8], "items_rated": [12],
                         "illustrative": [True]})


def _payloads(group: folium.FeatureGroup, script: str) -> list[dict]:
    return [c.payload for c in group._children.values() if isinstance(c, explorer.PayloadLayer) and script in c.code]


# --------------------------------------------------------------------------- country names


def test_country_names_come_in_the_language_and_sort_as_a_reader_expects():
    french = boundaries.by_name(boundaries.country_names("fr"))
    assert french["ECU"] == "Équateur" and boundaries.country_names("es")["CIV"] != boundaries.country_names("en")["CIV"]
    order = list(french.values())
    assert order.index("Équateur") < order.index("Érythrée") < order.index("Espagne") < order.index("Fidji")


def test_map_tooltips_name_countries_in_the_language():
    world = boundaries.load_countries("web")
    layer = maps.basemap_layer(world[world["iso3"].isin(["ECU", "SEN"])], "fr")
    assert {f["properties"]["_tooltip"] for f in layer.data["features"]} == {"Équateur", "Sénégal"}
    assessed = maps.choropleth_layer(world[world["iso3"] == "SEN"], _pct(), "es")
    assert assessed.data["features"][0]["properties"]["_tooltip"].startswith("Senegal — ")


# --------------------------------------------------------------------------- map payloads


def test_site_popups_get_catalogue_labels_and_numbers_dates_names_of_the_language():
    group = explorer.data_layers(explorer.Layers(countries=gpd.GeoDataFrame(
        {"iso3": ["SEN"], "name": ["Senegal"], "region": ["africa"]}, geometry=[shapely.box(-17.5, 12.3, -11.4, 16.7)],
        crs="EPSG:4326"), pct=_pct(), sites=_sites()), ("sites",), VIEW, "practice_class", 0.6, "fr")
    (points,) = _payloads(group, "asmgeo-site")
    assert points["labels"]["workers"] == t("map.popup.workers", "fr")
    row = points["rows"][0]
    assert row[8] == f"1{NNBSP}234" and row[11] == date(dt.date(2024, 5, 1), "fr") == "1 mai 2024"
    assert row[5] == t("value.commodity.gold", "fr") and row[-2] == "synthetic demo"  # the raw source stays data
    assert points["countries"] == {"SEN": "Sénégal (SEN)"}
    assert points["sources"] == {"synthetic demo": t("map.source.synthetic_demo", "fr")}
    assert points["profile"] == "/profiles?lang=fr&country="  # the popup's link keeps the language


def test_clusters_and_legends_write_numbers_for_the_language(monkeypatch):
    monkeypatch.setattr(explorer, "MAX_POINTS", 1)
    sites = _sites()
    group = explorer.data_layers(explorer.Layers(countries=sites.iloc[:0], pct=_pct(), sites=sites), ("sites",), VIEW,
                                 "practice_class", 0.6, "es")
    (clusters,) = _payloads(group, "L.divIcon")
    assert clusters["lang"] == "es" and clusters["unit"] == t("map.unit.sites", "es")
    mercury = gpd.GeoDataFrame({"record_id": ["M1"], "hg_kg_per_year": [1234.5], "survey_date": ["2024-01-02"],
                                "site_id": ["SEN-0"], "amalgamation": ["whole_ore"], "retort": ["no"], "burning": ["open"],
                                "source": ["field"]}, geometry=[shapely.Point(-16, 14)], crs="EPSG:4326")
    layer, legend = explorer.mercury_layers(mercury, VIEW, "fr")
    assert legend.payload["entries"][-1][1] == f"≥ 1{NNBSP}000 {t('map.unit.kg_per_year', 'fr')}"
    popup = layer.payload["features"]["features"][0]["properties"]["v"]
    assert popup[1] == f"1{NNBSP}234,5" and popup[2] == "2 janv. 2024"
    assert layer.payload["fields"][1] == t("map.popup.hg_kg_per_year", "fr")


def test_geology_labels_come_from_the_catalogue_only():
    assert not hasattr(next(iter(geology.LITHOLOGIES.values())), "label")
    legend = explorer.geology_legend(gpd.GeoDataFrame(geometry=[], crs="EPSG:4326"), [], "es")
    assert [entry[1] for entry in legend.payload["entries"]] == [t(k, "es") for k in geology.LABEL_KEYS.values()]


def test_leaflet_own_texts_come_from_the_catalogue_and_are_set_before_the_drawing_tools():
    texts = leaflet_text.payload("fr", drawing=True)
    assert texts["zoomIn"] == t("leaflet.zoom_in", "fr") and texts["zoomOut"] == t("leaflet.zoom_out", "fr")
    draw = texts["draw"]
    assert draw["draw"]["toolbar"]["buttons"]["rectangle"] == t("leaflet.draw.rectangle", "fr")
    assert draw["edit"]["toolbar"]["buttons"]["remove"] == t("leaflet.draw.remove", "fr")
    assert draw["format"]["numeric"]["delimiters"] == {"thousands": NNBSP, "decimal": ","}
    assert leaflet_text.payload("es", drawing=False)["draw"] is None
    fmap = explorer.base_map(explorer.world_outline(boundaries.load_countries("web").iloc[:3]), "es")
    children = list(fmap._children.values())
    kinds = [type(c) for c in children]
    assert kinds.index(leaflet_text.LeafletTexts) < kinds.index(Draw)
    rendered = fmap.get_root().render()
    assert rendered.index("L.drawLocal") < rendered.index("L.Control.Draw")


def test_leaflet_texts_are_escaped_for_the_html_leaflet_draw_writes(monkeypatch):
    monkeypatch.setattr(leaflet_text, "t", lambda key, lang: "<b>x</b> & y")
    assert leaflet_text.draw_texts("fr")["draw"]["toolbar"]["buttons"]["polygon"] == "&lt;b&gt;x&lt;/b&gt; &amp; y"


# --------------------------------------------------------------------------- numbers, dates, reference words


def test_profile_figures_dates_and_reference_words_follow_the_language():
    assert profile.fact_figure(700000, 650000, 1000000, "fr") == f"700{NNBSP}000 (650{NNBSP}000–1{NNBSP}000{NNBSP}000)"
    assert profile.fact_figure(12.5, None, None, "es") == "12,5"
    assert reference.date_text("2016-08/2016-11", "fr") == "août 2016 – nov. 2016"
    assert reference.date_text("2019-05-22", "es") == "22 may 2019" and reference.date_text("2014", "fr") == "2014"
    assert reference.date_status_label("month only", "fr") == t("reference.date_status.month_only", "fr")
    ecuador = reference.date_status_label("confirmed (Spanish edition 2019-03)", "fr")
    assert ecuador == t("reference.date_status.confirmed_edition", "fr",
                        language=t("reference.language.spanish", "fr"), date="mars 2019")
    assert reference.scope_label("all six MPF thematic areas", "es") == t("reference.scope.all_six_areas", "es")
    assert provenance_label(profile.mpf.ILLUSTRATIVE_SOURCE, "fr") == t("mpf.source.illustrative", "fr")


def test_export_notice_is_in_the_language_the_metadata_names():
    frame = _sites(1)
    assert export.export_metadata({"sites": frame}, {"lang": "es"})["notice"] == t("export.synthetic_notice", "es")
    assert export.export_metadata({"sites": frame})["notice"] == t("export.synthetic_notice", "en")


def test_tables_show_numbers_of_the_language_and_keep_them_numbers():
    frame = pd.DataFrame({"pct": [45.833, None], "n": [1234, 5]})
    styled = tables.localized(frame, "fr", {"pct": 1, "n": 0})
    html = styled.to_html()
    assert "45,8" in html and f"1{NNBSP}234" in html and styled.data["n"].dtype.kind == "i"
    with pytest.raises(ValueError, match="missing"):
        tables.localized(frame, "fr", {"missing": 1})


def test_charts_use_the_number_signs_of_the_language():
    assert charts.vega_locale("fr")["number"]["decimal"] == "," and charts.vega_locale("en")["number"]["thousands"] == ","


# --------------------------------------------------------------------------- the uploader


def test_uploader_css_words_the_widget_from_the_catalogue():
    css = uploader.uploader_css("upload.file", "fr", 200, ["geojson", "csv"])
    assert ".st-key-upload-file " in css
    limit = t("uploader.limit_types", "fr", size="200", types="GEOJSON, CSV")
    for text in (t("uploader.button", "fr"), limit, t("uploader.drop", "fr")):
        assert f'content: "{uploader.css_string(text)}"' in css
    assert css.count("visibility: hidden") == 3  # Streamlit's English hidden, out of the page's text too
    assert t("uploader.limit", "es", size="50") in re.sub(r"\\([0-9a-f]{6}) ", lambda m: chr(int(m[1], 16)),
                                                          uploader.uploader_css("k", "es", 50, None))


def test_css_strings_cannot_close_the_string_or_the_style_block():
    escaped = uploader.css_string('a "b" </style> \\ é')
    assert '"' not in escaped and "<" not in escaped and "\\\\" not in escaped
    assert re.sub(r"\\([0-9a-f]{6}) ", lambda m: chr(int(m[1], 16)), escaped) == 'a "b" </style> \\ é'
    assert uploader.key_class(" profiles.ratings_upload.0 ") == "st-key-profiles-ratings_upload-0"
    assert uploader.file_types(".csv") == "CSV" and uploader.file_types(None) == ""


# --------------------------------------------------------------------------- pages (AppTest)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    with demo_store_in(tmp_path_factory.mktemp("languages"), 300) as store:
        yield store


@pytest.fixture(autouse=True)
def _fresh_caches(fresh_streamlit_caches):
    yield


def _open(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, "\n\n".join(f"{e.value}\n{''.join(e.stack)}" for e in at.exception)
    return at


def test_explorer_country_choices_are_in_the_language(demo_store):
    at = _open("pages/explorer.py", lang="es", scope="country", value="KGZ")
    chooser = next(s for s in at.selectbox if s.label == t("explorer.country", "es"))
    assert chooser.options[:2] == ["Ecuador (ECU)", "Honduras (HND)"] and "Kirguistán (KGZ)" in chooser.options
    assert chooser.value == "KGZ" and boundaries.country_names("en")["KGZ"] != "Kirguistán"
    assert at.metric[0].value == number(len(demo_store.read("sites").drop_duplicates("site_id")), "es")


def test_profile_page_names_the_country_in_the_language_and_its_links_keep_it(demo_store):
    at = _open("pages/profiles.py", lang="fr", country="ECU")
    assert [str(h.value) for h in at.header] == ["Équateur (ECU)"]
    assert "Équateur (ECU)" in next(s for s in at.selectbox if s.label == t("profile.choose", "fr")).options
    across = next(d.value for d in at.dataframe if "link" in d.value.columns and len(d.value) == 14)
    assert across["link"].str.endswith("&lang=fr").all() and "Équateur" in set(across["country"])
    link = next(p for p in at.get("page_link") if p.proto.label == t("profile.to_explorer", "fr"))
    assert "lang=fr" in link.proto.query_string and "value=ECU" in link.proto.query_string
    pillar = next(m for m in at.metric if m.label == t("profile.pillar", "fr"))
    assert re.fullmatch(r"\d+,\d %", pillar.value), pillar.value
