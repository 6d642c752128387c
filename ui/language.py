"""The language of the session: the sidebar chooses it, ``?lang=`` in the URL sets and keeps it."""

from __future__ import annotations

import streamlit as st

from asmgeo.i18n import DEFAULT_LANGUAGE, LANGUAGES
from ui.state import LANG, LANG_FROM_URL

URL_KEY = "lang"


def follow_url() -> None:
    """Take the language from ``?lang=`` when the link names a new one (before the sidebar draws)."""
    asked = st.query_params.get(URL_KEY)
    if asked in LANGUAGES and asked != st.session_state.get(LANG_FROM_URL):
        st.session_state[LANG] = asked
        st.session_state[LANG_FROM_URL] = asked


def chosen_in_sidebar() -> None:
    """Widget callback: the sidebar's choice goes into the URL, so links and reloads keep it."""
    st.session_state[LANG_FROM_URL] = st.session_state[LANG]
    st.query_params[URL_KEY] = st.session_state[LANG]


def keep_in_url() -> None:
    """Write the language into the URL when it is not English or the link already names one."""
    current = st.session_state.get(LANG, DEFAULT_LANGUAGE)
    if st.query_params.get(URL_KEY) != current and (current != DEFAULT_LANGUAGE or URL_KEY in st.query_params):
        st.query_params[URL_KEY] = current
