"""The map explorer's map: a constant base map, and data layers rebuilt for each view.

The base map (Leaflet, the offline country outlines, the drawing tools) is sent to the browser
once. Everything that depends on filters, layers or the view goes into one feature group that
streamlit-folium swaps without rebuilding the map, so a pan sends only what the screen shows:
sites are aggregated on the server into grid clusters until few enough are in view.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element
from folium.plugins import Draw
from jinja2 import Template

from asmgeo.i18n import date, number, t, t_value
from asmgeo.maps import aggregate, raster, styles
from asmgeo.maps import base as maps
from asmgeo.maps.assets import localize
from asmgeo.maps.generalize import generalize
from asmgeo.maps.leaflet_text import LeafletTexts
from asmgeo.maps.viewport import View
from asmgeo.provenance import DEMO_SOURCE, provenance_label
from asmgeo.shipped import boundaries

BASEMAP_TOLERANCE_DEG = 0.3  # the constant world outline; finer detail comes with the data layers
MAX_POINTS = 2000  # individual features drawn when at most this many are in view, else clusters
RASTER_MAX_PX = 1024
ONLINE_TILES = {
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap contributors"),
    "imagery": (
        "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
        "Imagery © Esri, Maxar, Earthstar Geographics",
    ),
}
MAP_CSS = """
<style>
.asmgeo-legend { background: rgba(255,255,255,0.94); padding: 5px 8px; border-radius: 4px;
  font: 12px/1.3 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-width: 230px; }
.asmgeo-legend-title { font-weight: bold; cursor: pointer; }
.asmgeo-legend-title::before { content: "▾ "; }
.asmgeo-legend.asmgeo-collapsed .asmgeo-legend-title::before { content: "▸ "; }
.asmgeo-legend.asmgeo-collapsed .asmgeo-legend-row, .asmgeo-legend.asmgeo-collapsed .asmgeo-legend-note { display: none; }
.asmgeo-legend-note { margin-top: 2px; font-style: italic; }
.asmgeo-swatch { display: inline-block; width: 12px; height: 12px; margin-right: 6px;
  vertical-align: middle; border: 1px solid #555; }
.asmgeo-swatch-circle { border-radius: 50%; }
.asmgeo-cluster-label { font: bold 11px sans-serif; color: #111; text-align: center; line-height: 16px;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; }
.asmgeo-popup th { text-align: left; padding-right: 8px; }
</style>
"""


def _script(name: str) -> str:
    """A JavaScript file shipped in ``asmgeo/js``."""
    return resources.files("asmgeo.maps").joinpath("js", name).read_text(encoding="utf-8")


class PayloadLayer(folium.map.Layer):
    """A Leaflet feature group filled by one of our scripts from a JSON payload.

    The script sees ``layer`` (the group) and ``data`` (the payload); values reach the page
    through ``textContent`` only, and the payload is embedded with ``tojson``, which escapes
    ``<``, ``>`` and ``&``, so no property value can close the script tag.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup();
        (function (layer, data) {
        {{ this.code }}
        })({{ this.get_name() }}, {{ this.payload|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, script: str, payload: dict, name: str) -> None:
        super().__init__(name=name, overlay=True, control=False, show=True)
        self._name = "PayloadLayer"
        self.code = _script("common.js") + "\n" + _script(script)
        self.payload = payload


def _nothing() -> gpd.GeoDataFrame:
    """An empty layer."""
    return gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")


@dataclass(frozen=True)
class Layers:
    """The filtered data the explorer may draw; a layer not given is empty."""

    countries: gpd.GeoDataFrame
    pct: pd.DataFrame
    sites: gpd.GeoDataFrame
    mercury: gpd.GeoDataFrame = field(default_factory=_nothing)
    tailings: gpd.GeoDataFrame = field(default_factory=_nothing)
    geology_units: gpd.GeoDataFrame = field(default_factory=_nothing)
    rasters: list[Path] = field(default_factory=list)


def world_outline(world: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The countries generalised for the constant base map (about 200 kB of GeoJSON)."""
    return maps.round_coordinates(generalize(world, BASEMAP_TOLERANCE_DEG), 2)


def base_map(outline: gpd.GeoDataFrame, lang: str = "en", drawing: bool = True) -> folium.Map:
    """The constant part: Leaflet, the offline country outline, scale and (optionally) drawing tools, in ``lang``."""
    fmap = folium.Map(tiles=None, location=(10.0, 0.0), zoom_start=2, min_zoom=1, control_scale=True)
    fmap.get_root().header.add_child(Element(MAP_CSS), name="asmgeo_css")
    maps.basemap_layer(outline, lang).add_to(fmap)
    LeafletTexts(lang, drawing).add_to(fmap)  # before Draw: it reads L.drawLocal when it is built
    if not drawing:
        return localize(fmap)
    Draw(
        export=False,
        draw_options={"polyline": False, "circle": False, "marker": False, "circlemarker": False,
                      "polygon": True, "rectangle": True},
        edit_options={"edit": False, "remove": True},
    ).add_to(fmap)
    return localize(fmap)


def data_layers(data: Layers, shown: tuple[str, ...], view: View, site_style: str,
                raster_opacity: float, lang: str = "en") -> folium.FeatureGroup:
    """Everything drawn over the base map for this view, as one feature group."""
    group = folium.FeatureGroup(name="asmgeo-data")
    for name in ("osm", "imagery"):
        if name in shown:
            url, attribution = ONLINE_TILES[name]
            folium.TileLayer(url, attr=attribution, name=t(f"map.layer.{name}", lang), overlay=True).add_to(group)
    if "geology_raster" in shown:
        for overlay in raster_overlays(data.rasters, view, raster_opacity):
            overlay.add_to(group)
    if "geology_units" in shown and not data.geology_units.empty:
        geology_layer(data.geology_units, lang).add_to(group)
    if {"geology_raster", "geology_units"} & set(shown):
        geology_legend(data.geology_units, data.rasters, lang).add_to(group)
    if "countries" in shown:
        under_geology = bool({"geology_units", "geology_raster"} & set(shown))
        maps.choropleth_layer(data.countries, data.pct, lang, fill_opacity=0.25 if under_geology else 0.85).add_to(group)
        pillar_legend(data.pct, lang).add_to(group)
    if "tailings" in shown:
        for layer in tailings_layers(data.tailings, view, lang):
            layer.add_to(group)
    if "mercury" in shown:
        for layer in mercury_layers(data.mercury, view, lang):
            layer.add_to(group)
    if "sites" in shown:
        for layer in site_layers(data.sites, data.pct, view, site_style, lang):
            layer.add_to(group)
    return group


def legend(title: str, entries: list[tuple[str, str]], note: str = "", position: str = "bottomright",
           shape: str = "square", collapsed: bool = False) -> PayloadLayer:
    """A legend box shown while its feature group is on the map; a click on its title folds it."""
    payload = {"title": title, "entries": [[colour, label, shape] for colour, label in entries],
               "note": note, "position": position, "collapsed": collapsed}
    return PayloadLayer("legend.js", payload, name="legend")


def pillar_legend(pct: pd.DataFrame, lang: str) -> PayloadLayer:
    """Legend of the Pillar 6 choropleth, saying when ratings are illustrative."""
    bins = [f"{low}–{high} %" for low, high in zip(maps.PCT_BINS[:-1], maps.PCT_BINS[1:])]
    illustrative = bool(pct["illustrative"].any()) if not pct.empty else False
    return legend(t("map.legend.pillar", lang), list(zip(maps.PCT_COLOURS, bins)),
                  note=t("map.legend.illustrative", lang) if illustrative else "", position="bottomleft")


def _synthetic_note(frame: pd.DataFrame, lang: str) -> str:
    """The legend note for a layer holding synthetic demo rows, else nothing."""
    has_demo = "source" in frame.columns and bool((frame["source"] == DEMO_SOURCE).any())
    return t("map.legend.synthetic", lang) if has_demo else ""


def site_layers(sites: gpd.GeoDataFrame, pct: pd.DataFrame, view: View, style: str, lang: str) -> list[PayloadLayer]:
    """Sites in view, as individual points or as grid clusters, with a legend."""
    palette = styles.site_palette(style)
    categories = list(palette)
    mode, shown = aggregate.view(sites, view.bounds, view.zoom, MAX_POINTS, category_column=style)
    colours = list(palette.values())
    if mode == "points":
        radius = 3 if view.zoom <= 4 else 5  # small dots over a whole continent, larger close up
        layer = PayloadLayer("site_points.js", _site_payload(shown, pct, style, categories, colours, radius, lang), "sites")
    else:
        layer = _cluster_layer(shown, categories, colours, "asmgeo-cluster", t("map.unit.sites", lang), lang=lang)
    entries = [(colour, t_value(style, category, lang)) for category, colour in palette.items()]
    title = f"{t('map.layer.sites', lang)}: {t(f'map.style.{style}', lang)}"
    return [layer, legend(title, entries, note=_synthetic_note(sites, lang), shape="circle")]


def _site_payload(sites: gpd.GeoDataFrame, pct: pd.DataFrame, style: str, categories: list[str],
                  colours: list[str], radius: int, lang: str) -> dict:
    """Compact rows for the site points script: categories, numbers and dates written for ``lang``, the rest data."""
    index = {category: i for i, category in enumerate(categories)}
    label = {f: t(f"map.popup.{f}", lang) for f in (
        "site_id", "name", "commodity", "legal_status", "practice_class", "workers", "women",
        "mercury_use", "survey_date", "visits", "country", "pillar", "source", "profile")}
    pct_text = {
        row.iso3: f"{row.pct:.0f} % ({t('mpf.status.illustrative' if row.illustrative else 'mpf.status.official', lang)})"
        for row in pct.itertuples()
    }
    rows = [
        [round(point.y, 5), round(point.x, 5), index.get(getattr(row, style), len(categories)), row.site_id,
         _text(row.name), _value("commodity", row.commodity, lang), _value("legal_status", row.legal_status, lang),
         _value("practice_class", row.practice_class, lang), _number(row.workers, lang), _number(row.women, lang),
         _value("mercury_use", row.mercury_use, lang), date(pd.Timestamp(row.survey_date).date(), lang),
         number(int(row.visits), lang), row.country, row.source]
        for row, point in zip(sites.itertuples(), sites.geometry.representative_point())  # footprints too
    ]
    return {"rows": rows, "colours": colours + [styles.UNKNOWN_COLOUR], "labels": label, "pct": pct_text,
            "radius": radius, "profile": f"/profiles?lang={lang}&country=", "synthetic_source": DEMO_SOURCE,
            "synthetic": t("map.popup.synthetic", lang), "countries": country_labels(sites["country"], lang),
            "sources": {DEMO_SOURCE: provenance_label(DEMO_SOURCE, lang)}}


def country_labels(codes: pd.Series, lang: str) -> dict[str, str]:
    """ISO3 → "name (ISO3)" in ``lang`` for the codes present (a code without a name stays as it is)."""
    names = boundaries.country_names(lang)
    return {code: f"{names[code]} ({code})" for code in codes.dropna().unique() if names.get(code)}


def _cluster_layer(clusters: pd.DataFrame, categories: list[str], colours: list[str], class_name: str,
                   unit: str, total_label: str | None = None, lang: str = "en") -> PayloadLayer:
    """Grid clusters as circles sized by count, coloured by their most frequent category."""
    index = {category: i for i, category in enumerate(categories)}
    dominant = clusters["dominant"] if "dominant" in clusters.columns else pd.Series([None] * len(clusters))
    totals = clusters["total"] if "total" in clusters.columns else pd.Series([0.0] * len(clusters))
    rows = [
        [round(lat, 5), round(lon, 5), int(count), index.get(dom, len(categories)), float(total)]
        for lat, lon, count, dom, total in zip(clusters["lat"], clusters["lon"], clusters["count"], dominant, totals)
    ]
    payload = {"rows": rows, "colours": colours + [styles.UNKNOWN_COLOUR], "className": class_name,
               "unit": unit, "totalLabel": total_label, "lang": lang}  # counts written with Intl.NumberFormat(lang)
    return PayloadLayer("clusters.js", payload, name=class_name)


def _records_layer(frame: gpd.GeoDataFrame, fields: list[str], styles_: list[dict], style_index: list[int],
                   radii: list[int] | None, class_name: str, lang: str) -> PayloadLayer:
    """Point or polygon records with popups of their fields (values translated where coded, numbers and dates for ``lang``)."""
    values = [[_display(f, getattr(row, f), lang) for f in fields] for row in frame.itertuples()]
    properties = pd.DataFrame({
        "_s": style_index,
        "_r": radii if radii is not None else [5] * len(frame),
        "v": values,
    })
    payload = {
        "features": maps.feature_collection(maps.round_coordinates(frame, 5), properties),
        "fields": [t(f"map.popup.{f}", lang) for f in fields], "title": 0,
        "sourceIndex": fields.index("source"), "styles": styles_, "className": class_name,
        # the popup compares the shown source (already worded for lang) with the demo's
        "synthetic_source": provenance_label(DEMO_SOURCE, lang), "synthetic": t("map.popup.synthetic", lang),
    }
    return PayloadLayer("records.js", payload, name=class_name)


def mercury_layers(records: gpd.GeoDataFrame, view: View, lang: str) -> list[PayloadLayer]:
    """Mercury records graduated by kg Hg per year, clustered (with totals) when many are in view."""
    mode, shown = aggregate.view(records, view.bounds, view.zoom, MAX_POINTS, sum_column="hg_kg_per_year")
    title = t("map.layer.mercury", lang)
    if mode == "clusters":
        layer = _cluster_layer(shown, [], [styles.MERCURY_COLOUR], "asmgeo-mercury", t("map.unit.records", lang),
                               t("map.unit.kg_per_year", lang), lang=lang)
    else:
        radii = [styles.MERCURY_RADII[int(np.searchsorted(styles.MERCURY_BINS_KG, kg, side="right"))]
                 for kg in shown["hg_kg_per_year"].fillna(0)]
        style = {"color": "#3f007d", "weight": 1, "fillColor": styles.MERCURY_COLOUR, "fillOpacity": 0.55}
        fields = ["record_id", "hg_kg_per_year", "survey_date", "site_id", "amalgamation", "retort", "burning", "source"]
        layer = _records_layer(shown, fields, [style], [0] * len(shown), radii, "asmgeo-mercury", lang)
    edges = [number(kg, lang) for kg in styles.MERCURY_BINS_KG]
    bins = [f"< {edges[0]}", *(f"{low}–{high}" for low, high in itertools.pairwise(edges)), f"≥ {edges[-1]}"]
    entries = [(styles.MERCURY_COLOUR, f"{label} {t('map.unit.kg_per_year', lang)}") for label in bins]
    return [layer, _sized_legend(title, entries, _synthetic_note(records, lang))]


def _sized_legend(title: str, entries: list[tuple[str, str]], note: str) -> PayloadLayer:
    """A legend of graduated circles."""
    payload = {"title": title, "note": note, "position": "bottomright", "collapsed": True,
               "entries": [[colour, label, "circle", min(2 * radius, 18)]
                           for (colour, label), radius in zip(entries, styles.MERCURY_RADII)]}
    return PayloadLayer("legend.js", payload, name="legend")


def tailings_layers(tailings: gpd.GeoDataFrame, view: View, lang: str) -> list[PayloadLayer]:
    """Tailings by status: footprints where given, points otherwise; clustered when many."""
    mode, shown = aggregate.view(tailings, view.bounds, view.zoom, MAX_POINTS, category_column="status")
    categories, colours = list(styles.TAILINGS_COLOURS), list(styles.TAILINGS_COLOURS.values())
    if mode == "clusters":
        layer = _cluster_layer(shown, categories, colours, "asmgeo-tailings", t("map.unit.tailings", lang), lang=lang)
    else:
        style_list = [{"color": "#222222", "weight": 1, "fillColor": c, "fillOpacity": 0.75} for c in colours]
        index = [categories.index(s) if s in categories else 0 for s in shown["status"]]
        fields = ["tailings_id", "status", "survey_date", "site_id", "volume_m3", "contains_mercury",
                  "contains_cyanide", "source"]
        layer = _records_layer(shown, fields, style_list, index, None, "asmgeo-tailings", lang)
    entries = [(colour, t_value("status", status, lang)) for status, colour in styles.TAILINGS_COLOURS.items()]
    return [layer, legend(t("map.layer.tailings", lang), entries, note=_synthetic_note(tailings, lang), collapsed=True)]


def geology_layer(units: gpd.GeoDataFrame, lang: str) -> PayloadLayer:
    """Geological units coloured by lithology."""
    from asmgeo.domain.geology import unit_styles

    frame, style_list, index = unit_styles(units, lang)
    return _records_layer(frame, ["unit_id", "lithology", "country", "source"], style_list, index, None,
                          "asmgeo-geology", lang)


def geology_legend(units: gpd.GeoDataFrame, rasters: list[Path], lang: str) -> PayloadLayer:
    """One legend for the geology layers: lithology colours, from the raster's own colour table if any."""
    from asmgeo.domain.geology import LITHOLOGIES

    entries = raster_legend_entries(rasters, lang) or [
        (lith.colour, t(lith.label_key, lang)) for lith in LITHOLOGIES.values()
    ]
    raster_is_demo = bool(rasters) and raster.raster_legend(rasters[0])[0].get("source") == DEMO_SOURCE
    synthetic = _synthetic_note(units, lang) or (t("map.legend.synthetic", lang) if raster_is_demo else "")
    return legend(t("map.legend.geology", lang), entries, note=synthetic, position="topright", collapsed=True)


def raster_overlays(paths: list[Path], view: View, opacity: float) -> list[folium.raster_layers.ImageOverlay]:
    """The geology rasters over the view, read at screen resolution in Web Mercator."""
    if not 0 <= opacity <= 1:
        raise ValueError(f"opacity={opacity} must be between 0 and 1")
    overlays = []
    for path in paths:
        rgba, bounds = raster.read_overlay(path, view.bounds, max_size=RASTER_MAX_PX)
        if bounds is None or rgba.size == 0:
            continue
        overlays.append(folium.raster_layers.ImageOverlay(
            image=rgba, bounds=[list(bounds[0]), list(bounds[1])], opacity=opacity, mercator_project=False,
            className="asmgeo-geology-raster", interactive=False, zindex=1,
        ))
    return overlays


def raster_legend_entries(paths: list[Path], lang: str) -> list[tuple[str, str]]:
    """Colour and translated class label of the first raster's classes."""
    if not paths:
        return []
    return [(entry["colour"], t(entry["label_key"], lang)) for entry in raster.raster_legend(paths[0])]


DECIMALS = {"hg_kg_per_year": 1}  # popup numbers with decimals; other numbers are whole
ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def _display(field_name: str, value: object, lang: str) -> object:
    """A popup value: coded categories translated, numbers and dates written for ``lang``, missing as None."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, dt.date)):
        return date(value, lang)
    if field_name == "survey_date" and isinstance(value, str) and ISO_DATE.match(value):
        return date(value, lang)
    if field_name in ("status", "amalgamation", "retort", "burning", "contains_mercury", "contains_cyanide"):
        return _value(field_name, value, lang)
    if field_name == "country":
        return country_labels(pd.Series([value]), lang).get(value, value)
    if field_name == "source":
        return provenance_label(value, lang)
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return number(value, lang, DECIMALS.get(field_name, 0))
    return value


def _value(field_name: str, code: object, lang: str) -> str | None:
    """A coded value's label, or the code itself if it is not one we know (kept visible, not hidden)."""
    if code is None or (isinstance(code, float) and np.isnan(code)):
        return None
    try:
        return t_value(field_name, str(code), lang)
    except KeyError:
        return str(code)


def _number(value: object, lang: str = "en") -> str | None:
    """A whole number written for ``lang``, or None when missing."""
    return None if value is None or pd.isna(value) else number(int(value), lang)


def _text(value: object) -> str | None:
    """Text for display, or None when missing; never HTML (the script sets textContent)."""
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
