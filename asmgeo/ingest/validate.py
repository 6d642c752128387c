"""Validating an upload: every feature of a file accepted or rejected, with the reasons, nothing lost.

API::

    from asmgeo.shipped.boundaries import load_countries
    from asmgeo.ingest.validate import validate_file

    report = validate_file(Path("survey.geojson"), "sites", load_countries("full"))
    report.exit_code            # 0 all accepted, 1 some rejected, 2 the file itself is unusable
    report.accepted             # GeoDataFrame, EPSG:4326: canonical fields in schema order, geometry, _feature
    report.rejected             # GeoDataFrame: original properties and geometry as read, _feature, _reasons
    report.issues               # tuple[Issue, ...]: feature (0-based, None = file), severity, code, message, field
    report.to_json(batch=None)  # the DESIGN §4 JSON object

:func:`validate_file` (path, layer, countries[, today, limits, progress, lang]) reads the file with
:func:`asmgeo.ingest.readers.read_features` and hands it to :func:`validate_features`, which a caller that
already holds a :class:`~asmgeo.ingest.readers.RawFeatures` can use directly. Neither writes anything.

* ``layer`` is one of :data:`asmgeo.schema.UPLOAD_LAYERS`; another name raises
  :class:`~asmgeo.errors.UnknownLayerError` (a programming error, not a file problem).
* ``countries`` is a GeoDataFrame with ``iso3``, ``name`` and polygons in EPSG:4326, normally
  ``boundaries.load_countries("full")``; it is a parameter so tests can pass their own.
* ``today`` (default: the current date) is the latest acceptable survey date.
* ``limits`` (default: :func:`asmgeo.config.upload_limits`, from ``ASMGEO_*`` variables) bounds
  the file size and archives; the size is checked before the file is opened.
* ``progress`` is called with a fraction 0…1 after each stage (read, fields, geometry, places,
  report), for a progress bar.

A problem with the file itself (missing, empty, too large, unreadable, not geographic, unsafe
archive, KML with a DOCTYPE…) does not raise: the report has ``features == 0``, ``exit_code == 2``
and one issue with ``feature=None``. ``sha256`` is the SHA-256 of the file's bytes (empty when the
file is missing or too large), for spotting the same file uploaded twice.

Rules (codes and severities in :mod:`asmgeo.ingest.issues`, messages in :mod:`asmgeo.i18n` under
``issue.<code>``): column names and values go through the schema aliases (:mod:`asmgeo.ingest.fieldmap`,
:mod:`asmgeo.ingest.values`); geometry shape checks are :mod:`asmgeo.ingest.geomcheck`, location checks
:mod:`asmgeo.ingest.location`. On top of those, here: ``women_exceed_workers``, and
``duplicate_feature`` — the same id with the same ``survey_date`` twice in the file (the same id on
another date is another visit and is fine); the first clean occurrence is kept, later ones are
rejected. Only rows that failed nothing else count as first occurrences. A feature with any error
is rejected; warnings keep it. ``country`` is set on accepted features that do not name one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from asmgeo.config import Limits, upload_limits
from asmgeo.errors import UnknownLayerError, UploadFileError
from asmgeo.i18n import DEFAULT_LANGUAGE
from asmgeo.ingest.fieldmap import FieldMap, map_columns
from asmgeo.ingest.geomcheck import check_geometries
from asmgeo.ingest.issues import ERROR, Finding, Issue, file_issue, finding, issues_from
from asmgeo.ingest.location import check_countries, place
from asmgeo.ingest.readers import RawFeatures, read_features
from asmgeo.ingest.values import closest as closest_value
from asmgeo.ingest.values import empty_column, parse_field
from asmgeo.schema import ID_FIELDS, UPLOAD_LAYERS, LayerSpec, alias_key, layer_spec

__all__ = ["Issue", "Report", "validate_file", "validate_features", "EXIT_OK", "EXIT_REJECTED", "EXIT_FILE"]

EXIT_OK, EXIT_REJECTED, EXIT_FILE = 0, 1, 2
STORE_CRS = "EPSG:4326"
FEATURE_COLUMN = "_feature"
REASONS_COLUMN = "_reasons"
_WGS84 = pyproj.CRS("EPSG:4326")


@dataclass(frozen=True, eq=False)
class Report:
    """What validating one file found: the accepted and rejected features and every issue."""

    layer: str
    file_name: str
    sha256: str
    features: int
    accepted: gpd.GeoDataFrame
    rejected: gpd.GeoDataFrame
    issues: tuple[Issue, ...]

    @property
    def accepted_count(self) -> int:
        """Number of accepted features."""
        return len(self.accepted)

    @property
    def rejected_count(self) -> int:
        """Number of rejected features."""
        return len(self.rejected)

    @property
    def file_error(self) -> Issue | None:
        """The file-level error that stopped reading, if any."""
        return next((i for i in self.issues if i.feature is None and i.severity == ERROR), None)

    @property
    def exit_code(self) -> int:
        """0 every feature accepted, 1 some rejected, 2 the file could not be read (DESIGN §4)."""
        if self.file_error is not None:
            return EXIT_FILE
        return EXIT_REJECTED if self.rejected_count else EXIT_OK

    def to_json(self, batch: str | None = None) -> dict:
        """The report as DESIGN §4 defines it: features, accepted, rejected, issues, batch."""
        if batch is not None and not isinstance(batch, str):
            raise TypeError(f"batch must be a str or None, not {type(batch).__name__}")
        return {
            "features": int(self.features),
            "accepted": int(self.accepted_count),
            "rejected": int(self.rejected_count),
            "issues": [{"feature": i.feature, "severity": i.severity, "code": i.code, "message": i.message}
                       for i in self.issues],
            "batch": batch,
        }


def upload_spec(layer: str) -> LayerSpec:
    """The spec of an upload layer; :class:`UnknownLayerError` naming the upload layers otherwise."""
    spec = layer_spec(layer) if layer in UPLOAD_LAYERS else None
    if spec is None:
        raise UnknownLayerError(f"Layer {layer!r} takes no uploads; upload layers are {', '.join(UPLOAD_LAYERS)}.")
    return spec


def validate_file(path: Path | str, layer: str, countries: gpd.GeoDataFrame, today: dt.date | None = None,
                  limits: Limits | None = None, progress: Callable[[float], None] | None = None, *,
                  lang: str = DEFAULT_LANGUAGE) -> Report:
    """Read and check every feature of the file at ``path`` for ``layer``; writes nothing."""
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or Path, not {type(path).__name__}")
    upload_spec(layer)
    check_countries(countries)
    limits = limits if limits is not None else upload_limits()
    path = Path(path)
    tick = progress or (lambda fraction: None)
    tick(0.0)
    sha256 = file_sha256(path, limits)
    try:
        raw = read_features(path, layer, limits, lang)
    except UploadFileError as exc:
        tick(1.0)
        return file_report(layer, path.name, sha256, exc.code, str(exc))
    tick(0.4)
    return validate_features(raw, layer, countries, today=today, file_name=path.name, sha256=sha256,
                             lang=lang, progress=lambda f: tick(0.4 + 0.6 * f))


def file_sha256(path: Path, limits: Limits) -> str:
    """SHA-256 of the file's bytes ("" when it is missing or larger than the upload limit)."""
    digest = hashlib.sha256()
    try:
        if not path.is_file() or path.stat().st_size > limits.max_upload_bytes:
            return ""
        with open(path, "rb") as handle:
            while chunk := handle.read(1024 * 1024):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def file_report(layer: str, file_name: str, sha256: str, code: str, text: str) -> Report:
    """The report of a file that could not be read: no features, one file-level error."""
    spec = upload_spec(layer)
    issue = Issue(None, ERROR, code, text)
    return Report(layer, file_name, sha256, 0, _empty_accepted(spec), _empty_rejected(), (issue,))


def validate_features(raw: RawFeatures, layer: str, countries: gpd.GeoDataFrame, *, today: dt.date | None = None,
                      file_name: str = "", sha256: str = "", lang: str = DEFAULT_LANGUAGE,
                      progress: Callable[[float], None] | None = None) -> Report:
    """Check the features of ``raw`` for ``layer``: accepted canonical features, rejected originals, issues."""
    if not isinstance(raw, RawFeatures):
        raise TypeError(f"raw must be RawFeatures, not {type(raw).__name__}")
    spec = upload_spec(layer)
    check_countries(countries)
    today = today if today is not None else dt.date.today()
    if not isinstance(today, dt.date):
        raise TypeError(f"today must be a datetime.date, not {type(today).__name__}")
    tick = progress or (lambda fraction: None)
    frame = raw.frame.reset_index(drop=True)
    n = len(frame)
    read_errors = _error_rows_of(raw.issues, n)

    fields = map_columns([c for c in frame.columns if c != frame.geometry.name], layer, skip=raw.geometry_columns)
    parsed = {f.name: parse_field(f, frame[fields.columns[f.name]] if f.name in fields.columns else None, n, today)
              for f in spec.fields}
    named, country_findings = _named_countries(parsed, countries)
    found = [*(f for p in parsed.values() for f in p.findings), *_women_exceed_workers(parsed), *country_findings]
    tick(0.3)
    checked = check_geometries(_lonlat(frame), spec.geometry_types, layer, skip=read_errors)
    tick(0.5)
    placement = place(checked.geometry, checked.usable, named, countries, lang)
    tick(0.8)

    found = _without_malformed([*found, *checked.findings, *placement.findings], raw.issues)
    rejected = read_errors | _error_rows(found, n)
    duplicates = _duplicates(parsed, layer, rejected)
    rejected |= _error_rows(duplicates, n)
    per_feature = _feature_issues(raw.issues, [*found, *duplicates], lang)
    issues = (*(i for i in raw.issues if i.feature is None), *_column_notes(spec, fields, lang), *per_feature)
    accepted = _accepted(spec, parsed, checked.geometry, placement.country, ~rejected)
    report = Report(layer, file_name, sha256, n, accepted, _rejected(frame, rejected, per_feature), issues)
    tick(1.0)
    return report


# Issues of one feature are listed in this order (reading → geometry → place → fields → duplicates).
_CHECK_ORDER = (
    "malformed_feature", "unreadable_geometry", "missing_geometry", "wrong_geometry_type", "multi_to_single",
    "z_dropped", "m_dropped", "coordinates_not_finite", "coordinates_out_of_range", "projected_coordinates",
    "swapped_coordinates", "invalid_polygon", "polygon_repaired", "outside_countries", "wrong_country",
    "near_border", "missing_field", "not_an_integer", "not_a_number", "not_a_date", "negative_value",
    "women_exceed_workers", "future_date", "unknown_category", "unknown_country", "duplicate_feature",
)


def _error_rows_of(issues: tuple[Issue, ...], n: int) -> np.ndarray:
    """Rows with an error met while reading (an entry that is no Feature, a geometry that cannot be read)."""
    mask = np.zeros(n, dtype=bool)
    mask[[i.feature for i in issues if i.feature is not None and i.severity == ERROR]] = True
    return mask


def _without_malformed(found: list[Finding], issues: tuple[Issue, ...]) -> list[Finding]:
    """Findings without the rows that are no Feature at all: those get that one issue, not one per empty field."""
    malformed = [i.feature for i in issues if i.code == "malformed_feature"]
    return [_without(f, malformed) for f in found] if malformed else found


def _feature_issues(read: tuple[Issue, ...], found: list[Finding], lang: str) -> list[Issue]:
    """Every feature-level issue, by feature, then in :data:`_CHECK_ORDER` within a feature."""
    issues = [i for i in read if i.feature is not None] + [issue for f in found for issue in issues_from(f, lang)]
    order = {code: k for k, code in enumerate(_CHECK_ORDER)}
    return sorted(issues, key=lambda i: (i.feature, order.get(i.code, len(order))))


def _column_notes(spec: LayerSpec, fields: FieldMap, lang: str) -> tuple[Issue, ...]:
    """File-level warnings about columns: two for one field, none for a required field, unused ones."""
    notes = []
    for name, others in fields.duplicates.items():
        notes.append(file_issue("duplicate_column", lang, field=name, used=fields.columns[name],
                                columns=", ".join([fields.columns[name], *others])))
    for f in spec.fields:
        if f.required and f.name not in fields.columns:
            notes.append(file_issue("missing_column", lang, field=f.name))
    if fields.unused:
        notes.append(file_issue("unused_columns", lang, layer=spec.name, columns=", ".join(fields.unused)))
    return tuple(notes)


def _lonlat(frame: gpd.GeoDataFrame) -> np.ndarray:
    """The geometries in lon/lat: no CRS or a WGS 84 geographic CRS (2D or 3D) as is, any other reprojected."""
    geometry = frame.geometry
    crs = geometry.crs
    if crs is None or _is_wgs84_lonlat(crs):
        return np.asarray(geometry.values, dtype=object)
    return np.asarray(geometry.to_crs(STORE_CRS).values, dtype=object)


def _is_wgs84_lonlat(crs: pyproj.CRS) -> bool:
    """True for EPSG:4326, OGC:CRS84 and their 3D forms (EPSG:4979): nothing to transform."""
    if not crs.is_geographic:
        return False
    flat = crs.to_2d() if crs.is_vertical or len(crs.axis_info) > 2 else crs
    return flat.equals(_WGS84, ignore_axis_order=True)


def _women_exceed_workers(parsed: dict) -> list[Finding]:
    """``women_exceed_workers`` where both counts are given and women > workers."""
    if "women" not in parsed or "workers" not in parsed:
        return []
    women, workers = parsed["women"].values, parsed["workers"].values
    mask = (women > workers).fillna(False).to_numpy(dtype=bool)
    return [finding("women_exceed_workers", mask, [{"women": w, "workers": k}
                                                   for w, k in zip(women[mask], workers[mask])], "women")]


def _named_countries(parsed: dict, countries: gpd.GeoDataFrame) -> tuple[np.ndarray, list[Finding]]:
    """ISO3 named by each feature (None when it names none) and ``unknown_country`` findings."""
    if "country" not in parsed:
        return np.full(len(next(iter(parsed.values())).values), None, dtype=object), []
    text = parsed["country"].values
    index = {alias_key(code): str(code) for code in countries["iso3"]}
    for code, name in zip(countries["iso3"], countries["name"]):
        index.setdefault(alias_key(name), str(code))
    lookup = {value: index.get(alias_key(value)) for value in text.dropna().unique()}
    named = text.map(lookup)
    bad = (text.notna() & named.isna()).to_numpy()
    values = [{"value": v, "suggestion": closest_value(v, index)} for v in text[bad]]
    return named.to_numpy(dtype=object, na_value=None), [finding("unknown_country", bad, values, "country")]


def _without(found: Finding, rows: list[int]) -> Finding:
    """``found`` without ``rows`` (an entry that is no Feature gets that one issue, not one per empty field)."""
    keep = ~np.isin(found.rows, rows)
    values = [v for v, k in zip(found.values, keep) if k] if found.values else []
    return Finding(found.code, found.rows[keep], values, found.field)


def _error_rows(found: list[Finding], n: int) -> np.ndarray:
    """Rows with at least one error finding."""
    mask = np.zeros(n, dtype=bool)
    for f in found:
        if f.severity == ERROR:
            mask[f.rows] = True
    return mask


def _duplicates(parsed: dict, layer: str, rejected: np.ndarray) -> list[Finding]:
    """Later rows repeating the id and survey date of an earlier clean row."""
    id_field = ID_FIELDS[layer]
    ids = parsed[id_field].values
    dates = parsed["survey_date"].values if "survey_date" in parsed else pd.Series([pd.NaT] * len(ids))
    candidates = (~rejected) & ids.notna().to_numpy()
    if not candidates.any():
        return []
    keys = pd.DataFrame({"id": ids, "date": dates})[candidates]
    repeated = keys.duplicated(keep="first")
    if not repeated.any():
        return []
    first = keys.reset_index().groupby(["id", "date"], dropna=False)["index"].transform("min")
    rows = keys.index[repeated.to_numpy()]
    firsts = first[repeated.to_numpy()].to_numpy()
    mask = np.zeros(len(ids), dtype=bool)
    mask[rows] = True
    values = [{"id_field": id_field, "id": ids[r], "date": _day(dates[r]), "first": int(f)} for r, f in zip(rows, firsts)]
    return [finding("duplicate_feature", mask, values, id_field)]


def _day(value: object) -> str:
    """A date for a message ("no date" stays empty)."""
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _accepted(spec: LayerSpec, parsed: dict, geometry: np.ndarray, country: np.ndarray,
              keep: np.ndarray) -> gpd.GeoDataFrame:
    """Accepted features: canonical fields in schema order, geometry in EPSG:4326, ``_feature``."""
    rows = np.flatnonzero(keep)
    data = {}
    for f in spec.fields:
        if f.name == "country":  # the ISO3 code named (resolved from a name or alias) or derived from the location
            data[f.name] = pd.Series(country[rows], dtype="str")
        else:
            data[f.name] = parsed[f.name].values.iloc[rows].reset_index(drop=True)
    data[FEATURE_COLUMN] = pd.Series(rows, dtype="int64")
    frame = pd.DataFrame(data)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry[rows], crs=STORE_CRS).values, crs=STORE_CRS)


def _rejected(frame: gpd.GeoDataFrame, rejected: np.ndarray, issues: list[Issue]) -> gpd.GeoDataFrame:
    """Rejected features as read (original properties and geometry), with ``_feature`` and ``_reasons``."""
    rows = np.flatnonzero(rejected)
    reasons: dict[int, list[str]] = {}
    for issue in issues:
        if issue.severity == ERROR and rejected[issue.feature]:
            reasons.setdefault(issue.feature, []).append(issue.message)
    out = frame.iloc[rows].copy()
    out[FEATURE_COLUMN] = rows.astype("int64")
    out[REASONS_COLUMN] = pd.Series([" ".join(reasons.get(int(r), [])) for r in rows], index=out.index, dtype="str")
    return out.reset_index(drop=True)


def _empty_accepted(spec: LayerSpec) -> gpd.GeoDataFrame:
    """An accepted frame with no rows, with every canonical column and its dtype."""
    data = {f.name: empty_column(f, 0) for f in spec.fields}
    data[FEATURE_COLUMN] = pd.Series([], dtype="int64")
    return gpd.GeoDataFrame(pd.DataFrame(data), geometry=gpd.GeoSeries([], crs=STORE_CRS).values, crs=STORE_CRS)


def _empty_rejected() -> gpd.GeoDataFrame:
    """A rejected frame with no rows."""
    frame = pd.DataFrame({FEATURE_COLUMN: pd.Series([], dtype="int64"), REASONS_COLUMN: pd.Series([], dtype="str")})
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=STORE_CRS).values, crs=STORE_CRS)
