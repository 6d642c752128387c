"""Server-side aggregation of point layers, so the browser only gets what the screen can show.

Cells are squares of ``cell_px`` screen pixels in Web Mercator (the projection of web maps) at a
zoom level; a cluster sits at the mean position of its members.
"""

from __future__ import annotations

import numbers

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from asmgeo.domain.query import to_lonlat
from asmgeo.extent import Bounds

TILE_PX = 256  # a web-map tile; at zoom z the world is TILE_PX · 2**z pixels wide
MAX_ZOOM = 30
MAX_LAT = 85.05112878  # Web Mercator's limit: the world map is square
PAD = 0.10  # view() pads the bounds by this share of their width and height on each side
MISSING_CATEGORY = "unknown"
CLUSTER_COLUMNS = ["lon", "lat", "count"]


def _check_zoom(zoom: int, cell_px: int) -> None:
    """ValueError unless 0 ≤ zoom ≤ MAX_ZOOM and cell_px ≥ 1 are integers."""
    if isinstance(zoom, bool) or not isinstance(zoom, numbers.Integral) or not 0 <= zoom <= MAX_ZOOM:
        raise ValueError(f"zoom={zoom!r} must be an integer from 0 to {MAX_ZOOM}")
    if isinstance(cell_px, bool) or not isinstance(cell_px, numbers.Integral) or cell_px < 1:
        raise ValueError(f"cell_px={cell_px!r} must be an integer ≥ 1")


def cell_size_degrees(zoom: int, cell_px: int = 64) -> float:
    """Width in degrees of longitude of a ``cell_px`` pixel cell at ``zoom``."""
    _check_zoom(zoom, cell_px)
    return 360.0 * cell_px / (TILE_PX * 2.0**zoom)


def mercator_pixels(lon: np.ndarray, lat: np.ndarray, zoom: int) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator pixel x (east) and y (south) at ``zoom``; latitude clamped to ±MAX_LAT."""
    _check_zoom(zoom, 1)
    world = TILE_PX * 2.0**zoom
    phi = np.radians(np.clip(np.asarray(lat, dtype=float), -MAX_LAT, MAX_LAT))
    x = (np.asarray(lon, dtype=float) + 180.0) / 360.0 * world
    y = (1.0 - np.log(np.tan(phi) + 1.0 / np.cos(phi)) / np.pi) / 2.0 * world
    return x, y


def _coordinates(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``lon`` and ``lat`` as equal-length 1-D arrays of finite floats; ValueError otherwise."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if lon.ndim != 1 or lon.shape != lat.shape:
        raise ValueError(f"lon and lat must be 1-D arrays of one length, not shapes {lon.shape} and {lat.shape}")
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        raise ValueError("lon and lat must be finite: no NaN (points without coordinates) or infinity")
    return lon, lat


def _cell_keys(x: np.ndarray, y: np.ndarray, cell_px: int, zoom: int) -> np.ndarray:
    """One int64 key per point naming its cell (cells counted from the data's own corner, so no overflow)."""
    cells = int(np.ceil(TILE_PX * 2.0**zoom / cell_px))
    ix = np.clip(np.floor(x / cell_px), 0, cells - 1).astype(np.int64)
    iy = np.clip(np.floor(y / cell_px), 0, cells - 1).astype(np.int64)
    if len(ix) == 0:
        return ix
    ix -= ix.min()
    iy -= iy.min()
    height = int(iy.max()) + 1
    if (int(ix.max()) + 1) * height < 2**62:
        return ix * height + iy
    codes_x = pd.factorize(ix, sort=True)[0].astype(np.int64)  # huge grid: number the occupied rows and columns
    codes_y, uniques_y = pd.factorize(iy, sort=True)
    return codes_x * len(uniques_y) + codes_y


def grid_clusters(
    lon: np.ndarray,
    lat: np.ndarray,
    zoom: int,
    cell_px: int = 64,
    category: np.ndarray | pd.Series | None = None,
    values: np.ndarray | pd.Series | None = None,
) -> pd.DataFrame:
    """Points grouped into square ``cell_px`` cells of the Web Mercator map at ``zoom``.

    Columns: ``lon``, ``lat`` (mean of the members), ``count``; with ``category`` also ``dominant``
    (the most frequent category in the cell; ties: the first in sorted order, or in the categories'
    order for a pandas Categorical) and ``categories`` (a dict category → count of the categories
    present, in that order; a missing category counts as ``"unknown"``); with ``values`` also
    ``total`` (their sum per cell, missing values left out). Rows are ordered by cell (west to
    east, then north to south).
    """
    _check_zoom(zoom, cell_px)
    lon, lat = _coordinates(lon, lat)
    for name, given in (("category", category), ("values", values)):
        if given is not None and len(given) != len(lon):
            raise ValueError(f"{name} has {len(given)} values for {len(lon)} points")
    columns = CLUSTER_COLUMNS + (["dominant", "categories"] if category is not None else [])
    columns += ["total"] if values is not None else []
    if len(lon) == 0:
        dtypes = {"lon": "float64", "lat": "float64", "count": "int64", "total": "float64"}
        return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "object")) for c in columns})
    x, y = mercator_pixels(lon, lat, zoom)
    _, cell, count = np.unique(_cell_keys(x, y, cell_px, zoom), return_inverse=True, return_counts=True)
    result = pd.DataFrame({
        "lon": np.bincount(cell, weights=lon) / count,
        "lat": np.bincount(cell, weights=lat) / count,
        "count": count.astype(np.int64),
    })
    if category is not None:
        result["dominant"], result["categories"] = _category_counts(cell, len(count), category)
    if values is not None:
        numbers_ = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        result["total"] = np.bincount(cell, weights=np.nan_to_num(numbers_, nan=0.0), minlength=len(count))
    return result


def _category_counts(cell: np.ndarray, cells: int, category: np.ndarray | pd.Series) -> tuple[list[str], list[dict]]:
    """Per cell: the most frequent category and a dict category → count (in category order)."""
    values = category if isinstance(category, (pd.Series, pd.Categorical)) else np.asarray(category, dtype=object)
    codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
    names = [str(name) for name in uniques]
    if (codes < 0).any():
        if MISSING_CATEGORY not in names:
            names.append(MISSING_CATEGORY)
        codes = np.where(codes < 0, names.index(MISSING_CATEGORY), codes)
    pair, count = np.unique(cell.astype(np.int64) * len(names) + codes, return_counts=True)  # by cell, then category
    pair_cell, pair_category = np.divmod(pair, len(names))
    by_count = np.lexsort((pair_category, -count, pair_cell))  # in each cell: most frequent first, ties by category
    heads = np.r_[True, pair_cell[by_count][1:] != pair_cell[by_count][:-1]]
    labels = np.array(names, dtype=object)
    dominant = labels[pair_category[by_count[heads]]].tolist()
    starts = np.flatnonzero(np.r_[True, pair_cell[1:] != pair_cell[:-1]])
    ends = np.r_[starts[1:], len(pair)]
    names_of, counts_of = labels[pair_category].tolist(), count.tolist()
    per_cell = [dict(zip(names_of[a:b], counts_of[a:b])) for a, b in zip(starts.tolist(), ends.tolist())]
    assert len(dominant) == len(per_cell) == cells
    return dominant, per_cell


def _check_bounds(bounds: Bounds, name: str = "bounds") -> Bounds:
    """(west, south, east, north) as finite floats with south ≤ north; ValueError otherwise."""
    try:
        west, south, east, north = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={bounds!r} must be four numbers (west, south, east, north)") from None
    if not np.isfinite([west, south, east, north]).all():
        raise ValueError(f"{name}={bounds!r} must be finite numbers")
    if south > north:
        raise ValueError(f"{name}={bounds!r}: south {south} is above north {north}")
    return west, south, east, north


def in_bounds(lon: np.ndarray, lat: np.ndarray, bounds: Bounds) -> np.ndarray:
    """True for points inside ``bounds`` (edges included); west > east means the box crosses the antimeridian.

    Longitudes beyond ±180 in ``bounds`` (a map panned across the antimeridian) are wrapped; points'
    longitudes are taken in [-180, 180].
    """
    west, south, east, north = _check_bounds(bounds)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    inside_lat = (lat >= south) & (lat <= north)
    if west <= east and east - west >= 360:
        return inside_lat
    if not (-180 <= west <= 180 and -180 <= east <= 180):  # a map panned across the antimeridian
        west, east = (west + 180) % 360 - 180, (east + 180) % 360 - 180
    if west <= east:
        return inside_lat & (lon >= west) & (lon <= east)
    return inside_lat & ((lon >= west) | (lon <= east))


def padded(bounds: Bounds, share: float = PAD) -> Bounds:
    """``bounds`` grown by ``share`` of its width and height on each side (latitude kept within ±90)."""
    west, south, east, north = _check_bounds(bounds)
    width = east - west if west <= east else east + 360 - west
    height = north - south
    if width + 2 * share * width >= 360:
        return -180.0, max(-90.0, south - share * height), 180.0, min(90.0, north + share * height)
    return west - share * width, max(-90.0, south - share * height), east + share * width, min(90.0, north + share * height)


def representative_xy(frame: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Lon and lat of each feature: the point itself, or a point on the surface of other geometries (NaN if empty)."""
    geometry = frame.geometry.to_numpy()
    points = shapely.get_type_id(geometry) == 0
    empty = shapely.is_empty(geometry)
    if not points.all() or empty.any():
        geometry = geometry.copy()
        geometry[~points] = shapely.point_on_surface(geometry[~points])
        geometry[empty] = None
    return shapely.get_x(geometry), shapely.get_y(geometry)


def in_view(frame: gpd.GeoDataFrame, bounds: Bounds) -> gpd.GeoDataFrame:
    """The features of ``frame`` :func:`view` draws for ``bounds``: their point inside the padded bounds."""
    frame = to_lonlat(frame)
    lon, lat = representative_xy(frame)
    return frame[in_bounds(lon, lat, padded(bounds)) & ~np.isnan(lon)]


def view(
    frame: gpd.GeoDataFrame,
    bounds: Bounds,
    zoom: int,
    max_points: int = 2000,
    category_column: str | None = None,
    sum_column: str | None = None,
) -> tuple[str, pd.DataFrame | gpd.GeoDataFrame]:
    """What a map at ``zoom`` showing ``bounds`` needs of ``frame``: ``("points", features)`` or ``("clusters", cells)``.

    Features whose (representative) point lies inside the bounds padded by 10 % on each side are
    returned as they are when there are at most ``max_points`` of them, else as :func:`grid_clusters`
    (with ``dominant``/``categories`` of ``category_column`` and the ``total`` of ``sum_column``).
    """
    _check_zoom(zoom, 64)
    if isinstance(max_points, bool) or not isinstance(max_points, numbers.Integral) or max_points < 0:
        raise ValueError(f"max_points={max_points!r} must be an integer ≥ 0")
    for name, column in (("category_column", category_column), ("sum_column", sum_column)):
        if column is not None and column not in frame.columns:
            raise ValueError(f"{name}={column!r} is not a column of frame")
    frame = to_lonlat(frame)
    lon, lat = representative_xy(frame)
    inside = in_bounds(lon, lat, padded(bounds)) & ~np.isnan(lon)
    if np.count_nonzero(inside) <= max_points:
        return "points", frame[inside]
    category = frame[category_column][inside] if category_column is not None else None  # no copy of other columns
    values = frame[sum_column][inside] if sum_column is not None else None
    return "clusters", grid_clusters(lon[inside], lat[inside], zoom, category=category, values=values)
