"""The GeoPackage store: the :class:`~asmgeo.store.base.Store` protocol over one file QGIS opens directly.

Every layer is EPSG:4326. GDAL (through pyogrio) reads layers and creates or overwrites whole ones;
every other write is SQL on one sqlite3 connection in one ``BEGIN IMMEDIATE`` transaction
(:mod:`asmgeo.store.gpkg_sql`): appended features with their R-tree entries, an import batch with
its record, an undo with its status, a ratings edition, a slide sequence — each together with the
version of every table it changed (``asmgeo_table_versions``), so a kill at any moment leaves the
store as it was before or after the write, never in between.

The schema is versioned (:mod:`asmgeo.store.migrations`): the first call that touches a store made by
an earlier release upgrades it in place, in one transaction, and :meth:`GeoPackageStore.upgrade`
says so once per process.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sqlite3
import threading
import warnings
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError

from asmgeo.config import raster_dir
from asmgeo.errors import StoreError, worded
from asmgeo.provenance import DEMO_SOURCE
from asmgeo.schema import LAYERS, import_columns, layer_spec
from asmgeo.store import gpkg_sql as sql
from asmgeo.store import migrations
from asmgeo.store.base import (
    BATCH_COLUMN,
    LICENCE_COLUMN,
    MAPPING_COLUMNS,
    MAPPINGS_TABLE,
    META_COLUMNS,
    META_TABLE,
    STORE_CRS,
    LayerInfo,
    Row,
    SlideChange,
    Upgrade,
)
from asmgeo.store.batches import (
    BATCH_COLUMNS,
    BATCH_TABLE,
    INTEGER_COLUMNS,
    UNDONE,
    DuplicateBatchError,
    empty_batches,
)
from asmgeo.store.ratings import EDITION, RATINGS_TABLE
from asmgeo.store.slides import SLIDE_COLUMNS, SLIDE_TYPES, SLIDES_TABLE

T = TypeVar("T")
SQLITE_HEADER = b"SQLite format 3\x00"
GPKG_APPLICATION_ID = b"GPKG"

# Python's sqlite3 and GDAL link different copies of SQLite; two copies in one process do not see
# each other's file locks (POSIX locks belong to the process, and closing one copy's handle drops
# the other's), so calls into the store from the threads of one process (Streamlit sessions) take
# turns, and a sqlite3 connection is never open while GDAL works on the file. Other processes are
# kept apart by SQLite's own locks.
_PROCESS_LOCK = threading.RLock()

# WAL lets readers and one writer work at once; the busy timeout makes a second writer wait
# for the first instead of failing with "database is locked".
pyogrio.set_gdal_config_options({"OGR_SQLITE_JOURNAL": "WAL", "OGR_SQLITE_PRAGMA": "busy_timeout=30000"})

IN_CHUNK = 500  # values per SQL IN list (SQLite allows 999 parameters in older builds)
MARK_PREFIX = "mark:"  # marks live in asmgeo_meta beside the schema version, under this prefix
FROM_FEATURES = "from features"  # status of a layer record made from its features (delete_source): no fallback

_CURRENT: set[tuple[str, int, int]] = set()  # (path, device, inode) of stores at the current schema, this process
_UNANNOUNCED: dict[str, Upgrade] = {}  # path → an upgrade done on first use that upgrade() has not reported yet


def _serialized(method: Callable[..., T]) -> Callable[..., T]:
    """Run a store method while holding the process-wide store lock."""

    @functools.wraps(method)
    def locked(*args, **kwargs):
        with _PROCESS_LOCK:
            return method(*args, **kwargs)

    return locked


class GeoPackageStore:
    """Layers and tables in one GeoPackage file that QGIS opens directly."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"GeoPackageStore({str(self.path)!r})"

    @property
    def location(self) -> str:
        """Where the store lives, for messages."""
        return str(self.path)

    def exists(self) -> bool:
        """True when the store file is there (it may still hold no layer)."""
        return self.path.is_file()

    def raster_folder(self) -> Path:
        """The folder of the rasters that belong to this store (``ASMGEO_RASTER_DIR`` wins)."""
        return raster_dir(self.path)

    # ------------------------------------------------------------- schema and versions

    @_serialized
    def upgrade(self, create: bool = False) -> Upgrade | None:
        """Bring the schema to the current version (create the store too when ``create``); what was done, once."""
        if not self.exists():
            if not create:
                return None
            self._create()
            return Upgrade(self.location, 0, migrations.CURRENT, tuple(s.number for s in migrations.STEPS), created=True)
        self._ready()
        return _UNANNOUNCED.pop(self._key_path(), None)

    @_serialized
    def schema_version(self) -> int:
        """The store's schema version (0: made before versions were kept, or missing)."""
        if not self.exists():
            return 0
        self._ready()
        with self._reading() as connection:
            return migrations.schema_version(connection)

    @_serialized
    def version(self, *tables: str) -> tuple:
        """``(location, store id, versions of tables)``: changes whenever one of ``tables`` is written."""
        if not self.exists():
            return (self.location, None, tuple(0 for _ in tables))
        self._ready()
        with self._reading() as connection:
            return (self.location, migrations.store_id(connection), sql.versions(connection, tables))

    # ------------------------------------------------------------- layers

    @_serialized
    def layer_names(self) -> list[str]:
        """Names of the layers and tables in the store."""
        if not self.exists():
            return []
        self._check_header()
        self._ready()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                names = [str(name) for name, _ in pyogrio.list_layers(self.path)]
            except DataSourceError as exc:
                raise worded(StoreError, "error.store_unreadable", path=self.path, detail=exc) from exc
        if caught:
            raise worded(StoreError, "error.store_damaged", path=self.path, detail=caught[0].message)
        return names

    def has_layer(self, layer: str) -> bool:
        """True when ``layer`` exists in the store."""
        return layer in self.layer_names()

    @_serialized
    def columns(self, layer: str) -> list[str]:
        """The attribute columns of ``layer`` (empty when it does not exist)."""
        if not self.has_layer(layer):
            return []
        with self._reading() as connection:
            found = sql.geometry_column(connection, layer)
            skip = {sql.primary_key(connection, layer), found[0] if found else None}
            return [c for c in sql.table_columns(connection, layer) if c not in skip]

    @_serialized
    def count(self, layer: str) -> int:
        """Number of features in ``layer`` (0 when it does not exist)."""
        if not self.has_layer(layer):
            return 0
        return int(pyogrio.read_info(self.path, layer=layer, force_feature_count=True)["features"])

    @_serialized
    def read(
        self,
        layer: str,
        *,
        bbox: tuple[float, float, float, float] | None = None,
        equals: Mapping[str, object] | None = None,
        columns: list[str] | None = None,
    ) -> gpd.GeoDataFrame:
        """Features of a spatial layer, optionally inside ``bbox`` (lon/lat) and whose columns equal ``equals``."""
        layer_spec(layer)
        self._require_layer(layer)
        where = None
        if equals:
            known = set(self.columns(layer))
            unknown = [c for c in equals if c not in known]
            if unknown:
                raise ValueError(f"equals names columns {unknown!r} that layer {layer!r} does not have")
            where = " AND ".join(f"{sql.quote(c)} IS NULL" if v is None else f"{sql.quote(c)} = {sql.literal(v)}"
                                 for c, v in equals.items())
        try:
            return pyogrio.read_dataframe(
                self.path, layer=layer, bbox=bbox, where=where, columns=columns, use_arrow=True
            )
        except (DataSourceError, DataLayerError) as exc:
            raise worded(StoreError, "error.store_layer_unreadable", layer=repr(layer), path=self.path, detail=exc) from exc

    @_serialized
    def append(self, layer: str, frame: gpd.GeoDataFrame) -> int:
        """Append features in one transaction (all or none); returns how many were written."""
        layer_spec(layer)
        if frame.empty:
            return 0
        frame = to_store_crs(frame)
        self._ensure_layer(layer, frame)
        with self._transaction() as connection:
            written = sql.insert_features(connection, layer, frame)
            sql.bump(connection, layer)
        return written

    @_serialized
    def replace(self, layer: str, frame: gpd.GeoDataFrame) -> int:
        """Overwrite ``layer`` with ``frame``; returns how many features were written.

        GDAL rewrites the layer in a transaction of its own; the layer's version is bumped before
        and after it, so no cache keeps the old rows under the new version.
        """
        layer_spec(layer)
        frame = to_store_crs(frame)
        self._gdal_write(layer, lambda: pyogrio.write_dataframe(frame, self.path, layer=layer, driver="GPKG",
                                                                append=False, **_geometry_type(layer)))
        return len(frame)

    @_serialized
    def delete_where(self, layer: str, column: str, value: str) -> int:
        """Delete the features of ``layer`` whose ``column`` equals ``value``; returns how many."""
        spec = layer_spec(layer)
        if column not in (*spec.field_names, BATCH_COLUMN):
            raise ValueError(f"column={column!r} is not a field of layer {layer!r}")
        if not self.has_layer(layer) or column not in self.columns(layer):
            return 0
        with self._transaction() as connection:
            deleted = connection.execute(f"DELETE FROM {sql.quote(layer)} WHERE {sql.quote(column)} = ?", (value,)).rowcount
            if deleted:
                sql.bump(connection, layer)
        return deleted

    @_serialized
    def summary(self) -> list[LayerInfo]:
        """Each spatial layer present: feature count, geometry type, source, licence and what sources it holds.

        ``sources`` is counted in SQL, grouped by each feature's ``source`` and ``licence``: a feature with
        no source takes the layer's recorded source; one with no licence (written before features
        carried one) the layer's recorded licence when its source is the layer's recorded source, else none.
        A record :meth:`delete_source` made from the features themselves lends nothing.
        """
        names = set(self.layer_names())
        meta = self.layer_meta().set_index("name")
        infos = []
        for layer in (name for name in LAYERS if name in names):
            info = pyogrio.read_info(self.path, layer=layer, force_feature_count=True)
            source = str(meta["source"].get(layer, "")) if not meta.empty else ""
            licence = str(meta["licence"].get(layer, "")) if not meta.empty else ""
            derived = not meta.empty and str(meta["status"].get(layer, "")) == FROM_FEATURES
            with self._reading() as connection:
                sources = _sources(connection, layer, *(("", "") if derived else (source, licence)))
            geometry = info["geometry_type"]
            if geometry == "Unknown":  # created generic because the layer takes several types
                geometry = _either(layer_spec(layer).geometry_types)
            if sources:
                source, licence = _joined(sources, "source"), _joined(sources, "licence")
            infos.append(LayerInfo(layer, int(info["features"]), geometry, source, licence, sources))
        return infos

    @_serialized
    def existing_values(self, layer: str, column: str, values: Collection[str]) -> set[str]:
        """Those of ``values`` that ``column`` of ``layer`` holds in a row from no batch or from a batch not undone."""
        _check_column(layer, column)
        wanted = _wanted(values)
        if not wanted or not self.exists():
            return set()
        self._ready()
        with self._reading() as connection:
            return _existing_in(connection, layer, column, wanted)

    @_serialized
    def delete_source(self, layer: str, source: str) -> int:
        """Delete the features of ``layer`` whose ``source`` is ``source``; record what remains as its source.

        One transaction: the rows go, and the layer's recorded source and licence become those of the
        features that remain (joined with ``"; "`` when several; no record when none remain).
        """
        layer_spec(layer)
        if not isinstance(source, str) or not source:
            raise ValueError(f"source={source!r} must be a non-empty text")
        if not self.exists() or not self.has_layer(layer) or "source" not in self.columns(layer):
            return 0
        with self._transaction() as connection:
            deleted = connection.execute(f"DELETE FROM {sql.quote(layer)} WHERE source = ?", (source,)).rowcount
            if deleted:
                sql.bump(connection, layer)
            if _reset_meta(connection, layer, source, force=bool(deleted)):
                sql.bump(connection, META_TABLE)
        return deleted

    @_serialized
    def set_layer_meta(self, name: str, source: str, licence: str, year: str = "", status: str = "") -> None:
        """Record where a layer comes from and under which licence (one transaction)."""
        row = pd.DataFrame([[name, source, licence, year, status]], columns=META_COLUMNS)
        self._ensure_table(META_TABLE, row)
        with self._transaction() as connection:
            connection.execute(f"DELETE FROM {sql.quote(META_TABLE)} WHERE name = ?", (name,))
            sql.insert_frame(connection, META_TABLE, row)
            sql.bump(connection, META_TABLE)

    @_serialized
    def layer_meta(self) -> pd.DataFrame:
        """Source, licence, year and status of each layer, by name (empty when none is recorded)."""
        if not self.has_layer(META_TABLE):
            return pd.DataFrame(columns=META_COLUMNS)
        meta = self.read_table(META_TABLE).fillna("")
        return meta.sort_values("name", kind="stable").reset_index(drop=True)

    # ------------------------------------------------------------- attribute tables

    @_serialized
    def read_table(self, name: str) -> pd.DataFrame:
        """An attribute (non-spatial) table, e.g. Pillar 6 ratings."""
        self._require_layer(name)
        return pd.DataFrame(pyogrio.read_dataframe(self.path, layer=name, read_geometry=False, use_arrow=True))

    @_serialized
    def write_table(self, name: str, frame: pd.DataFrame) -> None:
        """Create or overwrite an attribute table (the table's version is bumped before and after)."""
        if name in LAYERS:
            raise ValueError(f"name={name!r} is a spatial layer; use replace() or append()")
        self._gdal_write(name, lambda: pyogrio.write_dataframe(pd.DataFrame(frame), self.path, layer=name,
                                                               driver="GPKG", append=False))

    # ------------------------------------------------------------- import batches

    @_serialized
    def batch_records(self) -> pd.DataFrame:
        """Every import batch record, oldest first (no rows, batch columns, when there is none)."""
        if not self.exists():
            return empty_batches()
        self._ready()
        with self._reading() as connection:
            if not sql.table_exists(connection, BATCH_TABLE):
                return empty_batches()
            rows = sql.select_rows(connection, BATCH_TABLE, BATCH_COLUMNS, order="fid")
        frame = pd.DataFrame(rows, columns=BATCH_COLUMNS)
        return frame.fillna({c: 0 for c in INTEGER_COLUMNS}).astype({c: "int64" for c in INTEGER_COLUMNS})

    @_serialized
    def add_batch(self, layer: str, frame: gpd.GeoDataFrame, record: Mapping[str, object], *,
                  skip_existing: str | None = None) -> int:
        """Write ``frame`` into ``layer`` and ``record`` as a batch in one transaction; rows written.

        :class:`DuplicateBatchError` (nothing written) when a batch not undone already imported a
        file with the record's ``sha256`` into ``layer`` through the same mapping (its ``mapping_hash``).
        With ``skip_existing`` (a column of ``frame``), the rows whose non-empty value in that column
        the layer already holds are left out, in the same transaction, and counted in the record's
        ``skipped_existing``; when no row is left, nothing is written (0).
        """
        layer_spec(layer)
        if BATCH_COLUMN not in frame.columns:
            raise ValueError(f"frame has no {BATCH_COLUMN!r} column")
        if skip_existing is not None:
            _check_column(layer, skip_existing)
        frame = to_store_crs(frame)
        self._ensure_layer(layer, frame)
        with self._transaction() as connection:
            _create_batch_table(connection)
            earlier = _duplicate_in(connection, layer, str(record.get("sha256") or ""),
                                    str(record.get("mapping_hash") or ""))
            if earlier is not None:
                raise DuplicateBatchError(earlier)
            kept = _without_existing(connection, layer, frame, skip_existing)
            if kept.empty:
                return 0
            had_column = BATCH_COLUMN in sql.table_columns(connection, layer)
            written = sql.insert_features(connection, layer, kept)
            if not had_column:
                migrations.batch_index(connection, layer)
            if skip_existing in kept.columns:
                migrations.column_index(connection, layer, skip_existing)
            _insert_record(connection, {**record, "skipped_existing": len(frame) - len(kept)})
            sql.bump(connection, layer, BATCH_TABLE)
        return written

    @_serialized
    def set_batch_status(self, batch: str, status: str, *, unless: Collection[str] = (),
                         delete_rows: bool = False) -> tuple[str | None, int]:
        """Set a batch's status (and delete its rows when ``delete_rows``) in one transaction.

        Changes nothing when the batch is unknown or its status is one of ``unless``; returns its
        status before (None: unknown) and how many rows were deleted.
        """
        if not self.exists():
            return None, 0
        self._ready()
        with self._transaction() as connection:
            if not sql.table_exists(connection, BATCH_TABLE):
                return None, 0
            found = connection.execute(f"SELECT layer, status FROM {sql.quote(BATCH_TABLE)} WHERE batch = ? "
                                       "ORDER BY fid LIMIT 1", (batch,)).fetchone()
            if found is None:
                return None, 0
            layer, before = str(found[0]), str(found[1])
            if before in unless:
                return before, 0
            deleted = 0
            if delete_rows and sql.table_exists(connection, layer) and BATCH_COLUMN in sql.table_columns(connection, layer):
                deleted = connection.execute(f"DELETE FROM {sql.quote(layer)} WHERE {sql.quote(BATCH_COLUMN)} = ?",
                                             (batch,)).rowcount
                sql.bump(connection, layer)
            connection.execute(f"UPDATE {sql.quote(BATCH_TABLE)} SET status = ? WHERE batch = ?", (status, batch))
            sql.bump(connection, BATCH_TABLE)
            return before, deleted

    # ------------------------------------------------------------- named mappings

    @_serialized
    def put_mapping(self, name: str, layer: str, text: str, by: str) -> None:
        """Keep the mapping JSON ``text`` under ``name``, created or replaced, in one transaction (store made if missing)."""
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"name={name!r} must be a non-empty text")
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"text={text!r} must be the mapping's JSON text")
        if not self.exists():
            self._create()
        when = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        with self._transaction() as connection:
            migrations.create_mappings_table(connection)
            connection.execute(f"INSERT INTO {sql.quote(MAPPINGS_TABLE)} (name, layer, mapping, saved_by, saved_at) "
                               "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET layer = excluded.layer, "
                               "mapping = excluded.mapping, saved_by = excluded.saved_by, saved_at = excluded.saved_at",
                               (name, layer or "", text, by or "", when))
            sql.bump(connection, MAPPINGS_TABLE)

    @_serialized
    def mapping_rows(self) -> list[Row]:
        """Every named mapping (``name``, ``layer``, ``mapping``, ``saved_by``, ``saved_at``), by name."""
        if not self.exists():
            return []
        self._ready()
        with self._reading() as connection:
            if not sql.table_exists(connection, MAPPINGS_TABLE):
                return []
            return sql.select_rows(connection, MAPPINGS_TABLE, MAPPING_COLUMNS, order="name")

    # ------------------------------------------------------------- marks

    @_serialized
    def mark(self, key: str, value: str) -> None:
        """Record ``key`` = ``value`` about the store's history in ``asmgeo_meta`` (one transaction; store made if missing)."""
        if not isinstance(key, str) or not key.strip():
            raise ValueError(f"key={key!r} must be a non-empty text")
        if not self.exists():
            self._create()
        with self._transaction() as connection:
            connection.execute(f"INSERT INTO {sql.quote(migrations.META)} (key, value) VALUES (?, ?) "
                               "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                               (MARK_PREFIX + key, str(value)))
            sql.bump(connection, migrations.META)

    @_serialized
    def marks(self) -> dict[str, str]:
        """Every mark recorded with :meth:`mark` (empty for a missing store)."""
        if not self.exists():
            return {}
        self._ready()
        with self._reading() as connection:
            found = connection.execute(f"SELECT key, value FROM {sql.quote(migrations.META)} "
                                       "WHERE substr(key, 1, ?) = ? ORDER BY key", (len(MARK_PREFIX), MARK_PREFIX))
            return {str(key)[len(MARK_PREFIX):]: str(value) for key, value in found.fetchall()}

    # ------------------------------------------------------------- ratings

    @_serialized
    def add_ratings_edition(self, ratings: pd.DataFrame, edition: Callable[[list[str]], str]) -> str:
        """Append ``ratings`` as one edition in one transaction; returns its id.

        The id is ``edition(ids of the editions already stored)``; the illustrative ratings of the
        countries the edition rates are removed in the same transaction.
        """
        rows = pd.DataFrame(ratings).assign(illustrative=False, **{EDITION: ""})
        self._ensure_table(RATINGS_TABLE, rows)
        table = sql.quote(RATINGS_TABLE)
        with self._transaction() as connection:
            sql.add_columns(connection, RATINGS_TABLE, rows)
            earlier = [str(e) for (e,) in connection.execute(
                f"SELECT DISTINCT {sql.quote(EDITION)} FROM {table} WHERE {sql.quote(EDITION)} IS NOT NULL")]
            name = edition(earlier)
            countries = sorted(set(rows["iso3"]))
            marks = ", ".join("?" for _ in countries)
            connection.execute(f"DELETE FROM {table} WHERE coalesce(illustrative, 0) != 0 AND iso3 IN ({marks})", countries)
            sql.insert_frame(connection, RATINGS_TABLE, rows.assign(**{EDITION: name}))
            sql.bump(connection, RATINGS_TABLE)
        return name

    @_serialized
    def set_illustrative_ratings(self, ratings: pd.DataFrame) -> None:
        """Replace the illustrative ratings in one transaction; a country with imported ratings gets none."""
        rows = pd.DataFrame(ratings).assign(illustrative=True)
        self._ensure_table(RATINGS_TABLE, rows)
        table = sql.quote(RATINGS_TABLE)
        with self._transaction() as connection:
            sql.add_columns(connection, RATINGS_TABLE, rows)
            official = {str(c) for (c,) in connection.execute(
                f"SELECT DISTINCT iso3 FROM {table} WHERE coalesce(illustrative, 0) = 0")}
            connection.execute(f"DELETE FROM {table} WHERE coalesce(illustrative, 0) != 0")
            sql.insert_frame(connection, RATINGS_TABLE, rows[~rows["iso3"].isin(official)])
            sql.bump(connection, RATINGS_TABLE)

    # ------------------------------------------------------------- workshop slides

    @_serialized
    def slide_counts(self) -> dict[str, int]:
        """Each stored slide sequence's name and number of slides."""
        with self._slides(create=False) as connection:
            if connection is None:
                return {}
            found = connection.execute(f"SELECT sequence, COUNT(*) FROM {sql.quote(SLIDES_TABLE)} GROUP BY sequence")
            return {str(name): int(n) for name, n in found.fetchall() if name is not None}

    @_serialized
    def slide_rows(self, sequence: str) -> list[Row]:
        """The stored rows of ``sequence`` in slide order (empty when there is none)."""
        with self._slides(create=False) as connection:
            return [] if connection is None else _slide_rows(connection, sequence)

    @_serialized
    def edit_slides(self, sequence: str, change: SlideChange) -> list[Row]:
        """Replace the rows of ``sequence`` by ``change(its rows)`` in one transaction; the rows as stored.

        An exception raised by ``change`` leaves the sequence as it was.
        """
        with self._slides(create=True) as connection:
            rows = _slide_rows(connection, sequence)
            new = change([dict(row) for row in rows])
            if new != rows:
                _write_slides(connection, sequence, new)
                sql.bump(connection, SLIDES_TABLE)
            return _slide_rows(connection, sequence)

    # ------------------------------------------------------------- internals

    def _key_path(self) -> str:
        return str(self.path.resolve())

    def _ready(self, announce: bool = True) -> None:
        """Bring an existing store to the current schema on first use (one transaction); remember it was."""
        if not self.exists():
            return
        stat = os.stat(self.path)
        key = (self._key_path(), stat.st_dev, stat.st_ino)
        if key in _CURRENT:
            return
        self._check_header()
        try:
            with closing(self._sqlite()) as connection:
                version = migrations.schema_version(connection)
                if version > migrations.CURRENT:
                    raise worded(StoreError, "error.store_newer", path=self.path, version=version,
                                 supported=migrations.CURRENT)
                if version < migrations.CURRENT:
                    connection.execute("BEGIN IMMEDIATE")
                    try:
                        before, steps = migrations.migrate(connection)
                    except BaseException:
                        connection.execute("ROLLBACK")
                        raise
                    connection.execute("COMMIT")
                    if steps and announce:
                        _UNANNOUNCED[key[0]] = Upgrade(self.location, before, migrations.CURRENT, steps)
        except sqlite3.DatabaseError as exc:
            raise worded(StoreError, "error.store_damaged", path=self.path, detail=_sentence(exc)) from exc
        _CURRENT.add(key)

    def _sqlite(self) -> sqlite3.Connection:
        """A plain SQLite connection (WAL, explicit transactions, the GeoPackage SQL functions)."""
        return sql.connect(self.path)

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A connection for reads: one read transaction, so the block sees one state of the store."""
        try:
            with closing(self._sqlite()) as connection:
                connection.execute("BEGIN")
                try:
                    yield connection
                finally:
                    connection.execute("ROLLBACK")
        except sqlite3.Error as exc:
            raise worded(StoreError, "error.store_damaged", path=self.path, detail=_sentence(exc)) from exc

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE): committed, or rolled back on any error."""
        if not self.exists():
            raise worded(StoreError, "error.store_missing", path=self.path)
        self._ready()
        try:
            with closing(self._sqlite()) as connection:
                connection.execute("BEGIN IMMEDIATE")
                try:
                    yield connection
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
                connection.execute("COMMIT")
        except sqlite3.Error as exc:
            raise worded(StoreError, "error.store_write", path=self.path, detail=_sentence(exc)) from exc

    @contextmanager
    def _slides(self, create: bool) -> Iterator[sqlite3.Connection | None]:
        """A transaction on the slides table (None when the table or the store is absent and not ``create``)."""
        if not self.exists():
            if not create:
                yield None
                return
            raise worded(StoreError, "error.store_missing", path=self.location)
        self._check_header()
        self._ready()
        try:
            with self._transaction() if create else self._reading() as connection:
                if create:
                    sql.create_attribute_table(connection, SLIDES_TABLE,
                                               {c: SLIDE_TYPES.get(c, "TEXT") for c in SLIDE_COLUMNS})
                elif not sql.table_exists(connection, SLIDES_TABLE):
                    yield None
                    return
                yield connection
        except StoreError as exc:
            if isinstance(exc.__cause__, sqlite3.Error):
                raise worded(StoreError, "error.slides_table", path=self.location, detail=exc.__cause__) from exc.__cause__
            raise

    def _ensure_table(self, name: str, frame: pd.DataFrame, geometry_type: str | None = None) -> None:
        """Create ``name`` empty with ``frame``'s columns (GDAL's types) when the store or the table is missing."""
        if self.exists() and self.has_layer(name):
            return
        empty = frame.iloc[:0]
        options = {"geometry_type": geometry_type} if geometry_type else {}
        if not isinstance(empty, gpd.GeoDataFrame):
            empty = pd.DataFrame(empty)
        self._gdal_write(name, lambda: pyogrio.write_dataframe(empty, self.path, layer=name, driver="GPKG",
                                                               append=False, **options))

    def _ensure_layer(self, layer: str, frame: gpd.GeoDataFrame) -> None:
        """Create the spatial ``layer`` empty, typed like ``frame``, when it is missing."""
        spec = layer_spec(layer)
        kind = "Unknown" if len(spec.geometry_types) > 1 else spec.geometry_types[0]
        self._ensure_table(layer, frame, geometry_type=kind)

    def _create(self) -> None:
        """Make a new GeoPackage at the current schema: GDAL writes the (empty) layer-sources table, then the steps run."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        pyogrio.write_dataframe(pd.DataFrame({c: pd.Series([], dtype=object) for c in META_COLUMNS}), self.path,
                                layer=META_TABLE, driver="GPKG")
        self._ready(announce=False)

    def _gdal_write(self, table: str, write: Callable[[], object]) -> None:
        """Let GDAL write ``table`` (the store is made first when new), bumping its version before and after."""
        if not self.exists():
            self._create()
        self._check_header()
        self._ready()
        self._bump(table)
        write()
        self._bump(table)

    def _bump(self, *tables: str) -> None:
        with self._transaction() as connection:
            sql.bump(connection, *tables)

    def _check_header(self) -> None:
        """Raise a :class:`StoreError` unless the file starts like a GeoPackage (SQLite, id GPKG)."""
        with open(self.path, "rb") as handle:
            head = handle.read(72)
        if not head.startswith(SQLITE_HEADER) or head[68:72] != GPKG_APPLICATION_ID:
            raise worded(StoreError, "error.store_not_gpkg", path=self.path)

    def _require_layer(self, name: str) -> None:
        """Raise a :class:`StoreError` that names the store when ``name`` is absent."""
        if not self.exists():
            raise worded(StoreError, "error.store_missing", path=self.path)
        if name not in self.layer_names():
            raise worded(StoreError, "error.store_no_layer", path=self.path, layer=repr(name))


def _sentence(error: Exception) -> str:
    """An SQLite error's text as the end of a sentence (it has no full stop of its own)."""
    text = str(error).strip()
    return text if text.endswith((".", "!", "?", ")")) else text + "."


def _geometry_type(layer: str) -> dict[str, str]:
    """Creation option for a layer that takes several geometry types (sites: points or footprints)."""
    return {"geometry_type": "Unknown"} if len(layer_spec(layer).geometry_types) > 1 else {}


def to_store_crs(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reproject to EPSG:4326 (GeoPackage would store a foreign CRS silently); refuse no CRS."""
    if not isinstance(frame, gpd.GeoDataFrame):
        raise TypeError(f"frame must be a GeoDataFrame, not {type(frame).__name__}")
    if frame.crs is None:
        raise ValueError("frame has no CRS; set it before storing (the store keeps EPSG:4326)")
    if frame.crs.to_epsg() != 4326:
        warnings.warn(f"reprojecting from {frame.crs.to_string()} to {STORE_CRS} before storing", stacklevel=3)
        frame = frame.to_crs(STORE_CRS)
    return frame


# ------------------------------------------------------------------ batch table


def _create_batch_table(connection: sqlite3.Connection) -> None:
    """Create ``asmgeo_batches`` as a GeoPackage attribute table unless it exists."""
    sql.create_attribute_table(connection, BATCH_TABLE,
                               {c: "INTEGER" if c in INTEGER_COLUMNS else "TEXT" for c in BATCH_COLUMNS})


def _duplicate_in(connection: sqlite3.Connection, layer: str, sha256: str, mapping_hash: str = "") -> str | None:
    """The earliest batch (not undone) of ``layer`` with ``sha256`` imported through the mapping ``mapping_hash``."""
    if not sha256:
        return None
    row = connection.execute(f"SELECT batch FROM {sql.quote(BATCH_TABLE)} WHERE layer = ? AND sha256 = ? "
                             "AND coalesce(mapping_hash, '') = ? AND status != ? ORDER BY fid LIMIT 1",
                             (layer, sha256, mapping_hash, UNDONE)).fetchone()
    return None if row is None else str(row[0])


def _insert_record(connection: sqlite3.Connection, record: Mapping[str, object]) -> None:
    """The batch's row in ``asmgeo_batches`` (text columns it does not give are '', counts 0)."""
    row = {c: 0 if c in INTEGER_COLUMNS else "" for c in BATCH_COLUMNS} | {k: v for k, v in record.items() if v is not None}
    sql.insert_rows(connection, BATCH_TABLE, [row], BATCH_COLUMNS)


# ------------------------------------------------------------------ what a layer holds


def _check_column(layer: str, column: str) -> None:
    """Refuse a column that is no field, import column or batch column of ``layer``."""
    if column not in (*layer_spec(layer).field_names, *import_columns(layer), BATCH_COLUMN, LICENCE_COLUMN):
        raise ValueError(f"column={column!r} is not a column asmgeo writes in layer {layer!r}")


def _wanted(values: Collection[object]) -> list[str]:
    """The distinct non-empty texts of ``values``, in order."""
    texts = (str(v).strip() for v in values if v is not None and not (isinstance(v, float) and np.isnan(v)))
    return list(dict.fromkeys(v for v in texts if v))


def _existing_in(connection: sqlite3.Connection, layer: str, column: str, values: list[str]) -> set[str]:
    """Those of ``values`` in ``column`` of ``layer``, in rows of no batch or of a batch not undone (IN lists chunked)."""
    if not values or not sql.table_exists(connection, layer):
        return set()
    columns = sql.table_columns(connection, layer)
    if column not in columns:
        return set()
    alive = ""
    if BATCH_COLUMN in columns and sql.table_exists(connection, BATCH_TABLE):
        batch = sql.quote(BATCH_COLUMN)
        alive = (f" AND ({batch} IS NULL OR {batch} = '' OR {batch} NOT IN "
                 f"(SELECT batch FROM {sql.quote(BATCH_TABLE)} WHERE status = ?))")
    found: set[str] = set()
    for start in range(0, len(values), IN_CHUNK):
        chunk = values[start:start + IN_CHUNK]
        marks = ", ".join("?" for _ in chunk)
        query = f"SELECT DISTINCT CAST({sql.quote(column)} AS TEXT) FROM {sql.quote(layer)} WHERE {sql.quote(column)} IN ({marks})"
        found.update(str(v) for (v,) in connection.execute(query + alive, (*chunk, *((UNDONE,) if alive else ()))))
    return found


def _without_existing(connection: sqlite3.Connection, layer: str, frame: gpd.GeoDataFrame,
                      column: str | None) -> gpd.GeoDataFrame:
    """``frame`` without the rows whose non-empty ``column`` value the layer already holds (the column indexed)."""
    if column is None or column not in frame.columns or frame.empty:
        return frame
    if column in sql.table_columns(connection, layer):
        migrations.column_index(connection, layer, column)  # once per layer: later imports look up, not scan
    values = frame[column].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip())
    stored = _existing_in(connection, layer, column, _wanted(values[values != ""]))
    if not stored:
        return frame
    return frame[~values.isin(stored)]


def _sources(connection: sqlite3.Connection, layer: str, meta_source: str, meta_licence: str) -> list[dict]:
    """``{source, licence, features, synthetic}`` per distinct source and licence of ``layer``'s features.

    A feature with no source takes ``meta_source``; one with no licence takes ``meta_licence`` when its
    source is ``meta_source``, else ``''``. Most features first, then by source and licence.
    """
    columns = sql.table_columns(connection, layer)
    source = "coalesce(nullif(trim(source), ''), ?)" if "source" in columns else "?"
    fallback = f"CASE WHEN {source} = ? THEN ? ELSE '' END"
    licence = f"coalesce({sql.quote(LICENCE_COLUMN)}, {fallback})" if LICENCE_COLUMN in columns else fallback
    params = (meta_source, meta_source, meta_source, meta_licence)
    rows = connection.execute(f"SELECT {source} AS s, {licence} AS l, count(*) AS n FROM {sql.quote(layer)} "
                              "GROUP BY s, l ORDER BY n DESC, s, l", params).fetchall()
    return [{"source": str(s or ""), "licence": str(lic or ""), "features": int(n), "synthetic": s == DEMO_SOURCE}
            for s, lic, n in rows]


def _joined(sources: list[dict], key: str) -> str:
    """The distinct non-empty ``key`` values of ``sources`` joined with ``"; "``."""
    return "; ".join(dict.fromkeys(str(s[key]) for s in sources if s[key]))


def _reset_meta(connection: sqlite3.Connection, layer: str, removed: str, force: bool) -> bool:
    """Make the layer's recorded source and licence those of its features (no record when none remain).

    Done when ``force`` (rows were deleted) or when the record names ``removed``; True when done. The
    record's status says it was made from the features, so it lends no source to a feature without one.
    """
    if not sql.table_exists(connection, META_TABLE):
        return False
    row = connection.execute(f"SELECT source, licence, status FROM {sql.quote(META_TABLE)} WHERE name = ?",
                             (layer,)).fetchone()
    meta_source, meta_licence, status = (str(v or "") for v in row) if row else ("", "", "")
    if not force and meta_source != removed:
        return False
    if meta_source == removed or status == FROM_FEATURES:
        meta_source, meta_licence = "", ""  # features with no source of their own no longer come from it
    sources = _sources(connection, layer, meta_source, meta_licence)
    connection.execute(f"DELETE FROM {sql.quote(META_TABLE)} WHERE name = ?", (layer,))
    if sources:
        sql.insert_rows(connection, META_TABLE, [{"name": layer, "source": _joined(sources, "source"),
                                                  "licence": _joined(sources, "licence"), "year": "",
                                                  "status": FROM_FEATURES}],
                        META_COLUMNS)
    return True


# ------------------------------------------------------------------ slides table


def _slide_rows(connection: sqlite3.Connection, sequence: str) -> list[Row]:
    """The rows of ``sequence`` in slide order."""
    return sql.select_rows(connection, SLIDES_TABLE, SLIDE_COLUMNS, "sequence = ?", (sequence,), order="position, fid")


def _write_slides(connection: sqlite3.Connection, sequence: str, rows: list[Row]) -> None:
    """Make ``rows`` the rows of ``sequence`` (each keeps its own ``sequence`` and ``position``)."""
    connection.execute(f"DELETE FROM {sql.quote(SLIDES_TABLE)} WHERE sequence = ?", (sequence,))
    sql.insert_rows(connection, SLIDES_TABLE, rows, SLIDE_COLUMNS)


def _either(types: tuple[str, ...]) -> str:
    """``("Point", "Polygon", "MultiPolygon")`` → ``"Point, Polygon or MultiPolygon"``."""
    return " or ".join([", ".join(types[:-1]), types[-1]]) if len(types) > 1 else "".join(types)
