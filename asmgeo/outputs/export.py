"""Layer downloads: GeoJSON (RFC 7946), GeoPackage and CSV, each labelled with its sources.

Every export keeps every public column, ``source`` and ``licence`` included, so each row says where it
comes from and a synthetic demo row says so in the file. The columns kept inside the app
(:data:`asmgeo.schema.WITHHELD_COLUMNS`: the submission id and the file's other columns, ``extra``) are
never written. GeoJSON carries the export metadata as the foreign member ``"asmgeo"``, a GeoPackage
as the key/value table ``asmgeo_export`` plus each layer's description; CSV has no place for
file-level metadata, so there the ``source`` and ``licence`` columns are the label. The metadata
lists the rows' sources (``sources``) and, per source and licence, how many features and whether
they are synthetic (``provenance``); the synthetic notice is there only when some rows are.

Choices:

- Coordinates are written in EPSG:4326 (lon, lat) at full double precision; a frame in another
  CRS is reprojected with a warning, a frame without a CRS is refused.
- Dates: a datetime column whose values all fall on midnight (no time zone) is a date column and
  is written ``YYYY-MM-DD``; other datetimes as ISO 8601 with seconds (and the offset when the
  column has a time zone). A survey date is written at the precision it was given with
  (``survey_date_precision``: ``2019``, ``2024-01``, ``2024-01-15``, as
  :func:`asmgeo.schema.format_survey_date` writes it), the precision column kept beside it. The
  GeoPackage keeps native DATE/DATETIME fields instead (the first day of the period, with the
  precision column).
- GeoJSON is assembled column by column (no per-row dicts): ~0.5 s for 100,000 points.
  Polygon rings follow the RFC 7946 right-hand rule; features crossing the antimeridian are not
  split.
- CSV is UTF-8 *with* a byte-order mark, comma-separated, dot decimals, CRLF line ends: Excel
  (any locale) needs the BOM to read UTF-8 instead of the ANSI code page, so "é", "ñ" survive.
  French/Spanish Excel uses ``;`` as list separator, so a double-click shows one column per row;
  *Data → From Text/CSV* detects the comma. ``csv_bytes(frame, sep=";", decimal=",")`` writes
  what a French/Spanish Excel opens correctly by double-click.
- Cell values are exported as data, never altered: text that starts with ``=`` is not
  neutralised against spreadsheet formulas.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import math
import tempfile
import warnings
from collections.abc import Mapping
from json.encoder import encode_basestring
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from asmgeo.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from asmgeo.ingest.validate import REASONS_COLUMN
from asmgeo.provenance import DEMO_SOURCE, source_counts
from asmgeo.schema import SURVEY_DATE_PRECISION, WITHHELD_COLUMNS

EXPORT_CRS = "EPSG:4326"
METADATA_TABLE = "asmgeo_export"
GEOJSON_MEMBER = "asmgeo"
CSV_ENCODING = "utf-8-sig"  # UTF-8 with a byte-order mark, so Excel does not guess the ANSI code page
CSV_POINT_COLUMNS = ("lon", "lat")
CSV_WKT_COLUMN = "wkt"
_USE_ARROW = importlib.util.find_spec("pyarrow") is not None
_ISO_TEXT_LENGTH = {"year": 4, "month": 7}  # a survey date's ISO text cut to its precision ("2019", "2024-01")


def geojson_bytes(frame: gpd.GeoDataFrame, metadata: dict | None = None) -> bytes:
    """An RFC 7946 FeatureCollection (UTF-8) of ``frame``'s public columns with the export metadata as ``"asmgeo"``."""
    return _geojson(_in_export_crs(public(_checked(frame, "frame")), "frame"), metadata)


def _geojson(frame: gpd.GeoDataFrame, metadata: dict | None) -> bytes:
    """The FeatureCollection of every column of ``frame`` (in EPSG:4326)."""
    meta = export_metadata({"features": frame}, metadata)
    meta["features"] = len(frame)
    properties = _properties(frame)
    keys = [encode_basestring(str(name)).replace("%", "%%") for name in properties.columns]
    template = "{" + ",".join(f"{key}:%s" for key in keys) + "}"
    columns = [_json_tokens(properties[name]) for name in properties.columns]
    records = [template % row for row in zip(*columns)] if keys else ["{}"] * len(frame)
    geometries = _rfc7946_geometries(frame.geometry.to_numpy())
    features = ",".join(
        f'{{"type":"Feature","properties":{record},"geometry":{geometry or "null"}}}'
        for record, geometry in zip(records, geometries)
    )
    head = json.dumps(
        {"type": "FeatureCollection", GEOJSON_MEMBER: meta}, ensure_ascii=False, allow_nan=False, separators=(",", ":")
    )
    return f'{head[:-1]},"features":[{features}]}}'.encode()


def rejected_geojson_bytes(rejected: gpd.GeoDataFrame) -> bytes:
    """Rejected features as read, with their reasons, for the data officer to fix and upload again.

    A file that names no CRS (a CSV, say) keeps its coordinates exactly as written, as lon/lat, even
    impossible ones: they are what needs fixing.
    """
    if rejected.crs is None:
        rejected = rejected.set_crs(EXPORT_CRS)
    rejected = _in_export_crs(rejected.rename(columns={REASONS_COLUMN: "reasons"}), "rejected")
    return _geojson(rejected, None)  # the data officer's own file back: every column as read


def gpkg_bytes(layers: dict[str, gpd.GeoDataFrame], metadata: dict | None = None) -> bytes:
    """One GeoPackage: a layer per entry (empty ones too; public columns only) and the table ``asmgeo_export``."""
    if not isinstance(layers, Mapping) or not layers:
        raise ValueError(f"layers={layers!r} must be a non-empty dict of layer name -> GeoDataFrame")
    frames = {_layer_name(name): _in_export_crs(public(_checked(frame, f"layers[{name!r}]")), f"layers[{name!r}]")
              for name, frame in layers.items()}
    meta = export_metadata(frames, metadata)
    meta["layers"] = {name: len(frame) for name, frame in frames.items()}
    with tempfile.TemporaryDirectory(prefix="asmgeo-export-") as folder:
        path = Path(folder) / "export.gpkg"
        for name, frame in frames.items():
            pyogrio.write_dataframe(
                frame, path, layer=name, driver="GPKG", use_arrow=_USE_ARROW,
                DESCRIPTION=_layer_description(frame, meta),
            )
        table = pd.DataFrame(metadata_rows(meta), columns=["key", "value"])
        pyogrio.write_dataframe(table, path, layer=METADATA_TABLE, driver="GPKG", use_arrow=_USE_ARROW)
        return path.read_bytes()


def csv_bytes(frame: gpd.GeoDataFrame, *, sep: str = ",", decimal: str = ".") -> bytes:
    """CSV (UTF-8 with BOM) of the public columns: points as ``lon``/``lat`` columns, other geometries as ``wkt``."""
    if sep not in (",", ";", "\t"):
        raise ValueError(f"sep={sep!r} is not one of ',', ';', '\\t'")
    if decimal not in (".", ","):
        raise ValueError(f"decimal={decimal!r} is not one of '.', ','")
    if sep == decimal:
        raise ValueError(f"sep={sep!r} and decimal={decimal!r} must differ")
    frame = _in_export_crs(public(_checked(frame, "frame")), "frame")
    table = _properties(frame)
    clash = [name for name in (*CSV_POINT_COLUMNS, CSV_WKT_COLUMN) if name in table.columns]
    if clash:
        raise ValueError(f"frame already has column(s) {clash}, which the CSV export uses for the geometry")
    for name in table.columns:
        table[name] = _csv_values(table[name])
    geometry = frame.geometry.to_numpy()
    if _all_points(geometry):
        table["lon"] = shapely.get_x(geometry)
        table["lat"] = shapely.get_y(geometry)
    else:
        table[CSV_WKT_COLUMN] = shapely.to_wkt(geometry, rounding_precision=-1, trim=True)
    text = table.to_csv(index=False, sep=sep, decimal=decimal, lineterminator="\r\n")
    return text.encode(CSV_ENCODING)


def export_metadata(frames: Mapping[str, gpd.GeoDataFrame], metadata: dict | None = None) -> dict:
    """The caller's metadata plus exported_at, crs, the rows' sources (and ``provenance``: per source and licence,
    the features and whether they are synthetic) and the synthetic flag (with a notice when some rows are)."""
    if metadata is not None and not isinstance(metadata, Mapping):
        raise ValueError(f"metadata={metadata!r} must be a dict or None")
    meta: dict[str, object] = {}
    for key, value in (metadata or {}).items():
        if not isinstance(key, str) or not key:
            raise ValueError(f"metadata key {key!r} must be a non-empty string")
        try:
            meta[key] = _plain(value, strict=True)
        except TypeError as exc:
            raise ValueError(f"metadata[{key!r}]={value!r} cannot be written as JSON: {exc}") from None
    sources = sorted(_given_sources(meta.get("sources")) | set().union(*(_row_sources(f) for f in frames.values())))
    meta.setdefault("exported_at", dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat())
    meta["crs"] = EXPORT_CRS
    meta["sources"] = sources
    meta["provenance"] = [count.as_dict() for count in source_counts(*frames.values())]
    meta["synthetic"] = bool(meta.get("synthetic")) or DEMO_SOURCE in sources
    if any(_any_true(frame, "illustrative") for frame in frames.values()):
        meta["illustrative"] = True
    if meta["synthetic"]:  # in the language the caller names in the metadata's "lang", else English
        lang = meta.get("lang") if meta.get("lang") in LANGUAGES else DEFAULT_LANGUAGE
        meta.setdefault("notice", t("export.synthetic_notice", lang))
    return meta


def metadata_rows(meta: Mapping[str, object]) -> list[tuple[str, str]]:
    """Key/value rows of the metadata table: text values as they are, other values as JSON."""
    return [(key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)) for key, value in meta.items()]


def public(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``frame`` without the columns kept inside the app (:data:`asmgeo.schema.WITHHELD_COLUMNS`)."""
    withheld = [name for name in WITHHELD_COLUMNS if name in frame.columns]
    return frame.drop(columns=withheld) if withheld else frame


def _checked(frame: object, argument: str) -> gpd.GeoDataFrame:
    """``frame`` itself when it is a GeoDataFrame; ValueError naming ``argument`` otherwise."""
    if not isinstance(frame, gpd.GeoDataFrame):
        raise ValueError(f"{argument} must be a GeoDataFrame, not {type(frame).__name__}")
    return frame


def _in_export_crs(frame: gpd.GeoDataFrame, argument: str) -> gpd.GeoDataFrame:
    """``frame`` in EPSG:4326; reprojects with a warning, refuses a frame without a CRS."""
    _checked(frame, argument)
    if frame.columns.has_duplicates:
        raise ValueError(f"{argument} has duplicate column names: {sorted(set(frame.columns[frame.columns.duplicated()]))}")
    if frame.crs is None:
        raise ValueError(f"{argument} has no CRS; set it (e.g. frame.set_crs('EPSG:4326')) before exporting")
    if frame.crs.to_epsg() == 4326 or frame.crs.equals("OGC:CRS84", ignore_axis_order=True):
        return frame
    warnings.warn(f"{argument} is in {frame.crs.to_string()}; reprojected to {EXPORT_CRS} for export", stacklevel=3)
    return frame.to_crs(EXPORT_CRS)


def _layer_name(name: object) -> str:
    """A GeoPackage layer name, checked: text, not reserved, not the metadata table."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"layer name {name!r} must be a non-empty string")
    if name == METADATA_TABLE or name.lower().startswith(("gpkg_", "rtree_", "sqlite_")):
        raise ValueError(f"layer name {name!r} is reserved in a GeoPackage export")
    return name


def _layer_description(frame: gpd.GeoDataFrame, meta: Mapping[str, object]) -> str:
    """The layer's description in gpkg_contents: its sources and, if any, the synthetic label."""
    sources = sorted(_row_sources(frame))
    text = f"asmgeo export; sources: {', '.join(sources) if sources else 'not recorded'}"
    return f"{text}; {meta['notice']}" if DEMO_SOURCE in sources else text


def _row_sources(frame: gpd.GeoDataFrame) -> set[str]:
    """Distinct non-empty values of the frame's ``source`` column."""
    if "source" not in frame.columns:
        return set()
    return {str(value) for value in frame["source"].dropna().unique() if str(value).strip()}


def _given_sources(value: object) -> set[str]:
    """The caller's ``sources`` metadata as a set of strings."""
    if value is None:
        return set()
    if isinstance(value, str):
        return {value}
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return set(value)
    raise ValueError(f"metadata['sources']={value!r} must be a string or a list of strings")


def _any_true(frame: gpd.GeoDataFrame, column: str) -> bool:
    """Whether ``column`` exists and any of its values is true."""
    if column not in frame.columns:
        return False
    values = frame[column]
    if not (pd.api.types.is_bool_dtype(values) or pd.api.types.is_integer_dtype(values)):
        return False
    return bool(values.fillna(0).astype(bool).any())


def _properties(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """The frame's attribute columns (every column except the active geometry), survey dates at their precision."""
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    if "survey_date" in table.columns and SURVEY_DATE_PRECISION in table.columns:
        table["survey_date"] = survey_date_texts(table["survey_date"], table[SURVEY_DATE_PRECISION])
    return table


def survey_date_texts(values: pd.Series, precision: pd.Series) -> pd.Series:
    """Survey dates as ISO text at their precision ("2019", "2024-01", "2024-01-15"); None where missing.

    The text :func:`asmgeo.schema.format_survey_date` writes in its ``"iso"`` style, for a whole column at once.
    A column that is not of dates is returned as it is.
    """
    iso = _iso_dates(values)
    if iso is None:
        return values
    text = iso.to_numpy(dtype=object, copy=True)
    kept = np.asarray(precision.astype(object).to_numpy(), dtype=object)
    for name, length in _ISO_TEXT_LENGTH.items():
        rows = (kept == name) & pd.notna(text)
        text[rows] = [value[:length] for value in text[rows]]
    return pd.Series(text, index=values.index, dtype=object)


def _rfc7946_geometries(geometry: np.ndarray) -> list[str | None]:
    """GeoJSON geometry texts with polygon exteriors counter-clockwise (RFC 7946, 3.1.6)."""
    types = shapely.get_type_id(geometry)
    if np.any(types >= 3):  # polygons, multi-geometries, collections
        geometry = shapely.orient_polygons(geometry, exterior_cw=False)
    return shapely.to_geojson(geometry).tolist()


def _all_points(geometry: np.ndarray) -> bool:
    """Whether every non-missing geometry is a single Point."""
    types = shapely.get_type_id(geometry)
    return bool(np.all((types == 0) | (types == -1)))


def _iso_dates(values: pd.Series) -> pd.Series | None:
    """A datetime column as ISO 8601 strings (``YYYY-MM-DD`` when all at midnight); None otherwise."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return pd.Series([None if pd.isna(v) else v.isoformat() for v in values], index=values.index, dtype=object)
    if not (isinstance(values.dtype, np.dtype) and values.dtype.kind == "M"):
        return None
    stamps = values.to_numpy()
    missing = np.isnat(stamps)
    if np.all(missing | (stamps.astype("datetime64[D]") == stamps)):
        unit = "D"
    else:
        unit = "s" if np.all(missing | (stamps.astype("datetime64[s]") == stamps)) else None
    text = np.datetime_as_string(stamps, unit=unit)
    return pd.Series(np.where(missing, None, text), index=values.index, dtype=object)


def _csv_values(values: pd.Series) -> pd.Series:
    """A column ready for CSV: dates as ISO 8601 text, lists and mappings as JSON, the rest as it is."""
    iso = _iso_dates(values)
    if iso is not None:
        return iso
    if values.dtype == object:
        return values.map(_csv_value)
    return values


def _csv_value(value: object) -> object:
    """One object-column value for CSV."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping | list | tuple | np.ndarray):
        return _json_token(value)
    return value


def _json_tokens(values: pd.Series) -> list[str]:
    """Each value of a column as a JSON token: dates as ISO strings, NaN and missing as null."""
    iso = _iso_dates(values)
    if iso is not None:
        values = iso
    if isinstance(values.dtype, np.dtype):
        kind = values.dtype.kind
        if kind == "b":
            return np.where(values.to_numpy(), "true", "false").tolist()
        if kind in "iu":
            return list(map(str, values.tolist()))
        if kind == "f":
            floats = values.to_numpy(dtype=float)
            tokens = np.array(list(map(float.__repr__, floats.tolist())), dtype=object)
            tokens[~np.isfinite(floats)] = "null"
            return tokens.tolist()
    return [encode_basestring(v) if type(v) is str else _json_token(v) for v in values.tolist()]


def _json_token(value: object) -> str:
    """One value as a JSON token (unknown objects as their text)."""
    return json.dumps(_plain(value, strict=False), ensure_ascii=False, allow_nan=False)


def _plain(value: object, strict: bool) -> object:
    """``value`` as plain JSON data; unknown objects raise TypeError if ``strict``, else become text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str | bool):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _plain(item, strict) for key, item in value.items()}
    if isinstance(value, np.ndarray | list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_plain(item, strict) for item in items]
    if strict:
        raise TypeError(f"{type(value).__name__} is not JSON data")
    return str(value)

