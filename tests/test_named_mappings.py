"""Mappings kept in the store under a name (asmgeo.ingest.named_mappings), and the mapping a batch keeps."""

from __future__ import annotations

import json

import pytest
import upload_fixtures as uf

from asmgeo.i18n import t
from asmgeo.ingest import commit
from asmgeo.ingest.mapping import Mapping, MappingError, resolve_mapping
from asmgeo.ingest.named_mappings import (
    check_name,
    load_named_mapping,
    mapping_hash,
    mapping_text,
    named_mappings,
    names_by_hash,
    save_named_mapping,
    store_loader,
)
from asmgeo.ingest.validate import validate_file, with_provenance
from asmgeo.shipped import boundaries
from asmgeo.store import Store, batches, open_store

KOBO = Mapping.from_cli("sites", maps=["site_id=site_info/site_id"], sets=["commodity=gold"],
                        values=["legal_status:garimpo=illegal"])
ALERTS = Mapping.from_cli("tailings", sets=["status=active"])


@pytest.fixture
def store(tmp_path) -> Store:
    return open_store(tmp_path / "s.gpkg")


def test_save_list_and_load_round_trip(store):
    save_named_mapping(store, "  kobo ASM v3 ", KOBO, by="awa")
    save_named_mapping(store, "alerts", ALERTS)
    assert named_mappings(store) == ["alerts", "kobo ASM v3"]
    assert named_mappings(store, "sites") == ["kobo ASM v3"] and named_mappings(store, "mercury") == []
    assert load_named_mapping(store, "kobo ASM v3", "sites") == KOBO
    row = {r["name"]: r for r in store.mapping_rows()}["kobo ASM v3"]
    assert (row["layer"], row["saved_by"], row["mapping"]) == ("sites", "awa", KOBO.to_text())


def test_saving_under_a_name_again_replaces_it(store):
    save_named_mapping(store, "form", KOBO)
    corrected = Mapping.from_cli("sites", sets=["commodity=cassiterite"])
    save_named_mapping(store, "form", corrected, by="moussa")
    assert named_mappings(store) == ["form"] and load_named_mapping(store, "form", "sites") == corrected


def test_a_mapping_with_no_layer_fits_every_layer(store):
    anywhere = Mapping(generate_ids=True)
    save_named_mapping(store, "ids", anywhere)
    assert named_mappings(store, "tailings") == ["ids"]
    assert load_named_mapping(store, "ids", "tailings") == Mapping(layer="tailings", generate_ids=True)


@pytest.mark.parametrize("bad", ["", "   ", "x" * 61, "forms/kobo", "forms\\kobo", "kobo.json", "KOBO.JSON", None])
def test_bad_names_are_refused_naming_the_value(store, bad):
    with pytest.raises(MappingError) as caught:
        save_named_mapping(store, bad, KOBO)
    shown = json.dumps(bad if isinstance(bad, str) else str(bad), ensure_ascii=False)
    assert shown in str(caught.value) and "60" in str(caught.value)
    assert store.mapping_rows() == []
    assert check_name("x" * 60) == "x" * 60


def test_names_are_refused_in_the_language_asked_for(store):
    with pytest.raises(MappingError) as caught:
        save_named_mapping(store, "kobo.json", KOBO, lang="fr")
    assert str(caught.value) == t("mapping.bad_name", "fr", name='"kobo.json"', limit=60)
    assert caught.value.key == "mapping.bad_name"


def test_an_unknown_name_lists_the_names_the_store_has(store):
    with pytest.raises(MappingError) as caught:
        load_named_mapping(store, "kobo", "sites", lang="es")
    assert str(caught.value) == t("mapping.no_named", "es", name="kobo")
    save_named_mapping(store, "form B", KOBO)
    save_named_mapping(store, "form A", KOBO)
    with pytest.raises(MappingError) as caught:
        load_named_mapping(store, "kobo", "sites")
    assert str(caught.value) == t("mapping.unknown_name", "en", name="kobo", names="form A, form B")


def test_a_mapping_saved_for_another_layer_is_refused_with_a_sentence(store):
    save_named_mapping(store, "alerts", ALERTS)
    with pytest.raises(MappingError) as caught:
        load_named_mapping(store, "alerts", "sites", lang="fr")
    assert str(caught.value) == t("mapping.named_wrong_layer", "fr", name="alerts", mapping_layer="tailings",
                                  layer="sites")


def test_a_damaged_stored_mapping_is_one_sentence_naming_it(store):
    store.put_mapping("broken", "sites", '{"asmgeo_mapping": 99}', "someone")
    with pytest.raises(MappingError) as caught:
        load_named_mapping(store, "broken", "sites")
    assert str(caught.value).startswith("The mapping broken kept in the store cannot be used:")
    assert names_by_hash(store) == {}


def test_store_loader_is_what_resolve_mapping_takes(store):
    save_named_mapping(store, "kobo", KOBO)
    assert resolve_mapping("kobo", "sites", named=store_loader(store)) == KOBO
    with pytest.raises(MappingError, match="tailings"):
        resolve_mapping("kobo", "tailings", named=store_loader(store))
    with pytest.raises(MappingError, match="nope"):
        resolve_mapping("nope", "sites", named=store_loader(store, "fr"))


def test_mapping_text_and_hash_are_canonical():
    assert mapping_text(None) == mapping_hash(None) == ""
    assert mapping_text(Mapping(layer="sites")) == ""  # a mapping that changes nothing is none
    again = Mapping.from_json(KOBO.to_text())
    assert mapping_text(again) == mapping_text(KOBO) and mapping_hash(again) == mapping_hash(KOBO)
    assert json.loads(mapping_text(KOBO)) == KOBO.to_json() and "\n" not in mapping_text(KOBO)
    assert len(mapping_hash(KOBO)) == 64 and mapping_hash(KOBO) != mapping_hash(ALERTS)


def test_names_by_hash_names_the_mappings_kept(store):
    save_named_mapping(store, "kobo", KOBO)
    save_named_mapping(store, "kobo copy", KOBO)
    save_named_mapping(store, "alerts", ALERTS)
    assert names_by_hash(store) == {mapping_hash(KOBO): ["kobo", "kobo copy"], mapping_hash(ALERTS): ["alerts"]}


# ------------------------------------------------------------------ the mapping a batch keeps


@pytest.fixture(scope="module")
def countries():
    return boundaries.load_countries("full")


def test_a_batch_keeps_its_mapping_source_and_licence(store, countries):
    mapping = Mapping.from_cli("sites", sets=["legal_status=informal"])
    report = validate_file(uf.UPLOADS / "sites.geojson", "sites", countries, mapping=mapping)
    report = with_provenance(report, "Ministry survey 2024", "CC-BY-4.0")
    result = commit.import_report(store, report, by="awa")
    record = batches.get_batch(store, result.batch)
    assert (record["mapping"], record["mapping_hash"]) == (mapping_text(mapping), mapping_hash(mapping))
    assert (record["source"], record["licence"], record["skipped_existing"]) == ("Ministry survey 2024", "CC-BY-4.0", 0)
    rows = store.read("sites")
    assert set(rows["licence"]) == {"CC-BY-4.0"}
    assert set(rows["source"]) == {"field survey 2024"}  # the features name their own source: it is kept


def test_the_same_file_with_a_corrected_mapping_may_be_imported_again(store, countries):
    plain = validate_file(uf.UPLOADS / "sites.geojson", "sites", countries)
    first = commit.import_report(store, plain)
    assert commit.import_report(store, plain).duplicate_of == first.batch  # same file, same (no) mapping
    corrected = Mapping.from_cli("sites", sets=["legal_status=informal"])
    fixed = validate_file(uf.UPLOADS / "sites.geojson", "sites", countries, mapping=corrected)
    second = commit.import_report(store, fixed)
    assert second.batch is not None and second.duplicate_of is None and second.written == 4
    assert commit.import_report(store, fixed).duplicate_of == second.batch  # and that one only once
    assert store.count("sites") == 8


def test_without_source_the_batch_names_the_file_and_features_get_no_licence(store, countries):
    report = validate_file(uf.UPLOADS / "kobo_sites.csv", "sites", countries)
    result = commit.import_report(store, report)
    record = batches.get_batch(store, result.batch)
    assert (record["source"], record["licence"], record["mapping"]) == ("kobo_sites.csv", "", "")
    assert set(store.read("sites")["licence"]) == {""}


def test_a_cumulative_export_skips_the_records_already_stored(store, countries, tmp_path):
    header = "site_id;commodity;survey_date;_gps_latitude;_gps_longitude;_uuid\n"
    rows = ["S-1;gold;2024-03-15;12.55;-12.18;uuid-1", "S-2;gold;2024-03-16;12.60;-12.20;uuid-2",
            "S-3;gold;2024-03-17;12.65;-12.22;uuid-3"]
    first, second = tmp_path / "export_march.csv", tmp_path / "export_april.csv"
    first.write_text(header + "\n".join(rows[:2]) + "\n")
    second.write_text(header + "\n".join(rows) + "\n")
    one = commit.import_report(store, validate_file(first, "sites", countries))
    assert (one.written, one.skipped_existing) == (2, 0)
    later = validate_file(second, "sites", countries)
    assert later.accepted_count == 3
    two = commit.import_report(store, later)
    assert (two.written, two.skipped_existing) == (1, 2) and two.batch is not None
    assert batches.get_batch(store, two.batch)["skipped_existing"] == 2
    assert sorted(store.read("sites")["submission_id"]) == ["uuid-1", "uuid-2", "uuid-3"]
    batches.undo(store, one.batch)  # undone: its records are no longer in the store
    again = commit.import_report(store, validate_file(first, "sites", countries))
    assert (again.written, again.skipped_existing) == (2, 0)


def test_an_export_of_only_known_records_writes_no_batch(store, countries, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("site_id;commodity;survey_date;_gps_latitude;_gps_longitude;_uuid\n"
                    "S-1;gold;2024-03-15;12.55;-12.18;uuid-1\n")
    assert commit.import_report(store, validate_file(path, "sites", countries)).written == 1
    copy = tmp_path / "export_copy.csv"
    copy.write_text(path.read_text() + "\n")  # another file (another sha256), the same record
    result = commit.import_report(store, validate_file(copy, "sites", countries))
    assert result == commit.ImportResult(None, 0, None, 1)
    assert len(batches.list_batches(store)) == 1
