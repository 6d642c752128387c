"""Around the workshop map: projector and presentation styles, the map itself, the regional Pillar 6 picture."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from asmgeo.i18n import number, t
from asmgeo.maps import explorer, workshop
from asmgeo.maps.share import ExplorerState
from asmgeo.maps.workshop import Area, AreaSummary
from asmgeo.outputs import handout
from asmgeo.store.ratings import RATINGS_TABLE
from ui import data, explorer_data, workshop_controls, workshop_view
from ui import state as keys

MAP_HEIGHT_PX = 700  # the frame's height before the page style sets it in viewport units
MAP_HEIGHT_VH = 75
PRESENTATION_MAP_HEIGHT = "calc(100vh - 220px)"  # the window below the slide's caption and buttons
RETURNED = ["bounds", "zoom", "center"]  # the view, for the data drawn and the extent a slide saves
HANDOUT_TABLES = (*data.LAYERS_READ, RATINGS_TABLE, *data.PUBLISHED)  # what a hand-out reads

_MAP_BOX = f".st-key-{keys.WORKSHOP_MAP_BOX} iframe"
PAGE_CSS = f"<style>{_MAP_BOX} {{ height: {MAP_HEIGHT_VH}vh !important; min-height: 420px; }}</style>"
PRESENTATION_CSS = f"""<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] {{ display: none !important; }}
[data-testid="stMainBlockContainer"] {{ padding: 0.75rem 1.5rem !important; max-width: 100% !important; }}
{_MAP_BOX} {{ height: {PRESENTATION_MAP_HEIGHT} !important; min-height: 360px; }}
[data-testid="stMetricValue"] {{ font-size: 2.6rem !important; }}
[data-testid="stMetricLabel"] p, [data-testid="stCaptionContainer"] p {{ font-size: 1.1rem !important; }}
</style>"""


def style_page(presenting: bool) -> None:
    """The big map; in presentation mode also no sidebar, header or toolbar (our own style block)."""
    st.html(PRESENTATION_CSS if presenting else PAGE_CSS)


def draw_map(area: Area | None, state: ExplorerState, lang: str) -> dict | None:
    """The projector map of the current view: explorer layers, country labels; returns the map's report."""
    view = workshop_view.current_view()
    sites = data.explorer_sites()
    layers = explorer_data.filtered_layers(state, sites, view.zoom)
    group = workshop.unfold_legends(
        explorer.data_layers(layers, state.layers, view, state.site_style, state.raster_opacity, lang))
    if area is not None and st.session_state.get(keys.WORKSHOP_LABELS):
        labels = workshop.country_labels(area, data.web_countries(), data.assessments(), layers.pct,
                                         workshop_controls.country_names(lang), lang)
        for marker in workshop.label_markers(workshop.place_labels(labels, view.zoom)):
            marker.add_to(group)
    fmap = workshop.projector_map(explorer_data.base_map(lang, drawing=False))
    centre, zoom = workshop_view.map_arguments()
    with st.container(key=keys.WORKSHOP_MAP_BOX):
        return st_folium(fmap, key=keys.WORKSHOP_MAP, height=MAP_HEIGHT_PX, use_container_width=True,
                         feature_group_to_add=group, center=centre, zoom=zoom, returned_objects=RETURNED)


def area_bounds(area: Area) -> tuple[float, float, float, float]:
    """Lon/lat bounds of the area's countries (full-resolution boundaries)."""
    return workshop.area_bounds(area, data.full_countries(), data.assessments())


def summary(area: Area | None) -> AreaSummary | None:
    """The regional Pillar 6 picture of ``area`` (None without an area)."""
    if area is None:
        return None
    return workshop.area_summary(area, data.pillar_pct(), data.regional_averages(), data.assessments())


def render_picture(picture: AreaSummary | None, lang: str) -> None:
    """Mean Pillar 6 % of the area's assessed countries beside the seed's regional averages, with their caveats."""
    if picture is None:
        st.info(t("workshop.pick_countries", lang))
        return
    cells = st.columns(1 + max(len(picture.seed), 1))
    if picture.mean_pct is None:
        cells[0].metric(t("workshop.mean_pct_none", lang), "—")
    else:
        status = t(f"mpf.status.{'illustrative' if picture.illustrative else 'official'}", lang)
        cells[0].metric(t("workshop.mean_pct", lang, count=len(picture.assessed), status=status),
                        f"{number(picture.mean_pct, lang)} %")
    for cell, seed in zip(cells[1:], picture.seed):
        cell.metric(t("workshop.seed_average", lang, region=t(f"region.{seed.region}", lang),
                      count=seed.countries_assessed), f"{number(seed.pct, lang)} %")
    notes = []
    if picture.mean_pct is not None and picture.illustrative:
        notes.append(t("map.legend.illustrative", lang))
    if picture.seed:
        notes.append(t("home.regional_caption", lang, source=picture.seed[0].source))
    for note in notes:
        st.caption(note)


@st.cache_data(show_spinner=False, max_entries=12)
def _handout(version: tuple, region: str | None, countries: tuple[str, ...], lang: str) -> str:
    return handout.handout_html(data.store(), region=region, countries=list(countries) or None, lang=lang)


def render_handout(area: Area | None, lang: str) -> None:
    """The offline hand-out of the area for participants, built when asked for (once per area, language and data)."""
    if area is None:
        return
    version = data.cache_key(*HANDOUT_TABLES)
    st.download_button(
        t("workshop.handout", lang), lambda: _handout(version, area.region, area.countries, lang),
        file_name=handout.handout_filename(region=area.region, countries=list(area.countries) or None, lang=lang),
        mime="text/html", on_click="ignore", key=keys.WORKSHOP_HANDOUT, help=t("workshop.handout_help", lang),
        icon=":material/download:")
