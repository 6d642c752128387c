"""The GeoPackage store: round-trips, CRS, atomic appends, deletes, tables, errors and WAL."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import threading
import time
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from asmgeo.errors import StoreError
from asmgeo.store import Store, open_store
from asmgeo.store.geopackage import GeoPackageStore


def _sites(ids: list[str], xy: list[tuple[float, float]] | None = None, source: str = "field survey") -> gpd.GeoDataFrame:
    """Site visits at the given lon/lat points (default: a line of points in Senegal)."""
    xy = xy or [(-12.0 + 0.1 * i, 13.0 + 0.05 * i) for i in range(len(ids))]
    return gpd.GeoDataFrame(
        {
            "site_id": ids,
            "commodity": ["gold"] * len(ids),
            "survey_date": pd.to_datetime([f"2021-03-{1 + i % 28:02d}" for i in range(len(ids))]).astype("datetime64[ms]"),
            "name": [f"Site {i}" for i in ids],
            "workers": np.arange(len(ids), dtype="int64") + 5,
            "source": [source] * len(ids),
        },
        geometry=[shapely.Point(x, y) for x, y in xy],
        crs="EPSG:4326",
    )


@pytest.fixture
def store(tmp_path, monkeypatch) -> GeoPackageStore:
    monkeypatch.setenv("ASMGEO_STORE", str(tmp_path / "s.gpkg"))
    return open_store()


def test_open_store_gives_a_store_of_the_protocol(store):
    assert isinstance(store, Store) and isinstance(store, GeoPackageStore)
    missing = [name for name in dir(Store) if not name.startswith("_") and not hasattr(store, name)]
    assert missing == []


def test_open_store_reads_asmgeo_store(store, tmp_path):
    assert store.path == tmp_path / "s.gpkg"
    assert not store.exists() and store.layer_names() == [] and store.count("sites") == 0


def test_append_then_read_round_trips_values_and_crs(store):
    frame = _sites(["a", "b", "c"])
    assert store.append("sites", frame) == 3
    back = store.read("sites")
    assert back.crs.to_epsg() == 4326
    assert back["site_id"].tolist() == ["a", "b", "c"]
    assert back["workers"].tolist() == [5, 6, 7]
    assert back["name"].tolist() == frame["name"].tolist()
    assert pd.to_datetime(back["survey_date"]).dt.date.tolist() == frame["survey_date"].dt.date.tolist()
    assert shapely.equals_exact(back.geometry.to_numpy(), frame.geometry.to_numpy(), tolerance=1e-12).all()
    assert store.count("sites") == 3 and store.has_layer("sites")


def test_append_adds_to_an_existing_layer(store):
    store.append("sites", _sites(["a", "b"]))
    store.append("sites", _sites(["c"], [(10.0, 10.0)]))
    assert sorted(store.read("sites")["site_id"]) == ["a", "b", "c"]


def test_a_frame_in_another_crs_is_reprojected_with_a_warning(store):
    lonlat = [(-12.25, 13.5), (30.06, -1.94)]
    frame = _sites(["x", "y"], lonlat).to_crs("EPSG:3857")
    assert abs(frame.geometry.x.iloc[1]) > 1e6  # really in metres
    with pytest.warns(UserWarning, match="(?i)reproject"):
        store.append("sites", frame)
    back = store.read("sites")
    assert back.crs.to_epsg() == 4326
    assert pyogrio.read_info(store.path, layer="sites")["crs"] == "EPSG:4326"
    np.testing.assert_allclose(np.column_stack([back.geometry.x, back.geometry.y]), lonlat, atol=1e-7)


def test_a_frame_in_4326_is_written_without_a_warning(store):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        store.append("sites", _sites(["a"]))


def test_a_frame_without_crs_is_refused_and_nothing_is_written(store):
    frame = _sites(["a"]).set_crs(None, allow_override=True)
    with pytest.raises(ValueError, match="CRS"):
        store.append("sites", frame)
    assert store.count("sites") == 0


def test_append_is_all_or_nothing(store):
    store.append("sites", _sites(["a", "b", "c"]))
    with sqlite3.connect(store.path) as connection:
        connection.execute(
            "CREATE TRIGGER boom BEFORE INSERT ON sites WHEN NEW.site_id = 'boom' "
            "BEGIN SELECT RAISE(ABORT, 'boom'); END"
        )
    connection.close()
    ids = [f"new-{i}" for i in range(10)]
    ids[4] = "boom"
    with pytest.raises(Exception, match="boom"):
        store.append("sites", _sites(ids))
    assert store.count("sites") == 3
    assert sorted(store.read("sites")["site_id"]) == ["a", "b", "c"]


def test_delete_where_deletes_exactly_the_matching_rows_and_keeps_the_spatial_index(store):
    # demo rows around (0, 0), field rows around (20, 20): a bbox read goes through the R-tree
    demo = _sites([f"d{i}" for i in range(6)], [(0.1 * i, 0.1 * i) for i in range(6)], source="synthetic demo")
    field = _sites([f"f{i}" for i in range(4)], [(20 + 0.1 * i, 20 + 0.1 * i) for i in range(4)])
    store.append("sites", pd.concat([demo, field.iloc[:2], demo.iloc[:0]]).pipe(gpd.GeoDataFrame, crs="EPSG:4326"))
    store.append("sites", field.iloc[2:])
    assert store.delete_where("sites", "source", "synthetic demo") == 6
    assert sorted(store.read("sites")["site_id"]) == ["f0", "f1", "f2", "f3"]
    assert store.count("sites") == 4
    assert store.read("sites", bbox=(-1, -1, 1, 1)).empty
    assert sorted(store.read("sites", bbox=(19.9, 19.9, 20.15, 20.15))["site_id"]) == ["f0", "f1"]
    with sqlite3.connect(store.path) as connection:
        (rtree,) = connection.execute("SELECT count(*) FROM rtree_sites_geom").fetchone()
        (orphans,) = connection.execute(
            "SELECT count(*) FROM rtree_sites_geom WHERE id NOT IN (SELECT fid FROM sites)"
        ).fetchone()
    connection.close()
    assert (rtree, orphans) == (4, 0)
    # new rows after the delete are found through the index too
    store.append("sites", _sites(["n0"], [(0.05, 0.05)]))
    assert store.read("sites", bbox=(-1, -1, 1, 1))["site_id"].tolist() == ["n0"]


def test_delete_where_matches_nothing_and_refuses_unknown_columns(store):
    store.append("sites", _sites(["a", "b"]))
    assert store.delete_where("sites", "source", "synthetic demo") == 0
    assert store.count("sites") == 2
    with pytest.raises(ValueError, match="nonsense"):
        store.delete_where("sites", "nonsense", "x")
    assert store.delete_where("mercury", "source", "x") == 0  # no such layer yet


def test_summary_reports_counts_geometry_and_provenance(store):
    store.append("sites", _sites(["a", "b", "c"], source="Field survey 2022"))
    tailings = gpd.GeoDataFrame(
        {"tailings_id": ["t1", "t2"], "survey_date": pd.to_datetime(["2020-01-01"] * 2), "status": ["active"] * 2},
        geometry=[shapely.box(1, 1, 1.01, 1.01), shapely.box(2, 2, 2.01, 2.01)], crs="EPSG:4326",
    )
    store.append("tailings", tailings)
    store.set_layer_meta("sites", "Field survey 2021", "CC-BY-4.0", year="2021", status="official")
    store.set_layer_meta("sites", "Field survey 2022", "CC-BY-4.0")  # replaces, does not duplicate
    store.write_table("pillar6_ratings", pd.DataFrame({"iso3": ["SEN"]}))
    summary = {info.name: info for info in store.summary()}
    assert set(summary) == {"sites", "tailings"}  # attribute tables are not layers
    assert (summary["sites"].features, summary["tailings"].features) == (3, 2)
    # both layers take points or footprints, so they are created generic and say so
    either = "Point, Polygon or MultiPolygon"  # sites and tailings take points or footprints (one or several parts)
    assert summary["sites"].geometry == either and summary["tailings"].geometry == either
    # the features carry no licence: those from the layer's recorded source take its recorded licence
    assert (summary["sites"].source, summary["sites"].licence) == ("Field survey 2022", "CC-BY-4.0")
    assert summary["sites"].sources == [{"source": "Field survey 2022", "licence": "CC-BY-4.0", "features": 3,
                                         "synthetic": False}]
    assert (summary["tailings"].source, summary["tailings"].licence) == ("", "")
    assert summary["tailings"].sources == [{"source": "", "licence": "", "features": 2, "synthetic": False}]
    meta = store.layer_meta()
    assert meta["name"].tolist().count("sites") == 1


def test_write_table_read_table_round_trip(store):
    table = pd.DataFrame({
        "iso3": ["SEN", "RWA", "MNG"],
        "item": ["training", "legal_frameworks", "women_in_asm"],
        "year": [2016, 2017, 2017],
        "implemented": ["yes", "partial", "no"],
        "rating_word": ["", "partly", "é ñ —"],
        "illustrative": [True, False, True],
    })
    store.write_table("pillar6_ratings", table)
    back = store.read_table("pillar6_ratings")
    pd.testing.assert_frame_equal(back.reset_index(drop=True), table, check_dtype=False)
    assert back["illustrative"].tolist() == [True, False, True]
    store.write_table("pillar6_ratings", table.iloc[:1])  # overwrites
    assert len(store.read_table("pillar6_ratings")) == 1


@pytest.mark.parametrize("layer", ["sites", "countries"])
def test_write_table_refuses_a_spatial_layer_name(store, layer):
    with pytest.raises(ValueError, match=layer):
        store.write_table(layer, pd.DataFrame({"a": [1]}))
    assert not store.exists()


@pytest.mark.parametrize("location", ["postgresql://asm:secret@db/asmgeo", "postgres://db/asmgeo"])
def test_open_store_refuses_postgis_urls(location):
    with pytest.raises(StoreError):
        open_store(location)


@pytest.mark.parametrize("location", ["/tmp/asmgeo.shp", "/tmp/asmgeo.sqlite", "/tmp/asmgeo.gpkg.bak"])
def test_open_store_refuses_paths_that_are_not_geopackages(location, monkeypatch):
    with pytest.raises(StoreError, match=location.replace(".", r"\.")):
        open_store(location)
    monkeypatch.setenv("ASMGEO_STORE", location)
    with pytest.raises(StoreError):
        open_store()


def test_reading_a_missing_store_names_its_path(store):
    with pytest.raises(StoreError, match=str(store.path)):
        store.read("sites")
    with pytest.raises(StoreError, match=str(store.path)):
        store.read_table("pillar6_ratings")


def test_reading_a_missing_layer_names_the_store_and_the_layer(store):
    store.append("sites", _sites(["a"]))
    with pytest.raises(StoreError) as caught:
        store.read("mercury")
    assert str(store.path) in str(caught.value) and "mercury" in str(caught.value)
    with pytest.raises(StoreError, match="pillar6_ratings"):
        store.read_table("pillar6_ratings")


def _damage(path, how: str) -> None:
    rng = random.Random(7)
    if how == "random bytes":
        path.write_bytes(rng.randbytes(8192))
    else:  # a real GeoPackage whose pages after the SQLite header are overwritten
        data = path.read_bytes()
        path.write_bytes(data[:100] + rng.randbytes(len(data) - 100))


@pytest.mark.parametrize("how", ["random bytes", "damaged pages"])
def test_a_corrupt_store_gives_store_error(store, how):
    store.append("sites", _sites(["a", "b"]))
    _damage(store.path, how)
    for call in (store.layer_names, store.summary, lambda: store.read("sites"), lambda: store.count("sites"),
                 lambda: store.read_table("pillar6_ratings"), lambda: store.append("sites", _sites(["c"]))):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            with pytest.raises(StoreError, match=str(store.path)):
                call()


def test_every_layer_the_store_writes_is_epsg_4326(store):
    store.append("sites", _sites(["a", "b"]))
    with pytest.warns(UserWarning):
        store.append("mercury", gpd.GeoDataFrame(
            {"record_id": ["m1"], "survey_date": pd.to_datetime(["2021-01-01"]), "hg_kg_per_year": [1.5]},
            geometry=[shapely.Point(500_000, 1_500_000)], crs="EPSG:32628",  # UTM 28N (Senegal)
        ))
    with pytest.warns(UserWarning):
        store.replace("countries", gpd.GeoDataFrame(
            {"iso3": ["SEN"], "name": ["Senegal"], "region": ["africa"]},
            geometry=[shapely.box(-1.9e6, 1.4e6, -1.3e6, 1.9e6)], crs="EPSG:3857",
        ))
    store.write_table("pillar6_ratings", pd.DataFrame({"iso3": ["SEN"]}))
    spatial = [name for name in store.layer_names() if pyogrio.read_info(store.path, layer=name)["geometry_type"]]
    assert sorted(spatial) == ["countries", "mercury", "sites"]
    assert {name: pyogrio.read_info(store.path, layer=name)["crs"] for name in spatial} == dict.fromkeys(spatial, "EPSG:4326")
    x, y = store.read("mercury").geometry.iloc[0].coords[0]
    assert -20 < x < -10 and 10 < y < 15


def test_replace_overwrites_one_layer_and_keeps_the_others(store):
    store.append("sites", _sites(["a", "b"]))
    countries = gpd.GeoDataFrame({"iso3": ["A", "B"], "name": ["A", "B"], "region": ["lac", "lac"]},
                                 geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)], crs="EPSG:4326")
    store.replace("countries", countries)
    store.replace("countries", countries.iloc[:1])
    assert store.count("countries") == 1 and store.count("sites") == 2


_READER = """
import sqlite3, sys
reader = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=1)
print(reader.execute("PRAGMA journal_mode").fetchone()[0], flush=True)
reader.execute("BEGIN")
print(reader.execute("SELECT count(*) FROM sites").fetchone()[0], flush=True)
sys.stdin.readline()
print(reader.execute("SELECT count(*) FROM sites").fetchone()[0], flush=True)
reader.execute("COMMIT")
print(reader.execute("SELECT count(*) FROM sites").fetchone()[0], flush=True)
"""


def test_wal_a_reader_in_a_transaction_does_not_block_the_next_append(store):
    """Another program (QGIS, a second app process) reading the store while asmgeo writes."""
    store.append("sites", _sites(["a", "b"]))
    reader = subprocess.Popen([sys.executable, "-c", _READER, str(store.path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip().lower() == "wal"
        assert reader.stdout.readline().strip() == "2"  # its read transaction is open now
        assert store.append("sites", _sites(["c", "d"], [(5, 5), (6, 6)])) == 2
        assert store.delete_where("sites", "site_id", "a") == 1
        assert store.append("sites", _sites(["e"], [(7, 7)])) == 1
        out, err = reader.communicate("go\n", timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
    assert reader.returncode == 0, err
    assert out.split() == ["2", "4"]  # its snapshot, then the committed state
    assert sorted(store.read("sites")["site_id"]) == ["b", "c", "d", "e"]


def test_writes_from_two_threads_of_one_process_both_survive(store, monkeypatch):
    """The app serves several sessions from threads of one process: a delete and an append overlap.

    The delete's connection is slowed down after its DELETE so the append happens inside its
    transaction; a store whose writers exclude each other makes the append wait, and both
    changes survive.
    """
    store.append("sites", _sites([f"d{i}" for i in range(5)], source="synthetic demo"))
    store.append("sites", _sites(["f0"], [(20, 20)]))
    deleted = threading.Event()
    original = GeoPackageStore._sqlite

    class SlowConnection:
        def __init__(self, connection):
            self._connection = connection

        def execute(self, *args):
            cursor = self._connection.execute(*args)
            if args and str(args[0]).lstrip().upper().startswith("DELETE"):
                deleted.set()
                time.sleep(1.0)
            return cursor

        def __getattr__(self, name):
            return getattr(self._connection, name)

        def __enter__(self):
            self._connection.__enter__()
            return self

        def __exit__(self, *exc):
            return self._connection.__exit__(*exc)

    monkeypatch.setattr(GeoPackageStore, "_sqlite", lambda self: SlowConnection(original(self)), raising=False)
    results: dict[str, object] = {}
    worker = threading.Thread(target=lambda: results.update(deleted=store.delete_where("sites", "source", "synthetic demo")))
    worker.start()
    deleted.wait(timeout=10)
    store.append("sites", _sites(["f1"], [(21, 21)]))
    worker.join(timeout=60)
    assert results.get("deleted") == 5
    assert sorted(store.read("sites")["site_id"]) == ["f0", "f1"]


def test_store_errors_can_be_read_in_french_and_spanish(tmp_path):
    """The page shows a store error in the reader's language; str() stays English for logs and the CLI."""
    from asmgeo.i18n import t

    missing = GeoPackageStore(tmp_path / "nowhere.gpkg")
    with pytest.raises(StoreError) as caught:
        missing.read("sites")
    error = caught.value
    assert "does not exist" in str(error)
    assert error.text("en") == str(error)
    for lang in ("fr", "es"):
        assert error.text(lang) == t("error.store_missing", lang, path=missing.path) != str(error)
        assert str(missing.path) in error.text(lang)
