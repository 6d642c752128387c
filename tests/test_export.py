"""Layer downloads: GeoJSON, GeoPackage and CSV keep every row, every column and the data's labels."""

from __future__ import annotations

import io
import json
import sqlite3

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import Point, Polygon

from asmgeo.outputs import export
from asmgeo.outputs.export import METADATA_TABLE, csv_bytes, export_metadata, geojson_bytes, gpkg_bytes

SCRIPT = "<script>alert(1)</script>"
COLUMNS = ["site_id", "name", "commodity", "survey_date", "workers", "hg_kg", "source"]


def _no_nan_literals(text: str) -> dict:
    """Parse JSON strictly: NaN/Infinity literals are not JSON."""
    return json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} literal in JSON"))


@pytest.fixture
def sites() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "site_id": ["S1", "S2", "S3", "S4"],
            "name": [SCRIPT, "Mina Ñuñoa — é", None, 'quote " and, comma\nnewline'],
            "commodity": ["gold", "diamond", "gold", "coltan"],
            "survey_date": pd.to_datetime(["2021-01-05", "2023-12-31", None, "2024-02-29"]),
            "workers": [12, 0, 450, 7],
            "hg_kg": [1.25, np.nan, 0.1 + 0.2, 1e-7],
            "source": ["synthetic demo", "synthetic demo", "Survey 2024 (ministry)", "synthetic demo"],
        },
        geometry=[Point(-78.123456789012, -1.5), Point(29.87, -1.94), Point(0, 0), Point(179.9999999, 89.0)],
        crs="EPSG:4326",
    )


def _expected_properties(frame: gpd.GeoDataFrame) -> list[dict]:
    """The input rows as JSON data: dates as YYYY-MM-DD, NaN/NaT/None as None."""
    rows = []
    for record in pd.DataFrame(frame.drop(columns="geometry")).to_dict("records"):
        row = {}
        for key, value in record.items():
            if isinstance(value, pd.Timestamp):
                value = value.date().isoformat()
            elif value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
                value = None
            row[key] = value
        rows.append(row)
    return rows


# ------------------------------------------------------------------------------ GeoJSON


def test_geojson_round_trips_every_row_exactly_through_json(sites):
    data = _no_nan_literals(geojson_bytes(sites).decode("utf-8"))
    assert data["type"] == "FeatureCollection"
    assert [f["properties"] for f in data["features"]] == _expected_properties(sites)
    coords = [tuple(f["geometry"]["coordinates"]) for f in data["features"]]
    assert coords == [(p.x, p.y) for p in sites.geometry]
    assert data["features"][0]["properties"]["name"] == SCRIPT  # plain data, not escaped, not dropped


def test_geojson_round_trips_through_pyogrio(sites):
    back = pyogrio.read_dataframe(io.BytesIO(geojson_bytes(sites)))
    assert list(back.columns) == [*COLUMNS, "geometry"]
    assert back["name"].tolist()[:2] == [SCRIPT, "Mina Ñuñoa — é"]
    assert back["workers"].tolist() == sites["workers"].tolist()
    assert back["hg_kg"].tolist()[2:] == sites["hg_kg"].tolist()[2:] and np.isnan(back["hg_kg"][1])
    assert back["source"].tolist() == sites["source"].tolist()
    assert shapely.equals(back.geometry.to_numpy(), sites.geometry.to_numpy()).all()
    assert back.crs.to_epsg() == 4326


def test_geojson_carries_the_metadata_and_the_synthetic_flag(sites):
    meta = {"layer": "sites", "filters": {"commodity": ["gold", "diamond"]}, "exported_at": "2025-01-01T00:00:00+00:00"}
    member = json.loads(geojson_bytes(sites, meta))["asmgeo"]
    assert member["layer"] == "sites" and member["filters"] == {"commodity": ["gold", "diamond"]}
    assert member["exported_at"] == "2025-01-01T00:00:00+00:00"
    assert member["synthetic"] is True
    assert member["sources"] == ["Survey 2024 (ministry)", "synthetic demo"]
    assert "synthetic demo" in member["notice"]
    assert member["crs"] == "EPSG:4326" and member["features"] == 4


def test_geojson_without_demo_rows_is_not_flagged_synthetic(sites):
    real = sites[sites["source"] != "synthetic demo"]
    member = json.loads(geojson_bytes(real))["asmgeo"]
    assert member["synthetic"] is False and "notice" not in member
    assert member["sources"] == ["Survey 2024 (ministry)"]
    assert member["exported_at"].endswith("+00:00")


def test_geojson_the_caller_cannot_unflag_synthetic_rows(sites):
    member = json.loads(geojson_bytes(sites, {"synthetic": False, "sources": ["IGF 2018"]}))["asmgeo"]
    assert member["synthetic"] is True
    assert member["sources"] == ["IGF 2018", "Survey 2024 (ministry)", "synthetic demo"]


def test_geojson_dates_with_a_time_and_with_a_zone_keep_them(sites):
    frame = sites.assign(
        seen=pd.to_datetime(["2021-01-05 10:30:00", "2021-01-05 00:00:00", None, "2021-01-06 00:00:01"]),
        seen_utc=pd.to_datetime(["2021-01-05 10:30"] * 4).tz_localize("UTC"),
        day=[pd.Timestamp("2021-01-05").date()] * 4,
    )
    props = json.loads(geojson_bytes(frame))["features"][0]["properties"]
    assert props["seen"] == "2021-01-05T10:30:00"
    assert props["seen_utc"] == "2021-01-05T10:30:00+00:00"
    assert props["day"] == "2021-01-05"
    assert json.loads(geojson_bytes(frame))["features"][2]["properties"]["seen"] is None


def test_geojson_other_value_types_become_json(sites):
    frame = sites.assign(
        flag=[True, False, True, False],
        maybe=pd.array([1, None, 3, 4], dtype="Int64"),
        ratio=pd.array([0.5, None, 1.5, np.nan], dtype="Float64"),
        practices=[["retort"], [], None, ["open_burning", "retort"]],
        inf=[np.inf, -np.inf, 1.0, 2.0],
    )
    features = _no_nan_literals(geojson_bytes(frame).decode())["features"]
    assert [f["properties"]["flag"] for f in features] == [True, False, True, False]
    assert [f["properties"]["maybe"] for f in features] == [1, None, 3, 4]
    assert [f["properties"]["ratio"] for f in features] == [0.5, None, 1.5, None]
    assert [f["properties"]["practices"] for f in features] == [["retort"], [], None, ["open_burning", "retort"]]
    assert [f["properties"]["inf"] for f in features] == [None, None, 1.0, 2.0]


def test_geojson_reprojects_with_a_warning(sites):
    with pytest.warns(UserWarning, match="EPSG:3857"):
        data = json.loads(geojson_bytes(sites.to_crs("EPSG:3857").iloc[:2]))
    assert data["features"][0]["geometry"]["coordinates"] == pytest.approx([-78.123456789012, -1.5])


def test_geojson_refuses_a_frame_without_crs(sites):
    with pytest.raises(ValueError, match="no CRS"):
        geojson_bytes(sites.set_crs(None, allow_override=True))


def test_geojson_polygons_follow_the_right_hand_rule():
    clockwise = Polygon([(0, 0), (0, 1), (1, 1), (1, 0)])
    assert not clockwise.exterior.is_ccw
    frame = gpd.GeoDataFrame({"source": ["x"]}, geometry=[clockwise], crs=4326)
    geometry = shapely.from_geojson(json.dumps(json.loads(geojson_bytes(frame))["features"][0]["geometry"]))
    assert geometry.exterior.is_ccw and geometry.equals(clockwise)


def test_geojson_missing_geometry_is_null_and_empty_frames_work(sites):
    frame = sites.copy()
    frame.loc[1, "geometry"] = None
    assert json.loads(geojson_bytes(frame))["features"][1]["geometry"] is None
    empty = json.loads(geojson_bytes(sites.iloc[:0]))
    assert empty["features"] == [] and empty["asmgeo"]["features"] == 0


@pytest.mark.parametrize(
    ("metadata", "match"),
    [({1: "x"}, "metadata key 1"), ({"bad": object()}, r"metadata\['bad'\]"), ({"sources": 3}, "sources"), ("x", "metadata=")],
)
def test_bad_metadata_is_refused_naming_it(sites, metadata, match):
    with pytest.raises(ValueError, match=match):
        geojson_bytes(sites, metadata)


def test_export_metadata_flags_illustrative_ratings(sites):
    meta = export_metadata({"pct": sites.assign(illustrative=[False, True, False, False])})
    assert meta["illustrative"] is True
    assert "illustrative" not in export_metadata({"pct": sites.assign(illustrative=False)})


# ----------------------------------------------------------------------------- GeoPackage


def _gpkg_file(tmp_path, data: bytes):
    path = tmp_path / "export.gpkg"
    path.write_bytes(data)
    return path


def test_gpkg_round_trips_every_layer_exactly(sites, tmp_path):
    polygons = gpd.GeoDataFrame(
        {"tailings_id": ["T1"], "volume_m3": [12.5], "source": ["synthetic demo"]},
        geometry=[Polygon([(0, 0), (1, 0), (1, 1)])], crs=4326,
    )
    path = _gpkg_file(tmp_path, gpkg_bytes({"sites": sites, "tailings": polygons}, {"layer": "sites+tailings"}))
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"
    layers = dict(pyogrio.list_layers(path))
    assert layers == {"sites": "Point", "tailings": "Polygon", METADATA_TABLE: None}
    for name, frame in {"sites": sites, "tailings": polygons}.items():
        back = pyogrio.read_dataframe(path, layer=name)
        assert back.crs.to_epsg() == 4326
        pd.testing.assert_frame_equal(
            pd.DataFrame(back.drop(columns="geometry")).astype(object).where(back.notna(), None),
            pd.DataFrame(frame.drop(columns="geometry")).astype(object).where(frame.notna(), None),
            check_dtype=False,
        )
        assert shapely.equals(back.geometry.to_numpy(), frame.geometry.to_numpy()).all()
    assert pyogrio.read_dataframe(path, layer="sites")["name"][0] == SCRIPT


def test_gpkg_keeps_the_metadata_as_a_key_value_table(sites, tmp_path):
    path = _gpkg_file(tmp_path, gpkg_bytes({"sites": sites}, {"layer": "sites", "filters": {"from": "2021-01-01"}}))
    table = pyogrio.read_dataframe(path, layer=METADATA_TABLE, read_geometry=False)
    meta = dict(zip(table["key"], table["value"]))
    assert meta["layer"] == "sites"
    assert json.loads(meta["filters"]) == {"from": "2021-01-01"}
    assert meta["synthetic"] == "true"
    assert json.loads(meta["sources"]) == ["Survey 2024 (ministry)", "synthetic demo"]
    assert json.loads(meta["layers"]) == {"sites": 4}
    with sqlite3.connect(path) as connection:
        (description,) = connection.execute("SELECT description FROM gpkg_contents WHERE table_name = 'sites'").fetchone()
    assert "synthetic demo" in description


def test_gpkg_creates_empty_layers_too(sites, tmp_path):
    path = _gpkg_file(tmp_path, gpkg_bytes({"sites": sites, "mercury": sites.iloc[:0]}))
    assert "mercury" in dict(pyogrio.list_layers(path))
    empty = pyogrio.read_dataframe(path, layer="mercury")
    assert len(empty) == 0 and list(empty.columns) == [*COLUMNS, "geometry"]


def test_gpkg_reprojects_with_a_warning(sites, tmp_path):
    with pytest.warns(UserWarning, match="reprojected"):
        data = gpkg_bytes({"sites": sites.to_crs("EPSG:32717")})
    back = pyogrio.read_dataframe(_gpkg_file(tmp_path, data), layer="sites")
    assert back.geometry.x[0] == pytest.approx(-78.123456789012)


@pytest.mark.parametrize(
    ("layers", "match"),
    [
        ({}, "non-empty dict"),
        ({"": None}, "layer name ''"),
        ({"asmgeo_export": None}, "reserved"),
        ({"gpkg_x": None}, "reserved"),
    ],
)
def test_gpkg_bad_layers_are_refused(layers, match, sites):
    layers = {name: sites for name in layers} if layers else layers
    with pytest.raises(ValueError, match=match):
        gpkg_bytes(layers)


def test_gpkg_refuses_a_layer_without_crs(sites):
    with pytest.raises(ValueError, match=r"layers\['sites'\] has no CRS"):
        gpkg_bytes({"sites": sites.set_crs(None, allow_override=True)})


# ------------------------------------------------------------------------------------ CSV


def _read_csv(data: bytes, **kwargs) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False, na_values=[""], **kwargs)


def _expected_csv(sites: gpd.GeoDataFrame) -> pd.DataFrame:
    frame = pd.DataFrame(sites.drop(columns="geometry"))
    frame["survey_date"] = frame["survey_date"].dt.strftime("%Y-%m-%d")
    frame["lon"], frame["lat"] = sites.geometry.x, sites.geometry.y
    return frame


def test_csv_is_utf8_with_bom_and_round_trips_exactly(sites):
    data = csv_bytes(sites)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    assert data.decode("utf-8-sig").splitlines()[0] == ",".join([*COLUMNS, "lon", "lat"])
    back = _read_csv(data)
    pd.testing.assert_frame_equal(back, _expected_csv(sites), check_dtype=False)
    assert back["name"][0] == SCRIPT and back["name"][1] == "Mina Ñuñoa — é"


def test_csv_for_french_and_spanish_excel_uses_semicolons_and_decimal_commas(sites):
    data = csv_bytes(sites, sep=";", decimal=",")
    assert data.decode("utf-8-sig").splitlines()[1].endswith(";-78,123456789012;-1,5")
    pd.testing.assert_frame_equal(_read_csv(data, sep=";", decimal=","), _expected_csv(sites), check_dtype=False)


def test_csv_other_geometries_become_wkt(sites):
    frame = sites.copy()
    frame.loc[0, "geometry"] = Polygon([(0, 0), (1, 0), (1, 1)])
    back = _read_csv(csv_bytes(frame))
    assert "lon" not in back and back["wkt"][0] == "POLYGON ((0 0, 1 0, 1 1, 0 0))"
    assert shapely.from_wkt(back["wkt"][1]).equals(sites.geometry[1])
    assert back["source"].tolist() == sites["source"].tolist()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"sep": "|"}, "sep="), ({"decimal": ";"}, "decimal="), ({"sep": ",", "decimal": ","}, "must differ")],
)
def test_csv_bad_separators_are_refused(sites, kwargs, match):
    with pytest.raises(ValueError, match=match):
        csv_bytes(sites, **kwargs)


def test_csv_writes_lists_as_json_and_dates_as_iso(sites):
    frame = sites.assign(practices=[["retort"], [], None, ["open_burning", "retort"]],
                         day=[pd.Timestamp("2021-01-05").date()] * 4)
    back = _read_csv(csv_bytes(frame))
    assert back["practices"].tolist()[:2] == ['["retort"]', "[]"] and pd.isna(back["practices"][2])
    assert back["day"].tolist() == ["2021-01-05"] * 4


def test_csv_refuses_a_column_it_needs_for_the_geometry(sites):
    with pytest.raises(ValueError, match="lon"):
        csv_bytes(sites.assign(lon=1.0))


# ---------------------------------------------------------------------------- all formats


def test_the_script_tag_survives_as_plain_data_in_every_format(sites, tmp_path):
    geojson = json.loads(geojson_bytes(sites))["features"][0]["properties"]["name"]
    gpkg = pyogrio.read_dataframe(_gpkg_file(tmp_path, gpkg_bytes({"sites": sites})), layer="sites")["name"][0]
    csv = _read_csv(csv_bytes(sites))["name"][0]
    assert geojson == gpkg == csv == SCRIPT


def test_rejected_features_of_a_file_without_crs_download_as_written(tmp_path):
    """A CSV names no CRS: its impossible coordinate is written back as it was, with the reason."""
    from asmgeo.ingest.validate import validate_file
    from asmgeo.shipped.boundaries import load_countries

    path = tmp_path / "sites.csv"
    path.write_text("site_id,commodity,survey_date,longitude,latitude\n"
                    "A1,gold,2024-03-01,-12.1,12.5\nA2,gold,2024-03-01,-12.2,212.5\n", encoding="utf-8")
    report = validate_file(path, "sites", load_countries("full"))
    assert report.rejected.crs is None and report.rejected_count == 1
    features = json.loads(export.rejected_geojson_bytes(report.rejected))["features"]
    assert [f["properties"]["site_id"] for f in features] == ["A2"]
    assert features[0]["geometry"]["coordinates"] == [-12.2, 212.5]
    assert features[0]["properties"]["reasons"]
