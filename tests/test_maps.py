"""folium maps tested as data: layers, features, classes, legends, offline assets, escaping."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from asmgeo import maps

XSS = "<script>alert(1)</script>"


def _countries() -> gpd.GeoDataFrame:
    """Three box countries: two assessed neighbours in West Africa, one unassessed."""
    return gpd.GeoDataFrame(
        {"iso3": ["SEN", "MLI", "GIN"], "name": ["Senegal", "Mali", "Guinea & <b>Co</b>"],
         "region": ["africa", "", ""]},
        geometry=[shapely.box(-17.5, 12.3, -11.4, 16.7), shapely.box(-11.4, 10.2, 4.2, 25.0),
                  shapely.box(-15.1, 7.2, -11.4, 12.3)],
        crs="EPSG:4326",
    )


def _pct() -> pd.DataFrame:
    return pd.DataFrame({"iso3": ["SEN", "MLI"], "year": [2016, 2017], "scope": ["pillar", "pillar"],
                         "pct": [12.5, 87.5], "items_rated": [12, 12], "illustrative": [True, False]})


def _sites() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "site_id": ["SEN-1", "SEN-2", "MLI-1"],
            "name": [XSS, "Sabodala", "Kéniéba"],
            "commodity": ["gold"] * 3, "legal_status": ["informal", "licensed", "illegal"],
            "workers": [30, 200, 12], "women": [10, 50, 0], "mercury_use": ["yes", "no", "unknown"],
            "survey_date": pd.to_datetime(["2021-01-02", "2022-03-04", "2023-05-06"]),
            "source": ["synthetic demo"] * 3,
        },
        geometry=[shapely.Point(-12.2, 12.6), shapely.Point(-12.3, 13.1), shapely.Point(-11.0, 13.0)],
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def fmap() -> folium.Map:
    return maps.overview_map(_countries(), _pct(), _sites())


@pytest.fixture(scope="module")
def rendered(fmap) -> str:
    return fmap.get_root().render()


def _data_layers(fmap: folium.Map) -> list[maps.DataLayer]:
    return [child for child in fmap._children.values() if isinstance(child, maps.DataLayer)]


def _features(fmap: folium.Map, css_class: str) -> list[tuple[dict, set[str]]]:
    """(properties, classes) of every feature drawn with ``css_class``, across all data layers.

    A feature's classes are the layer's ``class_name`` plus any per-feature ``_class``.
    """
    found = []
    for layer in _data_layers(fmap):
        for feature in layer.data["features"]:
            classes = set(layer.class_name.split()) | set(str(feature["properties"].get("_class", "")).split())
            if css_class in classes:
                found.append((feature["properties"], classes))
    return found


def test_overview_map_is_a_folium_map_with_country_and_site_layers(fmap):
    assert isinstance(fmap, folium.Map)
    layers = _data_layers(fmap)
    assert any("asmgeo-site" in layer.class_name.split() for layer in layers)
    assert any("asmgeo-country" in layer.class_name.split() for layer in layers)


def test_every_country_is_drawn_and_only_assessed_ones_are_marked_assessed(fmap):
    countries = _features(fmap, "asmgeo-country")
    assert {props["iso3"] for props, _ in countries} == {"SEN", "MLI", "GIN"}
    assessed = [props["iso3"] for props, classes in countries if "asmgeo-assessed" in classes]
    assert sorted(assessed) == ["MLI", "SEN"]  # each once, and never GIN


def test_sites_layer_has_one_feature_per_site(fmap):
    sites = _features(fmap, "asmgeo-site")
    assert sorted(props["site_id"] for props, _ in sites) == ["MLI-1", "SEN-1", "SEN-2"]


def test_assessed_countries_are_coloured_by_their_pct(fmap):
    fills = {props["iso3"]: props["_style"]["fillColor"]
             for props, classes in _features(fmap, "asmgeo-country") if "asmgeo-assessed" in classes}
    assert fills == {"SEN": maps.PCT_COLOURS[0], "MLI": maps.PCT_COLOURS[-1]}


def test_map_has_legends_and_a_layer_control(fmap, rendered):
    children = list(fmap._children.values())
    legends = [c for c in children if isinstance(c, maps.Legend)]
    assert len(legends) >= 2
    assert any(isinstance(c, folium.LayerControl) for c in children)
    assert rendered.count('class="asmgeo-legend"') == len(legends)
    assert "L.control.layers(" in rendered
    # the Pillar 6 legend says the ratings are illustrative
    notes = " ".join(legend.note for legend in legends).lower()
    assert "illustrative" in notes


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])


def test_rendered_map_loads_no_script_or_stylesheet_from_the_network(rendered):
    parser = _Assets()
    parser.feed(rendered)
    assert parser.urls, "the map loads Leaflet from somewhere"
    assert [u for u in parser.urls if not u.startswith("/app/static/")] == []
    assert not any(u.startswith(("http://", "https://", "//")) for u in parser.urls)
    assert any(u.endswith("leaflet.js") for u in parser.urls) and any(u.endswith("leaflet.css") for u in parser.urls)


def test_openstreetmap_is_offered_but_not_shown_by_default(fmap, rendered):
    tiles = [c for c in fmap._children.values() if isinstance(c, folium.TileLayer)]
    osm = [c for c in tiles if "openstreetmap" in c.tiles.lower()]
    assert len(osm) == 1 and osm[0].show is False
    name = osm[0].get_name()
    assert f"var {name} = L.tileLayer(" in rendered  # present, offered in the layer control
    assert f"{name}.addTo(" not in rendered
    for layer in _data_layers(fmap):
        if layer.show:
            assert f"{layer.get_name()}.addTo(" in rendered


def test_a_site_name_with_markup_is_escaped_in_its_popup(fmap, rendered):
    popups = {props["site_id"]: props["_popup"] for props, _ in _features(fmap, "asmgeo-site")}
    assert html.escape(XSS) in popups["SEN-1"]
    assert "&lt;script&gt;" in popups["SEN-1"]
    assert XSS not in popups["SEN-1"]
    assert XSS not in rendered
    assert "alert(1)" in rendered  # it is there, only escaped


def test_a_country_name_with_markup_is_escaped_in_its_tooltip(fmap):
    tooltips = [props.get("_tooltip", "") for props, _ in _features(fmap, "asmgeo-country") if props["iso3"] == "GIN"]
    assert tooltips and all("<b>" not in t for t in tooltips)
    assert any("&lt;b&gt;Co&lt;/b&gt;" in t for t in tooltips)


@pytest.mark.parametrize(("pct", "index"), [(0, 0), (10, 0), (30, 1), (50, 2), (70, 3), (90, 4), (100, 4), (99.9, 4)])
def test_pct_colour_bins(pct, index):
    colours = maps.PCT_COLOURS
    assert len(colours) == 5
    assert maps.pct_colour(pct) == colours[index]


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA])
def test_pct_colour_is_grey_without_a_value(missing):
    assert maps.pct_colour(missing) == maps.NOT_ASSESSED_COLOUR
    assert maps.NOT_ASSESSED_COLOUR not in maps.PCT_COLOURS


def test_pct_colour_is_monotonic():
    seen = [maps.PCT_COLOURS.index(maps.pct_colour(p)) for p in np.linspace(0, 100, 101)]
    assert seen == sorted(seen) and seen[0] == 0 and seen[-1] == len(maps.PCT_COLOURS) - 1


def test_feature_collection_refuses_a_frame_that_is_not_in_4326():
    frame = _countries().to_crs("EPSG:3857")
    with pytest.raises(ValueError, match="3857"):
        maps.feature_collection(frame, pd.DataFrame({"iso3": frame["iso3"]}))


def test_feature_collection_keeps_order_and_properties():
    frame = _countries()
    collection = maps.feature_collection(frame, pd.DataFrame({"iso3": frame["iso3"], "n": [1, 2, 3]}))
    assert collection["type"] == "FeatureCollection"
    assert [f["properties"] for f in collection["features"]] == [
        {"iso3": "SEN", "n": 1}, {"iso3": "MLI", "n": 2}, {"iso3": "GIN", "n": 3}]
    first = shapely.geometry.shape(collection["features"][0]["geometry"])
    assert first.equals(frame.geometry.iloc[0])


def test_round_coordinates_keeps_shared_borders_shared():
    """Two neighbours share a zigzag border with many decimals; after rounding they still only touch."""
    rng = np.random.default_rng(5)
    ys = np.linspace(10.0, 11.0, 40)
    xs = 3.0 + rng.uniform(-0.3, 0.3, len(ys)) + rng.uniform(0, 1e-6, len(ys))
    border = list(zip(xs, ys))
    west = shapely.Polygon([(1.0, 10.0), *border, (1.0, 11.0)])
    east = shapely.Polygon([(5.0, 10.0), *border, (5.0, 11.0)][::-1])
    frame = gpd.GeoDataFrame({"iso3": ["W", "E"]}, geometry=[west, east], crs="EPSG:4326")
    assert west.touches(east)
    rounded = maps.round_coordinates(frame)
    w, e = rounded.geometry
    assert w.is_valid and e.is_valid
    assert w.intersection(e).area == 0
    assert w.touches(e)
    assert w.boundary.intersection(e.boundary).length == pytest.approx(shapely.LineString(border).length, rel=1e-3)
    coords = shapely.get_coordinates(rounded.geometry.to_numpy())
    np.testing.assert_allclose(coords, np.round(coords, maps.DISPLAY_PRECISION), atol=1e-12)
    assert rounded.crs == frame.crs and list(rounded["iso3"]) == ["W", "E"]
