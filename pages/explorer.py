"""Map explorer: every layer on one map, filtered, scoped, inspectable, shareable and downloadable."""

import streamlit as st
from streamlit_folium import st_folium

from asmgeo.i18n import t
from asmgeo.maps import explorer, share
from ui import data, explorer_controls, explorer_data, explorer_panels
from ui import state as keys
from ui.feedback import errors_shown, lang, plain
from ui.frame import leave_legacy_pages_mode

leave_legacy_pages_mode()
L = lang()
MAP_HEIGHT = 640
MAP_WIDTH = 800  # about the map's width in a wide layout; used to fit a scope to the screen

st.title(t("explorer.title", L))

with errors_shown():
    sites = data.explorer_sites()
    date_span, max_workers = explorer_data.filter_ranges(sites)
    initial, url_warnings = share.from_query_params(st.query_params.to_dict(), lang=L)
    explorer_controls.seed_from_url(initial, date_span, max_workers)
for warning in url_warnings:
    st.warning(t("explorer.url_warning", L, reason=plain(warning)))

controls, main = st.columns([1, 3], gap="medium")
with controls:
    state = explorer_controls.render(L, explorer_data.country_names(sites, L), date_span, max_workers)

with errors_shown():
    explorer_data.remember_view(st.session_state.get(keys.EXPLORER_MAP))  # the view the map reports now
    scope_bounds = explorer_data.scope_bounds(state)
    centre, zoom = explorer_data.view_request(state, scope_bounds, MAP_WIDTH, MAP_HEIGHT)
    view = explorer_data.current_view(zoom, centre, MAP_WIDTH, MAP_HEIGHT)
    layers = explorer_data.filtered_layers(state, sites, view.zoom)
    fmap = explorer_data.base_map(L)
    group = explorer.data_layers(layers, state.layers, view, state.site_style, state.raster_opacity, L)

with main:
    st.caption(t("explorer.notice", L))
    returned = st_folium(
        fmap, key=keys.EXPLORER_MAP, height=MAP_HEIGHT, use_container_width=True,
        feature_group_to_add=group, center=centre, zoom=zoom,
        returned_objects=["bounds", "zoom", "last_active_drawing"],
    )
    st.query_params.from_dict({**share.to_query_params(explorer_controls.with_view(state, explorer_data.shared_view())),
                               "lang": L})
    explorer_panels.show_counts(layers, L)
    explorer_panels.show_area(returned, layers, L)
    explorer_panels.show_downloads(state, layers, view, L)
