"""Keeping every page inside the app.py frame."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def leave_legacy_pages_mode() -> None:
    """Rerun through app.py when Streamlit ran this script in its legacy ``pages/`` mode.

    A folder named ``pages/`` beside app.py makes a fresh Streamlit server build its own
    navigation and run a requested page file alone (no sidebar, no demo build) until
    ``st.navigation`` is first called. Turning that mode off and rerunning sends the request
    through app.py, whose navigation then opens the same page.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
