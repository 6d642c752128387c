"""Import batches: the accepted features of one validated upload, written together and undone together.

API::

    from asmgeo.ingest.commit import import_report          # a validated Report → a new batch
    from asmgeo.store.batches import approve, undo, list_batches, batch_features

    result = import_report(store, report, by="amadou")   # ImportResult(batch, written, duplicate_of)
    batch_features(store, result.batch)                  # {"sites": GeoDataFrame of exactly its rows}
    approve(store, result.batch)                         # pending → approved
    undo(store, result.batch)                            # its rows deleted from its layer, status undone
    list_batches(store)                                  # DataFrame, one row per batch, oldest first

Each batch is a row of the attribute table ``asmgeo_batches`` (see :data:`BATCH_COLUMNS`); each layer
row an import writes carries the batch id in a ``batch`` column (rows from elsewhere, e.g. the demo,
have none). The rows and the batch record are written in one transaction
(:meth:`~asmgeo.store.base.Store.add_batch`), so readers see a whole batch or none of it, even when
the process is killed while writing; an undo deletes the rows and marks the batch undone in one
transaction too. A site id already in the store is simply a new visit.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from asmgeo.errors import AsmgeoError
from asmgeo.store.base import BATCH_COLUMN, Store

BATCH_TABLE = "asmgeo_batches"
PENDING, APPROVED, UNDONE = "pending", "approved", "undone"
# Added by schema step 3 (asmgeo.store.migrations): the mapping used (its JSON text and the SHA-256 of that
# text, '' for none), the provenance given on import, and how many records were skipped as already stored.
STEP3_BATCH_COLUMNS = {"mapping": "TEXT", "mapping_hash": "TEXT", "source": "TEXT", "licence": "TEXT",
                       "skipped_existing": "INTEGER"}
BATCH_COLUMNS = ["batch", "layer", "file_name", "sha256", "who", "when", "features", "accepted", "rejected", "status",
                 *STEP3_BATCH_COLUMNS]
INTEGER_COLUMNS = ("features", "accepted", "rejected", "skipped_existing")


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
    """The same file was already imported into the same layer with the same mapping (``batch``: that import)."""

    def __init__(self, batch: str) -> None:
        self.batch = batch
        super().__init__(f"This file was already imported as batch {batch}.")


def empty_batches() -> pd.DataFrame:
    """The batch table with no row (its columns and dtypes)."""
    return pd.DataFrame({c: pd.Series([], dtype="int64" if c in INTEGER_COLUMNS else "str") for c in BATCH_COLUMNS})


def find_duplicate(store: Store, layer: str, sha256: str, mapping_hash: str = "") -> str | None:
    """The id of a batch (not undone) that imported a file with ``sha256`` into ``layer`` through the same mapping.

    ``mapping_hash`` is the SHA-256 of the mapping's canonical JSON (``''``: no mapping); the same file
    through another (corrected) mapping is no duplicate.
    """
    if not sha256:
        return None
    batches = list_batches(store)
    found = batches[(batches["layer"] == layer) & (batches["sha256"] == sha256)
                    & (batches["mapping_hash"].fillna("") == (mapping_hash or "")) & (batches["status"] != UNDONE)]
    return None if found.empty else str(found["batch"].iloc[0])


def list_batches(store: Store) -> pd.DataFrame:
    """Every batch, oldest first (an empty frame with the batch columns when there is none)."""
    return store.batch_records()


def get_batch(store: Store, batch: str) -> dict:
    """The record of ``batch``; :class:`BatchError` when there is none."""
    batches = list_batches(store)
    found = batches[batches["batch"] == batch]
    if found.empty:
        raise _unknown(store, batch)
    return found.iloc[0].to_dict()


def batch_features(store: Store, batch: str) -> dict[str, gpd.GeoDataFrame]:
    """The rows ``batch`` wrote, as ``{layer: frame}`` in store order (an empty frame once it is undone).

    This is what a reviewer looks at before approving: exactly the rows tagged with the batch,
    pending or not. An id that names no batch raises :class:`BatchError`.
    """
    if not isinstance(batch, str) or not batch.strip():
        raise ValueError(f"batch={batch!r} must be a non-empty batch id")
    layer = str(get_batch(store, batch)["layer"])
    if BATCH_COLUMN not in store.columns(layer):  # no layer, or rebuilt by ``demo`` without its imports
        return {layer: gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs="EPSG:4326"))}
    return {layer: store.read(layer, equals={BATCH_COLUMN: batch})}


def approve(store: Store, batch: str) -> None:
    """Mark a pending batch approved (approving it again changes nothing; an undone batch cannot be)."""
    before, _ = store.set_batch_status(batch, APPROVED, unless=(UNDONE,))
    if before is None:
        raise _unknown(store, batch)
    if before == UNDONE:
        raise BatchError(f"Batch {batch} was undone; import the file again to publish it.", "approve_undone", batch)


def undo(store: Store, batch: str) -> int:
    """Delete exactly the rows of ``batch`` from its layer and mark it undone, in one transaction; rows deleted."""
    before, deleted = store.set_batch_status(batch, UNDONE, unless=(UNDONE,), delete_rows=True)
    if before is None:
        raise _unknown(store, batch)
    if before == UNDONE:
        raise BatchError(f"Batch {batch} is already undone.", "already_undone", batch)
    return deleted


def _unknown(store: Store, batch: str) -> BatchError:
    return BatchError(f"There is no import batch {batch!r} in the store {store.location}.", "unknown_batch", batch)


def published(frame: pd.DataFrame, batches: pd.DataFrame) -> pd.DataFrame:
    """The rows the published maps may show: rows from no import batch, or from an approved one.

    Rows of a batch still pending review (or whose batch record is missing) stay out.
    """
    if BATCH_COLUMN not in frame.columns:
        return frame
    approved = set(batches.loc[batches["status"] == "approved", "batch"])
    batch = frame[BATCH_COLUMN]
    return frame[batch.isna() | (batch == "") | batch.isin(approved)]
