"""Map views: what part of the world a map of a given size shows at a zoom level (Web Mercator)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from asmgeo.extent import WORLD_BOUNDS, Bounds  # noqa: F401 - WORLD_BOUNDS: the world scope's box, beside WORLD_VIEW

WORLD_VIEW = ((15.0, 10.0), 2)  # centre (lat, lon) and zoom of the whole-world scope


@dataclass(frozen=True)
class View:
    """What the screen shows: lon/lat bounds (west, south, east, north) and the zoom level."""

    bounds: Bounds
    zoom: int


def _mercator_y(lat: float) -> float:
    """Web Mercator y of ``lat`` on a world one unit tall (0 at the north edge)."""
    lat = float(np.clip(lat, -85.05113, 85.05113))
    return (1 - np.log(np.tan(np.radians(lat)) + 1 / np.cos(np.radians(lat))) / np.pi) / 2


def _mercator_lat(y: float) -> float:
    """Latitude of Web Mercator ``y`` (inverse of :func:`_mercator_y`)."""
    return float(np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * y)))))


def fit_view(bounds: Bounds, width_px: int, height_px: int,
             max_zoom: int = 12) -> tuple[tuple[float, float], int]:
    """Centre (lat, lon) and the largest zoom at which ``bounds`` fit a ``width_px``×``height_px`` map."""
    west, south, east, north = bounds
    if not (west < east and south < north):
        raise ValueError(f"bounds={bounds} must have west < east and south < north")
    span_x = (east - west) / 360
    span_y = _mercator_y(south) - _mercator_y(north)
    zoom = int(np.floor(np.log2(min(width_px / (256 * span_x), height_px / (256 * span_y)))))
    centre_y = (_mercator_y(south) + _mercator_y(north)) / 2
    return (round(_mercator_lat(centre_y), 4), round((west + east) / 2, 4)), int(np.clip(zoom, 1, max_zoom))


def view_around(centre: tuple[float, float], zoom: int, width_px: int, height_px: int) -> View:
    """The view of a ``width_px``×``height_px`` map centred on ``centre`` (lat, lon) at ``zoom``."""
    world_px = 256 * 2**zoom
    lat, lon = centre
    half_lon = width_px / world_px * 180
    y = _mercator_y(lat)
    half_y = height_px / world_px / 2
    bounds = (max(lon - half_lon, -180.0), _mercator_lat(min(y + half_y, 1.0)),
              min(lon + half_lon, 180.0), _mercator_lat(max(y - half_y, 0.0)))
    return View(bounds, zoom)


def centre_of(view: View) -> tuple[tuple[float, float], int]:
    """Centre (lat, lon) of ``view`` in Web Mercator, and its zoom."""
    west, south, east, north = view.bounds
    y = (_mercator_y(south) + _mercator_y(north)) / 2
    return (round(_mercator_lat(y), 4), round((west + east) / 2, 4)), view.zoom
