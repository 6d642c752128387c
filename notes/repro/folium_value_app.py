"""Minimal app for notes/streamlit-folium-dropped-value.md: one st_folium map, nothing else.

The run ends with ``TAIL`` seconds of pure Python (no Streamlit call, so no point where a rerun
request can interrupt it): the window in which a value the map sends arrives while Streamlit is
finishing a run. The page shows the value the script received, for the driver to compare.
"""

import json
import os
import time

import folium
import streamlit as st
from streamlit_folium import st_folium

from asmgeo.maps.assets import localize

TAIL = float(os.environ.get("REPRO_TAIL", "0.4"))

st.session_state.setdefault("runs", 0)
st.session_state.runs += 1
fmap = localize(folium.Map(location=[0, 0], zoom_start=2, tiles=None))
out = st_folium(fmap, key="map", height=400, width=600, returned_objects=["zoom", "bounds"])
st.code(json.dumps({"run": st.session_state.runs, "zoom": out.get("zoom"), "bounds": out.get("bounds")}))
time.sleep(TAIL)  # finishing the run
