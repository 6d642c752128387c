"""folium map builders: layers styled from data, legends, and the overview map."""

from __future__ import annotations

import html
import json

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from asmgeo.assets import localize
from asmgeo.i18n import t

DISPLAY_PRECISION = 3  # decimal degrees kept for display: about 100 m, finer than any overview zoom
PCT_BINS = (0, 20, 40, 60, 80, 100)
PCT_COLOURS = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")  # ColorBrewer YlGnBu 5
NOT_ASSESSED_COLOUR = "#e3e3e3"
MERCURY_USE_COLOURS = {"yes": "#d7191c", "no": "#ffffff", "unknown": "#969696"}
BASEMAP_STYLE = {"fillColor": NOT_ASSESSED_COLOUR, "fillOpacity": 1.0, "color": "#9a9a9a", "weight": 0.5}
SITE_RADIUS = 3
WORLD_VIEW = {"location": (10.0, 0.0), "zoom_start": 2}


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


class Legend(MacroElement):
    """A legend box in a map corner: a title, coloured entries and an optional note."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <div class="asmgeo-legend" style="position:absolute; z-index:1000; {{ this.corner }};
             background:rgba(255,255,255,0.92); padding:8px 10px; border-radius:4px;
             font:13px/1.35 sans-serif; box-shadow:0 1px 4px rgba(0,0,0,0.3); max-width:260px;">
          <div style="font-weight:bold; margin-bottom:4px;">{{ this.title }}</div>
          {% for colour, label in this.entries %}
          <div><span style="display:inline-block; width:14px; height:14px; margin-right:6px;
               vertical-align:middle; border:1px solid #777; background:{{ colour }};"></span>{{ label }}</div>
          {% endfor %}
          {% if this.note %}<div style="margin-top:4px; font-style:italic;">{{ this.note }}</div>{% endif %}
        </div>
        {% endmacro %}
        """
    )

    def __init__(
        self, title: str, entries: list[tuple[str, str]], note: str = "", corner: str = "bottom:24px; left:10px"
    ) -> None:
        super().__init__()
        self._name = "Legend"
        self.title = html.escape(title)
        self.entries = [(html.escape(colour), html.escape(label)) for colour, label in entries]
        self.note = html.escape(note)
        self.corner = corner


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


def popup_html(rows: list[tuple[str, object]]) -> str:
    """An HTML table of label/value rows; every value is escaped, so data never becomes markup."""
    cells = "".join(
        f"<tr><th>{html.escape(str(label))}</th><td>{html.escape('' if pd.isna(value) else str(value))}</td></tr>"
        for label, value in rows
    )
    return f'<table class="asmgeo-popup">{cells}</table>'


def basemap_layer(countries: gpd.GeoDataFrame, lang: str = "en") -> DataLayer:
    """Every country outline from the shipped boundaries: the basemap that needs no network."""
    properties = pd.DataFrame({
        "iso3": countries["iso3"].to_numpy(),
        "_style": [BASEMAP_STYLE] * len(countries),
        "_tooltip": [html.escape(name) for name in countries["name"]],
    })
    data = feature_collection(round_coordinates(countries), properties)
    layer = DataLayer(data, name=t("map.layer.basemap", lang), class_name="asmgeo-country asmgeo-basemap")
    layer.control = False  # always there: nothing to switch off
    return layer


def choropleth_layer(countries: gpd.GeoDataFrame, pct: pd.DataFrame, lang: str = "en",
                     fill_opacity: float = 0.85) -> DataLayer:
    """Assessed countries coloured by Pillar 6 % implemented, labelled illustrative or official."""
    assessed = countries.merge(pct[["iso3", "pct", "illustrative"]], on="iso3", how="inner")
    status = [t(f"mpf.status.{'illustrative' if flag else 'official'}", lang) for flag in assessed["illustrative"]]
    properties = pd.DataFrame({
        "iso3": assessed["iso3"].to_numpy(),
        "pct": assessed["pct"].to_numpy(),
        "_style": [{"fillColor": pct_colour(value), "fillOpacity": fill_opacity, "color": "#333333", "weight": 1.2}
                   for value in assessed["pct"]],
        "_tooltip": [
            f"{html.escape(name)} — {t('map.tooltip.pillar', lang)}: {value:.0f} % ({html.escape(label)})"
            for name, value, label in zip(assessed["name"], assessed["pct"], status)
        ],
    })
    data = feature_collection(round_coordinates(assessed), properties)
    return DataLayer(data, name=t("map.layer.countries", lang), class_name="asmgeo-country asmgeo-assessed")


def sites_layer(sites: gpd.GeoDataFrame, lang: str = "en") -> DataLayer:
    """ASM sites (latest visit each) as circle markers coloured by mercury use."""
    fields = ["site_id", "name", "commodity", "legal_status", "workers", "women", "mercury_use", "survey_date", "source"]
    popups = [
        popup_html([(t(f"map.popup.{f}", lang), _display_value(row[f])) for f in fields])
        for row in sites[fields].to_dict("records")
    ]
    properties = pd.DataFrame({
        "site_id": sites["site_id"].to_numpy(),
        "_style": [
            {"color": "#222222", "weight": 0.5, "fillColor": MERCURY_USE_COLOURS.get(v, "#969696"), "fillOpacity": 0.9}
            for v in sites["mercury_use"]
        ],
        "_popup": popups,
    })
    data = feature_collection(round_coordinates(sites, 5), properties)
    return DataLayer(data, name=t("map.layer.sites", lang), class_name="asmgeo-site", radius=SITE_RADIUS)


def _display_value(value: object) -> object:
    """Dates as ISO dates; everything else as it is."""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return value


def overview_map(countries: gpd.GeoDataFrame, pct: pd.DataFrame, sites: gpd.GeoDataFrame, lang: str = "en") -> folium.Map:
    """World map: Pillar 6 choropleth of the assessed countries, ASM sites on top, legends."""
    fmap = folium.Map(tiles=None, control_scale=True, prefer_canvas=False, **WORLD_VIEW)
    folium.TileLayer("OpenStreetMap", name=t("map.layer.osm", lang), overlay=True, show=False).add_to(fmap)
    basemap_layer(countries, lang).add_to(fmap)
    choropleth_layer(countries, pct, lang).add_to(fmap)
    sites_layer(sites, lang).add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    bins = [f"{low}–{high} %" for low, high in zip(PCT_BINS[:-1], PCT_BINS[1:])]
    Legend(
        t("map.legend.pillar", lang),
        [*zip(PCT_COLOURS, bins), (NOT_ASSESSED_COLOUR, t("map.legend.not_assessed", lang))],
        note=t("map.legend.illustrative", lang),
        corner="bottom:58px; left:10px",
    ).add_to(fmap)
    Legend(
        t("map.legend.sites", lang),
        [(colour, f"{t('map.popup.mercury_use', lang)}: {value}") for value, colour in MERCURY_USE_COLOURS.items()],
        corner="bottom:24px; right:10px",
    ).add_to(fmap)
    return localize(fmap)
