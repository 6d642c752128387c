"""The demo data on the pages: what the home page says about the store's data, and the "Remove demo data" box."""

from __future__ import annotations

import streamlit as st

from asmgeo.demo import install
from asmgeo.i18n import number, t
from ui import data
from ui import state as keys
from ui.feedback import Outcome, errors_shown, keep_outcome

SURVEY_LAYERS = ("sites", "mercury", "tailings")  # what a survey team loads; countries and geology are context


def holds_survey_data() -> bool:
    """True when the store holds at least one site, mercury or tailings feature (synthetic or imported)."""
    counts = data.layer_counts()
    return any(counts.get(name, 0) for name in SURVEY_LAYERS)


def home_notices(lang: str) -> None:
    """How to load data (a store with none), or what on the map is synthetic or illustrative."""
    if not holds_survey_data():
        st.info(t("home.empty_store", lang))
    if data.synthetic_counts():
        st.warning(t("home.notice", lang), icon="⚠️")
    elif data.pillar_pct()["illustrative"].any():
        st.warning(t("home.notice_ratings", lang), icon="⚠️")


def removal_box(lang: str) -> None:
    """The demo's synthetic features and rasters, and a button (behind a confirmation box) that removes them."""
    with errors_shown():
        st.divider()
        st.subheader(t("demo.remove_title", lang))
        kind, text = st.session_state.pop(keys.DEMO_REMOVE_MESSAGE, (None, None))
        if kind is not None:
            getattr(st, kind)(text)
        features = sum(data.synthetic_counts().values())
        rasters = len(install.demo_rasters(data.store().raster_folder()))
        if not features and not rasters:
            st.caption(t("demo.remove_none", lang))
            return
        st.caption(t("demo.remove_holds", lang, features=number(features, lang), rasters=number(rasters, lang)))
        confirmed = st.checkbox(t("demo.remove_confirm", lang), key=keys.DEMO_REMOVE_CONFIRM)
        st.button(t("demo.remove_button", lang), key=keys.DEMO_REMOVE_BUTTON, disabled=not confirmed,
                  on_click=on_remove, args=(lang,))


def remove(lang: str) -> Outcome:
    """Remove the demo from the configured store; (kind, message) saying what went."""
    counts = install.remove_demo(data.store())
    removed = ", ".join(t("demo.remove_count", lang, layer=data_layer_name(name, lang), count=number(count, lang))
                        for name, count in counts.items() if name != install.RASTERS)
    return "success", t("demo.removed", lang, counts=removed, rasters=number(counts[install.RASTERS], lang))


def data_layer_name(layer: str, lang: str) -> str:
    """The layer's name for the reader (``store_layer.<name>``)."""
    return t(f"store_layer.{layer}", lang)


def on_remove(lang: str) -> None:
    """The button's callback: remove the demo, leave the outcome for the next run, untick the confirmation."""
    keep_outcome(keys.DEMO_REMOVE_MESSAGE, lambda: remove(lang), lang)
    st.session_state[keys.DEMO_REMOVE_CONFIRM] = False
