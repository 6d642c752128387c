"""Preview map of a validated upload: accepted features in one style, rejected ones in red with the reason.

API::

    from asmgeo.upload_map import preview_layers, preview_view

    group = preview_layers(report, lang)          # folium.FeatureGroup of two DataLayers
    centre, zoom = preview_view(report, 800, 420)  # where to look, or ((10, 0), 2) when nothing is mappable

Tooltips are built and HTML-escaped on the server (file values are untrusted). Features without a
geometry (possible among the rejected ones) cannot be drawn and are left off the map.
"""

from __future__ import annotations

import html

import folium
import geopandas as gpd
import pandas as pd

from asmgeo import maps
from asmgeo.i18n import t
from asmgeo.schema import ID_FIELDS
from asmgeo.validate import FEATURE_COLUMN, REASONS_COLUMN, Report
from asmgeo.viewport import fit_view

ACCEPTED_STYLE = {"color": "#1a7f37", "fillColor": "#2da44e", "fillOpacity": 0.7, "weight": 2}
REJECTED_STYLE = {"color": "#b00020", "fillColor": "#e5484d", "fillOpacity": 0.7, "weight": 2}
ACCEPTED_CLASS, REJECTED_CLASS = "asmgeo-upload-accepted", "asmgeo-upload-rejected"
WORLD = ((10.0, 0.0), 2)


def mappable(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The rows of ``frame`` with a non-empty geometry, in EPSG:4326."""
    if frame.empty:
        return frame
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs("EPSG:4326")
    return frame


def _label(row: pd.Series, id_field: str | None) -> str:
    """``#n`` (the feature's 0-based index in the file, as in the report) and its id when it has one."""
    number = f"#{int(row[FEATURE_COLUMN])}" if FEATURE_COLUMN in row and pd.notna(row[FEATURE_COLUMN]) else ""
    value = row.get(id_field) if id_field else None
    return f"{number} {value}".strip() if value is not None and not pd.isna(value) else number


def _tooltips(frame: gpd.GeoDataFrame, id_field: str | None, status: str, reasons: bool) -> list[str]:
    out = []
    for _, row in frame.iterrows():
        text = f"<b>{html.escape(_label(row, id_field))}</b> {html.escape(status)}"
        if reasons and pd.notna(row.get(REASONS_COLUMN)):
            text += "<br>" + html.escape(str(row[REASONS_COLUMN]))
        out.append(text)
    return out


def _layer(frame: gpd.GeoDataFrame, style: dict, tooltips: list[str], name: str, class_name: str) -> maps.DataLayer:
    properties = pd.DataFrame({"_style": [style] * len(frame), "_tooltip": tooltips})
    return maps.DataLayer(maps.feature_collection(frame, properties), name, class_name, radius=6)


def preview_layers(report: Report, lang: str = "en") -> folium.FeatureGroup:
    """The accepted and the rejected features of ``report`` as one feature group."""
    id_field = ID_FIELDS.get(report.layer)
    group = folium.FeatureGroup(name="asmgeo-upload")
    accepted, rejected = mappable(report.accepted), mappable(report.rejected)
    _layer(accepted, ACCEPTED_STYLE, _tooltips(accepted, id_field, t("upload.map_accepted", lang), False),
           t("upload.map_accepted", lang), ACCEPTED_CLASS).add_to(group)
    _layer(rejected, REJECTED_STYLE, _tooltips(rejected, id_field, t("upload.map_rejected", lang), True),
           t("upload.map_rejected", lang), REJECTED_CLASS).add_to(group)
    return group


def preview_view(report: Report, width_px: int, height_px: int) -> tuple[tuple[float, float], int]:
    """Centre and zoom that show every mappable feature of ``report`` (the world when there is none)."""
    frames = [f for f in (mappable(report.accepted), mappable(report.rejected)) if not f.empty]
    if not frames:
        return WORLD
    west, south, east, north = pd.concat([f.geometry for f in frames]).total_bounds
    pad = 0.05
    west, south, east, north = west - pad, south - pad, east + pad, north + pad
    try:
        return fit_view((max(west, -180.0), max(south, -85.0), min(east, 180.0), min(north, 85.0)), width_px, height_px)
    except ValueError:
        return WORLD
