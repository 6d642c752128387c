"""Import batches: the accepted features of one validated upload, written together and undone together.

API::

    from asmgeo.store.batches import import_report, approve, undo, list_batches, batch_features

    result = import_report(store, report, by="amadou")   # ImportResult(batch, written, duplicate_of)
    batch_features(store, result.batch)                  # {"sites": GeoDataFrame of exactly its rows}
    approve(store, result.batch)                         # pending → approved
    undo(store, result.batch)                            # its rows deleted from its layer, status undone
    list_batches(store)                                  # DataFrame, one row per batch, oldest first

Each batch is a row of the attribute table ``asmgeo_batches`` (see :data:`BATCH_COLUMNS`); each layer
row an import writes carries the batch id in a ``batch`` column (rows from elsewhere, e.g. the demo,
have none). Layer rows are written first, in one transaction; the batch is recorded after, in another,
and when that fails the rows of the batch are deleted again, so an import either lands completely
(rows and record) or leaves the store as it was. A site id already in the store is simply a new visit.
"""

from __future__ import annotations

import datetime as dt
import getpass
import uuid
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from asmgeo.errors import AsmgeoError
from asmgeo.ingest.validate import EXIT_FILE, FEATURE_COLUMN, Report
from asmgeo.store import BATCH_COLUMN, GeoPackageStore

BATCH_TABLE = "asmgeo_batches"
PENDING, APPROVED, UNDONE = "pending", "approved", "undone"
BATCH_COLUMNS = ["batch", "layer", "file_name", "sha256", "who", "when", "features", "accepted", "rejected", "status"]
_INTEGER_COLUMNS = ("features", "accepted", "rejected")


class BatchError(AsmgeoError):
    """A batch that does not exist, or cannot take the change asked for.

    ``code`` says which (``unknown_batch``, ``approve_undone``, ``already_undone``) and ``batch``
    names it, so a page can word the message in the reader's language.
    """

    def __init__(self, message: str, code: str, batch: str) -> None:
        self.code = code
        self.batch = batch
        super().__init__(message)


class DuplicateBatchError(AsmgeoError):
    """The same file was already imported into the same layer (``batch`` is that earlier import)."""

    def __init__(self, batch: str) -> None:
        self.batch = batch
        super().__init__(f"This file was already imported as batch {batch}.")


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: the new batch id (None when nothing was written), rows, the earlier same import."""

    batch: str | None
    written: int
    duplicate_of: str | None = None


def default_user() -> str:
    """The OS user name, for ``who`` when ``--by`` is not given ("unknown" when there is none)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def import_report(store: GeoPackageStore, report: Report, by: str | None = None, strict: bool = False) -> ImportResult:
    """Write the accepted features of ``report`` as a new pending batch; refuse (write nothing) when it cannot."""
    if not isinstance(report, Report):
        raise TypeError(f"report must be a Report, not {type(report).__name__}")
    if report.exit_code == EXIT_FILE or (strict and report.rejected_count) or report.accepted.empty:
        return ImportResult(None, 0)
    earlier = find_duplicate(store, report.layer, report.sha256)
    if earlier is not None:
        return ImportResult(None, 0, earlier)
    batch = uuid.uuid4().hex
    frame = batch_rows(report, batch)
    store.add_text_column(report.layer, BATCH_COLUMN)
    written = store.append(report.layer, frame)
    try:
        _record(store, batch_record(report, batch, by or default_user()))
    except BaseException as exc:
        store.delete_where(report.layer, BATCH_COLUMN, batch)
        if isinstance(exc, DuplicateBatchError):  # the same file imported by another process meanwhile
            return ImportResult(None, 0, exc.batch)
        raise
    return ImportResult(batch, written)


def batch_rows(report: Report, batch: str):
    """The accepted features as stored: without ``_feature``, with ``batch``, ``source`` defaulting to the file name."""
    frame = report.accepted.drop(columns=[FEATURE_COLUMN], errors="ignore").copy()
    if "source" in frame.columns:
        empty = frame["source"].isna() | (frame["source"].astype(str).str.strip() == "")
        frame.loc[empty, "source"] = report.file_name
    frame[BATCH_COLUMN] = pd.Series([batch] * len(frame), index=frame.index, dtype="str")
    return frame


def batch_record(report: Report, batch: str, by: str) -> dict:
    """The ``asmgeo_batches`` row of a new pending batch."""
    when = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    return {"batch": batch, "layer": report.layer, "file_name": report.file_name, "sha256": report.sha256,
            "who": by, "when": when, "features": int(report.features), "accepted": int(report.accepted_count),
            "rejected": int(report.rejected_count), "status": PENDING}


def find_duplicate(store: GeoPackageStore, layer: str, sha256: str) -> str | None:
    """The id of a batch (not undone) that imported a file with ``sha256`` into ``layer``, if any."""
    if not sha256 or not store.exists() or BATCH_TABLE not in store.layer_names():
        return None
    with store.transaction() as connection:
        return _duplicate_in(connection, layer, sha256)


def list_batches(store: GeoPackageStore) -> pd.DataFrame:
    """Every batch, oldest first (an empty frame with the batch columns when there is none)."""
    if not store.exists() or BATCH_TABLE not in store.layer_names():
        return pd.DataFrame({c: pd.Series([], dtype="int64" if c in _INTEGER_COLUMNS else "str") for c in BATCH_COLUMNS})
    with store.transaction() as connection:
        quoted = ", ".join(f'"{c}"' for c in BATCH_COLUMNS)
        rows = connection.execute(f'SELECT {quoted} FROM "{BATCH_TABLE}" ORDER BY fid').fetchall()
    frame = pd.DataFrame(rows, columns=BATCH_COLUMNS)
    return frame.astype({c: "int64" for c in _INTEGER_COLUMNS})


def get_batch(store: GeoPackageStore, batch: str) -> dict:
    """The record of ``batch``; :class:`BatchError` when there is none."""
    batches = list_batches(store)
    found = batches[batches["batch"] == batch]
    if found.empty:
        raise BatchError(f"There is no import batch {batch!r} in the store {store.location}.", "unknown_batch", batch)
    return found.iloc[0].to_dict()


def batch_features(store: GeoPackageStore, batch: str) -> dict[str, gpd.GeoDataFrame]:
    """The rows ``batch`` wrote, as ``{layer: frame}`` in store order (an empty frame once it is undone).

    This is what a reviewer looks at before approving: exactly the rows tagged with the batch,
    pending or not. An id that names no batch raises :class:`BatchError`.
    """
    if not isinstance(batch, str) or not batch.strip():
        raise ValueError(f"batch={batch!r} must be a non-empty batch id")
    layer = str(get_batch(store, batch)["layer"])
    if not store.has_layer(layer) or not _has_batch_column(store, layer):
        return {layer: gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs="EPSG:4326"))}
    quoted = batch.replace("'", "''")
    return {layer: store.read(layer, where=f"\"{BATCH_COLUMN}\" = '{quoted}'")}


def _has_batch_column(store: GeoPackageStore, layer: str) -> bool:
    """True when ``layer`` has the ``batch`` column (a layer rebuilt by ``demo`` loses it with its imports)."""
    with store.transaction() as connection:
        return BATCH_COLUMN in {row[1] for row in connection.execute(f'PRAGMA table_info("{layer}")')}


def approve(store: GeoPackageStore, batch: str) -> None:
    """Mark a pending batch approved (approving it again changes nothing; an undone batch cannot be)."""
    record = get_batch(store, batch)
    if record["status"] == UNDONE:
        raise BatchError(f"Batch {batch} was undone; import the file again to publish it.", "approve_undone", batch)
    _set_status(store, batch, APPROVED)


def undo(store: GeoPackageStore, batch: str) -> int:
    """Delete exactly the rows of ``batch`` from its layer and mark it undone; returns how many rows went."""
    record = get_batch(store, batch)
    if record["status"] == UNDONE:
        raise BatchError(f"Batch {batch} is already undone.", "already_undone", batch)
    deleted = store.delete_where(record["layer"], BATCH_COLUMN, batch)
    _set_status(store, batch, UNDONE)
    return deleted


def _record(store: GeoPackageStore, record: dict) -> None:
    """Add ``record`` to the batch table (created and registered on first use) unless the same file is there."""
    with store.transaction() as connection:
        _create_table(connection)
        earlier = _duplicate_in(connection, record["layer"], record["sha256"])
        if earlier is not None:
            raise DuplicateBatchError(earlier)
        quoted = ", ".join(f'"{c}"' for c in BATCH_COLUMNS)
        marks = ", ".join("?" for _ in BATCH_COLUMNS)
        connection.execute(f'INSERT INTO "{BATCH_TABLE}" ({quoted}) VALUES ({marks})',
                           [record[c] for c in BATCH_COLUMNS])


def _create_table(connection) -> None:
    """Create ``asmgeo_batches`` as a GeoPackage attribute table (QGIS and OGR list it) unless it exists."""
    columns = ", ".join(f'"{c}" INTEGER' if c in _INTEGER_COLUMNS else f'"{c}" TEXT' for c in BATCH_COLUMNS)
    connection.execute(f'CREATE TABLE IF NOT EXISTS "{BATCH_TABLE}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, {columns})')
    connection.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier) "
                       "VALUES (?, 'attributes', ?)", (BATCH_TABLE, BATCH_TABLE))


def _duplicate_in(connection, layer: str, sha256: str) -> str | None:
    """The earliest batch (not undone) of ``layer`` with ``sha256``, read on ``connection``."""
    if not sha256:
        return None
    row = connection.execute(f'SELECT batch FROM "{BATCH_TABLE}" WHERE layer = ? AND sha256 = ? AND status != ? '
                             "ORDER BY fid LIMIT 1", (layer, sha256, UNDONE)).fetchone()
    return None if row is None else str(row[0])


def _set_status(store: GeoPackageStore, batch: str, status: str) -> None:
    """Change the status of ``batch``."""
    with store.transaction() as connection:
        connection.execute(f'UPDATE "{BATCH_TABLE}" SET status = ? WHERE batch = ?', (status, batch))


def published(frame: pd.DataFrame, batches: pd.DataFrame) -> pd.DataFrame:
    """The rows the published maps may show: rows from no import batch, or from an approved one.

    Rows of a batch still pending review (or whose batch record is missing) stay out.
    """
    if BATCH_COLUMN not in frame.columns:
        return frame
    approved = set(batches.loc[batches["status"] == "approved", "batch"])
    batch = frame[BATCH_COLUMN]
    return frame[batch.isna() | (batch == "") | batch.isin(approved)]
