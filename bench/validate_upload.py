"""Benchmark: validating an uploaded GeoJSON of N points (see bench/README.md for the conventions).

Two measurements in one run, on the same synthetic file (N site points spread over the 14
MPF-assessed countries, every canonical field filled; 100,000 points ≈ 30 MB):

* ``validate``: ``asmgeo.ingest.validate.validate_file`` (read, map aliases, check every field and
  geometry, place every point in a full-resolution country) against ``read_file``, plain
  ``geopandas.read_file`` of the same file (which checks nothing).
* ``validate_import``: ``validate_file`` plus importing the accepted features into a new
  GeoPackage store as one batch (``asmgeo.ingest.commit.import_report``: rows and batch record in
  one transaction), against ``read_file_to_file``: ``read_file`` plus ``to_file`` of everything
  read. The target (issue #4) is asmgeo ≤ 2 × the baseline at 100,000 points, i.e. a ratio ≥ 0.5.

``--memory`` also validates the file once in a fresh process and reports its peak resident memory
(``ru_maxrss``, target ≤ 1.5 GB) and the tracemalloc peak of Python allocations, on stderr.

Usage::

    python bench/validate_upload.py [--sizes 10000 100000] [--repeat 3] [--memory] [--check-target]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import harness  # puts the repo root on sys.path, before the asmgeo imports below
import numpy as np

from asmgeo.demo.layers import allocate_sites
from asmgeo.demo.sampling import clustered_points_inside
from asmgeo.ingest.commit import import_report
from asmgeo.ingest.validate import validate_file
from asmgeo.shipped import boundaries, reference
from asmgeo.store import open_store

DEFAULT_SIZES = [10_000, 100_000]
TARGET_POINTS = 100_000
TARGET_RATIO = 0.5  # baseline / asmgeo: asmgeo may take at most twice the baseline
TARGET_MEMORY_GB = 1.5
TODAY = dt.date(2026, 1, 1)
WORLD = boundaries.load_countries("full")
_FILES: dict[int, Path] = {}
_CACHE: list[Path] = []  # the folder of the survey files, made on first use and removed by main()


def survey_file(n: int) -> Path:
    """The synthetic GeoJSON of ``n`` points (written once per size, reused by every repeat)."""
    if not _CACHE:
        _CACHE.append(Path(tempfile.mkdtemp(prefix="asmgeo-bench-validate-")))
    if n not in _FILES:
        _FILES[n] = write_survey(n, _CACHE[0] / f"survey_{n}.geojson")
    return _FILES[n]


def write_survey(n: int, path: Path) -> Path:
    """N point sites inside the assessed countries with every canonical field, as a FeatureCollection."""
    assessed = WORLD[WORLD["iso3"].isin(reference.assessed_iso3())].reset_index(drop=True)
    rng = np.random.default_rng(4)
    features = []
    for row, count in zip(assessed.itertuples(), allocate_sites(assessed, n).values()):
        if not count:
            continue
        xy = clustered_points_inside(row.geometry, count, rng, centres=10)
        for i, (x, y) in enumerate(xy):
            workers = int(rng.integers(5, 500))
            features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(x, 6), round(y, 6)]},
                             "properties": {"site_id": f"{row.iso3}-{i:06d}", "commodity": "gold",
                                            "survey_date": "2025-03-15", "name": f"Site {i}", "country": row.iso3,
                                            "legal_status": "informal", "mining_method": "alluvial", "workers": workers,
                                            "women": workers // 4, "mercury_use": "yes",
                                            "practices": "whole_ore_amalgamation;open_burning"}})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def asmgeo_validate(n: int, folder: Path) -> None:
    """validate_file on the survey."""
    report = validate_file(survey_file(n), "sites", WORLD, today=TODAY)
    assert report.accepted_count == n, report.issues[:3]


def read_file(n: int, folder: Path) -> None:
    """Plain geopandas.read_file of the survey."""
    gpd.read_file(survey_file(n))


def asmgeo_validate_import(n: int, folder: Path) -> int:
    """validate_file, then the accepted features imported into a GeoPackage store as one batch."""
    report = validate_file(survey_file(n), "sites", WORLD, today=TODAY)
    path = folder / "store.gpkg"
    result = import_report(open_store(path), report, by="bench")
    assert result.written == n, result
    return harness.file_bytes(path)


def read_file_to_file(n: int, folder: Path) -> int:
    """read_file, then to_file of everything read."""
    path = folder / "store.gpkg"
    gpd.read_file(survey_file(n)).to_file(path, layer="sites", driver="GPKG")
    return harness.file_bytes(path)


def child_memory(path: Path) -> None:
    """In a fresh process: validate once, print peak RSS (MB) before and after, and the tracemalloc peak."""
    import tracemalloc

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    report = validate_file(path, "sites", WORLD, today=TODAY)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"features": report.features, "rss_before_mb": round(before), "rss_peak_mb": round(after),
                      "tracemalloc_peak_mb": round(peak / 1024 / 1024)}))


def measure_memory(n: int) -> dict:
    """Peak memory of one validate_file of the N-point survey, in a fresh process."""
    result = subprocess.run([sys.executable, __file__, "--child-memory", str(survey_file(n))],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def build_parser() -> argparse.ArgumentParser:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES, metavar="N")
    parser.add_argument("--repeat", type=int, default=3, help="runs per variant and size; medians are printed")
    parser.add_argument("--memory", action="store_true", help="also measure peak memory in a fresh process")
    parser.add_argument("--check-target", action="store_true",
                        help=f"exit 1 unless validate+import at {TARGET_POINTS} points is ≤ 2 × read_file+to_file")
    parser.add_argument("--child-memory", type=Path, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run both measurements; optionally the memory check and the target check."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.child_memory:
        child_memory(args.child_memory)
        return 0
    if args.repeat < 1 or any(n < 1 for n in args.sizes):
        parser.error("--repeat and every size must be ≥ 1")
    if args.check_target and TARGET_POINTS not in args.sizes:
        parser.error(f"--check-target needs {TARGET_POINTS} among --sizes")
    try:
        for n in args.sizes:
            harness.note("validate", f"n={n}: survey file {survey_file(n).stat().st_size / 1e6:.1f} MB")
        harness.compare("validate", {"asmgeo": asmgeo_validate, "read_file": read_file}, args.sizes, args.repeat)
        medians = harness.compare("validate_import", {"asmgeo": asmgeo_validate_import,
                                                      "read_file_to_file": read_file_to_file}, args.sizes, args.repeat)
        verdict = 0
        if args.memory:
            for n in args.sizes:
                memory = measure_memory(n)
                harness.note("validate", f"n={n}: peak memory {memory}")
                if n == TARGET_POINTS and memory["rss_peak_mb"] > TARGET_MEMORY_GB * 1024:
                    verdict = 1
        if args.check_target:
            ratio = medians[TARGET_POINTS, "read_file_to_file"] / medians[TARGET_POINTS, "asmgeo"]
            met = ratio >= TARGET_RATIO
            harness.note("validate_import", f"target {'met' if met else 'missed'}: ratio {ratio:.2f} (≥ {TARGET_RATIO})")
            verdict = verdict or (0 if met else 1)
        return verdict
    finally:
        for folder in _CACHE:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
