"""Import batches in the store: rows tagged with their batch, duplicates refused, undo, approve, failure midway."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import upload_fixtures as uf
from stores import demo_store_in

from asmgeo.domain import query
from asmgeo.domain.practices import load_rules
from asmgeo.ingest import commit
from asmgeo.ingest.validate import validate_file
from asmgeo.shipped import boundaries
from asmgeo.store import Store, batches, geopackage, open_store

UPLOADS = uf.UPLOADS


@pytest.fixture(scope="module")
def countries():
    return boundaries.load_countries("full")


@pytest.fixture
def store(tmp_path) -> Store:
    return open_store(tmp_path / "s.gpkg")


def _report(countries, name: str, layer: str = "sites", folder: Path = UPLOADS):
    return validate_file(folder / name, layer, countries)


def test_import_writes_the_accepted_features_as_a_pending_batch(store, countries):
    report = _report(countries, "sites.geojson")
    result = commit.import_report(store, report, by="awa")
    assert result.batch is not None and len(result.batch) == 32 and result.duplicate_of is None
    assert result.written == report.accepted_count == store.count("sites") == 4
    rows = store.read("sites")
    assert set(rows["batch"]) == {result.batch} and "_feature" not in rows.columns
    listed = batches.list_batches(store)
    assert listed.to_dict(orient="records") == [{
        "batch": result.batch, "layer": "sites", "file_name": "sites.geojson", "sha256": report.sha256, "who": "awa",
        "when": listed["when"].iloc[0], "features": 4, "accepted": 4, "rejected": 0, "status": "pending",
        "mapping": "", "mapping_hash": "", "source": "sites.geojson", "licence": "", "skipped_existing": 0}]
    assert pd.Timestamp(listed["when"].iloc[0]).tzinfo is not None  # UTC ISO
    assert "asmgeo_batches" in store.layer_names() and len(store.read_table("asmgeo_batches")) == 1


def test_who_defaults_to_the_os_user(store, countries, monkeypatch):
    monkeypatch.setattr(commit.getpass, "getuser", lambda: "os-user")
    commit.import_report(store, _report(countries, "kobo_sites.csv"))
    assert batches.list_batches(store)["who"].tolist() == ["os-user"]


def test_empty_source_is_filled_from_the_file_name(store, countries):
    report = _report(countries, "kobo_sites.csv")
    assert report.accepted["source"].isna().all()
    commit.import_report(store, report)
    assert set(store.read("sites")["source"]) == {"kobo_sites.csv"}


def test_the_same_file_twice_writes_nothing_and_names_the_first_batch(store, countries):
    first = commit.import_report(store, _report(countries, "sites.geojson"))
    second = commit.import_report(store, _report(countries, "sites.geojson"))
    assert second == commit.ImportResult(None, 0, first.batch)
    assert store.count("sites") == 4 and len(batches.list_batches(store)) == 1


def test_an_undone_batch_does_not_block_importing_the_file_again(store, countries):
    first = commit.import_report(store, _report(countries, "sites.geojson"))
    batches.undo(store, first.batch)
    again = commit.import_report(store, _report(countries, "sites.geojson"))
    assert again.batch not in (None, first.batch) and store.count("sites") == 4


def test_strict_refuses_a_file_with_rejections(store, countries):
    report = _report(countries, "bad_values.geojson")
    assert report.rejected_count and report.accepted_count
    assert commit.import_report(store, report, strict=True) == commit.ImportResult(None, 0)
    assert not store.exists()
    assert commit.import_report(store, report).written == report.accepted_count == store.count("sites")


def test_a_file_level_error_writes_nothing(store, countries, tmp_path):
    commit.import_report(store, _report(countries, "sites.geojson"))
    before = (tmp_path / "s.gpkg").read_bytes()
    report = _report(countries, "empty.geojson")
    assert report.exit_code == 2
    assert commit.import_report(store, report) == commit.ImportResult(None, 0)
    assert (tmp_path / "s.gpkg").read_bytes() == before


def test_undo_removes_exactly_that_batch(store, countries):
    kept = commit.import_report(store, _report(countries, "sites.geojson"))
    gone = commit.import_report(store, _report(countries, "bad_values.geojson"))
    before = store.read("sites")
    assert batches.undo(store, gone.batch) == gone.written
    after = store.read("sites")
    assert len(after) == len(before) - gone.written and set(after["batch"]) == {kept.batch}
    pd.testing.assert_frame_equal(after.reset_index(drop=True),
                                  before[before["batch"] == kept.batch].reset_index(drop=True), check_dtype=False)
    statuses = batches.list_batches(store).set_index("batch")["status"]
    assert statuses[gone.batch] == "undone" and statuses[kept.batch] == "pending"
    with pytest.raises(batches.BatchError, match="already undone"):
        batches.undo(store, gone.batch)


def test_approve_flips_the_status(store, countries):
    result = commit.import_report(store, _report(countries, "sites.geojson"))
    batches.approve(store, result.batch)
    assert batches.get_batch(store, result.batch)["status"] == "approved"
    batches.undo(store, result.batch)
    with pytest.raises(batches.BatchError, match="undone"):
        batches.approve(store, result.batch)


def test_an_unknown_batch_is_one_sentence(store, countries):
    commit.import_report(store, _report(countries, "sites.geojson"))
    with pytest.raises(batches.BatchError, match="no import batch 'nope'"):
        batches.approve(store, "nope")


def test_a_failure_recording_the_batch_leaves_the_store_as_it_was(store, countries, monkeypatch):
    first = commit.import_report(store, _report(countries, "sites.geojson"))
    before = store.read("sites")

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(geopackage, "_insert_record", fail)  # after the rows, inside the same transaction
    with pytest.raises(OSError, match="disk full"):
        commit.import_report(store, _report(countries, "bad_values.geojson"))
    pd.testing.assert_frame_equal(store.read("sites"), before)
    assert batches.list_batches(store)["batch"].tolist() == [first.batch]


def test_a_later_visit_of_a_stored_site_becomes_its_latest(store, countries, tmp_path):
    commit.import_report(store, _report(countries, "sites.geojson"))
    before = store.read("sites")
    visit = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [-12.18, 12.55]},
        "properties": {"site_id": "SEN-K-002", "commodity": "gold", "survey_date": "2025-01-20", "workers": 999,
                       "name": "Revisit"}}]}
    (tmp_path / "revisit.geojson").write_text(json.dumps(visit))
    result = commit.import_report(store, _report(countries, "revisit.geojson", folder=tmp_path))
    assert result.written == 1
    visits = store.read("sites")
    assert len(visits) == len(before) + 1
    pd.testing.assert_frame_equal(visits.iloc[:len(before)], before, check_dtype=False)  # the older visits remain
    latest = query.latest_sites(visits, load_rules()).set_index("site_id")
    assert latest.loc["SEN-K-002", "workers"] == 999 and latest.loc["SEN-K-002", "name"] == "Revisit"
    assert latest.loc["SEN-K-002", "visits"] == 2 and latest.loc["SEN-K-002", "batch"] == result.batch


def test_import_into_a_demo_store_adds_the_batch_column(tmp_path, countries):
    with demo_store_in(tmp_path, 20) as store:
        demo_rows = store.count("sites")
        result = commit.import_report(store, _report(countries, "sites.geojson"))
        rows = store.read("sites")
        assert len(rows) == demo_rows + 4
        assert rows["batch"].isna().sum() == demo_rows and (rows["batch"] == result.batch).sum() == 4
        batches.undo(store, result.batch)
        assert store.count("sites") == demo_rows


def test_published_maps_show_a_batch_only_once_it_is_approved(tmp_path, countries):
    with demo_store_in(tmp_path, 20) as store:
        demo_ids = set(store.read("sites")["site_id"])
        result = commit.import_report(store, _report(countries, "sites.geojson"))
        imported_ids = set(store.read("sites").query("batch == @result.batch")["site_id"])

        pending = batches.published(store.read("sites"), batches.list_batches(store))
        assert set(pending["site_id"]) == demo_ids  # the pending batch stays off the maps

        batches.approve(store, result.batch)
        approved = batches.published(store.read("sites"), batches.list_batches(store))
        assert set(approved["site_id"]) == demo_ids | imported_ids
        assert len(approved) == store.count("sites")


def test_batch_features_are_exactly_the_rows_of_that_batch(tmp_path, countries):
    with demo_store_in(tmp_path, 20) as store:
        first = commit.import_report(store, _report(countries, "sites.geojson"))
        second = commit.import_report(store, _report(countries, "bad_values.geojson"))
        shown = batches.batch_features(store, first.batch)
        assert list(shown) == ["sites"]
        frame = shown["sites"]
        report = _report(countries, "sites.geojson")
        assert len(frame) == first.written == 4 and set(frame["batch"]) == {first.batch}
        assert list(frame["site_id"]) == list(report.accepted["site_id"])  # in file order, no demo row
        assert frame.crs.to_epsg() == 4326 and frame.geometry.notna().all()
        other = batches.batch_features(store, second.batch)["sites"]
        assert len(other) == second.written and set(other["batch"]) == {second.batch}
        assert batches.get_batch(store, first.batch)["status"] == "pending"  # looking changes nothing


def test_batch_features_of_an_undone_batch_are_empty(store, countries):
    result = commit.import_report(store, _report(countries, "mercury.geojson", layer="mercury"), by="awa")
    assert list(batches.batch_features(store, result.batch)) == ["mercury"]
    batches.undo(store, result.batch)
    frame = batches.batch_features(store, result.batch)["mercury"]
    assert frame.empty and "geometry" in frame.columns


def test_batch_features_of_an_unknown_batch_is_a_clear_error(store, countries):
    commit.import_report(store, _report(countries, "sites.geojson"))
    with pytest.raises(batches.BatchError, match="no import batch \"x' OR '1'='1\""):
        batches.batch_features(store, "x' OR '1'='1")
    with pytest.raises(ValueError, match="batch="):
        batches.batch_features(store, "")


def test_batch_features_when_the_layer_lost_its_batch_column(store, countries):
    result = commit.import_report(store, _report(countries, "sites.geojson"))
    store.replace("sites", store.read("sites").drop(columns="batch"))  # e.g. the demo rebuilt the layer
    assert batches.batch_features(store, result.batch)["sites"].empty


def test_batch_errors_carry_a_code_and_the_batch(store, countries):
    result = commit.import_report(store, _report(countries, "sites.geojson"))
    batches.undo(store, result.batch)
    for call, code in ((lambda: batches.get_batch(store, "nope"), "unknown_batch"),
                       (lambda: batches.approve(store, result.batch), "approve_undone"),
                       (lambda: batches.undo(store, result.batch), "already_undone")):
        with pytest.raises(batches.BatchError) as caught:
            call()
        assert caught.value.code == code and caught.value.batch in ("nope", result.batch)
