"""The workshop page's controls: the area (region or countries), layers and the main site filters."""

from __future__ import annotations

import streamlit as st

from asmgeo import schema
from asmgeo.domain import practices
from asmgeo.i18n import t, t_value
from asmgeo.maps.share import LAYERS, REGIONS, SITE_STYLES, ExplorerState
from asmgeo.maps.workshop import MAX_COUNTRIES, Area
from asmgeo.shipped import boundaries
from ui import data
from ui import state as keys

AREA_KINDS = ("region", "countries")
DEFAULT_LAYERS = ("countries", "sites")
_FILTERS = (  # (field, choices, session key): the explorer's main filters
    ("commodity", schema.COMMODITIES, keys.WORKSHOP_COMMODITIES),
    ("legal_status", schema.LEGAL_STATUSES, keys.WORKSHOP_LEGAL),
    ("practice_class", practices.CLASSES, keys.WORKSHOP_PRACTICE),
    ("mercury_use", schema.YES_NO_UNKNOWN, keys.WORKSHOP_MERCURY),
)


def country_names(lang: str) -> dict[str, str]:
    """ISO3 → the country's name in ``lang`` as the other pages show it, ordered by name."""
    return boundaries.by_name(data.display_names(lang))


def seed_defaults() -> None:
    """Start values of the widgets, once per session: Africa, Pillar 6 choropleth and sites."""
    if st.session_state.get(keys.WORKSHOP_INIT):
        return
    for key, value in ((keys.WORKSHOP_AREA_KIND, "region"), (keys.WORKSHOP_REGION, REGIONS[0]),
                       (keys.WORKSHOP_COUNTRIES, []), (keys.WORKSHOP_LAYERS, list(DEFAULT_LAYERS)),
                       (keys.WORKSHOP_STYLE, SITE_STYLES[0]), (keys.WORKSHOP_LABELS, True),
                       (keys.WORKSHOP_PRESENT, False), (keys.WORKSHOP_OPEN, None), (keys.WORKSHOP_SLIDE, None),
                       *((key, []) for _, _, key in _FILTERS)):
        st.session_state.setdefault(key, value)
    st.session_state[keys.WORKSHOP_INIT] = True


_KEPT = (keys.WORKSHOP_AREA_KIND, keys.WORKSHOP_REGION, keys.WORKSHOP_COUNTRIES, keys.WORKSHOP_LAYERS,
         keys.WORKSHOP_STYLE, keys.WORKSHOP_LABELS, *(key for _, _, key in _FILTERS))


def keep_widget_state() -> None:
    """Keep the values of the area, layer and filter widgets this run does not draw.

    Streamlit forgets a widget's value after a run that does not draw it, unless the script sets
    it. Presentation mode draws none of them; otherwise the area kind hides the region or the
    countries. Only those are set: setting a drawn widget would also push its value to the browser.
    """
    s = st.session_state
    if s.get(keys.WORKSHOP_PRESENT):
        hidden = _KEPT
    else:
        by_countries = s.get(keys.WORKSHOP_AREA_KIND) == "countries"
        hidden = (keys.WORKSHOP_REGION,) if by_countries else (keys.WORKSHOP_COUNTRIES,)
    for key in hidden:
        if key in s:
            s[key] = s[key]


def toggle_presentation() -> None:
    """The presentation button: hide or show the sidebar, page header and editing controls."""
    st.session_state[keys.WORKSHOP_PRESENT] = not st.session_state.get(keys.WORKSHOP_PRESENT, False)


def render_area(lang: str, names: dict[str, str]) -> None:
    """The area picker: an MPF region, or any set of countries."""
    kind_column, value_column = st.columns([1, 3])
    kind_column.radio(t("workshop.area", lang), AREA_KINDS, key=keys.WORKSHOP_AREA_KIND,
                      format_func=lambda k: t(f"workshop.area.{k}", lang), horizontal=True)
    if st.session_state[keys.WORKSHOP_AREA_KIND] == "region":
        value_column.selectbox(t("workshop.region", lang), REGIONS, key=keys.WORKSHOP_REGION,
                               format_func=lambda r: t(f"region.{r}", lang))
    else:
        chosen = st.session_state[keys.WORKSHOP_COUNTRIES]
        if any(code not in names for code in chosen):
            st.session_state[keys.WORKSHOP_COUNTRIES] = [code for code in chosen if code in names]
        value_column.multiselect(t("workshop.countries", lang), list(names), key=keys.WORKSHOP_COUNTRIES,
                                 format_func=lambda iso3: names.get(iso3, iso3), max_selections=MAX_COUNTRIES,
                                 placeholder=t("workshop.countries_placeholder", lang))


def render_layers(lang: str) -> None:
    """Layers, site colouring, country labels and the main site filters."""
    left, middle, right = st.columns([3, 1, 1])
    left.multiselect(t("workshop.layers", lang), LAYERS, key=keys.WORKSHOP_LAYERS,
                     format_func=lambda name: t(f"map.layer.{name}", lang))
    middle.selectbox(t("explorer.site_style", lang), SITE_STYLES, key=keys.WORKSHOP_STYLE,
                     format_func=lambda s: t(f"map.style.{s}", lang))
    right.toggle(t("workshop.labels", lang), key=keys.WORKSHOP_LABELS)
    with st.expander(t("workshop.filters", lang)):
        for column, (name, choices, key) in zip(st.columns(len(_FILTERS)), _FILTERS):
            column.multiselect(t(f"explorer.filter.{name}", lang), choices, key=key,
                               format_func=lambda code, name=name: t_value(name, code, lang),
                               placeholder=t("explorer.all", lang))


def current_area() -> Area | None:
    """The area the widgets describe; None while no country is picked."""
    s = st.session_state
    if s.get(keys.WORKSHOP_AREA_KIND) == "countries":
        codes = tuple(s.get(keys.WORKSHOP_COUNTRIES) or ())
        return Area(countries=codes) if codes else None
    return Area(region=s.get(keys.WORKSHOP_REGION, REGIONS[0]))


def current_state(area: Area | None) -> ExplorerState:
    """Layers and filters as the explorer's state (the region or single country as its scope; no view)."""
    s = st.session_state
    scope, value = "world", None
    if area is not None and area.region:
        scope, value = "region", area.region
    elif area is not None and len(area.countries) == 1:
        scope, value = "country", area.countries[0]
    return ExplorerState(
        scope=scope, scope_value=value, layers=tuple(s.get(keys.WORKSHOP_LAYERS, DEFAULT_LAYERS)),
        site_style=s.get(keys.WORKSHOP_STYLE, SITE_STYLES[0]),
        commodities=tuple(s.get(keys.WORKSHOP_COMMODITIES, ())), legal_statuses=tuple(s.get(keys.WORKSHOP_LEGAL, ())),
        practice_classes=tuple(s.get(keys.WORKSHOP_PRACTICE, ())), mercury_use=tuple(s.get(keys.WORKSHOP_MERCURY, ())),
    )


def show_state(area: Area, state: ExplorerState, known: dict[str, str]) -> None:
    """Put a slide's area, layers and filters into the widgets (before they are drawn, or in a callback)."""
    s = st.session_state
    if area.region:
        s[keys.WORKSHOP_AREA_KIND], s[keys.WORKSHOP_REGION] = "region", area.region
    else:
        s[keys.WORKSHOP_AREA_KIND] = "countries"
        s[keys.WORKSHOP_COUNTRIES] = [code for code in area.countries if code in known]
    s[keys.WORKSHOP_LAYERS] = list(state.layers)
    s[keys.WORKSHOP_STYLE] = state.site_style
    for (_, _, key), values in zip(_FILTERS, (state.commodities, state.legal_statuses, state.practice_classes,
                                              state.mercury_use)):
        s[key] = list(values)
