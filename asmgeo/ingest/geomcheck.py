"""Shape checks on lon/lat geometries, vectorised with shapely: what each feature's geometry is.

:func:`check_geometries` takes one geometry per feature (already in EPSG:4326, None where missing)
and the geometry types a layer takes, and returns cleaned geometries and findings:

* ``missing_geometry`` (error): None or empty;
* ``z_dropped`` / ``m_dropped`` (warnings): heights or measures are dropped; a height that is 0
  everywhere (KML writes ``lon,lat,0``) is dropped without a warning, as nothing is lost;
* ``antimeridian_split`` (warning): a polygon that crosses the 180° meridian — written with
  longitudes past ±180 (170 … 190) or with a ring that jumps from 179 to −179 — is cut there into a
  MultiPolygon whose parts lie on either side, so it is located where it is, not across the world;
* ``multi_to_single`` (warning): a MultiPoint or MultiPolygon with exactly one part where the layer
  takes Point or Polygon but not the multi type is kept as that single part; with more parts it is
  ``wrong_geometry_type`` (sites and tailings take MultiPolygon footprints as they are);
* ``wrong_geometry_type`` (error): any other type the layer does not take;
* ``coordinates_not_finite`` (error): NaN or infinite coordinates;
* ``polygon_repaired`` (warning) / ``invalid_polygon`` (error): an invalid polygon is repaired with
  ``shapely.make_valid``; it is kept when the repair gives one polygon, rejected otherwise (a
  bow-tie splits into two triangles, which one footprint cannot hold). An invalid MultiPolygon
  (overlapping parts) is kept when its repair is polygonal.

Where on Earth a geometry lies (ranges, swapped axes, countries) is :mod:`asmgeo.ingest.location`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from asmgeo.ingest.issues import Finding, finding

_TYPE_IDS = {"Point": 0, "LineString": 1, "LinearRing": 2, "Polygon": 3, "MultiPoint": 4, "MultiLineString": 5,
             "MultiPolygon": 6, "GeometryCollection": 7}
_TYPE_NAMES = {v: k for k, v in _TYPE_IDS.items()}
_SINGLE_OF_MULTI = {"MultiPoint": "Point", "MultiPolygon": "Polygon"}


@dataclass(frozen=True)
class CheckedGeometry:
    """Cleaned 2D geometries (None where an error was found), the rows that passed, and the findings."""

    geometry: np.ndarray
    usable: np.ndarray
    findings: tuple[Finding, ...]


def check_geometries(geometry: np.ndarray, allowed: tuple[str, ...], layer: str,
                     skip: np.ndarray | None = None) -> CheckedGeometry:
    """Check every geometry against the types ``allowed`` by ``layer``; rows in ``skip`` are already rejected."""
    unknown = [name for name in allowed if name not in _TYPE_IDS]
    if unknown:
        raise ValueError(f"allowed={allowed!r} holds unknown geometry types {unknown}")
    geoms = np.asarray(geometry, dtype=object).copy()
    n = len(geoms)
    skip = np.zeros(n, dtype=bool) if skip is None else np.asarray(skip, dtype=bool)
    found: list[Finding] = []
    missing = ~skip & (shapely.is_missing(geoms) | shapely.is_empty(geoms))
    found.append(finding("missing_geometry", missing))
    live = ~skip & ~missing
    geoms[~live] = None
    found += _drop_dimensions(geoms, live)
    found.append(_split_antimeridian(geoms, live))
    geoms, wrong, single = _fit_types(geoms, live, allowed, layer)
    found += [wrong, single]
    live &= ~np.isin(np.arange(n), wrong.rows)
    not_finite = _not_finite(geoms, live)
    found.append(finding("coordinates_not_finite", not_finite))
    live &= ~not_finite
    invalid, repaired = _repair(geoms, live)
    found += [invalid, repaired]
    live &= ~np.isin(np.arange(n), invalid.rows)
    geoms[~live] = None
    return CheckedGeometry(geoms, live, tuple(f for f in found if len(f.rows)))


def _drop_dimensions(geoms: np.ndarray, live: np.ndarray) -> list[Finding]:
    """Drop Z and M in place; warn where a Z value is not 0 or an M value is present."""
    has_z = live & shapely.has_z(geoms)
    has_m = live & shapely.has_m(geoms)
    z_rows = np.zeros(len(geoms), dtype=bool)
    if has_z.any():
        coords, index = shapely.get_coordinates(geoms[has_z], include_z=True, return_index=True)
        z = coords[:, 2]
        real = np.isfinite(z) & (z != 0)
        z_rows[np.flatnonzero(has_z)[np.unique(index[real])]] = True
    flat = has_z | has_m
    if flat.any():
        geoms[flat] = shapely.force_2d(geoms[flat])
    return [finding("z_dropped", z_rows), finding("m_dropped", has_m)]


def _fit_types(geoms: np.ndarray, live: np.ndarray, allowed: tuple[str, ...],
               layer: str) -> tuple[np.ndarray, Finding, Finding]:
    """Single-part multis become their part (warned); other types the layer does not take are errors."""
    type_ids = np.where(live, shapely.get_type_id(geoms), -1)
    allowed_ids = [_TYPE_IDS[name] for name in allowed]
    single = np.zeros(len(geoms), dtype=bool)
    for multi, part in _SINGLE_OF_MULTI.items():
        if part in allowed and multi not in allowed:
            rows = live & (type_ids == _TYPE_IDS[multi])
            rows[rows] = shapely.get_num_geometries(geoms[rows]) == 1
            if rows.any():
                geoms[rows] = shapely.get_geometry(geoms[rows], 0)
                single |= rows
    single_values = [{"geometry_type": _TYPE_NAMES[t], "single_type": _SINGLE_OF_MULTI[_TYPE_NAMES[t]]}
                     for t in type_ids[single]]
    type_ids = np.where(single, shapely.get_type_id(geoms), type_ids)
    wrong = live & ~np.isin(type_ids, allowed_ids)
    wrong_values = [{"geometry_type": _TYPE_NAMES.get(t, "?"), "layer": layer, "allowed": tuple(allowed)}
                    for t in type_ids[wrong]]
    return geoms, finding("wrong_geometry_type", wrong, wrong_values), finding("multi_to_single", single, single_values)


def _not_finite(geoms: np.ndarray, live: np.ndarray) -> np.ndarray:
    """Rows with a NaN or infinite coordinate."""
    rows = np.zeros(len(geoms), dtype=bool)
    if live.any():
        coords, index = shapely.get_coordinates(geoms[live], return_index=True)
        bad = ~np.isfinite(coords).all(axis=1)
        rows[np.flatnonzero(live)[np.unique(index[bad])]] = True
    return rows


def _repair(geoms: np.ndarray, live: np.ndarray) -> tuple[Finding, Finding]:
    """Repair invalid polygons in place: one polygon out (any polygonal result for a MultiPolygon) → warning,
    anything else → error."""
    type_ids = shapely.get_type_id(geoms)
    polygons = live & np.isin(type_ids, [_TYPE_IDS["Polygon"], _TYPE_IDS["MultiPolygon"]])
    invalid = np.zeros(len(geoms), dtype=bool)
    invalid[polygons] = ~shapely.is_valid(geoms[polygons])
    failed, fixed = np.zeros(len(geoms), dtype=bool), np.zeros(len(geoms), dtype=bool)
    failed_values, fixed_values = [], []
    for i in np.flatnonzero(invalid):
        reason = shapely.is_valid_reason(geoms[i])
        parts = [p for p in shapely.get_parts(shapely.make_valid(geoms[i])) if p.geom_type in ("Polygon", "MultiPolygon")]
        parts = [q for p in parts for q in shapely.get_parts(p) if not q.is_empty]
        multi = type_ids[i] == _TYPE_IDS["MultiPolygon"]
        if len(parts) == 1 or (multi and parts):
            geoms[i] = parts[0] if len(parts) == 1 else shapely.make_valid(shapely.multipolygons(parts))
            fixed[i] = True
            fixed_values.append({"reason": reason})
        else:
            failed[i] = True
            failed_values.append({"reason": reason, "parts": len(parts)})
    return finding("invalid_polygon", failed, failed_values), finding("polygon_repaired", fixed, fixed_values)


# --- the antimeridian ---------------------------------------------------------------------------------------

_WORLD = 360.0


def _split_antimeridian(geoms: np.ndarray, live: np.ndarray) -> Finding:
    """Cut in place the polygons that cross ±180° into MultiPolygons on either side; one warning per polygon cut."""
    type_ids = shapely.get_type_id(geoms)
    polygonal = live & np.isin(type_ids, [_TYPE_IDS["Polygon"], _TYPE_IDS["MultiPolygon"]])
    rows = np.zeros(len(geoms), dtype=bool)
    values = []
    if not polygonal.any():
        return finding("antimeridian_split", rows)
    bounds = np.full((len(geoms), 4), np.nan)
    bounds[polygonal] = shapely.bounds(geoms[polygonal])
    suspect = polygonal & ((bounds[:, 0] < -180) | (bounds[:, 2] > 180) | (bounds[:, 2] - bounds[:, 0] > 180))
    for i in np.flatnonzero(suspect):
        if not np.isfinite(bounds[i]).all():
            continue
        cut = split_at_antimeridian(geoms[i])
        if cut is not None:
            geoms[i] = cut
            rows[i] = True
            values.append({"parts": int(shapely.get_num_geometries(cut))})
    return finding("antimeridian_split", rows, values)


def split_at_antimeridian(geometry: shapely.Geometry) -> shapely.Geometry | None:
    """``geometry`` (Polygon or MultiPolygon) cut at ±180° into a MultiPolygon, or None when it does not cross.

    Each ring is first made continuous (a step of more than 180° in longitude is taken as a wrap
    around the world, not a trip across it); a part whose longitudes then run past ±180 is cut at
    that meridian and the piece beyond it moved back by 360°.
    """
    pieces: list[shapely.Geometry] = []
    crossed = False
    for part in shapely.get_parts(geometry):
        unwrapped = _unwrap(part)
        if unwrapped is None:
            return None
        minx, miny, maxx, maxy = unwrapped.bounds
        if maxx - minx >= _WORLD or (minx >= -180 and maxx <= 180) or minx >= 180 or maxx <= -180:
            if minx < -180 or maxx > 180:  # wholly past the meridian, or around the world: not ours to guess
                return None
            pieces.append(unwrapped)
            continue
        crossed = True
        edge = 180.0 if maxx > 180 else -180.0
        near = shapely.box(min(minx, edge), miny - 1, edge, maxy + 1) if edge > 0 else shapely.box(
            edge, miny - 1, max(maxx, edge), maxy + 1)
        far = shapely.box(edge, miny - 1, maxx + 1, maxy + 1) if edge > 0 else shapely.box(
            minx - 1, miny - 1, edge, maxy + 1)
        shift = -_WORLD if edge > 0 else _WORLD
        for piece, dx in ((shapely.intersection(unwrapped, near), 0.0), (shapely.intersection(unwrapped, far), shift)):
            for polygon in shapely.get_parts(piece):
                if polygon.geom_type == "Polygon" and not polygon.is_empty and polygon.area > 0:
                    pieces.append(shapely.transform(polygon, lambda xy, dx=dx: xy + np.array([dx, 0.0])))
    if not crossed or not pieces:
        return None
    return shapely.multipolygons(pieces)


def _unwrap(polygon: shapely.Geometry) -> shapely.Geometry | None:
    """The polygon with each ring continuous in longitude (holes moved next to the shell); None if not a polygon."""
    if polygon.geom_type != "Polygon":
        return None
    shell = _continuous(np.asarray(polygon.exterior.coords))
    centre = shell[:, 0].mean()
    holes = []
    for ring in polygon.interiors:
        coords = _continuous(np.asarray(ring.coords))
        coords[:, 0] += _WORLD * np.round((centre - coords[:, 0].mean()) / _WORLD)
        holes.append(coords)
    return shapely.Polygon(shell, holes)


def _continuous(coords: np.ndarray) -> np.ndarray:
    """Ring coordinates whose longitude never steps by more than 180° (a step past it wraps by 360°)."""
    coords = coords[:, :2].copy()
    steps = np.diff(coords[:, 0])
    wraps = -_WORLD * np.round(steps / _WORLD)
    coords[1:, 0] += np.cumsum(wraps)
    return coords
