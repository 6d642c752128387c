"""The upload page's logic, callable without a browser: validate a file, commit it, approve or undo a batch.

The functions taking a path or a batch id do not touch the session, so tests call them directly;
the ``on_*`` callbacks wrap them for the page's buttons and leave a message for the next run.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from asmgeo.i18n import date, number, t
from asmgeo.ingest.commit import import_report
from asmgeo.ingest.mapping import Mapping
from asmgeo.ingest.validate import EXIT_FILE, Report, validate_file, with_provenance
from asmgeo.outputs.export import CSV_ENCODING
from asmgeo.schema import EXTRA, ID_FIELDS
from asmgeo.store import batches
from ui import data, feedback
from ui import state as keys

LAYERS = ("sites", "mercury", "tailings")
SHORT_ID = 8  # characters of a batch id shown in lists (the record shows all of it)
FILE_TYPES = ["geojson", "json", "ndjson", "gpkg", "zip", "kml", "kmz", "csv", "xlsx"]
STATUS_KEYS = {batches.PENDING: "upload.status_pending", batches.APPROVED: "upload.status_approved",
               batches.UNDONE: "upload.status_undone"}


def validate_path(path: Path | str, layer: str, lang: str = "en",
                  progress: Callable[[float], None] | None = None, mapping: Mapping | None = None) -> Report:
    """Validate the file at ``path`` for ``layer`` (through ``mapping``) against the full-resolution countries."""
    return validate_file(Path(path), layer, data.full_countries(), progress=progress, lang=lang, mapping=mapping)


def validate_bytes(name: str, content: bytes, layer: str, lang: str = "en",
                   progress: Callable[[float], None] | None = None, mapping: Mapping | None = None) -> Report:
    """Write ``content`` to a temp file keeping the upload's name (its suffix picks the reader) and validate it."""
    safe_name = Path(name).name or "upload"
    with tempfile.TemporaryDirectory(prefix="asmgeo-upload-") as folder:
        path = Path(folder) / safe_name
        path.write_bytes(content)
        return validate_path(path, layer, lang, progress, mapping)


def cached_report(name: str, content: bytes, layer: str, lang: str,
                  progress: Callable[[float], None] | None = None, mapping: Mapping | None = None) -> Report:
    """The report of this upload, validated once per (sha256, layer, language, mapping) in the session."""
    mapping = None if mapping is None or mapping.is_empty else mapping
    reports = st.session_state.setdefault(keys.UPLOAD_REPORTS, {})
    key = (hashlib.sha256(content).hexdigest(), layer, lang, mapping.to_text() if mapping is not None else "")
    if key not in reports:
        reports.clear()  # keep one report: a session holds at most the file in front of it, as mapped now
        reports[key] = validate_bytes(name, content, layer, lang, progress, mapping)
    return reports[key]


def can_commit(report: Report) -> bool:
    """A file that could be read and has accepted features."""
    return report.exit_code != EXIT_FILE and report.accepted_count > 0


def issues_frame(report: Report, lang: str = "en", file_level: bool = True) -> pd.DataFrame:
    """One row per issue (``file_level=False``: per feature only); the feature number is the 0-based index of
    the JSON report and the messages; ``count`` is how many features a file-level cause rejects."""
    rows = [{"feature": i.feature, "count": i.count, "field": i.field or "",
             "severity": t(f"upload.severity_{i.severity}", lang), "code": i.code, "message": i.message}
            for i in report.issues if file_level or i.feature is not None]
    frame = pd.DataFrame(rows, columns=["feature", "count", "field", "severity", "code", "message"])
    frame["feature"] = frame["feature"].astype("Int64")
    frame["count"] = frame["count"].astype("Int64")
    if not file_level:
        frame = frame.drop(columns="count")
    return frame.rename(columns={c: t(f"upload.col_{c}", lang) for c in frame.columns})


def file_notes(report: Report, candidates: dict[str, list[tuple[str, tuple[str, ...]]]] | None = None,
               lang: str = "en") -> list[tuple[str, str]]:
    """Each file-level issue said once as (kind, text): a cause that rejects features with its count and the
    columns that could hold the field; the error that stopped the file and the extra columns are said elsewhere."""
    notes = []
    for issue in report.issues:
        if issue.feature is not None or issue is report.file_error or issue.code == "unused_columns":
            continue
        if issue.code == "missing_column":
            found = (candidates or {}).get(issue.field or "", [])
            listed = "; ".join(t("upload.candidate", lang, column=c, samples=", ".join(s) or "-") for c, s in found)
            text = t("upload.missing_column", lang, field=issue.field, count=number(issue.count or 0, lang))
            text += " " + (t("upload.candidates", lang, columns=listed) if listed else t("upload.no_candidates", lang))
        elif issue.code == "ambiguous_dates":
            text = t("upload.ambiguous_dates", lang, field=issue.field, count=number(issue.count or 0, lang))
        else:
            text = issue.message
        notes.append(("error" if issue.severity == "error" else "warning", text))
    if any(i.code == "unused_columns" for i in report.issues) and not kept_columns(report.accepted):
        notes += [("warning", i.message) for i in report.issues if i.code == "unused_columns"]
    return notes


def kept_columns(features: pd.DataFrame, order: tuple[str, ...] = ()) -> list[str]:
    """The columns kept with the features as extra attributes (not published), in ``order`` then as met."""
    if EXTRA not in features.columns:
        return []
    found: dict[str, None] = {}
    for text in features[EXTRA].dropna():
        found.update(dict.fromkeys(json.loads(text)))
    return sorted(found, key=lambda c: (order.index(c) if c in order else len(order), list(found).index(c)))


def extra_frame(features: pd.DataFrame, layer: str) -> pd.DataFrame:
    """The features' id and their extra attributes, one column each (empty when they have none)."""
    columns = kept_columns(features)
    if not columns:
        return pd.DataFrame()
    id_field = ID_FIELDS.get(layer)
    held = [json.loads(text) if isinstance(text, str) else {} for text in features[EXTRA]]
    frame = pd.DataFrame({c: [row.get(c) for row in held] for c in columns}, dtype="str")
    if id_field in features.columns:
        frame.insert(0, id_field, features[id_field].astype("str").to_numpy())
    return frame


def issues_csv(report: Report, lang: str = "en") -> bytes:
    """The issues table as CSV (UTF-8 with BOM, like the other exports)."""
    return issues_frame(report, lang).to_csv(index=False, lineterminator="\r\n").encode(CSV_ENCODING)


def commit(report: Report, who: str, strict: bool, lang: str = "en", source: str = "",
           licence: str = "") -> tuple[str, str]:
    """Import the accepted features (with the source and licence given) as a pending batch; (kind, message)."""
    report = with_provenance(report, source, licence)
    result = import_report(data.store(), report, by=who.strip() or None, strict=strict)
    layer = layer_name(report.layer, lang)
    skipped = (" " + t("upload.skipped_existing", lang, count=number(result.skipped_existing, lang))
               if result.skipped_existing else "")
    if result.duplicate_of is not None:
        return "warning", t("upload.duplicate", lang, layer=layer, batch=result.duplicate_of)
    if result.batch is None:
        return "warning", t("upload.nothing_written", lang) + skipped
    return "success", t("upload.committed", lang, batch=result.batch, written=number(result.written, lang),
                        layer=layer) + skipped


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
    """Commit button: import with the name, the strict box, the source and the licence as they are now."""
    who = str(st.session_state.get(keys.UPLOAD_WHO, ""))
    strict = bool(st.session_state.get(keys.UPLOAD_STRICT, False))
    source = str(st.session_state.get(keys.UPLOAD_SOURCE, "") or "")
    licence = str(st.session_state.get(keys.UPLOAD_LICENCE, "") or "")
    feedback.keep_outcome(keys.UPLOAD_MESSAGE, lambda: commit(report, who, strict, lang, source, licence), lang,
                          describe=error_text)


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
