"""The workshop map's view: the view the page asks of the map, and the one the map reports back.

streamlit-folium moves the map only when the ``center`` or ``zoom`` passed to it differs from the
value passed last time, and then keeps the other one as the user left it. A slide must show its
own extent even when the facilitator has panned since, so each request is sent slightly different
from the one before (a nudge of ~1e-9: far below a pixel; Leaflet rounds the zoom to a whole level).
A map report older than the last request (still the component's value until the map sends a new
one) describes the previous view, so it is not used.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from asmgeo.maps import viewport, workshop
from asmgeo.maps.viewport import View
from asmgeo.maps.workshop import Area
from ui import state as keys

# About the map's size on a laptop screen or a projector (the map is ~75 % of the window height);
# used to fit an area before the map has reported its real size.
MAP_WIDTH = 1100
MAP_HEIGHT = 700
NUDGE = 1e-9
NUDGE_CYCLE = 1000


def map_size() -> tuple[int, int]:
    """The map's size in pixels as it last reported it (its bounds at its zoom), else the estimate."""
    return st.session_state.get(keys.WORKSHOP_MAP_SIZE) or (MAP_WIDTH, MAP_HEIGHT)


def note_report() -> None:
    """Remember the map's size from a new report, so a requested view is drawn (and fitted) for it."""
    view = _reported_view()
    if view is not None:
        width, height = workshop.pixel_size(view.bounds, view.zoom)
        if width > 0 and height > 0:
            st.session_state[keys.WORKSHOP_MAP_SIZE] = (width, height)


def request(centre: tuple[float, float], zoom: int) -> None:
    """Ask the map to show ``centre`` (lat, lon) at ``zoom`` on the next draw."""
    s = st.session_state
    count = s.get(keys.WORKSHOP_REQUEST, (None, None, 0))[2] + 1
    s[keys.WORKSHOP_REQUEST] = ((float(centre[0]), float(centre[1])), int(zoom), count)
    s[keys.WORKSHOP_STALE] = s.get(keys.WORKSHOP_MAP)


def fit(area: Area | None, bounds: Callable[[Area], tuple[float, float, float, float]]) -> None:
    """Fit the map to ``bounds(area)`` once per area (a new area, or the first visit); no area: the world."""
    if keys.WORKSHOP_REQUEST in st.session_state and st.session_state.get(keys.WORKSHOP_FITTED) == area:
        return
    centre, zoom = viewport.fit_view(bounds(area), *map_size()) if area is not None else viewport.WORLD_VIEW
    request(centre, zoom)
    st.session_state[keys.WORKSHOP_FITTED] = area


def show(area: Area, view: tuple[float, float, int]) -> None:
    """Show a slide's extent; its area counts as fitted."""
    lat, lon, zoom = view
    request((lat, lon), zoom)
    st.session_state[keys.WORKSHOP_FITTED] = area


def map_arguments() -> tuple[tuple[float, float], float]:
    """``center`` and ``zoom`` for st_folium: the last request, nudged so that it differs from the one before."""
    (lat, lon), zoom, count = st.session_state[keys.WORKSHOP_REQUEST]
    nudge = (count % NUDGE_CYCLE) * NUDGE
    return (lat + nudge, lon + nudge), zoom + nudge


def _report() -> dict | None:
    """What the map last reported, unless it predates the last request (or it never reported)."""
    value = st.session_state.get(keys.WORKSHOP_MAP)
    if not value or not value.get("center") or value.get("zoom") is None:
        return None
    return None if value == st.session_state.get(keys.WORKSHOP_STALE) else value


def extent() -> tuple[float, float, int]:
    """(lat, lon, zoom) the map shows now: its report, else the requested view."""
    report = _report()
    if report is None:
        (lat, lon), zoom, _ = st.session_state[keys.WORKSHOP_REQUEST]
    else:
        lat, lon, zoom = report["center"]["lat"], report["center"]["lng"], report["zoom"]
    lon = (float(lon) + 180.0) % 360.0 - 180.0  # a map panned across the date line reports lon beyond ±180
    return round(max(min(float(lat), 85.0), -85.0), 5), round(lon, 5), int(zoom)


def _reported_view() -> View | None:
    """The bounds and zoom of the map's latest report (None when stale or incomplete)."""
    report = _report()
    bounds = (report or {}).get("bounds") or {}
    south_west, north_east = bounds.get("_southWest") or {}, bounds.get("_northEast") or {}
    values = [south_west.get("lng"), south_west.get("lat"), north_east.get("lng"), north_east.get("lat")]
    if report is None or any(v is None for v in values):
        return None
    west, south, east, north = (float(v) for v in values)
    return View((west, south, east, north), int(report["zoom"]))


def current_view() -> View:
    """What the map shows, for drawing the data of the view: the reported bounds, else the request's."""
    view = _reported_view()
    if view is not None:
        west, south, east, north = view.bounds
        return View((max(west, -180.0), max(south, -85.0), min(east, 180.0), min(north, 85.0)), view.zoom)
    (lat, lon), zoom, _ = st.session_state[keys.WORKSHOP_REQUEST]
    return viewport.view_around((lat, lon), zoom, *map_size())
