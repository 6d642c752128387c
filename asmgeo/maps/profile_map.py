"""The country profile's mini map: the country outlined over the offline basemap, its sites on top."""

from __future__ import annotations

import html

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element

from asmgeo.domain.query import to_lonlat
from asmgeo.extent import Bounds
from asmgeo.i18n import t
from asmgeo.maps import base as maps
from asmgeo.maps import explorer, viewport
from asmgeo.maps.assets import localize
from asmgeo.maps.leaflet_text import LeafletTexts

WIDTH_PX, HEIGHT_PX = 520, 360  # about the mini map's size on screen; used to fit the country
COUNTRY_STYLE = {"fillColor": "#fff7bc", "fillOpacity": 0.35, "color": "#cc4c02", "weight": 2}
SITE_STYLE = "practice_class"


def country_map(outline: gpd.GeoDataFrame, country: gpd.GeoDataFrame, sites: gpd.GeoDataFrame,
                pct: pd.DataFrame, lang: str = "en") -> folium.Map:
    """A small offline map of ``country`` (its polygon rows) with ``sites`` coloured by practice class.

    ``outline`` is the world basemap (e.g. ``explorer.world_outline``); ``sites`` the country's
    latest visits (``query.latest_sites``); ``pct`` the latest Pillar 6 % for the site popups.
    """
    if country.empty:
        raise ValueError("country has no polygon; pass the country's rows of the boundaries")
    bounds = map_bounds(country, sites)
    centre, zoom = viewport.fit_view(bounds, WIDTH_PX, HEIGHT_PX, max_zoom=10)
    view = viewport.View(bounds, zoom)
    fmap = folium.Map(tiles=None, location=centre, zoom_start=zoom, min_zoom=1, control_scale=True)
    fmap.get_root().header.add_child(Element(explorer.MAP_CSS), name="asmgeo_profile_css")
    maps.basemap_layer(outline, lang).add_to(fmap)
    LeafletTexts(lang, drawing=False).add_to(fmap)
    highlight = pd.DataFrame({"iso3": country["iso3"].to_numpy(), "_style": [COUNTRY_STYLE] * len(country),
                              "_tooltip": [html.escape(n) for n in maps.local_names(country, lang)]})
    data = maps.feature_collection(maps.round_coordinates(country), highlight)
    maps.DataLayer(data, name=t("profile.map.country", lang), class_name="asmgeo-country asmgeo-profile-country").add_to(fmap)
    for layer in explorer.site_layers(sites, pct, view, SITE_STYLE, lang):
        layer.add_to(fmap)
    return localize(fmap)


def map_bounds(country: gpd.GeoDataFrame, sites: gpd.GeoDataFrame) -> Bounds:
    """(west, south, east, north) around the country's largest part and all its sites (far islands left out)."""
    parts = shapely.get_parts(to_lonlat(country, "country").geometry.to_numpy())
    boxes = [parts[int(np.argmax(shapely.area(parts)))].bounds]
    if len(sites):
        boxes.append(tuple(to_lonlat(sites, "sites").total_bounds))
    array = np.array(boxes, dtype=float)
    west, south = array[:, 0].min(), array[:, 1].min()
    east, north = array[:, 2].max(), array[:, 3].max()
    pad_x, pad_y = max((east - west) * 0.05, 0.05), max((north - south) * 0.05, 0.05)
    return float(west - pad_x), float(south - pad_y), float(east + pad_x), float(north + pad_y)
