"""The upload page's logic, callable without a browser: validate a file, commit it, approve or undo a batch.

The functions taking a path or a batch id do not touch the session, so tests call them directly;
the ``on_*`` callbacks wrap them for the page's buttons and leave a message for the next run.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from asmgeo.i18n import date, number, t
from asmgeo.ingest.commit import import_report
from asmgeo.ingest.validate import EXIT_FILE, Report, validate_file
from asmgeo.outputs.export import CSV_ENCODING
from asmgeo.store import batches
from ui import data, feedback
from ui import state as keys

LAYERS = ("sites", "mercury", "tailings")
SHORT_ID = 8  # characters of a batch id shown in lists (the record shows all of it)
FILE_TYPES = ["geojson", "json", "ndjson", "gpkg", "zip", "kml", "kmz", "csv", "xlsx"]
STATUS_KEYS = {batches.PENDING: "upload.status_pending", batches.APPROVED: "upload.status_approved",
               batches.UNDONE: "upload.status_undone"}


def validate_path(path: Path | str, layer: str, lang: str = "en",
                  progress: Callable[[float], None] | None = None) -> Report:
    """Validate the file at ``path`` for ``layer`` against the full-resolution countries."""
    return validate_file(Path(path), layer, data.full_countries(), progress=progress, lang=lang)


def validate_bytes(name: str, content: bytes, layer: str, lang: str = "en",
                   progress: Callable[[float], None] | None = None) -> Report:
    """Write ``content`` to a temp file keeping the upload's name (its suffix picks the reader) and validate it."""
    safe_name = Path(name).name or "upload"
    with tempfile.TemporaryDirectory(prefix="asmgeo-upload-") as folder:
        path = Path(folder) / safe_name
        path.write_bytes(content)
        return validate_path(path, layer, lang, progress)


def cached_report(name: str, content: bytes, layer: str, lang: str,
                  progress: Callable[[float], None] | None = None) -> Report:
    """The report of this upload, validated once per (sha256, layer, language) in the session."""
    reports = st.session_state.setdefault(keys.UPLOAD_REPORTS, {})
    key = (hashlib.sha256(content).hexdigest(), layer, lang)
    if key not in reports:
        reports.clear()  # keep one report: a session holds at most the file in front of it
        reports[key] = validate_bytes(name, content, layer, lang, progress)
    return reports[key]


def can_commit(report: Report) -> bool:
    """A file that could be read and has accepted features."""
    return report.exit_code != EXIT_FILE and report.accepted_count > 0


def issues_frame(report: Report, lang: str = "en") -> pd.DataFrame:
    """One row per issue; the feature number is the 0-based index of the JSON report and the messages."""
    rows = [{"feature": i.feature, "field": i.field or "", "severity": t(f"upload.severity_{i.severity}", lang),
             "code": i.code, "message": i.message} for i in report.issues]
    frame = pd.DataFrame(rows, columns=["feature", "field", "severity", "code", "message"])
    frame["feature"] = frame["feature"].astype("Int64")
    return frame.rename(columns={c: t(f"upload.col_{c}", lang) for c in frame.columns})


def issues_csv(report: Report, lang: str = "en") -> bytes:
    """The issues table as CSV (UTF-8 with BOM, like the other exports)."""
    return issues_frame(report, lang).to_csv(index=False, lineterminator="\r\n").encode(CSV_ENCODING)


def commit(report: Report, who: str, strict: bool, lang: str = "en") -> tuple[str, str]:
    """Import the accepted features as a pending batch; returns (kind, message) for the screen."""
    result = import_report(data.store(), report, by=who.strip() or None, strict=strict)
    layer = layer_name(report.layer, lang)
    if result.duplicate_of is not None:
        return "warning", t("upload.duplicate", lang, layer=layer, batch=result.duplicate_of)
    if result.batch is None:
        return "warning", t("upload.nothing_written", lang)
    return "success", t("upload.committed", lang, batch=result.batch, written=number(result.written, lang), layer=layer)


def approve(batch: str, lang: str = "en") -> tuple[str, str]:
    """Approve ``batch``; returns (kind, message)."""
    batches.approve(data.store(), batch)
    return "success", t("upload.approved", lang, batch=batch)


def undo(batch: str, lang: str = "en") -> tuple[str, str]:
    """Undo ``batch`` (its rows deleted); returns (kind, message)."""
    layer = batches.get_batch(data.store(), batch)["layer"]
    deleted = batches.undo(data.store(), batch)
    return "success", t("upload.undone", lang, batch=batch, deleted=number(deleted, lang),
                        layer=layer_name(layer, lang))


def layer_name(layer: str, lang: str = "en") -> str:
    """The layer's name for the reader (``sites`` → "ASM sites"); a name asmgeo does not know, as it is."""
    try:
        return t(f"map.layer.{layer}", lang)
    except KeyError:
        return layer


def status_name(status: str, lang: str = "en") -> str:
    """A batch status for the reader (``pending`` → "pending review")."""
    return t(STATUS_KEYS[status], lang) if status in STATUS_KEYS else status


def when_text(when: str, lang: str = "en") -> str:
    """A batch's UTC ISO time stamp as the reader's date and the hour and minute (UTC)."""
    try:
        return t("upload.when_value", lang, date=date(when, lang), time=str(when)[11:16])
    except ValueError:
        return str(when)


def open_batches(everything: pd.DataFrame | None = None) -> pd.DataFrame:
    """Batches that are not undone (the ones approve or undo can still act on), newest first."""
    frame = batches.list_batches(data.store()) if everything is None else everything
    return frame[frame["status"] != batches.UNDONE].iloc[::-1]


def batches_frame(everything: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The batch list as shown, newest first: short id, localised layer, status, date and counts."""
    frame = pd.DataFrame({
        "batch": everything["batch"].str[:SHORT_ID],
        "status": [status_name(s, lang) for s in everything["status"]],
        "layer": [layer_name(x, lang) for x in everything["layer"]],
        "file_name": everything["file_name"],
        "who": everything["who"],
        "when": [when_text(w, lang) for w in everything["when"]],
        **{c: [number(int(n), lang) for n in everything[c]] for c in ("features", "accepted", "rejected")},
    }).iloc[::-1]
    return frame.rename(columns={c: t(f"upload.batch_{c}", lang) for c in frame.columns})


def batch_label(record: pd.Series | dict, lang: str = "en") -> str:
    """One batch in the chooser: short id · status · layer · file."""
    return " · ".join([str(record["batch"])[:SHORT_ID], status_name(record["status"], lang),
                       layer_name(record["layer"], lang), str(record["file_name"])])


def batch_record(record: pd.Series | dict, lang: str = "en") -> list[tuple[str, str]]:
    """(label, value) of everything a reviewer reads about a batch; values are data, not Markdown."""
    fields = [("batch", str(record["batch"])), ("status", status_name(record["status"], lang)),
              ("layer", layer_name(record["layer"], lang)), ("file_name", str(record["file_name"])),
              ("sha256", str(record["sha256"])), ("who", str(record["who"])), ("when", when_text(record["when"], lang))]
    fields += [(c, number(int(record[c]), lang)) for c in ("features", "accepted", "rejected")]
    return [(t(f"upload.batch_{name}", lang), value) for name, value in fields]


def batch_features(batch: str) -> dict[str, gpd.GeoDataFrame]:
    """The rows ``batch`` wrote, by layer, read from the store (pending ones included: this is the review)."""
    return batches.batch_features(data.store(), batch)


# --------------------------------------------------------------- button callbacks


def error_text(exc: Exception, lang: str = "en") -> str:
    """What the page says when an action fails: a batch error in the upload page's words, others as any page says."""
    if isinstance(exc, batches.BatchError):
        return t(f"upload.error_{exc.code}", lang, batch=exc.batch)
    return feedback.error_text(exc, lang)


def _leave(function: Callable[..., tuple[str, str]], *args) -> None:
    feedback.keep_outcome(keys.UPLOAD_MESSAGE, lambda: function(*args), args[-1], describe=error_text)


def on_commit(report: Report, lang: str) -> None:
    """Commit button: import with the name and strict box as they are now."""
    who = str(st.session_state.get(keys.UPLOAD_WHO, ""))
    strict = bool(st.session_state.get(keys.UPLOAD_STRICT, False))
    _leave(commit, report, who, strict, lang)


def on_approve(lang: str) -> None:
    """Approve button: the batch chosen in the batch select box."""
    _leave(approve, st.session_state[keys.UPLOAD_BATCH], lang)


def on_undo(lang: str) -> None:
    """Undo button: the batch chosen in the batch select box."""
    _leave(undo, st.session_state[keys.UPLOAD_BATCH], lang)


def show_message() -> None:
    """Show (once) what the last callback left."""
    kind, text = st.session_state.pop(keys.UPLOAD_MESSAGE, (None, None))
    if kind is not None:
        getattr(st, kind)(text)
