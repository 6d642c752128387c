"""The map explorer's data and view: filtered layers for the current state and map view."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import streamlit as st

from asmgeo.domain import mpf, query
from asmgeo.maps import explorer, viewport
from asmgeo.maps.share import ExplorerState
from asmgeo.maps.viewport import centre_of
from asmgeo.shipped import boundaries, reference
from ui import data
from ui import state as keys


def filter_ranges(sites: gpd.GeoDataFrame) -> tuple[tuple[dt.date, dt.date], int]:
    """The survey-date span and the largest workforce, bounds of the date and workers sliders."""
    if sites.empty:
        today = dt.date.today()
        return (today.replace(year=today.year - 1), today), 1
    dates = pd.to_datetime(sites["survey_date"])
    return (dates.min().date(), dates.max().date()), int(sites["workers"].max(skipna=True) or 1)


def country_names(sites: gpd.GeoDataFrame, lang: str = "en") -> dict[str, str]:
    """ISO3 → name in ``lang`` of the assessed countries and of every country that has sites, by name."""
    world = data.country_names(lang)
    codes = set(reference.assessed_iso3()) | set(sites["country"].dropna().unique())
    return boundaries.by_name({c: world.get(c) or c for c in codes})


def scope_bounds(state: ExplorerState) -> tuple[float, float, float, float]:
    """Lon/lat bounds of the chosen world, region or country."""
    return query.scope_bounds(data.full_countries(), state.scope, state.scope_value, reference.assessed_iso3())


def view_request(state: ExplorerState, bounds, width: int, height: int) -> tuple[tuple[float, float], int]:
    """Centre and zoom asked of the map: refit when the scope changes, else keep the last request."""
    scope = (state.scope, state.scope_value)
    request = st.session_state.get(keys.EXPLORER_REQUEST)
    if st.session_state.get(keys.EXPLORER_FITTED) != scope:
        first_visit = keys.EXPLORER_FITTED not in st.session_state
        shared = st.session_state.get(keys.EXPLORER_VIEW) if first_visit else None
        if shared:
            request = ((shared[0], shared[1]), int(shared[2]))
        elif state.scope == "world":
            request = viewport.WORLD_VIEW
        else:
            request = viewport.fit_view(bounds, width, height)
        st.session_state[keys.EXPLORER_FITTED] = scope
        st.session_state[keys.EXPLORER_REQUEST] = request
        st.session_state.pop(keys.EXPLORER_BOUNDS, None)
    return request


def current_view(zoom: int, centre: tuple[float, float], width: int, height: int) -> viewport.View:
    """What the map shows: the bounds it last reported, else the requested view."""
    return st.session_state.get(keys.EXPLORER_BOUNDS) or viewport.view_around(centre, zoom, width, height)


def remember_view(returned: dict | None) -> None:
    """Keep the bounds and zoom the map reported, for the next run's layers and the share link."""
    bounds = (returned or {}).get("bounds") or {}
    south_west, north_east = bounds.get("_southWest") or {}, bounds.get("_northEast") or {}
    zoom = (returned or {}).get("zoom")
    values = [south_west.get("lng"), south_west.get("lat"), north_east.get("lng"), north_east.get("lat")]
    if zoom is None or any(v is None for v in values):
        return
    west, south, east, north = (float(v) for v in values)
    view = viewport.View((max(west, -180.0), max(south, -85.0), min(east, 180.0), min(north, 85.0)), int(zoom))
    st.session_state[keys.EXPLORER_BOUNDS] = view
    (lat, lon), zoom = centre_of(view)  # the Mercator centre: a plain mean of the latitudes drifts south
    st.session_state[keys.EXPLORER_VIEW] = (lat, lon, zoom)


def shared_view() -> tuple[float, float, int] | None:
    """The (lat, lon, zoom) to put in the share link."""
    return st.session_state.get(keys.EXPLORER_VIEW)


def site_filter(state: ExplorerState) -> query.SiteFilter:
    """The site filter the state describes (the scope does not filter: it frames the map)."""
    return query.SiteFilter(
        commodities=state.commodities, legal_statuses=state.legal_statuses,
        practice_classes=state.practice_classes, mercury_use=state.mercury_use,
        workers=state.workers, dates=state.dates,
    )


def filtered_layers(state: ExplorerState, sites: gpd.GeoDataFrame, zoom: int) -> explorer.Layers:
    """Every layer after the filters; mercury and tailings follow the sites they belong to."""
    flt = site_filter(state)
    shown_sites = query.filter_sites(sites, flt)
    site_ids = set(shown_sites["site_id"]) if flt.restricts_sites else None
    mercury = query.filter_records(data.latest_records("mercury", "site_id"), state.dates, site_ids=site_ids)
    tailings = query.filter_records(data.latest_records("tailings", "tailings_id"), state.dates, site_ids=site_ids)
    pct = data.pillar_pct(state.pillar_scope if state.pillar_scope in mpf.AREAS else mpf.PILLAR)
    return explorer.Layers(
        countries=data.assessed_countries(zoom), pct=pct, sites=shown_sites, mercury=mercury, tailings=tailings,
        geology_units=data.layer("geology_units"), rasters=data.raster_paths(),
    )


@st.cache_resource(show_spinner=False)
def _world_outline() -> gpd.GeoDataFrame:
    return explorer.world_outline(data.web_countries())


def base_map(lang: str, drawing: bool = True):
    """The constant base map; built afresh each run (streamlit-folium adds to the map it is given)."""
    return explorer.base_map(_world_outline(), lang, drawing)
