"""asmgeo dashboard frame: page config, the shared sidebar and navigation."""

import streamlit as st

from asmgeo.config import DEFAULT_DEMO_SITES
from asmgeo.i18n import number, t
from ui import data, language, sidebar
from ui.feedback import errors_shown, lang
from ui.frame import leave_legacy_pages_mode
from ui.state import DEMO_NOTICE, UPGRADE_NOTICE


def frame() -> None:
    """The frame, then the page the navigation opens."""
    leave_legacy_pages_mode()
    st.set_page_config(page_title="asmgeo", page_icon="⛏️", layout="wide")
    language.follow_url()

    upgraded = data.upgrade_notice(lang())  # a store from an earlier release: upgraded in place, said once
    if upgraded is not None:
        st.session_state[UPGRADE_NOTICE] = upgraded
    if UPGRADE_NOTICE in st.session_state:
        st.info(st.session_state[UPGRADE_NOTICE])

    built_in = data.ensure_demo()
    if built_in is not None:
        st.session_state[DEMO_NOTICE] = t("store.demo_built", lang(), sites=number(DEFAULT_DEMO_SITES, lang()),
                                          seconds=number(built_in, lang(), decimals=1))
    if DEMO_NOTICE in st.session_state:
        st.info(st.session_state[DEMO_NOTICE])

    sidebar.render()

    navigation = st.navigation([
        st.Page("pages/home.py", title=t("nav.home", lang()), icon=":material/public:", default=True),
        st.Page("pages/explorer.py", title=t("nav.explorer", lang()), icon=":material/layers:"),
        st.Page("pages/workshop.py", title=t("nav.workshop", lang()), icon=":material/co_present:",
                url_path="workshop"),
        st.Page("pages/profiles.py", title=t("nav.profiles", lang()), icon=":material/flag:", url_path="profiles"),
        st.Page("pages/upload.py", title=t("nav.upload", lang()), icon=":material/upload_file:", url_path="upload"),
    ])
    language.keep_in_url()
    navigation.run()


# The one place an error on any page becomes a message: in the reader's language, a fault logged with a reference.
with errors_shown():
    frame()
