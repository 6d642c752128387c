"""The sidebar every page shares: language and data status."""

from __future__ import annotations

import streamlit as st

from asmgeo.i18n import LANGUAGE_NAMES, LANGUAGES, t
from ui import data, language
from ui.feedback import lang
from ui.state import LANG


def render() -> None:
    """Draw the shared sidebar."""
    with st.sidebar:
        st.selectbox(t("sidebar.language", lang()), LANGUAGES, format_func=LANGUAGE_NAMES.get, key=LANG,
                     on_change=language.chosen_in_sidebar)
        st.subheader(t("sidebar.data_status", lang()))
        st.caption(t("sidebar.store", lang(), location=data.store().location))
        for layer, count in data.layer_counts().items():
            st.caption(t("sidebar.layer_count", lang(), layer=layer, count=f"{count:,}"))
        st.caption(t("sidebar.site_visits", lang(), sites=f"{len(data.explorer_sites()):,}"))
        st.info(t("sidebar.demo_label", lang()))
