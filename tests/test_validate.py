"""validate_file on the upload corpus: exit codes, counts, exact issues, canonical accepted values, originals kept."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import upload_fixtures as uf

from asmgeo.config import Limits
from asmgeo.errors import UnknownLayerError
from asmgeo.i18n import CATALOGUE
from asmgeo.ingest.issues import CODES, FEATURE_CODES, FILE_CODES, Issue
from asmgeo.ingest.readers import RawFeatures
from asmgeo.ingest.validate import Report, validate_features, validate_file
from asmgeo.schema import import_columns, layer_spec
from asmgeo.shipped.boundaries import load_countries

UPLOADS = uf.UPLOADS
TODAY = dt.date(2025, 6, 1)
SMALL = Limits(max_uncompressed_mb=5, max_archive_members=10)


@pytest.fixture(scope="module")
def countries() -> gpd.GeoDataFrame:
    return load_countries("full")


def _validate(path: Path, countries, layer: str = "sites", **kwargs) -> Report:
    return validate_file(path, layer, countries, today=TODAY, limits=kwargs.pop("limits", SMALL), **kwargs)


def _pairs(report: Report) -> set[tuple[int | None, str]]:
    return {(i.feature, i.code) for i in report.issues}


def _check_accounting(report: Report) -> None:
    """Every feature is accepted or rejected, once; the frames have the promised columns."""
    assert report.accepted_count + report.rejected_count == report.features
    both = set(report.accepted["_feature"]) | set(report.rejected["_feature"])
    assert both == set(range(report.features))
    assert not set(report.accepted["_feature"]) & set(report.rejected["_feature"])
    spec = layer_spec(report.layer)
    assert list(report.accepted.columns) == [*spec.field_names, *import_columns(report.layer), "_feature", "geometry"]
    assert report.accepted.crs == "EPSG:4326"
    assert {"_feature", "_reasons", "geometry"} <= set(report.rejected.columns)
    errors = {i.feature for i in report.issues if i.severity == "error" and i.feature is not None}
    assert errors == set(report.rejected["_feature"])
    assert all(report.rejected["_reasons"].str.len() > 0)
    if report.accepted_count:
        assert not shapely.has_z(report.accepted.geometry.values).any()
        assert report.accepted.geometry.notna().all()


GOOD_FILES = {
    "sites.geojson": 4, "single_feature.geojson": 1, "sites.ndjson": 3, "bom.geojson": 2, "crs_2008.geojson": 2,
    "sites_fr.geojson": 2, "sites_es.csv": 3, "kobo_sites.csv": 3, "odk_sites.csv": 2, "odk_central_sites.csv": 2,
    "sites.kml": 3,
}


@pytest.mark.parametrize("name, count", sorted(GOOD_FILES.items()))
def test_good_files_are_fully_accepted(countries, name, count):
    report = _validate(UPLOADS / name, countries)
    assert (report.exit_code, report.features, report.accepted_count, report.rejected_count) == (0, count, count, 0)
    assert report.issues == ()
    _check_accounting(report)


def test_latin1_is_accepted_with_one_file_warning(countries):
    report = _validate(UPLOADS / "latin1.geojson", countries)
    assert report.exit_code == 0 and _pairs(report) == {(None, "not_utf8")}
    assert report.accepted["name"][0] == "Médina Bafé"


def test_tailings_csv_with_wkt_and_french_values(countries):
    report = _validate(UPLOADS / "tailings.csv", countries, layer="tailings")
    assert report.exit_code == 0 and report.issues == ()
    row = report.accepted.iloc[1]
    assert (row["tailings_id"], row["status"], row["contains_mercury"], row["volume_m3"]) == (
        "T-002", "abandoned", "unknown", 300.5)
    assert list(report.accepted.geometry.geom_type) == ["Polygon", "Point"]
    _check_accounting(report)


def test_bad_values_every_check_on_its_feature(countries):
    report = _validate(UPLOADS / "bad_values.geojson", countries)
    assert report.exit_code == 1
    assert _pairs(report) == {
        (1, "women_exceed_workers"), (2, "not_an_integer"), (3, "future_date"), (4, "unknown_category"),
        (5, "duplicate_feature"), (6, "outside_countries"), (7, "wrong_country"), (8, "invalid_polygon"),
        (9, "z_dropped"), (10, "multi_to_single"), (11, "wrong_geometry_type"), (12, "missing_geometry"),
        (13, "missing_field"), (14, "not_a_date"), (15, "unknown_country"), (16, "near_border"),
        (17, "polygon_repaired"), (18, "coordinates_out_of_range"), (19, "unreadable_geometry"),
        (20, "malformed_feature"), (21, "negative_value"), (22, "wrong_geometry_type"), (23, "unknown_category"),
    }
    assert sorted(report.accepted["_feature"]) == [0, 9, 10, 16, 17, 24]
    assert (report.features, report.rejected_count) == (25, 19)
    _check_accounting(report)
    by_feature = {i.feature: i for i in report.issues}
    assert "12 workers" in by_feature[2].message and by_feature[2].field == "workers"
    assert "gold" in by_feature[4].message and "gould" in by_feature[4].message
    assert "#0" in by_feature[5].message
    assert "Mali" in by_feature[7].message and "Senegal" in by_feature[7].message
    assert by_feature[16].severity == "warning" and "Senegal" in by_feature[16].message
    assert {i.message.split('"')[1] for i in report.issues if i.feature == 23} == {"peut-être", "magic"}


def test_bad_values_kept_features_are_repaired_and_placed(countries):
    report = _validate(UPLOADS / "bad_values.geojson", countries)
    accepted = report.accepted.set_index("_feature")
    assert accepted.geometry[9].wkt == "POINT (-12.1 13.2)"  # Z dropped
    assert accepted.geometry[10].geom_type == "Point"  # one-point MultiPoint
    assert accepted.geometry[17].geom_type == "Polygon" and accepted.geometry[17].is_valid
    assert accepted.loc[16, "country"] == "SEN" and accepted.loc[0, "country"] == "SEN"
    assert set(accepted.loc[[0, 24], "survey_date"].dt.strftime("%Y-%m-%d")) == {"2024-03-15", "2024-09-01"}


def test_rejected_keep_original_properties_and_geometry(countries):
    report = _validate(UPLOADS / "bad_values.geojson", countries)
    rejected = report.rejected.set_index("_feature")
    assert rejected.loc[2, "workers"] == "12 workers"
    assert rejected.loc[4, "commodity"] == "gould"
    assert rejected.loc[14, "survey_date"] == "15/03/24"
    assert rejected.geometry[12] is None and rejected.geometry[19] is None
    assert rejected.geometry[8].geom_type == "Polygon" and not rejected.geometry[8].is_valid  # as read, not repaired
    assert "future" in rejected.loc[3, "_reasons"]


def test_same_site_on_another_date_is_a_visit_not_a_duplicate(countries):
    report = _validate(UPLOADS / "sites.geojson", countries)
    assert list(report.accepted["site_id"]).count("SEN-K-001") == 2


def test_canonical_values_from_french(countries):
    report = _validate(UPLOADS / "sites_fr.geojson", countries)
    first = report.accepted.iloc[0]
    assert (first["commodity"], first["mercury_use"], first["legal_status"], first["mining_method"]) == (
        "gold", "yes", "informal", "alluvial")
    assert first["practices"] == "whole_ore_amalgamation;open_burning"
    assert first["country"] == "SEN"  # "Sénégal" resolved to its ISO3 code
    assert report.accepted.iloc[1]["legal_status"] == "in_process" and report.accepted.iloc[1]["commodity"] == "diamond"
    assert report.accepted["workers"].tolist() == [60, 25]


def test_canonical_values_from_spanish(countries):
    report = _validate(UPLOADS / "sites_es.csv", countries)
    accepted = report.accepted
    assert accepted["commodity"].tolist() == ["gold", "gold", "construction_materials"]
    assert accepted["mercury_use"].tolist() == ["yes", "no", "unknown"]
    assert accepted["legal_status"].tolist() == ["informal", "in_process", "licensed"]
    assert accepted["practices"].tolist()[:2] == ["concentrate_amalgamation;retort", "gravity_concentration"]
    assert accepted["country"].tolist() == ["ECU", "ECU", "ECU"]  # the third derived from its location


def test_kobo_values_and_select_multiple(countries):
    report = _validate(UPLOADS / "kobo_sites.csv", countries)
    assert report.accepted["practices"].tolist() == [
        "whole_ore_amalgamation;open_burning", "gravity_concentration", "gravity_concentration;retort"]
    assert report.accepted["mercury_use"].tolist() == ["yes", "no", "yes"]
    assert report.accepted["survey_date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-15", "2024-03-16", "2024-03-17"]


def test_2008_crs_is_reprojected_to_lonlat(countries):
    report = _validate(UPLOADS / "crs_2008.geojson", countries)
    xy = [(round(g.x, 4), round(g.y, 4)) for g in report.accepted.geometry]
    assert xy == [(-12.18, 12.55), (-12.1, 13.2)]


def test_projected_coordinates_without_crs(countries):
    report = _validate(UPLOADS / "projected_no_crs.geojson", countries)
    assert report.exit_code == 1 and _pairs(report) == {(0, "projected_coordinates"), (1, "projected_coordinates")}


def test_swapped_coordinates(countries):
    report = _validate(UPLOADS / "swapped.geojson", countries)
    assert report.exit_code == 1 and _pairs(report) == {(1, "swapped_coordinates"), (2, "swapped_coordinates")}
    assert all("swap" in i.message for i in report.issues)


def test_a_point_off_the_coast_is_not_taken_for_a_swapped_one(countries):
    """(-18.5, 14) off Dakar swaps to (14, -18.5) in Namibia; with the file's sites in Senegal, it is just at sea."""
    report = _validate(UPLOADS / "bad_values.geojson", countries)
    assert (6, "outside_countries") in _pairs(report) and (6, "swapped_coordinates") not in _pairs(report)


def test_wkt_csv(countries):
    report = _validate(UPLOADS / "wkt_sites.csv", countries)
    assert _pairs(report) == {(1, "coordinates_not_finite"), (2, "unreadable_geometry"), (3, "z_dropped"),
                              (4, "missing_geometry")}
    assert sorted(report.accepted["_feature"]) == [0, 3]


def test_bad_coordinates_csv(countries):
    report = _validate(UPLOADS / "bad_coordinates.csv", countries)
    assert _pairs(report) == {(1, "unreadable_geometry"), (2, "unreadable_geometry"), (3, "missing_geometry"),
                              (4, "unreadable_geometry")}
    assert report.rejected.set_index("_feature").loc[1, "lon"] == "abc"


def test_geology_units_layer(countries, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("code_unite,lithologie,wkt\n"
                    "U1,greenstone_belt,\"POLYGON ((-12.3 12.6, -12.1 12.6, -12.1 12.8, -12.3 12.8, -12.3 12.6))\"\n"
                    "U2,granite_gneiss,POINT (-12.2 12.7)\n")
    report = _validate(path, countries, layer="geology_units")
    assert _pairs(report) == {(1, "wrong_geometry_type")}
    assert report.accepted[["unit_id", "lithology", "country"]].values.tolist() == [["U1", "greenstone_belt", "SEN"]]


@pytest.mark.parametrize("lang, allowed", [("en", "Point, Polygon, or MultiPolygon"), ("fr", "Point, Polygon ou MultiPolygon"),
                                           ("es", "Point, Polygon o MultiPolygon")])
def test_a_wrong_geometry_type_names_the_types_the_layer_takes_as_alternatives_in_the_language(countries, tmp_path,
                                                                                                lang, allowed):
    path = tmp_path / "tracks.csv"
    path.write_text("site_id,commodity,survey_date,wkt\nS1,gold,2024-03-01,\"LINESTRING (-12.3 12.6, -12.1 12.7)\"\n")
    report = _validate(path, countries, lang=lang)
    [issue] = [i for i in report.issues if i.code == "wrong_geometry_type"]
    assert allowed in issue.message and "LineString" in issue.message


def test_mercury_layer(countries):
    report = _validate(UPLOADS / "mercury.geojson", countries, layer="mercury")
    assert _pairs(report) == {(1, "negative_value"), (2, "wrong_geometry_type"), (3, "not_a_number")}
    row = report.accepted.iloc[0]
    assert (row["amalgamation"], row["retort"], row["burning"], row["hg_kg_per_year"]) == ("whole_ore", "no", "open", 3.5)
    _check_accounting(report)


@pytest.mark.parametrize("name, code", [
    ("empty.geojson", "empty_file"), ("not_geo.csv", "not_geographic"), ("xxe.kml", "xml_doctype"),
])
def test_file_level_problems_are_a_report_not_an_exception(countries, name, code):
    report = _validate(UPLOADS / name, countries)
    assert (report.exit_code, report.features, report.accepted_count, report.rejected_count) == (2, 0, 0, 0)
    assert [(i.feature, i.severity, i.code) for i in report.issues] == [(None, "error", code)]
    assert report.to_json()["issues"][0]["feature"] is None


@pytest.mark.parametrize("writer, code", [
    (uf.write_zip_slip, "archive_unsafe_path"), (uf.write_symlink_zip, "archive_symlink"),
    (uf.write_zip_bomb, "archive_too_large"), (uf.write_many_members, "archive_too_many_members"),
    (uf.write_xxe_kmz, "xml_doctype"), (uf.write_no_data_zip, "archive_no_data"),
])
def test_unsafe_archives_are_file_level_errors(countries, tmp_path, writer, code):
    report = _validate(writer(tmp_path), countries)
    assert report.exit_code == 2 and [i.code for i in report.issues] == [code]


@pytest.mark.parametrize("writer, count", [
    (uf.write_gpkg, 3), (uf.write_shapefile_zip, 2), (uf.write_kmz, 3), (uf.write_table_gpkg, 2),
])
def test_binary_forms_are_accepted(countries, tmp_path, writer, count):
    report = _validate(writer(tmp_path), countries)
    assert (report.exit_code, report.accepted_count, report.issues) == (0, count, ())
    _check_accounting(report)


def test_shapefile_in_utm_is_reprojected(countries, tmp_path):
    report = _validate(uf.write_shapefile_zip(tmp_path), countries)
    assert [(round(g.x, 4), round(g.y, 4)) for g in report.accepted.geometry] == [(-12.18, 12.55), (-12.1, 13.2)]
    assert report.accepted["survey_date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-15", "2024-03-16"]


@pytest.mark.parametrize("writer", [uf.write_3d_geojson, uf.write_3d_gpkg])
def test_3d_points_come_in_as_lonlat_with_z_dropped_and_warned(countries, tmp_path, writer):
    report = _validate(writer(tmp_path), countries)
    assert report.exit_code == 0
    assert [(i.feature, i.severity, i.code) for i in report.issues] == [(0, "warning", "z_dropped"), (1, "warning", "z_dropped")]
    assert [g.wkt for g in report.accepted.geometry] == ["POINT (-12.18 12.55)", "POINT (-12.1 13.2)"]
    assert report.accepted["country"].tolist() == ["SEN", "SEN"]


def test_m_values_are_dropped_and_warned(countries):
    frame = gpd.GeoDataFrame({"site_id": ["M-1"], "commodity": ["gold"], "survey_date": ["2024-03-15"]},
                             geometry=shapely.from_wkt(["POINT M (-12.18 12.55 7)"]), crs="EPSG:4326")
    report = validate_features(RawFeatures(frame, "test"), "sites", countries, today=TODAY)
    assert _pairs(report) == {(0, "m_dropped")} and report.accepted.geometry[0].wkt == "POINT (-12.18 12.55)"


def test_duplicate_is_judged_against_clean_rows_only(countries):
    frame = gpd.GeoDataFrame({"site_id": ["D-1", "D-1", "D-1"], "commodity": ["gould", "gold", "gold"],
                              "survey_date": ["2024-03-15"] * 3},
                             geometry=shapely.points([-12.18] * 3, [12.55] * 3), crs="EPSG:4326")
    report = validate_features(RawFeatures(frame, "test"), "sites", countries, today=TODAY)
    assert _pairs(report) == {(0, "unknown_category"), (2, "duplicate_feature")}
    assert "#1" in [i for i in report.issues if i.feature == 2][0].message


def test_json_values_of_any_type_never_crash(countries, tmp_path):
    path = tmp_path / "nested.geojson"
    path.write_text(json.dumps({"type": "Feature", "geometry": {"type": "Point", "coordinates": [-12.18, 12.55]},
                                "properties": {"site_id": 17, "commodity": ["gold"], "survey_date": 20240315,
                                               "workers": True, "women": 1e400, "practices": ["retort", "open_burning"],
                                               "mercury_use": False}}))
    report = _validate(path, countries)
    assert _pairs(report) == {(0, "not_a_date"), (0, "not_an_integer")}
    assert {i.field for i in report.issues} == {"survey_date", "workers", "women"}
    rejected = report.rejected.iloc[0]
    assert rejected["practices"] == ["retort", "open_burning"] or list(rejected["practices"]) == ["retort", "open_burning"]


def test_practices_as_a_json_array_are_accepted(countries, tmp_path):
    path = tmp_path / "list.geojson"
    path.write_text(json.dumps({"type": "Feature", "geometry": {"type": "Point", "coordinates": [-12.18, 12.55]},
                                "properties": {"site_id": 17, "commodity": "Or", "survey_date": "2024-03-15",
                                               "practices": ["cornue", "gravity"], "mercury_use": False}}))
    accepted = _validate(path, countries).accepted.iloc[0]
    assert (accepted["site_id"], accepted["commodity"], accepted["practices"], accepted["mercury_use"]) == (
        "17", "gold", "retort;gravity_concentration", "no")


def test_file_level_column_warnings(countries, tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("site,site_id,commodity,village,lon,lat\nA,A,gold,X,-12.18,12.55\n")
    report = _validate(path, countries)
    # survey_date has no column: one file-level error that rejects the feature, not one missing_field per feature
    assert _pairs(report) == {(None, "duplicate_column"), (None, "missing_column"), (None, "unused_columns")}
    missing = next(i for i in report.issues if i.code == "missing_column")
    assert (missing.severity, missing.count, missing.field) == ("error", 1, "survey_date")
    assert report.exit_code == 1 and report.rejected_count == 1  # it rejects features, it does not stop the file


def test_progress_runs_from_0_to_1(countries):
    seen: list[float] = []
    _validate(UPLOADS / "sites.geojson", countries, progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen) and len(seen) >= 4


def test_sha256_of_the_bytes(countries):
    import hashlib

    path = UPLOADS / "sites.geojson"
    assert _validate(path, countries).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert _validate(path.with_name("nope.geojson"), countries).sha256 == ""


def test_too_large_is_refused_before_reading(countries):
    report = _validate(UPLOADS / "bad_values.geojson", countries, limits=Limits(max_upload_mb=0.001))
    assert [i.code for i in report.issues] == ["file_too_large"] and report.sha256 == ""


def test_env_limit_is_used(countries, monkeypatch):
    monkeypatch.setenv("ASMGEO_MAX_UPLOAD_MB", "0.001")
    report = validate_file(UPLOADS / "bad_values.geojson", "sites", countries, today=TODAY)
    assert [i.code for i in report.issues] == ["file_too_large"]


def test_to_json_matches_design(countries):
    report = _validate(UPLOADS / "bad_values.geojson", countries)
    data = report.to_json(batch="b-1")
    assert list(data) == ["features", "accepted", "rejected", "issues", "batch"]
    assert (data["features"], data["accepted"], data["rejected"], data["batch"]) == (25, 6, 19, "b-1")
    for issue in data["issues"]:
        assert list(issue) == ["feature", "severity", "code", "message"]
        assert issue["feature"] is None or type(issue["feature"]) is int
        assert issue["severity"] in ("error", "warning") and issue["code"] in CODES and issue["message"]
    assert json.loads(json.dumps(data)) == data
    assert report.to_json()["batch"] is None


def test_today_defaults_to_the_current_date(countries):
    report = validate_file(UPLOADS / "sites.geojson", "sites", countries)
    assert report.exit_code == 0


def test_unknown_layer_and_bad_arguments_raise(countries):
    with pytest.raises(UnknownLayerError, match="'unicorns'"):
        validate_file(UPLOADS / "sites.geojson", "unicorns", countries)
    with pytest.raises(UnknownLayerError, match="'countries'"):
        validate_file(UPLOADS / "sites.geojson", "countries", countries)
    with pytest.raises(TypeError, match="countries"):
        validate_file(UPLOADS / "sites.geojson", "sites", pd.DataFrame())
    with pytest.raises(ValueError, match="iso3"):
        validate_file(UPLOADS / "sites.geojson", "sites", countries.drop(columns="iso3"))
    with pytest.raises(TypeError, match="path"):
        validate_file(42, "sites", countries)
    with pytest.raises(TypeError, match="today"):
        validate_features(RawFeatures(countries.iloc[:0], "x"), "sites", countries, today="2024-01-01")


def test_every_code_has_a_catalogue_message():
    assert set(FILE_CODES).isdisjoint(FEATURE_CODES)
    missing = [code for code in CODES if f"issue.{code}" not in CATALOGUE["en"]]
    assert missing == []


def test_issue_is_a_frozen_dataclass():
    issue = Issue(3, "error", "missing_field", "m", "site_id")
    with pytest.raises(AttributeError):
        issue.code = "x"  # type: ignore[misc]


def test_country_check_is_vectorised_for_many_points(countries):
    rng = np.random.default_rng(0)
    n = 20_000
    frame = gpd.GeoDataFrame({"site_id": [f"S{i}" for i in range(n)], "commodity": ["gold"] * n,
                              "survey_date": ["2024-03-15"] * n},
                             geometry=shapely.points(rng.uniform(-16, -12.5, n), rng.uniform(13, 15.5, n)), crs="EPSG:4326")
    report = validate_features(RawFeatures(frame, "test"), "sites", countries, today=TODAY)
    counts = report.accepted["country"].value_counts()
    assert counts.index[0] == "SEN" and report.accepted_count + report.rejected_count == n
