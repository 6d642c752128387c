"""Maps of field data on the upload page: a validated file (accepted / rejected) and one import batch.

API::

    from asmgeo.maps.upload_map import preview_layers, batch_layers, fit_bounds

    group = preview_layers(report, lang)      # folium.FeatureGroup: accepted in green, rejected in red
    group = batch_layers(features, lang)      # the rows of one batch ({layer: frame}), for its reviewer
    fit_bounds(report.accepted)               # [[south, west], [north, east]] around them, or None

Both groups zoom the map to their own features when they are added to it (a :class:`FitToGroup`
inside the group), so a map that receives a new group through ``st_folium(feature_group_to_add=...)``
refits to it. Popups and tooltips are built and HTML-escaped on the server (file values are
untrusted): each shows the layer's fields as every map does (:mod:`asmgeo.maps.popups`: coded values
translated, dates and numbers written for the language), and why a rejected feature was rejected.
Features without a geometry cannot be drawn and are left off the map.
"""

from __future__ import annotations

import html

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from asmgeo.i18n import t
from asmgeo.ingest.validate import FEATURE_COLUMN, REASONS_COLUMN, Report
from asmgeo.maps import base as maps
from asmgeo.maps import popups
from asmgeo.schema import ID_FIELDS

ACCEPTED_STYLE = {"color": "#1a7f37", "fillColor": "#2da44e", "fillOpacity": 0.7, "weight": 2}
REJECTED_STYLE = {"color": "#b00020", "fillColor": "#e5484d", "fillOpacity": 0.7, "weight": 2}
BATCH_STYLE = {"color": "#8a4b00", "fillColor": "#f0a020", "fillOpacity": 0.7, "weight": 2}
ACCEPTED_CLASS, REJECTED_CLASS = "asmgeo-upload-accepted", "asmgeo-upload-rejected"
BATCH_CLASS = "asmgeo-upload-batch"
FIT_PADDING_DEG = 0.05  # around the features, so a single point is not drawn on the map's edge
FIT_MAX_ZOOM = 12
UPLOAD_LAYERS = ("sites", "mercury", "tailings")  # the layers a field-data file is uploaded to


class FitToGroup(MacroElement):
    """Fit the map to ``bounds`` when the feature group this element belongs to is added to a map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (group) {
            var fit = function (map) { map.fitBounds({{ this.bounds|tojson }}, {{ this.options|tojson }}); };
            if (group._map) { fit(group._map); } else { group.once("add", function () { fit(group._map); }); }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]], max_zoom: int = FIT_MAX_ZOOM) -> None:
        super().__init__()
        self._name = "FitToGroup"
        self.bounds = bounds
        self.options = {"maxZoom": int(max_zoom)}


def mappable(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The rows of ``frame`` with a non-empty geometry, in EPSG:4326."""
    if frame.empty:
        return frame
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs("EPSG:4326")
    return frame


def fit_bounds(*frames: gpd.GeoDataFrame) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` around the mappable features of ``frames`` (padded), None when none.

    Features with coordinates outside longitude ±180 / latitude ±90 (rejected for it) do not widen
    the view unless there is nothing else to show.
    """
    shown = [f.geometry for f in (mappable(frame) for frame in frames) if not f.empty]
    if not shown:
        return None
    geometries = pd.concat(shown)
    box = geometries.bounds
    inside = (box["minx"] >= -180) & (box["maxx"] <= 180) & (box["miny"] >= -90) & (box["maxy"] <= 90)
    west, south, east, north = (geometries[inside] if inside.any() else geometries).total_bounds
    lat = lambda v: round(float(np.clip(v, -85.0, 85.0)), 5)  # noqa: E731 - Web Mercator stops at ±85°
    lon = lambda v: round(float(np.clip(v, -180.0, 180.0)), 5)  # noqa: E731
    pad = FIT_PADDING_DEG
    return [[lat(south - pad), lon(west - pad)], [lat(north + pad), lon(east + pad)]]


def popup_html(row: pd.Series, layer: str, lang: str = "en") -> str:
    """The popup of one feature (a visit, not a site's latest): its fields, labels and values HTML-escaped."""
    lines = []
    for field in popups.FIELDS[layer]:
        value = popups.row_value(row, field, lang)
        if value is not None:
            lines.append(f"<b>{html.escape(popups.label(field, lang, latest_visit=False))}</b>: {html.escape(value)}")
    reasons = popups.value(REASONS_COLUMN, row.get(REASONS_COLUMN), lang)
    if reasons:
        lines.append(f"<b>{html.escape(t('upload.map_reasons', lang))}</b>: {html.escape(reasons)}")
    return "<br>".join(lines)


def tooltip_html(row: pd.Series, layer: str, status: str, lang: str = "en") -> str:
    """``#n id · name · status`` (``#n`` = 0-based index in the file, when known), the reasons below; escaped."""
    number_ = f"#{int(row[FEATURE_COLUMN])}" if FEATURE_COLUMN in row and pd.notna(row[FEATURE_COLUMN]) else ""
    id_field = ID_FIELDS.get(layer)
    label = " ".join(p for p in (number_, popups.value(id_field, row.get(id_field), lang) if id_field else None) if p)
    parts = [f"<b>{html.escape(label)}</b>"] if label else []
    name = popups.value("name", row.get("name"), lang)
    parts += [html.escape(p) for p in (name, status) if p]
    text = " · ".join(parts)
    reasons = popups.value(REASONS_COLUMN, row.get(REASONS_COLUMN), lang)
    return text + ("<br>" + html.escape(reasons) if reasons else "")


def _layer(frame: gpd.GeoDataFrame, layer: str, style: dict, status: str, name: str, class_name: str,
           lang: str) -> maps.DataLayer:
    rows = [row for _, row in frame.iterrows()]
    properties = pd.DataFrame({
        "_style": [style] * len(frame),
        "_tooltip": [tooltip_html(row, layer, status, lang) for row in rows],
        "_popup": [popup_html(row, layer, lang) for row in rows],
    })
    return maps.DataLayer(maps.feature_collection(frame, properties), name, class_name, radius=6)


def preview_layers(report: Report, lang: str = "en") -> folium.FeatureGroup:
    """The accepted and the rejected features of ``report`` as one feature group that fits the map to them."""
    group = folium.FeatureGroup(name="asmgeo-upload")
    accepted, rejected = mappable(report.accepted), mappable(report.rejected)
    status_ok, status_bad = t("upload.map_accepted", lang), t("upload.map_rejected", lang)
    _layer(accepted, report.layer, ACCEPTED_STYLE, status_ok, status_ok, ACCEPTED_CLASS, lang).add_to(group)
    _layer(rejected, report.layer, REJECTED_STYLE, status_bad, status_bad, REJECTED_CLASS, lang).add_to(group)
    bounds = fit_bounds(accepted, rejected)
    if bounds is not None:
        FitToGroup(bounds).add_to(group)
    return group


def batch_layers(features: dict[str, gpd.GeoDataFrame], lang: str = "en") -> folium.FeatureGroup:
    """The rows of one import batch (``{layer: frame}``, as :func:`asmgeo.store.batches.batch_features` gives them)."""
    group = folium.FeatureGroup(name="asmgeo-batch")
    shown = {layer: mappable(frame) for layer, frame in features.items()}
    for layer, frame in shown.items():
        if layer not in UPLOAD_LAYERS:
            raise ValueError(f"layer={layer!r} is not an upload layer; known: {sorted(UPLOAD_LAYERS)}")
        title = t(f"map.layer.{layer}", lang)
        _layer(frame, layer, BATCH_STYLE, "", title, BATCH_CLASS, lang).add_to(group)
    bounds = fit_bounds(*shown.values())
    if bounds is not None:
        FitToGroup(bounds).add_to(group)
    return group
