"""What an offline hand-out map holds: the published store data of one MPF region or a few countries.

A scope is either a region (``africa``, ``lac``, ``asia``: every country whose ``region`` in the
countries layer is that region) or a list of ISO3 codes. :func:`read_scope` reads the store as the
published maps show it — rows of import batches not yet approved are left out
(:func:`asmgeo.store.batches.published`) — and keeps the rows inside the scope: a row whose ``country``
field names a scope country, else (no country given, or a layer without one) a row whose
representative point lies in a scope country. Sites are each site's latest visit, mercury the latest
record per site and tailings the latest record per tailings id, as on the map explorer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from asmgeo.domain import mpf, practices, query
from asmgeo.errors import StoreError, worded
from asmgeo.extent import Bounds
from asmgeo.maps.base import round_coordinates
from asmgeo.maps.generalize import generalize, tolerance_for_zoom
from asmgeo.maps.viewport import fit_view
from asmgeo.schema import layer_spec
from asmgeo.shipped import reference
from asmgeo.store import Store, batches
from asmgeo.store import ratings as ratings_table

DATA_LAYERS = ("sites", "mercury", "tailings", "geology_units")
SCREEN_PX = (1280, 720)  # the projector or laptop screen the initial view and polygon detail are chosen for
EXTRA_ZOOM = 2  # polygons keep their shape this many zoom levels past the initial view
MAX_DETAIL_ZOOM = 12
_ISO3 = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class Scope:
    """The countries a hand-out covers: a region's, or the ISO3 codes asked for (in the order given)."""

    region: str | None
    iso3: tuple[str, ...]


@dataclass(frozen=True)
class HandoutData:
    """Everything a hand-out draws and cites, already limited to its scope."""

    scope: Scope
    countries: gpd.GeoDataFrame  # iso3, name (English), region, geometry (generalised for the view)
    pct: pd.DataFrame  # latest Pillar 6 % per assessed scope country: iso3, year, pct, illustrative
    sites: gpd.GeoDataFrame  # latest visit per site, with practice_class and visits
    mercury: gpd.GeoDataFrame
    tailings: gpd.GeoDataFrame
    geology_units: gpd.GeoDataFrame
    rasters: list[Path]
    meta: pd.DataFrame  # store.layer_meta(): name, source, licence, year, status
    rating_sources: list[str]
    regional: pd.DataFrame  # the seed's regional averages of the scope's regions
    bounds: Bounds  # (west, south, east, north) of the initial view


def check_scope(region: str | None, countries: Sequence[str] | None, world: gpd.GeoDataFrame) -> Scope:
    """The scope asked for; ValueError naming ``region``/``countries`` unless exactly one is given and known."""
    if (region is None) == (countries is None):
        raise ValueError(f"give exactly one of region and countries, not region={region!r} and countries={countries!r}")
    if region is not None:
        if region not in reference.REGIONS:
            raise ValueError(f"region={region!r} must be one of {reference.REGIONS}")
        return Scope(region, tuple(world.loc[world["region"] == region, "iso3"]))
    return Scope(None, check_countries(countries, set(world["iso3"])))


def check_countries(countries: Sequence[str] | None, known: set[str]) -> tuple[str, ...]:
    """The ISO3 codes (upper case, repeats dropped); ValueError naming ``countries`` and the bad value."""
    if isinstance(countries, str) or not isinstance(countries, Sequence) or not countries:
        raise ValueError(f"countries={countries!r} must be a non-empty list of ISO3 codes, e.g. ['ECU']")
    codes: list[str] = []
    for code in countries:
        value = code.strip().upper() if isinstance(code, str) else code
        if not isinstance(value, str) or not _ISO3.fullmatch(value):
            raise ValueError(f"countries: {code!r} is not an ISO3 code (three letters, e.g. 'ECU')")
        if value not in known:
            raise ValueError(f"countries: {code!r} is not a country in the countries layer")
        if value not in codes:
            codes.append(value)
    return tuple(codes)


def read_scope(store: Store, scope: Scope, world: gpd.GeoDataFrame) -> HandoutData:
    """The published data of ``scope`` from ``store`` (``world``: the full-resolution countries layer)."""
    if not store.exists():
        raise worded(StoreError, "error.store_missing", path=store.location)
    chosen = world[world["iso3"].isin(scope.iso3)].reset_index(drop=True)
    box = tuple(float(v) for v in chosen.total_bounds)
    batch_table = batches.list_batches(store)
    visits = _in_scope(_published(store, "sites", batch_table, box), chosen)
    sites = query.latest_sites(visits, practices.load_rules())
    mercury = query.latest_records(_in_scope(_published(store, "mercury", batch_table, box), chosen), "site_id")
    tailings = query.latest_records(_in_scope(_published(store, "tailings", batch_table, box), chosen), "tailings_id")
    units = _in_scope(_published(store, "geology_units", batch_table, box), chosen)
    bounds = _view_bounds(world, scope, [sites, mercury, tailings])
    ratings = ratings_table.read_ratings(store) if store.has_layer(ratings_table.RATINGS_TABLE) else None
    pct = mpf.latest_pct(ratings) if ratings is not None else pd.DataFrame(columns=["iso3", "year", "pct", "illustrative"])
    pct = pct[pct["iso3"].isin(scope.iso3)].reset_index(drop=True)
    return HandoutData(
        scope=scope, countries=_generalised(chosen, bounds), pct=pct,
        sites=sites, mercury=mercury.reset_index(drop=True), tailings=tailings.reset_index(drop=True),
        geology_units=units.reset_index(drop=True), rasters=_rasters(store, set(chosen["region"])),
        meta=store.layer_meta(), rating_sources=_rating_sources(ratings, pct),
        regional=_regional(set(chosen["region"])), bounds=bounds,
    )


def data_date(data: HandoutData) -> tuple[dt.date, str] | None:
    """The latest survey date among the sites, mercury records and tailings of the hand-out, with its precision."""
    return query.latest_survey_date(data.sites, data.mercury, data.tailings)


def _published(store: Store, name: str, batch_table: pd.DataFrame,
               box: Bounds) -> gpd.GeoDataFrame:
    """The layer's rows inside ``box`` as the published maps show them (an empty layer when absent)."""
    if not store.has_layer(name):
        return gpd.GeoDataFrame(columns=[*layer_spec(name).field_names, "geometry"], geometry="geometry",
                                crs="EPSG:4326")
    return batches.published(store.read(name, bbox=box), batch_table)


def _in_scope(frame: gpd.GeoDataFrame, chosen: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rows of a scope country, with ``country`` set: from the row's own field, else from where it lies."""
    own = frame["country"] if "country" in frame.columns else pd.Series(None, index=frame.index, dtype=object)
    own = own.where(own.notna() & (own.astype(str).str.strip() != ""), None)
    located = pd.Series(_located(frame.geometry, chosen), index=frame.index, dtype=object)
    country = own.where(own.notna(), located)
    kept = frame.assign(country=country)
    return kept[country.isin(list(chosen["iso3"]))]


def _located(geometry: gpd.GeoSeries, chosen: gpd.GeoDataFrame) -> np.ndarray:
    """ISO3 of the scope country holding each geometry's representative point (None outside)."""
    result = np.full(len(geometry), None, dtype=object)
    if len(geometry) == 0:
        return result
    points = shapely.point_on_surface(geometry.to_numpy())
    tree = shapely.STRtree(chosen.geometry.to_numpy())
    found, polygon = tree.query(points, predicate="within")
    result[found[::-1]] = chosen["iso3"].to_numpy()[polygon[::-1]]  # the first country wins on a shared border
    return result


def _view_bounds(world: gpd.GeoDataFrame, scope: Scope,
                 frames: list[gpd.GeoDataFrame]) -> Bounds:
    """The initial view: the scope's assessed countries (a region) or its countries, and all its data."""
    assessed = reference.assessed_iso3()
    if scope.region is not None:
        boxes = [query.scope_bounds(world, "region", scope.region, assessed)]
    else:
        boxes = [query.scope_bounds(world, "country", code) for code in scope.iso3]
    boxes += [tuple(float(v) for v in f.total_bounds) for f in frames if not f.empty]
    array = np.array(boxes, dtype=float)
    return (float(array[:, 0].min()), float(array[:, 1].min()), float(array[:, 2].max()), float(array[:, 3].max()))


def _generalised(chosen: gpd.GeoDataFrame, bounds: Bounds) -> gpd.GeoDataFrame:
    """The scope's countries simplified to about half a pixel a few zoom levels past the initial view."""
    return round_coordinates(generalize(chosen, detail_tolerance(bounds)), 4)


def detail_tolerance(bounds: Bounds) -> float:
    """Simplification tolerance (degrees) for polygons seen from ``bounds`` and a few zoom levels closer."""
    _, zoom = fit_view(bounds, *SCREEN_PX)
    return tolerance_for_zoom(min(zoom + EXTRA_ZOOM, MAX_DETAIL_ZOOM))


def _rasters(store: Store, regions: set[str]) -> list[Path]:
    """The geology rasters beside the store for the scope's regions (``geology_<region>.tif``)."""
    folder = store.raster_folder()
    return [folder / f"geology_{r}.tif" for r in sorted(regions) if (folder / f"geology_{r}.tif").is_file()]


def _rating_sources(ratings: pd.DataFrame | None, pct: pd.DataFrame) -> list[str]:
    """The sources of the Pillar 6 ratings in force for the scope's assessed countries."""
    if ratings is None or pct.empty:
        return []
    rows = mpf.current_ratings(ratings).merge(pct[["iso3", "year"]], on=["iso3", "year"])
    return sorted(set(rows["source"].dropna().astype(str)) - {""})


def _regional(regions: set[str]) -> pd.DataFrame:
    """The seed's regional averages of ``regions`` (all six MPF areas), in the file's order."""
    table = reference.regional_averages()
    return table[table["region"].isin(regions)].reset_index(drop=True)
