"""Geometry for tables without one (CSV, attribute tables): from coordinate, WKT or GPS-point columns.

Sources, in the order they are tried for each row (a row that is empty in one source falls back to
the next one):

1. a longitude and a latitude column (``lon``/``long``/``longitude``/``x``/``lng``/``longitud`` …,
   ``lat``/``latitude``/``y``/``latitud`` …; decimal commas are accepted);
2. a WKT column (``wkt``, ``geometry``, ``geom`` …);
3. a GPS-point column as KoboToolbox/ODK write it: ``"lat lon alt accuracy"``, latitude first
   (``gps``, ``location``, ``geopoint`` …, or any column whose values all look like that);
4. split columns ``_<question>_latitude`` / ``_<question>_longitude`` (KoboToolbox) or
   ``<question>-Latitude`` / ``<question>-Longitude`` (ODK Central);
5. KoboToolbox's ``_geolocation`` column, ``"[lat, lon]"``.

Column names go through the aliases of :mod:`asmgeo.schema` and the group-prefix rule of
:mod:`asmgeo.ingest.fieldmap`. Coordinates are taken as longitude/latitude (EPSG:4326). A row whose
sources hold text that is not a coordinate gets that text in :attr:`TableGeometry.unreadable`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from asmgeo.ingest.fieldmap import name_candidates
from asmgeo.schema import (
    GEOLOCATION_ALIASES,
    GEOPOINT_ALIASES,
    LATITUDE_ALIASES,
    LONGITUDE_ALIASES,
    WKT_ALIASES,
    alias_key,
)

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_GEOPOINT_RE = rf"^\s*({_NUMBER})\s+({_NUMBER})(?:\s+{_NUMBER}){{0,2}}\s*$"
_GEOLOCATION_RE = rf"^\s*\[\s*({_NUMBER})\s*,\s*({_NUMBER})\s*\]\s*$"
_SPLIT_RE = re.compile(r"^_?(?P<question>.+?)[_-](?P<axis>latitude|longitude)$", re.IGNORECASE)
_DECIMAL_COMMA_RE = r"^\s*([-+]?\d+),(\d+)\s*$"
_EMPTY_GEOLOCATION = re.compile(r"^\s*\[\s*(?:null|none|nan)?\s*,?\s*(?:null|none|nan)?\s*\]\s*$", re.IGNORECASE)
_SNIFF_ROWS = 20
_ROLES = {
    **{alias_key(a): "lon" for a in LONGITUDE_ALIASES},
    **{alias_key(a): "lat" for a in LATITUDE_ALIASES},
    **{alias_key(a): "wkt" for a in WKT_ALIASES},
    **{alias_key(a): "geopoint" for a in GEOPOINT_ALIASES},
    **{alias_key(a): "geolocation" for a in GEOLOCATION_ALIASES},
}


@dataclass(frozen=True)
class CoordinateColumns:
    """Columns that can give a row its geometry, by kind, best first."""

    lon: tuple[str, ...] = ()
    lat: tuple[str, ...] = ()
    wkt: tuple[str, ...] = ()
    geopoint: tuple[str, ...] = ()
    split: tuple[tuple[str, str], ...] = ()  # (longitude column, latitude column)
    geolocation: tuple[str, ...] = ()

    @property
    def used(self) -> tuple[str, ...]:
        """Every column a geometry may be built from."""
        pairs = [c for pair in self.split for c in pair]
        return (*self.lon[:1], *self.lat[:1], *self.wkt[:1], *self.geopoint, *pairs, *self.geolocation[:1])

    def __bool__(self) -> bool:
        """True when at least one source is complete."""
        return bool((self.lon and self.lat) or self.wkt or self.geopoint or self.split or self.geolocation)


@dataclass(frozen=True)
class TableGeometry:
    """One geometry per row (None where no source gives one), and the unreadable text of failing rows."""

    geometry: np.ndarray
    unreadable: dict[int, str]
    columns: tuple[str, ...]


def role(column: str) -> str | None:
    """``lon``, ``lat``, ``wkt``, ``geopoint`` or ``geolocation`` when the name says so, else None."""
    for candidate in name_candidates(column):
        found = _ROLES.get(alias_key(candidate))
        if found:
            return found
    return None


def find_coordinate_columns(frame: pd.DataFrame) -> CoordinateColumns:
    """The columns of ``frame`` that hold coordinates, by kind."""
    found: dict[str, list[str]] = {"lon": [], "lat": [], "wkt": [], "geopoint": [], "geolocation": []}
    split: dict[str, dict[str, str]] = {}
    for column in frame.columns:
        kind = role(column)
        if kind:
            found[kind].append(column)
            continue
        for candidate in name_candidates(column):
            match = _SPLIT_RE.match(candidate)
            if match:
                split.setdefault(match["question"].lower(), {})[match["axis"].lower()] = column
                break
    pairs = tuple((axes["longitude"], axes["latitude"]) for axes in split.values() if len(axes) == 2)
    columns = CoordinateColumns(tuple(found["lon"]), tuple(found["lat"]), tuple(found["wkt"]),
                                tuple(found["geopoint"]), pairs, tuple(found["geolocation"]))
    if columns:
        return columns
    sniffed = tuple(c for c in frame.columns if _looks_like_geopoints(frame[c]))
    return CoordinateColumns(geopoint=sniffed)


def table_geometry(frame: pd.DataFrame, columns: CoordinateColumns | None = None) -> TableGeometry | None:
    """Geometry for each row of ``frame`` from its coordinate columns; None when it has none."""
    columns = columns if columns is not None else find_coordinate_columns(frame)
    if not columns:
        return None
    n = len(frame)
    sources: list[Callable[[], tuple[np.ndarray, np.ndarray, np.ndarray]]] = []
    if columns.lon and columns.lat:
        sources.append(lambda: _from_lonlat(frame[columns.lon[0]], frame[columns.lat[0]]))
    if columns.wkt:
        sources.append(lambda: _from_wkt(frame[columns.wkt[0]]))
    sources += [lambda c=c: _from_pattern(frame[c], _GEOPOINT_RE) for c in columns.geopoint]
    sources += [lambda pair=pair: _from_lonlat(frame[pair[0]], frame[pair[1]]) for pair in columns.split]
    if columns.geolocation:
        sources.append(lambda: _from_pattern(frame[columns.geolocation[0]], _GEOLOCATION_RE))
    geometry = np.full(n, None, dtype=object)
    filled = np.zeros(n, dtype=bool)
    bad_text = np.full(n, None, dtype=object)
    for source in sources:
        geoms, present, bad = source()
        take = ~filled & present & ~bad
        geometry[take] = geoms[take]
        filled |= take
        first_bad = ~filled & bad & pd.isna(bad_text)
        bad_text[first_bad] = geoms[first_bad]  # for bad rows, the source returns the text it could not read
    unreadable = {int(i): str(bad_text[i]) for i in np.flatnonzero(~filled & ~pd.isna(bad_text))}
    return TableGeometry(geometry, unreadable, columns.used)


def text_cells(series: pd.Series) -> pd.Series:
    """The cells as stripped text, NA where empty."""
    text = series.astype("str").str.strip() if not pd.api.types.is_string_dtype(series) else series.str.strip()
    return text.mask(series.isna() | (text == ""))


def numbers(text: pd.Series) -> pd.Series:
    """Floats from text cells (a decimal comma is accepted); NaN where the text is not a number."""
    if pd.api.types.is_numeric_dtype(text) and not pd.api.types.is_bool_dtype(text):
        return pd.to_numeric(text, errors="coerce").astype(float)
    cells = text_cells(text)
    cells = cells.str.replace(_DECIMAL_COMMA_RE, r"\1.\2", regex=True)
    return pd.to_numeric(cells, errors="coerce").astype(float)


def _from_lonlat(lon_cells: pd.Series, lat_cells: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(points or bad text, present, bad) from a longitude and a latitude column."""
    lon_text, lat_text = text_cells(lon_cells), text_cells(lat_cells)
    lon, lat = numbers(lon_cells).to_numpy(), numbers(lat_cells).to_numpy()
    present = (lon_text.notna() | lat_text.notna()).to_numpy()
    bad = present & (np.isnan(lon) | np.isnan(lat))
    out = np.full(len(lon), None, dtype=object)
    good = present & ~bad
    out[good] = shapely.points(lon[good], lat[good])
    out[bad] = [f"{a if isinstance(a, str) else ''}, {b if isinstance(b, str) else ''}"
                for a, b in zip(lon_text[bad], lat_text[bad])]
    return out, present, bad


def _from_wkt(cells: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(geometries or bad text, present, bad) from a WKT column."""
    text = text_cells(cells)
    present = text.notna().to_numpy()
    out = np.full(len(text), None, dtype=object)
    out[present] = shapely.from_wkt(text[present].to_numpy(dtype=object), on_invalid="ignore")
    bad = present & pd.isna(out)
    out[bad] = text[bad].to_numpy(dtype=object)
    return out, present, bad


def _from_pattern(cells: pd.Series, pattern: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(points or bad text, present, bad) from text holding latitude then longitude."""
    text = text_cells(cells)
    if pattern == _GEOLOCATION_RE:
        text = text.mask(text.str.match(_EMPTY_GEOLOCATION).fillna(False).astype(bool))
    present = text.notna().to_numpy()
    parts = text.str.extract(pattern)
    lat = pd.to_numeric(parts[0], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(parts[1], errors="coerce").to_numpy(dtype=float)
    bad = present & (np.isnan(lat) | np.isnan(lon))
    good = present & ~bad
    out = np.full(len(text), None, dtype=object)
    out[good] = shapely.points(lon[good], lat[good])
    out[bad] = text[bad].to_numpy(dtype=object)
    return out, present, bad


def _looks_like_geopoints(cells: pd.Series) -> bool:
    """True when the first non-empty cells all read as ``"lat lon [alt [accuracy]]"``."""
    if pd.api.types.is_numeric_dtype(cells):
        return False
    sample = text_cells(cells).dropna().head(_SNIFF_ROWS)
    return bool(len(sample)) and bool(sample.str.match(_GEOPOINT_RE).all())
