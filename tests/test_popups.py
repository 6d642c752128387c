"""How a value is shown is decided once (asmgeo/maps/popups.py), and every map shows it the same way."""

from __future__ import annotations

import datetime as dt
import html

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from asmgeo.i18n import date, t
from asmgeo.maps import explorer, popups, upload_map, viewport
from asmgeo.outputs import handout_layers
from asmgeo.provenance import DEMO_SOURCE, provenance_label

NNBSP = "\u202f"
VIEW = viewport.View((-18.0, 10.0, -11.0, 17.0), 7)


def _sites(n: int = 2) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"site_id": [f"SEN-{i}" for i in range(n)], "name": [f"Site {i}" for i in range(n)], "commodity": ["gold"] * n,
         "legal_status": ["informal"] * n, "practice_class": ["good"] * n, "workers": [1234] * n, "women": [5] * n,
         "mercury_use": ["yes"] * n, "survey_date": pd.to_datetime(["2024-05-01"] * n), "visits": [2] * n,
         "country": ["SEN"] * n, "source": [DEMO_SOURCE] * n},
        geometry=[shapely.Point(-16.0 + 0.3 * i, 14.0) for i in range(n)], crs="EPSG:4326",
    )


def _mercury() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"record_id": ["M1"], "hg_kg_per_year": [2.0], "survey_date": ["2024-01-02"],
                             "site_id": ["SEN-0"], "amalgamation": ["whole_ore"], "retort": ["no"], "burning": ["open"],
                             "country": ["SEN"], "source": [DEMO_SOURCE], "licence": ["CC0 1.0"]},
                            geometry=[shapely.Point(-16, 14)], crs="EPSG:4326")


def _pct() -> pd.DataFrame:
    return pd.DataFrame({"iso3": ["SEN"], "year": [2016], "scope": ["pillar"], "pct": [45.8], "items_rated": [12],
                         "illustrative": [True]})


@pytest.mark.parametrize(("field", "raw", "lang", "shown"), [
    ("workers", 1234, "fr", f"1{NNBSP}234"),
    ("workers", 1234.0, "en", "1,234"),
    ("hg_kg_per_year", 1234.56, "fr", f"1{NNBSP}234,6"),
    ("hg_kg_per_year", 2.0, "en", "2"),
    ("volume_m3", 12.5, "en", "12"),
    ("site_id", 1001, "en", "1001"),
    ("survey_date", pd.Timestamp("2024-05-01"), "fr", "1 mai 2024"),
    ("survey_date", "2024-01-02", "fr", "2 janv. 2024"),
    ("survey_date", "15/03/2024", "fr", "15/03/2024"),
    ("commodity", "gold", "es", t("value.commodity.gold", "es")),
    ("commodity", "or", "fr", "or"),
    ("status", "abandoned", "fr", t("value.tailings_status.abandoned", "fr")),
    ("country", "SEN", "fr", "Sénégal (SEN)"),
    ("country", "XXX", "fr", "XXX"),
    ("source", DEMO_SOURCE, "es", provenance_label(DEMO_SOURCE, "es")),
    ("source", "<b>survey</b>", "es", "<b>survey</b>"),  # text, never HTML: whoever shows it escapes it
    ("name", None, "en", None), ("workers", np.nan, "en", None), ("survey_date", pd.NaT, "en", None),
    ("women", pd.NA, "en", None), ("name", "  ", "en", None),
])
def test_a_value_is_written_once_for_every_map(field, raw, lang, shown):
    assert popups.value(field, raw, lang) == shown


def test_every_layer_shows_its_id_first_and_its_source_and_licence_last_with_catalogue_labels():
    for layer, fields in popups.FIELDS.items():
        assert fields[0] == popups.ID_FIELDS[layer] and fields[-2:] == ("source", "licence")
        assert not {"extra", "submission_id"} & set(fields)  # kept inside the app, never in a popup
        assert popups.labels(fields, "fr") == [t(f"map.popup.{f}", "fr") for f in fields]
    assert popups.label("survey_date", "fr", latest_visit=False) == t("map.popup.surveyed", "fr")
    assert popups.pillar_text(45.8, True, "fr") == t("handout.pillar_value", "fr", pct="46",
                                                     status=t("mpf.status.illustrative", "fr"))


def _explorer_sites(lang: str) -> dict:
    group = explorer.data_layers(explorer.Layers(countries=gpd.GeoDataFrame(geometry=[], crs="EPSG:4326"),
                                                 pct=_pct(), sites=_sites()), ("sites",), VIEW, "practice_class", 0.6, lang)
    (payload,) = [c.payload for c in group._children.values()
                  if isinstance(c, explorer.PayloadLayer) and "asmgeo-site" in c.code]
    return payload


def _handout_payloads(group) -> list[dict]:
    """The payloads of a hand-out group's popup layer (not its legend)."""
    return [c.payload for c in group._children.values()
            if isinstance(c, explorer.PayloadLayer) and "demo_source" in c.payload]


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_explorer_and_hand_out_site_popups_are_the_same_words_and_values(lang):
    shown = _explorer_sites(lang)
    (handed,) = _handout_payloads(handout_layers.sites_group(_sites(), _pct(), lang))
    for key in ("columns", "names", "fields", "countries", "pct", "sources", "demo_source", "demo_note"):
        assert shown[key] == handed[key], key
    assert [row[2:] for row in shown["rows"]] == [row[2:] for row in handed["rows"]]
    assert handed["sources"] == {DEMO_SOURCE: provenance_label(DEMO_SOURCE, lang)}  # the hand-out words it too
    assert shown["profile"] and handed["profile"] is None and handed["pane"] == handout_layers.pane_name("sites")


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_explorer_hand_out_and_upload_record_popups_agree(lang):
    (layer, _) = explorer.mercury_layers(_mercury(), VIEW, lang, _pct())
    (handed,) = _handout_payloads(handout_layers.mercury_group(_mercury(), _pct(), lang))
    for key in ("columns", "names", "fields", "countries", "pct", "sources"):
        assert layer.payload[key] == handed[key], key
    values = layer.payload["features"]["features"][0]["properties"]["v"]
    assert values == handed["features"]["features"][0]["properties"]["v"]
    assert values[:3] == ["M1", "2", date(dt.date(2024, 1, 2), lang)]
    assert layer.payload["fields"][2] == t("map.popup.surveyed", lang)  # a record's own survey, not a latest visit
    popup = upload_map.popup_html(_mercury().iloc[0], "mercury", lang)  # the same fields, written on the server
    for name, label in zip(layer.payload["names"], layer.payload["fields"]):
        if name != "pillar":  # a row's own fields only: the upload page has no ratings beside it
            assert f"<b>{html.escape(label)}</b>" in popup, name
    for value in (*values[:3], popups.country_label("SEN", lang), provenance_label(DEMO_SOURCE, lang)):
        assert html.escape(value) in popup, value
