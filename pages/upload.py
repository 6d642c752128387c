"""Upload: validate a field-data file, map its columns to our fields, see what was accepted and rejected and why,
commit it with its source and licence, review batches."""

import streamlit as st

from asmgeo.i18n import t
from ui import state as keys
from ui import demo_data, upload_flow, upload_sections
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

if upload is not None:  # its layer (a file with several), the mapping step, the report as mapped, the commit box
    upload_sections.uploaded_file(upload.name, upload.getvalue(), layer, L)

st.divider()
with errors_shown():
    upload_sections.batches(L)
demo_data.removal_box(L)
