"""Random points inside polygons, for the synthetic demo layers."""

from __future__ import annotations

import numpy as np
import shapely

MAX_ROUNDS = 50


def points_inside(area: shapely.Geometry, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` uniform random (lon, lat) points inside ``area``.

    A part is drawn by area, then a point by rejection in that part's box, so a country made of
    scattered islands does not waste nearly every draw on sea.
    """
    parts = shapely.get_parts(area)
    shapely.prepare(parts)
    weights = shapely.area(parts) / shapely.area(parts).sum()
    found = np.empty((0, 2))
    for _ in range(MAX_ROUNDS):
        picked = rng.choice(len(parts), size=max(64, 4 * (count - len(found))), p=weights)
        west, south, east, north = shapely.bounds(parts[picked]).T
        x, y = rng.uniform(west, east), rng.uniform(south, north)
        inside = shapely.contains_xy(parts[picked], x, y)
        found = np.vstack([found, np.column_stack([x, y])[inside]])
        if len(found) >= count:
            return found[:count]
    raise ValueError(f"could not place {count} points inside a polygon with bounds {area.bounds}")


def clustered_points_inside(area: shapely.Geometry, count: int, rng: np.random.Generator, centres: int) -> np.ndarray:
    """``count`` points inside ``area`` gathered around ``centres`` random districts, as mines are."""
    if centres < 1:
        raise ValueError(f"centres={centres} must be at least 1")
    hubs = points_inside(area, centres, rng)
    minx, miny, maxx, maxy = area.bounds
    spread = 0.04 * np.hypot(maxx - minx, maxy - miny)
    shapely.prepare(area)
    found = np.empty((0, 2))
    for _ in range(MAX_ROUNDS):
        batch = max(64, 2 * (count - len(found)))
        candidates = hubs[rng.integers(0, centres, batch)] + rng.normal(0.0, spread, (batch, 2))
        found = np.vstack([found, candidates[shapely.contains_xy(area, candidates[:, 0], candidates[:, 1])]])
        if len(found) >= count:
            return found[:count]
    raise ValueError(f"could not place {count} points around {centres} centres inside bounds {area.bounds}")
