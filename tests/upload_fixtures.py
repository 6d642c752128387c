"""Binary and archive upload fixtures, written from code into a folder (see tests/data/README.md).

Text fixtures live in ``tests/data/uploads``; the GeoPackages, zips and KMZ built here come from
them or from a few lines of code, so the repository holds no opaque binaries.
"""

from __future__ import annotations

import json
import stat
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

UPLOADS = Path(__file__).resolve().parent / "data" / "uploads"
SITE_COLUMNS = ["site_id", "commodity", "survey_date", "workers"]


def _sites() -> gpd.GeoDataFrame:
    """Three clean Senegal sites (from sites.geojson)."""
    frame = gpd.read_file(UPLOADS / "sites.geojson").iloc[[0, 2, 3]].reset_index(drop=True)
    return frame[[*SITE_COLUMNS, "geometry"]]


def _geojson_bytes(n: int = 1) -> bytes:
    """A tiny valid GeoJSON with ``n`` point sites."""
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-12.18, 12.55]},
                 "properties": {"site_id": f"Z-{i}", "commodity": "gold", "survey_date": "2024-03-15"}}
                for i in range(n)]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def write_gpkg(folder: Path) -> Path:
    """sites.gpkg: one layer ``sites``, survey_date as a real Date field."""
    frame = _sites()
    frame["survey_date"] = pd.to_datetime(frame["survey_date"]).dt.date
    path = folder / "sites.gpkg"
    frame.to_file(path, layer="sites", driver="GPKG")
    return path


def write_layers_gpkg(folder: Path, with_sites: bool) -> Path:
    """A GeoPackage with two layers (``a``, ``b``), or three with one called ``sites``."""
    path = folder / ("layers_sites.gpkg" if with_sites else "layers.gpkg")
    for name in ("a", "b", *(("sites",) if with_sites else ())):
        _sites().to_file(path, layer=name, driver="GPKG")
    return path


def write_table_gpkg(folder: Path) -> Path:
    """A GeoPackage attribute table (no geometry) with longitude/latitude columns."""
    frame = pd.DataFrame({"site_id": ["T-1", "T-2"], "commodity": ["gold", "gold"],
                          "survey_date": ["2024-03-15", "2024-03-16"], "longitude": [-12.18, -12.1],
                          "latitude": [12.55, 13.2]})
    path = folder / "table.gpkg"
    import pyogrio

    pyogrio.write_dataframe(frame, path, layer="sites", driver="GPKG")
    return path


def write_shapefile_zip(folder: Path) -> Path:
    """sites_shp.zip: two points in a Shapefile in UTM 28N (with .prj), 10-character field names, a readme."""
    shp_dir = folder / "shp"
    shp_dir.mkdir()
    frame = _sites().iloc[:2].to_crs("EPSG:32628")  # a Shapefile holds one geometry type: the two points
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "survey_date" truncated to "survey_dat", as in real exports
        frame.to_file(shp_dir / "sites.shp", driver="ESRI Shapefile", engine="pyogrio")
    (shp_dir / "readme.txt").write_text("Survey export, Kedougou 2024.\n")
    path = folder / "sites_shp.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(shp_dir.iterdir()):
            archive.write(part, f"export/{part.name}")
    return path


def write_kmz(folder: Path) -> Path:
    """sites.kmz: doc.kml (sites.kml) and an icon, as Google Earth writes it."""
    path = folder / "sites.kmz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", (UPLOADS / "sites.kml").read_bytes())
        archive.writestr("files/icon.png", b"\x89PNG\r\n\x1a\n")
    return path


def write_xxe_kmz(folder: Path) -> Path:
    """A KMZ whose doc.kml declares an external entity."""
    path = folder / "xxe.kmz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("doc.kml", (UPLOADS / "xxe.kml").read_bytes())
    return path


def write_zip_slip(folder: Path, member: str = "../evil.geojson") -> Path:
    """An archive with a member whose path leaves the folder (``../``) or is absolute."""
    path = folder / ("zip_slip.zip" if member.startswith("..") else "zip_absolute.zip")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("sites.geojson", _geojson_bytes())
        archive.writestr(zipfile.ZipInfo(member), _geojson_bytes())
    return path


def write_symlink_zip(folder: Path) -> Path:
    """An archive whose only member is a symbolic link to /etc/passwd."""
    path = folder / "symlink.zip"
    info = zipfile.ZipInfo("sites.geojson")
    info.create_system = 3  # Unix, so the mode bits count
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(info, "/etc/passwd")
    return path


def write_zip_bomb(folder: Path, megabytes: int = 20) -> Path:
    """zip_bomb.zip: a GeoJSON padded with ``megabytes`` MB of spaces, a few tens of kB on disk."""
    path = folder / "zip_bomb.zip"
    padding = b" " * (megabytes * 1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("sites.geojson", _geojson_bytes()[:-1] + padding + b"}")
    return path


def write_lying_zip(folder: Path, megabytes: int = 20, declared: int = 1000) -> Path:
    """A zip bomb that declares ``declared`` bytes for a member that unpacks to ``megabytes`` MB."""
    path = write_zip_bomb(folder, megabytes)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.infolist()[0]
    real = info.file_size.to_bytes(4, "little")
    fake = declared.to_bytes(4, "little")
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    for header, offset in ((local, 22), (central, 24)):  # uncompressed size field of each header
        assert data[header + offset:header + offset + 4] == real
        data[header + offset:header + offset + 4] = fake
    liar = folder / "zip_liar.zip"
    liar.write_bytes(bytes(data))
    return liar


def write_many_members(folder: Path, count: int = 12) -> Path:
    """An archive with ``count`` tiny members."""
    path = folder / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(count):
            archive.writestr(f"part{i}.csv", "a,b\n1,2\n")
    return path


def write_two_files_zip(folder: Path, names: tuple[str, str] = ("a.geojson", "b.geojson")) -> Path:
    """An archive with two data files."""
    path = folder / f"two_{'_'.join(n.split('.')[0] for n in names)}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.writestr(name, _geojson_bytes())
    return path


def write_no_data_zip(folder: Path) -> Path:
    """An archive with no data file in it."""
    path = folder / "no_data.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.md", "nothing here\n")
    return path


def write_3d_geojson(folder: Path) -> Path:
    """Two 3D points (lon, lat, height) as GPS receivers export them."""
    path = folder / "sites_3d.geojson"
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y, z]},
                 "properties": {"site_id": f"SEN-3D-{i}", "commodity": "gold", "survey_date": "2024-03-15"}}
                for i, (x, y, z) in enumerate([(-12.18, 12.55, 152.5), (-12.10, 13.20, 171.0)])]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def write_3d_gpkg(folder: Path) -> Path:
    """The same 3D points in a GeoPackage declared as EPSG:4979 (WGS 84 3D)."""
    frame = gpd.GeoDataFrame({"site_id": ["SEN-3D-0", "SEN-3D-1"], "commodity": ["gold", "gold"],
                              "survey_date": ["2024-03-15", "2024-03-15"]},
                             geometry=shapely.points([-12.18, -12.10], [12.55, 13.20], [152.5, 171.0]), crs="EPSG:4979")
    path = folder / "sites_3d.gpkg"
    frame.to_file(path, layer="sites", driver="GPKG")
    return path
