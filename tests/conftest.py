"""Fixtures shared by the unit and page tests."""

from __future__ import annotations

import pytest
import streamlit as st


@pytest.fixture
def fresh_streamlit_caches():
    """Empty Streamlit's data and resource caches before and after the test (each AppTest store differs)."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
