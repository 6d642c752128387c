"""Reading uploaded vector files into one frame per file: every feature, in file order, nothing dropped.

:func:`read_features` takes any of

* GeoJSON: a FeatureCollection (RFC 7946), a single Feature or a bare geometry, or newline-delimited
  features (GeoJSONSeq / NDJSON, RFC 8142 record separators allowed); the 2008 ``crs`` member is
  honoured (the frame carries that CRS; :mod:`asmgeo.ingest.validate` reprojects to EPSG:4326). GeoJSON
  is parsed here, not by GDAL, so an entry that is not a Feature or a geometry that cannot be read
  stays a row with an issue instead of vanishing;
* GeoPackage (the layer ``source_layer`` names; without one, its only layer, the one named like the
  target layer, or its only spatial layer — otherwise ``several_layers`` lists them), a zipped
  Shapefile (in any subfolder), KML (all folders, in order, or the folder ``source_layer`` names) and
  KMZ, through pyogrio/GDAL;
* CSV (``,`` ``;`` tab or ``|``) and attribute tables: the geometry is built by :mod:`asmgeo.ingest.tabular`
  from longitude/latitude, WKT or KoboToolbox/ODK GPS columns;
* Excel workbooks (``.xlsx``, KoboToolbox's default export): the first sheet, read like a CSV (the
  first row names the columns, every cell becomes text: whole numbers without ``.0``, dates as
  ``YYYY-MM-DD``); later sheets (Kobo's repeat groups) are not read. The workbook's zip members are
  checked like an archive's and its XML refused when it declares a DOCTYPE or ENTITY, before
  openpyxl parses it;
* a zip holding one of the above (a Shapefile with its side files).

Text is read as UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark; any
other text is read as Windows-1252/Latin-1 with a ``not_utf8`` warning. A file that cannot be read
at all raises :class:`~asmgeo.errors.UploadFileError` carrying an issue code of :mod:`asmgeo.ingest.issues`
(``file_not_found``, ``file_too_large``, ``empty_file``, ``unreadable_file``, ``unsupported_format``,
``not_geographic``, ``several_layers``, ``unknown_source_layer``, ``unknown_crs``, ``xml_doctype``,
``archive_*``). Checks
that need no parsing (size, archive members, the XML prolog of KML) run before anything is parsed;
KML is handed to GDAL only when it declares no DOCTYPE or ENTITY, and archives are unpacked with
:mod:`asmgeo.ingest.archives` into a temporary folder that is removed before returning.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tempfile
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely
from pyogrio.errors import DataLayerError, DataSourceError
from pyproj.exceptions import CRSError

from asmgeo.config import Limits, upload_limits
from asmgeo.errors import UploadFileError
from asmgeo.i18n import DEFAULT_LANGUAGE, t
from asmgeo.ingest import archives
from asmgeo.ingest.issues import Issue, file_issue, finding, issues_from, message
from asmgeo.ingest.tabular import table_geometry

GEOJSON_SUFFIXES = (".geojson", ".json")
GEOJSONSEQ_SUFFIXES = (".geojsonl", ".geojsons", ".ndjson", ".jsonl", ".geojsonseq")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx",)
OGR_SUFFIXES = (".gpkg", ".shp", ".kml")
DATA_SUFFIXES = GEOJSON_SUFFIXES + GEOJSONSEQ_SUFFIXES + CSV_SUFFIXES + OGR_SUFFIXES
ARCHIVE_DATA_SUFFIXES = tuple(s for s in DATA_SUFFIXES if s != ".txt")  # a readme.txt beside a Shapefile is no data
SHAPEFILE_PARTS = (".shx", ".dbf")
ARCHIVE_SUFFIXES = (".zip", ".kmz")
# Formats people try that asmgeo does not read: refused by name before anything is parsed.
UNSUPPORTED_SUFFIXES = (".shx", ".dbf", ".prj", ".cpg", ".xls", ".xlsm", ".xlsb", ".ods", ".gpx", ".gml", ".tif",
                        ".tiff", ".pdf", ".docx", ".doc", ".mbtiles", ".fgb")
RESERVED_COLUMNS = ("geometry", "_feature", "_reasons")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_SQLITE_MAGIC = b"SQLite format 3\x00"
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_DOCTYPE_RE = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_ENCODING_RE = re.compile(r"<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
XML_ENCODINGS = ("utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "iso-8859-1", "latin1", "latin-1", "us-ascii",
                 "ascii", "windows-1252", "cp1252")
_GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
                   "GeometryCollection")
_DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class RawFeatures:
    """Every feature of an uploaded file, as read.

    ``frame`` has one row per feature in file order (index 0…n-1 is the feature number), the
    original property columns with their original names (a property called ``geometry``,
    ``_feature`` or ``_reasons`` is renamed with a ``_1`` suffix) and a ``geometry`` column that is
    None where the feature has no geometry or one that cannot be read. Its CRS is the one the file
    names (None when it names none: CSV, a Shapefile without ``.prj``). ``driver`` names the format
    read, ``geometry_columns`` the columns a tabular geometry was built from, and ``issues`` the
    problems met while reading: file-level warnings and feature errors (``malformed_feature``,
    ``unreadable_geometry``).
    """

    frame: gpd.GeoDataFrame
    driver: str
    geometry_columns: tuple[str, ...] = ()
    issues: tuple[Issue, ...] = ()


def read_features(path: Path | str, layer: str | None = None, limits: Limits | None = None,
                  lang: str = DEFAULT_LANGUAGE, *, source_layer: str | None = None) -> RawFeatures:
    """Read every feature of the file at ``path``.

    ``source_layer`` names the layer (GeoPackage), folder (KML) or file (archive) to read; without it,
    ``layer`` (the target layer) picks among several by name.
    """
    path = Path(path)
    limits = limits if limits is not None else upload_limits()
    try:
        check_file(path, limits, lang)
        if path.suffix.lower() in XLSX_SUFFIXES:
            return _read_xlsx(path, path.name, limits, lang)
        if path.suffix.lower() in ARCHIVE_SUFFIXES or sniff(path) == "zip":
            return _read_archive(path, layer, limits, lang, source_layer)
        return _read_plain(path, path.name, layer, lang, source_layer)
    except OSError as exc:
        raise UploadFileError("unreadable_file", message(
            "unreadable_file", lang, file=path.name, reason=exc.strerror or type(exc).__name__)) from None


def check_file(path: Path, limits: Limits, lang: str = DEFAULT_LANGUAGE) -> None:
    """Raise :class:`UploadFileError` when ``path`` is missing, empty or larger than the upload limit."""
    if not path.is_file():
        raise UploadFileError("file_not_found", message("file_not_found", lang, path=str(path)))
    size = path.stat().st_size
    if size > limits.max_upload_bytes:
        raise UploadFileError("file_too_large", message(
            "file_too_large", lang, file=path.name, size_mb=f"{size / 1024 / 1024:.1f}",
            limit_mb=f"{limits.max_upload_mb:g}"))
    if size == 0:
        raise UploadFileError("empty_file", message("empty_file", lang, file=path.name))


def sniff(path: Path) -> str:
    """The kind of file from its first bytes and name: zip, gpkg, kml, geojson, csv or unsupported."""
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED_SUFFIXES:
        return "unsupported"
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head.startswith(_SQLITE_MAGIC):
        return "gpkg"
    text = _decode_head(head).lstrip("\ufeff\x1e \t\r\n")
    if text.startswith("<"):
        return "kml" if suffix == ".kml" or "<kml" in text.lower() else "unsupported"
    if text.startswith(("{", "[")) or head.lstrip().startswith(b"\x1e") or suffix in GEOJSONSEQ_SUFFIXES:
        return "geojson"
    if suffix in CSV_SUFFIXES or (b"\x00" not in head and suffix not in (".shp", ".gpkg", ".zip")):
        return "csv"
    return "unsupported"


def decode_text(data: bytes) -> tuple[str, str | None]:
    """(text, fallback encoding used or None): UTF-8 or UTF-16 with BOM, else Windows-1252, else Latin-1."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).lstrip("\ufeff"), None
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def check_xml(data: bytes, file_name: str, lang: str = DEFAULT_LANGUAGE) -> None:
    """Refuse XML that declares a DOCTYPE or an ENTITY (never resolved), or an encoding that could hide one.

    The text is searched as decoded and with NUL bytes removed (UTF-16/32 without a byte-order
    mark); an XML declaration naming an encoding outside :data:`XML_ENCODINGS` (UTF-7, EBCDIC…) is
    refused as unreadable, since a DOCTYPE could hide in it.
    """
    text, _ = decode_text(data)
    flat = data.replace(b"\x00", b"").decode("latin-1")
    if _DOCTYPE_RE.search(text) or _DOCTYPE_RE.search(flat):
        raise UploadFileError("xml_doctype", message("xml_doctype", lang, file=file_name))
    declared = _XML_ENCODING_RE.match(flat.lstrip("\ufeff\xef\xbb\xbf\xff\xfe \t\r\n"))
    if declared and declared[1].lower() not in XML_ENCODINGS:
        raise UploadFileError("unreadable_file", message(
            "unreadable_file", lang, file=file_name, reason=t("reason.xml_encoding", lang, encoding=declared[1])))


def _decode_head(head: bytes) -> str:
    """The first bytes as text, for sniffing (never fails)."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return head.decode(encoding, errors="ignore")
    return head.replace(b"\x00", b"").decode("utf-8", errors="ignore")  # UTF-16/32 without a byte-order mark


def _read_plain(path: Path, file_name: str, layer: str | None, lang: str,
                source_layer: str | None = None) -> RawFeatures:
    """Read a file that is not an archive."""
    if path.suffix.lower() == ".shp":
        if not _has_parts(path):
            raise UploadFileError("unsupported_format", message("unsupported_format", lang, file=file_name))
        return _read_ogr(path, file_name, layer, lang, source_layer)
    kind = sniff(path)
    if kind == "unsupported":
        raise UploadFileError("unsupported_format", message("unsupported_format", lang, file=file_name))
    if kind == "zip":
        raise UploadFileError("archive_no_data", message("archive_no_data", lang, file=file_name))
    if kind == "gpkg":
        return _read_ogr(path, file_name, layer, lang, source_layer)
    data = path.read_bytes()
    if not data.strip(b" \t\r\n\x1e\xef\xbb\xbf"):
        raise UploadFileError("empty_file", message("empty_file", lang, file=file_name))
    if kind == "kml":
        check_xml(data, file_name, lang)
        return _read_ogr(path, file_name, None, lang, source_layer)
    text, fallback = decode_text(data)
    del data
    notices = [file_issue("not_utf8", lang, file=file_name, encoding=fallback)] if fallback else []
    if kind == "geojson":
        raw = _read_geojson(text, file_name, path.suffix.lower() in GEOJSONSEQ_SUFFIXES, lang)
    else:
        raw = _read_csv(text, file_name, lang)
    return RawFeatures(raw.frame, raw.driver, raw.geometry_columns, (*notices, *raw.issues))


def _has_parts(shp: Path) -> bool:
    """True when the ``.shx`` and ``.dbf`` of a Shapefile sit beside it (any case)."""
    siblings = {p.name.lower() for p in shp.parent.iterdir()}
    return all(f"{shp.stem.lower()}{suffix}" in siblings for suffix in SHAPEFILE_PARTS)


def _read_archive(path: Path, layer: str | None, limits: Limits, lang: str,
                  source_layer: str | None = None) -> RawFeatures:
    """Unpack a zip or KMZ safely and read the one data file in it (or the one ``source_layer`` names)."""
    with tempfile.TemporaryDirectory(prefix="asmgeo-upload-") as folder:
        files = archives.extract(path, Path(folder), limits, lang)
        data = [f for f in files if f.suffix.lower() in ARCHIVE_DATA_SUFFIXES]
        if path.suffix.lower() == ".kmz":
            data = [f for f in data if f.suffix.lower() == ".kml"] or data
        if not data:
            raise UploadFileError("archive_no_data", message("archive_no_data", lang, file=path.name))
        named = _named_file(data, source_layer, Path(folder)) if source_layer and len(data) > 1 else None
        chosen = named or _choose(data, layer, path, Path(folder))
        if chosen is None:
            names = ", ".join(str(f.relative_to(folder)) for f in data)
            code = "unknown_source_layer" if source_layer else "several_layers"
            raise UploadFileError(code, message(code, lang, file=path.name, layers=names,
                                                layer=source_layer or layer or "?"))
        return _read_plain(chosen, f"{path.name}/{chosen.relative_to(folder).as_posix()}", layer, lang,
                           None if named else source_layer)


def _named_file(files: list[Path], name: str, folder: Path) -> Path | None:
    """The data file of an archive called ``name`` (its path in the archive, its file name or its stem)."""
    wanted = name.strip().replace("\\", "/").casefold()
    for key in (lambda f: f.relative_to(folder).as_posix(), lambda f: f.name, lambda f: f.stem):
        found = [f for f in files if key(f).casefold() == wanted]
        if len(found) == 1:
            return found[0]
    return None


def _choose(files: list[Path], layer: str | None, archive: Path, folder: Path) -> Path | None:
    """The data file to read from an archive: the only one, one named like the layer, or KMZ's doc.kml."""
    if len(files) == 1:
        return files[0]
    if archive.suffix.lower() == ".kmz":
        top = [f for f in files if f.parent == folder]
        return next((f for f in top if f.name.lower() == "doc.kml"), top[0] if top else files[0])
    named = [f for f in files if layer and f.stem.lower() == layer.lower()]
    return named[0] if len(named) == 1 else None


# --- GeoJSON ------------------------------------------------------------------------------------------


def _read_geojson(text: str, file_name: str, sequence: bool, lang: str) -> RawFeatures:
    """Parse GeoJSON text (a document or a sequence of features) into every feature it holds."""
    stripped = text.lstrip("\ufeff \t\r\n")
    crs = "EPSG:4326"
    if sequence or stripped.startswith("\x1e"):
        entries, errors = _json_lines(stripped, lang)
        driver = "GeoJSONSeq"
    else:
        try:
            doc = json.loads(stripped)
        except json.JSONDecodeError as exc:
            if exc.msg != "Extra data":
                raise UploadFileError("unreadable_file", message(
                    "unreadable_file", lang, file=file_name,
                    reason=t("reason.json_syntax", lang, line=exc.lineno, column=exc.colno, detail=exc.msg))) from None
            entries, errors = _json_lines(stripped, lang)
            driver = "GeoJSONSeq"
        else:
            entries, crs = _document_entries(doc, file_name, lang)
            errors = {}
            driver = "GeoJSON"
    if not entries:
        raise UploadFileError("empty_file", message("empty_file", lang, file=file_name))
    return _frame_from_entries(entries, errors, crs, driver, lang)


def _json_lines(text: str, lang: str) -> tuple[list[object], dict[int, str]]:
    """One entry per non-blank line (RS separators stripped); lines that are not JSON become None with a reason."""
    entries: list[object] = []
    errors: dict[int, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip("\x1e \t\r")
        if not line:
            continue
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError as exc:
            errors[len(entries)] = t("reason.json_line", lang, line=number, detail=exc.msg)
            entries.append(None)
    return entries, errors


def _document_entries(doc: object, file_name: str, lang: str) -> tuple[list[object], str]:
    """The feature entries of a GeoJSON document and the CRS it names (EPSG:4326 by default)."""
    kind = doc.get("type") if isinstance(doc, dict) else None
    if kind == "FeatureCollection" and isinstance(doc.get("features"), list):
        return doc["features"], _crs_member(doc, file_name, lang)
    if kind == "Feature":
        return [doc], _crs_member(doc, file_name, lang)
    if kind in _GEOMETRY_TYPES:
        return [{"type": "Feature", "geometry": doc, "properties": {}}], _crs_member(doc, file_name, lang)
    raise UploadFileError("unreadable_file", message("unreadable_file", lang, file=file_name,
                                                     reason=_type_reason(doc, kind, lang)))


_TOP_TYPES = ("FeatureCollection", "Feature", *_GEOMETRY_TYPES)


def _type_reason(doc: object, kind: object, lang: str) -> str:
    """Why a GeoJSON document is not one: a type in the wrong case, a collection without a features list…"""
    if kind == "FeatureCollection":
        return t("reason.geojson_no_features", lang)
    written = next((name for name in _TOP_TYPES if isinstance(kind, str) and kind.casefold() == name.casefold()), None)
    if written is not None:
        return t("reason.geojson_type_case", lang, kind=repr(kind), written=written)
    if kind:
        return t("reason.geojson_type", lang, kind=repr(kind))
    return t("reason.geojson_no_type", lang)


def _crs_member(doc: dict, file_name: str, lang: str) -> str:
    """The CRS named by the 2008 GeoJSON ``crs`` member (``name`` or ``EPSG`` type), else EPSG:4326."""
    member = doc.get("crs")
    if member is None:
        return "EPSG:4326"
    properties = member.get("properties") if isinstance(member, dict) else None
    properties = properties if isinstance(properties, dict) else {}
    kind = str(member.get("type", "")).lower() if isinstance(member, dict) else ""
    text = properties.get("name") if kind == "name" else (
        f"EPSG:{properties.get('code')}" if kind == "epsg" else None)
    try:
        if text is None:
            raise CRSError(f"crs member of type {kind!r}")
        return pyproj.CRS.from_user_input(text).to_string()
    except CRSError:
        shown = text if text is not None else json.dumps(member)[:80]
        raise UploadFileError("unknown_crs", message("unknown_crs", lang, file=file_name, crs=shown)) from None


def _frame_from_entries(entries: list[object], errors: dict[int, str], crs: str, driver: str,
                        lang: str) -> RawFeatures:
    """A frame with one row per entry; entries that are not Features keep a row with a malformed_feature issue."""
    n = len(entries)
    properties: list[dict] = [{}] * n
    geometries: list[object] = [None] * n
    malformed: dict[int, str] = dict(errors)
    for i, entry in enumerate(entries):
        if i in malformed:
            continue
        if not isinstance(entry, dict):
            malformed[i] = t("reason.not_json_object", lang)
            continue
        if entry.get("type") != "Feature":
            kind = entry.get("type")
            malformed[i] = (t("reason.geojson_type_case", lang, kind=repr(kind), written="Feature")
                            if isinstance(kind, str) and kind.casefold() == "feature"
                            else t("reason.not_feature", lang, kind=repr(kind)))
        props = entry.get("properties")
        if isinstance(props, dict):
            properties[i] = props
        elif props is not None:
            malformed.setdefault(i, t("reason.properties_not_object", lang))
        geometries[i] = entry.get("geometry")
    geometry, unreadable = _geometries(geometries)
    for i in malformed:
        unreadable.pop(i, None)
    frame = pd.DataFrame.from_records(properties) if n else pd.DataFrame()
    if len(frame) != n:  # every feature without properties
        frame = pd.DataFrame(index=pd.RangeIndex(n))
    frame = _safe_columns(frame)
    frame = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=crs).values, crs=crs)
    issues = _row_issues("malformed_feature", malformed, lang, "reason")
    issues += _row_issues("unreadable_geometry", unreadable, lang, "value")
    return RawFeatures(frame, driver, (), tuple(sorted(issues, key=lambda i: i.feature)))


def _geometries(items: list[object]) -> tuple[np.ndarray, dict[int, str]]:
    """Shapely geometries from GeoJSON geometry objects (fast path for points); unreadable ones → None + text."""
    n = len(items)
    out = np.full(n, None, dtype=object)
    xs, ys, zs = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    is_point = np.zeros(n, dtype=bool)
    others: list[int] = []
    for i, item in enumerate(items):
        if item is None:
            continue
        if isinstance(item, dict) and item.get("type") == "Point":
            c = item.get("coordinates")
            if isinstance(c, list) and 2 <= len(c) and all(type(v) in (int, float) for v in c[:3]):
                xs[i], ys[i] = c[0], c[1]
                if len(c) > 2:
                    zs[i] = c[2]
                is_point[i] = True
                continue
        others.append(i)
    flat = is_point & np.isnan(zs)
    out[flat] = shapely.points(xs[flat], ys[flat])
    deep = is_point & ~np.isnan(zs)
    out[deep] = shapely.points(xs[deep], ys[deep], zs[deep])
    unreadable: dict[int, str] = {}
    if others:
        texts = [json.dumps(items[i]) if isinstance(items[i], dict) else None for i in others]
        parsed = shapely.from_geojson(np.array(texts, dtype=object), on_invalid="ignore")
        for i, text, geometry in zip(others, texts, parsed):
            if geometry is None:
                unreadable[i] = (text or json.dumps(items[i]))[:120]
            else:
                out[i] = geometry
    return out, unreadable


# --- CSV ----------------------------------------------------------------------------------------------


def _read_csv(text: str, file_name: str, lang: str) -> RawFeatures:
    """Read CSV text as strings (nothing converted) and build the geometry from its coordinate columns.

    The header is read as a row like the others, so a row with more cells than the header is an
    error naming its line instead of silently shifting or dropping cells.
    """
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    sep = max(_DELIMITERS, key=header.count)
    try:
        rows = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
                           skip_blank_lines=True)
    except pd.errors.EmptyDataError:
        raise UploadFileError("empty_file", message("empty_file", lang, file=file_name)) from None
    except (pd.errors.ParserError, ValueError) as exc:
        raise UploadFileError("unreadable_file", message(
            "unreadable_file", lang, file=file_name, reason=_csv_reason(str(exc), lang))) from None
    if len(rows) < 2:
        raise UploadFileError("empty_file", message("empty_file", lang, file=file_name))
    frame = rows.iloc[1:].reset_index(drop=True).fillna("")
    frame.columns = _unique_names(rows.iloc[0].fillna("").tolist())
    return _tabular(frame, file_name, "CSV", None, lang)


def _csv_reason(text: str, lang: str) -> str:
    """pandas' tokenizer message in plain words ("line 7 has 6 cells, the header has 5")."""
    match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text)
    if match:
        return t("reason.csv_cells", lang, line=match[2], cells=match[3], header=match[1])
    return text.strip().splitlines()[-1].rstrip(".") if text.strip() else t("reason.not_csv", lang)


def _unique_names(names: list[str]) -> list[str]:
    """Header cells as column names: blank ones become ``column_<n>``, repeats get ``.1``, ``.2``…"""
    seen: set[str] = set()
    result = []
    for number, name in enumerate(names, start=1):
        base = str(name) if str(name).strip() else f"column_{number}"
        candidate, k = base, 0
        while candidate in seen:
            k += 1
            candidate = f"{base}.{k}"
        seen.add(candidate)
        result.append(candidate)
    return result


def _tabular(frame: pd.DataFrame, file_name: str, driver: str, crs: object, lang: str) -> RawFeatures:
    """Features of a table without geometry: coordinates from its columns, or ``not_geographic``."""
    frame = frame.reset_index(drop=True)
    built = table_geometry(frame)
    if built is None:
        raise UploadFileError("not_geographic", message("not_geographic", lang, file=file_name))
    renamed = _safe_columns(frame)
    names = dict(zip(frame.columns, renamed.columns))
    result = gpd.GeoDataFrame(renamed, geometry=gpd.GeoSeries(built.geometry, crs=crs).values, crs=crs)
    issues = _row_issues("unreadable_geometry", built.unreadable, lang, "value")
    return RawFeatures(result, driver, tuple(names[c] for c in built.columns), tuple(issues))


# --- Excel -------------------------------------------------------------------------------------------------


def _read_xlsx(path: Path, file_name: str, limits: Limits, lang: str) -> RawFeatures:
    """Read the first sheet of an Excel workbook as text cells and build the geometry like for a CSV."""
    check_workbook(path, file_name, limits, lang)
    from openpyxl import load_workbook  # imported here: only an .xlsx upload needs it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it ignores
            book = load_workbook(path, read_only=True, data_only=True)
            try:
                rows = [[_xlsx_text(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
            finally:
                book.close()
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, OSError) as exc:
        raise _not_a_workbook(exc, file_name, lang) from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise UploadFileError("empty_file", message("empty_file", lang, file=file_name))
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    used = [i for i in range(width) if any(row[i] for row in rows)]  # columns styled but never filled go
    header = _unique_names([rows[0][i] for i in used])
    frame = pd.DataFrame([[row[i] for i in used] for row in rows[1:]], columns=header, dtype="str")
    return _tabular(frame, file_name, "XLSX", None, lang)


def check_workbook(path: Path, file_name: str, limits: Limits, lang: str = DEFAULT_LANGUAGE) -> None:
    """Refuse a workbook whose zip breaks the archive rules, unpacks past the limit or holds XML with a DOCTYPE."""
    try:
        with zipfile.ZipFile(path) as book:
            archives.check_members(book, file_name, limits, lang)
            budget = limits.max_uncompressed_bytes
            for info in book.infolist():
                if info.is_dir():
                    continue
                with book.open(info) as source:
                    budget = archives.copy_capped(source, _XmlScan(file_name, lang), budget, file_name, limits, lang)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
        raise _not_a_workbook(exc, file_name, lang) from None


def _not_a_workbook(exc: BaseException, file_name: str, lang: str) -> UploadFileError:
    """``unreadable_file`` for a workbook openpyxl or zipfile could not open, with their reason."""
    text = str(exc).strip()
    reason = text.splitlines()[0].rstrip(".") if text else type(exc).__name__
    return UploadFileError("unreadable_file", message(
        "unreadable_file", lang, file=file_name, reason=t("reason.not_workbook", lang, detail=reason)))


class _XmlScan:
    """A sink for :func:`asmgeo.ingest.archives.copy_capped` that refuses XML declaring a DOCTYPE or ENTITY anywhere."""

    _OVERLAP = 256  # characters kept from one chunk to the next, so a declaration cut in two is still seen

    def __init__(self, file_name: str, lang: str) -> None:
        self.file_name, self.lang, self.tail, self.first = file_name, lang, "", True

    def write(self, chunk: bytes) -> None:
        if self.first:
            check_xml(chunk, self.file_name, self.lang)  # also the encoding its XML declaration names
            self.first = False
        flat = self.tail + chunk.replace(b"\x00", b"").decode("latin-1")
        if _DOCTYPE_RE.search(flat):
            raise UploadFileError("xml_doctype", message("xml_doctype", self.lang, file=self.file_name))
        self.tail = flat[-self._OVERLAP:]


def _xlsx_text(value: object) -> str:
    """One cell as the text a CSV export would hold ("" when empty)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


# --- GDAL formats ---------------------------------------------------------------------------------------


def _read_ogr(path: Path, file_name: str, layer: str | None, lang: str,
              source_layer: str | None = None) -> RawFeatures:
    """Read a GeoPackage, Shapefile or KML through pyogrio (KML: every folder in order, or the one named)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            listed = [(str(name), kind) for name, kind in pyogrio.list_layers(path)]
            layers = [name for name, _ in listed]
            if not layers:
                raise UploadFileError("empty_file", message("empty_file", lang, file=file_name))
            driver = pyogrio.read_info(path, layer=layers[0])["driver"]
            if source_layer:
                frame = _read_layer(path, _named_layer(layers, source_layer, file_name, lang))
            elif driver in ("LIBKML", "KML"):
                frames = [_read_layer(path, name) for name in layers]
                frames = [f for f in frames if len(f)]
                frame = pd.concat(frames, ignore_index=True) if frames else None
            else:
                frame = _read_layer(path, _pick_layer(listed, layer, file_name, lang))
    except (DataSourceError, DataLayerError, OSError, RuntimeError) as exc:
        reason = str(exc).strip().splitlines()[0].rstrip(".") if str(exc).strip() else type(exc).__name__
        raise UploadFileError("unreadable_file", message("unreadable_file", lang, file=file_name, reason=reason)) from None
    if frame is None or len(frame) == 0:
        raise UploadFileError("empty_file", message("empty_file", lang, file=file_name))
    if not isinstance(frame, gpd.GeoDataFrame):
        plain = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
        return _tabular(plain, file_name, driver, None, lang)
    properties = _safe_columns(pd.DataFrame(frame.drop(columns=frame.geometry.name)))
    result = gpd.GeoDataFrame(properties.reset_index(drop=True), geometry=frame.geometry.values, crs=frame.crs)
    return RawFeatures(result, driver)


def _read_layer(path: Path, name: str) -> pd.DataFrame:
    """One layer as a (Geo)DataFrame."""
    return pyogrio.read_dataframe(path, layer=name, use_arrow=True)


def list_source_layers(path: Path | str) -> list[str]:
    """The layers (GeoPackage) or folders (KML) of a file, for a picker; [] for a file that has none or one."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            names = [str(name) for name, _ in pyogrio.list_layers(Path(path))]
    except (DataSourceError, DataLayerError, OSError, RuntimeError):
        return []
    return names if len(names) > 1 else []


def _named_layer(layers: list[str], wanted: str, file_name: str, lang: str) -> str:
    """The layer called ``wanted`` (exactly, else without regard to case); ``unknown_source_layer`` otherwise."""
    if wanted in layers:
        return wanted
    same = [name for name in layers if name.casefold() == wanted.strip().casefold()]
    if len(same) == 1:
        return same[0]
    raise UploadFileError("unknown_source_layer", message(
        "unknown_source_layer", lang, file=file_name, layer=wanted, layers=", ".join(layers)))


def _pick_layer(listed: list[tuple[str, object]], wanted: str | None, file_name: str, lang: str) -> str:
    """The only layer, the one named like the target layer, or the only spatial one; ``several_layers`` otherwise."""
    layers = [name for name, _ in listed]
    if len(layers) == 1:
        return layers[0]
    named = [name for name in layers if wanted and name.lower() == wanted.lower()]
    if len(named) == 1:
        return named[0]
    spatial = [name for name, kind in listed if kind]
    if len(spatial) == 1:
        return spatial[0]
    raise UploadFileError("several_layers", message(
        "several_layers", lang, file=file_name, layers=", ".join(layers), layer=wanted or "?"))


# --- shared -----------------------------------------------------------------------------------------------


def _safe_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with string column names, a property named like a reserved column renamed ``<name>_1``."""
    taken = {str(c) for c in frame.columns}
    renamed = []
    for column in frame.columns:
        name = str(column)
        if name in RESERVED_COLUMNS:
            number = 1
            while f"{name}_{number}" in taken:
                number += 1
            name = f"{name}_{number}"
            taken.add(name)
        renamed.append(name)
    frame = frame.copy(deep=False)
    frame.columns = renamed
    return frame


def _row_issues(code: str, rows: dict[int, str], lang: str, placeholder: str) -> list[Issue]:
    """Feature issues of ``code`` for ``rows`` (feature → text filling ``placeholder``)."""
    if not rows:
        return []
    ordered = sorted(rows)
    return issues_from(finding(code, np.isin(np.arange(max(ordered) + 1), ordered),
                               [{placeholder: rows[i]} for i in ordered]), lang)
