"""Commit a validated upload: the accepted features of a :class:`Report` become one new import batch.

API::

    from asmgeo.ingest.commit import import_report

    result = import_report(store, report, by="amadou", strict=False)
    # ImportResult(batch, written, duplicate_of, skipped_existing)

The rows and the batch record are written by one store call in one transaction
(:meth:`asmgeo.store.base.Store.add_batch`), the duplicate-file check inside it: an import lands
whole or not at all, and the same file imported twice into a layer through the same mapping, even
by two processes at once, is written once (through a corrected mapping it may be imported again).
Exports are cumulative: an accepted record whose ``submission_id`` the layer already holds (in no
batch or a batch not undone) is skipped in that same transaction and counted in
``skipped_existing``. The batch record keeps the mapping used (its canonical JSON and SHA-256,
:mod:`asmgeo.ingest.named_mappings`), the source and licence given on import (the file name when no
source is given) and the skipped count; each row keeps its ``source`` and ``licence``. What happens to
a batch afterwards (approve, undo) is :mod:`asmgeo.store.batches`.
"""

from __future__ import annotations

import datetime as dt
import getpass
import uuid
from dataclasses import dataclass

import pandas as pd

from asmgeo.ingest.named_mappings import mapping_hash, mapping_text
from asmgeo.ingest.validate import EXIT_FILE, FEATURE_COLUMN, Report
from asmgeo.schema import SUBMISSION_ID
from asmgeo.store.base import BATCH_COLUMN, LICENCE_COLUMN, Store
from asmgeo.store.batches import PENDING, DuplicateBatchError, find_duplicate


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: the new batch id (None when nothing was written), rows, the earlier same import,
    and how many accepted records were skipped because the store already held their submission id."""

    batch: str | None
    written: int
    duplicate_of: str | None = None
    skipped_existing: int = 0


def default_user() -> str:
    """The OS user name, for ``who`` when ``--by`` is not given ("unknown" when there is none)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def import_report(store: Store, report: Report, by: str | None = None, strict: bool = False) -> ImportResult:
    """Write the accepted features of ``report`` as a new pending batch; refuse (write nothing) when it cannot."""
    if not isinstance(report, Report):
        raise TypeError(f"report must be a Report, not {type(report).__name__}")
    if report.exit_code == EXIT_FILE or (strict and report.rejected_count) or report.accepted.empty:
        return ImportResult(None, 0)
    earlier = find_duplicate(store, report.layer, report.sha256, mapping_hash(report.mapping))  # the store checks again
    if earlier is not None:
        return ImportResult(None, 0, earlier)
    batch = uuid.uuid4().hex
    rows = batch_rows(report, batch)
    try:
        written = store.add_batch(report.layer, rows, batch_record(report, batch, by or default_user()),
                                  skip_existing=SUBMISSION_ID)
    except DuplicateBatchError as exc:  # the same file imported by another process meanwhile
        return ImportResult(None, 0, exc.batch)
    return ImportResult(batch if written else None, written, skipped_existing=len(rows) - written)


def batch_rows(report: Report, batch: str):
    """The accepted features as stored: without ``_feature``, with ``batch``, ``source`` defaulting to the file name
    and ``licence`` the one given on import ('' when none was)."""
    frame = report.accepted.drop(columns=[FEATURE_COLUMN], errors="ignore").copy()
    if "source" in frame.columns:
        empty = frame["source"].isna() | (frame["source"].astype(str).str.strip() == "")
        frame.loc[empty, "source"] = report.file_name
    frame[LICENCE_COLUMN] = pd.Series([report.licence or ""] * len(frame), index=frame.index, dtype="str")
    frame[BATCH_COLUMN] = pd.Series([batch] * len(frame), index=frame.index, dtype="str")
    return frame


def batch_record(report: Report, batch: str, by: str) -> dict:
    """The ``asmgeo_batches`` row of a new pending batch (``skipped_existing`` is counted by the store)."""
    when = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    return {"batch": batch, "layer": report.layer, "file_name": report.file_name, "sha256": report.sha256,
            "who": by, "when": when, "features": int(report.features), "accepted": int(report.accepted_count),
            "rejected": int(report.rejected_count), "status": PENDING,
            "mapping": mapping_text(report.mapping), "mapping_hash": mapping_hash(report.mapping),
            "source": report.source or report.file_name, "licence": report.licence or "", "skipped_existing": 0}
