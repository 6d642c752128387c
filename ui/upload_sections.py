"""The upload page's sections: the report, its preview map and downloads, the commit box, the batches."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from asmgeo.i18n import number, t
from asmgeo.ingest.validate import Report
from asmgeo.maps import upload_map
from asmgeo.outputs import export
from asmgeo.store import batches as batch_records
from ui import data, explorer_data, upload_flow, upload_mapping
from ui import state as keys
from ui.feedback import errors_shown, plain

MAP_HEIGHT = 420


def uploaded_file(name: str, content: bytes, layer: str, lang: str) -> None:
    """A file in front of the user: the layer of the file to read (when it has several), the mapping step, the
    report as mapped (counts, issues, preview, downloads) and the commit box."""
    with errors_shown():
        source_layer = upload_mapping.source_layer_picker(name, content, lang)
        step = upload_mapping.file_step(name, content, layer, source_layer, lang)
        if step is not None:
            mapping = upload_mapping.mapping_step(step, source_layer, lang)
        else:  # a file that cannot be read: the report says why
            mapping = upload_mapping.bare(layer, source_layer)
        busy = t("upload.validating", lang, file=name)
        bar = st.progress(0.0, text=busy)
        report = upload_flow.cached_report(name, content, layer, lang, mapping=mapping,
                                           progress=lambda f: bar.progress(min(max(float(f), 0.0), 1.0), text=busy))
        bar.empty()
    counts(report, lang)
    issues(report, lang, *upload_mapping.report_context(step))
    with errors_shown():
        preview(report, lang)
        downloads(report, lang)
    commit_box(report, lang)


def counts(report: Report, lang: str) -> None:
    """Features, accepted, rejected; the file-level error when the file could not be used."""
    st.subheader(t("upload.report", lang, file=plain(report.file_name)))
    features, accepted, rejected = st.columns(3)
    features.metric(t("upload.features", lang), number(report.features, lang))
    accepted.metric(t("upload.accepted", lang), number(report.accepted_count, lang))
    rejected.metric(t("upload.rejected", lang), number(report.rejected_count, lang))
    if report.file_error is not None:
        st.error(t("upload.file_error", lang, message=plain(report.file_error.message)))


def issues(report: Report, lang: str, candidates: dict | None = None, columns: tuple[str, ...] = ()) -> None:
    """Each cause shared by the file said once (with the features it rejects and the columns that could hold a
    missing field), the columns kept but not published, then the issues of single features as a sortable table."""
    st.markdown(f"**{t('upload.issues', lang)}**")
    if not report.issues:
        st.success(t("upload.no_issues", lang))
        return
    for kind, text in upload_flow.file_notes(report, candidates, lang):
        getattr(st, kind)(plain(text))
    kept = upload_flow.kept_columns(report.accepted, columns)
    if kept:
        st.info(t("upload.kept_columns", lang, columns=plain(", ".join(kept))))
    frame = upload_flow.issues_frame(report, lang, file_level=False)
    if not frame.empty:
        st.dataframe(frame, hide_index=True, use_container_width=True)


def preview(report: Report, lang: str) -> None:
    """Accepted features in green, rejected ones in red with the reason as a tooltip; the map fits them."""
    if report.features == 0:
        return
    st.caption(t("upload.preview", lang))
    st_folium(explorer_data.base_map(lang, drawing=False), key=keys.UPLOAD_MAP, height=MAP_HEIGHT,
              use_container_width=True, feature_group_to_add=upload_map.preview_layers(report, lang),
              returned_objects=[])
    unmapped = report.rejected_count - len(upload_map.mappable(report.rejected))
    if unmapped:
        st.caption(t("upload.unmapped", lang, count=number(unmapped, lang)))


def downloads(report: Report, lang: str) -> None:
    """Issues as CSV; rejected features (with their reasons) as GeoJSON, null geometries kept as null."""
    stem = report.file_name.rsplit(".", 1)[0] or "upload"
    left, right = st.columns(2)
    left.download_button(t("upload.download_issues", lang), upload_flow.issues_csv(report, lang),
                         file_name=f"{stem}_issues.csv", mime="text/csv", disabled=not report.issues)
    if report.rejected_count:
        right.download_button(t("upload.download_rejected", lang), export.rejected_geojson_bytes(report.rejected),
                              file_name=f"{stem}_rejected.geojson", mime="application/geo+json",
                              help=t("upload.download_rejected_help", lang))


def commit_box(report: Report, lang: str) -> None:
    """Source and licence, the strict box and the Commit button (disabled when the file is unusable or nothing
    was accepted)."""
    source, licence = st.columns(2)
    source.text_input(t("upload.source", lang), key=keys.UPLOAD_SOURCE, max_chars=200,
                      help=t("upload.source_help", lang))
    licence.text_input(t("upload.licence", lang), key=keys.UPLOAD_LICENCE, max_chars=200,
                       help=t("upload.licence_help", lang))
    st.checkbox(t("upload.strict", lang), key=keys.UPLOAD_STRICT)
    st.button(t("upload.commit", lang), type="primary", disabled=not upload_flow.can_commit(report),
              help=t("upload.commit_help", lang), on_click=upload_flow.on_commit, args=(report, lang))


def batches(lang: str) -> None:
    """Every import batch; the chosen open one with its record, its features on a map, Approve and Undo."""
    st.header(t("upload.batches", lang))
    everything = batch_records.list_batches(data.store())
    if everything.empty:
        st.caption(t("upload.no_batches", lang))
        return
    st.dataframe(upload_flow.batches_frame(everything, lang), hide_index=True, use_container_width=True)
    table = upload_flow.open_batches(everything)
    if table.empty:
        return
    records = {row["batch"]: row for _, row in table.iterrows()}
    chosen = st.selectbox(t("upload.choose_batch", lang), list(records), key=keys.UPLOAD_BATCH,
                          format_func=lambda batch: upload_flow.batch_label(records[batch], lang))
    if chosen in records:
        review(records[chosen], lang)


def review(record, lang: str) -> None:
    """One batch under review: its features on a map fitted to them, its record, Approve / Undo beside it."""
    st.subheader(t("upload.review", lang, batch=str(record["batch"])[:upload_flow.SHORT_ID]))
    features = upload_flow.batch_features(record["batch"])
    map_column, side = st.columns([2, 1])
    with map_column:
        review_map(features, record, lang)
    with side:
        st.markdown("  \n".join(f"**{plain(label)}:** {plain(value)}" for label, value in
                                 upload_flow.batch_record(record, lang)))
        pending = record["status"] == batch_records.PENDING
        st.button(t("upload.approve", lang), disabled=not pending, on_click=upload_flow.on_approve, args=(lang,),
                  type="primary", use_container_width=True)
        st.button(t("upload.undo", lang), on_click=upload_flow.on_undo, args=(lang,), use_container_width=True)
    extra(features, lang)


def extra(features: dict, lang: str) -> None:
    """The batch's columns kept with each feature but not published, for the local reviewer (values are data)."""
    for layer, frame in features.items():
        table = upload_flow.extra_frame(frame, layer)
        if table.empty:
            continue
        st.markdown(f"**{t('upload.review_kept', lang)}**")
        st.caption(t("upload.review_kept_help", lang))
        st.dataframe(table, hide_index=True, use_container_width=True)


def review_map(features: dict, record, lang: str) -> None:
    """Exactly the batch's rows (hover for the id and name, click for the main fields), or why there are none."""
    shown = sum(len(upload_map.mappable(frame)) for frame in features.values())
    if not shown:
        st.info(t("upload.review_empty", lang))
        return
    st_folium(explorer_data.base_map(lang, drawing=False), key=keys.UPLOAD_BATCH_MAP, height=MAP_HEIGHT,
              use_container_width=True, feature_group_to_add=upload_map.batch_layers(features, lang),
              returned_objects=[])
    note = "upload.review_pending" if record["status"] == batch_records.PENDING else "upload.review_approved"
    st.caption(t(note, lang, count=number(shown, lang)))
