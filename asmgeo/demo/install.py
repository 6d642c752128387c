"""Fill a store: shipped boundaries, Pillar 6 ratings and the synthetic demo layers."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from asmgeo.config import DEFAULT_DEMO_SITES, DEMO_SEED
from asmgeo.demo import geology
from asmgeo.demo import layers as demo
from asmgeo.domain import mpf
from asmgeo.maps.raster import write_class_cog
from asmgeo.provenance import DEMO_LICENCE, DEMO_SOURCE
from asmgeo.shipped import boundaries, reference
from asmgeo.store import Store

DEMO_LAYERS = ("sites", "mercury", "tailings", "geology_units")
GEOLOGY_RESOLUTION_DEG = 0.01


@dataclass(frozen=True)
class DemoReport:
    """What a demo build wrote, and how long it took."""

    counts: dict[str, int]
    rasters: list[Path]
    seconds: float


def install_demo(store: Store, n_sites: int = DEFAULT_DEMO_SITES, seed: int = DEMO_SEED) -> DemoReport:
    """(Re)build the demo in ``store``; rows that are not synthetic demo data are kept."""
    if n_sites < 0:
        raise ValueError(f"n_sites={n_sites} must be ≥ 0")
    started = time.perf_counter()
    world = boundaries.load_countries("full")
    assessed = world[world["iso3"].isin(reference.assessed_iso3())].reset_index(drop=True)
    install_countries(store, world)
    install_illustrative_ratings(store)
    layers = demo.build_layers(assessed, n_sites, seed)
    units = geology.synthetic_units(assessed, seed)
    counts = {}
    for name, frame in (("sites", layers.sites), ("mercury", layers.mercury),
                        ("tailings", layers.tailings), ("geology_units", units)):
        store.delete_where(name, "source", DEMO_SOURCE)
        store.append(name, frame)
        store.set_layer_meta(name, DEMO_SOURCE, DEMO_LICENCE, status="synthetic")
        counts[name] = len(frame)
    counts["countries"] = len(world)
    rasters = install_geology_rasters(units, assessed, store.raster_folder())
    return DemoReport(counts, rasters, time.perf_counter() - started)


def install_countries(store: Store, world) -> None:
    """Copy the shipped country boundaries into the store, so QGIS users have them in one file."""
    store.replace("countries", world)
    store.set_layer_meta("countries", boundaries.BOUNDARIES_SOURCE, boundaries.BOUNDARIES_LICENCE, status="reference")


def install_illustrative_ratings(store: Store) -> None:
    """Replace the illustrative Pillar 6 ratings (one transaction); a country with official ratings keeps only those."""
    store.set_illustrative_ratings(mpf.illustrative_ratings(reference.assessments()))


def install_geology_rasters(units, assessed, folder: Path) -> list[Path]:
    """One class raster (COG) of the demo geological units per assessed region."""
    paths = []
    for region in sorted(assessed["region"].unique()):
        iso3s = assessed.loc[assessed["region"] == region, "iso3"]
        region_units = units[units["country"].isin(iso3s)]
        path = folder / f"geology_{region}.tif"
        paths.append(write_class_cog(path, region_units, resolution=GEOLOGY_RESOLUTION_DEG,
                                     tags={"region": region, "layer": "geology"}))
    return paths



def needs_demo(store: Store) -> bool:
    """True for an empty store: no sites layer yet."""
    return not store.has_layer("sites")
