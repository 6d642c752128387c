"""Deterministic synthetic geological units for the demo (Voronoi cells with a random lithology)."""

from __future__ import annotations

import zlib

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from asmgeo.demo.sampling import points_inside
from asmgeo.domain.geology import LITHOLOGIES
from asmgeo.provenance import DEMO_SOURCE

UNIT_COLUMNS = ["unit_id", "lithology", "country", "source", "geometry"]


def synthetic_units(countries: gpd.GeoDataFrame, seed: int, cells_per_country: int = 12) -> gpd.GeoDataFrame:
    """Voronoi cells clipped to each country, each with a random lithology (a synthetic demo).

    Each country gets its own generator seeded from ``seed`` and its iso3 code, so adding or
    removing a country leaves the other countries' units unchanged.
    """
    _check_countries(countries)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed={seed!r} must be an integer")
    if isinstance(cells_per_country, bool) or not isinstance(cells_per_country, (int, np.integer)):
        raise ValueError(f"cells_per_country={cells_per_country!r} must be an integer")
    if cells_per_country < 1:
        raise ValueError(f"cells_per_country={cells_per_country!r} must be at least 1")
    rows: list[tuple[str, str, str, str, shapely.Geometry]] = []
    for iso3, area in _country_geometries(countries).items():
        rng = np.random.default_rng(zlib.crc32(f"{seed}:{iso3}".encode()))
        cells = _clipped_voronoi(area, points_inside(area, int(cells_per_country), rng))
        names = rng.choice(list(LITHOLOGIES), size=len(cells))
        rows += [
            (f"GEO-{iso3}-{i:03d}", str(name), iso3, DEMO_SOURCE, cell)
            for i, (name, cell) in enumerate(zip(names, cells), start=1)
        ]
    frame = pd.DataFrame(rows, columns=UNIT_COLUMNS)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def _check_countries(countries: gpd.GeoDataFrame) -> None:
    """Raise if ``countries`` is not an EPSG:4326 GeoDataFrame with an ``iso3`` column."""
    if not isinstance(countries, gpd.GeoDataFrame):
        raise ValueError(f"countries must be a GeoDataFrame, not {type(countries).__name__}")
    if "iso3" not in countries.columns:
        raise ValueError(f"countries lack an 'iso3' column; columns are {list(countries.columns)}")
    if countries.crs is None or countries.crs.to_epsg() != 4326:
        crs = None if countries.crs is None else countries.crs.to_string()
        raise ValueError(f"countries must be in EPSG:4326, not {crs}")
    empty = sorted(str(i) for i in countries.loc[countries.geometry.isna() | countries.geometry.is_empty, "iso3"])
    if empty:
        raise ValueError(f"countries {empty} have no geometry")


def _country_geometries(countries: gpd.GeoDataFrame) -> dict[str, shapely.Geometry]:
    """One valid polygonal geometry per iso3 (rows sharing a code are merged), sorted by iso3."""
    merged: dict[str, shapely.Geometry] = {}
    for iso3, group in countries.groupby("iso3", sort=True):
        parts = [_polygonal(geom) for geom in group.geometry]
        area = _polygonal(shapely.union_all(parts)) if len(parts) > 1 else parts[0]
        if area.is_empty:
            raise ValueError(f"country {iso3!r} has no polygonal area")
        merged[str(iso3)] = area
    return merged


def _clipped_voronoi(area: shapely.Geometry, points: np.ndarray) -> list[shapely.Geometry]:
    """Voronoi cells of ``points`` clipped to ``area``, one per point, in point order.

    Longitudes are shrunk by cos(mean latitude) for the tessellation, so cells are roughly
    isotropic on the ground rather than in degrees.
    """
    west, south, east, north = area.bounds
    shrink = max(np.cos(np.radians((south + north) / 2)), 0.05)
    scaled = points * [shrink, 1.0]
    frame = shapely.box(west * shrink - 1, south - 1, east * shrink + 1, north + 1)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(scaled), extend_to=frame, ordered=True))
    cells = shapely.transform(cells, lambda xy: xy / [shrink, 1.0])
    clipped = [_polygonal(cell) for cell in shapely.intersection(cells, area)]
    return [cell for cell in clipped if not cell.is_empty]


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygonal part of ``geom`` as a valid Polygon or MultiPolygon (possibly empty)."""
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if isinstance(geom, (shapely.Polygon, shapely.MultiPolygon)):
        return geom
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, (shapely.Polygon, shapely.MultiPolygon))]
    polygons = [q for p in parts for q in shapely.get_parts(p)]
    if not polygons:
        return shapely.Polygon()
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)
