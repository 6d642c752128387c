"""Data of the country profiles page, cached by the versions of the tables it reads, and the country chooser."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import streamlit as st

from asmgeo.domain import ground, mpf, profile
from asmgeo.i18n import t
from asmgeo.maps import explorer
from asmgeo.shipped import boundaries, reference
from asmgeo.store import open_store
from asmgeo.store import ratings as ratings_table
from ui import data
from ui import state as keys
from ui.feedback import plain

PROFILE_TABLES = (ratings_table.RATINGS_TABLE, "sites", "mercury", "tailings", *data.PUBLISHED)


def ratings_key() -> tuple:
    """Changes when the ratings are written (an import, a demo build)."""
    return data.cache_key(ratings_table.RATINGS_TABLE)


def profile_key() -> tuple:
    """Changes when anything a profile shows is written: ratings, sites, mercury, tailings, batch records."""
    return data.cache_key(*PROFILE_TABLES)


@st.cache_data(show_spinner=False)
def _ratings(version: tuple) -> pd.DataFrame:
    target = open_store(version[0])
    if not target.has_layer(ratings_table.RATINGS_TABLE):
        return pd.DataFrame(columns=mpf.RATING_COLUMNS)
    return ratings_table.read_ratings(target)


def ratings() -> pd.DataFrame:
    """Every Pillar 6 rating in the store, all editions."""
    return _ratings(ratings_key())


def pct_latest() -> pd.DataFrame:
    """Latest pillar % per rated country."""
    rated = ratings()
    return mpf.latest_pct(rated) if len(rated) else pd.DataFrame(columns=["iso3", "year", "pct", "illustrative"])


def country_names(lang: str = "en") -> dict[str, str]:
    """ISO3 → name in ``lang`` of every country with a profile: assessed, rated, or with sites; by name."""
    world = data.display_names(lang)
    codes = set(reference.assessed_iso3()) | set(ratings()["iso3"]) | set(data.explorer_sites()["country"].dropna())
    return boundaries.by_name({c: world.get(c) or c for c in codes if isinstance(c, str)})


def region_label(region: str | None, lang: str) -> str:
    """A region code (the MPF's or the boundaries') in ``lang``; an unknown one as written."""
    try:
        return t(f"region.{region}", lang)
    except KeyError:
        return region or ""


def profile_link(iso3: str, lang: str) -> str:
    """The link to ``iso3``'s profile, keeping the language."""
    return f"/profiles?country={iso3}&lang={lang}"


def regions() -> dict[str, str]:
    """ISO3 → region (the MPF grouping for assessed countries, else the boundaries' region)."""
    found = data.web_countries().set_index("iso3")["region"].to_dict()
    found.update(data.assessments().set_index("iso3")["region"].to_dict())
    return found


def known_iso3() -> set[str]:
    """Every ISO3 code of the shipped boundaries: the countries a ratings file may name."""
    return set(data.web_countries()["iso3"])


@st.cache_resource(show_spinner=False, max_entries=4)
def _all_figures(version: tuple, today: dt.date, codes: tuple[str, ...]) -> dict[str, dict[str, ground.Figure]]:
    sites, mercury, tailings = data.explorer_sites(), data.layer("mercury"), data.layer("tailings")
    return {iso3: ground.ground_figures(sites, mercury, tailings, iso3, today) for iso3 in codes}


def all_figures(today: dt.date) -> dict[str, dict[str, ground.Figure]]:
    """Ground figures of every country with a profile."""
    return _all_figures(profile_key(), today, tuple(country_names()))


@st.cache_resource(show_spinner=False, max_entries=16)
def _profile(version: tuple, iso3: str, name: str, today: dt.date, lang: str) -> profile.Profile:
    return profile.build_profile(
        iso3, name, regions().get(iso3), ratings(), data.assessments(), data.regional_averages(),
        reference.country_facts(iso3), data.explorer_sites(), data.layer("mercury"), data.layer("tailings"),
        today, lang,
    )


def country_profile(iso3: str, name: str, today: dt.date, lang: str) -> profile.Profile:
    """The profile of ``iso3`` (shared read-only between sessions)."""
    return _profile(profile_key(), iso3, name, today, lang)


def country_sites(iso3: str) -> gpd.GeoDataFrame:
    """The latest visit of each site of ``iso3``."""
    sites = data.explorer_sites()
    return sites[sites["country"] == iso3]


def country_polygon(iso3: str) -> gpd.GeoDataFrame:
    """The country's display-resolution polygon."""
    world = data.web_countries()
    return world[world["iso3"] == iso3]


@st.cache_resource(show_spinner=False)
def world_outline() -> gpd.GeoDataFrame:
    """The generalised world outline under the mini map."""
    return explorer.world_outline(data.web_countries())


def choose_country(names: dict[str, str], lang: str) -> str | None:
    """The chooser, in step with ``?country=ISO3`` both ways; warns about a code it does not know.

    The link leads when it names a country other than the one last shown; a rerun that still
    carries the link this page has just replaced (a widget can fire before the browser's address
    is updated) is not taken as a request to go back.
    """
    asked = st.query_params.get("country")
    code = asked.strip().upper() if asked is not None else None
    notice = st.container()  # always there, so that a warning does not move what follows
    if asked is not None and code not in names:
        notice.warning(t("profile.unknown_country", lang, value=plain(asked[:20])))
    elif code is not None and code not in (st.session_state.get(keys.PROFILE_URL_SEEN),
                                           st.session_state.get(keys.PROFILE_URL_REPLACED)):
        st.session_state[keys.PROFILE_COUNTRY] = code
        st.session_state[keys.PROFILE_URL_SEEN] = code
    if st.session_state.get(keys.PROFILE_COUNTRY) not in names:
        st.session_state.pop(keys.PROFILE_COUNTRY, None)
    chosen = st.selectbox(t("profile.choose", lang), list(names), index=None, key=keys.PROFILE_COUNTRY,
                          format_func=lambda c: f"{names[c]} ({c})", placeholder=t("profile.choose_hint", lang))
    if chosen is not None and code != chosen:
        _link_to(chosen, asked)
    return chosen


def open_country(iso3: str) -> None:
    """Show ``iso3``'s profile on the next run (used by clicks in the across-countries chart)."""
    st.session_state[keys.PROFILE_COUNTRY] = iso3
    _link_to(iso3, st.query_params.get("country"))


def _link_to(iso3: str, replaced: str | None) -> None:
    """Put ``iso3`` in the page's link, remembering the value it replaces."""
    st.session_state[keys.PROFILE_URL_REPLACED] = (replaced or "").strip().upper()
    st.session_state[keys.PROFILE_URL_SEEN] = iso3
    st.query_params["country"] = iso3
