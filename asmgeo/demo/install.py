"""Fill a store with the demo (shipped boundaries, Pillar 6 ratings, synthetic layers), or take the demo out.

API::

    from asmgeo.demo.install import install_demo, needs_demo, remove_demo

    install_demo(store, n_sites=300)   # (re)build: rows that are not synthetic demo data are kept
    remove_demo(store)                 # {"sites": 2412, "mercury": …, "rasters": 3}: exactly the synthetic ones
    needs_demo(store)                  # True only for a store that has never held anything

Every synthetic feature carries ``source`` = :data:`~asmgeo.provenance.DEMO_SOURCE` and ``licence`` =
:data:`~asmgeo.provenance.DEMO_LICENCE`, and every demo raster that source in its ``source`` tag; that
is how :func:`remove_demo` finds them, leaving imported features, countries and ratings alone.

**When the app builds the demo by itself** (:func:`needs_demo`): only on a store that has never held
anything — the file is missing, or it holds no layer or table but the empty layer-sources table that
``init-store`` makes, no named mapping and no mark. Every import, ratings edition, slide sequence or
demo build leaves a layer or table behind (removing features never drops a layer), and
:func:`remove_demo` also records the mark ``demo_removed`` (:meth:`~asmgeo.store.base.Store.mark`), so a
store emptied on purpose stays empty.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from asmgeo.config import DEFAULT_DEMO_SITES, DEMO_SEED
from asmgeo.demo import geology
from asmgeo.demo import layers as demo
from asmgeo.domain import mpf
from asmgeo.errors import LayerFileError
from asmgeo.maps.raster import raster_source, write_class_cog
from asmgeo.provenance import DEMO_LICENCE, DEMO_SOURCE
from asmgeo.shipped import boundaries, reference
from asmgeo.store import Store
from asmgeo.store.base import LICENCE_COLUMN, META_TABLE

DEMO_LAYERS = ("sites", "mercury", "tailings", "geology_units")
GEOLOGY_RESOLUTION_DEG = 0.01
RASTER_PATTERN = "geology_*.tif"  # the demo's rasters, one per region (a ministry's are added by name)
RASTERS = "rasters"  # the key of the raster count in remove_demo's result
DEMO_REMOVED = "demo_removed"  # the mark remove_demo records (its value: when, UTC)


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
        store.append(name, frame.assign(**{LICENCE_COLUMN: DEMO_LICENCE}))
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
                                     tags={"region": region, "layer": "geology", "source": DEMO_SOURCE}))
    return paths


def demo_rasters(folder: Path) -> list[Path]:
    """The rasters in ``folder`` that the demo wrote (their ``source`` tag is the demo's), by name."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob(RASTER_PATTERN)):
        try:
            source = raster_source(path)
        except LayerFileError:
            continue  # unreadable: nothing says it is the demo's, so it stays
        if source == DEMO_SOURCE:
            found.append(path)
    return found


def remove_demo(store: Store) -> dict[str, int]:
    """Remove exactly the synthetic demo: its features (one transaction per layer) and its rasters.

    Imported features, countries and ratings stay; each layer's recorded source becomes that of the
    features left in it. The store is marked (``demo_removed``) so the app does not build the demo
    again by itself. Returns how many features each demo layer lost, and ``rasters``: files removed.
    """
    counts = {name: store.delete_source(name, DEMO_SOURCE) for name in DEMO_LAYERS}
    rasters = demo_rasters(store.raster_folder())
    for path in rasters:
        path.unlink(missing_ok=True)
    counts[RASTERS] = len(rasters)
    store.mark(DEMO_REMOVED, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    return counts


def needs_demo(store: Store) -> bool:
    """True only for a store that has never held anything (see the module docstring): the app builds the demo then."""
    if not store.exists():
        return True
    if any(name != META_TABLE for name in store.layer_names()):
        return False
    return not store.marks() and not store.mapping_rows()
