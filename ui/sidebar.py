"""The sidebar every page shares: language and data status."""

from __future__ import annotations

import streamlit as st

from asmgeo.i18n import CATALOGUE, t
from ui import data
from ui.feedback import lang
from ui.state import LANG

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}


def render() -> None:
    """Draw the shared sidebar."""
    with st.sidebar:
        st.selectbox(t("sidebar.language", lang()), list(CATALOGUE), format_func=LANGUAGE_NAMES.get, key=LANG)
        st.subheader(t("sidebar.data_status", lang()))
        st.caption(t("sidebar.store", lang(), location=data.store().location))
        for layer, count in data.layer_counts().items():
            st.caption(t("sidebar.layer_count", lang(), layer=layer, count=f"{count:,}"))
        st.caption(t("sidebar.site_visits", lang(), sites=f"{len(data.explorer_sites()):,}"))
        st.info(t("sidebar.demo_label", lang()))
