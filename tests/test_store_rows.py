"""The GeoPackage backend writes feature rows itself (asmgeo.store.gpkg_sql): byte for byte what GDAL writes.

Rows appended through the store are compared with the same rows written by GDAL (pyogrio) into
another file: the stored values and geometry blobs, what pyogrio reads back, the R-tree, the
feature count and the layer's extent. GDAL then appends to the store's layer and reads it all.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from asmgeo.store import gpkg_sql
from asmgeo.store.geopackage import GeoPackageStore

N = 7


def _frame(offset: float = 0.0) -> gpd.GeoDataFrame:
    """Every kind of value the store meets, missing values included, and every geometry kind."""
    geometries = [
        shapely.Point(-12.18 + offset, 12.55),
        shapely.box(1 + offset, 2, 1.5 + offset, 2.5),
        shapely.MultiPolygon([shapely.box(3, 3, 4, 4), shapely.box(5 + offset, 5, 6 + offset, 6)]),
        shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], [[(2, 2), (3, 2), (3, 3), (2, 3)]]),
        shapely.Point(),  # empty
        None,  # no geometry
        shapely.Point(179.5, -89.5),
    ]
    return gpd.GeoDataFrame({
        "site_id": pd.array([f"S{i}" for i in range(N - 1)] + [None], dtype="string"),
        "name": ["Bantaco", None, "é ñ — 'quoted'", "", "x", "y", "z"],
        "survey_date": pd.to_datetime(["2024-03-15", "2024-03-15 10:11:12.345", None, "1999-12-31 23:59:59",
                                       "2024-01-01", "2024-01-01", "2024-01-01"], format="ISO8601").astype("datetime64[ms]"),
        "checked_at": pd.to_datetime(["2024-03-15T00:00:00+02:00"] * (N - 1) + [None], utc=True, format="ISO8601"),
        "workers": pd.array([120, None, 0, 5, 6, 7, 8], dtype="Int64"),
        "count": np.arange(N, dtype="int64"),
        "hg_kg_per_year": [1.5, np.nan, 0.0, 1e-9, -2.5, 3.0, 4.0],
        "flag": [True, False, True, True, False, False, True],
        "batch": pd.Series(["b1"] * N, dtype="str"),
    }, geometry=geometries, crs="EPSG:4326")


def _raw(path, table: str = "sites") -> list[tuple]:
    with closing(sqlite3.connect(path)) as connection:
        columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")') if row[1] != "fid"]
        quoted = ", ".join(f'"{c}"' for c in columns)
        return connection.execute(f'SELECT {quoted} FROM "{table}" ORDER BY fid').fetchall()


@pytest.fixture
def pair(tmp_path):
    """The same rows written by GDAL and appended by the store (to a layer GDAL created empty)."""
    frame = _frame()
    gdal = tmp_path / "gdal.gpkg"
    pyogrio.write_dataframe(frame, gdal, layer="sites", driver="GPKG", geometry_type="Unknown")
    store = GeoPackageStore(tmp_path / "store.gpkg")
    assert store.append("sites", frame) == N
    return gdal, store, frame


def test_stored_values_and_blobs_are_gdals(pair):
    gdal, store, _ = pair
    assert _raw(store.path) == _raw(gdal)


def test_pyogrio_reads_back_the_same_frame(pair):
    gdal, store, _ = pair
    expected = pyogrio.read_dataframe(gdal, layer="sites")
    pd.testing.assert_frame_equal(store.read("sites"), expected)
    assert pyogrio.read_info(store.path, layer="sites", force_feature_count=True)["features"] == N


def test_the_spatial_index_count_and_extent_are_right(pair):
    gdal, store, frame = pair
    with closing(sqlite3.connect(store.path)) as connection:
        index = connection.execute("SELECT id, minx, maxx, miny, maxy FROM rtree_sites_geom ORDER BY id").fetchall()
        extent = connection.execute("SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = 'sites'").fetchone()
        (count,) = connection.execute("SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'sites'").fetchone()
    with closing(sqlite3.connect(gdal)) as connection:
        expected = connection.execute("SELECT id, minx, maxx, miny, maxy FROM rtree_sites_geom ORDER BY id").fetchall()
    assert index == expected and len(index) == N - 2  # the empty and the missing geometry are not indexed
    assert count == N
    bounds = frame.geometry.dropna()[~frame.geometry.dropna().is_empty].total_bounds
    np.testing.assert_allclose(extent, bounds)
    for box in [(-13, 12, -12, 13), (0.5, 0.5, 2.2, 2.2), (170, -90, 180, -80), (-1, -1, 0.1, 0.1)]:
        wanted = sorted(pyogrio.read_dataframe(gdal, layer="sites", bbox=box)["count"])
        assert sorted(store.read("sites", bbox=box)["count"]) == wanted, box


def test_gdal_and_the_store_append_to_each_others_rows(pair):
    gdal, store, frame = pair
    pyogrio.write_dataframe(_frame(offset=0.25), store.path, layer="sites", driver="GPKG", append=True)
    assert store.append("sites", _frame(offset=0.5)) == N
    back = store.read("sites")
    assert len(back) == 3 * N and store.count("sites") == 3 * N
    assert back["count"].tolist() == list(range(N)) * 3
    with closing(sqlite3.connect(store.path)) as connection:
        fids = [row[0] for row in connection.execute("SELECT fid FROM sites ORDER BY fid")]
        (indexed,) = connection.execute("SELECT count(*) FROM rtree_sites_geom").fetchone()
        (orphans,) = connection.execute("SELECT count(*) FROM rtree_sites_geom WHERE id NOT IN (SELECT fid FROM sites)").fetchone()
        (check,) = connection.execute("PRAGMA integrity_check").fetchone()
    assert fids == list(range(1, 3 * N + 1)) and indexed == 3 * (N - 2) and orphans == 0 and check == "ok"
    moved = store.read("sites", bbox=(-11.95, 12.5, -11.9, 12.6))  # only the third copy's first point
    assert moved["count"].tolist() == [0] and len(moved) == 1


def test_new_columns_are_added_with_gdals_types(tmp_path):
    store = GeoPackageStore(tmp_path / "s.gpkg")
    store.append("sites", _frame().drop(columns=["batch", "flag", "checked_at"]))
    store.append("sites", _frame())
    with closing(sqlite3.connect(store.path)) as connection:
        types = {row[1]: row[2] for row in connection.execute('PRAGMA table_info("sites")')}
    assert (types["batch"], types["flag"], types["checked_at"]) == ("TEXT", "BOOLEAN", "DATETIME")
    back = store.read("sites")
    assert back["batch"].iloc[:N].isna().all() and (back["batch"].iloc[N:] == "b1").all()
    assert back["flag"].iloc[N:].tolist() == _frame()["flag"].tolist()


def test_the_trigger_functions_read_gdals_blobs(tmp_path):
    """ST_MinX… registered on the connection give GDAL's envelope for every kind of blob GDAL writes."""
    frame = _frame()
    path = tmp_path / "g.gpkg"
    pyogrio.write_dataframe(frame, path, layer="sites", driver="GPKG", geometry_type="Unknown")
    with closing(gpkg_sql.connect(path)) as connection:
        got = connection.execute("SELECT fid, ST_IsEmpty(geom), ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), "
                                 "ST_MaxY(geom) FROM sites ORDER BY fid").fetchall()
        # an update of a geometry goes through GDAL's own triggers, which call these functions
        connection.execute("UPDATE sites SET geom = (SELECT geom FROM sites WHERE fid = 2) WHERE fid = 1")
        (box,) = connection.execute("SELECT minx FROM rtree_sites_geom WHERE id = 1").fetchone()
    for (fid, empty, *bounds), geometry in zip(got, frame.geometry):
        if geometry is None:
            assert empty is None and bounds == [None] * 4
        elif geometry.is_empty:
            assert empty == 1
        else:
            minx, miny, maxx, maxy = geometry.bounds
            assert empty == 0 and bounds == pytest.approx([minx, maxx, miny, maxy])
    assert box == pytest.approx(1.0)


def _rtree_ok(path) -> None:
    """SQLite's own check of the R-tree (structure, boxes, shadow tables) and that it indexes exactly the rows."""
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("SELECT rtreecheck('rtree_sites_geom')").fetchone() == ("ok",)
        (indexed,) = connection.execute("SELECT count(*) FROM rtree_sites_geom").fetchone()
        (rows,) = connection.execute("SELECT count(*) FROM sites WHERE geom IS NOT NULL").fetchone()
        (orphans,) = connection.execute("SELECT count(*) FROM rtree_sites_geom WHERE id NOT IN (SELECT fid FROM sites)").fetchone()
    assert indexed == rows and orphans == 0


def _points(n: int, seed: int, source: str) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    return gpd.GeoDataFrame({"site_id": [f"{source}-{i}" for i in range(n)], "source": [source] * n},
                            geometry=gpd.points_from_xy(rng.uniform(-20, 40, n), rng.uniform(-30, 30, n)),
                            crs="EPSG:4326")


def _found(store: GeoPackageStore, box) -> list[str]:
    return sorted(store.read("sites", bbox=box)["site_id"])


def _expected(store: GeoPackageStore, box) -> list[str]:
    rows = store.read("sites")
    return sorted(rows.loc[rows.intersects(shapely.box(*box)), "site_id"])


def test_a_packed_spatial_index_stays_right_through_deletes_and_later_appends(tmp_path):
    """Many rows at once build the R-tree packed; SQLite, GDAL and the store then keep changing it."""
    store = GeoPackageStore(tmp_path / "s.gpkg")
    boxes = [(-5, -5, 5, 5), (10, 0, 10.5, 30), (-20, -30, 40, 30), (39, 29, 41, 31)]
    store.append("sites", _points(5000, 1, "first"))  # an empty layer: packed
    _rtree_ok(store.path)
    assert all(_found(store, box) == _expected(store, box) for box in boxes)
    assert store.append("sites", _points(3000, 2, "second")) == 3000  # 5000 indexed ≤ 2 × 3000: packed again
    _rtree_ok(store.path)
    assert store.delete_where("sites", "source", "first") == 5000  # SQLite's own R-tree deletes
    _rtree_ok(store.path)
    pyogrio.write_dataframe(_points(200, 3, "gdal"), store.path, layer="sites", driver="GPKG", append=True)
    _rtree_ok(store.path)
    assert store.append("sites", _points(50, 4, "third")) == 50  # few beside many: one insert each
    _rtree_ok(store.path)
    assert store.count("sites") == 3250
    assert all(_found(store, box) == _expected(store, box) for box in boxes)
