"""Benchmark: the synthetic demo for N sites (see bench/README.md for the conventions).

Two measurements in one run:

* ``demo_points``: placing N site points inside the 14 assessed countries (full-resolution
  Natural Earth polygons). ``asmgeo`` is the demo's vectorised sampler; ``naive_loop`` is a plain
  Python loop of ``Point`` + ``polygon.contains`` rejection sampling on unprepared polygons.
  Both place the same number of points per country and write nothing.
* ``demo_build``: the whole ``python -m asmgeo demo --sites N`` (countries, ratings, sites with
  visits, mercury, tailings, geology units and COGs, written to a fresh GeoPackage). Its baseline
  is the naive loop plus ``GeoDataFrame.to_file`` of the bare points: far less output, so it is
  not a like-for-like speed comparison; the line is there for the target (100,000 sites < 60 s).

Usage::

    python bench/demo_build.py [--sizes 10000 100000] [--repeat 3] [--naive-max 100000] [--check-target]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

import geopandas as gpd
import harness  # noqa: I001  (puts the repo root on sys.path first)
import numpy as np
from shapely.geometry import Point

from asmgeo.config import DEMO_SEED
from asmgeo.demo.install import install_demo
from asmgeo.demo.layers import allocate_sites
from asmgeo.demo.sampling import clustered_points_inside
from asmgeo.shipped import boundaries, reference
from asmgeo.store import open_store

DEFAULT_SIZES = [10_000, 100_000]
TARGET_SITES = 100_000
TARGET_SECONDS = 60.0


def assessed_countries() -> gpd.GeoDataFrame:
    """The 14 MPF-assessed countries at full resolution."""
    world = boundaries.load_countries("full")
    return world[world["iso3"].isin(reference.assessed_iso3())].reset_index(drop=True)


COUNTRIES = assessed_countries()


def asmgeo_points(n: int, folder: Path) -> None:
    """The demo's sampler: districts, then vectorised rejection with prepared polygons."""
    rng = np.random.default_rng(DEMO_SEED)
    for polygon, count in zip(COUNTRIES.geometry, allocate_sites(COUNTRIES, n).values()):
        if count:
            clustered_points_inside(polygon, count, rng, centres=int(np.clip(count // 150, 3, 60)))


def naive_points(n: int, folder: Path) -> list[tuple[str, Point]]:
    """Point-by-point rejection sampling on unprepared polygons."""
    rng = random.Random(DEMO_SEED)
    placed: list[tuple[str, Point]] = []
    for row, count in zip(COUNTRIES.itertuples(), allocate_sites(COUNTRIES, n).values()):
        polygon = row.geometry
        minx, miny, maxx, maxy = polygon.bounds
        while count:
            candidate = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
            if polygon.contains(candidate):
                placed.append((row.iso3, candidate))
                count -= 1
    return placed


def naive_loop(n: int, folder: Path) -> None:
    """The naive placement as a benchmark variant (nothing written)."""
    naive_points(n, folder)


def asmgeo_build(n: int, folder: Path) -> int:
    """The full demo build into a new GeoPackage store; returns the store size in bytes."""
    os.environ["ASMGEO_RASTER_DIR"] = str(folder / "rasters")
    path = folder / "store.gpkg"
    install_demo(open_store(path), n_sites=n)
    return harness.file_bytes(path)


def naive_build(n: int, folder: Path) -> int:
    """The naive points written with to_file; returns the file size in bytes."""
    iso3s, points = zip(*naive_points(n, folder)) if n else ((), ())
    path = folder / "points.gpkg"
    gpd.GeoDataFrame({"iso3": list(iso3s)}, geometry=list(points), crs="EPSG:4326").to_file(path, driver="GPKG")
    return harness.file_bytes(path)


def build_parser() -> argparse.ArgumentParser:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES, metavar="N")
    parser.add_argument("--repeat", type=int, default=3, help="runs per variant and size; medians are printed")
    parser.add_argument("--naive-max", type=int, default=100_000, help="largest N the naive baselines run for")
    parser.add_argument("--check-target", action="store_true",
                        help=f"exit 1 if the demo build median at {TARGET_SITES} sites is above {TARGET_SECONDS:.0f} s")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run both measurements; optionally check the build target."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.repeat < 1 or any(n < 0 for n in args.sizes):
        parser.error("--repeat must be ≥ 1 and every size ≥ 0")
    if args.check_target and TARGET_SITES not in args.sizes:
        parser.error(f"--check-target needs {TARGET_SITES} among --sizes")
    too_big = lambda variant, n: variant != "asmgeo" and n > args.naive_max  # noqa: E731
    harness.compare("demo_points", {"asmgeo": asmgeo_points, "naive_loop": naive_loop},
                    args.sizes, args.repeat, skip=too_big)
    medians = harness.compare("demo_build", {"asmgeo": asmgeo_build, "naive_points_to_file": naive_build},
                              args.sizes, args.repeat, skip=too_big)
    if args.check_target:
        seconds = medians[TARGET_SITES, "asmgeo"]
        verdict = "met" if seconds <= TARGET_SECONDS else "missed"
        harness.note("demo_build",
                     f"target {verdict}: {TARGET_SITES} sites in {seconds:.1f} s (median), limit {TARGET_SECONDS:.0f} s")
        return 0 if verdict == "met" else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
