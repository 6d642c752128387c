"""Files as they come: several layers, multi-part footprints, the antimeridian, honest GeoJSON messages, and the CLI
options that map a file (validate/import --map, --set, --mapping …) run as a user would."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from asmgeo.errors import UploadFileError
from asmgeo.ingest.geomcheck import split_at_antimeridian
from asmgeo.ingest.mapping import Mapping
from asmgeo.ingest.readers import RawFeatures, list_source_layers, read_features
from asmgeo.ingest.validate import validate_features, validate_file
from asmgeo.shipped.boundaries import load_countries

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLES = Path(__file__).resolve().parent / "data" / "samples"
TODAY = dt.date(2025, 6, 1)
PIT = shapely.box(-12.2, 12.6, -12.19, 12.61)
OTHER_PIT = shapely.box(-12.18, 12.6, -12.17, 12.61)


@pytest.fixture(scope="module")
def countries() -> gpd.GeoDataFrame:
    return load_countries("full")


def _refused(path: Path, code: str, **kwargs) -> str:
    with pytest.raises(UploadFileError) as caught:
        read_features(path, **kwargs)
    assert caught.value.code == code
    return str(caught.value)


# --- several layers -----------------------------------------------------------------------------------------


def _qfield_gpkg(folder: Path) -> Path:
    """A QField-like GeoPackage: two spatial layers and an attribute table."""
    path = folder / "qfield.gpkg"
    sites = gpd.GeoDataFrame({"point_id": ["Q-1", "Q-2"]}, geometry=[PIT, OTHER_PIT], crs="EPSG:4326")
    sites.to_file(path, layer="footprints", driver="GPKG")
    gpd.GeoDataFrame({"note": ["x"]}, geometry=[shapely.Point(-12.2, 12.6)], crs="EPSG:4326").to_file(
        path, layer="photos", driver="GPKG")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pyogrio.write_dataframe(pd.DataFrame({"key": ["a"]}), path, layer="lookup", driver="GPKG")
    return path


def test_a_geopackage_with_several_layers_lists_them_and_source_layer_picks_one(tmp_path):
    path = _qfield_gpkg(tmp_path)
    text = _refused(path, "several_layers", layer="sites")
    assert "footprints, photos, lookup" in text and "--source-layer" in text
    raw = read_features(path, "sites", source_layer="Footprints")
    assert raw.frame["point_id"].tolist() == ["Q-1", "Q-2"]
    text = _refused(path, "unknown_source_layer", source_layer="pits")
    assert "pits" in text and "footprints, photos, lookup" in text
    assert list_source_layers(path) == ["footprints", "photos", "lookup"]


def test_the_only_spatial_layer_is_read_beside_attribute_tables(tmp_path):
    path = tmp_path / "one.gpkg"
    gpd.GeoDataFrame({"point_id": ["Q-1"]}, geometry=[PIT], crs="EPSG:4326").to_file(path, layer="pits", driver="GPKG")
    pyogrio.write_dataframe(pd.DataFrame({"key": ["a"]}), path, layer="lookup", driver="GPKG")
    assert read_features(path, "sites").frame["point_id"].tolist() == ["Q-1"]


def test_a_kml_folder_is_read_alone_when_named():
    path = SAMPLES / "googleearth_sample.kml"
    assert len(read_features(path).frame) == 21  # every folder, as before
    campus = read_features(path, source_layer="Google Campus").frame
    assert len(campus) == 4 and set(campus.geom_type) == {"Polygon"}
    assert "Paths" in _refused(path, "unknown_source_layer", source_layer="Roads")


def test_the_google_earth_sample_maps_to_sites(countries):
    mapping = Mapping.from_cli("sites", maps=["site_id=Name"], sets=["commodity=gold", "survey_date=2008"],
                               source_layer="Google Campus")
    report = validate_file(SAMPLES / "googleearth_sample.kml", "sites", countries, today=TODAY, mapping=mapping)
    assert (report.features, report.accepted_count) == (4, 4)
    assert report.accepted["site_id"].tolist() == ["Building 40", "Building 41", "Building 42", "Building 43"]
    assert set(report.accepted["country"]) == {"USA"}


def test_a_zip_with_shapefiles_in_subfolders_takes_source_layer(tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    frame = gpd.GeoDataFrame({"site_id": ["Z-1"], "commodity": ["gold"], "survey_date": ["2024-03-15"]},
                             geometry=[shapely.Point(-12.18, 12.55)], crs="EPSG:4326")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "survey_date" becomes "survey_dat", as in real exports
        for name in ("footprints", "points"):
            frame.to_file(folder / f"{name}.shp", driver="ESRI Shapefile", engine="pyogrio")
    path = tmp_path / "detections.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for part in sorted(folder.iterdir()):
            archive.write(part, f"data/{part.stem}/{part.name}")
    assert "footprints" in _refused(path, "several_layers", layer="sites")
    raw = read_features(path, "sites", source_layer="points")
    assert raw.frame["site_id"].tolist() == ["Z-1"]
    assert read_features(path, "sites", source_layer="data/footprints/footprints.shp").frame["site_id"].tolist() == ["Z-1"]


# --- multi-part footprints and the antimeridian ----------------------------------------------------------------


@pytest.mark.parametrize("layer, fields", [
    ("sites", {"site_id": ["M-1"], "commodity": ["gold"], "survey_date": ["2024-03-15"]}),
    ("tailings", {"tailings_id": ["T-1"], "status": ["active"], "survey_date": ["2024-03-15"]}),
])
def test_multipolygon_footprints_are_accepted(countries, layer, fields):
    frame = gpd.GeoDataFrame(fields, geometry=[shapely.MultiPolygon([PIT, OTHER_PIT])], crs="EPSG:4326")
    report = validate_features(RawFeatures(frame, "test"), layer, countries, today=TODAY)
    assert (report.exit_code, report.issues) == (0, ())
    assert report.accepted.geometry.iloc[0].geom_type == "MultiPolygon"


def test_a_kml_placemark_with_several_polygons_is_one_footprint(countries, tmp_path):
    path = tmp_path / "pits.kml"
    ring = "<Polygon><outerBoundaryIs><LinearRing><coordinates>{}</coordinates></LinearRing></outerBoundaryIs></Polygon>"
    coords = [" ".join(f"{x},{y}" for x, y in p.exterior.coords) for p in (PIT, OTHER_PIT)]
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
                    "<Placemark><name>Two pits</name><MultiGeometry>" + "".join(ring.format(c) for c in coords)
                    + "</MultiGeometry></Placemark></Document></kml>", encoding="utf-8")
    mapping = Mapping.from_cli("sites", generate_ids=True, sets=["commodity=gold", "survey_date=2024-02"])
    report = validate_file(path, "sites", countries, today=TODAY, mapping=mapping)
    assert report.exit_code == 0 and report.accepted.geometry.iloc[0].geom_type == "MultiPolygon"
    assert report.accepted["name"].tolist() == ["Two pits"] and report.accepted["site_id"][0].startswith("G-")


def test_a_multipolygon_with_overlapping_parts_is_repaired(countries):
    overlapping = shapely.MultiPolygon([PIT, shapely.box(-12.195, 12.6, -12.185, 12.61)])
    frame = gpd.GeoDataFrame({"site_id": ["O-1"], "commodity": ["gold"], "survey_date": ["2024"]},
                             geometry=[overlapping], crs="EPSG:4326")
    report = validate_features(RawFeatures(frame, "test"), "sites", countries, today=TODAY)
    assert {(i.feature, i.code) for i in report.issues} == {(0, "polygon_repaired")}
    assert report.accepted.geometry.iloc[0].is_valid


@pytest.mark.parametrize("ring", [
    [(179.95, -16.2), (-179.95, -16.2), (-179.95, -16.15), (179.95, -16.15)],  # a jump from 180 to -180
    [(179.95, -16.2), (180.05, -16.2), (180.05, -16.15), (179.95, -16.15)],  # longitudes past 180
    [(-180.05, -16.2), (-179.95, -16.2), (-179.95, -16.15), (-180.05, -16.15)],  # past -180
])
def test_a_polygon_across_the_antimeridian_is_split_and_placed_where_it_is(countries, ring):
    frame = gpd.GeoDataFrame({"site_id": ["F-1"], "commodity": ["gold"], "survey_date": ["2024"]},
                             geometry=[shapely.Polygon(ring)], crs="EPSG:4326")
    report = validate_features(RawFeatures(frame, "test"), "sites", countries, today=TODAY)
    found = {(i.feature, i.severity, i.code) for i in report.issues}
    assert (0, "warning", "antimeridian_split") in found and found <= {(0, "warning", "antimeridian_split"),
                                                                     (0, "warning", "near_border")}
    footprint = report.accepted.geometry.iloc[0]
    assert footprint.geom_type == "MultiPolygon" and len(footprint.geoms) == 2
    assert footprint.bounds[0] == -180 and footprint.bounds[2] == 180
    assert abs(sum(abs(p.area) for p in footprint.geoms) - 0.1 * 0.05) < 1e-9
    assert report.accepted["country"].tolist() == ["FJI"]


def test_what_does_not_cross_is_left_alone():
    assert split_at_antimeridian(PIT) is None
    assert split_at_antimeridian(shapely.box(181, 1, 182, 2)) is None  # wholly past 180: not ours to guess
    jump = shapely.Polygon([(-170, 0), (170, 0), (170, 1), (-170, 1)])  # a step of 340°: the short way, 20° wide
    assert sorted(p.bounds for p in split_at_antimeridian(jump).geoms) == [(-180, 0, -170, 1), (170, 0, 180, 1)]


# --- GeoJSON messages say what is true ---------------------------------------------------------------------------


def test_a_type_in_the_wrong_case_is_named_with_its_right_spelling():
    text = _refused(SAMPLES / "featurecollection-type-case.geojson", "unreadable_file")
    assert "type 'featurecollection' should be written FeatureCollection" in text
    assert "not FeatureCollection" not in text


def test_a_feature_collection_without_features_is_said_so():
    text = _refused(SAMPLES / "invalid_featurecollection_no_features_member.geojson", "unreadable_file")
    assert "FeatureCollection" in text and "features member" in text and "its type is" not in text


def test_a_feature_in_the_wrong_case_is_one_malformed_entry(tmp_path):
    path = tmp_path / "case.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "feature", "geometry": {"type": "Point", "coordinates": [-12.18, 12.55]}, "properties": {}}]}))
    raw = read_features(path)
    assert [(i.feature, i.code) for i in raw.issues] == [(0, "malformed_feature")]
    assert "type 'feature' should be written Feature" in raw.issues[0].message


# --- the command line ------------------------------------------------------------------------------------------


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASMGEO_")}
    env.update(ASMGEO_STORE=str(tmp_path / "store" / "s.gpkg"), ASMGEO_RASTER_DIR=str(tmp_path / "rasters"))
    result = subprocess.run([sys.executable, "-m", "asmgeo", *args], cwd=REPO_ROOT, env=env, capture_output=True,
                            text=True, timeout=300, check=False)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr
    return result


def test_cli_reports_a_missing_field_once_then_takes_a_mapping_and_saves_it(tmp_path):
    csv_path = SAMPLES / "airstrips_excerpt.csv"
    first = _run(tmp_path, "validate", str(csv_path), "--layer", "sites", "--format", "json")
    assert first.returncode == 1
    data = json.loads(first.stdout)
    assert (data["features"], data["accepted"], data["rejected"]) == (20, 0, 20)
    counted = [(i["code"], i["count"]) for i in data["issues"] if "count" in i]
    assert counted == [("missing_column", 20)] * 3 and len(data["issues"]) == 4
    saved = tmp_path / "airstrips.json"
    second = _run(tmp_path, "validate", str(csv_path), "--layer", "sites", "--map", "site_id=Airstrip ID",
                  "--set", "commodity=gold", "--set", "survey_date=2022", "--value", "legal_status:garimpo=illegal",
                  "--save-mapping", str(saved))
    assert second.returncode == 0, second.stdout + second.stderr
    assert "20 features, 20 accepted, 0 rejected" in second.stdout and str(saved) in second.stderr
    kept = json.loads(saved.read_text(encoding="utf-8"))
    assert kept["columns"] == {"site_id": ["Airstrip ID"]} and kept["constants"]["survey_date"] == "2022"
    again = _run(tmp_path, "validate", str(csv_path), "--layer", "sites", "--mapping", str(saved), "--format", "json")
    assert again.returncode == 0 and json.loads(again.stdout)["accepted"] == 20
    assert not (tmp_path / "store").exists()


@pytest.mark.parametrize("args, named", [
    (("--map", "site_id"), "--map"),
    (("--set", "commodity=gould"), "gould"),
    (("--mapping", "kobo_form_v3"), "kobo_form_v3"),
    (("--mapping", "missing.json"), "missing.json"),
])
def test_cli_mapping_mistakes_are_one_sentence_exit_2(tmp_path, args, named):
    result = _run(tmp_path, "validate", str(SAMPLES / "airstrips_excerpt.csv"), "--layer", "sites", *args)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2 and result.stdout == "" and len(lines) == 1
    assert lines[0].startswith("Error: ") and named in lines[0]


def test_cli_help_lists_the_mapping_options_in_french(tmp_path):
    result = _run(tmp_path, "validate", "--help", "--lang", "fr")
    assert result.returncode == 0
    for option in ("--map", "--set", "--value", "--generate-ids", "--mapping", "--save-mapping", "--source-layer",
                   "--date-format", "--dedupe-by"):
        assert option in result.stdout
    assert "%d/%m/%Y" in result.stdout and "répétable" in result.stdout
    assert "--licence" in _run(tmp_path, "import", "--help", "--lang", "es").stdout
