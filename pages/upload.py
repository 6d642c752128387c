"""Upload: validate a field-data file, see what was accepted and rejected and why, commit it, review batches."""

import streamlit as st

from asmgeo.i18n import t
from ui import state as keys
from ui import upload_flow, upload_sections
from ui.feedback import errors_shown, lang
from ui.frame import leave_legacy_pages_mode
from ui.uploader import file_uploader

leave_legacy_pages_mode()
L = lang()

st.title(t("upload.title", L))
st.write(t("upload.intro", L))
upload_flow.show_message()

layer_column, who_column = st.columns(2)
layer = layer_column.selectbox(t("upload.layer", L), upload_flow.LAYERS, key=keys.UPLOAD_LAYER,
                               format_func=lambda name: t(f"map.layer.{name}", L))
who_column.text_input(t("upload.who", L), key=keys.UPLOAD_WHO, max_chars=80)
upload = file_uploader(t("upload.file", L), L, type=upload_flow.FILE_TYPES, key=keys.UPLOAD_FILE)

if upload is not None:
    with errors_shown():
        busy = t("upload.validating", L, file=upload.name)
        bar = st.progress(0.0, text=busy)
        report = upload_flow.cached_report(upload.name, upload.getvalue(), layer, L,
                                           progress=lambda f: bar.progress(min(max(float(f), 0.0), 1.0), text=busy))
        bar.empty()
    upload_sections.counts(report, L)
    upload_sections.issues(report, L)
    with errors_shown():
        upload_sections.preview(report, L)
        upload_sections.downloads(report, L)
    upload_sections.commit_box(report, L)

st.divider()
with errors_shown():
    upload_sections.batches(L)
from ui.demo_data import removal_box; removal_box(L)  # noqa: E402, E702 (one line, so merges stay trivial)
