"""Panels under the explorer map: counts, the drawn-area summary and the downloads."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from shapely.geometry import shape

from asmgeo.domain import query
from asmgeo.i18n import date, number, t, t_value
from asmgeo.maps import explorer, popups, share, viewport
from asmgeo.maps.share import ExplorerState
from asmgeo.outputs import export, handout, standalone
from asmgeo.provenance import synthetic_extent
from ui import explorer_data

EXPORT_LAYERS = ("sites", "mercury", "tailings")


def show_counts(layers: explorer.Layers, lang: str) -> None:
    """How many features of each layer pass the filters."""
    columns = st.columns(3)
    for column, name in zip(columns, EXPORT_LAYERS):
        column.metric(t(f"explorer.count.{name}", lang), number(len(getattr(layers, name)), lang))


def drawn_area(returned: dict | None):
    """The shape the user last drew on the map, or None."""
    drawing = (returned or {}).get("last_active_drawing")
    if not drawing or not drawing.get("geometry"):
        return None
    area = shape(drawing["geometry"])
    return area if area.geom_type in ("Polygon", "MultiPolygon") and not area.is_empty else None


def show_area(returned: dict | None, layers: explorer.Layers, lang: str) -> None:
    """Summary of the filtered features inside the drawn rectangle or polygon, and their download."""
    area = drawn_area(returned)
    st.subheader(t("explorer.area.title", lang))
    if area is None:
        st.caption(t("explorer.area.hint", lang))
        return
    summary = query.area_summary(layers.sites, layers.mercury, layers.tailings, area)
    cells = st.columns(4)
    cells[0].metric(t("map.layer.sites", lang), number(summary["sites"], lang))
    cells[1].metric(t("explorer.area.workers", lang), number(summary["workers"], lang))
    cells[2].metric(t("explorer.area.women", lang), number(summary["women"], lang))
    cells[3].metric(t("map.unit.kg_per_year", lang), number(summary["hg_kg_per_year"], lang, 1))
    left, middle, right = st.columns(3)
    left.dataframe(_counts(summary["by_legal_status"], "legal_status", lang), hide_index=True)
    middle.dataframe(_counts(summary["by_commodity"], "commodity", lang), hide_index=True)
    right.dataframe(_counts(summary["tailings_by_status"], "status", lang), hide_index=True)
    inside = {name: query.features_in_area(getattr(layers, name), area) for name in EXPORT_LAYERS}
    synthetic = popups.synthetic_note(synthetic_extent(*inside.values()), lang)
    if synthetic:
        st.caption(synthetic)
    st.download_button(t("explorer.area.download", lang), lambda: export.gpkg_bytes(inside, _metadata(None, lang)),
                       file_name="asmgeo-area.gpkg", mime="application/geopackage+sqlite3", on_click="ignore")


def show_downloads(state: ExplorerState, layers: explorer.Layers, view: viewport.View, lang: str) -> None:
    """The filtered layers as GeoJSON, GeoPackage and CSV, and the map as one offline HTML file."""
    st.subheader(t("explorer.downloads", lang))
    metadata = _metadata(state, lang)
    columns = st.columns(4)
    columns[0].download_button(t("explorer.download.geojson", lang),
                               lambda: export.geojson_bytes(layers.sites, {**metadata, "layer": "sites"}),
                               file_name="asmgeo-sites.geojson", mime="application/geo+json", on_click="ignore")
    columns[1].download_button(t("explorer.download.gpkg", lang),
                               lambda: export.gpkg_bytes({n: getattr(layers, n) for n in EXPORT_LAYERS}, metadata),
                               file_name="asmgeo-layers.gpkg", mime="application/geopackage+sqlite3",
                               on_click="ignore")
    columns[2].download_button(t("explorer.download.csv", lang), lambda: export.csv_bytes(layers.sites),
                               file_name="asmgeo-sites.csv", mime="text/csv", on_click="ignore")
    columns[3].download_button(t("explorer.download.html", lang), lambda: _standalone(state, layers, view, lang),
                               file_name="asmgeo-map.html", mime="text/html", on_click="ignore")


def _standalone(state: ExplorerState, layers: explorer.Layers, view: viewport.View, lang: str) -> str:
    """The current map, layers included, as one self-contained HTML file (built afresh)."""
    fmap = explorer_data.base_map(lang)
    offline = tuple(name for name in state.layers if name not in explorer.ONLINE_TILES)  # the file must open offline
    explorer.data_layers(layers, offline, view, state.site_style, state.raster_opacity, lang).add_to(fmap)
    centre, zoom = viewport.centre_of(view)
    fmap.location, fmap.options["zoom"] = list(centre), zoom
    notes = [t("explorer.export.date", lang, date=date(dt.date.today(), lang)), t("explorer.export.sources", lang),
             *handout.map_source_notes(explorer.drawn_features(layers, offline, view), lang)]
    if not layers.pct.empty and layers.pct["illustrative"].any():
        notes.append(t("map.legend.illustrative", lang))
    return standalone.standalone_html(fmap, t("explorer.title", lang), notes)


def _metadata(state: ExplorerState | None, lang: str) -> dict:
    """What an export says about itself: when, which filters, and that demo data is synthetic."""
    return {
        "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "filters": share.to_query_params(state) if state is not None else {},
        "note": t("explorer.export.sources", lang),
        "lang": lang,
    }


def _counts(counts: dict[str, int], field: str, lang: str) -> pd.DataFrame:
    """A two-column table of category labels and counts."""
    return pd.DataFrame({
        t(f"map.popup.{field}", lang): [t_value(field, code, lang) for code in counts],
        t("explorer.area.count", lang): list(counts.values()),
    })
