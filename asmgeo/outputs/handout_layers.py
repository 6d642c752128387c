"""The folium map of an offline hand-out: every data layer drawn in the file, switchable, with legends.

A hand-out has no server to aggregate points per view, so every feature is in the file: each site,
mercury record and tailings record is one circle marker (or its footprint), drawn at every zoom.
Each data layer is a feature group in the layer control, in a pane of its own so switching one on
never hides another (countries under geology under tailings under mercury under sites). Each group
carries its legend, shown while the group is. Popups are built in the browser with ``textContent``
only (asmgeo/js/common.js): property values never become HTML.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template
from shapely.geometry import box

from asmgeo.domain.geology import LITHOLOGIES, unit_styles
from asmgeo.i18n import number, t, t_value
from asmgeo.maps import base as maps
from asmgeo.maps import explorer, popups, raster, styles
from asmgeo.maps.assets import localize
from asmgeo.maps.viewport import fit_view
from asmgeo.outputs.handout_data import SCREEN_PX, HandoutData
from asmgeo.provenance import DEMO_SOURCE, EXTENTS, synthetic_extent
from asmgeo.shipped import boundaries

PANES = {"countries": 410, "geology_raster": 420, "geology_units": 430, "tailings": 440, "mercury": 450, "sites": 460}
SITE_STYLE = "practice_class"  # the seed's "divide practices": good to unacceptable
SITE_RADII = ((0, 3), (5, 5), (8, 7))  # (from zoom, radius px): small dots over a continent, larger close up
RASTER_MAX_PX = 2048  # long side of the embedded geology image
RASTER_OPACITY = 0.6
HANDOUT_CSS = """<style>
body > header.asmgeo-standalone-header { font-size: 13px; line-height: 1.3; padding: 4px 10px; }
body > header.asmgeo-standalone-header h1 { font-size: 16px; }
.leaflet-control-layers-expanded { font: 13px/1.35 sans-serif; padding: 4px 8px; }
.leaflet-container .leaflet-popup-content { font-size: 13px; }
</style>"""


def handout_map(data: HandoutData, lang: str) -> folium.Map:
    """The hand-out's map: offline outline, the scope's layers in a layer control, framed on the scope."""
    fmap = explorer.base_map(basemap_outline(data, lang), lang, drawing=False)
    fmap.get_root().header.add_child(Element(HANDOUT_CSS), name="asmgeo_handout_css")
    for pane, z_index in PANES.items():
        folium.map.CustomPane(pane_name(pane), z_index=z_index, pointer_events=True).add_to(fmap)
    for group in layer_groups(data, lang):
        group.add_to(fmap)
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    PlainAttribution().add_to(fmap)
    west, south, east, north = data.bounds
    (lat, lon), zoom = fit_view(data.bounds, *SCREEN_PX)
    fmap.location, fmap.options["zoom"] = [lat, lon], zoom
    fmap.fit_bounds([[south, west], [north, east]])
    return localize(fmap)


class PlainAttribution(MacroElement):
    """Leaflet's attribution prefix as plain text: the file links to no other host."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.setPrefix("Leaflet");
        {% endmacro %}
        """
    )


def basemap_outline(data: HandoutData, lang: str) -> gpd.GeoDataFrame:
    """The world outline named in ``lang``; the countries around the scope at display detail, not coarse."""
    names = boundaries.country_names(lang)
    world = boundaries.load_countries("web")
    world = world.assign(name=[names.get(code, name) for code, name in zip(world["iso3"], world["name"])])
    outline = explorer.world_outline(world)
    west, south, east, north = data.bounds
    margin = max(east - west, north - south) / 2
    near = world.intersects(box(west - margin, south - margin, east + margin, north + margin)).to_numpy()
    detailed = maps.round_coordinates(world[near], 3).geometry.to_numpy()
    geometry = outline.geometry.to_numpy().copy()
    geometry[near] = detailed
    return outline.set_geometry(gpd.GeoSeries(geometry, index=outline.index, crs=outline.crs))


def pane_name(layer: str) -> str:
    """The Leaflet pane of a hand-out layer."""
    return f"asmgeo-{layer.replace('_', '-')}"


def layer_groups(data: HandoutData, lang: str) -> list[folium.FeatureGroup]:
    """One switchable group per layer that has something to draw, bottom to top."""
    countries = country_info(data, lang)
    groups = [countries_group(data, countries, lang)]
    if data.rasters:
        groups.append(raster_group(data, lang))
    builders: list[tuple[str, Callable]] = [
        ("geology_units", geology_group), ("tailings", tailings_group), ("mercury", mercury_group),
        ("sites", sites_group),
    ]
    for name, build in builders:
        if not getattr(data, name).empty:
            groups.append(build(getattr(data, name), data.pct, lang))
    return [g for g in groups if g is not None]


def layer_name(key: str, extent: str, lang: str) -> str:
    """The name a layer has in the layer control, marked when all (or some) of its data is synthetic.

    ``extent`` is :func:`asmgeo.provenance.synthetic_extent` of what the layer draws.
    """
    if extent not in EXTENTS:
        raise ValueError(f"extent={extent!r} must be one of {EXTENTS}")
    name = t(key, lang)
    if extent == "none":
        return name
    return t("handout.layer.synthetic" if extent == "all" else "handout.layer.partly_synthetic", lang, layer=name)


def has_synthetic(frame: pd.DataFrame) -> bool:
    """True when any row of ``frame`` is synthetic demo data."""
    return synthetic_extent(frame) != "none"


def country_info(data: HandoutData, lang: str) -> pd.DataFrame:
    """Per scope country (index ISO3): its name in ``lang``, Pillar 6 text, colour and illustrative note."""
    names = boundaries.country_names(lang)
    pct = data.pct.drop_duplicates("iso3").set_index("iso3")
    texts = popups.pillar_texts(data.countries["iso3"], data.pct, lang)
    rows = []
    for iso3 in data.countries["iso3"]:
        if iso3 in pct.index:
            value, illustrative = float(pct.at[iso3, "pct"]), bool(pct.at[iso3, "illustrative"])
            note = t("map.legend.illustrative", lang) if illustrative else None
            rows.append((iso3, names.get(iso3, iso3), texts[iso3], maps.pct_colour(value), note))
        else:
            rows.append((iso3, names.get(iso3, iso3), texts[iso3], maps.NOT_ASSESSED_COLOUR, None))
    return pd.DataFrame(rows, columns=["iso3", "name", "pillar", "colour", "note"]).set_index("iso3")


def _group(name: str, show: bool = True) -> folium.FeatureGroup:
    """A feature group listed in the layer control (its name escaped: Leaflet writes it as HTML)."""
    return folium.FeatureGroup(name=html.escape(name), overlay=True, control=True, show=show)


def _legend(title: str, entries: list[list], note: str = "", position: str = "bottomright",
            collapsed: bool = False) -> explorer.PayloadLayer:
    """A legend box (asmgeo/js/legend.js) shown while its group is on the map."""
    payload = {"title": title, "entries": entries, "note": note, "position": position, "collapsed": collapsed}
    return explorer.PayloadLayer("legend.js", payload, name="legend")


def countries_group(data: HandoutData, countries: pd.DataFrame, lang: str) -> folium.FeatureGroup:
    """The Pillar 6 choropleth of the scope's countries, the seed's regional average in popups and legend."""
    illustrative = bool(data.pct["illustrative"].any()) if not data.pct.empty else False
    regional = {
        row.region: [[t("handout.popup.regional", lang, region=t(f"region.{row.region}", lang)),
                      t("handout.percent", lang, pct=number(row.implementation_pct, lang))]]
        for row in data.regional.itertuples()
    }
    order = {iso3: i for i, iso3 in enumerate(countries.index)}
    properties = pd.DataFrame({"i": [order[c] for c in data.countries["iso3"]]})
    region_of = dict(zip(data.countries["iso3"], data.countries["region"]))
    rows = [[*values, regional.get(region_of[iso3], [])]
            for iso3, values in zip(countries.index, countries[["name", "pillar", "colour", "note"]].values.tolist())]
    payload = {
        "features": maps.feature_collection(data.countries, properties),
        "countries": rows, "labels": {"pillar": t("map.popup.pillar", lang)},
        "pane": pane_name("countries"), "className": "asmgeo-country asmgeo-assessed",
    }
    name = t("map.legend.pillar", lang) if illustrative else t("map.layer.countries", lang)
    group = _group(t("handout.layer.illustrative", lang, layer=name) if illustrative else name)
    explorer.PayloadLayer("handout_countries.js", payload, name="asmgeo-countries").add_to(group)
    bins = [t("handout.percent_range", lang, low=number(low, lang), high=number(high, lang))
            for low, high in zip(maps.PCT_BINS[:-1], maps.PCT_BINS[1:])]
    entries = [[c, label, "square"] for c, label in zip(maps.PCT_COLOURS, bins)]
    entries.append([maps.NOT_ASSESSED_COLOUR, t("map.legend.not_assessed", lang), "square"])
    notes = [t("map.legend.illustrative", lang)] if illustrative else []
    notes += [t("handout.legend.regional", lang, region=t(f"region.{row.region}", lang),
                pct=number(row.implementation_pct, lang)) for row in data.regional.itertuples()]
    _legend(t("map.legend.pillar", lang), entries, popups.sentences(notes), position="bottomleft").add_to(group)
    return group


def sites_group(sites: gpd.GeoDataFrame, pct: pd.DataFrame, lang: str) -> folium.FeatureGroup:
    """Every site (latest visit) as a circle marker coloured by practice class."""
    palette = styles.site_palette(SITE_STYLE)
    payload = explorer.site_payload(sites, pct, sites[SITE_STYLE].tolist(), list(palette), list(palette.values()), lang,
                                    radii=[list(r) for r in SITE_RADII], pane=pane_name("sites"))
    group = _group(layer_name("map.layer.sites", synthetic_extent(sites), lang))
    explorer.PayloadLayer("site_points.js", payload, name="asmgeo-sites").add_to(group)
    entries = [[colour, t_value(SITE_STYLE, category, lang), "circle"] for category, colour in palette.items()]
    title = f"{t('map.layer.sites', lang)}: {t(f'map.style.{SITE_STYLE}', lang)}"
    _legend(title, entries, popups.legend_note(sites, lang)).add_to(group)
    return group


def mercury_group(records: gpd.GeoDataFrame, pct: pd.DataFrame, lang: str) -> folium.FeatureGroup:
    """Mercury records as circles graduated by kg Hg per year."""
    radii = [styles.MERCURY_RADII[int(np.searchsorted(styles.MERCURY_BINS_KG, kg, side="right"))]
             for kg in records["hg_kg_per_year"].fillna(0)]
    style = {"color": "#3f007d", "weight": 1, "fillColor": styles.MERCURY_COLOUR, "fillOpacity": 0.55}
    layer = _records_layer(records, "mercury", [style], [0] * len(records), radii, pct, lang)
    group = _group(layer_name("handout.layer.mercury", synthetic_extent(records), lang))
    layer.add_to(group)
    bins = [f"< {number(1, lang)}", f"{number(1, lang)}–{number(10, lang)}", f"{number(10, lang)}–{number(100, lang)}",
            f"{number(100, lang)}–{number(1000, lang)}", f"≥ {number(1000, lang)}"]
    entries = [[styles.MERCURY_COLOUR, f"{label} {t('map.unit.kg_per_year', lang)}", "circle", min(2 * radius, 18)]
               for label, radius in zip(bins, styles.MERCURY_RADII)]
    _legend(t("map.layer.mercury", lang), entries, popups.legend_note(records, lang), collapsed=True).add_to(group)
    return group


def tailings_group(tailings: gpd.GeoDataFrame, pct: pd.DataFrame, lang: str) -> folium.FeatureGroup:
    """Tailings by status: footprints where given, points otherwise."""
    categories, colours = list(styles.TAILINGS_COLOURS), list(styles.TAILINGS_COLOURS.values())
    style_list = [{"color": "#222222", "weight": 1, "fillColor": c, "fillOpacity": 0.75} for c in colours]
    index = [categories.index(s) if s in categories else 0 for s in tailings["status"]]
    layer = _records_layer(tailings, "tailings", style_list, index, None, pct, lang)
    group = _group(layer_name("map.layer.tailings", synthetic_extent(tailings), lang))
    layer.add_to(group)
    entries = [[colour, t_value("status", status, lang), "square"] for status, colour in styles.TAILINGS_COLOURS.items()]
    _legend(t("map.layer.tailings", lang), entries, popups.legend_note(tailings, lang), collapsed=True).add_to(group)
    return group


def geology_group(units: gpd.GeoDataFrame, pct: pd.DataFrame, lang: str) -> folium.FeatureGroup:
    """Geological units coloured by lithology (off when the file opens)."""
    frame, style_list, index = unit_styles(units, lang)
    layer = _records_layer(frame, "geology_units", style_list, index, None, None, lang)
    group = _group(layer_name("handout.layer.geology_units", synthetic_extent(units), lang), show=False)
    layer.add_to(group)
    entries = [[lith.colour, t(lith.label_key, lang), "square"] for lith in LITHOLOGIES.values()]
    _legend(t("handout.layer.geology_units", lang), entries, popups.legend_note(units, lang),
            position="topleft", collapsed=True).add_to(group)
    return group


def raster_group(data: HandoutData, lang: str) -> folium.FeatureGroup | None:
    """The geology rasters over the scope's countries as one embedded image each (off when the file opens)."""
    west, south, east, north = (float(v) for v in data.countries.total_bounds)
    overlays, synthetic, entries = [], False, []
    for path in data.rasters:
        rgba, bounds = raster.read_overlay(path, (west, south, east, north), max_size=RASTER_MAX_PX)
        if bounds is None or rgba.size == 0:
            continue
        legend = raster.raster_legend(path)
        synthetic = synthetic or legend[0].get("source") == DEMO_SOURCE
        entries = entries or [[e["colour"], t(e["label_key"], lang), "square"] for e in legend]
        overlays.append(folium.raster_layers.ImageOverlay(
            image=rgba, bounds=[list(bounds[0]), list(bounds[1])], opacity=RASTER_OPACITY, mercator_project=False,
            className="asmgeo-geology-raster", interactive=False, pane=pane_name("geology_raster"), control=False,
        ))
    if not overlays:
        return None
    group = _group(layer_name("handout.layer.geology_raster", "all" if synthetic else "none", lang), show=False)
    for overlay in overlays:
        overlay.add_to(group)
    _legend(t("handout.layer.geology_raster", lang), entries, t("map.legend.synthetic", lang) if synthetic else "",
            position="topleft", collapsed=True).add_to(group)
    return group


def _records_layer(frame: gpd.GeoDataFrame, layer: str, style_list: list[dict], style_index: list[int],
                   radii: list[int] | None, pct: pd.DataFrame | None, lang: str) -> explorer.PayloadLayer:
    """The explorer's records layer in the hand-out's pane of ``layer`` (the Pillar 6 figure when ``pct`` is given)."""
    return explorer.records_layer(frame, layer, style_list, style_index, radii, f"asmgeo-{layer.replace('_', '-')}",
                                  lang, pct, pane=pane_name(layer))
