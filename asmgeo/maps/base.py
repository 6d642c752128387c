"""Map building blocks: GeoJSON layers styled from data, the offline basemap, the Pillar 6 choropleth."""

from __future__ import annotations

import html
import json

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from jinja2 import Template

from asmgeo.i18n import DEFAULT_LANGUAGE, t
from asmgeo.maps.popups import pillar_text
from asmgeo.shipped.boundaries import country_names

DISPLAY_PRECISION = 3  # decimal degrees kept for display: about 100 m, finer than any overview zoom
PCT_BINS = (0, 20, 40, 60, 80, 100)
PCT_COLOURS = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")  # ColorBrewer YlGnBu 5
NOT_ASSESSED_COLOUR = "#e3e3e3"
BASEMAP_STYLE = {"fillColor": NOT_ASSESSED_COLOUR, "fillOpacity": 1.0, "color": "#9a9a9a", "weight": 0.5}


class DataLayer(folium.map.Layer):
    """A GeoJSON layer whose features carry their own style, popup and tooltip.

    Style, popup and tooltip are computed on the server (popup text HTML-escaped there), so
    the browser only draws; every path gets ``class_name`` so tests can count what was drawn.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data|tojson }}, {
            className: {{ this.class_name|tojson }},
            style: function (feature) { return feature.properties._style || {}; },
            pointToLayer: function (feature, latlng) {
                return L.circleMarker(latlng, Object.assign(
                    {radius: {{ this.radius }}, className: {{ this.class_name|tojson }}},
                    feature.properties._style || {}));
            },
            onEachFeature: function (feature, layer) {
                var p = feature.properties;
                if (p._popup) { layer.bindPopup(p._popup, {maxWidth: 320}); }
                if (p._tooltip) { layer.bindTooltip(p._tooltip, {sticky: true}); }
            }
        });
        {% endmacro %}
        """
    )

    def __init__(self, data: dict, name: str, class_name: str, radius: int = 4, show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "DataLayer"
        self.data = data
        self.class_name = class_name
        self.radius = radius


def round_coordinates(frame: gpd.GeoDataFrame, decimals: int = DISPLAY_PRECISION) -> gpd.GeoDataFrame:
    """Round coordinates for display; shared borders stay shared because both sides round alike."""
    rounded = shapely.transform(frame.geometry.to_numpy(), lambda xy: np.round(xy, decimals))
    return frame.set_geometry(gpd.GeoSeries(rounded, index=frame.index, crs=frame.crs))


def feature_collection(frame: gpd.GeoDataFrame, properties: pd.DataFrame) -> dict:
    """A GeoJSON FeatureCollection of ``frame``'s geometries with the given property columns."""
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        raise ValueError(f"frame is in {frame.crs.to_string()}; reproject to EPSG:4326 before mapping")
    geometries = shapely.to_geojson(frame.geometry.to_numpy())
    records = properties.to_dict("records")
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": json.loads(geometry), "properties": record}
            for geometry, record in zip(geometries, records)
        ],
    }


def pct_colour(pct: float | None) -> str:
    """Fill colour of a % implemented value (grey when the country is not assessed)."""
    if pct is None or pd.isna(pct):
        return NOT_ASSESSED_COLOUR
    index = int(np.searchsorted(PCT_BINS[1:-1], pct, side="right"))
    return PCT_COLOURS[index]


def local_names(countries: pd.DataFrame, lang: str) -> list[str]:
    """Each row's country name in ``lang``: its ``name`` column (English), or Natural Earth's French or Spanish name."""
    if lang == DEFAULT_LANGUAGE:
        return [str(name) for name in countries["name"]]
    names = country_names(lang)
    return [names.get(iso3) or str(name) for iso3, name in zip(countries["iso3"], countries["name"])]


def basemap_layer(countries: gpd.GeoDataFrame, lang: str = "en") -> DataLayer:
    """Every country outline from the shipped boundaries: the basemap that needs no network."""
    properties = pd.DataFrame({
        "iso3": countries["iso3"].to_numpy(),
        "_style": [BASEMAP_STYLE] * len(countries),
        "_tooltip": [html.escape(name) for name in local_names(countries, lang)],
    })
    data = feature_collection(round_coordinates(countries), properties)
    layer = DataLayer(data, name=t("map.layer.basemap", lang), class_name="asmgeo-country asmgeo-basemap")
    layer.control = False  # always there: nothing to switch off
    return layer


def choropleth_layer(countries: gpd.GeoDataFrame, pct: pd.DataFrame, lang: str = "en",
                     fill_opacity: float = 0.85) -> DataLayer:
    """Assessed countries coloured by Pillar 6 % implemented, labelled illustrative or official."""
    assessed = countries.merge(pct[["iso3", "pct", "illustrative"]], on="iso3", how="inner")
    properties = pd.DataFrame({
        "iso3": assessed["iso3"].to_numpy(),
        "pct": assessed["pct"].to_numpy(),
        "_style": [{"fillColor": pct_colour(value), "fillOpacity": fill_opacity, "color": "#333333", "weight": 1.2}
                   for value in assessed["pct"]],
        "_tooltip": [
            f"{html.escape(name)} — {t('map.tooltip.pillar', lang)}: {html.escape(pillar_text(value, flag, lang))}"
            for name, value, flag in zip(local_names(assessed, lang), assessed["pct"], assessed["illustrative"])
        ],
    })
    data = feature_collection(round_coordinates(assessed), properties)
    return DataLayer(data, name=t("map.layer.countries", lang), class_name="asmgeo-country asmgeo-assessed")
