"""The map explorer's map: a constant base map, and data layers rebuilt for each view.

The base map (Leaflet, the offline country outlines, the drawing tools) is sent to the browser
once. Everything that depends on filters, layers or the view goes into one feature group that
streamlit-folium swaps without rebuilding the map, so a pan sends only what the screen shows:
sites are aggregated on the server into grid clusters until few enough are in view.
"""

from __future__ import annotations

import itertools
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

from asmgeo.i18n import number, t, t_value
from asmgeo.maps import aggregate, popups, raster, styles
from asmgeo.maps import base as maps
from asmgeo.maps.assets import localize
from asmgeo.maps.generalize import generalize
from asmgeo.maps.leaflet_text import LeafletTexts
from asmgeo.maps.viewport import View
from asmgeo.provenance import DEMO_SOURCE

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
        for layer in tailings_layers(data.tailings, view, lang, data.pct):
            layer.add_to(group)
    if "mercury" in shown:
        for layer in mercury_layers(data.mercury, view, lang, data.pct):
            layer.add_to(group)
    if "sites" in shown:
        for layer in site_layers(data.sites, data.pct, view, site_style, lang):
            layer.add_to(group)
    return group


def drawn_features(data: Layers, shown: tuple[str, ...], view: View) -> dict[str, gpd.GeoDataFrame]:
    """The features :func:`data_layers` draws of each data layer switched on: those in view, every geological unit."""
    drawn = {name: aggregate.in_view(getattr(data, name), view.bounds)
             for name in ("sites", "mercury", "tailings") if name in shown}
    return drawn | ({"geology_units": data.geology_units} if "geology_units" in shown else {})


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


def _legend_rows(mode: str, shown: pd.DataFrame, layer: gpd.GeoDataFrame) -> pd.DataFrame:
    """The features a legend speaks for: those drawn in view, or (clusters) every feature of the layer."""
    return shown if mode == "points" else layer


def site_layers(sites: gpd.GeoDataFrame, pct: pd.DataFrame, view: View, style: str, lang: str) -> list[PayloadLayer]:
    """Sites in view, as individual points or as grid clusters, with a legend."""
    palette = styles.site_palette(style)
    categories = list(palette)
    mode, shown = aggregate.view(sites, view.bounds, view.zoom, MAX_POINTS, category_column=style)
    colours = list(palette.values())
    if mode == "points":
        radius = 3 if view.zoom <= 4 else 5  # small dots over a whole continent, larger close up
        payload = site_payload(shown, pct, shown[style].tolist(), categories, colours, lang,
                               radii=[[0, radius]], profile=f"/profiles?lang={lang}&country=")
        layer = PayloadLayer("site_points.js", payload, "sites")
    else:
        layer = _cluster_layer(shown, categories, colours, "asmgeo-cluster", t("map.unit.sites", lang), lang=lang)
    entries = [(colour, t_value(style, category, lang)) for category, colour in palette.items()]
    title = f"{t('map.layer.sites', lang)}: {t(f'map.style.{style}', lang)}"
    note = popups.legend_note(_legend_rows(mode, shown, sites), lang)
    return [layer, legend(title, entries, note=note, shape="circle")]


def site_payload(sites: gpd.GeoDataFrame, pct: pd.DataFrame, category_of: list, categories: list[str],
                 colours: list[str], lang: str, radii: list[list[int]], pane: str | None = None,
                 profile: str | None = None) -> dict:
    """Sites for ``js/site_points.js``: position, colour and the popup's values (:mod:`asmgeo.maps.popups`).

    Each site is coloured by its category in ``category_of`` (its index in ``categories``, else the unknown
    colour); ``radii``: [[from zoom, radius px]]; ``profile``: the link to a country profile, without the ISO3.
    """
    index = {category: i for i, category in enumerate(categories)}
    fields = popups.columns("sites")
    points = sites.geometry.representative_point()  # footprints too
    rows = [[round(point.y, 5), round(point.x, 5), index.get(category, len(categories)),
             *popups.script_row(row, fields, lang)]
            for row, point, category in zip(sites.itertuples(), points, category_of)]
    words = popups.script_words(sites, popups.FIELDS["sites"], lang, pct)
    labels = dict(zip(words["names"], words["fields"])) | {"profile": t("map.popup.profile", lang)}
    return {"rows": rows, "colours": colours + [styles.UNKNOWN_COLOUR], **words, "labels": labels, "radii": radii,
            "pane": pane, "profile": profile}


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


def records_layer(frame: gpd.GeoDataFrame, layer: str, styles_: list[dict], style_index: list[int],
                  radii: list[int] | None, class_name: str, lang: str, pct: pd.DataFrame | None = None,
                  pane: str | None = None) -> PayloadLayer:
    """Point or polygon records of ``layer`` for ``js/records.js``, each with a popup of its fields (:mod:`.popups`).

    Their country's Pillar 6 figure is shown when ``pct`` is given.
    """
    fields = popups.columns(layer)
    properties = pd.DataFrame({
        "_s": style_index,
        "_r": radii if radii is not None else [5] * len(frame),
        "v": [popups.script_row(row, fields, lang) for row in frame.itertuples()],
    })
    payload = {
        "features": maps.feature_collection(maps.round_coordinates(frame, 5), properties), "styles": styles_,
        "className": class_name, "pane": pane,
        **popups.script_words(frame, popups.FIELDS[layer], lang, pct, latest_visit=False),
    }
    return PayloadLayer("records.js", payload, name=class_name)


def mercury_layers(records: gpd.GeoDataFrame, view: View, lang: str,
                   pct: pd.DataFrame | None = None) -> list[PayloadLayer]:
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
        layer = records_layer(shown, "mercury", [style], [0] * len(shown), radii, "asmgeo-mercury", lang, pct)
    edges = [number(kg, lang) for kg in styles.MERCURY_BINS_KG]
    bins = [f"< {edges[0]}", *(f"{low}–{high}" for low, high in itertools.pairwise(edges)), f"≥ {edges[-1]}"]
    entries = [(styles.MERCURY_COLOUR, f"{label} {t('map.unit.kg_per_year', lang)}") for label in bins]
    return [layer, _sized_legend(title, entries, popups.legend_note(_legend_rows(mode, shown, records), lang))]


def _sized_legend(title: str, entries: list[tuple[str, str]], note: str) -> PayloadLayer:
    """A legend of graduated circles."""
    payload = {"title": title, "note": note, "position": "bottomright", "collapsed": True,
               "entries": [[colour, label, "circle", min(2 * radius, 18)]
                           for (colour, label), radius in zip(entries, styles.MERCURY_RADII)]}
    return PayloadLayer("legend.js", payload, name="legend")


def tailings_layers(tailings: gpd.GeoDataFrame, view: View, lang: str,
                    pct: pd.DataFrame | None = None) -> list[PayloadLayer]:
    """Tailings by status: footprints where given, points otherwise; clustered when many."""
    mode, shown = aggregate.view(tailings, view.bounds, view.zoom, MAX_POINTS, category_column="status")
    categories, colours = list(styles.TAILINGS_COLOURS), list(styles.TAILINGS_COLOURS.values())
    if mode == "clusters":
        layer = _cluster_layer(shown, categories, colours, "asmgeo-tailings", t("map.unit.tailings", lang), lang=lang)
    else:
        style_list = [{"color": "#222222", "weight": 1, "fillColor": c, "fillOpacity": 0.75} for c in colours]
        index = [categories.index(s) if s in categories else 0 for s in shown["status"]]
        layer = records_layer(shown, "tailings", style_list, index, None, "asmgeo-tailings", lang, pct)
    entries = [(colour, t_value("status", status, lang)) for status, colour in styles.TAILINGS_COLOURS.items()]
    note = popups.legend_note(_legend_rows(mode, shown, tailings), lang)
    return [layer, legend(t("map.layer.tailings", lang), entries, note=note, collapsed=True)]


def geology_layer(units: gpd.GeoDataFrame, lang: str) -> PayloadLayer:
    """Geological units coloured by lithology."""
    from asmgeo.domain.geology import unit_styles

    frame, style_list, index = unit_styles(units, lang)
    return records_layer(frame, "geology_units", style_list, index, None, "asmgeo-geology", lang)


def geology_legend(units: gpd.GeoDataFrame, rasters: list[Path], lang: str) -> PayloadLayer:
    """One legend for the geology layers: lithology colours, from the raster's own colour table if any."""
    from asmgeo.domain.geology import LITHOLOGIES

    entries = raster_legend_entries(rasters, lang) or [
        (lith.colour, t(lith.label_key, lang)) for lith in LITHOLOGIES.values()
    ]
    raster_is_demo = bool(rasters) and raster.raster_legend(rasters[0])[0].get("source") == DEMO_SOURCE
    note = popups.legend_note(units, lang) or (t("map.legend.synthetic", lang) if raster_is_demo else "")
    return legend(t("map.legend.geology", lang), entries, note=note, position="topright", collapsed=True)


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
