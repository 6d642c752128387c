"""Validating an upload: every feature of a file accepted or rejected, with the reasons, nothing lost.

API::

    from asmgeo.shipped.boundaries import load_countries
    from asmgeo.ingest.validate import validate_file

    report = validate_file(Path("survey.geojson"), "sites", load_countries("full"), mapping=None)
    report.exit_code            # 0 all accepted, 1 some rejected, 2 the file itself is unusable
    report.accepted             # GeoDataFrame, EPSG:4326: canonical fields in schema order, the import
                                # columns (survey_date_precision, submission_id, extra), _feature, geometry
    report.rejected             # GeoDataFrame: original properties and geometry as read, _feature, _reasons
    report.issues               # tuple[Issue, ...]: feature (0-based, None = file), severity, code, message,
                                # field, count (file-level issues that reject features)
    report.mapping              # the Mapping used (None: automatic matching alone)
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

A :class:`~asmgeo.ingest.mapping.Mapping` (``mapping=``) says what the aliases cannot: which columns
hold a field (read in order per feature, the first with a value wins), a value for every feature
that has none (``--set``), category values of the file's own (``--value``), ids derived from the
geometry for features without one (``generate_ids``: ``G-`` and 12 hex digits of the SHA-256 of the
normalised geometry rounded to 1e-7°, so the same footprint gets the same id in every survey), a date
format, the submission-id column. Several columns holding one field (a file merged from teams who
wrote ``site_id``, ``code_site`` and ``id_sitio``) are read the same way, and a feature in which two of
them hold different values gets ``conflicting_values``. A required field that no column holds is one
file-level error with ``count`` (``missing_column``: the features it rejects, the columns that could
hold it and how to map it) instead of one ``missing_field`` per feature; dates whose day and month
order the column does not tell are one ``ambiguous_dates`` likewise. Both reject their features and
leave the exit code at 1.

Besides the canonical fields, the accepted frame has the columns of :func:`asmgeo.schema.import_columns`:
``survey_date_precision`` (``year``, ``month`` or ``day``; ``survey_date`` holds the first day of the
period), ``submission_id`` (KoboToolbox ``_uuid``, ODK ``meta/instanceID`` or ``KEY``, or the mapping's
``dedupe_by`` column; for the store to skip records it already holds) and ``extra`` (the columns that
feed no field and are not export bookkeeping, as one JSON object per feature, listed once in
``unused_columns``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from asmgeo.config import Limits, upload_limits
from asmgeo.errors import UnknownLayerError, UploadFileError
from asmgeo.i18n import DEFAULT_LANGUAGE
from asmgeo.ingest import candidates
from asmgeo.ingest.fieldmap import FieldMap, find_column, map_columns, name_candidates
from asmgeo.ingest.geomcheck import check_geometries
from asmgeo.ingest.issues import (
    ERROR,
    Finding,
    Issue,
    counted_issue,
    file_issue,
    finding,
    issues_from,
)
from asmgeo.ingest.location import check_countries, place
from asmgeo.ingest.mapping import Mapping
from asmgeo.ingest.readers import RawFeatures, read_features
from asmgeo.ingest.values import ParsedField, as_text, empty_column, parse_field
from asmgeo.ingest.values import closest as closest_value
from asmgeo.schema import (
    EXTRA,
    ID_FIELDS,
    SUBMISSION_ID,
    SUBMISSION_ID_COLUMNS,
    SURVEY_DATE_PRECISION,
    UPLOAD_LAYERS,
    Field,
    LayerSpec,
    alias_key,
    format_survey_date,
    import_columns,
    layer_spec,
)

__all__ = ["Issue", "Report", "validate_file", "validate_features", "with_provenance", "EXIT_OK", "EXIT_REJECTED",
           "EXIT_FILE"]

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
    mapping: Mapping | None = None  # the mapping used, to be kept with the batch
    skipped_existing: int = 0  # accepted records whose submission id the store already holds (set by the store)
    source: str | None = None  # provenance given on import (--source), to be kept with the batch
    licence: str | None = None  # likewise (--licence)

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
        """The file-level error that stopped reading, if any (not one that rejects ``count`` features)."""
        return next((i for i in self.issues if i.feature is None and i.severity == ERROR and i.count is None), None)

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
            "issues": [_issue_json(i) for i in self.issues],
            "batch": batch,
            **({"skipped_existing": int(self.skipped_existing)} if self.skipped_existing else {}),
        }


def _issue_json(issue: Issue) -> dict:
    """One issue as DESIGN §4 writes it; ``count`` only on the file-level issues that carry one."""
    data = {"feature": issue.feature, "severity": issue.severity, "code": issue.code, "message": issue.message}
    if issue.count is not None:
        data["count"] = int(issue.count)
    return data


def with_provenance(report: Report, source: str | None = None, licence: str | None = None) -> Report:
    """``report`` with the provenance an import gives (``--source``, ``--licence``) kept for the batch; ``source``
    also fills the ``source`` field of the accepted features that name none."""
    source = source.strip() if isinstance(source, str) and source.strip() else None
    licence = licence.strip() if isinstance(licence, str) and licence.strip() else None
    if source is None and licence is None:
        return report
    accepted = report.accepted
    if source is not None and "source" in accepted.columns:
        accepted = accepted.copy()
        empty = accepted["source"].isna() | (accepted["source"].astype("str").str.strip() == "")
        accepted.loc[empty, "source"] = source
    return dataclasses.replace(report, accepted=accepted, source=source, licence=licence)


def upload_spec(layer: str) -> LayerSpec:
    """The spec of an upload layer; :class:`UnknownLayerError` naming the upload layers otherwise."""
    spec = layer_spec(layer) if layer in UPLOAD_LAYERS else None
    if spec is None:
        raise UnknownLayerError(f"Layer {layer!r} takes no uploads; upload layers are {', '.join(UPLOAD_LAYERS)}.")
    return spec


def validate_file(path: Path | str, layer: str, countries: gpd.GeoDataFrame, today: dt.date | None = None,
                  limits: Limits | None = None, progress: Callable[[float], None] | None = None, *,
                  lang: str = DEFAULT_LANGUAGE, mapping: Mapping | None = None) -> Report:
    """Read and check every feature of the file at ``path`` for ``layer`` (through ``mapping``); writes nothing."""
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or Path, not {type(path).__name__}")
    upload_spec(layer)
    check_countries(countries)
    mapping = _layer_mapping(mapping, layer)
    limits = limits if limits is not None else upload_limits()
    path = Path(path)
    tick = progress or (lambda fraction: None)
    tick(0.0)
    sha256 = file_sha256(path, limits)
    try:
        raw = read_features(path, layer, limits, lang, source_layer=mapping.source_layer if mapping else None)
    except UploadFileError as exc:
        tick(1.0)
        return file_report(layer, path.name, sha256, exc.code, str(exc), mapping)
    tick(0.4)
    return validate_features(raw, layer, countries, today=today, file_name=path.name, sha256=sha256,
                             lang=lang, progress=lambda f: tick(0.4 + 0.6 * f), mapping=mapping)


def _layer_mapping(mapping: Mapping | None, layer: str) -> Mapping | None:
    """``mapping`` checked against ``layer`` (a mapping that changes nothing counts as none)."""
    if mapping is None:
        return None
    if not isinstance(mapping, Mapping):
        raise TypeError(f"mapping must be a Mapping or None, not {type(mapping).__name__}")
    return mapping.for_layer(layer)


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


def file_report(layer: str, file_name: str, sha256: str, code: str, text: str, mapping: Mapping | None = None) -> Report:
    """The report of a file that could not be read: no features, one file-level error."""
    spec = upload_spec(layer)
    issue = Issue(None, ERROR, code, text)
    return Report(layer, file_name, sha256, 0, _empty_accepted(spec), _empty_rejected(), (issue,), mapping)


def validate_features(raw: RawFeatures, layer: str, countries: gpd.GeoDataFrame, *, today: dt.date | None = None,
                      file_name: str = "", sha256: str = "", lang: str = DEFAULT_LANGUAGE,
                      progress: Callable[[float], None] | None = None, mapping: Mapping | None = None) -> Report:
    """Check the features of ``raw`` for ``layer``: accepted canonical features, rejected originals, issues."""
    if not isinstance(raw, RawFeatures):
        raise TypeError(f"raw must be RawFeatures, not {type(raw).__name__}")
    spec = upload_spec(layer)
    check_countries(countries)
    mapping = _layer_mapping(mapping, layer)
    rules = mapping if mapping is not None else Mapping(layer=layer)
    today = today if today is not None else dt.date.today()
    if not isinstance(today, dt.date):
        raise TypeError(f"today must be a datetime.date, not {type(today).__name__}")
    tick = progress or (lambda fraction: None)
    frame = raw.frame.reset_index(drop=True)
    n = len(frame)
    read_errors = _error_rows_of(raw.issues, n)
    malformed = np.zeros(n, dtype=bool)
    malformed[[i.feature for i in raw.issues if i.code == "malformed_feature"]] = True

    properties = [c for c in frame.columns if c != frame.geometry.name]
    fields = map_columns(properties, layer, skip=raw.geometry_columns, explicit=rules.columns)
    parsed: dict[str, ParsedField] = {}
    conflicts: list[Finding] = []
    for f in spec.fields:
        parsed[f.name], clash = _parse_sources(f, frame, fields, rules, n, today)
        conflicts += clash
    unheld = _unheld_fields(spec, fields, rules)
    for name in unheld:  # said once for the file below, not once per feature
        parsed[name] = _without_code(parsed[name], "missing_field")
    named, country_findings = _named_countries(parsed, countries)
    found = [*(f for p in parsed.values() for f in p.findings), *conflicts, *_women_exceed_workers(parsed),
             *country_findings]
    tick(0.3)
    checked = check_geometries(_lonlat(frame), spec.geometry_types, layer, skip=read_errors)
    if rules.generate_ids:
        id_field = ID_FIELDS[layer]
        parsed[id_field] = _generated_ids(parsed[id_field], checked.geometry, checked.usable)
        found = [f for f in found if not (f.code == "missing_field" and f.field == id_field)]
        found += list(parsed[id_field].findings)
    tick(0.5)
    placement = place(checked.geometry, checked.usable, named, countries, lang)
    tick(0.8)

    found = _without_malformed([*found, *checked.findings, *placement.findings], raw.issues)
    counted = [*_unheld_issues(spec, unheld, frame, fields, raw.geometry_columns, ~malformed, rules, lang),
               *_ambiguous_issues(parsed, ~malformed, lang)]
    rejected = read_errors | _error_rows(found, n)
    for issue_rows in (rows for _, rows in counted):
        rejected |= issue_rows
    duplicates = _duplicates(parsed, layer, rejected)
    rejected |= _error_rows(duplicates, n)
    per_feature = _feature_issues(raw.issues, [*found, *duplicates], lang)
    submission, submission_column = _submission_ids(frame, properties, rules, n)
    if submission_column in fields.unused:  # kept as submission_id, not again as an extra attribute
        fields = dataclasses.replace(fields, unused=tuple(c for c in fields.unused if c != submission_column))
    notes = _column_notes(spec, fields, rules, properties, lang)
    issues = (*(i for i in raw.issues if i.feature is None), *notes[0], *(i for i, _ in counted), *notes[1],
              *per_feature)
    extra = _extra(frame, fields.unused)
    accepted = _accepted(spec, parsed, checked.geometry, placement.country, ~rejected, submission, extra)
    report = Report(layer, file_name, sha256, n, accepted, _rejected(frame, rejected, per_feature, counted),
                    issues, mapping)
    tick(1.0)
    return report


# --- reading the columns a field comes from ------------------------------------------------------------------


def _parse_sources(spec: Field, frame: gpd.GeoDataFrame, fields: FieldMap, rules: Mapping, n: int,
                   today: dt.date) -> tuple[ParsedField, list[Finding]]:
    """The field read from its columns (first non-empty wins), the select-multiple choices and ``--set``;
    ``conflicting_values`` where two of its columns hold different values in one feature."""
    columns = fields.sources.get(spec.name, ())
    options = {"value_map": dict(rules.values.get(spec.name, {})), "date_format": rules.date_format}
    if len(columns) == 1:
        raw = frame[columns[0]]
    elif columns:
        raw = _coalesce([as_text(frame[c]) for c in columns])
    else:
        raw = None
    chosen = fields.choices.get(spec.name)
    if chosen:
        picked = _chosen(frame, chosen)
        raw = picked if raw is None else _coalesce([as_text(raw), picked])
    if spec.name in rules.constants:
        constant = rules.constants[spec.name]
        raw = pd.Series([constant] * n, dtype=object) if raw is None else as_text(raw).fillna(constant)
    parsed = parse_field(spec, raw, n, today, **options)
    if len(columns) < 2 or spec.name in rules.columns:  # columns the user lists are fallbacks, in their order
        return parsed, []
    return parsed, [_conflicts(spec, [parse_field(spec, frame[c], n, today, **options) for c in columns], columns,
                               [as_text(frame[c]) for c in columns])]


def _coalesce(texts: list[pd.Series]) -> pd.Series:
    """Per row, the first of ``texts`` (text columns, NA where empty) that has a value."""
    result = texts[0].copy()
    for text in texts[1:]:
        result = result.fillna(text)
    return result


_YES = frozenset(alias_key(v) for v in ("1", "yes", "true", "y", "oui", "vrai", "si", "sí", "verdadero"))


def _chosen(frame: gpd.GeoDataFrame, chosen: dict[str, str]) -> pd.Series:
    """The choices of a select-multiple question split into one 0/1 column per choice, joined by ``;`` per row
    (NA where none is selected)."""
    picked = pd.Series([""] * len(frame), dtype=object)
    for column, choice in chosen.items():
        selected = as_text(frame[column]).map(lambda v: alias_key(v) in _YES if isinstance(v, str) else False)
        picked = picked.where(~selected.to_numpy(dtype=bool), picked + choice + ";")
    picked = picked.str.rstrip(";")
    return picked.mask(picked == "")


def _conflicts(spec: Field, each: list[ParsedField], columns: tuple[str, ...],
               texts: list[pd.Series]) -> Finding:
    """Rows where two columns of one field give two different values (read as the field reads them)."""
    n = len(each[0].values)
    keys = [_comparable(p) for p in each]
    rows = np.zeros(n, dtype=bool)
    for k in range(1, len(keys)):
        for j in range(k):
            both = keys[j].notna().to_numpy() & keys[k].notna().to_numpy()
            rows |= both & (keys[j] != keys[k]).to_numpy(dtype=bool, na_value=False)
    values = []
    for r in np.flatnonzero(rows):
        held = [f'"{texts[k][r]}" ({columns[k]})' for k in range(len(columns)) if pd.notna(keys[k][r])]
        values.append({"field": spec.name, "values": ", ".join(held)})
    return finding("conflicting_values", rows, values, spec.name)


def _comparable(parsed: ParsedField) -> pd.Series:
    """Values of one column as comparable text (a date with its precision), NA where empty or wrong."""
    values = parsed.values
    if parsed.precision is not None:
        text = values.dt.strftime("%Y-%m-%d") + "/" + parsed.precision.astype("str")
        return text.where(values.notna())
    return values.astype("str").where(values.notna())


def _unheld_fields(spec: LayerSpec, fields: FieldMap, rules: Mapping) -> list[str]:
    """Required fields that no column, ``--set`` value, select-multiple choice or id generation can fill."""
    id_field = ID_FIELDS[spec.name]
    return [f.name for f in spec.fields if f.required and f.name not in fields.sources
            and f.name not in rules.constants and not fields.choices.get(f.name)
            and not (rules.generate_ids and f.name == id_field)]


def _without_code(parsed: ParsedField, code: str) -> ParsedField:
    """``parsed`` without its findings of ``code``."""
    return ParsedField(parsed.values, parsed.missing, tuple(f for f in parsed.findings if f.code != code),
                       parsed.precision, parsed.ambiguous, parsed.ambiguous_values)


def _unheld_issues(spec: LayerSpec, unheld: list[str], frame: gpd.GeoDataFrame, fields: FieldMap,
                   geometry_columns: tuple[str, ...], rows: np.ndarray, rules: Mapping,
                   lang: str) -> list[tuple[Issue, np.ndarray]]:
    """One ``missing_column`` per required field no column holds: the features it rejects, the columns that
    could hold it (with sample values) and how to map it."""
    if not unheld:
        return []
    required = {f.name for f in spec.fields if f.required}
    used = {c for name, cols in fields.sources.items() if name in required for c in cols}  # a column may feed two fields
    used |= {c for d in fields.choices.values() for c in d}
    free = [c for c in frame.columns if c != frame.geometry.name and c not in used and c not in geometry_columns]
    result = []
    for name in unheld:
        field_spec = next(f for f in spec.fields if f.name == name)
        found = candidates.columns_for(field_spec, frame, free, id_field=ID_FIELDS[spec.name],
                                       value_map=dict(rules.values.get(name, {})), date_format=rules.date_format)
        text = candidates.missing_column_message(field_spec, int(rows.sum()), found, ID_FIELDS[spec.name], lang)
        result.append((counted_issue("missing_column", int(rows.sum()), name, lang, **text), rows.copy()))
    return result


def _ambiguous_issues(parsed: dict[str, ParsedField], rows: np.ndarray, lang: str) -> list[tuple[Issue, np.ndarray]]:
    """One ``ambiguous_dates`` per date field whose day and month order the column does not tell."""
    result = []
    for name, p in parsed.items():
        if p.ambiguous is None or not (p.ambiguous & rows).any():
            continue
        mask = p.ambiguous & rows
        values = candidates.ambiguous_dates_message(name, int(mask.sum()), p.ambiguous_values, lang)
        result.append((counted_issue("ambiguous_dates", int(mask.sum()), name, lang, **values), mask))
    return result


def _generated_ids(parsed: ParsedField, geometry: np.ndarray, usable: np.ndarray) -> ParsedField:
    """Ids for the features that have none, derived from their checked geometry (see :func:`geometry_id`)."""
    need = parsed.missing & np.asarray(usable, dtype=bool)
    values = parsed.values.copy()
    values[need] = [geometry_id(g) for g in geometry[need]]
    findings = tuple(f for f in parsed.findings if f.code != "missing_field")  # no id only where no geometry either,
    return ParsedField(values, parsed.missing & ~need, findings, parsed.precision, parsed.ambiguous,  # which says so
                       parsed.ambiguous_values)


def geometry_id(geometry: shapely.Geometry) -> str:
    """A stable id for a footprint or point: ``G-`` and 12 hex digits of the SHA-256 of its normalised WKB,
    coordinates rounded to 1e-7 degrees (about 1 cm), so the same shape digitised again gets the same id."""
    rounded = shapely.transform(geometry, lambda xy: np.round(xy, 7))
    data = shapely.to_wkb(shapely.normalize(rounded), output_dimension=2, byte_order=1)
    return "G-" + hashlib.sha256(data).hexdigest()[:12]


def _submission_ids(frame: gpd.GeoDataFrame, properties: list[str], rules: Mapping,
                    n: int) -> tuple[pd.Series, str | None]:
    """The submission id of each feature (``dedupe_by``, else KoboToolbox's or ODK's own column; NA where none)
    and the column it comes from."""
    column = find_submission_column(properties, rules.dedupe_by)
    if column is None:
        return pd.Series([None] * n, dtype="str"), None
    return pd.Series(as_text(frame[column]), dtype="str").reset_index(drop=True), column


def find_submission_column(columns: list[str], dedupe_by: str | None = None) -> str | None:
    """The column holding a submission id: ``dedupe_by`` when given (None if the file lacks it), else the first of
    ``_uuid``, ``meta/instanceID`` (any group, ODK Central's ``meta-instanceID``), ``KEY``."""
    if dedupe_by is not None:
        return find_column(dedupe_by, columns)
    for wanted in SUBMISSION_ID_COLUMNS:
        for column in columns:
            if any(candidate == wanted for candidate in name_candidates(column)):
                return column
    return None


def _extra(frame: gpd.GeoDataFrame, columns: tuple[str, ...]) -> pd.Series:
    """The columns that feed no field, as one JSON object per feature (column → text; NA when all are empty)."""
    n = len(frame)
    if not columns:
        return pd.Series([None] * n, dtype="str")
    texts = {c: as_text(frame[c]).to_numpy(dtype=object, na_value=None) for c in columns}
    out = []
    for r in range(n):
        held = {c: texts[c][r] for c in columns if texts[c][r] is not None}
        out.append(json.dumps(held, ensure_ascii=False) if held else None)
    return pd.Series(out, dtype="str")


# Issues of one feature are listed in this order (reading → geometry → place → fields → duplicates).
_CHECK_ORDER = (
    "malformed_feature", "unreadable_geometry", "missing_geometry", "wrong_geometry_type", "multi_to_single",
    "z_dropped", "m_dropped", "coordinates_not_finite", "coordinates_out_of_range", "projected_coordinates",
    "swapped_coordinates", "invalid_polygon", "polygon_repaired", "outside_countries", "wrong_country",
    "antimeridian_split", "near_border", "missing_field", "not_an_integer", "not_a_number", "not_a_date",
    "negative_value", "women_exceed_workers", "future_date", "unknown_category", "unknown_country",
    "conflicting_values", "duplicate_feature",
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


def _column_notes(spec: LayerSpec, fields: FieldMap, rules: Mapping, properties: list[str],
                  lang: str) -> tuple[tuple[Issue, ...], tuple[Issue, ...]]:
    """File-level warnings about columns: before the counted errors (several columns for one field, mapped
    columns the file lacks) and after them (columns kept as extra attributes)."""
    before = []
    for name in fields.duplicates:
        before.append(file_issue("duplicate_column", lang, field=name, used=fields.sources[name][0],
                                 columns=", ".join(fields.sources[name])))
    absent = dict(fields.absent)
    if rules.dedupe_by is not None and find_column(rules.dedupe_by, properties) is None:
        absent[SUBMISSION_ID] = (rules.dedupe_by,)
    for name, missing in absent.items():
        before.append(file_issue("mapped_column_missing", lang, field=name, columns=", ".join(missing),
                                 closest=", ".join(candidates.closest_columns(missing, properties)) or "-"))
    after = []
    if fields.unused:
        after.append(file_issue("unused_columns", lang, layer=spec.name, columns=", ".join(fields.unused)))
    return tuple(before), tuple(after)


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
    precision = parsed["survey_date"].precision if "survey_date" in parsed else None
    values = [{"id_field": id_field, "id": ids[r], "first": int(f),
               "date": format_survey_date(dates[r], None if precision is None else precision[r])}
              for r, f in zip(rows, firsts)]
    return [finding("duplicate_feature", mask, values, id_field)]


def _accepted(spec: LayerSpec, parsed: dict, geometry: np.ndarray, country: np.ndarray, keep: np.ndarray,
              submission: pd.Series, extra: pd.Series) -> gpd.GeoDataFrame:
    """Accepted features: canonical fields in schema order, the import columns, ``_feature``, geometry in EPSG:4326."""
    rows = np.flatnonzero(keep)
    data = {}
    for f in spec.fields:
        if f.name == "country":  # the ISO3 code named (resolved from a name or alias) or derived from the location
            data[f.name] = pd.Series(country[rows], dtype="str")
        else:
            data[f.name] = parsed[f.name].values.iloc[rows].reset_index(drop=True)
    for name in import_columns(spec.name):
        source = {SURVEY_DATE_PRECISION: parsed.get("survey_date") and parsed["survey_date"].precision,
                  SUBMISSION_ID: submission, EXTRA: extra}[name]
        data[name] = pd.Series(source.iloc[rows].to_numpy(dtype=object, na_value=None), dtype="str")
    data[FEATURE_COLUMN] = pd.Series(rows, dtype="int64")
    frame = pd.DataFrame(data)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry[rows], crs=STORE_CRS).values, crs=STORE_CRS)


def _rejected(frame: gpd.GeoDataFrame, rejected: np.ndarray, issues: list[Issue],
              counted: list[tuple[Issue, np.ndarray]] = ()) -> gpd.GeoDataFrame:
    """Rejected features as read (original properties and geometry), with ``_feature`` and ``_reasons``."""
    rows = np.flatnonzero(rejected)
    reasons: dict[int, list[str]] = {}
    for issue, mask in counted:  # a cause said once for the file is still each feature's reason
        for r in np.flatnonzero(mask & rejected):
            reasons.setdefault(int(r), []).append(issue.message)
    for issue in issues:
        if issue.severity == ERROR and rejected[issue.feature]:
            reasons.setdefault(issue.feature, []).append(issue.message)
    out = frame.iloc[rows].copy()
    out[FEATURE_COLUMN] = rows.astype("int64")
    out[REASONS_COLUMN] = pd.Series([" ".join(reasons.get(int(r), [])) for r in rows], index=out.index, dtype="str")
    return out.reset_index(drop=True)


def _empty_accepted(spec: LayerSpec) -> gpd.GeoDataFrame:
    """An accepted frame with no rows, with every canonical and import column and its dtype."""
    data = {f.name: empty_column(f, 0) for f in spec.fields}
    data.update({name: pd.Series([], dtype="str") for name in import_columns(spec.name)})
    data[FEATURE_COLUMN] = pd.Series([], dtype="int64")
    return gpd.GeoDataFrame(pd.DataFrame(data), geometry=gpd.GeoSeries([], crs=STORE_CRS).values, crs=STORE_CRS)


def _empty_rejected() -> gpd.GeoDataFrame:
    """A rejected frame with no rows."""
    frame = pd.DataFrame({FEATURE_COLUMN: pd.Series([], dtype="int64"), REASONS_COLUMN: pd.Series([], dtype="str")})
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=STORE_CRS).values, crs=STORE_CRS)
