"""The sidebar every page shares: language and data status."""

from __future__ import annotations

import streamlit as st

from asmgeo.i18n import CATALOGUE, DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, number, t
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
            st.caption(_layer_line(layer, count, lang()))
        st.caption(t("sidebar.site_visits", lang(), sites=number(len(data.explorer_sites()), lang())))
        if data.synthetic_counts():
            st.info(t("sidebar.demo_label", lang()))



def _layer_line(layer: str, count: int, lang: str) -> str:
    """"ASM sites (sites): 1,234 features": the layer's name in the language, then as stored (as QGIS shows it)."""
    label_key = f"store_layer.{layer}"
    if label_key in CATALOGUE[DEFAULT_LANGUAGE]:
        return t("sidebar.layer_count_named", lang, label=t(label_key, lang), layer=layer, count=number(count, lang))
    return t("sidebar.layer_count", lang, layer=layer, count=number(count, lang))
