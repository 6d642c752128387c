"""Country polygons generalised for a zoom level, keeping shared borders shared."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

TILE_PX = 256


def tolerance_for_zoom(zoom: int) -> float:
    """Simplification tolerance in degrees: about half a screen pixel at ``zoom``."""
    if not 0 <= zoom <= 22:
        raise ValueError(f"zoom={zoom} must be between 0 and 22")
    return 0.5 * 360.0 / (TILE_PX * 2**zoom)


def generalize(countries: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """Coverage-simplify ``countries`` and drop island parts too small to see at ``tolerance``.

    ``shapely.coverage_simplify`` moves each shared border once for both neighbours, so no gap or
    sliver opens between them. A country always keeps its largest part (Jamaica stays).
    """
    if tolerance < 0:
        raise ValueError(f"tolerance={tolerance} must be ≥ 0")
    if tolerance == 0:
        return countries
    simplified = shapely.coverage_simplify(countries.geometry.to_numpy(), tolerance)
    min_area = (2 * tolerance) ** 2
    kept = [_without_small_parts(geometry, min_area) for geometry in simplified]
    return countries.set_geometry(gpd.GeoSeries(kept, index=countries.index, crs=countries.crs))


def _without_small_parts(geometry: shapely.Geometry, min_area: float) -> shapely.Geometry:
    """The polygon parts of ``geometry`` of at least ``min_area``, and always the largest one."""
    parts = shapely.get_parts(geometry)
    if len(parts) <= 1:
        return geometry
    areas = shapely.area(parts)
    keep = (areas >= min_area) | (np.arange(len(parts)) == np.argmax(areas))
    return shapely.multipolygons(parts[keep])
