"""Filters and area questions on plain site, mercury and tailings GeoDataFrames (EPSG:4326).

Sites are stored as dated visits; :func:`latest_sites` turns them into one row per site, which
:func:`filter_sites` and :func:`area_summary` work on. Mercury and tailings records follow the
site filter through :func:`filter_records` (``site_ids``).
"""

from __future__ import annotations

import datetime
import numbers
import re
import warnings
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from asmgeo.domain.practices import CLASSES, UNKNOWN, classify_series
from asmgeo.extent import WORLD_BOUNDS, Bounds
from asmgeo.schema import (
    COMMODITIES,
    DATE_PRECISIONS,
    LEGAL_STATUSES,
    SURVEY_DATE_PRECISION,
    TAILINGS_STATUSES,
    YES_NO_UNKNOWN,
)
from asmgeo.shipped.reference import REGIONS

LONLAT = "EPSG:4326"
SCOPES = ("world", "region", "country")  # what a map is framed on: the world, an MPF region, a country
_ISO3 = re.compile(r"[A-Z]{3}")
_NO_TIME = np.iinfo(np.int64).min  # NaT as int64
_TIME_UNIT = "us"  # survey times are compared as int64 microseconds since 1970
_PRECISION_RANK = {name: rank for rank, name in enumerate(DATE_PRECISIONS)}  # year < month < day
DateRange = tuple[datetime.date | None, datetime.date | None]


@dataclass(frozen=True)
class SiteFilter:
    """What the user restricts sites to; an empty tuple or a None bound means no restriction."""

    commodities: tuple[str, ...] = ()
    legal_statuses: tuple[str, ...] = ()
    practice_classes: tuple[str, ...] = ()
    mercury_use: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # ISO3
    workers: tuple[int | None, int | None] = (None, None)  # inclusive min, max
    dates: DateRange = (None, None)  # inclusive range of the latest visit's survey date

    def __post_init__(self) -> None:
        """Check every field against the schema choices; lists are stored as tuples."""
        for name, choices in (
            ("commodities", COMMODITIES),
            ("legal_statuses", LEGAL_STATUSES),
            ("practice_classes", CLASSES),
            ("mercury_use", YES_NO_UNKNOWN),
        ):
            object.__setattr__(self, name, _choice_tuple(name, getattr(self, name), choices))
        countries = _choice_tuple("countries", self.countries, None)
        for code in countries:
            if not isinstance(code, str) or not _ISO3.fullmatch(code):
                raise ValueError(f"countries holds {code!r}, which is not an ISO3 code (three capital letters)")
        object.__setattr__(self, "countries", countries)
        object.__setattr__(self, "workers", _worker_range(self.workers))
        object.__setattr__(self, "dates", check_dates(self.dates, "dates"))

    @property
    def is_empty(self) -> bool:
        """True when the filter restricts nothing."""
        return self.dates == (None, None) and not self.restricts_sites

    @property
    def restricts_sites(self) -> bool:
        """True when anything but the date range is restricted (then pass ``site_ids`` to filter_records)."""
        return bool(
            self.commodities or self.legal_statuses or self.practice_classes or self.mercury_use or self.countries
        ) or self.workers != (None, None)


def _choice_tuple(name: str, values: Iterable[str], choices: tuple[str, ...] | None) -> tuple[str, ...]:
    """``values`` as a tuple, each one of ``choices`` (when given); a bare string is refused."""
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValueError(f"{name}={values!r} must be a tuple of values, e.g. ({values!r},)")
    values = tuple(values)
    if choices is not None:
        for value in values:
            if value not in choices:
                raise ValueError(f"{name} holds {value!r}; expected values from {choices}")
    return values


def _worker_range(bounds: tuple[int | None, int | None]) -> tuple[int | None, int | None]:
    """An inclusive (min, max) worker range of non-negative integers or None, min ≤ max."""
    if isinstance(bounds, str) or not isinstance(bounds, Iterable) or len(bounds := tuple(bounds)) != 2:
        raise ValueError(f"workers={bounds!r} must be a (min, max) pair of integers or None")
    low, high = bounds
    for value in (low, high):
        if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0):
            raise ValueError(f"workers={bounds!r}: {value!r} is not an integer ≥ 0 or None")
    low, high = (None if v is None else int(v) for v in (low, high))
    if low is not None and high is not None and low > high:
        raise ValueError(f"workers={bounds!r}: the minimum {low} is above the maximum {high}")
    return low, high


def check_dates(dates: DateRange, name: str = "dates") -> DateRange:
    """An inclusive (first, last) date range of ``datetime.date`` or None, first ≤ last."""
    if isinstance(dates, str) or not isinstance(dates, Iterable) or len(dates := tuple(dates)) != 2:
        raise ValueError(f"{name}={dates!r} must be a (first, last) pair of dates or None")
    checked = []
    for value in dates:
        if value is pd.NaT:
            value = None
        elif isinstance(value, datetime.datetime):
            value = value.date()
        if value is not None and not isinstance(value, datetime.date):
            raise ValueError(f"{name}={dates!r}: {value!r} is not a datetime.date or None")
        checked.append(value)
    first, last = checked
    if first is not None and last is not None and first > last:
        raise ValueError(f"{name}={dates!r}: the first date {first} is after the last date {last}")
    return first, last


def to_lonlat(frame: gpd.GeoDataFrame, name: str = "frame") -> gpd.GeoDataFrame:
    """``frame`` in EPSG:4326; warns when it had to be reprojected (or had no CRS, assumed lon/lat)."""
    if not isinstance(frame, gpd.GeoDataFrame):
        raise ValueError(f"{name} must be a GeoDataFrame, not {type(frame).__name__}")
    if frame.crs is None:
        warnings.warn(f"{name} has no CRS; it is taken as {LONLAT} (lon/lat).", UserWarning, stacklevel=3)
        return frame
    if frame.crs.equals(LONLAT, ignore_axis_order=True):
        return frame
    warnings.warn(f"{name} is in {frame.crs.to_string()}, not {LONLAT}; it is reprojected.", UserWarning, stacklevel=3)
    return frame.to_crs(LONLAT)


def _require(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """ValueError naming the columns of ``columns`` that ``frame`` lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks the column(s) {', '.join(missing)}")


def _time_key(values: pd.Series) -> np.ndarray:
    """Dates (datetimes, dates or ISO 8601 text) as int64 microseconds since 1970; missing or unreadable = _NO_TIME."""
    if not pd.api.types.is_datetime64_any_dtype(values.dtype):
        values = pd.to_datetime(values, errors="coerce", format="ISO8601")
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert(None)
    return values.to_numpy(dtype=f"datetime64[{_TIME_UNIT}]").view("int64")


def _id_codes(ids: pd.Series) -> tuple[np.ndarray, int]:
    """Integer code per row (-1 where the id is missing or blank text) and the number of codes."""
    codes, uniques = pd.factorize(ids, sort=False, use_na_sentinel=True)
    if len(uniques) and (uniques.dtype == object or pd.api.types.is_string_dtype(uniques.dtype)):
        text = pd.Series(uniques) if pd.api.types.is_string_dtype(uniques.dtype) else pd.Series(uniques).astype("str")
        blank = np.flatnonzero(text.str.strip().eq("").to_numpy(dtype=bool, na_value=False))
        if len(blank):
            codes = np.where(np.isin(codes, blank), -1, codes)
    return codes, len(uniques)


def _latest_positions(codes: np.ndarray, n_codes: int, times: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per id, in the row order of its latest row: position of that latest row (ties: the last row),
    of its earliest dated row (ties: the first), and its number of rows. Rows with code -1 are left out."""
    big = np.iinfo(np.int64).max
    rows = np.arange(len(codes), dtype=np.int64)
    if (codes < 0).any():
        rows = rows[codes >= 0]
        group, time = codes[rows], times[rows]
    else:
        group, time = codes, times
    latest_time = np.full(n_codes, _NO_TIME, dtype=np.int64)
    np.maximum.at(latest_time, group, time)
    at_latest = time == latest_time[group]
    last = np.full(n_codes, -1, dtype=np.int64)
    np.maximum.at(last, group[at_latest], rows[at_latest])
    dated = time != _NO_TIME
    first_time = np.full(n_codes, big, dtype=np.int64)
    np.minimum.at(first_time, group[dated], time[dated])
    at_first = dated & (time == first_time[group])
    first = np.full(n_codes, big, dtype=np.int64)
    np.minimum.at(first, group[at_first], rows[at_first])
    first = np.where(first == big, last, first)  # no dated row: the latest (undated) one
    counts = np.bincount(group, minlength=n_codes)
    is_last = np.zeros(len(codes), dtype=bool)
    is_last[last[last >= 0]] = True
    positions = np.flatnonzero(is_last)  # latest rows in row order, without a sort
    return positions, first[codes[positions]], counts[codes[positions]]


def latest_sites(visits: gpd.GeoDataFrame, rules: Mapping[str, str]) -> gpd.GeoDataFrame:
    """One row per site_id, its latest visit, with ``practice_class``, ``visits`` and ``first_survey`` added.

    Visits are ordered by survey_date (a missing date counts as the earliest; ties: the last row wins);
    ``first_survey`` is the earliest dated visit's survey_date. Rows without site_id are left out. Rows
    come in the order of each site's latest visit in ``visits`` (site_id order when visits are sorted by
    site_id, as the store and the demo keep them); the index is 0..n-1.
    """
    _require(visits, ("site_id", "survey_date"), "visits")
    last, first, counts = _latest_positions(*_id_codes(visits["site_id"]), _time_key(visits["survey_date"]))
    latest = visits.iloc[last].reset_index(drop=True)
    latest["first_survey"] = visits["survey_date"].iloc[first].array
    latest["visits"] = counts.astype("int64")
    if "practices" in latest.columns:
        latest["practice_class"] = classify_series(latest["practices"], rules)
    else:
        latest["practice_class"] = pd.Series(UNKNOWN, index=latest.index, dtype="str")
    return latest


def latest_records(frame: gpd.GeoDataFrame, id_column: str) -> gpd.GeoDataFrame:
    """The latest row (by survey_date; ties: last row) per value of ``id_column``; rows without an id all kept.

    Rows keep their index and their order in ``frame``.
    """
    _require(frame, (id_column, "survey_date"), "frame")
    codes, n_codes = _id_codes(frame[id_column])
    last, _, _ = _latest_positions(codes, n_codes, _time_key(frame["survey_date"]))
    keep = codes < 0
    keep[last] = True
    return frame[keep]


def _date_mask(values: pd.Series, dates: DateRange, precision: pd.Series | None = None) -> np.ndarray:
    """True where ``values`` lies in the inclusive date range; a missing date fails any set bound.

    A date kept at year or month precision (``precision``: the ``survey_date_precision`` column;
    None or a missing value means a day) stands for its whole period, so it passes when the period
    overlaps the range: "2019" is in a range from 2019-06-01 on.
    """
    first, last = dates
    mask = np.ones(len(values), dtype=bool)
    if first is None and last is None:
        return mask
    key = _time_key(values)
    dated = key != _NO_TIME
    end = _period_end_key(key, precision)
    if first is not None:
        mask &= dated & (end >= np.datetime64(first, _TIME_UNIT).astype("int64"))
    if last is not None:
        # inclusive of the whole last day, whatever the time of day in the data
        mask &= dated & (key < np.datetime64(last + datetime.timedelta(days=1), _TIME_UNIT).astype("int64"))
    return mask


def _period_end_key(key: np.ndarray, precision: pd.Series | None) -> np.ndarray:
    """The last instant of each date's period (the date itself for a day) as int64 microseconds."""
    if precision is None:
        return key
    text = pd.Series(precision).astype("str").to_numpy()
    end = key.copy()
    stamps = key.astype(f"datetime64[{_TIME_UNIT}]")
    for name, unit in (("year", "Y"), ("month", "M")):
        rows = (text == name) & (key != _NO_TIME)
        if rows.any():
            following = (stamps[rows].astype(f"datetime64[{unit}]") + 1).astype(f"datetime64[{_TIME_UNIT}]")
            end[rows] = following.astype("int64") - 1
    return end


def latest_survey_date(*frames: pd.DataFrame) -> tuple[datetime.date, str] | None:
    """The latest survey date of the rows of ``frames`` and the precision it was written with (None: no date).

    Dates compare by the day their period starts; where rows written at several precisions share the
    latest day, the finest wins (a visit on 2024-01-01 is more than "2024"). A row without a precision
    (``survey_date_precision`` missing or absent) was written to the day.
    """
    found: list[tuple[int, int]] = []  # (time key, rank of the precision)
    for frame in frames:
        if frame.empty or "survey_date" not in frame.columns:
            continue
        key = _time_key(frame["survey_date"])
        day = np.where(key == _NO_TIME, _NO_TIME, key - key % (86_400 * 1_000_000))
        if not (day != _NO_TIME).any():
            continue
        latest = int(day.max())
        precision = frame.get(SURVEY_DATE_PRECISION)
        written = precision[day == latest].tolist() if precision is not None else [None]
        found.append((latest, max(_PRECISION_RANK.get(value, _PRECISION_RANK["day"]) if isinstance(value, str)
                                  else _PRECISION_RANK["day"] for value in written)))
    if not found:
        return None
    latest, rank = max(found)
    day = (np.datetime64(latest, _TIME_UNIT).astype("datetime64[D]")).astype(datetime.date)
    return day, DATE_PRECISIONS[rank]


def filter_sites(latest: gpd.GeoDataFrame, flt: SiteFilter) -> gpd.GeoDataFrame:
    """Rows of ``latest`` (from :func:`latest_sites`) that pass ``flt``; same columns, possibly empty.

    A missing legal_status or mercury_use counts as ``unknown``; a missing workers count or date
    fails any bound set on it.
    """
    if not isinstance(flt, SiteFilter):
        raise ValueError(f"flt must be a SiteFilter, not {type(flt).__name__}")
    if flt.is_empty:
        return latest.copy(deep=False)
    mask = np.ones(len(latest), dtype=bool)
    for field, column, missing in (
        ("commodities", "commodity", None),
        ("legal_statuses", "legal_status", "unknown"),
        ("practice_classes", "practice_class", None),
        ("mercury_use", "mercury_use", "unknown"),
        ("countries", "country", None),
    ):
        wanted = getattr(flt, field)
        if wanted:
            _require(latest, (column,), f"latest (needed by {field})")
            matches = latest[column].isin(wanted)
            if missing in wanted:
                matches |= latest[column].isna()
            mask &= matches.to_numpy(dtype=bool)
    if flt.workers != (None, None):
        _require(latest, ("workers",), "latest (needed by workers)")
        workers = pd.to_numeric(latest["workers"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        low, high = flt.workers
        mask &= ~np.isnan(workers)
        if low is not None:
            mask &= workers >= low
        if high is not None:
            mask &= workers <= high
    if flt.dates != (None, None):
        mask &= _date_mask(latest["survey_date"], flt.dates, latest.get(SURVEY_DATE_PRECISION))
    return latest[mask]


def filter_records(
    frame: gpd.GeoDataFrame,
    dates: DateRange,
    countries: Collection[str] | None = None,
    site_ids: Collection[str] | None = None,
) -> gpd.GeoDataFrame:
    """Mercury or tailings records in the survey-date range, of the given countries and sites.

    ``site_ids=None`` means no site filter is active: every record is kept, with or without a site_id.
    With ``site_ids`` given, only records of those sites are kept and records without a site_id are
    dropped (nothing ties them to the filtered sites). ``countries`` is matched against the frame's
    ``country`` column (ValueError when there is none: mercury and tailings follow countries through
    ``site_ids``).
    """
    dates = check_dates(dates, "dates")
    mask = (_date_mask(frame["survey_date"], dates, frame.get(SURVEY_DATE_PRECISION)) if dates != (None, None)
            else np.ones(len(frame), dtype=bool))
    if countries is not None:
        if isinstance(countries, str):
            raise ValueError(f"countries={countries!r} must be a collection of ISO3 codes, e.g. ({countries!r},)")
        _require(frame, ("country",), "frame (needed by countries)")
        mask &= frame["country"].isin(list(countries)).to_numpy()
    if site_ids is not None:
        if isinstance(site_ids, str):
            raise ValueError(f"site_ids={site_ids!r} must be a collection of site ids, e.g. ({site_ids!r},)")
        if "site_id" in frame.columns:
            wanted = pd.Series(list(site_ids), dtype=object)
            mask &= frame["site_id"].isin(wanted[_id_codes(wanted)[0] >= 0]).to_numpy()
        else:
            mask &= False
    return frame[mask]


def _polygonal_area(area: shapely.Geometry) -> shapely.Geometry:
    """``area`` as a valid, non-empty (Multi)Polygon; ValueError otherwise."""
    if not isinstance(area, (shapely.Polygon, shapely.MultiPolygon)):
        raise ValueError(f"area={area!r} must be a shapely Polygon or MultiPolygon")
    if area.is_empty:
        raise ValueError("area=<empty polygon> encloses nothing")
    if not area.is_valid:  # e.g. a hand-drawn polygon whose edges cross: keep its polygonal parts
        parts = [p for p in shapely.get_parts(shapely.make_valid(area)) if isinstance(p, shapely.Polygon)]
        area = shapely.MultiPolygon(parts) if parts else shapely.Polygon()
        if area.is_empty or area.area == 0:
            raise ValueError("area encloses nothing once its crossing edges are resolved")
    return area


def features_in_area(frame: gpd.GeoDataFrame, area: shapely.Geometry) -> gpd.GeoDataFrame:
    """Rows of ``frame`` whose geometry intersects ``area`` (lon/lat); no overlap gives an empty frame."""
    area = _polygonal_area(area)
    frame = to_lonlat(frame)
    shapely.prepare(area)
    return frame[shapely.intersects(area, frame.geometry.to_numpy())]


def _counts(values: pd.Series, order: tuple[str, ...]) -> dict[str, int]:
    """Value → count for the values present (missing = ``unknown``), in ``order`` then alphabetically."""
    values = values.astype(object)
    counts = values.where(values.notna(), UNKNOWN).astype("str").value_counts()
    known = [v for v in order if v in counts.index]
    rest = sorted(v for v in counts.index if v not in order)
    return {str(v): int(counts[v]) for v in known + rest}


def _total(frame: pd.DataFrame, column: str) -> float:
    """Sum of a numeric column, missing values ignored; 0 when the column is absent."""
    if column not in frame.columns:
        return 0.0
    return float(pd.to_numeric(frame[column], errors="coerce").sum())


def _latest_in_area(frame: gpd.GeoDataFrame, id_column: str, area: shapely.Geometry) -> gpd.GeoDataFrame:
    """The latest record per ``id_column`` (over all of ``frame``) that lies in ``area``; records without id each count."""
    inside = features_in_area(frame, area)
    if id_column not in frame.columns:
        return inside
    candidates = frame[frame[id_column].isin(inside[id_column].dropna().unique())]  # only ids seen in the area
    no_id = inside[_id_codes(inside[id_column])[0] < 0]
    latest = latest_records(candidates, id_column)
    latest = latest[_id_codes(latest[id_column])[0] >= 0]
    return pd.concat([features_in_area(latest, area), no_id]).sort_index(kind="stable")


def area_summary(
    sites: gpd.GeoDataFrame,
    mercury: gpd.GeoDataFrame,
    tailings: gpd.GeoDataFrame,
    area: shapely.Geometry,
) -> dict:
    """Counts and totals of the sites, mercury and tailings inside ``area`` (a lon/lat polygon).

    ``sites`` is one row per site (:func:`latest_sites`, filtered); ``mercury`` and ``tailings`` are
    already filtered with :func:`filter_records`. Mercury: each site's latest record (records without
    site_id count one by one) where that record lies inside ``area``. Tailings: the latest record per
    tailings_id inside ``area``.
    """
    area = _polygonal_area(area)
    sites_in = features_in_area(to_lonlat(sites, "sites"), area)
    hg = _latest_in_area(to_lonlat(mercury, "mercury"), "site_id", area)
    heaps = _latest_in_area(to_lonlat(tailings, "tailings"), "tailings_id", area)
    return {
        "sites": len(sites_in),
        "by_legal_status": _counts(sites_in.get("legal_status", pd.Series(dtype="str")), LEGAL_STATUSES),
        "by_commodity": _counts(sites_in.get("commodity", pd.Series(dtype="str")), COMMODITIES),
        "workers": int(_total(sites_in, "workers")),
        "women": int(_total(sites_in, "women")),
        "hg_kg_per_year": _total(hg, "hg_kg_per_year"),
        "tailings": len(heaps),
        "tailings_by_status": _counts(heaps.get("status", pd.Series(dtype="str")), TAILINGS_STATUSES),
    }


def _sane_bounds(geometry: shapely.Geometry) -> Bounds:
    """Bounds of ``geometry``; when they span over 180° of longitude (antimeridian), its largest part's."""
    west, south, east, north = geometry.bounds
    if east - west > 180:
        parts = shapely.get_parts(geometry)
        west, south, east, north = parts[int(np.argmax(shapely.area(parts)))].bounds
    return float(west), float(south), float(east), float(north)


def _union_bounds(boxes: list[Bounds]) -> Bounds:
    """The box around all ``boxes``."""
    array = np.array(boxes, dtype=float)
    return (float(array[:, 0].min()), float(array[:, 1].min()), float(array[:, 2].max()), float(array[:, 3].max()))


def scope_bounds(
    countries: gpd.GeoDataFrame,
    scope: str,
    value: str | None,
    assessed: Collection[str] | None = None,
) -> Bounds:
    """(west, south, east, north) to show for the world, an MPF region (its ``assessed`` countries) or a country."""
    if scope not in SCOPES:
        raise ValueError(f"scope={scope!r} must be one of {SCOPES}")
    if scope == "world":
        if value is not None:
            raise ValueError(f"value={value!r} must be None for scope='world'")
        return WORLD_BOUNDS
    countries = to_lonlat(countries, "countries")
    if scope == "region":
        if value not in REGIONS:
            raise ValueError(f"value={value!r} must be one of {REGIONS} for scope='region'")
        if assessed is None or isinstance(assessed, str):
            raise ValueError(f"assessed={assessed!r} must be the collection of MPF-assessed ISO3 codes for scope='region'")
        chosen = countries[countries["region"].eq(value) & countries["iso3"].isin(list(assessed))]
        if chosen.empty:
            raise ValueError(f"value={value!r}: no assessed country of this region is in countries")
        return _union_bounds([_sane_bounds(g) for g in chosen.geometry])
    if not isinstance(value, str) or not _ISO3.fullmatch(value):
        raise ValueError(f"value={value!r} must be an ISO3 code (three capital letters) for scope='country'")
    chosen = countries[countries["iso3"].eq(value)]
    if chosen.empty:
        raise ValueError(f"value={value!r} is not a country in countries")
    return _union_bounds([_sane_bounds(g) for g in chosen.geometry])
