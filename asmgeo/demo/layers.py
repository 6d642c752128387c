"""Deterministic synthetic demo layers: sites with dated visits, mercury records, tailings.

Everything here is invented for demonstration and carries ``source = "synthetic demo"``.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from asmgeo.demo.sampling import clustered_points_inside
from asmgeo.provenance import DEMO_SOURCE
from asmgeo.schema import (
    PRACTICE_SEPARATOR,
)

FIRST_SURVEY = np.datetime64("2019-01-01")
LAST_SURVEY = np.datetime64("2026-10-31")  # fixed, so the demo does not depend on today's date
MAX_VISITS = 4
EQUAL_AREA_CRS = "EPSG:6933"

# Commodity mix per country: plausible for the country's ASM sector, invented in detail.
_COMMODITY_MIX: dict[str, dict[str, float]] = {
    "RWA": {"cassiterite": 0.4, "coltan": 0.3, "wolframite": 0.2, "gold": 0.1},
    "MDG": {"gemstones": 0.45, "gold": 0.45, "other": 0.1},
    "JAM": {"construction_materials": 0.8, "other": 0.2},
    "DOM": {"gold": 0.5, "construction_materials": 0.3, "other": 0.2},
    "NAM": {"gemstones": 0.4, "copper": 0.2, "gold": 0.2, "construction_materials": 0.2},
    "MNG": {"gold": 0.8, "other": 0.2},
    "KGZ": {"gold": 0.8, "other": 0.2},
    "UGA": {"gold": 0.7, "cassiterite": 0.1, "construction_materials": 0.2},
}
_DEFAULT_MIX = {"gold": 0.85, "construction_materials": 0.1, "other": 0.05}
_LEGAL_MIX = {"licensed": 0.2, "in_process": 0.15, "informal": 0.45, "illegal": 0.1, "unknown": 0.1}
_METHOD_MIX = {"alluvial": 0.5, "hard_rock": 0.35, "tailings_reprocessing": 0.1, "other": 0.05}
SITE_COLUMNS = ["site_id", "commodity", "survey_date", "name", "country", "legal_status", "mining_method",
                "workers", "women", "mercury_use", "practices", "source"]
# Where amalgam is burnt, by practice code; a retort distils it in a closed vessel: no open burning.
_BURNING_BY_PRACTICE = {"open_burning": "open", "residential_burning": "residential", "retort": "none"}
_TAILINGS_MIX = {"active": 0.45, "inactive": 0.25, "abandoned": 0.25, "reprocessed": 0.05}


@dataclass(frozen=True)
class DemoLayers:
    """The synthetic layers built for one demo."""

    sites: gpd.GeoDataFrame
    mercury: gpd.GeoDataFrame
    tailings: gpd.GeoDataFrame


def allocate_sites(countries: gpd.GeoDataFrame, n_sites: int) -> dict[str, int]:
    """Split ``n_sites`` among countries in proportion to the square root of their area."""
    if n_sites < 0:
        raise ValueError(f"n_sites={n_sites} must be ≥ 0")
    weights = np.sqrt(countries.geometry.to_crs(EQUAL_AREA_CRS).area.to_numpy())
    shares = np.floor(weights / weights.sum() * n_sites).astype(int)
    shares[np.argsort(-weights)[: n_sites - shares.sum()]] += 1
    return dict(zip(countries["iso3"], shares.tolist()))


def _choice(rng: np.random.Generator, mix: dict[str, float], size: int) -> np.ndarray:
    """Draw ``size`` categories from a weighted mix."""
    weights = np.array(list(mix.values()))
    return rng.choice(np.array(list(mix)), size=size, p=weights / weights.sum())


def build_sites(countries: gpd.GeoDataFrame, n_sites: int, seed: int) -> gpd.GeoDataFrame:
    """Synthetic ASM sites, one row per dated visit, inside the country each one names."""
    frames = [
        _country_sites(row.iso3, row.geometry, count, np.random.default_rng([seed, zlib.crc32(row.iso3.encode())]))
        for row, count in zip(countries.itertuples(), allocate_sites(countries, n_sites).values())
        if count
    ]
    if not frames:
        return gpd.GeoDataFrame(columns=[*SITE_COLUMNS, "geometry"], geometry="geometry", crs="EPSG:4326")
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs="EPSG:4326")


def _country_sites(iso3: str, polygon, count: int, rng: np.random.Generator) -> pd.DataFrame:
    """Sites of one country with 1 to MAX_VISITS visits each."""
    xy = clustered_points_inside(polygon, count, rng, centres=int(np.clip(count // 150, 3, 60)))
    commodity = _choice(rng, _COMMODITY_MIX.get(iso3, _DEFAULT_MIX), count)
    is_gold = commodity == "gold"
    method = np.where(commodity == "construction_materials", "other", _choice(rng, _METHOD_MIX, count))
    workers = np.clip(np.round(rng.lognormal(3.3, 1.0, count)), 2, 3000).astype(int)
    mercury = np.where(is_gold, _choice(rng, {"yes": 0.6, "no": 0.3, "unknown": 0.1}, count),
                       _choice(rng, {"no": 0.9, "unknown": 0.1}, count))
    sites = pd.DataFrame({
        "site_id": [f"{iso3}-{i:06d}" for i in range(1, count + 1)],
        "commodity": commodity,
        "name": [f"Demo site {iso3} {i}" for i in range(1, count + 1)],
        "country": iso3,
        "legal_status": _choice(rng, _LEGAL_MIX, count),
        "mining_method": method,
        "mercury_use": mercury,
        "practices": _practices(rng, is_gold, mercury == "yes"),
        "_workers": workers,
        "_women_share": rng.beta(2.0, 4.0, count),
        "_x": xy[:, 0],
        "_y": xy[:, 1],
    })
    return _add_visits(sites, rng)


def _practices(rng: np.random.Generator, is_gold: np.ndarray, uses_mercury: np.ndarray) -> list[str]:
    """Practice codes per site: processing, burning and cyanide choices that fit its mercury use."""
    n = len(is_gold)
    amalgamation = _choice(rng, {"whole_ore_amalgamation": 0.35, "concentrate_amalgamation": 0.65}, n)
    burning = _choice(rng, {"open_burning": 0.5, "residential_burning": 0.15, "retort": 0.35}, n)
    cyanide = rng.random(n) < 0.12
    gravity = rng.random(n) < 0.7
    result = []
    for i in range(n):
        codes = ["gravity_concentration"] if gravity[i] or not is_gold[i] else []
        if uses_mercury[i]:
            codes += [amalgamation[i], burning[i]]
            if cyanide[i]:
                codes.append("cyanide_on_mercury_tailings")
        elif is_gold[i] and cyanide[i]:
            codes.append("cyanide_leaching")
        elif is_gold[i]:
            codes.append("direct_smelting")
        result.append(PRACTICE_SEPARATOR.join(codes))
    return result


def _add_visits(sites: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Repeat each site once per visit, with dated visits in order and a workforce that drifts."""
    visits = rng.integers(1, MAX_VISITS + 1, len(sites))
    rows = sites.loc[sites.index.repeat(visits)].reset_index(drop=True)
    span_days = int((LAST_SURVEY - FIRST_SURVEY).astype(int))
    rows["_day"] = rng.integers(0, span_days + 1, len(rows))
    rows = rows.sort_values(["site_id", "_day"], kind="stable").reset_index(drop=True)
    workers = np.maximum(1, np.round(rows["_workers"] * rng.normal(1.0, 0.15, len(rows)))).astype(int)
    rows["workers"] = workers
    rows["women"] = np.minimum(workers, np.round(workers * rows["_women_share"])).astype(int)
    rows["survey_date"] = (FIRST_SURVEY + rows["_day"].to_numpy().astype("timedelta64[D]")).astype("datetime64[ms]")
    rows["source"] = DEMO_SOURCE
    rows["geometry"] = shapely.points(rows["_x"].to_numpy(), rows["_y"].to_numpy())
    return rows[[*SITE_COLUMNS, "geometry"]]


def latest_visits(sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One row per site: its most recent visit."""
    ordered = sites.sort_values(["site_id", "survey_date"], kind="stable")
    return ordered.drop_duplicates("site_id", keep="last").reset_index(drop=True)


def build_mercury(sites: gpd.GeoDataFrame, seed: int) -> gpd.GeoDataFrame:
    """Mercury-use records for the visits at which a site reported using mercury."""
    rng = np.random.default_rng([seed, 2])
    visits = sites[sites["mercury_use"] == "yes"].reset_index(drop=True)
    n = len(visits)
    whole_ore = visits["practices"].str.contains("whole_ore_amalgamation", regex=False).to_numpy()
    burning = np.select(
        [visits["practices"].str.contains(code, regex=False).to_numpy() for code in _BURNING_BY_PRACTICE],
        list(_BURNING_BY_PRACTICE.values()),
        "unknown",
    )
    uses_retort = visits["practices"].str.contains("retort", regex=False).to_numpy()
    hg = np.round(rng.lognormal(2.5, 1.2, n) * np.where(whole_ore, 3.0, 1.0) * (visits["workers"].to_numpy() / 30), 1)
    frame = pd.DataFrame({
        "record_id": [f"HG-{i:07d}" for i in range(1, n + 1)],
        "survey_date": visits["survey_date"].to_numpy(),
        "hg_kg_per_year": hg,
        "site_id": visits["site_id"].to_numpy(),
        "amalgamation": np.where(whole_ore, "whole_ore", "concentrate"),
        "retort": np.where(uses_retort, "yes", _choice(rng, {"no": 0.8, "unknown": 0.2}, n)),
        "burning": burning,
        "source": DEMO_SOURCE,
    })
    return gpd.GeoDataFrame(frame, geometry=visits.geometry.to_numpy(), crs="EPSG:4326")


def build_tailings(sites: gpd.GeoDataFrame, countries: gpd.GeoDataFrame, seed: int) -> gpd.GeoDataFrame:
    """Tailings at about a third of the sites: points, or small footprints where they fit inside the country."""
    rng = np.random.default_rng([seed, 3])
    latest = latest_visits(sites)
    chosen = latest[rng.random(len(latest)) < 0.35].reset_index(drop=True)
    n = len(chosen)
    half_side = rng.uniform(0.0004, 0.002, n)  # about 50 to 200 m
    squares = shapely.box(chosen.geometry.x - half_side, chosen.geometry.y - half_side,
                          chosen.geometry.x + half_side, chosen.geometry.y + half_side)
    country_shapes = countries.set_index("iso3").geometry
    fits = shapely.contains(country_shapes.loc[chosen["country"]].to_numpy(), squares)
    wants_footprint = rng.random(n) < 0.3
    geometry = np.where(wants_footprint & fits, squares, chosen.geometry.to_numpy())
    uses_mercury = chosen["mercury_use"].eq("yes").to_numpy()
    frame = pd.DataFrame({
        "tailings_id": [f"TL-{i:07d}" for i in range(1, n + 1)],
        "survey_date": chosen["survey_date"].to_numpy(),
        "status": _choice(rng, _TAILINGS_MIX, n),
        "site_id": chosen["site_id"].to_numpy(),
        "volume_m3": np.round(rng.lognormal(6.5, 1.3, n)),
        "contains_mercury": np.where(uses_mercury, _choice(rng, {"yes": 0.7, "unknown": 0.3}, n),
                                     _choice(rng, {"no": 0.8, "unknown": 0.2}, n)),
        "contains_cyanide": np.where(chosen["practices"].str.contains("cyanide", regex=False), "yes",
                                     _choice(rng, {"no": 0.85, "unknown": 0.15}, n)),
        "source": DEMO_SOURCE,
    })
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def build_layers(countries: gpd.GeoDataFrame, n_sites: int, seed: int) -> DemoLayers:
    """Sites, mercury records and tailings for ``countries`` (iso3 + polygons, EPSG:4326)."""
    sites = build_sites(countries, n_sites, seed)
    return DemoLayers(sites, build_mercury(sites, seed), build_tailings(sites, countries, seed))
