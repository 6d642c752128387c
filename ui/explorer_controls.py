"""The map explorer's controls: widgets seeded once from the page URL, read back as one state."""

from __future__ import annotations

import dataclasses
import datetime as dt

import streamlit as st

from asmgeo import schema
from asmgeo.domain import mpf, practices
from asmgeo.i18n import t, t_value
from asmgeo.maps.share import LAYERS, REGIONS, SITE_STYLES, ExplorerState
from ui import state as keys


def seed_from_url(initial: ExplorerState, date_span: tuple[dt.date, dt.date], max_workers: int) -> None:
    """Put the URL's state into the widgets, once per session (later the widgets lead)."""
    if st.session_state.get(keys.EXPLORER_INIT):
        return
    low, high = initial.workers
    first, last = initial.dates
    st.session_state.update({
        keys.EXPLORER_SCOPE: initial.scope,
        keys.EXPLORER_SCOPE_VALUE: initial.scope_value,
        keys.EXPLORER_LAYERS: list(initial.layers),
        keys.EXPLORER_PILLAR: initial.pillar_scope,
        keys.EXPLORER_STYLE: initial.site_style,
        keys.EXPLORER_COMMODITIES: list(initial.commodities),
        keys.EXPLORER_LEGAL: list(initial.legal_statuses),
        keys.EXPLORER_PRACTICE: list(initial.practice_classes),
        keys.EXPLORER_MERCURY: list(initial.mercury_use),
        keys.EXPLORER_WORKERS: (low if low is not None else 0, high if high is not None else max_workers),
        keys.EXPLORER_DATES: (max(first or date_span[0], date_span[0]), min(last or date_span[1], date_span[1])),
        keys.EXPLORER_OPACITY: initial.raster_opacity,
        keys.EXPLORER_VIEW: initial.view,
        keys.EXPLORER_INIT: True,
    })


def render(lang: str, countries: dict[str, str], date_span: tuple[dt.date, dt.date], max_workers: int) -> ExplorerState:
    """Draw the controls and return the state they describe."""
    st.radio(t("explorer.scope", lang), ("world", "region", "country"), key=keys.EXPLORER_SCOPE,
             format_func=lambda s: t(f"explorer.scope.{s}", lang), horizontal=True)
    scope = st.session_state[keys.EXPLORER_SCOPE]
    if scope == "region":
        _keep_valid(keys.EXPLORER_SCOPE_VALUE, REGIONS)
        st.selectbox(t("explorer.region", lang), REGIONS, key=keys.EXPLORER_SCOPE_VALUE,
                     format_func=lambda r: t(f"region.{r}", lang))
    elif scope == "country":
        _keep_valid(keys.EXPLORER_SCOPE_VALUE, tuple(countries))
        st.selectbox(t("explorer.country", lang), list(countries), key=keys.EXPLORER_SCOPE_VALUE,
                     format_func=lambda iso3: f"{countries[iso3]} ({iso3})")
    st.multiselect(t("explorer.layers", lang), LAYERS, key=keys.EXPLORER_LAYERS,
                   format_func=lambda name: t(f"map.layer.{name}", lang))
    st.selectbox(t("explorer.pillar_scope", lang), (mpf.PILLAR, *mpf.AREAS), key=keys.EXPLORER_PILLAR,
                 format_func=lambda s: t("explorer.pillar_all", lang) if s == mpf.PILLAR else t(f"mpf.area.{s}", lang))
    st.selectbox(t("explorer.site_style", lang), SITE_STYLES, key=keys.EXPLORER_STYLE,
                 format_func=lambda s: t(f"map.style.{s}", lang))
    with st.expander(t("explorer.filters", lang), expanded=True):
        _multiselect("commodity", schema.COMMODITIES, keys.EXPLORER_COMMODITIES, lang)
        _multiselect("legal_status", schema.LEGAL_STATUSES, keys.EXPLORER_LEGAL, lang)
        _multiselect("practice_class", practices.CLASSES, keys.EXPLORER_PRACTICE, lang)
        _multiselect("mercury_use", schema.YES_NO_UNKNOWN, keys.EXPLORER_MERCURY, lang)
        st.slider(t("explorer.workers", lang), 0, max(max_workers, 1), key=keys.EXPLORER_WORKERS)
        st.slider(t("explorer.dates", lang), date_span[0], date_span[1], key=keys.EXPLORER_DATES, format="YYYY-MM-DD")
    st.slider(t("explorer.raster_opacity", lang), 0.0, 1.0, step=0.05, key=keys.EXPLORER_OPACITY)
    return current_state(date_span, max_workers)


def current_state(date_span: tuple[dt.date, dt.date], max_workers: int) -> ExplorerState:
    """The state the widgets hold; a full-range slider means no restriction."""
    s = st.session_state
    low, high = s[keys.EXPLORER_WORKERS]
    first, last = s[keys.EXPLORER_DATES]
    scope = s[keys.EXPLORER_SCOPE]
    return ExplorerState(
        scope=scope,
        scope_value=s.get(keys.EXPLORER_SCOPE_VALUE) if scope != "world" else None,
        layers=tuple(s[keys.EXPLORER_LAYERS]),
        pillar_scope=s[keys.EXPLORER_PILLAR],
        site_style=s[keys.EXPLORER_STYLE],
        commodities=tuple(s[keys.EXPLORER_COMMODITIES]),
        legal_statuses=tuple(s[keys.EXPLORER_LEGAL]),
        practice_classes=tuple(s[keys.EXPLORER_PRACTICE]),
        mercury_use=tuple(s[keys.EXPLORER_MERCURY]),
        workers=(low if low > 0 else None, high if high < max_workers else None),
        dates=(first if first > date_span[0] else None, last if last < date_span[1] else None),
        raster_opacity=float(s[keys.EXPLORER_OPACITY]),
        view=s.get(keys.EXPLORER_VIEW),
    )


def with_view(state: ExplorerState, view: tuple[float, float, int] | None) -> ExplorerState:
    """``state`` with the map view the user is looking at, for the share link."""
    return dataclasses.replace(state, view=view)


def _multiselect(field: str, choices: tuple[str, ...], key: str, lang: str) -> None:
    """A multiselect of coded values shown with their labels; empty means all."""
    st.multiselect(t(f"explorer.filter.{field}", lang), choices, key=key,
                   format_func=lambda code: t_value(field, code, lang), placeholder=t("explorer.all", lang))


def _keep_valid(key: str, choices: tuple[str, ...]) -> None:
    """Reset a selectbox value that is not among its choices (e.g. after switching scope kind)."""
    if st.session_state.get(key) not in choices:
        st.session_state[key] = choices[0]
