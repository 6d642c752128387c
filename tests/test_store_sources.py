"""What a layer really holds, named mappings, cumulative exports and removing one source, at the Store level.

Schema step 3 (named mappings, the batch's mapping and provenance), ``summary().sources``,
``existing_values`` and ``add_batch(skip_existing=…)`` (one transaction, also with two processes),
``delete_source`` (rows and the layer's recorded source in one transaction), and marks.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import gpkg_edits as gpkg
import pandas as pd
import pytest
import shapely

from asmgeo.provenance import DEMO_LICENCE, DEMO_SOURCE
from asmgeo.store import Store, batches, migrations, open_store
from asmgeo.store.geopackage import GeoPackageStore

REPO_ROOT = Path(__file__).resolve().parent.parent
LEGACY = REPO_ROOT / "tests" / "data" / "legacy" / "store_v0.gpkg"


def _sites(ids: list[str], source: str | None, licence: str | None = None, uuids: list[str] | None = None,
           batch: str | None = None) -> gpd.GeoDataFrame:
    """Site visits in Senegal from ``source`` (None: no source column), with a licence / submission ids / batch."""
    columns = {"site_id": ids, "commodity": ["gold"] * len(ids),
               "survey_date": pd.to_datetime(["2024-03-15"] * len(ids)).astype("datetime64[ms]")}
    if source is not None:
        columns["source"] = [source] * len(ids)
    if licence is not None:
        columns["licence"] = [licence] * len(ids)
    if uuids is not None:
        columns["submission_id"] = uuids
    if batch is not None:
        columns["batch"] = [batch] * len(ids)
    points = [shapely.Point(-12.0 + 0.01 * i, 13.0) for i in range(len(ids))]
    return gpd.GeoDataFrame(columns, geometry=points, crs="EPSG:4326")


def _record(batch: str, sha256: str = "f" * 64, mapping_hash: str = "", **extra) -> dict:
    return {"batch": batch, "layer": "sites", "file_name": "export.csv", "sha256": sha256, "who": "awa",
            "when": "2025-01-01T00:00:00+00:00", "features": 3, "accepted": 3, "rejected": 0, "status": "pending",
            "mapping": "{}" if mapping_hash else "", "mapping_hash": mapping_hash, "source": "Kobo ASM form",
            "licence": "CC-BY-4.0", **extra}


@pytest.fixture
def store(tmp_path) -> GeoPackageStore:
    return open_store(tmp_path / "s.gpkg")


# ------------------------------------------------------------------ schema step 3


def test_step_3_adds_the_mappings_table_and_the_batch_columns_to_an_old_store(tmp_path):
    path = tmp_path / "old.gpkg"
    shutil.copyfile(LEGACY, path)
    old = open_store(path)
    upgrade = old.upgrade()
    assert 3 in upgrade.steps and old.schema_version() == migrations.CURRENT == 3
    assert gpkg.has_table(old, "asmgeo_mappings")
    listed = batches.list_batches(old)
    assert len(listed) == 2
    assert listed[["mapping", "mapping_hash", "source", "licence"]].values.tolist() == [["", "", "", ""]] * 2
    assert listed["skipped_existing"].tolist() == [0, 0] and listed["skipped_existing"].dtype == "int64"
    assert gpkg.rows(old, "PRAGMA integrity_check") == [("ok",)]
    assert old.mapping_rows() == []


def test_step_3_run_again_changes_nothing(tmp_path):
    path = tmp_path / "old.gpkg"
    shutil.copyfile(LEGACY, path)
    open_store(path).upgrade()
    before = gpkg.rows(open_store(path), "SELECT sql FROM sqlite_master ORDER BY name")
    with sqlite3.connect(path) as connection:
        migrations.STEPS[2].apply(connection)
    assert gpkg.rows(open_store(path), "SELECT sql FROM sqlite_master ORDER BY name") == before


# ------------------------------------------------------------------ named mappings


def test_put_mapping_creates_then_replaces_in_its_own_table(store):
    assert store.mapping_rows() == [] and not store.exists()
    store.put_mapping("kobo v3", "sites", '{"a": 1}', "awa")
    assert store.exists()  # a store is made for it
    version = store.version("asmgeo_mappings")
    store.put_mapping("alerts", "tailings", '{"b": 2}', "")
    store.put_mapping("kobo v3", "sites", '{"a": 2}', "moussa")
    rows = store.mapping_rows()
    assert [(r["name"], r["layer"], r["mapping"], r["saved_by"]) for r in rows] == [
        ("alerts", "tailings", '{"b": 2}', ""), ("kobo v3", "sites", '{"a": 2}', "moussa")]
    assert all(pd.Timestamp(r["saved_at"]).tzinfo is not None for r in rows)
    assert store.version("asmgeo_mappings") != version
    assert "asmgeo_mappings" not in store.layer_names()  # hidden, like asmgeo_meta: QGIS lists no such layer
    with pytest.raises(ValueError, match="name"):
        store.put_mapping("  ", "sites", "{}", "awa")


# ------------------------------------------------------------------ what a layer holds


def test_sources_say_what_a_layer_really_holds(store):
    store.append("sites", _sites(["d1", "d2", "d3"], DEMO_SOURCE, DEMO_LICENCE))
    store.set_layer_meta("sites", DEMO_SOURCE, DEMO_LICENCE, status="synthetic")
    store.append("sites", _sites(["k1", "k2"], "Kobo ASM form", "CC-BY-4.0"))
    store.append("sites", _sites(["f1"], "field.geojson", ""))
    infos = {info.name: info for info in store.summary()}
    sites = infos["sites"]
    assert sites.sources == [
        {"source": DEMO_SOURCE, "licence": DEMO_LICENCE, "features": 3, "synthetic": True},
        {"source": "Kobo ASM form", "licence": "CC-BY-4.0", "features": 2, "synthetic": False},
        {"source": "field.geojson", "licence": "", "features": 1, "synthetic": False},
    ]
    assert sites.features == 6 == sum(s["features"] for s in sites.sources)
    assert sites.source == f"{DEMO_SOURCE}; Kobo ASM form; field.geojson"  # no longer only "synthetic demo"
    assert sites.licence == f"{DEMO_LICENCE}; CC-BY-4.0"


def test_rows_without_a_licence_take_the_layers_only_when_they_come_from_its_source(store):
    store.append("sites", _sites(["d1", "d2"], DEMO_SOURCE))  # written before features carried a licence
    store.append("sites", _sites(["o1"], "old import.geojson"))
    store.append("sites", _sites(["n1"], None))  # no source at all: the layer's
    store.set_layer_meta("sites", DEMO_SOURCE, DEMO_LICENCE)
    sites = store.summary()[0]
    assert sites.sources == [
        {"source": DEMO_SOURCE, "licence": DEMO_LICENCE, "features": 3, "synthetic": True},
        {"source": "old import.geojson", "licence": "", "features": 1, "synthetic": False},
    ]


def test_a_layer_of_one_source_is_named_by_it(store):
    store.append("sites", _sites(["k1"], "Kobo ASM form", "CC-BY-4.0"))
    store.set_layer_meta("sites", DEMO_SOURCE, DEMO_LICENCE)  # what the meta says no longer matters
    sites = store.summary()[0]
    assert (sites.source, sites.licence) == ("Kobo ASM form", "CC-BY-4.0")
    assert sites.sources == [{"source": "Kobo ASM form", "licence": "CC-BY-4.0", "features": 1, "synthetic": False}]


# ------------------------------------------------------------------ cumulative exports


def test_existing_values_ignore_undone_batches_and_empty_values(store):
    store.add_batch("sites", _sites(["a", "b"], "s", uuids=["u1", "u2"], batch="B1"), _record("B1", "1" * 64))
    store.add_batch("sites", _sites(["c"], "s", uuids=["u3"], batch="B2"), _record("B2", "2" * 64))
    store.append("sites", _sites(["d"], "s", uuids=["u4"]))  # a row of no batch is in the store too
    assert store.existing_values("sites", "submission_id", ["u1", "u3", "u4", "u9", "", None]) == {"u1", "u3", "u4"}
    # an undo deletes the rows; a row left behind by hand under an undone batch does not count either
    store.set_batch_status("B2", batches.UNDONE)
    assert store.existing_values("sites", "submission_id", ["u1", "u3"]) == {"u1"}
    assert store.existing_values("mercury", "submission_id", ["u1"]) == set()  # no such layer
    many = [f"x{i}" for i in range(1234)] + ["u2"]
    assert store.existing_values("sites", "submission_id", many) == {"u2"}  # more values than one IN list
    with pytest.raises(ValueError, match="nonsense"):
        store.existing_values("sites", "nonsense", ["u1"])


def test_add_batch_skips_the_records_already_stored_and_counts_them(store):
    assert store.add_batch("sites", _sites(["a", "b"], "s", uuids=["u1", "u2"], batch="B1"),
                           _record("B1", "1" * 64), skip_existing="submission_id") == 2
    # looked up through an index, made with the column: a later export is no scan of the layer
    assert gpkg.rows(store, "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                            "AND name = 'asmgeo_sites_submission_id'") == [(1,)]
    later = _sites(["a", "b", "c", "d"], "s", uuids=["u1", "u2", "u3", None], batch="B2")
    assert store.add_batch("sites", later, _record("B2", "2" * 64), skip_existing="submission_id") == 2
    rows = store.read("sites")
    assert sorted(rows.loc[rows["batch"] == "B2", "site_id"]) == ["c", "d"]  # no id: never skipped
    listed = batches.list_batches(store).set_index("batch")
    assert listed.loc["B1", "skipped_existing"] == 0 and listed.loc["B2", "skipped_existing"] == 2
    assert (listed.loc["B2", "source"], listed.loc["B2", "licence"]) == ("Kobo ASM form", "CC-BY-4.0")
    # everything already there: nothing is written, no batch either
    again = _sites(["a", "c"], "s", uuids=["u1", "u3"], batch="B3")
    assert store.add_batch("sites", again, _record("B3", "3" * 64), skip_existing="submission_id") == 0
    assert len(batches.list_batches(store)) == 2 and store.count("sites") == 4


def test_the_same_file_through_another_mapping_is_no_duplicate(store):
    store.add_batch("sites", _sites(["a"], "s", batch="B1"), _record("B1", mapping_hash=""))
    with pytest.raises(batches.DuplicateBatchError) as caught:
        store.add_batch("sites", _sites(["a"], "s", batch="B2"), _record("B2", mapping_hash=""))
    assert caught.value.batch == "B1"
    assert store.add_batch("sites", _sites(["a"], "s", batch="B3"), _record("B3", mapping_hash="9" * 64)) == 1
    with pytest.raises(batches.DuplicateBatchError) as caught:
        store.add_batch("sites", _sites(["a"], "s", batch="B4"), _record("B4", mapping_hash="9" * 64))
    assert caught.value.batch == "B3"
    assert batches.find_duplicate(store, "sites", "f" * 64, "9" * 64) == "B3"
    assert batches.find_duplicate(store, "sites", "f" * 64, "8" * 64) is None
    assert store.count("sites") == 2


_WRITER = """
import sys, geopandas as gpd, pandas as pd, shapely
from asmgeo.store import open_store
path, batch, sha = sys.argv[1:4]
ids = ["u1", "u2", "u3", "u4"]
frame = gpd.GeoDataFrame({"site_id": ids, "commodity": ["gold"] * 4,
                          "survey_date": pd.to_datetime(["2024-03-15"] * 4).astype("datetime64[ms]"),
                          "submission_id": ids, "batch": [batch] * 4},
                         geometry=[shapely.Point(-12, 13)] * 4, crs="EPSG:4326")
record = {"batch": batch, "layer": "sites", "file_name": batch, "sha256": sha, "who": "p", "when": "2025",
          "features": 4, "accepted": 4, "rejected": 0, "status": "pending"}
print(open_store(path).add_batch("sites", frame, record, skip_existing="submission_id"))
"""


def test_two_processes_importing_overlapping_exports_write_each_record_once(store):
    store.add_batch("sites", _sites(["z"], "s", uuids=["u0"], batch="B0"), _record("B0", "0" * 64))  # the layer
    processes = [subprocess.Popen([sys.executable, "-c", _WRITER, store.location, f"P{i}", str(i) * 64], cwd=REPO_ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in (1, 2)]
    outputs = [p.communicate(timeout=300) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    assert sorted(int(out) for out, _ in outputs) == [0, 4]  # one wrote the four records, the other none
    rows = store.read("sites")
    assert sorted(rows["submission_id"]) == ["u0", "u1", "u2", "u3", "u4"]


# ------------------------------------------------------------------ removing one source


def test_delete_source_removes_exactly_its_rows_and_resets_the_layer_source(store):
    store.append("sites", _sites(["d1", "d2"], DEMO_SOURCE, DEMO_LICENCE))
    store.append("sites", _sites(["k1"], "Kobo ASM form", "CC-BY-4.0"))
    store.append("sites", _sites(["n1"], None))  # no source of its own
    store.set_layer_meta("sites", DEMO_SOURCE, DEMO_LICENCE, status="synthetic")
    version = store.version("sites", "asmgeo_layers")
    assert store.delete_source("sites", DEMO_SOURCE) == 2
    assert sorted(store.read("sites")["site_id"]) == ["k1", "n1"]
    meta = store.layer_meta().set_index("name")
    assert (meta.loc["sites", "source"], meta.loc["sites", "licence"], meta.loc["sites", "status"]) == (
        "Kobo ASM form", "CC-BY-4.0", "from features")
    sites = store.summary()[0]
    assert DEMO_SOURCE not in sites.source and not any(s["synthetic"] for s in sites.sources)
    # the row with no source of its own is not lent the record made from the others
    assert sites.sources == [{"source": "", "licence": "", "features": 1, "synthetic": False},
                             {"source": "Kobo ASM form", "licence": "CC-BY-4.0", "features": 1, "synthetic": False}]
    assert store.version("sites", "asmgeo_layers")[2] != version[2]
    assert store.delete_source("sites", DEMO_SOURCE) == 0
    assert store.delete_source("mercury", DEMO_SOURCE) == 0  # no such layer


def test_delete_source_of_everything_leaves_an_empty_layer_with_no_recorded_source(store):
    store.append("sites", _sites(["d1"], DEMO_SOURCE, DEMO_LICENCE))
    store.set_layer_meta("sites", DEMO_SOURCE, DEMO_LICENCE, status="synthetic")
    assert store.delete_source("sites", DEMO_SOURCE) == 1
    assert store.has_layer("sites") and store.count("sites") == 0
    assert "sites" not in set(store.layer_meta()["name"])
    assert store.summary()[0].source == "" and store.summary()[0].sources == []


def test_delete_source_is_one_transaction(store, monkeypatch):
    from asmgeo.store import geopackage

    store.append("sites", _sites(["d1", "d2"], DEMO_SOURCE, DEMO_LICENCE))
    store.set_layer_meta("sites", DEMO_SOURCE, DEMO_LICENCE)

    def broken(connection, *args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(geopackage, "_reset_meta", broken)
    with pytest.raises(Exception, match="disk I/O error"):
        store.delete_source("sites", DEMO_SOURCE)
    assert store.count("sites") == 2  # the rows are back
    assert store.layer_meta().set_index("name").loc["sites", "source"] == DEMO_SOURCE


# ------------------------------------------------------------------ marks


def test_marks_are_kept_apart_from_the_schema_version(store):
    assert store.marks() == {}
    store.mark("demo_removed", "2025-01-01T00:00:00+00:00")
    store.mark("demo_removed", "2025-02-01T00:00:00+00:00")
    assert store.marks() == {"demo_removed": "2025-02-01T00:00:00+00:00"}
    assert store.schema_version() == migrations.CURRENT
    with pytest.raises(ValueError):
        store.mark("", "x")


def test_every_new_protocol_method_is_implemented(store):
    for name in ("put_mapping", "mapping_rows", "existing_values", "delete_source", "mark", "marks"):
        assert callable(getattr(Store, name)) and callable(getattr(store, name)), name
