"""Map building blocks tested as data: features, classes, colours, escaping, rounding."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from asmgeo.maps import base as maps


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


def test_choropleth_marks_only_assessed_countries_and_colours_them_by_pct():
    layer = maps.choropleth_layer(_countries(), _pct())
    fills = {f["properties"]["iso3"]: f["properties"]["_style"]["fillColor"] for f in layer.data["features"]}
    assert fills == {"SEN": maps.PCT_COLOURS[0], "MLI": maps.PCT_COLOURS[-1]}
    assert set(layer.class_name.split()) == {"asmgeo-country", "asmgeo-assessed"}
    tooltips = {f["properties"]["iso3"]: f["properties"]["_tooltip"] for f in layer.data["features"]}
    assert "illustrative" in tooltips["SEN"] and "official" in tooltips["MLI"]


def test_basemap_draws_every_country_and_escapes_names():
    layer = maps.basemap_layer(_countries())
    assert [f["properties"]["iso3"] for f in layer.data["features"]] == ["SEN", "MLI", "GIN"]
    assert "asmgeo-assessed" not in layer.class_name.split() and layer.control is False
    tooltips = [f["properties"]["_tooltip"] for f in layer.data["features"]]
    assert "Guinea &amp; &lt;b&gt;Co&lt;/b&gt;" in tooltips and all("<b>" not in t for t in tooltips)


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
