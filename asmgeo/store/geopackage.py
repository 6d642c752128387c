"""The store: one interface over a GeoPackage file (default) where every layer is EPSG:4326."""

from __future__ import annotations

import functools
import sqlite3
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import pandas as pd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError

from asmgeo.config import store_location
from asmgeo.errors import StoreError, worded
from asmgeo.schema import LAYERS, layer_spec

T = TypeVar("T")
STORE_CRS = "EPSG:4326"
SQLITE_HEADER = b"SQLite format 3\x00"
GPKG_APPLICATION_ID = b"GPKG"
META_TABLE = "asmgeo_layers"
META_COLUMNS = ["name", "source", "licence", "year", "status"]
BATCH_COLUMN = "batch"  # the import batch a row came from (asmgeo.store.batches); not a schema field

# Python's sqlite3 (used for deletes) and GDAL link different copies of SQLite; two copies in one
# process do not see each other's file locks, so calls into the store from the threads of one
# process (Streamlit sessions) take turns. Other processes are kept apart by SQLite's own locks.
_PROCESS_LOCK = threading.RLock()

# WAL lets readers and one writer work at once; the busy timeout makes a second writer wait
# for the first instead of failing with "database is locked".
pyogrio.set_gdal_config_options({"OGR_SQLITE_JOURNAL": "WAL", "OGR_SQLITE_PRAGMA": "busy_timeout=30000"})


def _serialized(method: Callable[..., T]) -> Callable[..., T]:
    """Run a store method while holding the process-wide store lock."""

    @functools.wraps(method)
    def locked(*args, **kwargs):
        with _PROCESS_LOCK:
            return method(*args, **kwargs)

    return locked


@dataclass(frozen=True)
class LayerInfo:
    """What the store holds for one layer, as ``asmgeo layers`` reports it."""

    name: str
    features: int
    geometry: str | None
    source: str
    licence: str


class GeoPackageStore:
    """Layers and tables in one GeoPackage file that QGIS opens directly."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @property
    def location(self) -> str:
        """Where the store lives, for messages."""
        return str(self.path)

    def exists(self) -> bool:
        """True when the store file is there (it may still hold no layer)."""
        return self.path.is_file()

    @_serialized
    def layer_names(self) -> list[str]:
        """Names of the layers and tables in the store."""
        if not self.exists():
            return []
        self._check_header()
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
        where: str | None = None,
        columns: list[str] | None = None,
    ) -> gpd.GeoDataFrame:
        """Features of a spatial layer, optionally inside ``bbox`` (lon/lat) or matching ``where``."""
        layer_spec(layer)
        self._require_layer(layer)
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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        exists = self.has_layer(layer)
        pyogrio.write_dataframe(frame, self.path, layer=layer, driver="GPKG", append=exists,
                                **({} if exists else _geometry_type(layer)))
        return len(frame)

    @_serialized
    def replace(self, layer: str, frame: gpd.GeoDataFrame) -> int:
        """Overwrite ``layer`` with ``frame``; returns how many features were written."""
        layer_spec(layer)
        frame = to_store_crs(frame)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        pyogrio.write_dataframe(frame, self.path, layer=layer, driver="GPKG", append=False, **_geometry_type(layer))
        return len(frame)

    @_serialized
    def delete_where(self, layer: str, column: str, value: str) -> int:
        """Delete the features of ``layer`` whose ``column`` equals ``value``; returns how many."""
        spec = layer_spec(layer)
        if column not in (*spec.field_names, BATCH_COLUMN):
            raise ValueError(f"column={column!r} is not a field of layer {layer!r}")
        if not self.has_layer(layer):
            return 0
        with closing(self._sqlite()) as connection, connection:
            return connection.execute(f'DELETE FROM "{layer}" WHERE "{column}" = ?', (value,)).rowcount

    @_serialized
    def add_text_column(self, layer: str, column: str) -> bool:
        """Add a text ``column`` to an existing ``layer`` unless it has one; True when it was added."""
        layer_spec(layer)
        if not self.has_layer(layer):
            return False
        with self.transaction() as connection:
            present = {row[1] for row in connection.execute(f'PRAGMA table_info("{layer}")')}
            if column in present:
                return False
            connection.execute(f'ALTER TABLE "{layer}" ADD COLUMN "{column}" TEXT')
            return True

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A plain SQLite connection in one write transaction (BEGIN IMMEDIATE): committed, or rolled back on error."""
        with _PROCESS_LOCK:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._sqlite()) as connection:
                connection.isolation_level = None  # transactions are begun and ended here, explicitly
                connection.execute("BEGIN IMMEDIATE")
                try:
                    yield connection
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
                connection.execute("COMMIT")

    @_serialized
    def read_table(self, name: str) -> pd.DataFrame:
        """An attribute (non-spatial) table, e.g. Pillar 6 ratings."""
        self._require_layer(name)
        return pd.DataFrame(pyogrio.read_dataframe(self.path, layer=name, read_geometry=False, use_arrow=True))

    @_serialized
    def write_table(self, name: str, frame: pd.DataFrame) -> None:
        """Create or overwrite an attribute table."""
        if name in LAYERS:
            raise ValueError(f"name={name!r} is a spatial layer; use replace() or append()")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        pyogrio.write_dataframe(pd.DataFrame(frame), self.path, layer=name, driver="GPKG", append=False)

    @_serialized
    def set_layer_meta(self, name: str, source: str, licence: str, year: str = "", status: str = "") -> None:
        """Record where a layer comes from and under which licence."""
        meta = self.layer_meta()
        meta = meta[meta["name"] != name]
        row = pd.DataFrame([[name, source, licence, year, status]], columns=META_COLUMNS)
        self.write_table(META_TABLE, pd.concat([meta, row], ignore_index=True).sort_values("name"))

    @_serialized
    def layer_meta(self) -> pd.DataFrame:
        """Source, licence, year and status of each layer (empty when none is recorded)."""
        if not self.has_layer(META_TABLE):
            return pd.DataFrame(columns=META_COLUMNS)
        return self.read_table(META_TABLE).fillna("")

    @_serialized
    def summary(self) -> list[LayerInfo]:
        """Each spatial layer present, with its feature count, geometry type, source and licence."""
        names = set(self.layer_names())
        meta = self.layer_meta().set_index("name")
        infos = []
        for layer in (name for name in LAYERS if name in names):
            info = pyogrio.read_info(self.path, layer=layer, force_feature_count=True)
            source = meta["source"].get(layer, "") if not meta.empty else ""
            licence = meta["licence"].get(layer, "") if not meta.empty else ""
            geometry = info["geometry_type"]
            if geometry == "Unknown":  # created generic because the layer takes several types
                geometry = " or ".join(layer_spec(layer).geometry_types)
            infos.append(LayerInfo(layer, int(info["features"]), geometry, source, licence))
        return infos

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

    def _sqlite(self) -> sqlite3.Connection:
        """A plain SQLite connection for statements OGR has no call for (deletes)."""
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        return connection


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


def open_store(location: str | None = None) -> GeoPackageStore:
    """The store at ``location`` (default: ``ASMGEO_STORE``)."""
    location = location or store_location()
    if location.startswith(("postgresql://", "postgres://")):
        raise worded(StoreError, "error.store_postgis")
    if not location.endswith(".gpkg"):
        raise worded(StoreError, "error.store_not_gpkg_path", location=repr(location))
    return GeoPackageStore(location)
