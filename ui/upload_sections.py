"""The upload page's sections: the report, its preview map and downloads, the commit box, the batches."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from asmgeo import batches as batch_records
from asmgeo import export, upload_map
from asmgeo.i18n import t
from asmgeo.validate import REASONS_COLUMN, Report
from ui import data, explorer_data, upload_flow
from ui import state as keys
from ui.feedback import plain

MAP_WIDTH, MAP_HEIGHT = 800, 420


def counts(report: Report, lang: str) -> None:
    """Features, accepted, rejected; the file-level error when the file could not be used."""
    st.subheader(t("upload.report", lang, file=plain(report.file_name)))
    features, accepted, rejected = st.columns(3)
    features.metric(t("upload.features", lang), f"{report.features:,}")
    accepted.metric(t("upload.accepted", lang), f"{report.accepted_count:,}")
    rejected.metric(t("upload.rejected", lang), f"{report.rejected_count:,}")
    if report.file_error is not None:
        st.error(t("upload.file_error", lang, message=plain(report.file_error.message)))


def issues(report: Report, lang: str) -> None:
    """The issues as a sortable table."""
    st.markdown(f"**{t('upload.issues', lang)}**")
    if not report.issues:
        st.success(t("upload.no_issues", lang))
        return
    st.dataframe(upload_flow.issues_frame(report, lang), hide_index=True, use_container_width=True)


def preview(report: Report, lang: str) -> None:
    """Accepted features in green, rejected ones in red with the reason as a tooltip."""
    if report.features == 0:
        return
    st.caption(t("upload.preview", lang))
    centre, zoom = upload_map.preview_view(report, MAP_WIDTH, MAP_HEIGHT)
    st_folium(explorer_data.base_map(lang, drawing=False), key=keys.UPLOAD_MAP, height=MAP_HEIGHT,
              use_container_width=True, feature_group_to_add=upload_map.preview_layers(report, lang),
              center=centre, zoom=zoom, returned_objects=[])
    unmapped = report.rejected_count - len(upload_map.mappable(report.rejected))
    if unmapped:
        st.caption(t("upload.unmapped", lang, count=unmapped))


def downloads(report: Report, lang: str) -> None:
    """Issues as CSV; rejected features (with their reasons) as GeoJSON, null geometries kept as null."""
    stem = report.file_name.rsplit(".", 1)[0] or "upload"
    left, right = st.columns(2)
    left.download_button(t("upload.download_issues", lang), upload_flow.issues_csv(report, lang),
                         file_name=f"{stem}_issues.csv", mime="text/csv", disabled=not report.issues)
    if report.rejected_count:
        rejected = report.rejected.rename(columns={REASONS_COLUMN: "reasons"})
        right.download_button(t("upload.download_rejected", lang), export.geojson_bytes(rejected),
                              file_name=f"{stem}_rejected.geojson", mime="application/geo+json",
                              help=t("upload.download_rejected_help", lang))


def commit_box(report: Report, lang: str) -> None:
    """The strict box and the Commit button (disabled when the file is unusable or nothing was accepted)."""
    st.checkbox(t("upload.strict", lang), key=keys.UPLOAD_STRICT)
    st.button(t("upload.commit", lang), type="primary", disabled=not upload_flow.can_commit(report),
              help=t("upload.commit_help", lang), on_click=upload_flow.on_commit, args=(report, lang))


def batches(lang: str) -> None:
    """Every import batch, and Approve / Undo for one that is still open."""
    st.header(t("upload.batches", lang))
    table = upload_flow.open_batches()
    everything = batch_records.list_batches(data.store())
    if everything.empty:
        st.caption(t("upload.no_batches", lang))
        return
    st.dataframe(everything.iloc[::-1], hide_index=True, use_container_width=True)
    if table.empty:
        return
    labels = {row.batch: f"{row.batch[:8]} · {row.status} · {row.layer} · {row.file_name}" for row in table.itertuples()}
    chosen = st.selectbox(t("upload.choose_batch", lang), list(labels), format_func=labels.get, key=keys.UPLOAD_BATCH)
    status = table.set_index("batch").loc[chosen, "status"] if chosen in labels else None
    approve, undo = st.columns(2)
    approve.button(t("upload.approve", lang), disabled=status != batch_records.PENDING, on_click=upload_flow.on_approve,
                   args=(lang,), use_container_width=True)
    undo.button(t("upload.undo", lang), disabled=status is None, on_click=upload_flow.on_undo, args=(lang,),
                use_container_width=True)
