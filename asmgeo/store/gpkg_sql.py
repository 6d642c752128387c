"""SQL on a GeoPackage through Python's sqlite3: rows, geometry blobs, spatial index, table versions.

GDAL (pyogrio) writes features in transactions of its own, so a write that must be one transaction
with other rows (an import batch and its record, an edition of ratings) is done here instead, on one
sqlite3 connection: feature rows are written as GeoPackage geometry blobs (the ``GP`` header, an
envelope unless the geometry is a point, then ISO WKB), the layer's R-tree and feature count are
kept up to date in the same transaction, and the layer's extent in ``gpkg_contents`` grows to hold
the new rows. Values are written as GDAL writes them (dates as ISO text, booleans as 0/1, NaN as
NULL), so pyogrio, QGIS and asmgeo read back what they would have read had GDAL written the rows.

Nothing outside :mod:`asmgeo.store` uses this module.
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

VERSIONS_TABLE = "asmgeo_table_versions"  # one row per table: how many writes it has seen
REBUILD_RATIO = 2  # new rows ≥ indexed rows / this: the R-tree is rebuilt packed rather than added to row by row
BUSY_TIMEOUT_S = 30
_FLAG_LITTLE_ENDIAN, _FLAG_ENVELOPE_XY, _FLAG_EMPTY = 0x01, 0x02, 0x10


def connect(path: str | Path) -> sqlite3.Connection:
    """A connection in WAL mode, explicit transactions, with the SQL functions GeoPackage triggers call."""
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    register_functions(connection)
    return connection


def quote(name: str) -> str:
    """``name`` as an SQL identifier."""
    return '"' + str(name).replace('"', '""') + '"'


def literal(value: object) -> str:
    """``value`` (text, number, boolean or None) as an SQL literal, for filters handed to GDAL."""
    if value is None:
        return "NULL"
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        if not np.isfinite(number):
            raise ValueError(f"value={value!r} cannot be matched")
        return repr(int(value)) if isinstance(value, int | np.integer) else repr(number)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise ValueError(f"value={value!r} must be text, a number, a boolean or None")


# ------------------------------------------------------------------ the functions of the R-tree triggers


def _envelope(blob: bytes | None) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) of a GeoPackage geometry blob (None: NULL or empty)."""
    if blob is None or len(blob) < 8:
        return None
    flags = blob[3]
    if flags & _FLAG_EMPTY:
        return None
    order = "<" if flags & _FLAG_LITTLE_ENDIAN else ">"
    if (flags >> 1) & 0x07:  # an envelope follows the header: minx, maxx, miny, maxy first
        return struct.unpack_from(order + "4d", blob, 8)
    minx, miny, maxx, maxy = shapely.bounds(shapely.from_wkb(bytes(blob[8:])))
    if np.isnan(minx):
        return None
    return (float(minx), float(maxx), float(miny), float(maxy))


def register_functions(connection: sqlite3.Connection) -> None:
    """ST_IsEmpty, ST_MinX, ST_MaxX, ST_MinY and ST_MaxY, which GDAL's R-tree triggers call."""
    last: list = [None, None]  # a trigger asks for the four bounds of one blob in a row

    def envelope(blob):
        if blob is not None and blob == last[0]:
            return last[1]
        found = _envelope(blob)
        last[0], last[1] = blob, found
        return found

    def is_empty(blob):
        if blob is None:
            return None
        return int(len(blob) < 8 or bool(blob[3] & _FLAG_EMPTY) or envelope(blob) is None)

    connection.create_function("ST_IsEmpty", 1, is_empty, deterministic=True)
    for index, name in enumerate(("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")):
        connection.create_function(
            name, 1, lambda blob, i=index: None if (found := envelope(blob)) is None else found[i], deterministic=True)


# ------------------------------------------------------------------ tables


def table_exists(connection: sqlite3.Connection, name: str) -> bool:
    """True when a table ``name`` exists."""
    return connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def table_columns(connection: sqlite3.Connection, name: str) -> dict[str, str]:
    """Column name → declared type (upper case) of table ``name``, in table order."""
    return {row[1]: str(row[2] or "").upper() for row in connection.execute(f"PRAGMA table_info({quote(name)})")}


def primary_key(connection: sqlite3.Connection, name: str) -> str:
    """The integer primary key column of table ``name`` (GDAL's ``fid``)."""
    for row in connection.execute(f"PRAGMA table_info({quote(name)})"):
        if row[5]:
            return row[1]
    return "rowid"


def geometry_column(connection: sqlite3.Connection, table: str) -> tuple[str, int] | None:
    """(column, srs_id) of a features table, None for an attribute table."""
    if not table_exists(connection, "gpkg_geometry_columns"):
        return None
    row = connection.execute("SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE lower(table_name) = lower(?)",
                             (table,)).fetchone()
    return None if row is None else (str(row[0]), int(row[1]))


def sql_type(series: pd.Series) -> str:
    """The GeoPackage column type GDAL gives a column of this dtype."""
    kind = series.dtype.kind
    return {"M": "DATETIME", "b": "BOOLEAN", "i": "INTEGER", "u": "INTEGER", "f": "REAL"}.get(kind, "TEXT")


def add_columns(connection: sqlite3.Connection, table: str, frame: pd.DataFrame, skip: Iterable[str] = ()) -> list[str]:
    """Add to ``table`` every column of ``frame`` it lacks (typed as GDAL would); returns their names."""
    present = {name.lower() for name in table_columns(connection, table)} | {name.lower() for name in skip}
    added = []
    for column in frame.columns:
        if str(column).lower() not in present:
            connection.execute(f"ALTER TABLE {quote(table)} ADD COLUMN {quote(column)} {sql_type(frame[column])}")
            added.append(str(column))
    return added


def create_attribute_table(connection: sqlite3.Connection, name: str, columns: Mapping[str, str]) -> None:
    """Create ``name`` as a GeoPackage attribute table (QGIS and OGR list it) unless it exists."""
    typed = ", ".join(f"{quote(column)} {kind}" for column, kind in columns.items())
    connection.execute(f"CREATE TABLE IF NOT EXISTS {quote(name)} (fid INTEGER PRIMARY KEY AUTOINCREMENT, {typed})")
    connection.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier) "
                       "VALUES (?, 'attributes', ?)", (name, name))


def select_rows(connection: sqlite3.Connection, table: str, columns: Sequence[str], where: str = "",
                params: Sequence[object] = (), order: str = "") -> list[dict[str, object]]:
    """Rows of ``table`` as dicts of ``columns`` (``where`` and ``order`` are SQL made in this package)."""
    quoted = ", ".join(quote(c) for c in columns)
    sql = f"SELECT {quoted} FROM {quote(table)}" + (f" WHERE {where}" if where else "") + (f" ORDER BY {order}" if order else "")
    return [dict(zip(columns, values)) for values in connection.execute(sql, tuple(params))]


def insert_rows(connection: sqlite3.Connection, table: str, rows: Sequence[Mapping[str, object]],
                columns: Sequence[str]) -> None:
    """Insert plain rows (values already as SQLite takes them) into ``table``."""
    if not rows:
        return
    quoted = ", ".join(quote(c) for c in columns)
    marks = ", ".join("?" for _ in columns)
    connection.executemany(f"INSERT INTO {quote(table)} ({quoted}) VALUES ({marks})",
                           [[row.get(c) for c in columns] for row in rows])


def insert_frame(connection: sqlite3.Connection, table: str, frame: pd.DataFrame) -> int:
    """Insert the rows of an attribute ``frame`` into ``table`` (adding the columns it lacks); how many."""
    add_columns(connection, table, frame)
    declared = {name.lower(): kind for name, kind in table_columns(connection, table).items()}
    columns = [str(c) for c in frame.columns]
    values = [column_values(frame[c], declared.get(c.lower(), "")) for c in columns]
    quoted = ", ".join(quote(c) for c in columns)
    marks = ", ".join("?" for _ in columns)
    connection.executemany(f"INSERT INTO {quote(table)} ({quoted}) VALUES ({marks})", zip(*values))
    return len(frame)


# ------------------------------------------------------------------ values as GDAL writes them


def column_values(series: pd.Series, declared: str = "") -> list:
    """The values of ``series`` as GDAL would store them in a column of type ``declared``."""
    kind = series.dtype.kind
    missing = series.isna().to_numpy()
    if kind == "M":
        text = _datetime_text(series, date_only=declared == "DATE")
    elif kind == "b":
        text = series.astype(object).map(lambda v: None if v is None or v is pd.NA else int(bool(v)))
    elif kind in "iuf" and not isinstance(series.dtype, pd.api.extensions.ExtensionDtype):
        text = series.astype(object)
    elif kind == "O" and pd.api.types.infer_dtype(series, skipna=True) not in ("string", "empty"):
        text = series.astype(object).map(_plain)
    else:
        text = series.astype(object)
    values = text.tolist()
    if missing.any():
        for index in np.flatnonzero(missing):
            values[index] = None
    return values


def _plain(value: object) -> object:
    """One value of a mixed column as SQLite takes it."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return _datetime_text(pd.Series([value]), date_only=False)[0]
    if hasattr(value, "isoformat"):  # datetime.date / datetime.datetime
        return value.isoformat()
    if isinstance(value, int | float | str | bytes):
        return value
    return str(value)


def _datetime_text(series: pd.Series, date_only: bool) -> pd.Series:
    """``YYYY-MM-DDTHH:MM:SS[.sss][Z]`` (UTC for a time-zone aware column), or ``YYYY-MM-DD``."""
    aware = getattr(series.dtype, "tz", None) is not None
    naive = series.dt.tz_convert("UTC").dt.tz_localize(None) if aware else series
    stamps = naive.to_numpy(dtype="datetime64[ms]")
    if date_only:
        return pd.Series(np.datetime_as_string(stamps, unit="D"), index=series.index, dtype=object)
    text = np.datetime_as_string(stamps, unit="s").astype(object)
    with_millis = (stamps.astype(np.int64) % 1000 != 0) & ~np.isnat(stamps)
    if with_millis.any():
        text[with_millis] = np.datetime_as_string(stamps[with_millis], unit="ms")
    if aware:
        text = text + "Z"
    return pd.Series(text, index=series.index, dtype=object)


# ------------------------------------------------------------------ geometry blobs


def geometry_blobs(geometries: np.ndarray, srs_id: int) -> tuple[list, np.ndarray, np.ndarray]:
    """GeoPackage blobs of ``geometries``, their bounds (minx, miny, maxx, maxy) and which have an envelope.

    Like GDAL: a point carries no envelope, an empty geometry sets the empty flag, a missing one is NULL.
    """
    missing = shapely.is_missing(geometries)
    empty = shapely.is_empty(geometries) & ~missing
    points = shapely.get_type_id(geometries) == 0
    wkb = shapely.to_wkb(geometries, byte_order=1, flavor="iso")
    bounds = shapely.bounds(geometries)
    indexed = ~missing & ~empty & ~np.isnan(bounds).any(axis=1)
    srs = struct.pack("<i", srs_id)
    point_head = bytes([0x47, 0x50, 0, _FLAG_LITTLE_ENDIAN]) + srs
    empty_head = bytes([0x47, 0x50, 0, _FLAG_LITTLE_ENDIAN | _FLAG_EMPTY]) + srs
    if indexed.all() and points.all():
        return [point_head + w for w in wkb], bounds, indexed
    envelope_head = bytes([0x47, 0x50, 0, _FLAG_LITTLE_ENDIAN | _FLAG_ENVELOPE_XY]) + srs
    envelopes = np.ascontiguousarray(bounds[:, [0, 2, 1, 3]], dtype="<f8").tobytes()
    blobs = []
    for index, body in enumerate(wkb):
        if missing[index] or body is None:
            blobs.append(None)
        elif empty[index] or not indexed[index]:
            blobs.append(empty_head + body)
        elif points[index]:
            blobs.append(point_head + body)
        else:
            blobs.append(envelope_head + envelopes[32 * index: 32 * index + 32] + body)
    return blobs, bounds, indexed


def insert_features(connection: sqlite3.Connection, table: str, frame: gpd.GeoDataFrame) -> int:
    """Insert ``frame`` (already in the layer's CRS) into the features table ``table``; how many rows.

    Columns the table lacks are added. The R-tree insert and feature-count triggers are set aside
    for the bulk insert and put back, their work done in bulk instead (the index in space-filling
    curve order), all inside the caller's transaction: a failure or a kill leaves nothing of it.
    """
    if frame.empty:
        return 0
    found = geometry_column(connection, table)
    if found is None:
        raise ValueError(f"{table!r} is not a features table")
    geometry, srs_id = found
    attributes = frame.drop(columns=frame.geometry.name)
    add_columns(connection, table, attributes, skip=(geometry,))
    declared = {name.lower(): kind for name, kind in table_columns(connection, table).items()}
    fid = primary_key(connection, table)
    blobs, bounds, indexed = geometry_blobs(frame.geometry.to_numpy(), srs_id)
    columns = [str(c) for c in attributes.columns]
    values = [column_values(attributes[c], declared.get(c.lower(), "")) for c in columns]
    start = _last_fid(connection, table, fid)
    fids = list(range(start + 1, start + 1 + len(frame)))
    rtree = f"rtree_{table}_{geometry}"
    set_aside = _triggers(connection, table, (f"{rtree}_insert", f"trigger_insert_feature_count_{table}"))
    for name in set_aside:
        connection.execute(f"DROP TRIGGER {quote(name)}")
    quoted = ", ".join(quote(c) for c in (fid, geometry, *columns))
    marks = ", ".join("?" for _ in range(len(columns) + 2))
    connection.executemany(f"INSERT INTO {quote(table)} ({quoted}) VALUES ({marks})", zip(fids, blobs, *values))
    if table_exists(connection, rtree):
        _index(connection, rtree, np.asarray(fids), bounds, indexed)
    if f"trigger_insert_feature_count_{table}" in set_aside:
        connection.execute("UPDATE gpkg_ogr_contents SET feature_count = feature_count + ? "
                           "WHERE lower(table_name) = lower(?)", (len(frame), table))
    for sql in set_aside.values():
        connection.execute(sql)
    _grow_extent(connection, table, bounds[indexed])
    return len(frame)


def _last_fid(connection: sqlite3.Connection, table: str, fid: str) -> int:
    """The largest fid the table has ever given (AUTOINCREMENT never reuses one)."""
    sequence = 0
    if table_exists(connection, "sqlite_sequence"):
        row = connection.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
        sequence = int(row[0]) if row and row[0] is not None else 0
    (largest,) = connection.execute(f"SELECT max({quote(fid)}) FROM {quote(table)}").fetchone()
    return max(sequence, int(largest or 0))


def _triggers(connection: sqlite3.Connection, table: str, names: Iterable[str]) -> dict[str, str]:
    """Name → SQL of those of ``names`` that are triggers on ``table``."""
    wanted = {name.lower(): name for name in names}
    found = connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND lower(tbl_name) = lower(?)",
                               (table,)).fetchall()
    return {name: sql for name, sql in found if name.lower() in wanted and sql}


def _index(connection: sqlite3.Connection, rtree: str, fids: np.ndarray, bounds: np.ndarray, indexed: np.ndarray) -> None:
    """Add the envelopes of the new rows to the R-tree.

    Few new rows beside many indexed ones go in one by one (in Hilbert order of their centres, which
    keeps the inserts local); otherwise the whole tree is rebuilt packed, as GDAL does for a new layer:
    one sort and a few thousand node writes instead of an insert per row.
    """
    if not indexed.any():
        return
    fids, boxes = fids[indexed], bounds[indexed][:, [0, 2, 1, 3]]  # minx, maxx, miny, maxy
    (existing,) = connection.execute(f"SELECT count(*) FROM {quote(rtree + '_rowid')}").fetchone()
    if existing > REBUILD_RATIO * len(fids):
        order = np.argsort(_hilbert(boxes[:, [0, 2, 1, 3]]), kind="stable")
        connection.executemany(f"INSERT OR REPLACE INTO {quote(rtree)} VALUES (?, ?, ?, ?, ?)",
                               zip(fids[order].tolist(), *(boxes[order, k].tolist() for k in range(4))))
        return
    if existing:
        old = np.array(connection.execute(f"SELECT id, minx, maxx, miny, maxy FROM {quote(rtree)}").fetchall(),
                       dtype="float64").reshape(-1, 5)
        keep = ~np.isin(old[:, 0].astype(np.int64), fids)
        fids = np.concatenate([old[keep, 0].astype(np.int64), fids])
        boxes = np.concatenate([old[keep, 1:], boxes])
    _pack(connection, rtree, fids, boxes)


def _pack(connection: sqlite3.Connection, rtree: str, ids: np.ndarray, boxes: np.ndarray) -> None:
    """Write the R-tree of ``ids`` / ``boxes`` (minx, maxx, miny, maxy) into its shadow tables, packed (STR).

    The node format is SQLite's (ext/rtree): a node is a blob of the tree's node size; two bytes
    of depth (root only), two of cell count, then per cell an 8-byte id (a row's fid in a leaf, a
    node number above) and four 4-byte floats, all big-endian; boxes are rounded outwards to
    float32. The root is node 1. ``_parent`` maps a node to its parent, ``_rowid`` a row to its leaf.
    """
    node, parent, rowid = (quote(f"{rtree}_{part}") for part in ("node", "parent", "rowid"))
    (size,) = connection.execute(f"SELECT length(data) FROM {node} WHERE nodeno = 1").fetchone()
    capacity = (size - 4) // 24
    level = np.column_stack([_float32(boxes[:, 0], down=True), _float32(boxes[:, 1], down=False),
                             _float32(boxes[:, 2], down=True), _float32(boxes[:, 3], down=False)])
    level_ids = np.asarray(ids, dtype=np.int64)
    nodes: list[tuple[int, bytes]] = []
    parents: list[tuple[int, int]] = []
    leaves: list[tuple[int, int]] = []
    depth, next_number = 0, 2
    while True:
        groups = _str_groups(level, capacity)
        root = len(groups) == 1
        numbers = [1] if root else list(range(next_number, next_number + len(groups)))
        next_number += 0 if root else len(groups)
        upper = np.empty((len(groups), 4), dtype=np.float32)
        for position, (number, members) in enumerate(zip(numbers, groups)):
            cells = np.empty(len(members), dtype=[("id", ">i8"), ("box", ">f4", 4)])
            cells["id"], cells["box"] = level_ids[members], level[members]
            head = (depth if root else 0).to_bytes(2, "big") + len(members).to_bytes(2, "big")
            nodes.append((number, (head + cells.tobytes()).ljust(size, b"\0")))
            children = level_ids[members].tolist()
            (leaves if depth == 0 else parents).extend(zip(children, [number] * len(children)))
            box = level[members]
            upper[position] = (box[:, 0].min(), box[:, 1].max(), box[:, 2].min(), box[:, 3].max())
        if root:
            break
        level, level_ids, depth = upper, np.asarray(numbers, dtype=np.int64), depth + 1
    for table in (node, parent, rowid):
        connection.execute(f"DELETE FROM {table}")
    connection.executemany(f"INSERT INTO {node} (nodeno, data) VALUES (?, ?)", nodes)
    connection.executemany(f"INSERT INTO {parent} (nodeno, parentnode) VALUES (?, ?)", parents)
    connection.executemany(f"INSERT INTO {rowid} (rowid, nodeno) VALUES (?, ?)", leaves)


def _float32(values: np.ndarray, down: bool) -> np.ndarray:
    """``values`` as the R-tree stores them: float32 rounded outwards, exactly as SQLite's rtreeValueDown/Up."""
    values = np.asarray(values, dtype=np.float64)
    rounded = values.astype(np.float32)
    towards, away = 1.0 - 1.0 / 8388608.0, 1.0 + 1.0 / 8388608.0
    if down:
        return np.where(rounded > values, (values * np.where(values < 0, away, towards)).astype(np.float32), rounded)
    return np.where(rounded < values, (values * np.where(values < 0, towards, away)).astype(np.float32), rounded)


def _str_groups(boxes: np.ndarray, capacity: int) -> list[np.ndarray]:
    """Sort-Tile-Recursive grouping: indexes of ``boxes`` in groups of at most ``capacity``, spatially close."""
    count = len(boxes)
    if count <= capacity:
        return [np.arange(count)]
    groups_needed = -(-count // capacity)
    slices = int(np.ceil(np.sqrt(groups_needed)))
    per_slice = capacity * int(np.ceil(groups_needed / slices))
    by_x = np.argsort((boxes[:, 0] + boxes[:, 1]) / 2, kind="stable")
    groups = []
    for start in range(0, count, per_slice):
        chunk = by_x[start:start + per_slice]
        chunk = chunk[np.argsort((boxes[chunk, 2] + boxes[chunk, 3]) / 2, kind="stable")]
        groups.extend(chunk[i:i + capacity] for i in range(0, len(chunk), capacity))
    return groups


def _hilbert(boxes: np.ndarray, level: int = 16) -> np.ndarray:
    """Hilbert curve distance of the centres of ``boxes`` (minx, miny, maxx, maxy) on a 2^level grid."""
    x = (boxes[:, 0] + boxes[:, 2]) / 2
    y = (boxes[:, 1] + boxes[:, 3]) / 2
    side = (1 << level) - 1
    span_x, span_y = np.ptp(x) or 1.0, np.ptp(y) or 1.0
    xi = ((x - x.min()) / span_x * side).astype(np.int64)
    yi = ((y - y.min()) / span_y * side).astype(np.int64)
    distance = np.zeros(len(x), dtype=np.int64)
    s = 1 << (level - 1)
    while s > 0:
        rx = (xi & s) > 0
        ry = (yi & s) > 0
        distance += s * s * ((3 * rx) ^ ry)
        flip = ~ry
        swap_x = np.where(flip & rx, side - xi, xi)
        swap_y = np.where(flip & rx, side - yi, yi)
        xi, yi = np.where(flip, swap_y, swap_x), np.where(flip, swap_x, swap_y)
        s >>= 1
    return distance


def _grow_extent(connection: sqlite3.Connection, table: str, bounds: np.ndarray) -> None:
    """Widen the layer's extent in ``gpkg_contents`` to the new rows and note the change time."""
    stamp = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
    if not len(bounds):
        connection.execute(f"UPDATE gpkg_contents SET last_change = {stamp} WHERE lower(table_name) = lower(?)", (table,))
        return
    minx, miny = float(np.min(bounds[:, 0])), float(np.min(bounds[:, 1]))
    maxx, maxy = float(np.max(bounds[:, 2])), float(np.max(bounds[:, 3]))
    connection.execute(
        f"UPDATE gpkg_contents SET min_x = min(coalesce(min_x, ?), ?), min_y = min(coalesce(min_y, ?), ?), "
        f"max_x = max(coalesce(max_x, ?), ?), max_y = max(coalesce(max_y, ?), ?), last_change = {stamp} "
        "WHERE lower(table_name) = lower(?)", (minx, minx, miny, miny, maxx, maxx, maxy, maxy, table))


# ------------------------------------------------------------------ table versions


def bump(connection: sqlite3.Connection, *tables: str) -> None:
    """One more write to each of ``tables`` (inside the caller's transaction)."""
    if not table_exists(connection, VERSIONS_TABLE):
        return  # a store from before versions: the migration creates the table on first use
    connection.executemany(f"INSERT INTO {quote(VERSIONS_TABLE)} (table_name, version) VALUES (?, 1) "
                           "ON CONFLICT (table_name) DO UPDATE SET version = version + 1", [(t,) for t in tables])


def versions(connection: sqlite3.Connection, tables: Sequence[str]) -> tuple[int, ...]:
    """How many writes each of ``tables`` has seen (0 for a table never written)."""
    if not tables or not table_exists(connection, VERSIONS_TABLE):
        return tuple(0 for _ in tables)
    found = dict(connection.execute(f"SELECT table_name, version FROM {quote(VERSIONS_TABLE)}").fetchall())
    return tuple(int(found.get(t, 0)) for t in tables)
