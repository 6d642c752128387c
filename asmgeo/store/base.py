"""The Store protocol: every operation the rest of asmgeo asks of a store, whatever the backend.

Callers type against :class:`Store` and get one from :func:`open_store`; the backend (today a
GeoPackage file, :mod:`asmgeo.store.geopackage`) stays behind it. The protocol takes and returns
plain values (frames, rows as dicts, strings, numbers): no SQL, no connection, no file path.
Domain rules reach the store as plain parameters (a callable, a set of codes), never as imports.

Every write is one transaction: the rows of an import and its batch record, an undo and its
status, a ratings edition, a change to a slide sequence, an append. Each also bumps the version of
the tables it changed in that transaction, so :meth:`Store.version` is a cache key that changes
exactly when the data read from those tables may have changed. (``replace`` and ``write_table``
rewrite a whole table in a transaction of their own, the table's version bumped before and after.)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

import geopandas as gpd
import pandas as pd

from asmgeo.config import store_location
from asmgeo.errors import StoreError, worded
from asmgeo.i18n import DEFAULT_LANGUAGE, t

STORE_CRS = "EPSG:4326"
BATCH_COLUMN = "batch"  # the import batch a row came from (asmgeo.store.batches); not a schema field
META_TABLE = "asmgeo_layers"
META_COLUMNS = ["name", "source", "licence", "year", "status"]
LICENCE_COLUMN = "licence"  # the licence an import (or the demo) wrote each feature under; not a schema field
MAPPINGS_TABLE = "asmgeo_mappings"  # hidden: named mappings of a file's columns (asmgeo.ingest.named_mappings)
MAPPING_COLUMNS = ["name", "layer", "mapping", "saved_by", "saved_at"]

Row = dict[str, object]
SlideChange = Callable[[list[Row]], list[Row]]


@dataclass(frozen=True)
class LayerInfo:
    """What the store holds for one layer, as ``asmgeo layers`` reports it.

    ``sources`` is what the layer really holds: one ``{source, licence, features, synthetic}`` per
    distinct source and licence of its features, most features first (``synthetic``: the source is
    the synthetic demo's). ``source`` and ``licence`` are the layer's one source and licence when it
    holds one, else the distinct ones joined with ``"; "`` (the recorded layer source for a layer
    with no feature).
    """

    name: str
    features: int
    geometry: str | None
    source: str
    licence: str
    sources: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Upgrade:
    """What bringing a store's schema to the current version did.

    ``created`` is True for a store made just now; ``steps`` are the numbers of the migrations
    applied (:data:`asmgeo.store.migrations.STEPS`), from ``from_version`` to ``to_version``.
    """

    location: str
    from_version: int
    to_version: int
    steps: tuple[int, ...]
    created: bool = False


@runtime_checkable
class Store(Protocol):
    """Layers and tables of asmgeo, read and written only through these operations."""

    @property
    def location(self) -> str:
        """Where the store lives, for messages (a file path or a database URL)."""
        ...

    def exists(self) -> bool:
        """True when the store is there (it may still hold no layer)."""
        ...

    # ------------------------------------------------------------- schema and versions

    def upgrade(self, create: bool = False) -> Upgrade | None:
        """Schema to the current version (store made first if ``create``); what was done, said once, else None."""
        ...

    def schema_version(self) -> int:
        """The store's schema version (0: made before versions were kept, or missing)."""
        ...

    def version(self, *tables: str) -> tuple:
        """A cache key that changes whenever one of ``tables`` is written (by anyone, through a store)."""
        ...

    # ------------------------------------------------------------- layers

    def layer_names(self) -> list[str]:
        """Names of the layers and tables in the store."""
        ...

    def has_layer(self, layer: str) -> bool:
        """True when ``layer`` (or an attribute table of that name) exists in the store."""
        ...

    def columns(self, layer: str) -> list[str]:
        """The attribute columns of ``layer`` (empty when it does not exist)."""
        ...

    def count(self, layer: str) -> int:
        """Number of features in ``layer`` (0 when it does not exist)."""
        ...

    def read(self, layer: str, *, bbox: tuple[float, float, float, float] | None = None,
             equals: Mapping[str, object] | None = None, columns: list[str] | None = None) -> gpd.GeoDataFrame:
        """Features of a spatial layer, optionally inside ``bbox`` (lon/lat) and whose columns equal ``equals``."""
        ...

    def append(self, layer: str, frame: gpd.GeoDataFrame) -> int:
        """Append features in one transaction (all or none); returns how many were written."""
        ...

    def replace(self, layer: str, frame: gpd.GeoDataFrame) -> int:
        """Overwrite ``layer`` with ``frame``; returns how many features were written."""
        ...

    def delete_where(self, layer: str, column: str, value: str) -> int:
        """Delete the features of ``layer`` whose ``column`` equals ``value``; returns how many."""
        ...

    def summary(self) -> list[LayerInfo]:
        """Each spatial layer present: feature count, geometry type, source, licence and what sources it holds."""
        ...

    def existing_values(self, layer: str, column: str, values: Collection[str]) -> set[str]:
        """Those of ``values`` that ``column`` of ``layer`` holds in a row from no batch or a batch not undone."""
        ...

    def delete_source(self, layer: str, source: str) -> int:
        """Delete the features whose ``source`` is ``source`` and record what remains as the layer's source (one
        transaction); how many were deleted."""
        ...

    def set_layer_meta(self, name: str, source: str, licence: str, year: str = "", status: str = "") -> None:
        """Record where a layer comes from and under which licence."""
        ...

    def layer_meta(self) -> pd.DataFrame:
        """Source, licence, year and status of each layer (empty when none is recorded)."""
        ...

    def raster_folder(self) -> Path:
        """The folder of the rasters that belong to this store."""
        ...

    # ------------------------------------------------------------- attribute tables

    def read_table(self, name: str) -> pd.DataFrame:
        """An attribute (non-spatial) table, e.g. Pillar 6 ratings."""
        ...

    def write_table(self, name: str, frame: pd.DataFrame) -> None:
        """Create or overwrite an attribute table."""
        ...

    # ------------------------------------------------------------- import batches

    def batch_records(self) -> pd.DataFrame:
        """Every import batch record, oldest first (no rows, batch columns, when there is none)."""
        ...

    def add_batch(self, layer: str, frame: gpd.GeoDataFrame, record: Mapping[str, object], *,
                  skip_existing: str | None = None) -> int:
        """Rows and batch record in one transaction (rows written); DuplicateBatchError when the file is in already.

        With ``skip_existing`` (a column), rows whose non-empty value in it the layer already holds
        (:meth:`existing_values`) are left out, in the same transaction, and counted in the record's
        ``skipped_existing``; when no row is left, nothing is written.
        """
        ...

    def set_batch_status(self, batch: str, status: str, *, unless: Collection[str] = (),
                         delete_rows: bool = False) -> tuple[str | None, int]:
        """New status (and rows deleted) in one transaction unless its status is in ``unless``; (old status, deleted)."""
        ...

    # ------------------------------------------------------------- named mappings

    def put_mapping(self, name: str, layer: str, text: str, by: str) -> None:
        """Keep the mapping JSON ``text`` under ``name`` (created or replaced, one transaction; store made if missing)."""
        ...

    def mapping_rows(self) -> list[Row]:
        """Every named mapping (``name``, ``layer``, ``mapping``, ``saved_by``, ``saved_at``), by name."""
        ...

    # ------------------------------------------------------------- marks

    def mark(self, key: str, value: str) -> None:
        """Record ``key`` = ``value`` about the store's history (e.g. the demo was removed); one transaction."""
        ...

    def marks(self) -> dict[str, str]:
        """Every mark recorded with :meth:`mark` (empty for a missing store)."""
        ...

    # ------------------------------------------------------------- ratings

    def add_ratings_edition(self, ratings: pd.DataFrame, edition: Callable[[list[str]], str]) -> str:
        """One transaction: rows under id ``edition(stored ids)``, their countries' illustrative rows gone; the id."""
        ...

    def set_illustrative_ratings(self, ratings: pd.DataFrame) -> None:
        """Replace the illustrative ratings in one transaction; a country with imported ratings gets none."""
        ...

    # ------------------------------------------------------------- workshop slides

    def slide_counts(self) -> dict[str, int]:
        """Each stored slide sequence's name and number of slides."""
        ...

    def slide_rows(self, sequence: str) -> list[Row]:
        """The stored rows of ``sequence`` in slide order (empty when there is none)."""
        ...

    def edit_slides(self, sequence: str, change: SlideChange) -> list[Row]:
        """Rows of ``sequence`` := ``change(rows)`` in one transaction (nothing if it raises); the rows as stored."""
        ...


def upgrade_text(upgrade: Upgrade, lang: str = DEFAULT_LANGUAGE) -> str:
    """One sentence saying what :meth:`Store.upgrade` did, in ``lang``."""
    if upgrade.created:
        return t("store.created", lang, path=upgrade.location, version=upgrade.to_version)
    steps = "; ".join(t(f"store.migration.{step}", lang) for step in upgrade.steps)
    return t("store.upgraded", lang, path=upgrade.location, old=upgrade.from_version, new=upgrade.to_version, steps=steps)


def open_store(location: str | os.PathLike | None = None) -> Store:
    """The store at ``location`` (default: ``ASMGEO_STORE``)."""
    location = os.fspath(location) if location is not None else store_location()
    if location.startswith(("postgresql://", "postgres://")):
        raise worded(StoreError, "error.store_postgis")
    if not location.endswith(".gpkg"):
        raise worded(StoreError, "error.store_not_gpkg_path", location=repr(location))
    from asmgeo.store.geopackage import GeoPackageStore  # the one backend today

    return GeoPackageStore(location)
