"""Cached reads of the store for the pages; a cache entry is keyed by the versions of the tables it reads.

A write through the store bumps the version of exactly the tables it changed (saving a slide
leaves the sites version alone), so an entry is read again only when its own data changed.
"""

from __future__ import annotations

import threading
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from asmgeo.demo import install
from asmgeo.domain import mpf, practices, query
from asmgeo.i18n import DEFAULT_LANGUAGE
from asmgeo.maps.generalize import generalize, tolerance_for_zoom
from asmgeo.schema import LAYERS, layer_spec
from asmgeo.shipped import boundaries, reference
from asmgeo.store import LayerInfo, Store, batches, open_store
from asmgeo.store import ratings as ratings_table
from asmgeo.store.base import META_TABLE, upgrade_text


def store() -> Store:
    """The configured store."""
    return open_store()


def cache_key(*tables: str) -> tuple:
    """A cache key of the configured store that changes when one of ``tables`` is written (location first)."""
    return store().version(*tables)


LAYERS_READ = (*LAYERS, META_TABLE)  # what the layer counts and the sidebar show
PUBLISHED = (batches.BATCH_TABLE,)  # which rows the maps may show depends on the batch records too


def upgrade_notice(lang: str) -> str | None:
    """Bring the store's schema up to date; a sentence saying what was done (once per upgrade), or None."""
    upgrade = store().upgrade()
    return None if upgrade is None else upgrade_text(upgrade, lang)


_DEMO_LOCK = threading.Lock()  # two first visitors at once must not both build the demo


def ensure_demo() -> float | None:
    """Build the default demo when the store is empty; returns seconds taken, or None."""
    target = store()
    if not install.needs_demo(target):
        return None
    with _DEMO_LOCK:
        if not install.needs_demo(target):
            return None
        return install.install_demo(target).seconds


@st.cache_data(show_spinner=False)
def _summary(version: tuple) -> list[LayerInfo]:
    return open_store(version[0]).summary()


def summary() -> list[LayerInfo]:
    """Each layer of the store with its count and the sources it really holds (Store.summary, cached)."""
    return _summary(cache_key(*LAYERS_READ))


def layer_counts() -> dict[str, int]:
    """Feature count of each layer in the store."""
    return {info.name: info.features for info in summary()}


def synthetic_counts() -> dict[str, int]:
    """How many synthetic demo features each layer holds (layers holding none left out)."""
    counts = {info.name: sum(int(s["features"]) for s in info.sources if s["synthetic"]) for info in summary()}
    return {name: count for name, count in counts.items() if count}


@st.cache_data(show_spinner=False)
def _pillar_pct(version: tuple, scope: str) -> pd.DataFrame:
    target = open_store(version[0])
    held = target.has_layer(ratings_table.RATINGS_TABLE)  # none in a store that never had the demo or an import
    return mpf.latest_pct(ratings_table.read_ratings(target) if held else pd.DataFrame(columns=mpf.RATING_COLUMNS),
                          scope)


def pillar_pct(scope: str = mpf.PILLAR) -> pd.DataFrame:
    """Latest % implemented per assessed country for ``scope``."""
    return _pillar_pct(cache_key(ratings_table.RATINGS_TABLE), scope)


@st.cache_data(show_spinner=False)
def web_countries() -> gpd.GeoDataFrame:
    """Display-resolution country polygons (shipped file, read once)."""
    return boundaries.load_countries("web")


@st.cache_data(show_spinner=False)
def country_names(lang: str) -> dict[str, str]:
    """ISO3 → the country's name in ``lang`` (the shipped boundaries' names, read once)."""
    return boundaries.country_names(lang)


def display_names(lang: str) -> dict[str, str]:
    """ISO3 → country name as pages show it: in English the MPF assessments' own names, else Natural Earth's."""
    names = dict(country_names(lang))
    if lang == DEFAULT_LANGUAGE:
        names.update(assessments().set_index("iso3")["country"].to_dict())
    return names


@st.cache_data(show_spinner=False)
def assessments() -> pd.DataFrame:
    """The MPF assessments reference table."""
    return reference.assessments()


@st.cache_data(show_spinner=False)
def regional_averages() -> pd.DataFrame:
    """The seed's regional averages (all six MPF areas)."""
    return reference.regional_averages()


# The explorer's frames can hold a million rows: st.cache_resource shares one copy between
# sessions instead of unpickling a copy per call. Callers never modify them (filters copy).

@st.cache_resource(show_spinner=False, max_entries=2)
def _explorer_sites(version: tuple) -> gpd.GeoDataFrame:
    target = open_store(version[0])
    visits = batches.published(_stored(target, "sites"), batches.list_batches(target))
    return query.latest_sites(visits, practices.load_rules())


def _stored(target: Store, name: str) -> gpd.GeoDataFrame:
    """The layer as stored, or no row with the layer's fields when the store has no such layer (an emptied store)."""
    if not target.has_layer(name):
        return gpd.GeoDataFrame(columns=[*layer_spec(name).field_names, "geometry"], geometry="geometry", crs="EPSG:4326")
    return target.read(name)


def explorer_sites() -> gpd.GeoDataFrame:
    """Each site's latest published visit (pending import batches left out), with practice class and visits."""
    return _explorer_sites(cache_key("sites", *PUBLISHED))


@st.cache_resource(show_spinner=False, max_entries=6)
def _layer(version: tuple, name: str) -> gpd.GeoDataFrame:
    target = open_store(version[0])
    return batches.published(_stored(target, name), batches.list_batches(target))


def layer(name: str) -> gpd.GeoDataFrame:
    """A store layer as published (mercury, tailings, geology_units): approved or unbatched rows only."""
    return _layer(cache_key(name, *PUBLISHED), name)


@st.cache_resource(show_spinner=False, max_entries=4)
def _latest_records(version: tuple, name: str, id_column: str) -> gpd.GeoDataFrame:
    return query.latest_records(_layer(version, name), id_column)


def latest_records(name: str, id_column: str) -> gpd.GeoDataFrame:
    """The latest record per ``id_column`` of a store layer (mercury per site, tailings per id)."""
    return _latest_records(cache_key(name, *PUBLISHED), name, id_column)


@st.cache_resource(show_spinner=False)
def full_countries() -> gpd.GeoDataFrame:
    """Full-resolution country polygons (shipped file, read once)."""
    return boundaries.load_countries("full")


@st.cache_resource(show_spinner=False, max_entries=24)
def assessed_countries(zoom: int) -> gpd.GeoDataFrame:
    """The assessed countries generalised for ``zoom`` (shared borders stay shared)."""
    world = full_countries()
    assessed = world[world["iso3"].isin(reference.assessed_iso3())].reset_index(drop=True)
    return generalize(assessed, tolerance_for_zoom(zoom))


def raster_paths() -> list[Path]:
    """The geology rasters beside the store."""
    folder = store().raster_folder()
    return sorted(folder.glob("geology_*.tif")) if folder.is_dir() else []
