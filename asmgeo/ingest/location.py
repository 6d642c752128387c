"""Where each feature lies: coordinate ranges, swapped axes, and the country it is in.

:func:`place` takes clean lon/lat geometries (:mod:`asmgeo.ingest.geomcheck`), the ISO3 code each feature
names (None where it names none) and the country polygons, and returns the ISO3 code of each
feature plus findings. One point represents each feature: the point itself, or a point on the
surface of a polygon. Points are put in a ``shapely.STRtree``; each country whose box holds some of
them is prepared once and tests those with ``shapely.intersects_xy``, so 100,000 points take one
vectorised pass over the countries near them.

* ``coordinates_out_of_range`` / ``projected_coordinates`` (errors): outside −180…180 / −90…90;
  values past ±1000 look like metres of a projected CRS that the file does not name;
* ``swapped_coordinates`` (error): the point is outside the country it names but lands inside it
  with longitude and latitude swapped; or it names no country, lies in none, and lands when swapped
  in a country where other features of the file lie (in any country if none of them is placed), so
  a site just off the coast is not mistaken for one on another continent;
* ``near_border`` (warning): outside the named country, or in no country, but within
  :data:`BORDER_TOLERANCE_DEG` of it: kept (generalized coasts and borders are off by up to ~1 km);
* ``wrong_country`` (error): inside another country than the one it names;
* ``outside_countries`` (error): in the sea or outside every country.

A feature that names no country gets the one it lies in (or the nearest one within the tolerance).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod

from asmgeo.i18n import DEFAULT_LANGUAGE, number
from asmgeo.ingest.issues import Finding, finding
from asmgeo.shipped import boundaries

BORDER_TOLERANCE_DEG = 0.02  # about 2 km at the equator
PROJECTED_THRESHOLD = 1000.0
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class Placement:
    """ISO3 code of the country each feature lies in (None where it could not be placed) and findings."""

    country: np.ndarray
    placed: np.ndarray
    findings: tuple[Finding, ...]


def check_countries(countries: gpd.GeoDataFrame) -> None:
    """Raise when ``countries`` is not a GeoDataFrame in lon/lat with ``iso3`` and ``name`` columns."""
    if not isinstance(countries, gpd.GeoDataFrame):
        raise TypeError(f"countries must be a GeoDataFrame, not {type(countries).__name__}")
    missing = [c for c in ("iso3", "name") if c not in countries.columns]
    if missing:
        raise ValueError(f"countries lacks the columns {missing}; it has {list(countries.columns)}")
    if countries.crs is None or not countries.crs.is_geographic:
        raise ValueError(f"countries must be in EPSG:4326, not {countries.crs}")


def place(geometry: np.ndarray, usable: np.ndarray, named: np.ndarray, countries: gpd.GeoDataFrame,
          lang: str = DEFAULT_LANGUAGE) -> Placement:
    """Range, swap and country checks for the ``usable`` rows of ``geometry``; ``named``: ISO3 or None per row.

    Country names and distances in the findings' message values are written for ``lang``.
    """
    check_countries(countries)
    n = len(geometry)
    if not (len(usable) == len(named) == n):
        raise ValueError(f"geometry, usable and named must have one entry per feature ({n}, {len(usable)}, {len(named)})")
    polygons = np.asarray(countries.geometry.values, dtype=object)
    iso3 = countries["iso3"].astype(str).to_numpy()
    names = _names(countries, lang)
    row_of = {code: i for i, code in enumerate(iso3)}
    named_row = np.array([row_of.get(code, -1) if isinstance(code, str) else -1 for code in named], dtype=np.int64)
    usable = np.asarray(usable, dtype=bool)
    x, y = np.full(n, np.nan), np.full(n, np.nan)
    bounds = np.full((n, 4), np.nan)
    if usable.any():
        anchor = np.asarray(geometry, dtype=object)[usable]
        is_point = shapely.get_type_id(anchor) == 0
        anchor = np.where(is_point, anchor, shapely.point_on_surface(anchor))
        x[usable], y[usable] = shapely.get_x(anchor), shapely.get_y(anchor)
        bounds[usable] = shapely.bounds(np.asarray(geometry, dtype=object)[usable])
    in_range = usable & (bounds[:, 0] >= -180) & (bounds[:, 2] <= 180) & (bounds[:, 1] >= -90) & (bounds[:, 3] <= 90)
    out_of_range = usable & ~in_range
    hits = _contains(polygons, x, y, in_range)
    inside = _first_hit(hits, named_row, n)
    has_name = named_row >= 0
    m = len(polygons)
    ok_named = has_name & np.isin(np.arange(n) * m + np.maximum(named_row, 0), hits[0] * m + hits[1])
    country = np.full(n, None, dtype=object)
    placed = np.zeros(n, dtype=bool)
    good = in_range & ((has_name & ok_named) | (~has_name & (inside >= 0)))
    country[good] = np.where(has_name[good], iso3[np.maximum(named_row[good], 0)], iso3[np.maximum(inside[good], 0)])
    placed |= good
    found: list[Finding] = []

    # Near a border or coast: kept, within the tolerance of the named (or nearest) country.
    doubtful = in_range & ~good
    near_rows, near_country, near_km = _near(polygons, x, y, doubtful, named_row)
    country[near_rows] = iso3[near_country]
    placed[near_rows] = True
    found.append(Finding("near_border", near_rows, [
        {"country": names[c], "distance_km": number(km, lang, 1)} for c, km in zip(near_country, near_km)]))
    doubtful[near_rows] = False

    # Swapped axes: out of place (or out of range) as given, in place when swapped.
    candidates = doubtful | out_of_range
    file_countries = np.unique(inside[good & (inside >= 0)])
    swapped_rows, swapped_country = _swapped(polygons, x, y, candidates, named_row, file_countries)
    found.append(Finding("swapped_coordinates", swapped_rows, [
        {"x": _deg(x[i]), "y": _deg(y[i]), "country": names[c]} for i, c in zip(swapped_rows, swapped_country)]))
    rest = np.zeros(n, dtype=bool)
    rest[candidates] = True
    rest[swapped_rows] = False

    wrong = rest & in_range & has_name & (inside >= 0)
    found.append(finding("wrong_country", wrong, [
        {"x": _deg(x[i]), "y": _deg(y[i]), "actual": names[inside[i]], "named": names[named_row[i]]}
        for i in np.flatnonzero(wrong)]))
    outside = rest & in_range & ~wrong
    found.append(finding("outside_countries", outside, [{"x": _deg(x[i]), "y": _deg(y[i])} for i in np.flatnonzero(outside)]))
    far = rest & out_of_range
    b = bounds[far]
    projected = np.zeros(n, dtype=bool)
    projected[far] = np.nanmax(np.abs(b), axis=1) > PROJECTED_THRESHOLD if len(b) else False
    found.append(finding("projected_coordinates", projected, [{"x": _num(x[i]), "y": _num(y[i])}
                                                             for i in np.flatnonzero(projected)]))
    ranged = far & ~projected
    found.append(finding("coordinates_out_of_range", ranged, [{"x": _num(x[i]), "y": _num(y[i])}
                                                             for i in np.flatnonzero(ranged)]))
    return Placement(country, placed, tuple(f for f in found if len(f.rows)))


def _contains(polygons: np.ndarray, x: np.ndarray, y: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(2, k) array of (row, country) pairs where the point of a selected row lies in (or on) the country.

    The tree gives the countries whose box holds a point; only those are prepared (``shapely.prepare``
    caches the prepared polygon on the geometry, so a countries frame reused across uploads is
    prepared once) and tested with ``intersects_xy``.
    """
    selected = np.flatnonzero(rows)
    if not len(selected):
        return np.zeros((2, 0), dtype=np.int64)
    tree = shapely.STRtree(shapely.points(x[selected], y[selected]))
    country, point = tree.query(polygons)
    order = np.argsort(country, kind="stable")
    country, point = country[order], point[order]
    starts = np.flatnonzero(np.r_[True, country[1:] != country[:-1]]) if len(country) else np.zeros(0, dtype=np.int64)
    found_rows, found_countries = [], []
    for start, stop in zip(starts, [*starts[1:], len(country)]):
        polygon = polygons[country[start]]
        shapely.prepare(polygon)
        candidates = selected[point[start:stop]]
        hit = candidates[shapely.intersects_xy(polygon, x[candidates], y[candidates])]
        found_rows.append(hit)
        found_countries.append(np.full(len(hit), country[start], dtype=np.int64))
    if not found_rows:
        return np.zeros((2, 0), dtype=np.int64)
    return np.vstack([np.concatenate(found_rows), np.concatenate(found_countries)])


def _first_hit(hits: np.ndarray, named_row: np.ndarray, n: int) -> np.ndarray:
    """Per row, the country it lies in (the named one when it lies on a shared border), or -1."""
    inside = np.full(n, -1, dtype=np.int64)
    rows, countries = hits
    inside[rows[::-1]] = countries[::-1]  # the first hit of each row wins
    on_named = countries == named_row[rows]
    inside[rows[on_named]] = countries[on_named]
    return inside


def _near(polygons: np.ndarray, x: np.ndarray, y: np.ndarray, rows: np.ndarray,
          named_row: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows within the tolerance of their named country (or of any country when unnamed): rows, country, km."""
    selected = np.flatnonzero(rows)
    if not len(selected):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    points = shapely.points(x[selected], y[selected])
    target = named_row[selected]
    result_rows, result_country, result_km = [], [], []
    tree = shapely.STRtree(polygons)
    for row, point, named in zip(selected, points, target):
        if named >= 0:
            candidates = [named]
        else:
            found = tree.query_nearest(point, max_distance=BORDER_TOLERANCE_DEG)
            candidates = list(found[:1])
        for country in candidates:
            if shapely.distance(point, polygons[country]) <= BORDER_TOLERANCE_DEG:
                result_rows.append(row)
                result_country.append(country)
                result_km.append(_km(shapely.shortest_line(point, polygons[country])))
    return np.array(result_rows, dtype=np.int64), np.array(result_country, dtype=np.int64), np.array(result_km)


def _swapped(polygons: np.ndarray, x: np.ndarray, y: np.ndarray, rows: np.ndarray, named_row: np.ndarray,
             file_countries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose swapped point (y, x) lies in the named country, or, unnamed, in a country of the file's other
    features (in any country when none of them could be placed)."""
    possible = rows & (np.abs(y) <= 180) & (np.abs(x) <= 90)
    hits = _contains(polygons, y, x, possible)  # x and y exchanged
    plausible = set(file_countries.tolist())
    result: dict[int, int] = {}
    for row, country in zip(*hits):
        named = named_row[row]
        fits = named == country if named >= 0 else (not plausible or int(country) in plausible)
        if fits and row not in result:
            result[int(row)] = int(country)
    ordered = sorted(result)
    return np.array(ordered, dtype=np.int64), np.array([result[r] for r in ordered], dtype=np.int64)


def _km(line: shapely.LineString) -> float:
    """Geodesic length of a two-point lon/lat line, in km."""
    (x1, y1), (x2, y2) = shapely.get_coordinates(line)[:2]
    return abs(_GEOD.inv(x1, y1, x2, y2)[2]) / 1000


def _names(countries: gpd.GeoDataFrame, lang: str) -> np.ndarray:
    """Each country row's name in ``lang``: the ``name`` column in English, else Natural Earth's own."""
    names = countries["name"].astype(str).to_numpy()
    if lang == DEFAULT_LANGUAGE:
        return names
    local = boundaries.country_names(lang)
    return np.array([local.get(code) or name for code, name in zip(countries["iso3"].astype(str), names)], dtype=object)


def _deg(value: float) -> str:
    """A longitude or latitude for a message."""
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _num(value: float) -> str:
    """Any coordinate for a message (metres stay readable)."""
    return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.0f}"
