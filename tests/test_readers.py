"""Reading uploads: every input form, every feature kept in file order, file-level refusals with their code."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import kobo_xlsx
import pytest
import shapely
import upload_fixtures as uf

from asmgeo.config import Limits
from asmgeo.errors import UploadFileError
from asmgeo.ingest import archives, readers
from asmgeo.ingest.fieldmap import map_columns, name_candidates
from asmgeo.ingest.readers import read_features
from asmgeo.ingest.tabular import find_coordinate_columns
from asmgeo.schema import alias_key, field_alias_index, value_alias_index

UPLOADS = uf.UPLOADS
SMALL = Limits(max_uncompressed_mb=5, max_archive_members=10)


def _xy(frame) -> list[tuple[float, float]]:
    return [(round(g.x, 4), round(g.y, 4)) for g in frame.geometry]


def _refused(path: Path, code: str, limits: Limits = SMALL, layer: str = "sites") -> str:
    with pytest.raises(UploadFileError) as caught:
        read_features(path, layer, limits)
    assert caught.value.code == code, str(caught.value)
    text = str(caught.value)
    assert text.endswith(".") and "\n" not in text and "Traceback" not in text
    return text


@pytest.fixture(autouse=True)
def _private_tempdir(tmp_path, monkeypatch):
    """Archives unpack under tmp_path/tmp, so the tests can see that nothing is left behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield
    assert list(folder.iterdir()) == []


# --- GeoJSON ---------------------------------------------------------------------------------------------

def test_feature_collection_keeps_properties_as_written():
    raw = read_features(UPLOADS / "sites.geojson")
    assert raw.driver == "GeoJSON" and len(raw.frame) == 4 and raw.issues == ()
    assert raw.frame.crs == "EPSG:4326"
    assert list(raw.frame["site_id"]) == ["SEN-K-001", "SEN-K-001", "SEN-K-002", "SEN-K-003"]
    assert list(raw.frame.geometry.geom_type) == ["Point", "Point", "Point", "Polygon"]


def test_single_feature_and_bare_geometry(tmp_path):
    raw = read_features(UPLOADS / "single_feature.geojson")
    assert len(raw.frame) == 1 and raw.frame["site_id"][0] == "SEN-K-002"
    bare = tmp_path / "bare.geojson"
    bare.write_text(json.dumps({"type": "Point", "coordinates": [-12.18, 12.55]}))
    raw = read_features(bare)
    assert len(raw.frame) == 1 and _xy(raw.frame) == [(-12.18, 12.55)]


def test_geojson_sequence_with_blank_lines_and_record_separators():
    raw = read_features(UPLOADS / "sites.ndjson")
    assert raw.driver == "GeoJSONSeq" and len(raw.frame) == 3
    assert list(raw.frame["survey_date"]) == ["2024-03-15", "2024-09-02", "2024-03-16"]


def test_sequence_line_that_is_not_json_keeps_its_row(tmp_path):
    path = tmp_path / "broken.geojsonl"
    good = json.dumps({"type": "Feature", "geometry": {"type": "Point", "coordinates": [-12.18, 12.55]},
                       "properties": {"site_id": "A"}})
    path.write_text(f"{good}\n{{not json\n{good}\n")
    raw = read_features(path)
    assert len(raw.frame) == 3
    assert [(i.feature, i.code) for i in raw.issues] == [(1, "malformed_feature")]
    assert "line 2" in raw.issues[0].message


def test_entries_that_are_not_features_and_unreadable_geometries_stay_rows():
    raw = read_features(UPLOADS / "bad_values.geojson")
    assert len(raw.frame) == 25
    assert [(i.feature, i.code) for i in raw.issues] == [(19, "unreadable_geometry"), (20, "malformed_feature")]
    assert raw.frame.geometry[19] is None and raw.frame.geometry[12] is None


def test_bom_is_fine():
    raw = read_features(UPLOADS / "bom.geojson")
    assert len(raw.frame) == 2 and raw.issues == ()


def test_latin1_is_read_with_a_warning():
    raw = read_features(UPLOADS / "latin1.geojson")
    assert raw.frame["name"][0] == "Médina Bafé"
    assert [(i.feature, i.severity, i.code) for i in raw.issues] == [(None, "warning", "not_utf8")]


def test_2008_crs_member_is_kept_for_reprojection():
    raw = read_features(UPLOADS / "crs_2008.geojson")
    assert raw.frame.crs.to_epsg() == 32628
    assert raw.frame.geometry[0].x > 100_000


def test_3d_geojson_keeps_z_until_validation(tmp_path):
    raw = read_features(uf.write_3d_geojson(tmp_path))
    assert shapely.has_z(raw.frame.geometry.values).all()


def test_a_property_called_geometry_is_renamed(tmp_path):
    path = tmp_path / "g.geojson"
    path.write_text(json.dumps({"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]},
                                "properties": {"geometry": "x", "_feature": 9}}))
    raw = read_features(path)
    assert {"geometry_1", "_feature_1"} <= set(raw.frame.columns)


# --- CSV and KoboToolbox / ODK --------------------------------------------------------------------------

def test_kobo_export_geopoint_latitude_first_and_geolocation_fallback():
    raw = read_features(UPLOADS / "kobo_sites.csv")
    assert raw.driver == "CSV" and len(raw.frame) == 3
    assert _xy(raw.frame) == [(-12.18, 12.55), (-12.1, 13.2), (-12.35, 13.05)]
    assert {"site_info/gps", "_geolocation"} <= set(raw.geometry_columns)


def test_kobo_xlsx_first_sheet_read_like_the_csv_export(tmp_path):
    raw = read_features(kobo_xlsx.write_kobo_xlsx(tmp_path))
    csv = read_features(UPLOADS / "kobo_sites.csv")
    assert raw.driver == "XLSX" and raw.issues == () and raw.frame.crs is None
    assert len(raw.frame) == 3 and "SEN-KB-999" not in set(raw.frame["site_info/site_id"])  # not the repeat sheet
    assert list(raw.frame.columns) == list(csv.frame.columns)  # the styled empty column is left out
    assert _xy(raw.frame) == _xy(csv.frame) == [(-12.18, 12.55), (-12.1, 13.2), (-12.35, 13.05)]
    assert set(raw.geometry_columns) == set(csv.geometry_columns)
    first = raw.frame.iloc[0]
    assert first["travail/nb_travailleurs"] == "120" and first["_id"] == "1001"  # typed numbers, no ".0"
    assert first["site_info/date_visite"] == "2024-03-15" and first["_submission_time"] == "2024-03-15 10:02:11"
    assert first["_gps_altitude"] == "152" and first["_gps_precision"] == "4.5"
    assert raw.frame.loc[1, "site_info/gps"] == "" and raw.frame.loc[1, "_geolocation"] == "[13.2, -12.1]"
    assert raw.frame.drop(columns="geometry").map(lambda cell: isinstance(cell, str)).all().all()


def test_xlsx_cells_become_csv_like_text(tmp_path):
    path = kobo_xlsx.write_xlsx(tmp_path, "cells.xlsx", [
        ["site_id", "lon", "lat", "when", "flag", "workers"],
        ["A", -12.18, 12.55, dt.datetime(2024, 3, 15, 9, 30), True, 12.0],
        ["B", "-12,2", "12,6", dt.date(2024, 3, 16), None, 7.25],
    ])
    raw = read_features(path)
    assert raw.frame[["site_id", "when", "flag", "workers"]].values.tolist() == [
        ["A", "2024-03-15 09:30:00", "true", "12"], ["B", "2024-03-16", "", "7.25"]]
    assert _xy(raw.frame) == [(-12.18, 12.55), (-12.2, 12.6)]


def test_xlsx_without_rows_or_coordinates_is_refused(tmp_path):
    _refused(kobo_xlsx.write_xlsx(tmp_path, "header.xlsx", [["site_id", "lon", "lat"]]), "empty_file")
    _refused(kobo_xlsx.write_xlsx(tmp_path, "blank.xlsx", []), "empty_file")
    _refused(kobo_xlsx.write_xlsx(tmp_path, "plain.xlsx", [["site_id", "note"], ["A", "x"]]), "not_geographic")


def test_xlsx_with_an_entity_declaration_is_refused_before_parsing(tmp_path, monkeypatch):
    book = kobo_xlsx.write_kobo_xlsx(tmp_path)
    evil = kobo_xlsx.with_member(book, tmp_path / "evil.xlsx", "xl/worksheets/sheet1.xml", lambda data:
                                 b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + data)
    import openpyxl
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("openpyxl parsed the workbook"))
    _refused(evil, "xml_doctype")
    padded = kobo_xlsx.with_member(book, tmp_path / "padded.xlsx", "xl/workbook.xml", lambda data:
                                   b"<!-- " + b"x" * 3_000_000 + b" --><!DOCTYPE workbook>" + data)
    _refused(padded, "xml_doctype")  # past the first chunk


def test_xlsx_that_unpacks_past_the_limit_is_refused(tmp_path):
    rows = [["site_id", "lon", "lat", "note"]] + [[f"S{i}", -12.18, 12.55, "x" * 2000] for i in range(3000)]
    path = kobo_xlsx.write_xlsx(tmp_path, "big.xlsx", rows)
    assert path.stat().st_size < 1024 * 1024
    _refused(path, "archive_too_large", Limits(max_uncompressed_mb=5))


def test_odk_split_latitude_longitude_columns():
    raw = read_features(UPLOADS / "odk_sites.csv")
    assert _xy(raw.frame) == [(-12.18, 12.55), (-12.1, 13.2)]
    assert set(raw.geometry_columns) == {"_location_longitude", "_location_latitude"}


def test_odk_central_grouped_latitude_longitude():
    raw = read_features(UPLOADS / "odk_central_sites.csv")
    assert _xy(raw.frame) == [(-12.18, 12.55), (-12.35, 13.05)]


def test_spanish_csv_semicolons_and_decimal_commas():
    raw = read_features(UPLOADS / "sites_es.csv")
    assert _xy(raw.frame) == [(-79.73, -3.06), (-79.61, -3.69), (-78.78, -4.03)]
    assert raw.frame["país"].tolist() == ["ECU", "Ecuador", ""]


def test_wkt_column():
    raw = read_features(UPLOADS / "wkt_sites.csv")
    assert raw.frame.geometry[0].geom_type == "Polygon"
    assert [(i.feature, i.code) for i in raw.issues] == [(2, "unreadable_geometry")]


def test_unreadable_coordinates_are_reported_with_their_text():
    raw = read_features(UPLOADS / "bad_coordinates.csv")
    assert [(i.feature, i.code) for i in raw.issues] == [(1, "unreadable_geometry"), (2, "unreadable_geometry"),
                                                         (4, "unreadable_geometry")]
    assert "12°10'W" in raw.issues[2].message
    assert raw.frame.geometry[3] is None


@pytest.mark.parametrize("header", [
    "lon,lat", "long,lat", "longitude,latitude", "x,y", "lng,lat", "longitud,latitud", "Longitude,Latitude",
    "LON,LAT", "grp/lon,grp/lat", "Longitude (WGS84),Latitude (WGS84)",
])
def test_coordinate_column_spellings(tmp_path, header):
    path = tmp_path / "c.csv"
    path.write_text(f"site_id,{header}\nA,-12.18,12.55\n")
    assert _xy(read_features(path).frame) == [(-12.18, 12.55)]


def test_geopoint_column_found_by_its_content(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("site_id,where_is_it\nA,12.55 -12.18 10 5\nB,\n")
    raw = read_features(path)
    assert _xy(raw.frame.iloc[:1]) == [(-12.18, 12.55)] and raw.frame.geometry[1] is None


def test_gpkg_attribute_table_gets_geometry_from_columns(tmp_path):
    raw = read_features(uf.write_table_gpkg(tmp_path))
    assert _xy(raw.frame) == [(-12.18, 12.55), (-12.1, 13.2)]


# --- GDAL formats and archives ----------------------------------------------------------------------------

def test_geopackage(tmp_path):
    raw = read_features(uf.write_gpkg(tmp_path))
    assert raw.driver == "GPKG" and len(raw.frame) == 3


def test_geopackage_with_several_layers_picks_the_named_one(tmp_path):
    assert len(read_features(uf.write_layers_gpkg(tmp_path, with_sites=True), "sites").frame) == 3
    text = _refused(uf.write_layers_gpkg(tmp_path, with_sites=False), "several_layers")
    assert "a, b" in text


def test_zipped_shapefile_with_prj_and_readme(tmp_path):
    raw = read_features(uf.write_shapefile_zip(tmp_path))
    assert raw.driver == "ESRI Shapefile" and len(raw.frame) == 2
    assert raw.frame.crs.to_epsg() == 32628
    assert "survey_dat" in raw.frame.columns


def test_bare_shp_without_its_parts_is_refused(tmp_path):
    path = tmp_path / "alone.shp"
    path.write_bytes(b"\x00\x00\x27\x0a" + b"\x00" * 96)
    _refused(path, "unsupported_format")


def test_kml_reads_every_folder_in_order():
    raw = read_features(UPLOADS / "sites.kml")
    assert len(raw.frame) == 3
    assert list(raw.frame["site_id"]) == ["SEN-KML-001", "SEN-KML-002", "SEN-KML-003"]
    assert list(raw.frame["Name"]) == ["Bantaco", "Sabodala east", "Tenkoto pit"]


def test_kmz(tmp_path):
    raw = read_features(uf.write_kmz(tmp_path))
    assert len(raw.frame) == 3


def test_zip_with_two_files_picks_the_one_named_like_the_layer(tmp_path):
    assert len(read_features(uf.write_two_files_zip(tmp_path, ("sites.geojson", "other.geojson")), "sites").frame) == 1
    _refused(uf.write_two_files_zip(tmp_path), "several_layers")


# --- file-level refusals ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, code", [
    ("xxe.kml", "xml_doctype"),
    ("empty.geojson", "empty_file"),
    ("not_geo.csv", "not_geographic"),
])
def test_committed_files_refused(name, code):
    _refused(UPLOADS / name, code)


@pytest.mark.parametrize("writer, code", [
    (uf.write_xxe_kmz, "xml_doctype"),
    (uf.write_zip_slip, "archive_unsafe_path"),
    (lambda folder: uf.write_zip_slip(folder, "/tmp/evil.geojson"), "archive_unsafe_path"),
    (lambda folder: uf.write_zip_slip(folder, "C:\\evil.geojson"), "archive_unsafe_path"),
    (uf.write_symlink_zip, "archive_symlink"),
    (uf.write_zip_bomb, "archive_too_large"),
    (uf.write_many_members, "archive_too_many_members"),
    (uf.write_no_data_zip, "archive_no_data"),
])
def test_archives_refused(tmp_path, writer, code):
    path = writer(tmp_path)
    _refused(path, code)
    assert not (tmp_path.parent / "evil.geojson").exists() and not Path("/tmp/evil.geojson").exists()


def test_zip_bomb_is_small_on_disk():
    with tempfile.TemporaryDirectory() as folder:
        path = uf.write_zip_bomb(Path(folder))
        assert path.stat().st_size < 200_000


def test_zip_that_lies_about_its_sizes_is_refused(tmp_path):
    path = uf.write_lying_zip(tmp_path)
    with pytest.raises(UploadFileError) as caught:
        read_features(path, "sites", SMALL)
    assert caught.value.code in {"archive_too_large", "unreadable_file"}


def test_actual_extraction_is_capped(tmp_path):
    import io

    sink = io.BytesIO()
    with pytest.raises(UploadFileError) as caught:
        archives.copy_capped(io.BytesIO(b"x" * 3_000_000), sink, 2_000_000, "bomb.zip", SMALL)
    assert caught.value.code == "archive_too_large" and sink.tell() <= 2_000_000


def test_member_path_rules():
    assert archives.unsafe_member_path("../x") and archives.unsafe_member_path("a/../../x")
    assert archives.unsafe_member_path("/etc/passwd") and archives.unsafe_member_path("C:/x")
    assert archives.unsafe_member_path("..\\x")
    assert not archives.unsafe_member_path("export/sites.shp") and not archives.unsafe_member_path("a..b.csv")


def test_size_is_checked_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.geojson"
    path.write_bytes(b"{" + b" " * 3000 + b"}")
    monkeypatch.setattr(readers, "_read_plain", lambda *a, **k: pytest.fail("the file was read"))
    text = _refused(path, "file_too_large", Limits(max_upload_mb=0.001))
    assert "0.001 MB" in text


@pytest.mark.parametrize("name, content, code", [
    ("empty.csv", b"", "empty_file"),
    ("blank.geojson", b"  \n\n", "empty_file"),
    ("header_only.csv", b"site_id,lon,lat\n", "empty_file"),
    ("random.gpkg", b"SQLite format 3\x00" + bytes(range(256)) * 8, "unreadable_file"),
    ("broken.geojson", b'{"type": "FeatureCollection", "features": [', "unreadable_file"),
    ("array.geojson", b"[1, 2, 3]", "unreadable_file"),
    ("other.json", b'{"name": "not geojson"}', "unreadable_file"),
    ("survey.xls", b"\xd0\xcf\x11\xe0 pretend old spreadsheet", "unsupported_format"),
    ("survey.ods", b"PK\x03\x04 pretend spreadsheet", "unsupported_format"),
    ("survey.xlsx", b"PK\x03\x04 pretend spreadsheet", "unreadable_file"),
    ("renamed.xlsx", b"site_id,lon,lat\nA,-12.18,12.55\n", "unreadable_file"),
    ("route.gpx", b"<?xml version='1.0'?><gpx></gpx>", "unsupported_format"),
    ("page.html", b"<html><body>hi</body></html>", "unsupported_format"),
    ("blob.bin", bytes(range(256)) * 4, "unsupported_format"),
    ("linked.geojson", b'{"type": "FeatureCollection", "crs": {"type": "link", "properties": {"href": "x"}}, "features": []}',
     "unknown_crs"),
    ("badcrs.geojson", b'{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:999999"}}, '
                       b'"features": []}', "unknown_crs"),
])
def test_unusable_files(tmp_path, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    _refused(path, code)


def test_csv_row_longer_than_the_header_is_refused_naming_its_line(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("site_id,lon,lat\nA,-12.18,12.55\n\"B,C\",1,2,3,4\n")
    assert "line 3 has 5 cells, but the header has 3" in _refused(path, "unreadable_file")


def test_csv_blank_and_repeated_header_cells(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("lon,lat,,lat\n-12.18,12.55,x,y\n")
    raw = read_features(path)
    assert list(raw.frame.columns) == ["lon", "lat", "column_3", "lat.1", "geometry"]
    assert _xy(raw.frame) == [(-12.18, 12.55)]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_doctype_hidden_in_utf16_without_bom_is_refused(tmp_path, encoding):
    path = tmp_path / "hidden.kml"
    path.write_bytes((UPLOADS / "xxe.kml").read_text().encode(encoding))
    _refused(path, "xml_doctype")


def test_kml_declaring_an_exotic_encoding_is_refused(tmp_path):
    path = tmp_path / "utf7.kml"
    path.write_bytes(b'<?xml version="1.0" encoding="UTF-7"?><kml xmlns="http://www.opengis.net/kml/2.2">'
                     b"+ADwAIQ-DOCTYPE kml+AD4-</kml>")
    assert "UTF-7" in _refused(path, "unreadable_file")


def test_missing_file(tmp_path):
    text = _refused(tmp_path / "nope.geojson", "file_not_found")
    assert "nope.geojson" in text


# --- names and aliases ------------------------------------------------------------------------------------

def test_alias_key_ignores_case_accents_and_separators():
    assert alias_key("Statut légal") == alias_key("statut_legal") == alias_key("STATUT-LÉGAL") == "statutlegal"
    assert alias_key("sí") == "si"


def test_group_prefixes_are_stripped_longest_first():
    assert name_candidates("grp/sub/site_id") == ["grp/sub/site_id", "sub/site_id", "site_id"]
    assert name_candidates("site-site_id") == ["site-site_id", "site_id"]


def test_column_mapping_prefers_canonical_names_and_reports_the_rest():
    fields = map_columns(["site", "grp/site_id", "Minerai", "today", "date_visite", "village", "_uuid", "start"], "sites")
    assert fields.columns["site_id"] == "grp/site_id" and fields.duplicates["site_id"] == ("site",)
    assert fields.columns["commodity"] == "Minerai"
    assert fields.columns["survey_date"] == "date_visite" and "survey_date" not in fields.duplicates
    assert fields.unused == ("village",)


def test_shapefile_truncated_names_are_aliases():
    assert field_alias_index("sites")["surveydat"] == "survey_date"
    assert field_alias_index("mercury")["hgkgper"] == "hg_kg_per_year"


def test_value_aliases_in_three_languages():
    commodity = value_alias_index("commodity")
    assert commodity["or"] == commodity["oro"] == commodity["gold"] == "gold"
    yes_no = value_alias_index("mercury_use")
    assert yes_no[alias_key("oui")] == yes_no[alias_key("sí")] == "yes"
    assert yes_no[alias_key("non")] == "no" and yes_no[alias_key("desconocido")] == "unknown"


def test_every_layer_alias_index_builds_without_clashes():
    from asmgeo.schema import UPLOAD_LAYERS, VALUE_ALIASES

    for layer in UPLOAD_LAYERS:
        assert field_alias_index(layer)
    for name in VALUE_ALIASES:
        assert value_alias_index(name)


def test_find_coordinate_columns_none_for_plain_tables():
    import pandas as pd

    assert not find_coordinate_columns(pd.DataFrame({"site_id": ["a"], "village": ["b"]}))
