"""The explorer's map tested as data: the constant base map and the per-view feature group."""

from __future__ import annotations

import re
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import pytest
import shapely
from folium.plugins import Draw
from html_assets import asset_urls

from asmgeo.demo.geology import synthetic_units
from asmgeo.i18n import t
from asmgeo.maps import base as maps
from asmgeo.maps import explorer, raster, viewport

XSS = "</script><script>window.__xss=1</script>"
COUNTRY_VIEW = viewport.View((-18.0, 10.0, -11.0, 17.0), 7)


def _countries() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"iso3": ["SEN", "GIN"], "name": ["Senegal", "Guinea"], "region": ["africa", "africa"]},
        geometry=[shapely.box(-17.5, 12.3, -11.4, 16.7), shapely.box(-15.1, 7.2, -11.4, 12.3)], crs="EPSG:4326",
    )


def _pct() -> pd.DataFrame:
    return pd.DataFrame({"iso3": ["SEN"], "year": [2016], "scope": ["pillar"], "pct": [45.8],
                         "items_rated": [12], "illustrative": [True]})


def _sites(n: int = 6) -> gpd.GeoDataFrame:
    """Latest visits as query.latest_sites returns them; the first is named with markup."""
    names = [XSS] + [f"Site {i}" for i in range(1, n)]
    return gpd.GeoDataFrame(
        {"site_id": [f"SEN-{i}" for i in range(n)], "name": names, "commodity": ["gold"] * n,
         "legal_status": ["informal", "licensed"] * (n // 2), "practice_class": ["unacceptable", "good"] * (n // 2),
         "workers": [10 * (i + 1) for i in range(n)], "women": [i for i in range(n)],
         "mercury_use": ["yes", "no"] * (n // 2), "survey_date": pd.to_datetime(["2024-05-01"] * n),
         "visits": [1] * n, "country": ["SEN"] * n, "source": ["synthetic demo"] * n},
        geometry=[shapely.Point(-16.0 + 0.3 * i, 14.0) for i in range(n)], crs="EPSG:4326",
    )


def _layers(**overrides) -> explorer.Layers:
    return explorer.Layers(**{"countries": _countries(), "pct": _pct(), "sites": _sites(), **overrides})


def _payloads(group: folium.FeatureGroup, script: str) -> list[dict]:
    return [c.payload for c in group._children.values()
            if isinstance(c, explorer.PayloadLayer) and script in c.code]


def _legend_titles(group: folium.FeatureGroup) -> list[str]:
    return [p["title"] for p in _payloads(group, "asmgeo-legend")]




@pytest.fixture(scope="module")
def base() -> folium.Map:
    return explorer.base_map(explorer.world_outline(_countries()))


def test_base_map_has_the_offline_outline_and_drawing_tools(base):
    children = list(base._children.values())
    outlines = [c for c in children if isinstance(c, maps.DataLayer)]
    assert len(outlines) == 1 and len(outlines[0].data["features"]) == 2
    assert any(isinstance(c, Draw) for c in children)


def test_base_map_loads_every_script_and_style_from_the_app_server(base):
    urls = asset_urls(base.get_root().render())
    assert urls and all(u.startswith("/app/static/node_modules/") for u in urls), urls
    assert {Path(u).name for u in urls} >= {"leaflet.js", "leaflet.css", "leaflet.draw.js", "leaflet.draw.css"}


def test_sites_in_view_are_drawn_one_by_one_with_their_data():
    group = explorer.data_layers(_layers(), ("countries", "sites"), COUNTRY_VIEW, "practice_class", 0.6)
    (points,) = _payloads(group, "asmgeo-site")
    assert sorted(row[3] for row in points["rows"]) == sorted(_sites()["site_id"])
    assert points["pct"]["SEN"].startswith("46 %") and "illustrative" in points["pct"]["SEN"]
    assert all(row[-1] is None and row[-2] == "synthetic demo" for row in points["rows"])  # source, no licence
    assert points["demo_source"] == "synthetic demo" and points["demo_note"] == t("map.popup.synthetic")
    assert any(isinstance(c, maps.DataLayer) and "asmgeo-assessed" in c.class_name for c in group._children.values())


def test_only_sites_inside_the_padded_view_are_sent():
    far = _sites().iloc[:2].set_geometry([shapely.Point(100.0, 40.0), shapely.Point(101.0, 41.0)], crs="EPSG:4326")
    sites = pd.concat([_sites(), far.assign(site_id=["FAR-1", "FAR-2"])], ignore_index=True)
    group = explorer.data_layers(_layers(sites=sites), ("sites",), COUNTRY_VIEW, "practice_class", 0.6)
    (points,) = _payloads(group, "asmgeo-site")
    assert not {"FAR-1", "FAR-2"} & {row[3] for row in points["rows"]}


def test_many_sites_become_clusters_whose_counts_add_up(monkeypatch):
    monkeypatch.setattr(explorer, "MAX_POINTS", 3)
    group = explorer.data_layers(_layers(), ("sites",), COUNTRY_VIEW, "legal_status", 0.6)
    assert _payloads(group, "asmgeo-site") == []
    (clusters,) = _payloads(group, "L.divIcon")
    assert sum(row[2] for row in clusters["rows"]) == len(_sites())


def test_a_layer_switched_off_sends_nothing():
    group = explorer.data_layers(_layers(), ("countries",), COUNTRY_VIEW, "practice_class", 0.6)
    assert _payloads(group, "asmgeo-site") == []
    assert _legend_titles(group) == ["Pillar 6 % implemented"]
    assert not any(isinstance(c, folium.TileLayer) for c in group._children.values())


def test_every_layer_brings_its_legend_and_demo_layers_say_they_are_synthetic():
    group = explorer.data_layers(_layers(), ("countries", "sites"), COUNTRY_VIEW, "commodity", 0.6)
    legends = _payloads(group, "asmgeo-legend")
    assert len(legends) == 2
    sites_legend = next(p for p in legends if p["title"].startswith("ASM sites"))
    assert "synthetic" in sites_legend["note"].lower()
    pillar_legend = next(p for p in legends if p["title"].startswith("Pillar 6"))
    assert "illustrative" in pillar_legend["note"].lower()


def test_online_tiles_only_when_asked_for():
    group = explorer.data_layers(_layers(), ("osm",), COUNTRY_VIEW, "practice_class", 0.6)
    tiles = [c for c in group._children.values() if isinstance(c, folium.TileLayer)]
    assert len(tiles) == 1 and "openstreetmap" in tiles[0].tiles


def test_markup_in_a_site_name_cannot_leave_the_script(base):
    fmap = explorer.base_map(explorer.world_outline(_countries()))
    explorer.data_layers(_layers(), ("sites",), COUNTRY_VIEW, "practice_class", 0.6).add_to(fmap)
    rendered = fmap.get_root().render()
    assert "window.__xss" in rendered  # the value is sent as data ...
    assert XSS not in rendered and "<script>window.__xss" not in rendered  # ... with < escaped by tojson


def test_map_scripts_never_write_html_from_data():
    folder = Path(explorer.__file__).parent / "js"
    for script in folder.glob("*.js"):
        code = re.sub(r"//[^\n]*", "", script.read_text())  # comments may name what the code avoids
        assert not re.search(r"innerHTML|insertAdjacentHTML|document\.write", code), script.name


def test_geology_raster_is_drawn_over_the_view_with_the_chosen_opacity(tmp_path):
    units = synthetic_units(_countries(), seed=1)
    path = raster.write_class_cog(tmp_path / "geology.tif", units, resolution=0.05)
    layers = _layers(geology_units=units, rasters=[path])
    group = explorer.data_layers(layers, ("geology_units", "geology_raster"), COUNTRY_VIEW, "practice_class", 0.4)
    overlays = [c for c in group._children.values() if isinstance(c, folium.raster_layers.ImageOverlay)]
    assert len(overlays) == 1 and overlays[0].options["opacity"] == 0.4
    (records,) = _payloads(group, "L.geoJSON")
    assert len(records["features"]["features"]) == len(units)


def test_raster_outside_the_view_is_skipped(tmp_path):
    units = synthetic_units(_countries(), seed=1)
    path = raster.write_class_cog(tmp_path / "geology.tif", units, resolution=0.05)
    far = viewport.View((100.0, 40.0, 110.0, 50.0), 6)
    group = explorer.data_layers(_layers(rasters=[path]), ("geology_raster",), far, "practice_class", 0.6)
    assert not any(isinstance(c, folium.raster_layers.ImageOverlay) for c in group._children.values())


@pytest.mark.parametrize("bounds", [(-81.0, -5.0, -75.2, 1.5), (-17.5, 12.3, -11.4, 16.7), (87.7, 41.6, 119.9, 52.1)])
def test_a_fitted_view_contains_the_bounds(bounds):
    centre, zoom = viewport.fit_view(bounds, 800, 640)
    west, south, east, north = viewport.view_around(centre, zoom, 800, 640).bounds
    assert west <= bounds[0] and east >= bounds[2] and south <= bounds[1] and north >= bounds[3]
    tighter = viewport.view_around(centre, zoom + 1, 800, 640).bounds  # one zoom closer no longer fits
    assert tighter[0] > bounds[0] or tighter[2] < bounds[2] or tighter[1] > bounds[1] or tighter[3] < bounds[3]


def test_fit_view_refuses_empty_bounds():
    with pytest.raises(ValueError, match="bounds"):
        viewport.fit_view((5.0, 5.0, 5.0, 6.0), 800, 640)


def test_a_site_given_as_a_footprint_is_drawn_at_a_point_inside_it():
    sites = _sites(2)
    sites.loc[1, "geometry"] = shapely.box(-15.0, 14.0, -14.9, 14.1)
    group = explorer.data_layers(_layers(sites=sites), ("sites",), COUNTRY_VIEW, "practice_class", 0.6)
    (points,) = _payloads(group, "asmgeo-site")
    lat, lon = next((row[0], row[1]) for row in points["rows"] if row[3] == "SEN-1")
    assert shapely.box(-15.0, 14.0, -14.9, 14.1).contains(shapely.Point(lon, lat))
